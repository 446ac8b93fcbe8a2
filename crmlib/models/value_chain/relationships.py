"""The fifth stage of Buttle's CRM value chain and its supporting conditions.

- **Relationship management**: acquisition, retention, up-sell and cross-sell over the
  last twelve months, per segment, against targets;
- **supporting conditions**: the five conditions of the workshop assessment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.lifecycle.cohorts import acquisition, cohort_retention
from crmlib.analytics.pareto import flag_ssc
from crmlib.analytics.purchases import purchase_lines
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.instruments import Answers, area_scores
from crmlib.models.value_chain.portfolio import Portfolio, period_profit
from crmlib.models.value_chain.stages import CONDITIONS, load_conditions_answers

# ---------------------------------------------------------------- relationship management


@dataclass(frozen=True)
class Targets:
    """Targets of relationship management, per segment where they differ.

    Attributes
    ----------
    retention_ssc, retention_other : float
        Share of last year's buyers who buy again this year.
    upsell : float
        Share of retained customers who spend more than the year before.
    cross_sell : float
        Share of retained customers who buy in a category new to them.
    acquisition : float
        New customers per customer lost (1 replaces the base).
    """

    retention_ssc: float = 0.85
    retention_other: float = 0.6
    upsell: float = 0.5
    cross_sell: float = 0.5
    acquisition: float = 1.0

    def target(self, measure: str, segment: str) -> float:
        if measure == "retention":
            return self.retention_ssc if segment == "SSC" else self.retention_other
        return {"up-sell": self.upsell, "cross-sell": self.cross_sell}.get(
            measure, self.acquisition
        )


@dataclass(frozen=True)
class Relationships:
    """The customer lifecycle over the last period, against targets.

    Attributes
    ----------
    measures : DataFrame
        One row per measure and segment: ``measure`` (acquisition, retention,
        up-sell, cross-sell), ``segment`` ("SSC", "other" or "all"), ``customers``
        (the base the share is taken of), ``value``, ``target`` and ``attainment``
        (value / target, at most 1).
    cohorts : DataFrame
        From :func:`crmlib.analytics.lifecycle.cohort_retention` by year.
    acquisition : DataFrame
        New customers per year by first sales channel (or in total).
    ssc_by_source : DataFrame or None
        Per acquisition channel (``customers.acquisition_channel``): ``customers``
        and ``ssc_share`` (SSCs now among them).
    retained_value : dict
        Segment -> the mean current value of its retained customers (for the value of
        a retention shortfall).
    """

    measures: pd.DataFrame
    cohorts: pd.DataFrame
    acquisition: pd.DataFrame
    ssc_by_source: pd.DataFrame | None
    retained_value: dict[str, float]

    @property
    def attainment(self) -> float:
        """The mean attainment over all measures with a target (0-1)."""
        return float(self.measures["attainment"].mean())

    def value(self, measure: str, segment: str) -> float:
        rows = self.measures[
            (self.measures["measure"] == measure) & (self.measures["segment"] == segment)
        ]
        return float(rows["value"].iloc[0]) if len(rows) else float("nan")


def _purchase_lines(transactions: pd.DataFrame, start, end) -> pd.DataFrame:
    data = purchase_lines(transactions, end)
    keep = data["date"] > start
    return data[keep.to_numpy(dtype=bool)]


def relationship_management(
    company: Company, portfolio: Portfolio, targets: Targets | None = None
) -> Relationships:
    """Acquisition, retention, up-sell and cross-sell over the last twelve months.

    The segments are the customers' SSC status a year ago: the Pareto rule of the
    portfolio (the top ``ssc_share`` by profit) applied to the twelve months before the
    last twelve. Judging this year's retention by this year's SSCs would be circular:
    a customer is an SSC now because they bought.

    Raises
    ------
    MissingDataError
        When nobody bought in the twelve months before the last twelve.
    """
    targets = targets or Targets()
    end = company.observation_end
    mid = end - pd.DateOffset(months=12)
    start = end - pd.DateOffset(months=24)
    tx = company.transactions
    last = _purchase_lines(tx, mid, end)
    before = _purchase_lines(tx, start, mid)
    if before.empty:
        raise MissingDataError(
            "relationship measures need purchases in the two years before "
            f"{end:%d %b %Y}; the data has none in the first of them"
        )
    last_revenue = last.groupby("customer_id")["amount"].sum()
    before_revenue = before.groupby("customer_id")["amount"].sum()
    profit = period_profit(company, start, mid)["profit"]
    was_ssc = flag_ssc(profit, portfolio.ssc_share)
    segment = pd.Series(
        np.where(was_ssc.reindex(before_revenue.index).fillna(False), "SSC", "other"),
        index=before_revenue.index,
    )
    retained = before_revenue.index.intersection(last_revenue.index)
    first_date = _purchase_lines(tx, pd.Timestamp.min, end).groupby("customer_id")["date"].min()
    new = int(((first_date > mid) & (first_date <= end)).sum())
    lost = len(before_revenue) - len(retained)

    categories = None
    if company.has("products", "product_id", "category") and "product_id" in tx.columns:
        category = company.products.set_index("product_id")["category"]
        earlier = _purchase_lines(tx, pd.Timestamp.min, mid)
        had = set(zip(earlier["customer_id"], earlier["product_id"].map(category), strict=True))
        bought = last[["customer_id"]].assign(category=last["product_id"].map(category).to_numpy())
        bought = bought.dropna().drop_duplicates()
        fresh = [
            (c, k) not in had
            for c, k in zip(bought["customer_id"], bought["category"], strict=True)
        ]
        categories = set(bought.loc[np.asarray(fresh, dtype=bool), "customer_id"])

    rows = [
        {
            "measure": "acquisition",
            "segment": "all",
            "customers": lost,
            "value": new / lost if lost else np.nan,
        }
    ]
    for name in ("SSC", "other"):
        base = segment.index[(segment == name).to_numpy(dtype=bool)]
        kept = base.intersection(retained)
        rows.append(
            {
                "measure": "retention",
                "segment": name,
                "customers": len(base),
                "value": len(kept) / len(base) if len(base) else np.nan,
            }
        )
        grew = (last_revenue.reindex(kept) > before_revenue.reindex(kept)).mean()
        rows.append(
            {
                "measure": "up-sell",
                "segment": name,
                "customers": len(kept),
                "value": float(grew) if len(kept) else np.nan,
            }
        )
        if categories is not None:
            rows.append(
                {
                    "measure": "cross-sell",
                    "segment": name,
                    "customers": len(kept),
                    "value": float(kept.isin(list(categories)).mean()) if len(kept) else np.nan,
                }
            )
    measures = pd.DataFrame(rows)
    measures["target"] = [
        targets.target(m, s) for m, s in zip(measures["measure"], measures["segment"], strict=True)
    ]
    measures["attainment"] = (measures["value"] / measures["target"]).clip(upper=1.0)

    current = portfolio.table["current_value"]
    retained_value = {
        name: float(
            current.reindex(
                segment.index[(segment == name).to_numpy(dtype=bool)].intersection(retained)
            ).mean()
        )
        for name in ("SSC", "other")
    }
    ssc_by_source = None
    if "acquisition_channel" in company.customers.columns:
        source = company.customers.set_index("customer_id")["acquisition_channel"].fillna("unknown")
        is_ssc = portfolio.table["ssc"].reindex(source.index).fillna(False)
        ssc_by_source = pd.DataFrame(
            {"customers": source.value_counts(), "ssc_share": is_ssc.groupby(source).mean()}
        ).sort_values("ssc_share", ascending=False)
        ssc_by_source.index.name = "acquisition_channel"
    by = "first_channel" if "channel" in tx.columns else None
    return Relationships(
        measures=measures,
        cohorts=cohort_retention(tx, "Y", end),
        acquisition=acquisition(tx, company.products, freq="Y", end=end, by=by),
        ssc_by_source=ssc_by_source,
        retained_value=retained_value,
    )


# ---------------------------------------------------------------- supporting conditions


@dataclass(frozen=True)
class Conditions:
    """The supporting conditions as the workshop scored them.

    Attributes
    ----------
    areas : DataFrame
        Indexed by area id (the five conditions): ``condition`` (name), ``answered``,
        ``total``, ``percent`` (0-100, NaN when not scored) and ``score`` (0-1).
    answers : Answers
    """

    areas: pd.DataFrame
    answers: Answers

    @property
    def scored(self) -> bool:
        return bool(self.areas["answered"].sum() > 0)


def supporting_conditions(company: Company) -> Conditions:
    """The five supporting conditions from the value chain instrument's saved answers."""
    answers = load_conditions_answers(company.data_dir)
    areas = area_scores(answers).set_index("area").loc[list(CONDITIONS)]
    out = pd.DataFrame(
        {
            "condition": [CONDITIONS[a] for a in areas.index],
            "answered": areas["answered"].to_numpy(),
            "total": areas["total"].to_numpy(),
            "percent": areas["percent"].to_numpy(),
        },
        index=areas.index,
    )
    out["score"] = out["percent"] / 100
    return Conditions(areas=out, answers=answers)
