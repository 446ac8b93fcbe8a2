"""Sums of money without floating-point noise.

Adding up amounts such as 19.99 in one order or another gives results that differ in
the last bits: a purchase and its return sum to 0 in one order and to 4e-13 in
another. A customer whose returns cancel their purchases must have a value of exactly
0, whatever engine added the lines up (NumPy in line order, a database in its own), and
two customers who spent the same must tie. Every per-customer sum of money is therefore
rounded to a millionth of the currency unit: far below any currency's smallest coin,
far above the noise. Means are taken of the rounded sums (:func:`mean_money`).
"""

from __future__ import annotations

import numpy as np

#: Decimals a per-customer sum of money keeps.
MONEY_DECIMALS = 6


def round_money(values):
    """``values`` (an array, Series or number) rounded to :data:`MONEY_DECIMALS`.

    ``-0.0`` becomes ``0.0``, so that a cancelled sum reads as zero everywhere.
    """
    return np.round(values, MONEY_DECIMALS) + 0.0


def mean_money(total, count):
    """``total / count`` (0 where ``count`` is 0), the total rounded before it is divided.

    The total is what carries the noise; rounding the mean instead would round a value
    such as 44.6378125 (1,428.41 over 32 periods) one way or the other by that noise.
    """
    total = np.asarray(round_money(np.asarray(total, dtype=float)), dtype=float)
    count = np.asarray(count, dtype=float)
    return np.divide(total, count, out=np.zeros(np.broadcast(total, count).shape), where=count > 0)
