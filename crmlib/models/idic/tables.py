"""The IDIC notebook's tables as a report shows them: formatted, narrow, at most ten customers.

The phase modules return numbers (tested); these functions turn them into the tables a
reader sees: money with its currency, shares as percentages, decisions in words, and
customer tables cut to the top ten by customer id (never names).
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from crmlib.analytics.baseline import revenue_forecast_change, selection_baseline
from crmlib.formatting import count, money, percent
from crmlib.models.idic.customize import Customization, require_customization
from crmlib.models.idic.differentiate import Differentiation, tier_summary
from crmlib.models.idic.interact import Interaction

#: The most customer rows a report table shows (privacy).
MAX_CUSTOMER_ROWS = 10


def report_table(frame: pd.DataFrame) -> Styler:
    """A table of words for a report: left-aligned and never cut off with an ellipsis.

    pandas shortens long text in its tables (an offer's name, a product list); a
    styled table shows it whole and lets it wrap.
    """
    return frame.style.set_properties(**{"text-align": "left", "vertical-align": "top"})


def _share(value) -> str:
    return percent(value) if pd.notna(value) else "n/a"


def _money(value, currency: str, decimals: int = 0) -> str:
    # a no-break space keeps the currency on the amount's line in narrow columns
    return money(value, currency, decimals).replace(" ", "\u00a0") if pd.notna(value) else "n/a"


def _regression_columns(result: Differentiation, categories: pd.Index) -> dict[str, list[str]]:
    """Each category's revenue forecast beside the change any group picked the same way
    showed a year on (regression to the mean; "unknown" where the history cannot tell)."""
    if result.base is None:
        return {}
    baseline = selection_baseline(result.base, "value_category")
    forecasts = [revenue_forecast_change(result.base, "value_category", c) for c in categories]
    expected = [baseline.change(c) for c in categories]
    return {
        "revenue next year vs last": ["n/a" if f is None else f"{f:+.0%}" for f in forecasts],
        "expected from regression to the mean": [
            "n/a" if f is None else "unknown" if e is None else f"{e:+.0%}"
            for f, e in zip(forecasts, expected, strict=True)
        ],
    }


def category_view(result: Differentiation, currency: str) -> pd.DataFrame:
    """The value categories: size, value and the goal, formatted (no BZ row it cannot tell).

    Beside the expected value stand each category's revenue forecast and the change
    expected of a group picked on past value the same way (:mod:`crmlib.analytics.baseline`):
    the MVC fall back towards the average whatever the company does.
    """
    summary = result.shown_categories()
    return pd.DataFrame(
        {
            "customers": summary["customers"].map(count),
            "of customers": summary["customer_share"].map(_share),
            "value": summary["value"].map(lambda v: _money(v, currency)),
            "of value": summary["value_share"].map(_share),
            "average now": summary["mean_value"].map(lambda v: _money(v, currency)),
            "average expected": summary["mean_expected_value"].map(lambda v: _money(v, currency)),
            **_regression_columns(result, summary.index),
            "goal": summary["goal"],
        },
        index=summary.index,
    )


def tier_view(result: Differentiation, currency: str) -> pd.DataFrame:
    """The value tiers: size and value, formatted."""
    summary = tier_summary(result)
    return pd.DataFrame(
        {
            "customers": summary["customers"].map(count),
            "of customers": summary["customer_share"].map(_share),
            "value": summary["value"].map(lambda v: _money(v, currency)),
            "of value": summary["value_share"].map(_share),
        }
    )


def service_view(interaction: Interaction, currency: str) -> pd.DataFrame:
    """The service figures per segment, one column per segment (so the table stays narrow)."""
    s = interaction.service
    rows = {
        "customers": s["customers"].map(count),
        "reachable (consent)": s["reachable"].map(lambda v: count(v) if pd.notna(v) else "unknown"),
        "contacts / customer / year": s["contacts_per_customer_year"].map(
            lambda v: f"{v:.2f}" if pd.notna(v) else "n/a"
        ),
        "offers / customer / year": s["campaigns_per_customer_year"].map(
            lambda v: f"{v:.2f}" if pd.notna(v) else "n/a"
        ),
        "cost to serve / customer / year": s["cost_to_serve_per_customer_year"].map(
            lambda v: _money(v, currency, 2)
        ),
        "margin / customer / year": s["margin_per_customer_year"].map(
            lambda v: _money(v, currency, 2)
        ),
        "main channel": s["main_channel"].map(lambda v: str(v) if pd.notna(v) else "n/a"),
        "offers sent": s["sent"].map(count),
        "response rate": s["response_rate"].map(lambda v: percent(v, 1) if pd.notna(v) else "n/a"),
    }
    out = pd.DataFrame(rows).T
    out.columns.name = "segment"
    return out


def plan_view(interaction: Interaction, currency: str) -> pd.DataFrame:
    """The plan: one row per segment with goal, channel, frequency, offer and reach in words."""
    rows = {}
    for segment, row in interaction.plan.iterrows():
        basis = str(row["channel_basis"])
        pooled = basis.endswith("(all customers)")
        if row["channel"] is None:
            channel = "n/a (needs interactions or campaigns)"
        elif basis.startswith("cost per response"):
            cost = _money(row["cost_per_response"], currency, 2)
            channel = f"{row['channel']} ({cost} per response"
        elif basis.startswith("response rate"):
            channel = f"{row['channel']} (best response; cost unknown"
        else:
            channel = f"{row['channel']} (most used: {percent(row['contact_share'])} of contacts"
        if row["channel"] is not None:
            channel += ", all customers)" if pooled else ")"
        rows[segment] = {
            "goal": row["goal"],
            "channel": channel,
            "frequency": row["cadence"],
            "offer": row["offer"] if row["offer"] is not None else "n/a (needs campaigns)",
            "expected response": percent(row["take_up"], 1) if pd.notna(row["take_up"]) else "n/a",
            "reachable": f"{count(row['reachable'])} of {count(row['customers'])}"
            if pd.notna(row["reachable"])
            else f"unknown (no consent recorded) of {count(row['customers'])}",
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "segment"
    return out


def segment_picks(custom: Customization | None) -> pd.DataFrame:
    """The next best products per segment: one row per segment, with the share of picks."""
    custom = require_customization(custom, "Next best products per segment")
    label = "name" if "name" in custom.by_segment.columns else "product_id"
    rows = {}
    for segment, group in custom.by_segment.groupby("segment", sort=False):
        rows[segment] = {
            f"next {r['rank']}": f"{r[label]} ({percent(r['share'])})"
            for r in group.to_dict("records")
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "segment"
    return out


def top_customer_view(custom: Customization | None, currency: str) -> pd.DataFrame:
    """The top customers by current value (by id, at most ten) with their next best products."""
    custom = require_customization(custom, "Next best products for the top customers")
    table = custom.top_customers.head(MAX_CUSTOMER_ROWS)
    picks = [c for c in table.columns if c.startswith("next ")]
    return pd.DataFrame(
        {
            "category": table["value_category"],
            "value now": table["value"].map(lambda v: _money(v, currency)),
            "may be contacted": table["reachable"].map(
                lambda v: "unknown" if pd.isna(v) else ("yes" if v else "no")
            ),
            "next best products": table[picks].apply(
                lambda r: "; ".join(str(v) for v in r if pd.notna(v)), axis=1
            ),
        },
        index=table.index,
    )
