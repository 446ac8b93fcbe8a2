"""The first stage of Buttle's CRM value chain: customer portfolio analysis.

The strategically significant customers (SSCs) come from two routes of value: the
Pareto rule on current value (the top ``ssc_share`` of customers by the profit of the
last ``horizon_months``) and the expected lifetime value (the top ``ssc_share`` by the
CLV of the next ``horizon_months``). The portfolio matrix and the strategic types of
:mod:`crmlib.analytics.portfolio` are drawn on the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from crmlib.analytics.base import customer_base
from crmlib.analytics.pareto import flag_ssc
from crmlib.analytics.portfolio import (
    QUADRANTS,
    StrategicTypes,
    portfolio_matrix,
    quadrant_summary,
    strategic_types,
)
from crmlib.analytics.profitability import customer_profitability
from crmlib.data.company import Company
from crmlib.errors import ParameterError

#: The axes of the portfolio matrix: parameter value -> (column, label, quadrant names).
MATRIX_AXES = {
    "potential": ("clv", "expected value, next period", QUADRANTS["clv"]),
    "cost to serve": (
        "recent_cost_to_serve",
        "cost to serve, last period",
        QUADRANTS["cost_to_serve"],
    ),
}


def _has_margin(company: Company) -> bool:
    tx = company.transactions
    if "cost" in tx.columns and tx["cost"].notna().all():
        return True
    return company.has("products", "product_id", "margin_rate") and "product_id" in tx.columns


def _period_start(company: Company, months: int) -> pd.Timestamp:
    return company.observation_end - pd.DateOffset(months=int(months))


def _in_period(table: pd.DataFrame | None, start, end) -> pd.DataFrame | None:
    if table is None or "date" not in table.columns:
        return table
    keep = (table["date"] > start) & (table["date"] <= end)
    return table[keep.to_numpy(dtype=bool)]


def value_transactions(company: Company) -> pd.DataFrame:
    """The transactions the value measures use: as they are, or with a zero cost when the
    margin cannot be known (no full cost column and no product margin rates), so that
    value falls back to revenue."""
    if _has_margin(company):
        return company.transactions
    return company.transactions.assign(cost=0.0)


def period_profit(company: Company, start, end) -> pd.DataFrame:
    """Revenue, margin, contacts, cost to serve and profit per customer in (start, end].

    Every customer of the company gets a row (zero when inactive).
    """
    cost_known = company.has("interactions") and company.has("channels")
    return customer_profitability(
        _in_period(value_transactions(company), start, end),
        company.products,
        _in_period(company.interactions, start, end) if cost_known else None,
        company.channels if cost_known else None,
        company.customers,
    )


@dataclass(frozen=True)
class Portfolio:
    """The customer portfolio: value per customer, SSCs, the matrix and the strategic types.

    Attributes
    ----------
    table : DataFrame
        Indexed by customer_id: the columns of
        :func:`crmlib.analytics.segments.customer_segments`; ``recent_revenue``,
        ``recent_margin`` and ``recent_cost_to_serve`` (the last ``horizon_months``);
        ``high_future_value``; ``ssc`` (bool) and ``ssc_route`` ("current and future
        value", "current value", "future value" or "").
    matrix : DataFrame
        From :func:`crmlib.analytics.portfolio.portfolio_matrix`.
    quadrants : DataFrame
        From :func:`crmlib.analytics.portfolio.quadrant_summary` (value = current value).
    types : StrategicTypes
        The strategic types.
    ssc_share, matrix_share : float
        Share of customers counted high on value (the SSC rule) and on the matrix's
        y axis.
    matrix_axis : str
        ``"potential"`` or ``"cost to serve"``.
    horizon_months : int
        The period of current value and of the expected value.
    margin_measured, cost_measured : bool
        Whether value is margin (not revenue) and whether the cost to serve is known.
    currency : str
    notes : tuple of str
        What the value models could not do (e.g. no lifetime-value forecast).
    cost_magnet_share, cost_magnet_ratio, min_followers
        The settings of the strategic types.
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
    min_followers: int = 1
    # the raw tables, kept for regrouping (door-openers need them)
    _customers: pd.DataFrame | None = field(default=None, repr=False)
    _transactions: pd.DataFrame | None = field(default=None, repr=False)

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

    def value_share(self, mask: pd.Series | np.ndarray, column: str = "current_value") -> float:
        """The share of the positive total of ``column`` that the customers in ``mask`` bring."""
        values = self.table[column].astype(float)
        total = float(values.clip(lower=0).sum())
        chosen = np.asarray(mask, dtype=bool)
        return float(values[chosen].sum() / total) if total > 0 else float("nan")

    @property
    def ssc_value_share(self) -> float:
        """The share of current value (last period's profit) the SSCs bring."""
        return self.value_share(self.table["ssc"])

    @property
    def ssc_revenue_share(self) -> float:
        """The share of last period's revenue the SSCs bring."""
        return self.value_share(self.table["ssc"], "recent_revenue")

    def regrouped(
        self,
        ssc_share: float | None = None,
        matrix_share: float | None = None,
        matrix_axis: str | None = None,
    ) -> Portfolio:
        """The same portfolio with other SSC and matrix settings (nothing is refitted)."""
        return _grouped(
            self.table,
            replace(
                self,
                ssc_share=self.ssc_share if ssc_share is None else float(ssc_share),
                matrix_share=self.matrix_share if matrix_share is None else float(matrix_share),
                matrix_axis=self.matrix_axis if matrix_axis is None else matrix_axis,
            ),
            self._customers,
            self._transactions,
        )

    def type_counts(self) -> pd.DataFrame:
        """Customers and value per SSC route and strategic type, for display."""
        table = self.table
        rows = [
            {
                "type": "SSC: current value (Pareto)",
                "customers": int(table["is_ssc"].sum()),
                "value_share": self.value_share(table["is_ssc"]),
                "status": "measured",
            },
            {
                "type": "SSC: current or future value",
                "customers": self.n_ssc,
                "value_share": self.ssc_value_share,
                "status": "measured",
            },
        ]
        for _, row in self.types.summary.iterrows():
            rows.append(
                {
                    "type": row["label"],
                    "customers": int(row["customers"]) if row["measured"] else np.nan,
                    "value_share": row["value_share"],
                    "status": "measured" if row["measured"] else "not measurable",
                }
            )
        out = pd.DataFrame(rows).set_index("type")
        out["customers"] = out["customers"].astype("Int64")
        return out


def _grouped(
    table: pd.DataFrame,
    settings: Portfolio,
    customers: pd.DataFrame | None,
    transactions: pd.DataFrame | None,
) -> Portfolio:
    if settings.matrix_axis not in MATRIX_AXES:
        raise ParameterError(
            f"matrix_axis must be one of {', '.join(MATRIX_AXES)}, got '{settings.matrix_axis}'"
        )
    table = table.copy()
    table["is_ssc"] = flag_ssc(table["current_value"], settings.ssc_share).to_numpy()
    types = strategic_types(
        table,
        customers,
        transactions,
        future_share=settings.ssc_share,
        cost_share=settings.cost_magnet_share,
        cost_ratio=settings.cost_magnet_ratio,
        cost_measured=settings.cost_measured,
        min_followers=settings.min_followers,
        cost_col="recent_cost_to_serve",
        margin_col="recent_margin",
    )
    future = (
        types.flags["high_future_value"]
        if "high_future_value" in types.flags.columns
        else pd.Series(False, index=table.index)
    ).to_numpy(dtype=bool)
    current = table["is_ssc"].to_numpy(dtype=bool)
    table["high_future_value"] = future
    table["ssc"] = current | future
    table["ssc_route"] = np.select(
        [current & future, current, future],
        ["current and future value", "current value", "future value"],
        "",
    )
    for column in ("cost_magnet", "door_opener", "followers", "followers_value"):
        if column in types.flags.columns:
            table[column] = types.flags[column].to_numpy()
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
        _customers=customers,
        _transactions=transactions,
    )


def portfolio_analysis(
    company: Company,
    *,
    ssc_share: float = 0.2,
    matrix_share: float = 0.2,
    matrix_axis: str = "potential",
    horizon_months: int = 12,
    cost_magnet_share: float = 0.05,
    cost_magnet_ratio: float = 0.5,
    min_followers: int = 1,
) -> Portfolio:
    """Value per customer, the SSCs, the portfolio matrix and the strategic types.

    Parameters
    ----------
    company : Company
    ssc_share : float, default 0.2
        Share of customers counted as SSC on each route of value (current, future).
    matrix_share : float, default 0.2
        Share of customers counted high on the matrix's y axis.
    matrix_axis : {"potential", "cost to serve"}
        The y axis of the matrix.
    horizon_months : int, default 12
        The period of current value, of the expected value and of the cost to serve.
    cost_magnet_share, cost_magnet_ratio : float
        See :func:`crmlib.analytics.portfolio.cost_magnets`.
    min_followers : int, default 1
        See :func:`crmlib.analytics.portfolio.door_openers`.

    Returns
    -------
    Portfolio
    """
    if not 0 < ssc_share <= 1 or not 0 < matrix_share <= 1:
        raise ParameterError(
            f"ssc_share and matrix_share must be between 0 and 1, got {ssc_share} and "
            f"{matrix_share}"
        )
    cost_measured = company.has("interactions") and company.has("channels")
    segments = customer_base(
        company, window_months=horizon_months, ssc_share=ssc_share
    ).segments_table(legacy=True)
    notes = list(segments.attrs.get("notes", []))
    table = segments.set_index("customer_id")
    recent = period_profit(
        company, _period_start(company, horizon_months), company.observation_end
    ).reindex(table.index)
    table["recent_revenue"] = recent["revenue"].fillna(0.0).to_numpy()
    table["recent_margin"] = recent["gross_margin"].fillna(0.0).to_numpy()
    table["recent_cost_to_serve"] = recent["cost_to_serve"].fillna(0.0).to_numpy()
    margin_measured = _has_margin(company)
    if not margin_measured:
        notes.append("no cost or product margin: value is revenue, not margin")
    settings = Portfolio(
        table=table,
        matrix=pd.DataFrame(),
        quadrants=pd.DataFrame(),
        types=StrategicTypes(pd.DataFrame(), pd.DataFrame()),
        ssc_share=float(ssc_share),
        matrix_share=float(matrix_share),
        matrix_axis=matrix_axis,
        horizon_months=int(horizon_months),
        margin_measured=margin_measured,
        cost_measured=cost_measured,
        currency=company.currency,
        notes=tuple(notes),
        cost_magnet_share=float(cost_magnet_share),
        cost_magnet_ratio=float(cost_magnet_ratio),
        min_followers=int(min_followers),
    )
    return _grouped(table, settings, company.customers, value_transactions(company))


def top_customers(portfolio: Portfolio, n: int = 10) -> pd.DataFrame:
    """The ``n`` SSCs with the highest current value (reports show at most ten)."""
    columns = ["ssc_route", "current_value", "clv", "recent_cost_to_serve", "value_category"]
    extra = [c for c in ("cost_magnet", "door_opener") if c in portfolio.table.columns]
    ssc = portfolio.table[portfolio.table["ssc"].to_numpy(dtype=bool)]
    return ssc.sort_values("current_value", ascending=False).head(min(n, 10))[columns + extra]
