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
from crmlib.models.idic.identify import Identification
from crmlib.models.idic.interact import Interaction, plan_cadence_words
from crmlib.models.idic.text import signed_percent
from crmlib.text import N_, number, translate

#: The most customer rows a report table shows (privacy).
MAX_CUSTOMER_ROWS = 10

# The value tiers as a reader sees them (the tier summary's index, translated where shown).
_TIER_WORDS = (N_("platinum"), N_("gold"), N_("silver"), N_("bronze"))


def report_table(frame: pd.DataFrame) -> Styler:
    """A table of words for a report: left-aligned and never cut off with an ellipsis.

    pandas shortens long text in its tables (an offer's name, a product list); a
    styled table shows it whole and lets it wrap.
    """
    return frame.style.set_properties(**{"text-align": "left", "vertical-align": "top"})


def _share(value) -> str:
    return percent(value) if pd.notna(value) else translate("n/a")


def _money(value, currency: str, decimals: int = 0) -> str:
    # a no-break space keeps the currency on the amount's line in narrow columns
    if pd.isna(value):
        return translate("n/a")
    return money(value, currency, decimals).replace(" ", "\u00a0")


#: The names of the indexes a reader sees above a table's first column, in words.
_INDEX_NAMES = {
    "value_tier": N_("value tier"),
    "value_category": N_("value category"),
    "customer_id": N_("customer"),
}


def _shown(frame: pd.DataFrame, *, columns: bool = True) -> pd.DataFrame:
    """``frame`` as the reader sees it: headers, segment names and the index's name
    in the report's language (the code builds and tests the English frame)."""
    out = frame.rename(columns=translate) if columns else frame.copy()
    out = out.rename(index=lambda name: translate(str(name)))
    out.index.name = _index_name(out.index.name)
    if out.columns.name:
        out.columns.name = translate(out.columns.name)
    return out


def _index_name(name: object) -> str | None:
    if not name:
        return None
    return translate(_INDEX_NAMES.get(str(name), str(name)))


def _decimal(value, decimals: int) -> str:
    return number(value, decimals) if pd.notna(value) else translate("n/a")


def duplicates_view(result: Identification) -> pd.DataFrame:
    """The first probable duplicates by customer id (at most ten rows, never names)."""
    frame = result.duplicates[["group", "customer_id", "postcode"]].head(MAX_CUSTOMER_ROWS)
    return frame.rename(
        columns={
            "group": translate(N_("duplicate group")),
            "customer_id": translate(_INDEX_NAMES["customer_id"]),
            "postcode": translate(N_("postcode")),
        }
    )


def references_view(result: Identification) -> pd.DataFrame:
    """Per table that names customers: its rows, and those naming an unknown customer."""
    out = result.unknown_references.rename(
        columns={"rows": translate(N_("rows")), "unknown": translate("unknown")}
    )
    out.index.name = translate(N_("table"))
    return out


def _regression_columns(result: Differentiation, categories: pd.Index) -> dict[str, list[str]]:
    """Each category's revenue forecast beside the change any group picked the same way
    showed a year on (regression to the mean; "unknown" where the history cannot tell)."""
    if result.base is None:
        return {}
    baseline = selection_baseline(result.base, "value_category")
    forecasts = [revenue_forecast_change(result.base, "value_category", c) for c in categories]
    expected = [baseline.change(c) for c in categories]
    missing, unknown = translate("n/a"), translate("unknown")
    return {
        N_("revenue next year vs last"): [
            missing if f is None else signed_percent(f) for f in forecasts
        ],
        N_("expected from regression to the mean"): [
            missing if f is None else unknown if e is None else signed_percent(e)
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
    return _shown(
        pd.DataFrame(
            {
                N_("customers"): summary["customers"].map(count),
                N_("of customers"): summary["customer_share"].map(_share),
                N_("value"): summary["value"].map(lambda v: _money(v, currency)),
                N_("of value"): summary["value_share"].map(_share),
                N_("average now"): summary["mean_value"].map(lambda v: _money(v, currency)),
                N_("average expected"): summary["mean_expected_value"].map(
                    lambda v: _money(v, currency)
                ),
                **_regression_columns(result, summary.index),
                N_("goal"): summary["goal"].map(translate),
            },
            index=summary.index,
        )
    )


def tier_view(result: Differentiation, currency: str) -> pd.DataFrame:
    """The value tiers: size and value, formatted."""
    summary = tier_summary(result)
    return _shown(
        pd.DataFrame(
            {
                "customers": summary["customers"].map(count),
                "of customers": summary["customer_share"].map(_share),
                "value": summary["value"].map(lambda v: _money(v, currency)),
                "of value": summary["value_share"].map(_share),
            }
        )
    )


def service_view(interaction: Interaction, currency: str) -> pd.DataFrame:
    """The service figures per segment, one column per segment (so the table stays narrow)."""
    s = interaction.service
    unknown = translate("unknown")
    rows = {
        N_("customers"): s["customers"].map(count),
        N_("reachable (consent)"): s["reachable"].map(
            lambda v: count(v) if pd.notna(v) else unknown
        ),
        N_("contacts / customer / year"): s["contacts_per_customer_year"].map(
            lambda v: _decimal(v, 2)
        ),
        N_("offers / customer / year"): s["campaigns_per_customer_year"].map(
            lambda v: _decimal(v, 2)
        ),
        N_("cost to serve / customer / year"): s["cost_to_serve_per_customer_year"].map(
            lambda v: _money(v, currency, 2)
        ),
        N_("margin / customer / year"): s["margin_per_customer_year"].map(
            lambda v: _money(v, currency, 2)
        ),
        # the rows above are the window's; these read every contact and campaign, and say so
        N_("main channel (all contacts)"): s["main_channel"].map(
            lambda v: str(v) if pd.notna(v) else translate("n/a")
        ),
        N_("offers sent (all campaigns)"): s["sent"].map(
            lambda v: count(v) if pd.notna(v) else translate("n/a")
        ),
        N_("response rate (all campaigns)"): s["response_rate"].map(
            lambda v: percent(v, 1) if pd.notna(v) else translate("n/a")
        ),
    }
    out = pd.DataFrame(rows).T
    out.columns.name = N_("segment")
    # the rows are the measures and the columns the segments: both are shown translated
    return _shown(out)


def plan_view(interaction: Interaction, currency: str) -> pd.DataFrame:
    """The plan: one row per segment with goal, channel, frequency, offer and reach in words."""
    rows = {}
    for segment, row in interaction.plan.iterrows():
        basis = str(row["channel_basis"])
        pooled = basis.endswith("(all customers)")
        # the table is plain text (a Styler shows it), so the words are filled with
        # str.format, not escaped as Markdown
        if row["channel"] is None:
            channel = translate("n/a (needs interactions or campaigns)")
        else:
            if basis.startswith("cost per response"):
                cost = _money(row["cost_per_response"], currency, 2)
                how = translate("{cost} per response").format(cost=cost)
            elif basis.startswith("response rate"):
                how = translate("best response; cost unknown")
            else:
                how = translate("most used: {share} of contacts").format(
                    share=percent(row["contact_share"])
                )
            if pooled:
                how = translate("{how}, all customers").format(how=how)
            channel = f"{row['channel']} ({how})"
        rows[segment] = {
            N_("goal"): translate(row["goal"]),
            N_("channel"): channel,
            N_("frequency"): plan_cadence_words(row),
            N_("offer"): row["offer"]
            if row["offer"] is not None
            else translate("n/a (needs campaigns)"),
            N_("expected response"): percent(row["take_up"], 1)
            if pd.notna(row["take_up"])
            else translate("n/a"),
            N_("reachable"): translate("{reachable} of {customers}").format(
                reachable=count(row["reachable"]), customers=count(row["customers"])
            )
            if pd.notna(row["reachable"])
            else translate("unknown (no consent recorded) of {customers}").format(
                customers=count(row["customers"])
            ),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = N_("segment")
    return _shown(out)


def segment_picks(custom: Customization | None) -> pd.DataFrame:
    """The next best products per segment: one row per segment, with the share of picks."""
    custom = require_customization(custom, N_("Next best products per segment"))
    label = "name" if "name" in custom.by_segment.columns else "product_id"
    rows = {}
    for segment, group in custom.by_segment.groupby("segment", sort=False):
        rows[segment] = {
            translate("next {rank}").format(rank=r["rank"]): f"{r[label]} ({percent(r['share'])})"
            for r in group.to_dict("records")
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = N_("segment")
    return _shown(out, columns=False)


def top_customer_view(custom: Customization | None, currency: str) -> pd.DataFrame:
    """The top customers by current value (by id, at most ten) with their next best products."""
    custom = require_customization(custom, N_("Next best products for the top customers"))
    table = custom.top_customers.head(MAX_CUSTOMER_ROWS)
    picks = [c for c in table.columns if c.startswith("next ")]
    answer = {True: translate("yes"), False: translate("no")}
    frame = pd.DataFrame(
        {
            N_("category"): table["value_category"].map(translate),
            N_("value now"): table["value"].map(lambda v: _money(v, currency)),
            N_("may be contacted"): table["reachable"].map(
                lambda v: translate("unknown") if pd.isna(v) else answer[bool(v)]
            ),
            N_("next best products"): table[picks].apply(
                lambda r: "; ".join(str(v) for v in r if pd.notna(v)), axis=1
            ),
        },
        index=table.index,
    )
    # the index is the customer ids: only the headers are words
    out = frame.rename(columns=translate)
    out.index.name = _index_name(out.index.name)
    return out
