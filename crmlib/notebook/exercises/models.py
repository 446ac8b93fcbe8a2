"""The model notebooks' exercises: each expected answer computed from the company's data.

One function per exercise keeps the check cell short, and lets the tests feed it a right,
a close and a wrong answer on any company.
"""

from __future__ import annotations

import math

import pandas as pd

from crmlib.formatting import count, money, percent
from crmlib.notebook.exercises.checks import (
    UNKNOWN,
    Change,
    Feedback,
    _none_without_data,
    _open_without_data,
    check_judgement,
    check_number,
    number_or_none,
)
from crmlib.text import number, translate


def _pct(value: float) -> str:
    return percent(value, 1)


# 01 IDIC


def value_card(differentiation) -> pd.DataFrame:
    """The most valuable MVC's forecast inputs: what the by-hand calculation needs."""
    table = differentiation.base.table
    forecast = table.dropna(subset=["expected_purchases", "expected_average_value"])
    mvc = forecast[forecast["value_category"] == "MVC"]["current_value"]
    if mvc.empty:  # no forecast: nothing to compute by hand
        return pd.DataFrame(columns=["expected_purchases", "expected_average_value"])
    top = mvc.idxmax()
    row = table.loc[[top], ["expected_purchases", "expected_average_value", "revenue"]]
    return row.assign(gross_margin=table.loc[[top], "gross_margin"]).round(4)


@_open_without_data
def check_expected_margin(answer, differentiation) -> Feedback:
    """Compute: the top MVC's expected twelve-month margin by hand."""
    card = value_card(differentiation)
    if card.empty:
        return Feedback(
            "open", translate("No lifetime-value forecast for this company: nothing to compute.")
        )
    customer = card.index[0]
    expected = float(differentiation.base.table.loc[customer, "expected_margin_12m"])
    return check_number(
        answer,
        expected,
        tolerance=0.01,
        close=0.1,
        hint=translate(
            "Expected purchases x expected value per purchase x margin rate "
            "(gross margin / revenue over the window)."
        ),
        explain=translate(
            "BG/NBD counts the purchases, Gamma-Gamma values them, and the customer's own "
            "margin rate turns revenue into margin: the expected value that Differentiate ranks on."
        ),
    )


def _top_share(values: pd.Series, share: float) -> tuple[float, float]:
    """The top ``share`` of customers' share of the total and their mean value."""
    ranked = values.sort_values(ascending=False)
    n = max(1, round(share * len(ranked)))
    total = ranked.sum()
    return float(ranked.head(n).sum() / total), float(ranked.head(n).mean())


@_none_without_data
def ssc_share_changes(differentiation, new_share: float, currency: str = "") -> list[Change]:
    """Predict: what a larger SSC (MVC) share does to their value share and mean value."""
    values = differentiation.base.table["current_value"]
    before = _top_share(values, differentiation.ssc_share)
    after = _top_share(values, new_share)
    return [
        Change(
            translate("the MVC's share of value"),
            before[0],
            after[0],
            translate(
                "More customers count as MVC, so their share of the value grows, unless the "
                "customers added cost more than they bring."
            ),
            show=_pct,
        ),
        Change(
            translate("the mean current value per MVC"),
            before[1],
            after[1],
            translate(
                "The customers added are worth less than those already in: the mean falls. A "
                "larger SSC share dilutes the special treatment over less valuable customers."
            ),
            show=lambda v: money(v, currency),
        ),
    ]


def cut_contact_scores(interaction) -> pd.Series:
    """Judge: each value category's yearly cost to serve as a share of its margin."""
    service = interaction.service
    margin = service["margin_per_customer_year"].where(service["margin_per_customer_year"] > 0)
    ratio = service["cost_to_serve_per_customer_year"] / margin
    # a category without positive margin loses on every contact: the first to cut
    return ratio.where(margin.notna(), float("inf"))


@_open_without_data
def check_cut_contacts(choice, why, interaction) -> Feedback:
    """Judge: whose contact spending to cut first."""
    return check_judgement(
        choice,
        why,
        cut_contact_scores(interaction),
        measure=translate("cost to serve as a share of margin"),
        reasoning=translate(
            "Peppers & Rogers: below-zero customers cost more than they bring, so make "
            "them profitable or spend less on them; cutting contacts of the MVC risks the value "
            "the strategy exists to keep."
        ),
        show=lambda v: translate("more than the margin") if math.isinf(v) else _pct(v),
    )


# 02 QCI


def retention_counts(kept) -> pd.DataFrame:
    """The tiers' customers of the year before and how many were kept, without the total."""
    window = kept.window[["customers_before", "retained"]]
    return window.drop(index="all", errors="ignore")


@_open_without_data
def check_overall_retention(answer, kept) -> Feedback:
    """Compute: the overall retention rate from the tiers' counts (weighted, not averaged)."""
    counts = retention_counts(kept)
    if not counts["customers_before"].sum() or not kept.measured:
        return Feedback("open", translate(UNKNOWN))
    expected = float(counts["retained"].sum() / counts["customers_before"].sum())
    unweighted = float((counts["retained"] / counts["customers_before"]).mean())
    value = number_or_none(answer)
    if value is not None and abs(value - unweighted) < 0.002 < abs(unweighted - expected):
        return Feedback(
            "wrong",
            translate(
                "That is the mean of the tiers' rates: every tier counts as much as any other. "
                "Add up the customers kept and divide by all customers of the year before."
            ),
        )
    return check_number(
        answer,
        expected,
        tolerance=0.002,
        close=0.02,
        relative=False,
        hint=translate(
            "Sum 'retained' over the tiers and divide by the sum of 'customers_before'."
        ),
        explain=translate(
            "A rate over groups is weighted by their size: the large bronze tier pulls it "
            "toward its own rate."
        ),
    )


@_none_without_data
def lapse_changes(company, readiness, k: float, new_k: float) -> list[Change]:
    """Predict: what a longer lapse multiple does to the lapsed share and the win-back list."""
    from crmlib.models import qci

    now = qci.lapse_view(company, k=k, alive=readiness.alive)
    then = qci.lapse_view(company, k=new_k, alive=readiness.alive)
    changes = [
        Change(
            translate("the share of customers lapsed"),
            float(now.rhythm["lapsed"].mean()),
            float(then.rhythm["lapsed"].mean()),
            translate(
                "A customer lapses after k times their own purchase interval; a larger k waits "
                "longer, so fewer have lapsed yet."
            ),
            show=_pct,
        )
    ]
    if now.win_back is not None and then.win_back is not None:  # unknown without consent
        changes.append(
            Change(
                translate("the lapsed customers still likely alive (the win-back candidates)"),
                float(now.win_back),
                float(then.win_back),
                translate(
                    "Fewer lapsed means fewer to win back; those who remain lapsed are the "
                    "longer gone, whom the model also thinks less likely alive."
                ),
                show=count,
            )
        )
    return changes


@_open_without_data
def check_activity(choice, why, potential, currency: str = "") -> Feedback:
    """Judge: which QCI activity gets the budget."""
    scores = potential["value_per_year"] if potential is not None else {}
    return check_judgement(
        choice,
        why,
        scores,
        measure=translate("value a year of the same uplift"),
        reasoning=translate(
            "QCI manages acquisition, retention and penetration as activities: put the "
            "effort where the same improvement is worth most. Keeping a customer is usually far "
            "cheaper than winning one, so a close call favours retention."
        ),
        show=lambda v: money(v, currency),
    )


# 03 Payne & Frow


@_open_without_data
def check_retention_lift(answer, value) -> Feedback:
    """Compute: the value a year that more retention keeps among the target segments."""
    lift = value.retention_lift
    parts = (lift, value.target_retained_base, value.target_profit_per_customer)
    if any(p is None or not math.isfinite(p) for p in parts):
        return Feedback("open", translate(UNKNOWN))
    expected = lift * value.target_retained_base * value.target_profit_per_customer
    given = number_or_none(answer)
    if given is not None and expected and abs(given / expected - 100) < 1:
        said = translate("Write the {share} as {fraction}, not {hundredfold}.").format(
            share=percent(lift), fraction=number(lift, None), hundredfold=number(lift * 100, None)
        )
        return Feedback("wrong", said)
    return check_number(
        answer,
        expected,
        tolerance=0.01,
        close=0.1,
        hint=translate("0.05 x target_retained_base x target_profit_per_customer."),
        explain=translate(
            "Each retained customer keeps bringing their yearly value: retention is worth "
            "the value of the customers it keeps."
        ),
    )


@_open_without_data
def check_points_change(answer, performance, kpi: str = "retention_rate") -> Feedback:
    """Compute: a rate's change in percentage points (not the relative change)."""
    card = performance.scorecard
    if card is None or kpi not in card.index:
        return Feedback("open", translate(UNKNOWN))
    previous, current = (float(card.loc[kpi, c]) for c in ("previous", "current"))
    expected = (current - previous) * 100
    relative = float(card.loc[kpi, "relative_change"]) * 100
    given = number_or_none(answer)
    if given is not None and abs(given - relative) < 0.05 < abs(relative - expected):
        return Feedback(
            "wrong",
            translate(
                "{given} is the relative change: the rate changed by {relative}% of its "
                "earlier value. Percentage points are the difference of the two rates, in percent."
            ).format(given=number(given, None), relative=number(relative, 1)),
        )
    return check_number(
        answer,
        expected,
        tolerance=0.05,
        close=0.3,
        relative=False,
        hint=translate("Subtract the earlier rate from the later one (both in percent)."),
        explain=translate(
            "A change in points is the difference of two rates; a change in percent is "
            "that difference divided by the earlier rate. Reports mix them up easily."
        ),
    )


@_none_without_data
def continuity_changes(company, window_days: int, new_window: int) -> list[Change]:
    """Predict: what a longer repeat window does to the episodes and to channel hopping."""
    from crmlib.models import payne_frow as pf

    contacts = pf.contact_history(company, "process")
    now = pf.continuity(contacts, company.channels, window_days=window_days)
    then = pf.continuity(contacts, company.channels, window_days=new_window)
    return [
        Change(
            translate("the number of episodes"),
            float(now.episodes),
            float(then.episodes),
            translate(
                "A longer window joins contacts further apart into one episode, so there are fewer."
            ),
            show=count,
        ),
        Change(
            translate("the share of episodes that crossed channels"),
            float(now.cross_channel_rate),
            float(then.cross_channel_rate),
            translate(
                "Joined episodes hold more contacts, so more of them touch a second channel."
            ),
            show=_pct,
        ),
    ]


@_open_without_data
def check_first_process(choice, why, scores, readiness_verdict: str = "") -> Feedback:
    """Judge: which of the five processes to strengthen first."""
    column = scores["score"].set_axis(scores["title"]) if "title" in scores else scores["score"]
    caveat = (
        " "
        + translate(
            "The readiness verdict is '{verdict}': Payne & Frow say the processes fail "
            "without the four elements, so that comes first whichever process you choose."
        ).format(verdict=translate(readiness_verdict))
        if readiness_verdict and readiness_verdict != "ready"
        else ""
    )
    return check_judgement(
        choice,
        why,
        column,
        measure=translate("score"),
        higher_is_better=False,
        reasoning=translate(
            "The five processes are cross-functional and feed each other: the weakest "
            "one holds the others back."
        )
        + caveat,
        show=_pct,
    )


# 04 CRM value chain


@_open_without_data
def check_cost_magnet_ratio(answer, portfolio) -> Feedback:
    """Compute: how many times their margin the cost magnets cost to serve."""
    needed = {"cost_magnet", "recent_margin", "recent_cost_to_serve"}
    if not needed <= set(portfolio.table.columns):
        return Feedback(
            "open", translate("Without the cost to serve there are no cost magnets to compute.")
        )
    magnets = portfolio.table[portfolio.table["cost_magnet"].astype(bool)]
    margin = float(magnets["recent_margin"].sum())
    expected = float(magnets["recent_cost_to_serve"].sum()) / margin if margin else float("nan")
    return check_number(
        answer,
        expected,
        tolerance=0.01,
        close=0.1,
        hint=translate(
            "Sum recent_cost_to_serve and recent_margin over the rows where cost_magnet is "
            "True, then divide the first by the second."
        ),
        explain=translate(
            "Buttle's cost magnets absorb more than they bring: serve them through cheaper "
            "channels or change what they may ask for."
        ),
    )


@_none_without_data
def matrix_changes(portfolio, new_share: float) -> list[Change]:
    """Predict: what a larger 'high on the y axis' share does to invest and protect."""
    now = portfolio.regrouped(matrix_axis="potential").quadrants["value_share"]
    then = portfolio.regrouped(matrix_axis="potential", matrix_share=new_share).quadrants
    then = then["value_share"]
    return [
        Change(
            translate("the invest quadrant's share of value"),
            float(now.get("invest", float("nan"))),
            float(then.get("invest", float("nan"))),
            translate(
                "More customers count as high potential, so SSCs move from protect to invest."
            ),
            show=_pct,
        ),
        Change(
            translate("the protect quadrant's share of value"),
            float(now.get("protect", float("nan"))),
            float(then.get("protect", float("nan"))),
            translate(
                "The SSC line does not move: what invest gains among the SSCs, protect loses."
            ),
            show=_pct,
        ),
    ]


@_open_without_data
def check_stage_to_fund(choice, why, scores) -> Feedback:
    """Judge: which stage or supporting condition of the chain to fund first."""
    return check_judgement(
        choice,
        why,
        scores["score"],
        measure=translate("score"),
        higher_is_better=False,
        reasoning=translate(
            "Buttle's chain creates value only as far as its weakest stage allows, and "
            "the supporting conditions carry every primary stage: the lowest score is the limit."
        ),
        show=_pct,
    )


# 05 Customer IDOL


@_open_without_data
def check_mismatch_rate(answer, scorecard, dimension: str = "channels") -> Feedback:
    """Compute: one dimension's mismatch rate from its counts."""
    if dimension not in scorecard.index:
        return Feedback("open", translate(UNKNOWN))
    row = scorecard.loc[dimension]
    expected = float(row["mismatches"]) / float(row["checked"]) if row["checked"] else float("nan")
    return check_number(
        answer,
        expected,
        tolerance=0.002,
        close=0.02,
        relative=False,
        hint=translate("Divide the mismatches of '{dimension}' by what was checked.").format(
            dimension=translate(dimension)
        ),
        explain=translate("Orchestration counts the moments the customer was not treated as one."),
    )


@_none_without_data
def treatment_cost_changes(fit, cost: float, new_cost: float, currency: str = "") -> list[Change]:
    """Predict: what a cheaper treatment does to the affordable number of groups."""
    from crmlib.models import idol

    now = idol.optimum(idol.granularity_tradeoff(fit, cost))
    then = idol.optimum(idol.granularity_tradeoff(fit, new_cost))
    return [
        Change(
            translate("the affordable number of groups"),
            float(now["n_groups"]),
            float(then["n_groups"]),
            translate(
                "Each extra group costs one treatment and captures less than the one before: a "
                "cheaper treatment pays for more groups, closer to one-to-one."
            ),
            show=count,
        ),
        Change(
            translate("the net value at the optimum"),
            float(now["net"]),
            float(then["net"]),
            translate("The same groups cost less, and the extra groups add value."),
            show=lambda v: money(v, currency),
        ),
    ]


@_open_without_data
def check_groups(choice, why, fit, cost: float, currency: str = "") -> Feedback:
    """Judge: how many treatment groups to run."""
    from crmlib.models import idol

    tradeoff = idol.granularity_tradeoff(fit, cost)
    net = tradeoff.set_index("n_groups")["net"]
    return check_judgement(
        choice,
        why,
        {int(n): float(v) for n, v in net.items()},
        measure=translate("net value a year"),
        reasoning=translate(
            "IDOL aims at a group approach close to one-to-one that keeps the balance "
            "with cost: each group must capture more than its treatment costs."
        ),
        show=lambda v: money(v, currency),
        close_of_best=0.05,
    )


# 07 Comparing the models


@_open_without_data
def check_value_span(answer, comparison, theme: str | None = None) -> Feedback:
    """Compute: how many times the highest estimate of one theme is the lowest."""
    spans = comparison.values
    if spans.empty:
        return Feedback("open", translate("No theme is valued by two models for this company."))
    row = spans.loc[theme] if theme is not None else spans.iloc[0]
    expected = float(row["highest"]) / float(row["lowest"])
    return check_number(
        answer,
        expected,
        tolerance=0.01,
        close=0.1,
        hint=translate("Divide the highest estimate of the theme by the lowest."),
        explain=translate(
            "Same idea, different customers and uplifts: compare the models' assumptions "
            "before adding their values up."
        ),
    )


@_open_without_data
def check_joint_first(choice, why, verdicts) -> Feedback:
    """Judge: which shared idea a joint plan of all the models should start with."""
    from crmlib.models import crosswalk

    return check_judgement(
        choice,
        why,
        crosswalk.agreement_scores(verdicts),
        measure=translate(
            "backing by the models (3 per first priority, 2 per second, 1 per third)"
        ),
        reasoning=translate(
            "An idea that models asking different questions all put forward is the most "
            "robust start; where only one model pushes an idea, follow it when its question is "
            "the company's question."
        ),
        show=lambda v: number(v, None),
    )
