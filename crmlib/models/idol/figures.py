"""The Customer IDOL figures a report states, each named by its vocabulary definition.

Shared concepts (customers, value tiers, current value) come from the customer base;
the model's own (the completeness of the customer picture, contact episodes, segment
migration) are built here as :class:`crmlib.figures.Figure` with their own definition
ids, so ``<stem>.figures.json`` holds every number the notebook states. What the data
cannot show is ``unavailable`` with the data that would show it: never 0.
"""

from __future__ import annotations

import pandas as pd

from crmlib.analytics import migration as mg
from crmlib.analytics.base import CustomerBase
from crmlib.analytics.profile import ASPECTS
from crmlib.analytics.vocabulary import definition
from crmlib.figures import Figure
from crmlib.formatting import day, percent
from crmlib.models.idol.differentiate import Granularity, optimum
from crmlib.models.idol.identify import ASPECT_LABELS, TIERS, Identification
from crmlib.models.idol.learn import Migration
from crmlib.models.idol.orchestrate import CustomerSync, MomentSync, Orchestration
from crmlib.text import N_, sentence, translate

#: The moves of a migration that are stated as figures.
MOVES = ("up", "same", "down")


def value_total(base: CustomerBase) -> Figure:
    """The current value of all customers over the base's window, labelled by its metric.

    Profit (margin minus cost to serve) when the data has cost; revenue otherwise, and
    the label says so. A window the data covers only in part, or a cost to serve the
    data cannot measure, is a caveat with its reason.
    """
    table, meta = base.table, base.meta
    revenue_only = base.value_metric == "revenue"
    label = N_("Current value (revenue)") if revenue_only else N_("Current value (profit)")
    reasons = []
    coverage = float(meta["window_coverage"])
    if coverage < 1:
        reasons.append(
            sentence(
                "the data begins on {start}, so it covers {coverage} of the window",
                start=day(meta["data_start"]),
                coverage=percent(coverage),
            )
        )
    if revenue_only:
        reasons.append(
            translate("revenue, not profit: the data has no cost or product margin rate")
        )
    elif not meta["cost_to_serve_known"]:
        reasons.append(translate("margin before cost to serve: the data has no contact costs"))
    return Figure(
        "current_value_total",
        label,
        float(table["current_value"].sum()),
        base.currency,
        base.window,
        "caveat" if reasons else "ok",
        "; ".join(reasons),
    )


def value_statement(base: CustomerBase) -> tuple[str, dict[str, object]]:
    """The sentence on the value every element uses, as a template and its figures.

    For :func:`crmlib.notebook.figures.say_figures`: ``say_figures(text, **figures)``.
    """
    figures: dict[str, object] = {
        "customers": base.figure("customers"),
        "value": value_total(base),
        "window": base.window,
    }
    if base.value_metric == "revenue":
        text = N_(
            "{customers} customers brought {value} of revenue (the data has no cost, so value "
            "is revenue) in {window}."
        )
    elif base.meta["cost_to_serve_known"]:
        text = N_(
            "{customers} customers brought {value} of profit (margin minus the cost of their "
            "contacts) in {window}."
        )
    else:
        text = N_(
            "{customers} customers brought {value} of margin (the cost of their contacts is "
            "not recorded) in {window}."
        )
    # the template in the report language; its fields are filled (and cited) when shown
    text = translate(text)
    tiers = [t for t in TIERS if base.figure(f"tier_count.{t}").value]
    if tiers:
        parts = []
        for tier in tiers:
            figures[tier] = base.figure(f"tier_count.{tier}")
            parts.append("{" + tier + "} " + translate(tier))
        # the tier fields stay fields: str.format does not read what it puts in
        text += translate(" By value tier: {tiers}.").format(tiers=", ".join(parts))
    return text, figures


def identification_figures(identification: Identification) -> list[Figure]:
    """The completeness of the picture, per aspect, and the well-known customers.

    Aspects the data holds nothing of are unavailable with the data that would show
    them; the overall completeness is then a caveat that names them.
    """
    missing = identification.unmeasured
    why = (
        "over the aspects the data can show; not in the data: "
        + ", ".join(ASPECT_LABELS[a] for a in missing)
        if missing
        else ""
    )
    figures = [
        Figure(
            "picture_completeness",
            definition("picture_completeness").label,
            float(identification.aspects["completeness"]),
            "share",
            "",
            "caveat" if why else "ok",
            why,
        ),
        Figure(
            "well_known_customers",
            definition("well_known_customers").label,
            int(identification.levels.get("well known", 0)),
            "customers",
            "",
            "caveat" if why else "ok",
            why,
        ),
    ]
    for aspect in ASPECTS:
        label = f"{definition('aspect_completeness').label}: {ASPECT_LABELS[aspect]}"
        if aspect in missing:
            figures.append(
                Figure.unavailable(
                    f"aspect_completeness.{aspect}",
                    label,
                    "share",
                    f"the data holds nothing of it; it needs {missing[aspect]}",
                )
            )
        else:
            value = float(identification.aspects[aspect])
            figures.append(Figure(f"aspect_completeness.{aspect}", label, value, "share"))
    return figures


def moment_figures(moments: MomentSync | None, reason: str = "") -> list[Figure]:
    """The contact episodes that began in the window, and the share with a repeat.

    With the base's episode gap these are the customer base's own figures (QCI states
    the same ones); with another ``window_days`` they are this check's, under an id
    qualified by the gap (``contact_episode.gap_7_days``), another definition.

    Parameters
    ----------
    moments : MomentSync or None
        None when the check could not run; ``reason`` then says why.
    """
    if moments is not None and moments.counted:
        return list(moments.counted)
    episode = definition("contact_episode").label + "s"
    repeat = definition("repeat_episode_share").label
    if moments is None:
        why = reason or "the data has no interactions table with a process per contact"
        return [
            Figure.unavailable("contact_episode", episode, "episodes", why),
            Figure.unavailable("repeat_episode_share", repeat, "share", why),
        ]
    gap = f".gap_{moments.window_days}_days"
    return [
        Figure("contact_episode" + gap, episode, moments.episodes, "episodes", moments.window),
        Figure("repeat_episode_share" + gap, repeat, moments.repeat_share, "share", moments.window),
    ]


def migration_figures(
    migration: Migration | None, reason: str = "", period: str = ""
) -> list[Figure]:
    """The shares of customers known at both dates who moved up, stayed or moved down.

    Parameters
    ----------
    migration : Migration or None
        None when the data cannot support the comparison; ``reason`` says why and
        ``period`` names the period asked for.
    """
    label = definition("segment_migration_share").label
    if migration is None:
        why = reason or "the data does not cover the migration period"
        return [
            Figure.unavailable(
                f"segment_migration_share.{m}", f"{label}: {m}", "share", why, period
            )
            for m in MOVES
        ]
    return [
        Figure(
            f"segment_migration_share.{move}",
            f"{label}: {move}",
            migration.share(move),
            "share",
            migration.period,
            migration.status,
            migration.reason,
        )
        for move in MOVES
    ]


def granularity_figures(
    granularity: Granularity, tradeoff: pd.DataFrame, currency: str, window: str = ""
) -> list[Figure]:
    """The affordable number of groups and the value at stake behind it.

    The value at stake rests on revenue when the data has no cost: a caveat that says so.
    """
    reason = {
        "revenue": "on revenue, not profit: the data has no cost",
        "margin": "on margin before the cost to serve, which the data does not measure",
    }.get(granularity.value_label, "")
    status = "caveat" if reason else "ok"
    best = optimum(tradeoff)
    return [
        Figure(
            "affordable_groups",
            definition("affordable_groups").label,
            int(best["n_groups"]),
            "groups",
            window,
            status,
            reason,
        ),
        Figure(
            "tailoring_value_at_stake",
            definition("tailoring_value_at_stake").label + f" ({granularity.value_label})",
            float(granularity.value_at_stake),
            currency,
            window,
            status,
            reason,
        ),
    ]


def orchestration_figures(
    orchestration: Orchestration, scorecard: pd.DataFrame, up_to: str = "", window: str = ""
) -> list[Figure]:
    """The mismatch rate of each of the five dimensions; unchecked ones are unavailable.

    Parameters
    ----------
    up_to : str
        The observation end (yyyy-mm-dd): the products check reads every campaign up to it.
    window : str
        The base's window, which the other four checks count in.
    """
    label = definition("orchestration_mismatch_rate").label
    figures = []
    for dimension, row in scorecard.iterrows():
        figure_id = f"orchestration_mismatch_rate.{str(dimension).replace(' ', '_')}"
        window_of = f"..{up_to}" if dimension == "products" else window
        rate = row["rate"]
        if rate == rate:
            figures.append(
                Figure(figure_id, f"{label}: {dimension}", float(rate), "share", window_of)
            )
        else:
            why = orchestration.skipped.get(str(dimension), "nothing to check in the data")
            figures.append(Figure.unavailable(figure_id, f"{label}: {dimension}", "share", why))
    return figures


def household_figures(
    households: CustomerSync | None, reason: str = "", window: str = ""
) -> list[Figure]:
    """The households that mix a strategically significant customer with a below-zero one."""
    label = definition("mixed_households").label
    if households is None:
        why = reason or "the data has no related_id in the customers table"
        return [Figure.unavailable("mixed_households", label, "households", why, window)]
    return [Figure("mixed_households", label, households.mixed, "households", window)]


def _window_before(day: pd.Timestamp, months: int) -> str:
    """The ``months`` up to ``day`` as ``yyyy-mm-dd..yyyy-mm-dd`` (both days included)."""
    start = day - pd.DateOffset(months=int(months)) + pd.Timedelta(days=1)
    return f"{start.date().isoformat()}..{day.date().isoformat()}"


def value_shift_figures(migration: Migration | None, currency: str) -> list[Figure]:
    """The value of the customers known at the first date, before and after (empty when
    the migration could not be made: its shares already say why)."""
    if migration is None:
        return []
    known = migration.value.drop(index=mg.NEW, errors="ignore")
    label = definition("migration_value").label + f" ({migration.value_label})"
    months = migration.window_months
    return [
        Figure(
            "migration_value.before",
            label + ", before",
            float(known["value_before"].sum()),
            currency,
            _window_before(migration.first, months),
            migration.status,
            migration.reason,
        ),
        Figure(
            "migration_value.after",
            label + ", after",
            float(known["value_after"].sum()),
            currency,
            _window_before(migration.second, months),
        ),
    ]
