"""The first stage of Buttle's CRM value chain: customer portfolio analysis.

The strategically significant customers (SSCs) are the customer base's own
(:func:`crmlib.analytics.base.customer_base`): the top ``ssc_share`` of customers by
current value over the base's window. Buttle's *types* of strategically significant
customer (high future lifetime value, high volume, benchmark, inspires change, absorbs
fixed costs, door-opener) are this model's own types, flagged by :mod:`crmlib.analytics.portfolio` on the same
table and stated under their own id (``buttle_ssc_type``), never as the SSC count. The
portfolio matrix is drawn on the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from crmlib.analytics.base import CustomerBase, customer_base
from crmlib.analytics.portfolio import (
    QUADRANTS,
    StrategicTypes,
    cost_magnets,
    portfolio_matrix,
    quadrant_summary,
    strategic_types,
)
from crmlib.analytics.vocabulary import definition
from crmlib.data.company import Company
from crmlib.errors import ParameterError
from crmlib.figures import Figure
from crmlib.formatting import percent
from crmlib.models.value_chain.words import shown
from crmlib.text import N_, translate

#: The axes of the portfolio matrix: parameter value -> (column, label, quadrant names).
MATRIX_AXES = {
    "potential": ("clv", N_("expected value, next period"), QUADRANTS["clv"]),
    "cost to serve": (
        "recent_cost_to_serve",
        N_("cost to serve, last period"),
        QUADRANTS["cost_to_serve"],
    ),
}


def _has_margin(company: Company) -> bool:
    tx = company.transactions
    if "cost" in tx.columns and tx["cost"].notna().all():
        return True
    return company.has("products", "product_id", "margin_rate") and "product_id" in tx.columns


def value_transactions(company: Company) -> pd.DataFrame:
    """The transactions for measures of revenue by product (suppliers, offer elements):
    as they are, or with a zero cost when the margin cannot be known, so that functions
    that read a cost column run on revenue."""
    if _has_margin(company):
        return company.transactions
    return company.transactions.assign(cost=0.0)


@dataclass(frozen=True)
class Portfolio:
    """The customer portfolio: value per customer, SSCs, the matrix and Buttle's types.

    Attributes
    ----------
    table : DataFrame
        Indexed by customer_id: the customer base's columns
        (:meth:`crmlib.analytics.base.CustomerBase.segments_table`); ``recent_revenue``,
        ``recent_margin`` and ``recent_cost_to_serve`` (the base's window, NaN where the
        data cannot measure them); ``ssc`` (the base's SSC flag); the type flags
        (``high_future_value``, ``high_volume``, ``absorbs_fixed_costs``) and
        ``cost_magnet`` (a cost-to-serve finding, not a type; only when cost to serve
        and margin are known).
    matrix : DataFrame
        From :func:`crmlib.analytics.portfolio.portfolio_matrix`.
    quadrants : DataFrame
        From :func:`crmlib.analytics.portfolio.quadrant_summary` (value = current value).
    types : StrategicTypes
        Buttle's types of strategically significant customer.
    ssc_share, matrix_share : float
        Share of customers that are SSC (the base's setting) and share counted high on
        the matrix's y axis.
    matrix_axis : str
        ``"potential"`` or ``"cost to serve"``.
    horizon_months : int
        The base's window: the period of current value and cost to serve.
    margin_measured, cost_measured : bool
        Whether value is margin (not revenue) and whether the cost to serve is known.
    currency : str
    notes : tuple of str
        The base's notes (e.g. no lifetime-value forecast).
    cost_magnet_share, cost_magnet_ratio
        The settings of the cost magnets (:func:`crmlib.analytics.portfolio.cost_magnets`).
    absorb_share : float
        The share of the total positive contribution the customers who absorb fixed
        costs bring together.
    base : CustomerBase
        The customer base the portfolio reads.
    """

    table: pd.DataFrame
    matrix: pd.DataFrame
    quadrants: pd.DataFrame
    types: StrategicTypes
    ssc_share: float
    matrix_share: float
    matrix_axis: str
    horizon_months: int
    margin_measured: bool
    cost_measured: bool
    currency: str
    notes: tuple[str, ...] = ()
    cost_magnet_share: float = 0.05
    cost_magnet_ratio: float = 0.5
    absorb_share: float = 0.5
    base: CustomerBase | None = field(default=None, repr=False)
    # the company, kept for regrouping with another SSC share
    _company: Any = field(default=None, repr=False)

    @property
    def ssc_ids(self) -> pd.Index:
        """The customer ids of the SSCs."""
        return self.table.index[self.table["ssc"].to_numpy(dtype=bool)]

    @property
    def n_ssc(self) -> int:
        return int(self.table["ssc"].sum())

    @property
    def forecast(self) -> bool:
        """Whether an expected lifetime value could be forecast."""
        return bool(self.table["clv"].notna().any())

    @property
    def value_word(self) -> str:
        """What current value measures here: "margin after cost to serve", "margin" or
        "revenue"."""
        if not self.margin_measured:
            return N_("revenue")
        return N_("margin after cost to serve") if self.cost_measured else N_("margin")

    def value_share(self, mask: pd.Series | np.ndarray, column: str = "current_value") -> float:
        """The share of the net total of ``column`` that the customers in ``mask`` bring.

        The net total (below-zero customers subtract from it), as the vocabulary's
        ``top20_share`` divides; NaN when the total is not positive.
        """
        values = self.table[column].astype(float)
        total = float(values.sum())
        chosen = np.asarray(mask, dtype=bool)
        return float(values[chosen].sum() / total) if total > 0 else float("nan")

    @property
    def ssc_value_share(self) -> float:
        """The share of current value (net total) the SSCs bring."""
        return self.value_share(self.table["ssc"])

    @property
    def ssc_revenue_share(self) -> float:
        """The share of the window's revenue the SSCs bring."""
        return self.value_share(self.table["ssc"], "recent_revenue")

    def regrouped(
        self,
        ssc_share: float | None = None,
        matrix_share: float | None = None,
        matrix_axis: str | None = None,
    ) -> Portfolio:
        """The same portfolio with other SSC and matrix settings.

        Another ``ssc_share`` reads the customer base with that share (a base of its own,
        memoised); the matrix settings only redraw the matrix.
        """
        share = self.ssc_share if ssc_share is None else float(ssc_share)
        base = self.base
        if self._company is not None and base is not None and share != base.settings.ssc_share:
            return portfolio_analysis(
                self._company,
                base=_base_for(self._company, base, share),
                matrix_share=self.matrix_share if matrix_share is None else float(matrix_share),
                matrix_axis=self.matrix_axis if matrix_axis is None else matrix_axis,
                cost_magnet_share=self.cost_magnet_share,
                cost_magnet_ratio=self.cost_magnet_ratio,
                absorb_share=self.absorb_share,
            )
        return _grouped(
            self.table,
            replace(
                self,
                matrix_share=self.matrix_share if matrix_share is None else float(matrix_share),
                matrix_axis=self.matrix_axis if matrix_axis is None else matrix_axis,
            ),
        )

    def type_counts(self) -> pd.DataFrame:
        """Customers and value of the SSCs and of each of Buttle's types, for display.

        The first row is the customer base's SSCs; the others are the value chain's own
        types, labelled "value-chain type: ..." so that no reader takes them for the SSC
        count.
        """
        rows = [
            {
                "type": translate("SSC: top {share} by current value").format(
                    share=percent(self.ssc_share)
                ),
                "customers": self.n_ssc,
                "value_share": self.ssc_value_share,
                "status": "measured",
            }
        ]
        for _, row in self.types.summary.iterrows():
            rows.append(
                {
                    "type": translate("value-chain type: {name}").format(name=shown(row["label"])),
                    "customers": int(row["customers"]) if row["measured"] else np.nan,
                    "value_share": row["value_share"],
                    "status": "measured" if row["measured"] else "not measurable",
                }
            )
        out = pd.DataFrame(rows).set_index("type")
        out["customers"] = out["customers"].astype("Int64")
        return out

    def figures(self) -> list[Figure]:
        """The figures the portfolio states: the base's SSC count and top-20% share, the
        SSCs' share of current value (``ssc_value_share``), and the customers of each of
        Buttle's types (id ``buttle_ssc_type.<type>``)."""
        out = []
        if self.base is not None:
            out += [self.base.figure("ssc_count"), self.base.figure("top20_share")]
        window = self.base.window if self.base is not None else ""
        share_label = definition("ssc_value_share").label
        share = self.ssc_value_share
        out.append(
            Figure("ssc_value_share", share_label, share, "share", window)
            if not np.isnan(share)
            else Figure.unavailable("ssc_value_share", share_label, "share",
                                    "the total current value is not positive", window)
        )  # fmt: skip
        label = definition("buttle_ssc_type").label
        for key, row in self.types.summary.iterrows():
            name = f"{label}: {row['label']}"
            if row["measured"]:
                out.append(
                    Figure(f"buttle_ssc_type.{key}", name, int(row["customers"]), "customers",
                           window)
                )  # fmt: skip
            else:
                out.append(
                    Figure.unavailable(
                        f"buttle_ssc_type.{key}", name, "customers", str(row["reason"]), window
                    )
                )
        return out

    def figure(self, figure_id: str) -> Figure:
        """One of :meth:`figures` by id."""
        for item in self.figures():
            if item.id == figure_id:
                return item
        raise KeyError(f"the portfolio states no figure {figure_id!r}")


def _base_for(company: Company, base: CustomerBase, ssc_share: float) -> CustomerBase:
    """The customer base with the settings of ``base`` but another SSC share."""
    return customer_base(company, **{**base.settings.arguments(), "ssc_share": ssc_share})


def _grouped(table: pd.DataFrame, settings: Portfolio) -> Portfolio:
    if settings.matrix_axis not in MATRIX_AXES:
        raise ParameterError(
            f"matrix_axis must be one of {', '.join(MATRIX_AXES)}, got '{settings.matrix_axis}'"
        )
    table = table.copy()
    types = strategic_types(
        table,
        future_share=settings.ssc_share,
        volume_share=settings.ssc_share,
        absorb_share=settings.absorb_share,
        margin_measured=settings.margin_measured,
    )
    for column in types.flags.columns:
        table[column] = types.flags[column].to_numpy()
    if settings.cost_measured and settings.margin_measured:
        # a cost magnet costs more to serve than a share of its margin: both must be known
        table["cost_magnet"] = cost_magnets(
            table,
            share=settings.cost_magnet_share,
            ratio=settings.cost_magnet_ratio,
            cost_col="recent_cost_to_serve",
            margin_col="recent_margin",
        ).to_numpy()
    column, _, names = MATRIX_AXES[settings.matrix_axis]
    matrix = portfolio_matrix(
        table,
        y_col=column,
        x_share=settings.ssc_share,
        y_share=settings.matrix_share,
        quadrant_names=names,
    )
    matrix.attrs["y_label"] = MATRIX_AXES[settings.matrix_axis][1]
    return replace(
        settings,
        table=table,
        matrix=matrix,
        quadrants=quadrant_summary(matrix),
        types=types,
    )


def portfolio_analysis(
    company: Company,
    *,
    base: CustomerBase | None = None,
    ssc_share: float = 0.2,
    matrix_share: float = 0.2,
    matrix_axis: str = "potential",
    horizon_months: int = 12,
    cost_magnet_share: float = 0.05,
    cost_magnet_ratio: float = 0.5,
    absorb_share: float = 0.5,
) -> Portfolio:
    """Value per customer, the SSCs, the portfolio matrix and Buttle's types.

    Parameters
    ----------
    company : Company
    base : CustomerBase, optional
        The customer base to read; by default the company's own with ``ssc_share`` and a
        window of ``horizon_months``. When given, its settings win over those two.
    ssc_share : float, default 0.2
        Share of customers that are SSC (the base's) and that are of high future value.
    matrix_share : float, default 0.2
        Share of customers counted high on the matrix's y axis.
    matrix_axis : {"potential", "cost to serve"}
        The y axis of the matrix.
    horizon_months : int, default 12
        The window of current value and cost to serve.
    cost_magnet_share, cost_magnet_ratio : float
        See :func:`crmlib.analytics.portfolio.cost_magnets`.
    absorb_share : float, default 0.5
        See :func:`crmlib.analytics.portfolio.fixed_cost_absorbers`.

    Returns
    -------
    Portfolio
    """
    if not 0 < matrix_share <= 1:
        raise ParameterError(f"matrix_share must be between 0 and 1, got {matrix_share}")
    if base is None:
        base = customer_base(company, window_months=horizon_months, ssc_share=ssc_share)
    table = base.segments_table().set_index("customer_id")
    margin_measured = bool(base.meta["margin_known"]) and base.value_metric == "margin"
    cost_measured = bool(base.meta["cost_to_serve_known"])
    table["recent_revenue"] = table["revenue"].astype(float)
    table["recent_margin"] = table["gross_margin"].astype(float)
    table["recent_cost_to_serve"] = table["cost_to_serve"].astype(float)
    table["ssc"] = table["is_ssc"].astype(bool)
    settings = Portfolio(
        table=table,
        matrix=pd.DataFrame(),
        quadrants=pd.DataFrame(),
        types=StrategicTypes(pd.DataFrame(), pd.DataFrame()),
        ssc_share=float(base.settings.ssc_share),
        matrix_share=float(matrix_share),
        matrix_axis=matrix_axis,
        horizon_months=int(base.settings.window_months),
        margin_measured=margin_measured,
        cost_measured=cost_measured,
        currency=base.currency,
        notes=tuple(base.notes),
        cost_magnet_share=float(cost_magnet_share),
        cost_magnet_ratio=float(cost_magnet_ratio),
        absorb_share=float(absorb_share),
        base=base,
        _company=company,
    )
    return _grouped(table, settings)


def top_customers(portfolio: Portfolio, n: int = 10) -> pd.DataFrame:
    """The ``n`` SSCs with the highest current value (reports show at most ten)."""
    columns = ["current_value", "clv", "recent_cost_to_serve", "value_category"]
    extra = [
        c
        for c in ("high_future_value", "high_volume", "absorbs_fixed_costs", "cost_magnet")
        if c in portfolio.table
    ]
    ssc = portfolio.table[portfolio.table["ssc"].to_numpy(dtype=bool)]
    return ssc.sort_values("current_value", ascending=False).head(min(n, 10))[columns + extra]


@dataclass(frozen=True)
class EffortAlignment:
    """How far the company directs its offers by the portfolio: the stage's score.

    The score runs from 0 (offers go to the significant and growable customers no more
    often than a draw at random from all customers would send them) to 1 (every offer
    goes to them); below random counts as 0. Significant and growable are the base's
    SSCs and MGCs.

    Attributes
    ----------
    score : float
        ``(observed - expected) / (1 - expected)``, clipped to 0-1; NaN when not known.
    observed : float
        Share of the window's offers sent to SSCs or MGCs.
    expected : float
        Share of customers who are SSC or MGC: the share a random choice would reach.
    offers : int
        Offers sent in the window.
    reason : str
        Why the score is not known (empty when it is).
    """

    score: float
    observed: float
    expected: float
    offers: int
    reason: str = ""


def alignment_score(observed: float, expected: float) -> float:
    """The share ``observed`` rescaled so that the random ``expected`` is 0 and 1 is 1.

    Example: 60 % of offers to a group that is 20 % of the customers scores
    (0.6 - 0.2) / (1 - 0.2) = 0.5.
    """
    if np.isnan(observed) or np.isnan(expected) or expected >= 1:
        return float("nan")
    return float(min(1.0, max(0.0, (observed - expected) / (1.0 - expected))))


def effort_alignment(company: Company, portfolio: Portfolio) -> EffortAlignment:
    """The portfolio analysis stage's score: whether offers follow customer value.

    Counts the campaign offers sent in the base's window (``campaigns.sent_date``) and
    the share of them that reached the base's SSCs or MGCs. Without campaigns in the
    window the score is unknown, not 0.
    """
    nan = float("nan")
    campaigns = company.campaigns
    if campaigns is None or not {"customer_id", "sent_date"} <= set(campaigns.columns):
        return EffortAlignment(nan, nan, nan, 0, translate("the data holds no campaign offers"))
    table = portfolio.table
    chosen = table["ssc"].to_numpy(dtype=bool) | (table["value_category"] == "MGC").to_numpy()
    expected = float(chosen.mean()) if len(table) else nan
    end = pd.Timestamp(portfolio.base.settings.observation_end) if portfolio.base else None
    sent = pd.to_datetime(campaigns["sent_date"], errors="coerce")
    if end is not None:
        start = end - pd.DateOffset(months=portfolio.horizon_months)
        campaigns = campaigns[(sent > start) & (sent <= end)]
    if campaigns.empty:
        return EffortAlignment(nan, nan, expected, 0, translate("no campaign offers in the window"))
    targeted = pd.Series(chosen, index=table.index)
    hits = targeted.reindex(campaigns["customer_id"]).fillna(False).to_numpy(dtype=bool)
    observed = float(hits.mean())
    return EffortAlignment(
        alignment_score(observed, expected), observed, expected, int(len(campaigns))
    )
