"""One vocabulary: one definition per concept, and the client's targets.

Every figure a report states names a definition here by its id (``Figure.id``). A
definition says what the figure is in words, over which window and in which unit, so
that two reports that state the same id state the same thing, and every report can end
with the definitions behind its figures ("Definitions used").

Where a model's own literature names a different idea, it gets its own definition that
says so: Buttle's *types* of strategically significant customer are that model's types,
never "the SSC count".

Targets (e.g. the retention rate to aim for) are set once per client in ``company.yml``::

    targets:
      retention: 0.7
      ssc_retention: 0.9

and read with :func:`targets`; :data:`TARGET_DEFAULTS` holds the documented defaults.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crmlib.errors import DataValidationError
from crmlib.text import N_


@dataclass(frozen=True)
class Definition:
    """One concept of the workbook.

    Attributes
    ----------
    id : str
        The id figures use, e.g. ``"ssc_count"``.
    label : str
        Its name in a report.
    formula : str
        What it is, in words (how it is computed).
    window : str
        The period it covers, in words (e.g. "the analysis window").
    unit : str
        ``"customers"``, ``"share"``, ``"currency"``, ...
    """

    id: str
    label: str
    formula: str
    window: str
    unit: str


_WINDOW = N_("the analysis window: the 12 months (unless set otherwise) up to the observation end")
_AT_END = N_("at the observation end")

_DEFINITIONS = (
    Definition(
        "customers",
        N_("Customers"),
        N_(
            "Every customer in the customers table, plus anyone with a transaction up to the "
            "observation end."
        ),
        _AT_END,
        "customers",
    ),
    Definition(
        "buyers",
        N_("Buyers in the window"),
        N_(
            "Customers with at least one purchase in the window. A purchase is a transaction "
            "line with a positive amount: a return is not a purchase, and neither is a contact."
        ),
        _WINDOW,
        "customers",
    ),
    Definition(
        "active_customers",
        N_("Active customers"),
        N_(
            "Customers with a purchase or a recorded contact in the window: a relationship with "
            "any activity. Every buyer is active; without an interactions table only purchases "
            "count, and the figure says so."
        ),
        _WINDOW,
        "customers",
    ),
    Definition(
        "retention_rate",
        N_("Retention rate"),
        N_(
            "Of the buyers of the previous window (as many months before the analysis "
            "window), the share who bought again in the analysis window. Unavailable, or with a "
            "caveat stating the covered share, when the previous window is not fully inside the "
            "data."
        ),
        N_("the analysis window and the window before it"),
        "share",
    ),
    Definition(
        "revenue",
        N_("Revenue"),
        N_("The sum of the transaction amounts in the window, returns subtracted."),
        _WINDOW,
        "currency",
    ),
    Definition(
        "gross_margin",
        N_("Gross margin"),
        N_(
            "Revenue minus the cost of the goods: amount - cost per line, or amount x the "
            "product's margin rate where a line has no cost."
        ),
        _WINDOW,
        "currency",
    ),
    Definition(
        "cost_to_serve",
        N_("Cost to serve"),
        N_("Every contact in the window priced at its channel's cost per contact, summed."),
        _WINDOW,
        "currency",
    ),
    Definition(
        "cost_to_serve_share",
        N_("Cost to serve as a share of margin"),
        N_("The cost to serve divided by the gross margin, both over the window."),
        _WINDOW,
        "share",
    ),
    Definition(
        "current_value",
        N_("Current value"),
        N_(
            "Per customer: gross margin minus cost to serve over the window (the value metric "
            "'margin'); revenue over the window when the data has no cost (the value metric "
            "'revenue', and every label then says revenue)."
        ),
        _WINDOW,
        "currency",
    ),
    Definition(
        "expected_margin_12m",
        N_("Expected twelve-month margin"),
        N_(
            "Summed over customers: the purchases BG/NBD expects in the next 12 months times "
            "the value per purchase Gamma-Gamma expects, times the customer's margin rate; "
            "undiscounted and before cost to serve. Revenue when the data has no cost."
        ),
        N_("the 12 months after the observation end"),
        "currency",
    ),
    Definition(
        "lifetime_value",
        N_("Lifetime value"),
        N_(
            "Summed over customers, over a stated horizon (36 months unless set otherwise): the "
            "margin BG/NBD and Gamma-Gamma expect month by month, discounted to the observation "
            "end at the yearly discount rate, minus the cost to serve expected for the same "
            "months (the window's monthly cost to serve times the probability of being alive), "
            "discounted alike."
        ),
        N_("the months of the horizon after the observation end"),
        "currency",
    ),
    Definition(
        "ssc_count",
        N_("Strategically significant customers (SSC)"),
        N_(
            "The top share (20% unless set otherwise) of customers by current value; only "
            "customers with "
            "a current value above 0 qualify, and customers tied at the cut are all in."
        ),
        _WINDOW,
        "customers",
    ),
    Definition(
        "top20_share",
        N_("Share of value held by the top 20%"),
        N_(
            "The current value of the top 20% of customers (rounded up) divided by the total "
            "current value of all customers, net: below-zero customers subtract from the total."
        ),
        _WINDOW,
        "share",
    ),
    Definition(
        "concentration_80",
        N_("Customers who bring 80% of value"),
        N_(
            "The smallest share of customers, ranked by current value, that together bring 80% "
            "of the total current value (net total). A concentration figure, not the SSC count."
        ),
        _WINDOW,
        "share",
    ),
    Definition(
        "value_category_count",
        N_("Customers per value category"),
        N_(
            "Peppers & Rogers' value categories, applied in this order: BZ (below zero: current "
            "value below 0), MVC (most valuable: the SSCs), MGC (most growable: of the rest, the "
            "top share (20% unless set otherwise) by expected twelve-month value minus current "
            "value), other."
        ),
        _WINDOW,
        "customers",
    ),
    Definition(
        "tier_count",
        N_("Customers per value tier"),
        N_(
            "Customers ranked by current value: platinum bring the first 50% of the value, gold "
            "the next up to 80%, silver up to 95%, bronze the rest (and every customer with a "
            "current value of 0 or below)."
        ),
        _WINDOW,
        "customers",
    ),
    Definition(
        "consenting_customers",
        N_("Customers who consented to marketing"),
        N_(
            "Customers whose marketing consent is yes. Unavailable when the customers table has "
            "no marketing consent column: unknown consent is not refusal."
        ),
        _AT_END,
        "customers",
    ),
    Definition(
        "probability_alive",
        N_("Probability of being alive"),
        N_(
            "Per customer, from the fitted BG/NBD model: the probability that the customer has "
            "not yet dropped out, given their purchase history."
        ),
        _AT_END,
        "share",
    ),
    Definition(
        "clv_fit",
        N_("Lifetime-value model fit"),
        N_(
            "Whether the lifetime-value models (BG/NBD, Gamma-Gamma) converged, stayed off the "
            "bounds of their parameters and tell active from lapsed customers apart (a mean "
            "P(alive) that differs between buyers in the window and lapsed customers)."
        ),
        N_("the whole history up to the observation end"),
        "status",
    ),
    Definition(
        "contact_episode",
        N_("Contact episode"),
        N_(
            "A run of contacts by one customer about one customer process, with no gap longer "
            "than a set number of days (14 unless set otherwise) between consecutive contacts."
        ),
        _WINDOW,
        "episodes",
    ),
    Definition(
        "buttle_ssc_type",
        N_("Buttle's type of strategically significant customer"),
        N_(
            "The value chain's own types (high future lifetime value, high volume, benchmark, "
            "inspiration, door-opener). A customer of a type is that model's type, not one of "
            "the SSC count."
        ),
        _AT_END,
        "customers",
    ),
    Definition(
        "target",
        N_("Target"),
        N_(
            "A level the client aims for, set once for the whole workbook and used by every "
            "model: the retention rate (65% unless the client sets its own) and the retention "
            "rate of the SSCs (85% unless the client sets its own)."
        ),
        N_("the analysis window"),
        "share",
    ),
    Definition(
        "current_value_total",
        N_("Current value, all customers"),
        N_(
            "The sum of every customer's current value over the window: margin minus cost to "
            "serve (profit), or revenue when the data has no cost (and the label says revenue)."
        ),
        _WINDOW,
        "currency",
    ),
    Definition(
        "picture_completeness",
        N_("Completeness of the customer picture"),
        N_(
            "Customer IDOL's identification: per customer the mean of the aspect scores (0-1) "
            "of personal data, product ownership, profitability, behaviour, needs and contact "
            "data, averaged over all customers. Only the aspects the data holds anything of "
            "count, less those that only repeat who bought (every buyer known, every other "
            "customer not); the others are unavailable, not 0."
        ),
        _AT_END,
        "share",
    ),
    Definition(
        "aspect_completeness",
        N_("Completeness of one aspect of the customer picture"),
        N_(
            "Customer IDOL: the mean score (0-1) of one aspect over all customers. Unavailable "
            "when the data holds none of the aspect's columns or tables."
        ),
        _AT_END,
        "share",
    ),
    Definition(
        "well_known_customers",
        N_("Well-known customers"),
        N_(
            "Customer IDOL: customers whose picture is at least 70% complete over the aspects "
            "the data can show."
        ),
        _AT_END,
        "customers",
    ),
    Definition(
        "repeat_episode_share",
        N_("Share of contact episodes with a repeat contact"),
        N_(
            "Of the contact episodes (see Contact episode) that start in the window, the share "
            "that took more than one contact."
        ),
        _WINDOW,
        "share",
    ),
    Definition(
        "segment_migration_share",
        N_("Share of customers who changed segment"),
        N_(
            "Customer IDOL's learning: of the customers known at both dates, the share whose "
            "segment (value tier by default) moved up, stayed or moved down between the first "
            "date and the observation end. Each date's segment rests on the window before it, "
            "so both windows must be inside the data: unavailable when under half of the "
            "earlier window is, a caveat with the covered share when part of it is."
        ),
        N_(
            "the migration period: from some months (12 unless set otherwise) before the "
            "observation end to it"
        ),
        "share",
    ),
    Definition(
        "affordable_groups",
        N_("Affordable number of treatment groups"),
        N_(
            "Customer IDOL's customer-group approach (the workbook's model): the number of groups "
            "with the highest net value, where value = the share of customer differences the "
            "groups explain x the uplift tailoring could add x the yearly current value, and "
            "cost = (groups - 1) x the yearly cost of one group's treatment."
        ),
        _WINDOW,
        "groups",
    ),
    Definition(
        "tailoring_value_at_stake",
        N_("Value one-to-one tailoring could add a year"),
        N_(
            "Customer IDOL: the uplift tailoring could add x the yearly current value of all "
            "customers (profit, "
            "or revenue when the data has no cost)."
        ),
        _WINDOW,
        "currency",
    ),
    Definition(
        "orchestration_mismatch_rate",
        N_("Orchestration mismatch rate"),
        N_(
            "Customer IDOL: per dimension, the mismatches found over what was checked (lost "
            "channel handovers, sales pushes during open issues, repeat-contact episodes, offers "
            "that clash with a purchase or return, households mixing an SSC with a below-zero "
            "member). Unavailable when the data lacks what the check needs."
        ),
        N_("the analysis window (products: every campaign up to the observation end)"),
        "share",
    ),
    Definition(
        "mixed_households",
        N_("Households mixing an SSC with a below-zero member"),
        N_(
            "Customer IDOL's orchestration between customers: households and accounts "
            "in which a strategically significant customer (see Strategically significant "
            "customers) sits "
            "beside a member whose current value is below zero. Unavailable on revenue-only "
            "data, where nobody can be seen to lose money."
        ),
        _WINDOW,
        "households",
    ),
    Definition(
        "migration_value",
        N_("Value of the customers known at the first date of the migration"),
        N_(
            "Customer IDOL's learning: the current value (profit, or revenue without cost) of "
            "the customers known at the first date, summed over the window before the first date "
            "(qualifier 'before') and over the window before the observation end ('after')."
        ),
        N_("the migration period"),
        "currency",
    ),
    Definition(
        "retention_formula_value",
        N_("Value per customer by the retention formula (QCI)"),
        N_(
            "The textbook shortcut margin x r / (1 + d - r): a retained customer's yearly margin "
            "after cost to serve (m), the yearly retention rate (r) and the yearly discount rate "
            "(d), with no horizon. It compares retention rates; it is not the lifetime value."
        ),
        N_("the analysis window and the window before it"),
        "currency",
    ),
    Definition(
        "lifetime_value_per_buyer",
        N_("Lifetime value per buyer"),
        N_(
            "The lifetime value (over its horizon, discounted, net of cost "
            "to serve where the data has it) averaged over the buyers of the window with a "
            "forecast. Revenue when the data has no cost."
        ),
        N_("the months of the horizon after the observation end"),
        "currency",
    ),
    Definition(
        "retention_lift_value",
        N_("Value a year kept by five points more retention"),
        N_(
            "0.05 x the window's buyers in the segments an action aims at x their mean "
            "current value: what five percentage points more retention would keep a year, "
            "from the retention the same segments (by the previous window's value tiers) had "
            "a window earlier. Payne & Frow's retention economics."
        ),
        _WINDOW,
        "currency",
    ),
    Definition(
        "revenue_concentration_history",
        N_("Customers who bring a share of all revenue (whole history)"),
        N_(
            "The data audit's view: the smallest share of customers, ranked by their revenue "
            "over the whole history up to the observation end (before any cost), that together "
            "bring the given share of all revenue (the id ends in that share, e.g. .80). Not "
            "the customer base's customers who bring 80% of value, which ranks by current value "
            "over the window."
        ),
        N_("the whole history up to the observation end"),
        "share",
    ),
    Definition(
        "revenue_top20_history",
        N_("Revenue share of the top 20% (whole history)"),
        N_(
            "The share of all revenue over the whole history up to the observation end brought "
            "by the 20% of customers with the most revenue. Not the customer base's share of "
            "value held "
            "by the top 20%, which "
            "ranks by current value over the window."
        ),
        N_("the whole history up to the observation end"),
        "share",
    ),
    Definition(
        "window_start",
        N_("Start of the analysis window"),
        N_(
            "The first day of the analysis window: the day after the observation end minus "
            "window_months months. Every windowed figure counts from this day to the "
            "observation end, both included."
        ),
        _WINDOW,
        "date",
    ),
    Definition(
        "previous_value_tier",
        N_("Value tier in the previous window"),
        N_(
            "Each customer's value tier by the rule of tier_count, applied to the current value "
            "over the previous window (margin minus that window's cost to serve, or revenue "
            "when the base ranks on revenue; 0 without a purchase then). Set beside the tier of "
            "the analysis window, it shows which customers moved between tiers."
        ),
        N_("the previous window: the window_months before the analysis window"),
        "tier",
    ),
    Definition(
        "selection_baseline",
        N_("Change expected from regression to the mean"),
        N_(
            "For a group picked on past value (the id ends in the value tier, or the value "
            "category MVC or BZ): the customers known at the end of the previous window who "
            "were in that group over it (see Value tier in the previous window; for MVC and BZ "
            "the rule of the value categories applied to that window's value), their revenue "
            "over the analysis window divided by "
            "their revenue over the previous window, minus 1. A group picked for high value "
            "falls back towards the average, and one picked for low value rises, even when "
            "nothing about the customers changes; a forecast for today's group is read against "
            "this change. Unavailable when the data does not cover the previous window."
        ),
        N_("the previous window and the analysis window"),
        "share",
    ),
    Definition(
        "target_segment_share",
        N_("Share held by the target segments"),
        N_(
            "Payne & Frow's strategy development: the target segments' share of the customers "
            "(qualifier 'customers') and of the expected lifetime value, or of current value "
            "when the models gave no forecast (qualifier 'value')."
        ),
        _WINDOW,
        "share",
    ),
    Definition(
        "target_segment_reachable",
        N_("Target-segment customers who consented to marketing"),
        N_(
            "Payne & Frow: customers in the target segments whose consent_marketing is yes. "
            "Unavailable without a consent_marketing column: unknown consent is not refusal."
        ),
        _AT_END,
        "customers",
    ),
    Definition(
        "revenue_plan",
        N_("Revenue against the growth goal"),
        N_(
            "Payne & Frow's strategy development, for the 12 months after the observation end: "
            "the goal (last 12 months' revenue x (1 + growth_goal), qualifier 'goal'), the "
            "revenue BG/NBD and Gamma-Gamma expect from today's customers ('expected'), the "
            "revenue of customers whose first purchase fell in the last 12 months, as the pace "
            "of acquisition ('new_customers'), and the goal minus both ('gap'; below 0 the goal "
            "is in reach)."
        ),
        N_("the 12 months before and after the observation end"),
        "currency",
    ),
    Definition(
        "handover_continued_share",
        N_("Share of moves between channels that the next channel continued"),
        N_(
            "Payne & Frow's multichannel integration: of the contacts of the last 12 months in "
            "another channel than the customer's previous contact on the same process within the "
            "repeat window (a handover), the share after which the customer needed no further "
            "contact on that process within the window and, where the data records it, the "
            "question was resolved. Handovers too close to the observation end to know are left "
            "out."
        ),
        N_("the 12 months up to the observation end"),
        "share",
    ),
    Definition(
        "cross_channel_episode_share",
        N_("Share of contact episodes that crossed channels"),
        N_(
            "Payne & Frow's multichannel integration: of the contact episodes (see "
            "contact_episode, with the repeat window in days) of the last 12 months, the share "
            "whose contacts used more than one channel. Moving is not a failure in itself; "
            "handover_continued_share says whether the next channel continued the case."
        ),
        N_("the 12 months up to the observation end"),
        "share",
    ),
    Definition(
        "channel_hoppers",
        N_("Customers who hopped channels within one process"),
        N_(
            "Payne & Frow's multichannel integration: customers with a contact episode of the "
            "last 12 months that crossed channels."
        ),
        N_("the 12 months up to the observation end"),
        "customers",
    ),
    Definition(
        "cross_channel_repeat_cost",
        N_("Cost of the repeat contacts in cross-channel episodes"),
        N_(
            "Payne & Frow: the contacts after the first in the episodes that crossed channels, "
            "each priced at its channel's cost_per_contact, summed. Unavailable without channel "
            "costs."
        ),
        N_("the 12 months up to the observation end"),
        "currency",
    ),
    Definition(
        "table_completeness",
        N_("Completeness of the data tables"),
        N_(
            "Payne & Frow's information management: the share of filled cells per table, "
            "averaged over the tables the company supplied (qualifier 'mean'), and of the least "
            "filled table (qualifier 'least')."
        ),
        _AT_END,
        "share",
    ),
    Definition(
        "analyses_supported",
        N_("Analyses the data supports"),
        N_(
            "Of the workbook's analyses, how many the data "
            "supports fully (qualifier 'yes'), in part ('partly') or not ('no')."
        ),
        _AT_END,
        "analyses",
    ),
    Definition(
        "kpi_standards",
        N_("KPI standards judged and met"),
        N_(
            "Payne & Frow's performance assessment: of the KPIs with a standard that could be "
            "judged over the 12 months to kpi_end (qualifier 'judged'), how many meet it "
            "('met')."
        ),
        N_("the 12 months up to kpi_end"),
        "KPIs",
    ),
    Definition(
        "ssc_value_share",
        N_("Share of current value held by the SSCs"),
        N_(
            "The current value of the strategically significant customers (see ssc_count) "
            "divided by the total current value of all customers, net. Equal to top20_share "
            "only when ssc_share is 20% and no customers are tied at the cut."
        ),
        _WINDOW,
        "share",
    ),
    Definition(
        "ssc_picture_completeness",
        N_("Completeness of the SSCs' customer picture"),
        N_(
            "The value chain's customer intimacy: the mean completeness (0-1) of the customer "
            "picture over the aspects the data shows (as picture_completeness), for "
            "the SSCs (qualifier 'SSC') and for the other customers ('other')."
        ),
        _AT_END,
        "share",
    ),
    Definition(
        "network_alignment",
        N_("Network alignment on customer data"),
        N_(
            "The value chain's network development: the workshop's score (0-1) of how well "
            "suppliers, partners and the company's own units share and use customer data."
        ),
        N_("the workshop assessment"),
        "share",
    ),
    Definition(
        "offer_needs_fit",
        N_("Offer-needs fit"),
        N_(
            "The value chain's value proposition: per needs segment, the share of its members "
            "served on its distinctive needs by what they buy, "
            "averaged over the segments weighted by respondents."
        ),
        N_("the 12 months up to the observation end"),
        "share",
    ),
)

#: Every definition, by id.
DEFINITIONS: dict[str, Definition] = {d.id: d for d in _DEFINITIONS}

#: The targets a client can set in company.yml, with their documented defaults.
TARGET_DEFAULTS: dict[str, float] = {
    "retention": 0.65,  # Payne & Frow's retention standard in the workbook so far
    "ssc_retention": 0.85,  # the value chain's target for strategically significant customers
}


def definition(figure_id: str) -> Definition:
    """The definition behind a figure id (``"tier_count.gold"`` -> ``tier_count``).

    Raises
    ------
    KeyError
        For an id the vocabulary does not hold (a figure must name a definition).
    """
    key = figure_id.split(".", 1)[0]
    try:
        return DEFINITIONS[key]
    except KeyError:
        raise KeyError(f"no definition '{key}' in the vocabulary (figure {figure_id!r})") from None


def definitions_for(figure_ids: Iterable[str]) -> list[Definition]:
    """The definitions behind these figure ids, each once, in vocabulary order."""
    wanted = {definition(f).id for f in figure_ids}
    return [d for d in _DEFINITIONS if d.id in wanted]


def targets(company_or_dir: object) -> dict[str, float]:
    """The client's targets: ``company.yml``'s ``targets:``, over the documented defaults.

    Parameters
    ----------
    company_or_dir : Company, path-like or mapping
        A :class:`crmlib.Company` (its ``data_dir`` is read), a data folder, or the
        already-read ``company.yml`` settings.

    Returns
    -------
    dict
        Every key of :data:`TARGET_DEFAULTS`, as a share between 0 and 1.

    Raises
    ------
    DataValidationError
        For an unknown target or a value that is not a share between 0 and 1.
    """
    from crmlib.data.company import read_company_info

    if isinstance(company_or_dir, Mapping):
        info = company_or_dir
    else:
        folder = getattr(company_or_dir, "data_dir", company_or_dir)
        info = read_company_info(os.fspath(folder))
    given = info.get("targets") or {}
    if not isinstance(given, Mapping):
        raise DataValidationError(
            "company.yml",
            "'targets' must hold 'name: value' lines",
            fix="write e.g. 'targets:' and below it '  retention: 0.7'",
        )
    out = dict(TARGET_DEFAULTS)
    for name, value in given.items():
        if name not in TARGET_DEFAULTS:
            known = ", ".join(TARGET_DEFAULTS)
            raise DataValidationError(
                "company.yml",
                f"unknown target '{name}'",
                column="targets",
                fix=f"use one of: {known}",
            )
        try:
            share = float(str(value).strip().rstrip("%")) / (100 if "%" in str(value) else 1)
        except ValueError:
            share = float("nan")
        if not 0 < share <= 1:
            raise DataValidationError(
                "company.yml",
                f"target '{name}' is {value!r}, not a share between 0 and 1",
                column="targets",
                fix=f"write e.g. '{name}: 0.7' or '{name}: 70%'",
            )
        out[str(name)] = share
    return out
