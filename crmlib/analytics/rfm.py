"""RFM analysis: recency, frequency and monetary scores, and named segments.

RFM is the simplest way to differentiate customers by behaviour: how recently they
bought (R), how often (F) and for how much (M). Each is turned into a score from 1
(worst) to ``bins`` (best, 5 by default) by rank, and the R x F grid is mapped to named
segments with a suggested treatment.

Scores are rank-based: a customer's score says what share of the *other* customers
they beat, ``floor(share beaten * bins) + 1`` (capped at ``bins``). Customers with equal
values beat the same customers, so ties never split: every one-time buyer gets F = 1,
however many there are. With distinct values each score gets an equal share of the
base, and a base with fewer customers than bins still spreads over the scale (three
customers get 1, 3 and 5) instead of failing as quantile cuts do. A lone customer gets
the middle score.

The default segment grid (R down, F across, 5 = best), after the widely used RFM
segment map with a "lost" corner added:

======  ==============  ==================  ==================  ===============  ===============
R \\ F  1               2                   3                   4                5
======  ==============  ==================  ==================  ===============  ===============
5       new             potential loyalist  potential loyalist  champions        champions
4       promising       potential loyalist  potential loyalist  loyal            loyal
3       about to sleep  about to sleep      needs attention     loyal            loyal
2       hibernating     hibernating         at risk             at risk          can't lose them
1       lost            lost                at risk             at risk          can't lose them
======  ==============  ==================  ==================  ===============  ===============

For other numbers of bins the scores are placed on this 5 x 5 grid by their relative
position (with 3 bins, scores 1, 2, 3 read as 1, 3, 5). A custom ``segment_map`` gives
a name to every (R, F) cell directly.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crmlib.analytics.summary import (
    amounts_of,
    customer_ids,
    customer_numbers,
    table_customers,
    to_day_numbers,
)
from crmlib.analytics.summary import (
    require_columns as _require_columns,
)
from crmlib.errors import ParameterError
from crmlib.money import round_money

#: Segment descriptions and suggested treatments, best first.
SEGMENTS: dict[str, str] = {
    "champions": "bought recently, buy often and spend the most. Reward them; they are "
    "early adopters and can promote the brand",
    "loyal": "buy often and fairly recently. Offer more (up-sell) and ask for reviews",
    "potential loyalist": "recent customers with a few purchases. Offer membership or a "
    "loyalty programme",
    "new": "bought very recently, for the first time. Welcome them and help them start",
    "promising": "recent shoppers who have not bought much yet. Build awareness with free trials",
    "needs attention": "middle of the road on recency and frequency. Make a limited-time "
    "offer based on their history",
    "about to sleep": "below average on recency and frequency. Share popular products and "
    "reconnect before they drift off",
    "at risk": "bought often, but long ago. Send personal messages and offers to win them back",
    "can't lose them": "were among the most frequent buyers but have not come back for a "
    "long time. Win them back; talk to them",
    "hibernating": "last purchase long ago, few purchases. Offer relevant products and "
    "special discounts, or accept that they may be gone",
    "lost": "lowest recency and frequency. Revive interest with an outreach campaign, "
    "otherwise spend nothing more",
}

#: The default R x F grid on 5 bins: rows are R scores 1..5, columns F scores 1..5.
DEFAULT_SEGMENT_GRID: tuple[tuple[str, ...], ...] = (
    ("lost", "lost", "at risk", "at risk", "can't lose them"),
    ("hibernating", "hibernating", "at risk", "at risk", "can't lose them"),
    ("about to sleep", "about to sleep", "needs attention", "loyal", "loyal"),
    ("promising", "potential loyalist", "potential loyalist", "loyal", "loyal"),
    ("new", "potential loyalist", "potential loyalist", "champions", "champions"),
)

RFM_COLUMNS = ("recency", "frequency", "monetary")


def rfm_table(
    tx: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    observation_end: object = None,
) -> pd.DataFrame:
    """Recency, frequency and monetary value per customer, from transactions.

    Parameters
    ----------
    tx : DataFrame
        Transaction lines; not modified. Lines after ``observation_end`` are left out.
    customer_col, date_col, amount_col : str
        Column names.
    observation_end : date-like, optional
        The day the analysis looks from; defaults to the last transaction date.

    Returns
    -------
    DataFrame
        Indexed by customer (sorted), with columns:

        - ``recency``: days from the last purchase to ``observation_end`` (0 = that day);
        - ``frequency``: number of days with a purchase (lines of one day are one visit);
        - ``monetary``: total amount (returns, as negative amounts, are netted);
        - ``first_purchase``, ``last_purchase``: dates.

    Raises
    ------
    MissingDataError, DataValidationError, ParameterError
        For missing columns, bad values, or an ``observation_end`` before every
        transaction.
    """
    _require_columns(tx, "transactions", [customer_col, date_col, amount_col])
    days = to_day_numbers(tx[date_col], "transactions", date_col)
    amount = amounts_of(tx, amount_col, "transactions")
    if customer_col == "customer_id":
        # the company's one numbering of its lines' customers (kept with a loaded table)
        codes, ids = table_customers(tx, "transactions")
    else:
        codes, ids = customer_numbers(tx[customer_col], "transactions", customer_col)
    if observation_end is None:
        end_day = int(days.max()) if len(days) else 0
    else:
        stamp = pd.Timestamp(observation_end)
        end_day = int(
            stamp.tz_localize(None).to_datetime64().astype("datetime64[D]").astype(np.int64)
        )
    keep = days <= end_day
    if len(days) and not keep.any():
        raise ParameterError(f"observation_end ({observation_end}) is before the first transaction")
    # the lines are grouped by customer number: grouping ten million ids as text (or
    # numbering them again) made this step slow and large
    frame = pd.DataFrame({"customer": codes[keep], "day": days[keep], "amount": amount[keep]})
    grouped = frame.groupby("customer", sort=True)
    first = grouped["day"].min()
    last = grouped["day"].max()
    visits = frame.drop_duplicates(["customer", "day"]).groupby("customer", sort=True).size()
    out = pd.DataFrame(
        {
            "recency": (end_day - last).astype(np.int64),
            "frequency": visits.astype(np.int64),
            "monetary": round_money(grouped["amount"].sum()),
            "first_purchase": pd.to_datetime(first.to_numpy(), unit="D"),
            "last_purchase": pd.to_datetime(last.to_numpy(), unit="D"),
        },
        index=first.index,
    )
    out.index = customer_ids(ids, first.index.to_numpy())
    if not out.index.is_monotonic_increasing:
        # numbers follow the ids' order for numbered and whole-number ids; other text
        # is numbered as it comes, and the table is sorted by id
        out = out.sort_index(kind="stable")
    out.index.name = customer_col
    return out


def rank_scores(values: pd.Series, bins: int = 5, *, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..``bins`` by rank, ties sharing a score; see the module notes.

    The score is ``floor(beaten / (n - 1) * bins) + 1``, capped at ``bins``, where
    ``beaten`` is the number of customers with a strictly worse value and ``n`` the
    number of customers with a value.

    Parameters
    ----------
    values : Series
        One value per customer. Missing values get no score (<NA>).
    bins : int, default 5
        Number of scores, 2 or more.
    higher_is_better : bool, default True
        Whether a larger value earns a higher score (False for recency in days).

    Returns
    -------
    Series of Int64
        Indexed like ``values``.
    """
    if int(bins) != bins or bins < 2:
        raise ParameterError(f"bins must be a whole number of 2 or more, got {bins}")
    numbers = pd.to_numeric(values, errors="coerce")
    n = int(numbers.notna().sum())
    if n == 1:
        return pd.Series((bins + 1) // 2, index=values.index, dtype="Int64").where(
            numbers.notna(), pd.NA
        )
    # rank 1 = the worst value; "min" gives tied customers the rank of the first of them
    beaten = numbers.rank(method="min", ascending=higher_is_better) - 1
    scores = np.floor(beaten / max(n - 1, 1) * bins) + 1
    return scores.clip(1, bins).astype("Int64")


def rfm_scores(
    rfm: pd.DataFrame,
    bins: int = 5,
    *,
    recency_col: str = "recency",
    frequency_col: str = "frequency",
    monetary_col: str = "monetary",
) -> pd.DataFrame:
    """Add R, F and M scores (1 = worst, ``bins`` = best) to an RFM table.

    Parameters
    ----------
    rfm : DataFrame
        One row per customer, e.g. from :func:`rfm_table` (recency in days: fewer is
        better). Not modified.
    bins : int, default 5
        Number of scores per dimension (5 gives quintiles).
    recency_col, frequency_col, monetary_col : str
        Column names.

    Returns
    -------
    DataFrame
        A copy of ``rfm`` with ``r_score``, ``f_score``, ``m_score`` (Int64),
        ``rfm_code`` (e.g. "5-4-3") and ``rfm_total`` (sum of the scores).
    """
    _require_columns(rfm, "RFM table", [recency_col, frequency_col, monetary_col])
    out = rfm.copy()
    out["r_score"] = rank_scores(rfm[recency_col], bins, higher_is_better=False)
    out["f_score"] = rank_scores(rfm[frequency_col], bins)
    out["m_score"] = rank_scores(rfm[monetary_col], bins)
    scores = out[["r_score", "f_score", "m_score"]].astype("string")
    out["rfm_code"] = (
        scores["r_score"] + "-" + scores["f_score"] + "-" + scores["m_score"]
    ).astype("str")
    out["rfm_total"] = out["r_score"] + out["f_score"] + out["m_score"]
    return out


def segment_grid(
    bins: int = 5, segment_map: Mapping[tuple[int, int], str] | None = None
) -> pd.DataFrame:
    """The R x F grid of segment names for ``bins`` scores.

    Parameters
    ----------
    bins : int, default 5
        Number of scores per dimension.
    segment_map : mapping of (r_score, f_score) to name, optional
        A custom grid; it must name every cell. Defaults to the grid in the module notes.

    Returns
    -------
    DataFrame
        Index ``r_score`` from ``bins`` down to 1, columns ``f_score`` 1 to ``bins``.

    Raises
    ------
    ParameterError
        If a custom map misses a cell or names a score out of range.
    """
    if int(bins) != bins or bins < 2:
        raise ParameterError(f"bins must be a whole number of 2 or more, got {bins}")
    bins = int(bins)
    scores = range(1, bins + 1)
    if segment_map is None:

        def to_five(score: int) -> int:
            return int(round(1 + (score - 1) * 4 / (bins - 1)))

        cells = {
            (r, f): DEFAULT_SEGMENT_GRID[to_five(r) - 1][to_five(f) - 1]
            for r in scores
            for f in scores
        }
    else:
        cells = {(int(r), int(f)): str(name) for (r, f), name in segment_map.items()}
        outside = [cell for cell in cells if not (1 <= cell[0] <= bins and 1 <= cell[1] <= bins)]
        missing = [(r, f) for r in scores for f in scores if (r, f) not in cells]
        if outside or missing:
            raise ParameterError(
                f"segment_map must name every (r_score, f_score) cell from 1 to {bins}: "
                + (f"missing {missing[:5]}" if missing else f"out of range {outside[:5]}")
            )
    grid = pd.DataFrame(
        [[cells[(r, f)] for f in scores] for r in reversed(scores)],
        index=pd.Index(list(reversed(scores)), name="r_score"),
        columns=pd.Index(list(scores), name="f_score"),
    )
    return grid


def rfm_segments(
    scores: pd.DataFrame,
    bins: int = 5,
    segment_map: Mapping[tuple[int, int], str] | None = None,
    *,
    r_col: str = "r_score",
    f_col: str = "f_score",
) -> pd.DataFrame:
    """Name each customer's segment from their R and F scores.

    Parameters
    ----------
    scores : DataFrame
        From :func:`rfm_scores`; not modified.
    bins : int, default 5
        The number of scores used.
    segment_map : mapping of (r_score, f_score) to name, optional
        A custom grid (see :func:`segment_grid`).
    r_col, f_col : str
        Score columns.

    Returns
    -------
    DataFrame
        A copy of ``scores`` with a ``segment`` column (missing where a score is).
    """
    _require_columns(scores, "RFM scores", [r_col, f_col])
    grid = segment_grid(bins, segment_map)
    r = scores[r_col].astype("Int64")
    f = scores[f_col].astype("Int64")
    out = scores.copy()
    names = _vector_lookup(grid, r, f)
    out["segment"] = pd.Series(names, index=scores.index, dtype="str")
    return out


def _vector_lookup(grid: pd.DataFrame, r: pd.Series, f: pd.Series) -> np.ndarray:
    """Segment names for score pairs, by indexing a small table (no per-row Python)."""
    bins = len(grid.columns)
    table = np.empty((bins + 1, bins + 1), dtype=object)
    for score_r in grid.index:
        for score_f in grid.columns:
            table[score_r, score_f] = grid.loc[score_r, score_f]
    valid = (r.notna() & f.notna()).to_numpy()
    out = np.full(len(r), None, dtype=object)
    out[valid] = table[r.to_numpy()[valid].astype(int), f.to_numpy()[valid].astype(int)]
    return out


def rfm_analysis(
    tx: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    observation_end: object = None,
    bins: int = 5,
    segment_map: Mapping[tuple[int, int], str] | None = None,
) -> pd.DataFrame:
    """RFM table, scores and segments in one call: :func:`rfm_table`, then
    :func:`rfm_scores`, then :func:`rfm_segments`."""
    table = rfm_table(tx, customer_col, date_col, amount_col, observation_end)
    return rfm_segments(rfm_scores(table, bins), bins, segment_map)


def segment_summary(segmented: pd.DataFrame, *, segment_col: str = "segment") -> pd.DataFrame:
    """Size and average behaviour of each segment.

    Parameters
    ----------
    segmented : DataFrame
        From :func:`rfm_segments` or :func:`rfm_analysis`.

    Returns
    -------
    DataFrame
        Indexed by segment (largest first): ``n_customers``, ``share_of_customers``,
        the mean ``recency``, ``frequency`` and ``monetary`` where present,
        ``total_monetary``, ``share_of_monetary`` and ``description``.
    """
    _require_columns(segmented, "RFM segments", [segment_col])
    grouped = segmented.groupby(segment_col, sort=False)
    out = pd.DataFrame({"n_customers": grouped.size()})
    out["share_of_customers"] = out["n_customers"] / max(len(segmented), 1)
    for column in RFM_COLUMNS:
        if column in segmented.columns:
            out[column] = grouped[column].mean()
    if "monetary" in segmented.columns:
        out["total_monetary"] = grouped["monetary"].sum()
        total = float(segmented["monetary"].sum())
        out["share_of_monetary"] = out["total_monetary"] / total if total else np.nan
    out["description"] = [SEGMENTS.get(name, "") for name in out.index]
    return out.sort_values("n_customers", ascending=False, kind="stable")
