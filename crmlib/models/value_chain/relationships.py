"""The fifth stage of Buttle's CRM value chain and its supporting conditions.

- **Relationship management**: acquisition, retention, up-sell and cross-sell over the
  last twelve months, per segment, against targets;
- **supporting conditions**: the five conditions of the workshop assessment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.base import customer_base, year_back
from crmlib.analytics.lifecycle.cohorts import acquisition, cohort_retention
from crmlib.analytics.purchases import purchase_mask
from crmlib.analytics.summary import amount_per_customer, customer_ids, table_customers
from crmlib.analytics.vocabulary import TARGET_DEFAULTS, definition, targets
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.figures import Figure
from crmlib.formatting import day, percent
from crmlib.instruments import Answers, area_scores
from crmlib.models.value_chain.portfolio import Portfolio
from crmlib.models.value_chain.stages import CONDITIONS, load_conditions_answers
from crmlib.text import N_, translate
from crmlib.text_columns import isin, positions

#: Below this share of the year before inside the data, the measures are unavailable;
#: between it and 1 they carry a caveat with the covered share.
MIN_COVERAGE = 0.5

# ---------------------------------------------------------------- relationship management


@dataclass(frozen=True)
class Targets:
    """Targets of relationship management, per segment where they differ.

    The retention targets are the client's (``company.yml`` ``targets:``, read with
    :func:`crmlib.analytics.vocabulary.targets`; build them with :meth:`for_company`):
    ``ssc_retention`` for the SSCs and ``retention`` for the others.

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

    retention_ssc: float = TARGET_DEFAULTS["ssc_retention"]
    retention_other: float = TARGET_DEFAULTS["retention"]
    upsell: float = 0.5
    cross_sell: float = 0.5
    acquisition: float = 1.0

    @classmethod
    def for_company(
        cls,
        company: object,
        *,
        upsell: float = 0.5,
        cross_sell: float = 0.5,
        acquisition: float = 1.0,
    ) -> Targets:
        """The client's retention targets with these development targets."""
        given = targets(company)
        return cls(given["ssc_retention"], given["retention"], upsell, cross_sell, acquisition)

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
    period : str
        The two years compared, ``yyyy-mm-dd..yyyy-mm-dd -> yyyy-mm-dd..yyyy-mm-dd``.
    coverage : float
        The share of the year before that lies inside the data (1 when all of it).
    caveat : str
        Why the measures must be read with care ("" when they need not).
    """

    measures: pd.DataFrame
    cohorts: pd.DataFrame
    acquisition: pd.DataFrame
    ssc_by_source: pd.DataFrame | None
    retained_value: dict[str, float]
    period: str = ""
    coverage: float = 1.0
    caveat: str = ""

    @property
    def attainment(self) -> float:
        """The mean attainment over all measures with a target (0-1)."""
        return float(self.measures["attainment"].mean())

    def figures(self) -> list[Figure]:
        """The retention rates per segment and their targets, as checkable figures.

        The retention of last year's SSCs and of the others are this model's own split of
        the retention rate (``retention_rate.ssc_last_year``, ``retention_rate.other``);
        the targets are the client's (``target.ssc_retention``, ``target.retention``).
        """
        status = "caveat" if self.caveat else "ok"
        label = definition("retention_rate").label
        out = []
        for segment, key, words, target in (
            ("SSC", "ssc_last_year", "last year's SSCs", "ssc_retention"),
            ("other", "other", "last year's other customers", "retention"),
        ):
            rows = self.measures[
                (self.measures["measure"] == "retention") & (self.measures["segment"] == segment)
            ]
            value = float(rows["value"].iloc[0]) if len(rows) else float("nan")
            figure_id = f"retention_rate.{key}"
            if np.isnan(value):
                out.append(
                    Figure.unavailable(
                        figure_id, f"{label}: {words}", "share",
                        f"nobody of {words} bought in the year before", self.period,
                    )
                )  # fmt: skip
            else:
                out.append(
                    Figure(figure_id, f"{label}: {words}", value, "share", self.period, status,
                           self.caveat)
                )  # fmt: skip
            out.append(
                Figure(
                    f"target.{target}",
                    f"{definition('target').label}: {target.replace('_', ' ')}",
                    float(rows["target"].iloc[0]) if len(rows) else float("nan"),
                    "share",
                    "the analysis window",
                )
            )
        return out

    def value(self, measure: str, segment: str) -> float:
        rows = self.measures[
            (self.measures["measure"] == measure) & (self.measures["segment"] == segment)
        ]
        return float(rows["value"].iloc[0]) if len(rows) else float("nan")


def _new_category_buyers(
    customers: np.ndarray,
    ids: pd.Index,
    products: pd.Series,
    earlier: np.ndarray,
    last: np.ndarray,
    category: pd.Series,
) -> pd.Index:
    """The customers with a ``last`` line in a product category that none of their
    ``earlier`` lines had, in the order of their first such line.

    ``customers`` holds each line's customer number (``ids`` its id), ``products`` each
    line's product; ``earlier`` and ``last`` pick lines. Each line becomes one number for
    its (customer, category) pair, so the pairs are looked up as numbers rather than as
    two texts per line, and no line is copied.
    """
    category_number, _ = pd.factorize(category)
    found = positions(category.index, products)
    number = np.where(found >= 0, category_number[found], -1)
    known = number >= 0
    pair = customers.astype(np.int64) * (len(category) + 1) + number
    had = pair[earlier & known]
    bought = np.flatnonzero(last & known)
    new = bought[~pd.Series(pair[bought]).isin(had).to_numpy(dtype=bool)]
    return customer_ids(ids, pd.unique(customers[new]))


def relationship_management(
    company: Company, portfolio: Portfolio, targets: Targets | None = None
) -> Relationships:
    """Acquisition, retention, up-sell and cross-sell over the last twelve months.

    The segments are the customers' SSC status a year ago: the customer base of the
    twelve months before the last twelve (the same settings as the portfolio's base).
    Judging this year's retention by this year's SSCs would be circular: a customer is
    an SSC now because they bought.

    The year before must lie inside the data: when less than :data:`MIN_COVERAGE` of it
    does, the measures are not measurable; when part of it does, they carry a caveat
    with the covered share (the year before's buyers are undercounted, which flatters
    retention).

    Raises
    ------
    MissingDataError
        When nobody bought in the twelve months before the last twelve, or the data
        covers less than :data:`MIN_COVERAGE` of them.
    """
    targets = targets or Targets.for_company(company)
    end = company.observation_end
    mid = year_back(end)
    start = year_back(mid)
    tx = company.transactions
    # the lines are picked by masks and grouped by customer number: no copy of them
    keep, date = purchase_mask(tx, end), tx["date"]

    def dated(after, upto) -> np.ndarray:
        """The purchase lines dated in (after, upto]."""
        return keep & ((date > after) & (date <= upto)).to_numpy(dtype=bool, na_value=False)

    last, before = dated(mid, end), dated(start, mid)
    period = (
        f"{(start + pd.Timedelta(days=1)).date()}..{mid.date()} -> "
        f"{(mid + pd.Timedelta(days=1)).date()}..{end.date()}"
    )
    if not before.any():
        raise MissingDataError(
            translate(
                "relationship measures need purchases in the two years before {end}; the "
                "data has none in the first of them"
            ).format(end=day(end))
        )
    data_start = pd.Timestamp(tx["date"].min()).normalize()
    # the share of the year before (start, mid] that the data covers
    coverage = float(
        np.clip((mid - max(data_start - pd.Timedelta(days=1), start)) / (mid - start), 0, 1)
    )
    if coverage < MIN_COVERAGE:
        raise MissingDataError(
            translate(
                "retention, up-sell, cross-sell and acquisition compare the year before "
                "({before}) with the last; the data begins on {start}, so it covers {share} "
                "of the year before. Give two full years of transactions"
            ).format(
                before=period.split(" -> ")[0], start=data_start.date(), share=percent(coverage)
            )
        )
    caveat = (
        translate(
            "the data begins on {start}, so it covers only {share} of the year before: its "
            "buyers are undercounted and retention may read high"
        ).format(start=data_start.date(), share=percent(coverage))
        if coverage < 1
        else ""
    )
    customers, ids = table_customers(tx, "transactions")
    last_revenue = amount_per_customer(tx, last)
    before_revenue = amount_per_customer(tx, before)
    was_ssc = _ssc_a_year_ago(company, portfolio, mid)
    segment = pd.Series(
        np.where(was_ssc.reindex(before_revenue.index).fillna(False), "SSC", "other"),
        index=before_revenue.index,
    )
    retained = before_revenue.index.intersection(last_revenue.index)
    bought = dated(pd.Timestamp.min, end)
    first_date = pd.Series(date.to_numpy()[bought]).groupby(customers[bought]).min()
    new = int(((first_date > mid) & (first_date <= end)).sum())
    lost = len(before_revenue) - len(retained)

    categories = None
    if company.has("products", "product_id", "category") and "product_id" in tx.columns:
        category = company.products.set_index("product_id")["category"]
        # the (customer, category) pairs of the last year that no earlier line had
        categories = _new_category_buyers(
            customers, ids, tx["product_id"], dated(pd.Timestamp.min, mid), last, category
        )

    rows = [
        {
            "measure": N_("acquisition"),
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
                "measure": N_("retention"),
                "segment": name,
                "customers": len(base),
                "value": len(kept) / len(base) if len(base) else np.nan,
            }
        )
        grew = (last_revenue.reindex(kept) > before_revenue.reindex(kept)).mean()
        rows.append(
            {
                "measure": N_("up-sell"),
                "segment": name,
                "customers": len(kept),
                "value": float(grew) if len(kept) else np.nan,
            }
        )
        if categories is not None:
            rows.append(
                {
                    "measure": N_("cross-sell"),
                    "segment": name,
                    "customers": len(kept),
                    "value": float(isin(kept, categories).mean()) if len(kept) else np.nan,
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
        period=period,
        coverage=coverage,
        caveat=caveat,
    )


def _ssc_a_year_ago(company: Company, portfolio: Portfolio, mid: pd.Timestamp) -> pd.Series:
    """The SSC flag of the customer base of the twelve months up to ``mid``."""
    settings = (
        portfolio.base.settings.arguments()
        if portfolio.base is not None
        else {"ssc_share": portfolio.ssc_share}
    )
    before = customer_base(company, **{**settings, "observation_end": mid, "window_months": 12})
    return before.table["is_ssc"].astype(bool)


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
