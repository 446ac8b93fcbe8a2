"""Words the Payne & Frow results: the sentences under each process and element.

Each function takes a result computed in :mod:`crmlib.models.payne_frow`'s element
modules (strategy, value, multichannel, information, performance, elements) and words
it; the figures are computed there. Every sentence is a template filled by
:func:`crmlib.text.sentence` (values escaped, template translatable); a number that is
one of the process's figures is written with ``cite`` (the notebook passes
:func:`crmlib.notebook.figures.cite`, so that the report can be checked; by default the
figure is written out plainly). The process scores and the conclusion are worded in
:mod:`~crmlib.models.payne_frow.conclude`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from crmlib.analytics.base import forecast_error_words
from crmlib.analytics.kpis import KPIS
from crmlib.data.company import Company
from crmlib.figures import Figure, format_value, values_equal
from crmlib.formatting import count, money, percent
from crmlib.models.payne_frow.common import ASPECTS, heading
from crmlib.models.payne_frow.elements import (
    ELEMENT_FLOOR,
    ELEMENT_TARGET,
    Readiness,
    first_gap,
)
from crmlib.models.payne_frow.information import Information
from crmlib.models.payne_frow.multichannel import (
    Continuity,
    Multichannel,
    continuity_figures,
    last_year_window,
)
from crmlib.models.payne_frow.performance import Performance
from crmlib.models.payne_frow.strategy import Strategy
from crmlib.models.payne_frow.value import RETENTION_LIFT, ValueCreation
from crmlib.text import N_, Safe, escape, join, label, plural, sentence, translate

Cite = Callable[..., str]


def _citer(cite: Cite | None) -> Callable[..., Safe]:
    """``cite`` (or plain text), marked as already escaped for :func:`sentence`; an
    optional second argument gives the decimals."""
    write = cite or format_value

    def written(figure: Figure, decimals: int | None = None) -> Safe:
        return Safe(write(figure) if decimals is None else write(figure, decimals))

    return written


def paragraph(parts: Iterable[str]) -> Safe:
    """Sentences built with :func:`sentence`, joined into one paragraph."""
    return Safe(" ".join(parts))


def names(items: Iterable[object], word: str = "and") -> Safe:
    """Names (segments, channels) as one escaped list in the report language: ``a, b and c``.

    A value tier or category the catalogue knows is translated; a client's own name stays
    as it is (the catalogue has no entry for it)."""
    return join([Safe(escape(translate(str(item)))) for item in items], word)


def _decimals(value: float, places: int = 2) -> str:
    return f"{float(value):.{places}f}"


def _signed(share: float) -> str:
    """A change as a share with its sign, ``+12 %`` (the locale's percent format)."""
    return ("+" if share > 0 else "") + percent(share)


def describe_baseline(strategy: Strategy, segment: str) -> Safe:
    """A segment's revenue forecast read against regression to the mean, in sentences.

    The forecast change, the change any group picked as that segment showed one window
    on in the company's history (:mod:`crmlib.analytics.baseline`) and the difference
    in points; when the history cannot give the baseline, why. Empty without a forecast.
    Both changes are written with their sign, as in the segment table (the baseline is
    published as the figure ``selection_baseline.<segment>``, not cited: a cited share
    carries no sign).
    """
    s = strategy
    if s.segments is None or s.baseline is None or segment not in s.segments.index:
        return Safe("")
    row = s.segments.loc[segment]
    if pd.isna(row["expected_change"]):
        return Safe("")
    forecast = _signed(row["expected_change"])
    figure = s.figure(f"selection_baseline.{segment}")
    segment_name = translate(str(segment))
    if figure.value is None:
        return sentence(
            "The revenue of {segment} is forecast to change by {forecast} next year. A group "
            "picked for its value moves back towards the average the year after even when "
            "nothing about its customers changes (regression to the mean), but how much "
            "cannot be measured here: {reason}. Do not read the whole change as customers "
            "won or lost.",
            segment=segment_name,
            forecast=forecast,
            reason=figure.reason,
        )
    template = (
        N_(
            "The revenue of {segment} is forecast to change by {forecast} next year. The "
            "customers who were {segment} the year before changed by {baseline} the year "
            "after: a group picked for its value moves back towards the average even when "
            "nothing about its customers changes (regression to the mean)."
        )
        if s.baseline.window_months == 12
        else N_(
            "The revenue of {segment} is forecast to change by {forecast} next year. The "
            "customers who were {segment} in the {months} months before changed by {baseline} "
            "in the {months} months after: a group picked for its value moves back towards the "
            "average even when nothing about its customers changes (regression to the mean)."
        )
    )
    text = sentence(
        template,
        segment=segment_name,
        forecast=forecast,
        baseline=_signed(figure.value),
        months=s.baseline.window_months,
    )
    points = round(100 * float(row["beyond_baseline"]))
    if points < 0:
        more = sentence(
            " The forecast is {points} points below that: only this part is a fall beyond "
            "what any such group shows, for the customer strategy to answer.",
            points=-points,
        )
    elif points > 0:
        more = sentence(
            " The forecast is {points} points above that: the models expect more of "
            "{segment} than such a group usually shows.",
            points=points,
            segment=segment_name,
        )
    else:
        more = sentence(" The forecast expects no more than that.")
    if figure.status == "caveat":
        more += sentence(" Caveat: {reason}.", reason=figure.reason)
    return Safe(text + more)


def describe_strategy(strategy: Strategy, company: Company, cite: Cite | None = None) -> Safe:
    """The closing paragraph of strategy development, computed from the results.

    ``cite`` writes a figure into the text (see the module docstring).
    """
    s, cur, cite_ = strategy, company.currency, _citer(cite)
    parts = [heading(company)]
    if s.segments is not None:
        targets = s.segments[s.segments["target"]]
        template = (
            N_(
                "The target segments, chosen from the data (expected value per customer above "
                "average), are {targets}: {customers} of the customers with {value} of the "
                "expected value."
            )
            if s.chosen_from_data
            else N_(
                "The target segments, set by the business strategy, are {targets}: "
                "{customers} of the customers with {value} of the expected value."
            )
        )
        parts.append(
            sentence(
                template,
                targets=names(s.targets),
                customers=cite_(s.figure("target_segment_share.customers")),
                value=cite_(s.figure("target_segment_share.value")),
            )
        )
        if s.reachable is not None:
            parts.append(
                sentence(
                    "{reachable} of their {customers} customers gave marketing consent and can "
                    "be approached directly.",
                    reachable=cite_(s.figure("target_segment_reachable")),
                    customers=count(targets["customers"].sum()),
                )
            )
        if len(targets):
            parts.append(
                sentence(
                    "For {segment} the figures point to *{treatment}*.",
                    segment=translate(str(targets.index[0])),
                    treatment=targets.iloc[0]["treatment"],
                )
            )
            read = describe_baseline(s, targets.index[0])
            if read:
                parts.append(read)
    parts.append(
        sentence(
            "Last year brought {revenue}; a growth goal of {growth} asks for {goal}.",
            revenue=cite_(s.figure("revenue")),
            growth=percent(s.growth_goal, 1),
            goal=cite_(s.figure("revenue_plan.goal")),
        )
    )
    if pd.notna(s.revenue_expected):
        parts.append(
            sentence(
                "Today's customers are expected to bring {expected}, and new customers brought "
                "{new} last year.",
                expected=cite_(s.figure("revenue_plan.expected")),
                new=cite_(s.figure("revenue_plan.new_customers")),
            )
        )
        if s.gap > 0:
            parts.append(
                sentence(
                    "At that pace the goal is {gap} out of reach: the customer strategy has to "
                    "win it from the target segments or from more new customers.",
                    gap=cite_(s.figure("revenue_plan.gap")),
                )
            )
        else:
            parts.append(
                sentence(
                    "At that pace the goal is within reach with {spare} to spare: the customer "
                    "strategy can aim higher than the business goal.",
                    spare=money(-s.gap, cur),
                )
            )
        if s.forecast_error is not None:
            parts.append(
                sentence(
                    "The forecast is not exact: {words}.",
                    words=forecast_error_words(s.forecast_error, s.revenue_expected, cur),
                )
            )
            # the same bias taken out: does the verdict on the goal still hold?
            unbiased_gap = s.revenue_goal - (
                s.revenue_expected / (1.0 + s.forecast_error) + s.revenue_new
            )
            if (unbiased_gap > 0) != (s.gap > 0):
                parts.append(
                    sentence(
                        "That is more than the margin, so whether the goal is within reach "
                        "is not settled by the forecast."
                    )
                )
    else:
        parts.append(
            sentence("Without a purchase forecast the gap to the goal cannot be estimated.")
        )
    return paragraph(parts)


def _acquisition(v: ValueCreation, cur: str) -> list[Safe]:
    """The sentences on the cost of winning a customer against keeping one."""
    source = (
        sentence("as given")
        if v.acquisition_cost_source == "parameter"
        else sentence("five times the retention cost: a rule of thumb, not a measurement")
    )
    keep = (
        sentence("keeping one {cost} a year", cost=money(v.retention_cost, cur))
        if pd.notna(v.retention_cost)
        else sentence("the cost of keeping one is not known")
    )
    parts = [
        sentence(
            "Winning a customer costs about {cost} ({source}), {keep}; replacing the {lost} "
            "customers lost last year would cost {replacement}.",
            cost=money(v.acquisition_cost, cur),
            source=source,
            keep=keep,
            lost=count(v.lost_customers),
            replacement=money(v.replacement_cost, cur),
        )
    ]
    if pd.notna(v.payback_months) and v.payback_months > 0:
        parts.append(
            sentence(
                "A new customer needs {months} months of {word} to pay back the cost of "
                "winning them.",
                months=_decimals(v.payback_months, 0),
                word=translate(v.value_word),
            )
        )
    return parts


def _value_sides(v: ValueCreation, cur: str, cite_) -> list[Safe]:
    """The customer's side and the organisation's side, per segment."""
    parts, word, segments = [], v.value_word, v.segments
    words = translate(word)
    if segments is not None and "satisfaction" in segments.columns:
        rated = segments["satisfaction"].dropna()
        if len(rated):
            low, high = rated.idxmin(), rated.idxmax()
            parts.append(
                sentence(
                    "On the customer's side, contact satisfaction runs from {low} ({low_segment})"
                    " to {high} ({high_segment}) on a 1-5 scale.",
                    low=_decimals(rated[low]),
                    low_segment=translate(str(low)),
                    high=_decimals(rated[high]),
                    high_segment=translate(str(high)),
                )
            )
    if segments is not None and segments["profit_per_customer"].notna().any():
        top = segments["profit_per_customer"].idxmax()
        buyers = v.figure("buyers")
        parts.append(
            sentence(
                "On the organisation's side, the average {segment} customer brought {value} of "
                "{word} in the window ({window}), which had {buyers} buyers.",
                segment=translate(str(top)),
                value=money(segments.loc[top, "profit_per_customer"], cur),
                word=words,
                window=buyers.window,
                buyers=cite_(buyers),
            )
        )
        if pd.notna(v.profitable_share):
            parts.append(
                sentence(
                    "{share} of them brought a {word} above 0.",
                    share=percent(v.profitable_share),
                    word=words,
                )
            )
        else:
            unknown = v.skipped.get("profitability") or translate("the margin is not known")
            parts.append(
                sentence("Which buyers are profitable is not known: {reason}.", reason=unknown)
            )
        if word == "margin":
            parts.append(
                sentence("(Without contact costs in the data, margin is before cost to serve.)")
            )
    if segments is None:
        parts.append(
            sentence(
                "The value per segment cannot be measured: {reason}.",
                reason=v.skipped["segments"],
            )
        )
    return parts


def describe_value(value: ValueCreation, company: Company, cite: Cite | None = None) -> Safe:
    """The closing paragraph of value creation, computed from the results.

    ``cite`` writes a figure into the text (see the module docstring).
    """
    v, cur, cite_ = value, company.currency, _citer(cite)
    word = v.value_word
    parts = [heading(company), *_value_sides(v, cur, cite_)]
    retention = v.figure("retention_rate")
    if retention.status == "unavailable":
        parts.append(
            sentence("The retention rate is not available: {reason}.", reason=retention.reason)
        )
    else:
        parts.append(
            sentence(
                "{rate} of the year before's buyers bought again ({window}).",
                rate=cite_(retention),
                window=retention.window,
            )
        )
    lifetime = v.figure("lifetime_value_per_buyer")
    if lifetime.status != "unavailable":
        parts.append(
            sentence(
                "Over the lifetime-value horizon ({window}) a buyer is expected to bring "
                "{value} of {word}, discounted.",
                window=lifetime.window,
                value=cite_(lifetime),
                word=translate("revenue") if word == "revenue" else translate("margin"),
            )
        )
    else:
        parts.append(
            sentence("No lifetime value could be forecast: {reason}.", reason=lifetime.reason)
        )
    lift = v.figure("retention_lift_value")
    if lift.status != "unavailable":
        aimed = (
            sentence("the target segments ({segments})", segments=names(v.target_segments))
            if v.target_segments
            else sentence("all customers")
        )
        parts.append(
            sentence(
                "{points} percentage points more retention among {aimed} ({customers} of "
                "their customers bought this year; the same segments kept {rate} of their "
                "buyers a year earlier) would keep {value} of {word} a year.",
                points=_decimals(RETENTION_LIFT * 100, 0),
                aimed=aimed,
                customers=count(v.target_retained_base),
                rate=percent(v.target_retention_rate),
                value=cite_(lift),
                word=translate(word),
            )
            if v.target_rate_basis == "segments"
            else sentence(
                "{points} percentage points more retention among {aimed} ({customers} of "
                "their customers bought this year) would keep {value} of {word} a year.",
                points=_decimals(RETENTION_LIFT * 100, 0),
                aimed=aimed,
                customers=count(v.target_retained_base),
                value=cite_(lift),
                word=translate(word),
            )
        )
    if pd.notna(v.acquisition_cost):
        parts += _acquisition(v, cur)
    return paragraph(parts)


def _handovers(flow: Continuity, figure, cite_) -> list[Safe]:
    """Whether the next channel continued the case, and what the data cannot show."""
    if pd.isna(flow.continued_rate):
        return [
            sentence(
                "No customer moved between channels within one process, so the data cannot "
                "show whether a next channel continues the case."
            )
        ]
    every = flow.handovers.loc["all"]
    template = (
        N_(
            "Of {moves} moves to another channel, the next channel continued the case in "
            "{rate}: the question was resolved there and no further contact on it followed "
            "within the window."
        )
        if flow.resolution_known
        else N_(
            "Of {moves} moves to another channel, the next channel continued the case in "
            "{rate}: no further contact on it followed within the window (the data does not "
            "record whether questions were resolved)."
        )
    )
    parts = [sentence(template, moves=count(every["handovers"]), rate=cite_(figure))]
    by = flow.handovers.drop(index="all")["continued_rate"].dropna()
    if len(by) > 1:
        parts.append(
            sentence(
                "Handovers in {weakest} were continued least often ({low}), in {strongest} "
                "most often ({high}).",
                weakest=by.idxmin(),
                low=percent(by.min()),
                strongest=by.idxmax(),
                high=percent(by.max()),
            )
        )
    parts.append(
        sentence(
            "Whether the new channel knew the case history is not recorded in the data; "
            "the workshop asks it."
        )
    )
    return parts


def describe_continuity(flow: Continuity, company: Company, cite: Cite | None = None) -> Safe:
    """The continuity figures for one repeat window, in a few sentences.

    ``cite`` writes a figure into the text (see the module docstring); the live view
    leaves it out, so that a window tried in a workshop is not stated as a figure.
    """
    cite_ = _citer(cite)
    figures = {
        f.id: f for f in continuity_figures(flow, last_year_window(company), company.currency)
    }
    parts = [
        sentence(
            "With a window of {days}, {rate} of {episodes} contact episodes moved between "
            "channels.",
            days=plural(flow.window_days, "day", "days"),
            rate=cite_(figures["cross_channel_episode_share"]),
            episodes=count(flow.episodes),
        )
    ]
    parts += _handovers(flow, figures["handover_continued_share"], cite_)
    if len(flow.paths):
        parts.append(sentence("The most common path was {path}.", path=flow.paths.index[0]))
    if pd.notna(flow.repeat_cost):
        parts.append(
            sentence(
                "The {contacts} contacts after the first in those episodes cost {cost} in the "
                "last 12 months.",
                contacts=count(flow.by_process["repeat_contacts"].sum()),
                cost=cite_(figures["cross_channel_repeat_cost"]),
            )
        )
    return paragraph(parts)


def _channel_mix(m: Multichannel) -> list[Safe]:
    contacts = m.contact_mix is not None
    mix = m.contact_mix if contacts else m.purchase_mix
    if mix is None:
        return []
    main = mix.idxmax(axis=1)
    if main.nunique() == 1:
        channel = main.iloc[0]
        template = (
            N_("In every segment most contacts run through {channel} ({low} to {high}).")
            if contacts
            else N_("In every segment most purchases run through {channel} ({low} to {high}).")
        )
        return [
            sentence(
                template,
                channel=channel,
                low=percent(mix[channel].min()),
                high=percent(mix[channel].max()),
            )
        ]
    lines = Safe(
        "; ".join(
            sentence("{segment} mostly {channel}", segment=translate(str(segment)), channel=channel)
            for segment, channel in main.items()
        )
    )
    template = (
        N_("By segment, contacts run through: {lines}.")
        if contacts
        else N_("By segment, purchases run through: {lines}.")
    )
    return [sentence(template, lines=lines)]


def describe_multichannel(
    multichannel: Multichannel, company: Company, cite: Cite | None = None
) -> Safe:
    """The closing paragraph of multichannel integration, computed from the results.

    ``cite`` writes a figure into the text (see the module docstring).
    """
    m, cite_ = multichannel, _citer(cite)
    parts = [heading(company), *_channel_mix(m)]
    if m.continuity is not None:
        flow = m.continuity
        parts.append(
            sentence(
                "{hoppers} of {customers} contacted customers hopped channels within one process.",
                hoppers=cite_(m.figure("channel_hoppers")),
                customers=count(flow.customers),
            )
        )
        parts.append(describe_continuity(flow, company, cite))
    if m.case_history is not None:
        parts.append(
            sentence(
                "The workshop scores the practice that the next channel sees the case "
                "history at {score}.",
                score=percent(m.case_history),
            )
        )
    if m.channels is not None:
        top = m.channels.iloc[0]
        parts.append(
            sentence(
                "The {channel} channel carries {share} of the contact cost at {cost} a contact.",
                channel=m.channels.index[0],
                share=percent(top["cost_share"]),
                cost=money(top["cost_per_contact"], company.currency, 2),
            )
        )
        resolved = m.channels["cost_per_resolved"].dropna()
        if len(resolved):
            cheapest = resolved.idxmin()
            parts.append(
                sentence(
                    "A resolved question is cheapest in {channel} ({cost}): moving processes "
                    "there lowers the cost to serve.",
                    channel=cheapest,
                    cost=money(resolved[cheapest], company.currency, 2),
                )
            )
    if len(parts) == 1:
        parts.append(
            sentence(
                "The data holds no channel of contacts or purchases, so multichannel "
                "integration cannot be measured; the workshop scores below are the only view "
                "of it."
            )
        )
    return paragraph(parts)


def describe_information(
    information: Information, company: Company, cite: Cite | None = None
) -> Safe:
    """The closing paragraph of information management, computed from the results.

    ``cite`` writes a figure into the text (see the module docstring).
    """
    info, cite_ = information, _citer(cite)
    parts = [heading(company)]
    weakest = info.tables["completeness"].idxmin()
    parts.append(
        sentence(
            "The {n} tables are {mean} filled on average; the least complete is {table} "
            "({least}, weakest column {column}).",
            n=count(len(info.tables)),
            mean=cite_(info.figure("table_completeness.mean")),
            table=weakest,
            least=cite_(info.figure("table_completeness.least")),
            column=info.tables.loc[weakest, "weakest_column"],
        )
    )
    aspect = info.weakest_aspect
    parts.append(
        sentence(
            "The customer picture is {complete}; {well} of the customers are well "
            "known, and the weakest aspect is {aspect} ({share}).",
            complete=info.completeness_words,
            well=percent(info.knowledge.get("well known", 0.0)),
            aspect=translate(ASPECTS.get(aspect, label(aspect))),
            share=translate("not in the data")
            if aspect in info.unmeasured
            else percent(info.aspects[aspect]),
        )
    )
    parts.append(
        sentence(
            "Of {n} analyses the data supports {yes} fully and {partly} partly; {no} cannot run.",
            n=count(len(info.support)),
            yes=cite_(info.figure("analyses_supported.yes")),
            partly=cite_(info.figure("analyses_supported.partly")),
            no=cite_(info.figure("analyses_supported.no")),
        )
    )
    parts += _currency_and_view(info)
    missing = info.support[info.support["available"] != "yes"]
    if len(missing):
        first = missing.iloc[0]
        parts.append(
            sentence(
                "The first gap to close: {analysis} needs {what}.",
                analysis=first["analysis"][0].lower() + first["analysis"][1:],
                what=first["what_to_add"],
            )
        )
    return paragraph(parts)


def _single_view(view: dict) -> list[Safe]:
    """The single customer view's sentences: duplicates and records of unknown customers."""
    parts: list[Safe] = []
    if pd.isna(view["duplicate_share"]):
        parts.append(
            sentence(
                "The customers table holds no names and postcodes, so customers recorded "
                "twice under two ids cannot be found."
            )
        )
    else:
        parts.append(
            sentence(
                "For a single customer view, {likely} customer records share a name and a "
                "postcode with another record: merging them would remove {surplus} records "
                "({share}).",
                likely=count(view["likely_duplicates"]),
                surplus=count(view["surplus_records"]),
                share=percent(view["duplicate_share"], 1),
            )
        )
    if pd.notna(view["matched_share"]):
        parts.append(
            sentence(
                "{matched} of the records in the other tables carry a customer id known in "
                "the customers table; {repeated} customer ids occur more than once.",
                matched=percent(view["matched_share"], 1),
                repeated=count(view["repeated_ids"]),
            )
        )
    return parts


def _currency_and_view(info: Information) -> list[Safe]:
    """Data currency, the single customer view and the analysis tools, in sentences."""
    parts = []
    behind = info.currency["days_behind"].dropna() if len(info.currency) else pd.Series()
    if len(behind) and behind.max() == 0:
        parts.append(
            sentence(
                "{current} of the customers have a purchase, contact, survey or offer in the "
                "last 12 months; every dated table runs up to the observation end.",
                current=percent(info.current_share),
            )
        )
    elif len(behind):
        stale = behind.idxmax()
        parts.append(
            sentence(
                "{current} of the customers have a purchase, contact, survey or offer in the "
                "last 12 months; the least current table is {table}, whose latest record lies "
                "{days} before the observation end.",
                current=percent(info.current_share),
                table=stale,
                days=plural(int(info.currency.loc[stale, "days_behind"]), "day", "days"),
            )
        )
    view = info.customer_view
    if view.get("customers_derived"):
        parts.append(
            translate(
                "The company has no customers table: its customers are the ids in the other "
                "tables, so neither customers recorded twice nor records of unknown customers "
                "can be found."
            )
        )
    else:
        parts += _single_view(view)
    if info.analysis_tools is None:
        parts.append(
            sentence(
                "Which analysis tools the company uses is not in its data, and the workshop "
                "has not scored it yet."
            )
        )
    else:
        parts.append(
            sentence(
                "The data does not show the analysis tools in use; the workshop scores them "
                "at {score}.",
                score=percent(info.analysis_tools),
            )
        )
    return parts


def _shareholder_results(p: Performance) -> list[Safe]:
    """The scorecard by Payne & Frow's four shareholder results, employee value included."""
    n = p.results
    parts = [
        sentence(
            "By Payne & Frow's shareholder results, the scorecard follows shareholder value "
            "({shareholder} KPIs), customer value ({customer}) and cost reduction ({cost}).",
            shareholder=count(n["shareholder value"]),
            customer=count(n["customer value"]),
            cost=count(n["cost reduction"]),
        )
    ]
    if p.employee_value is None:
        parts.append(
            sentence(
                "Employee value is not in the company's data and the workshop has not scored "
                "whether it is measured, so it is unknown."
            )
        )
    else:
        parts.append(
            sentence(
                "Employee value is not in the company's data; the workshop scores its "
                "measurement (staff satisfaction, retention and skills reported next to "
                "customer results) at {score}.",
                score=percent(p.employee_value),
            )
        )
    return parts


def describe_performance(
    performance: Performance, company: Company, cite: Cite | None = None
) -> Safe:
    """The closing paragraph of performance assessment, computed from the results.

    ``cite`` writes a figure into the text (see the module docstring).
    """
    p, cite_ = performance, _citer(cite)
    parts = [heading(company)]
    if p.scorecard is None:
        parts.append(
            sentence(
                "The transactions do not cover a full year, so no KPI can be compared with a "
                "standard yet; the workshop score below is the only view of this process."
            )
        )
        return paragraph(parts)
    card = p.scorecard
    before, now = card.attrs["periods"]
    judged = p.judged
    if before is None:
        parts.append(
            sentence("The data covers one period ({now}), so there is no trend yet.", now=now)
        )
    else:
        better = card["better"].fillna(False).astype(bool)
        worse = (~card["better"].fillna(True)).astype(bool)
        parts.append(
            sentence(
                "Comparing {now} with {before}, {better} of {total} KPIs moved the right way "
                "and {worse} the wrong way.",
                now=now,
                before=before,
                better=count(better.sum()),
                total=count(len(card)),
                worse=count(worse.sum()),
            )
        )
    if len(judged):
        parts.append(
            sentence(
                "{met} of {judged} standards are met.",
                met=cite_(p.figure("kpi_standards.met")),
                judged=cite_(p.figure("kpi_standards.judged")),
            )
        )
        missed = judged[~judged["meets"].astype(bool)]
        if len(missed):
            lines = Safe(
                "; ".join(
                    sentence(
                        "{kpi} ({value}, standard {standard})",
                        kpi=translate(row.label).lower(),
                        value=_kpi_value(p, row.kpi, row.current, company, cite_),
                        standard=row.standard,
                    )
                    for row in missed.reset_index().itertuples()
                )
            )
            parts.append(sentence("Below standard: {lines}.", lines=lines))
        else:
            parts.append(sentence("Every standard is met: raise the standards or add new KPIs."))
    parts += _shareholder_results(p)
    untested = card[card["standard"] == ""]
    if len(untested):
        parts.append(
            sentence(
                "{n} KPIs have no standard yet; setting one makes them part of the judgement.",
                n=count(len(untested)),
            )
        )
    return paragraph(parts)


def _kpi_value(p: Performance, kpi: str, value: float, company: Company, cite_) -> str:
    """A KPI's value as the scorecard writes it; cited when it is a figure the process
    states with that value (the base's retention rate, over the base's window)."""
    stated = {f.id: f for f in p.figures}
    figure = stated.get(kpi)
    if figure is not None and values_equal(figure.value, value):
        return cite_(figure, 1)
    return KPIS[kpi].format(value, company.currency)


def describe_readiness(readiness: Readiness, company: Company) -> Safe:
    """The closing paragraph of the readiness assessment, computed from the answers."""
    r, parts = readiness, [heading(company)]
    if not r.assessed:
        parts.append(
            sentence(
                "The readiness workshop has not been held yet, so there is no verdict: fill in "
                "the form above with the client and save it."
            )
        )
        return paragraph(parts)
    if r.maturity is not None:
        parts.append(
            sentence(
                "The company places itself at maturity level {level}, *{title}*.",
                level=str(r.maturity),
                title=r.maturity_title.lower(),
            )
        )
    n = len(r.barriers)
    parts.append(
        sentence("No barrier was marked present.")
        if n == 0
        else sentence("{barriers} stand in the way.", barriers=plural(n, "barrier", "barriers"))
    )
    if r.reasons:
        parts.append(
            sentence(
                "The readiness verdict: **{verdict}** ({reasons}).",
                verdict=translate(r.verdict),
                reasons=Safe("; ".join(escape(reason) for reason in r.reasons[:3])),
            )
        )
    else:
        parts.append(
            sentence("The readiness verdict: **{verdict}**.", verdict=translate(r.verdict))
        )
    return paragraph(parts)


def describe_element(readiness: Readiness, element: str, company: Company) -> Safe:
    """One element's score and its first practice to put in place."""
    row = readiness.elements.loc[element]
    lead = heading(company)
    if pd.isna(row["score"]):
        return sentence(
            "{lead} {element} has not been scored yet: answer its questions in the workshop form.",
            lead=lead,
            element=translate(row["title"]),
        )
    values = {
        "lead": lead,
        "element": translate(row["title"]),
        "score": percent(row["score"]),
        "answered": count(row["answered"]),
        "total": count(row["total"]),
    }
    if row["score"] < ELEMENT_FLOOR:
        text = sentence(
            "{lead} {element} scores {score} ({answered} of {total} questions answered), below "
            "the floor of the readiness verdict.",
            **values,
        )
    elif row["score"] < ELEMENT_TARGET:
        text = sentence(
            "{lead} {element} scores {score} ({answered} of {total} questions answered): "
            "enough to start, not enough to be ready.",
            **values,
        )
    else:
        text = sentence(
            "{lead} {element} scores {score} ({answered} of {total} questions answered): "
            "strong enough to carry the programme.",
            **values,
        )
    gap = first_gap(readiness, element)
    if not gap:
        return text
    more = (
        sentence("First barrier to remove: *{gap}*.", gap=gap.rstrip("."))
        if element == "readiness"
        else sentence("First to put in place: *{gap}*.", gap=gap.rstrip("."))
    )
    return paragraph([text, more])
