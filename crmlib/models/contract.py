"""What every model package offers, and the one seam where it will meet the customer base.

Each of ``crmlib.models.idic``, ``qci``, ``payne_frow``, ``value_chain`` and ``idol`` has
the same skeleton:

- ``analyse(company, base=None, **params) -> Result``: every element of the model on the
  company's data, with the parameters of its notebook (in ``analysis.py``);
- ``verdict(result) -> ModelVerdict``: the conclusion for the strategy report;
- ``diagram(result)``: the company's figures on the model's diagram, as
  :class:`crmlib.stages.Stage` (the drawing itself is :mod:`crmlib.diagrams`, a layer
  above the models; the notebook joins the two).

``base`` is the shared per-customer base (one per company and window,
:func:`crmlib.analytics.base.customer_base`). :func:`resolve_base`, called once in each
``analyse``, gives the one the caller passed (the strategy report passes the same base to
every model) or the company's own, memoised, so no model builds a customer table of its own.
"""

from __future__ import annotations

from typing import Any

from crmlib.analytics.base import CustomerBase, customer_base


def resolve_base(company: Any, base: CustomerBase | None = None, **settings: Any) -> CustomerBase:
    """The customer base a model reads: ``base`` when given, else the company's own.

    Parameters
    ----------
    company : Company
        The loaded company.
    base : CustomerBase, optional
        A base the caller already holds (the strategy report passes one to every model).
    **settings
        Passed to :func:`crmlib.analytics.base.customer_base` when ``base`` is None
        (observation end, window, value metric, SSC share, ...).

    Returns
    -------
    CustomerBase
    """
    if base is not None:
        return base
    return customer_base(company, **settings)
