import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlib.data.company import load_company
from crmlib.errors import MissingDataError
from crmlib.models import qci
from crmlib.models.verdict import ModelVerdict

EMPTY = pd.DataFrame()


def views(*, rate=0.6, base=1000, kept_margin=100.0, contact_cost=10.0, cross_sell=0.7):
    """Activity views with round figures, so the potential can be worked out by hand."""
    retention = qci.RetentionView(
        cohorts=EMPTY,
        window=EMPTY,
        rate=rate,
        customers_before=base,
        retained_margin=kept_margin,
        retention_cost=contact_cost,
        retained=pd.Index([]),
    )
    acquisition = qci.AcquisitionView(
        per_period=EMPTY,
        source=None,
        quality=None,
        first_categories=pd.Series(dtype=float),
        new_last_year=500,
        new_year_before=400,
        first_year_margin=80.0,
    )
    penetration = qci.PenetrationView(
        summary=EMPTY,
        category_penetration=EMPTY,
        affinity=EMPTY,
        cross_sell_rate=cross_sell,
        active=1200,
        margin_single=20.0,
        margin_multi=90.0,
        wallet=None,
    )
    return acquisition, retention, penetration


def test_improvement_potential_by_hand():
    table = qci.improvement_potential(*views(), uplift=0.05, acquisition_cost=50)
    # retention: 5% of 1,000 kept, each worth 100
    assert table.loc["retention", "value_per_year"] == pytest.approx(5000)
    # acquisition: 5% of 1,000 won, each 80 minus the 50 given
    assert table.loc["acquisition", "value_each"] == pytest.approx(30)
    assert table.loc["acquisition", "value_per_year"] == pytest.approx(1500)
    assert table.loc["acquisition", "current"] == pytest.approx(0.5)
    # penetration: 5% of 1,200 buyers move to several categories, each worth 90 - 20
    assert table.loc["penetration", "value_per_year"] == pytest.approx(4200)
    assert table.index.tolist() == ["retention", "penetration", "acquisition"]
    assert table["rank"].tolist() == [1, 2, 3]
    assert table.attrs["acquisition_cost_source"] == "given"


def test_improvement_potential_with_a_given_or_unknown_acquisition_cost():
    given = qci.improvement_potential(*views(), uplift=0.05, acquisition_cost=10)
    assert given.loc["acquisition", "value_per_year"] == pytest.approx(50 * 70)
    # unknown: valued before the cost, even where the five-times rule could give one
    unknown = qci.improvement_potential(*views(), uplift=0.05)
    assert unknown.loc["acquisition", "value_per_year"] == pytest.approx(50 * 80)
    assert unknown.attrs["acquisition_cost_source"] == "unknown"
    assert "before the cost of winning" in qci.describe_potential(unknown, "EUR")


def test_improvement_potential_caps_rates_at_one():
    table = qci.improvement_potential(*views(rate=0.98, cross_sell=0.99), uplift=0.05)
    assert table.loc["retention", "target"] == 1.0
    assert table.loc["retention", "customers"] == pytest.approx(20)
    assert table.loc["penetration", "customers"] == pytest.approx(12)


def test_the_conclusion_in_words():
    table = qci.improvement_potential(*views(), uplift=0.05)
    text = qci.describe_potential(table, "EUR")
    assert "retention EUR 5,000 (50 customers × EUR 100" in text
    assert "**Retention** has the largest improvement potential" in text


def test_implied_acquisition_cost_follows_the_rule_of_thumb():
    assert qci.implied_acquisition_cost(None, 12.0) == (60.0, "rule of thumb")
    assert qci.implied_acquisition_cost(40, 12.0) == (40.0, "given")
    assert qci.implied_acquisition_cost(0, 12.0) == (0.0, "given")
    assert qci.implied_acquisition_cost(None, None) == (None, "unknown")


def test_the_conclusion_across_acquisition_costs_by_hand():
    # views(): 50 newcomers won by the step, each a first-year margin of 80; the best
    # other activity is retention at 5,000 a year. Acquisition leads while
    # 50 x (80 - c) > 5,000, never here (even at c = 0 it is 4,000).
    table = qci.acquisition_cost_range(*views(), uplift=0.05, acquisition_cost=30)
    assert table["acquisition_cost"].tolist() == [0, 30, 40, 50, 80, 120, 160]
    rule = table.set_index("basis").loc["five-times rule of thumb"]
    assert rule["acquisition_cost"] == pytest.approx(50)  # 5 x the contact cost of 10
    assert rule["value_per_year"] == pytest.approx(50 * 30)
    at_160 = table.set_index("acquisition_cost").loc[160]
    assert at_160["value_per_year"] == pytest.approx(50 * (80 - 160))
    assert (table["first"] == "retention").all()
    assert table.attrs["break_even"] == 80 and np.isnan(table.attrs["leads_until"])
    text = qci.describe_acquisition_range(table, "EUR")
    assert "Retention has the larger potential even if winning a customer cost nothing" in text
    assert "EUR 50" in text and "heuristic" in text
    # retention worth 50 x 20 = 1,000, penetration 12 x 70 = 840 (capped at 100%):
    # acquisition leads while 50 x (80 - c) > 1,000, so below c = 60
    small = qci.acquisition_cost_range(*views(kept_margin=20.0, cross_sell=0.99), uplift=0.05)
    assert small.attrs["leads_until"] == pytest.approx(60)
    assert small.set_index("acquisition_cost").loc[40, "first"] == "acquisition"
    assert small.set_index("acquisition_cost").loc[80, "first"] == "retention"
    assert "as long as winning a customer costs less than EUR 60" in (
        qci.describe_acquisition_range(small, "EUR")
    )


def test_readable_writes_numbers_for_a_report():
    frame = pd.DataFrame(
        {
            "retention_rate": [0.604, np.nan],
            "customers": [1234.0, 5.0],
            "first_year_margin": [72.189, 12.5],
            "cost": [1286.3, 90.0],
            "reality": [50.0, 25.0],
        }
    )
    table = qci.readable(frame, "EUR")
    assert table["retention rate"].tolist() == ["60%", ""]
    assert table["customers"].tolist() == ["1,234", "5"]
    assert table["first year margin"].tolist() == ["EUR 72.19", "EUR 12.50"]
    assert table["cost"].tolist() == ["EUR 1,286", "EUR 90"]  # one scale per column
    assert table["reality"].tolist() == ["50%", "25%"]


def test_available_names_what_a_skipped_step_needed():
    with pytest.raises(MissingDataError, match="it needs the interactions table"):
        qci.available(None, "the interactions table")
    assert qci.available(3, "anything") == 3


# ---------------------------------------------------------------------------------------
# On the committed sample


@pytest.fixture(scope="module")
def sample(sample_dir):
    company = load_company(sample_dir)
    base = qci.customer_base(company)
    scored = qci.assessment(company)
    ready = qci.readiness(company, scored)
    return {
        "company": company,
        "base": base,
        "scored": scored,
        "readiness": ready,
        "acquisition": qci.acquisition_view(company, base),
        "retention": qci.retention_view(company, base),
        "lapse": qci.lapse_view(company, k=2.0, alive=ready.alive),
        "penetration": qci.penetration_view(company, base),
        "efficiency": qci.efficiency_view(company, base),
        "experience": qci.customer_experience(company, base),
    }


def test_new_customers_are_counted_by_their_first_purchase(sample):
    company = sample["company"]
    tx = company.transactions
    first = tx[~tx["is_return"].to_numpy(dtype=bool)].groupby("customer_id")["date"].min()
    new = int((first > company.observation_end - pd.DateOffset(years=1)).sum())
    assert sample["acquisition"].new_last_year == new
    assert sample["acquisition"].source == "acquisition_channel"


def test_retention_tiers_are_measured_in_the_base_year(sample):
    window = sample["retention"].window
    # tiers of the year before last: the best customers then are kept best
    assert window.loc["platinum", "retention_rate"] > window.loc["bronze", "retention_rate"]
    assert (
        window.loc["all", "customers_before"] == window.drop(index="all")["customers_before"].sum()
    )


def test_retention_tiers_are_the_bases_tiers_of_the_year_before(sample):
    """The tiers retention is read by are the shared base's previous_value_tier, and they
    are the tiers of each customer's profit (margin less cost to serve) in the year
    before, counted from the lines."""
    from crmlib.analytics.profitability import customer_profitability, value_tiers

    company, customers = sample["company"], qci.customer_base(sample["company"])
    start = customers.year_start
    first_day = start - pd.DateOffset(months=12)

    def in_year(frame):
        keep = (frame["date"] > first_day) & (frame["date"] <= start)
        return frame[keep.to_numpy(dtype=bool)]

    profit = customer_profitability(
        in_year(company.transactions),
        company.products,
        in_year(company.interactions),
        company.channels,
        company.customers,
    )["profit"]
    expected = value_tiers(profit).astype(str)
    pd.testing.assert_series_equal(
        customers.prior_tier, expected.reindex(customers.prior_tier.index), check_names=False
    )
    assert customers.prior_tier.equals(customers.shared.table["previous_value_tier"].astype(str))


def test_win_back_list_counts_only_customers_with_consent(sample):
    company, lapse = sample["company"], sample["lapse"]
    alive = sample["readiness"].alive["probability_alive"]
    lapsed = lapse.rhythm.index[lapse.rhythm["lapsed"].to_numpy(dtype=bool)]
    candidates = lapsed[(alive.reindex(lapsed) >= 0.5).to_numpy(dtype=bool)]
    consent = company.customers.set_index("customer_id")["consent_marketing"]
    expected = int(consent.reindex(candidates).fillna(False).to_numpy(dtype=bool).sum())
    assert lapse.win_back == expected
    assert 0 < expected < len(candidates)


def test_cost_to_serve_adds_up_across_channels_and_tiers(sample):
    efficiency = sample["efficiency"]
    assert efficiency.tiers.loc["all", "cost"] == pytest.approx(efficiency.total_cost)
    assert efficiency.tiers.loc["all", "customers"] == len(sample["company"].customers)


def test_multi_category_buyers_bring_more(sample):
    reach = sample["penetration"]
    assert reach.margin_multi > reach.margin_single
    assert (
        reach.summary.loc["platinum", "cross_sell_rate"]
        > (reach.summary.loc["bronze", "cross_sell_rate"])
    )


def test_the_experience_findings_follow_the_data(sample):
    experience = sample["experience"]
    assert qci.weakest_process(experience) == "complaint"
    text = qci.describe_repeats(experience, "EUR")
    repeats = experience.repeats.loc["all"]
    assert f"{int(repeats['extra_contacts']):,} extra contacts" in text


def test_the_experience_is_read_over_the_year_measured(sample):
    # the scorecards count the contacts of the year and the episodes that start in it, as
    # the repeats and the shared base do: not every contact since the data began
    experience, base = sample["experience"], sample["base"]
    contacts = sample["company"].interactions
    moment = pd.to_datetime(contacts["date"])
    in_year = int(((moment > base.year_start) & (moment <= base.end)).sum())
    assert in_year < len(contacts)
    assert int(experience.by_process["contacts"].sum()) == in_year
    assert int(experience.by_channel["contacts"].sum()) == in_year
    episodes = int(experience.by_process["episodes"].sum())
    assert episodes == int(experience.repeats.loc["all", "episodes"])


def test_cost_to_serve_and_retention_are_the_shared_base_figures(sample):
    efficiency, kept, base = sample["efficiency"], sample["retention"], sample["base"]
    assert efficiency.cost_to_serve == base.figure("cost_to_serve")
    # the base's cost to serve is the same total as QCI's channel costs over the year
    assert efficiency.cost_to_serve.value == pytest.approx(efficiency.total_cost)
    cite = lambda f: f"[{f.id}]"  # noqa: E731
    assert qci.describe_efficiency(efficiency, "EUR", cite=cite).startswith(
        "Contacts cost [cost_to_serve] last year."
    )
    assert "[retention_rate] bought again last year" in qci.describe_retention(
        kept, "EUR", cite=cite
    )


def test_the_repeat_contact_episodes_are_the_shared_base_figures(sample):
    experience = sample["experience"]
    episodes, share = experience.counted
    assert (episodes.id, share.id) == ("contact_episode", "repeat_episode_share")
    # the base counts the episodes QCI's repeat-contact table holds, once for every model
    repeats = experience.repeats.loc["all"]
    assert episodes.value == repeats["episodes"]
    assert share.value == pytest.approx(repeats["repeat_rate"])
    cited = qci.describe_repeats(experience, "EUR", cite=lambda f: f"[{f.id}]")
    assert cited.startswith("Last year [repeat_episode_share] of the [contact_episode] contact")


def test_the_assessment_against_the_benchmarks(sample):
    scored = sample["scored"]
    reality = scored.percent("reality")
    assert 35 < reality < 67
    text = qci.describe_assessment(scored)
    assert f"The company scores {reality:.0f}% on reality, above the average company" in text
    assert scored.weakest.iloc[0]["area"] == "customer_experience"


def test_the_diagram_takes_scores_from_the_workshop_and_the_data(sample):
    s = sample
    picture = qci.diagram(
        readiness=s["readiness"],
        experience=s["experience"],
        scored=s["scored"],
        acquisition=s["acquisition"],
        retention=s["retention"],
        penetration=s["penetration"],
        efficiency=s["efficiency"],
    )
    assert len(picture.rings) == 8 and len(picture.activities) == 4
    # the sample's workshop scored one of the three environment practices (competitor
    # view, reality 2 of 4): the ring shows that, never the probability alive
    assert s["readiness"].environment_items == 1
    assert picture.sources["External environment"] == "assessment"
    outer = picture.rings[0]
    assert outer[2] == pytest.approx(0.5)
    # without the workshop the ring is unknown, not coloured by behaviour
    bare = qci.diagram(readiness=dataclasses.replace(s["readiness"], environment_score=None))
    assert bare.sources["External environment"] == "none"
    assert bare.rings[0][2] is None and bare.rings[0][1] == ("not shown by the data",)
    assert "does not show the external environment" in qci.describe_diagram(bare)
    words = qci.means_readiness(s["company"], s["readiness"])
    assert "scored 1 of the 3 external-environment practices, at 50% in reality" in words
    assert picture.sources["Proposition"] == "assessment"
    proposition = dict((name, score) for name, _, score in picture.rings)["Proposition"]
    assert proposition == pytest.approx(s["scored"].areas.loc["proposition", "reality"] / 100)


def test_verdict_on_the_sample(sample):
    company = sample["company"]
    result = qci.verdict(qci.analyse(company))
    assert isinstance(result, ModelVerdict) and result.model == "QCI"
    table = qci.improvement_potential(
        sample["acquisition"],
        sample["retention"],
        sample["penetration"],
        uplift=0.05,
        scored=sample["scored"],
    )
    top = table.index[0]
    if top == "acquisition" and table.attrs.get("acquisition_cost_source") == "unknown":
        # valued before an unknown cost of winning, acquisition does not lead the headline
        top = table.index[1]
    assert result.headline.startswith(f"{top.capitalize()} has the largest improvement potential")
    assert result.figures[f"value_{top}_per_year"] == pytest.approx(
        table.loc[top, "value_per_year"]
    )
    assert result.figures["retention_rate"] == pytest.approx(sample["retention"].rate)
    assert [a.priority for a in result.actions] == sorted(a.priority for a in result.actions)
    # the win-back is valued on its own list: the assumed share of it back, each at the
    # mean margin of a retained customer; not on last year's buyers
    win_back = next(a for a in result.actions if a.title.startswith("Win back the"))
    assert win_back.lever == "retention"
    assert win_back.customer_count == len(win_back.customers) > 0
    assert win_back.expected_value == pytest.approx(
        win_back.customer_count * qci.conclude.WIN_BACK_RATE * sample["retention"].retained_margin
    )
    assert win_back.cost_drivers == {"contacts": 2 * win_back.customer_count}
    assert {a.owner for a in result.actions} >= {"marketing", "customer service"}
    quality = sample["acquisition"].quality
    best = quality[quality["customers"] >= 10]["first_year_margin"].idxmax()
    assert any(best in a.title for a in result.actions if a.title.startswith("Put acquisition"))


# ---------------------------------------------------------------------------------------
# With only customers and transactions


@pytest.fixture(scope="module")
def minimal(small_company_dir, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("qci_minimal")
    for name in ("customers.csv", "transactions.csv", "company.yml"):
        shutil.copy(small_company_dir / name, folder / name)
    return folder


def test_verdict_with_only_the_required_tables(minimal):
    company = load_company(minimal)
    result = qci.verdict(qci.analyse(company, uplift_points=10))
    assert "penetration" not in result.headline.lower()
    assert "value_penetration_per_year" not in result.figures
    assert "qci_reality_percent" not in result.figures
    base = qci.customer_base(company)
    with pytest.raises(MissingDataError, match="products"):
        qci.penetration_view(company, base)
    with pytest.raises(MissingDataError, match="interactions"):
        qci.customer_experience(company, base)
    assert "cost to serve not measured" in base.notes[0]


def test_company_name_is_escaped_in_the_conclusion(minimal, tmp_path):
    folder = tmp_path / "company"
    shutil.copytree(minimal, folder)
    (folder / "company.yml").write_text("name: De {Linde} <b>bv</b>\n")
    company = load_company(folder)
    table = qci.improvement_potential(*views(), uplift=0.05)
    text = qci.means_conclusion(company, table, "EUR")
    assert "<b>" not in text and "{" not in text
    assert text.format() == text  # no braces: safe to pass to notebook.say


def test_the_diagram_reading_compares_outside_and_inside(minimal):
    company = load_company(minimal)
    rings = [
        ("External environment", (), 0.8),
        ("Customer experience", (), 0.7),
        ("Proposition", (), None),
        ("People & organisation", (), 0.3),
        ("Process management", (), 0.2),
    ]
    picture = qci.QciDiagram(rings=rings, activities=[], sources={})
    text = qci.means_diagram(company, picture)
    assert "score 25% on average, below the customer-facing rings (75%)" in text
    assert "start inside" in text


# ---------------------------------------------------------------------------------------
# The shared base, and periods checked before they are compared (a hand-made company)

HAND_CUSTOMERS = "customer_id\nA\nB\nC\nD\n"
# The data begins on 2024-07-01: the year measured (2025) is whole, the year before
# (2024) only half inside the data.
HAND_TRANSACTIONS = """customer_id,date,amount,cost
A,2024-07-01,100,60
A,2025-03-01,50,30
B,2024-09-01,40,20
C,2025-05-01,30,15
C,2025-06-01,30,15
D,2025-10-01,10,5
"""


def hand_company(tmp_path: Path, transactions: str = HAND_TRANSACTIONS):
    (tmp_path / "customers.csv").write_text(HAND_CUSTOMERS)
    (tmp_path / "transactions.csv").write_text(transactions)
    (tmp_path / "company.yml").write_text(
        "name: Hand\ncurrency: EUR\nobservation_end: '2025-12-31'\n"
    )
    return load_company(tmp_path)


def test_the_year_measured_is_the_shared_base(tmp_path):
    from crmlib.analytics.base import customer_base

    company = hand_company(tmp_path)
    base = qci.customer_base(company)
    assert base.shared is customer_base(company)
    assert base.year_start == pd.Timestamp("2024-12-31")
    # 2025 margins: A 20, C 30, D 5, B nothing; no contact costs, so profit is margin
    assert base.annual["profit"].to_dict() == {"A": 20.0, "B": 0.0, "C": 30.0, "D": 5.0}
    assert base.tier.to_dict() == base.shared.table["value_tier"].to_dict()


def test_retention_from_half_a_year_carries_the_caveat(tmp_path):
    """Half of 2024 is in the data: A and B bought then, A again in 2025: 50%, caveat."""
    company = hand_company(tmp_path)
    kept = qci.retention_view(company, qci.customer_base(company))
    assert kept.rate == pytest.approx(0.5)
    assert kept.figure.status == "caveat"
    text = qci.describe_retention(kept, "EUR")
    assert "50% bought again last year (2024-01-01 to 2024-12-31 against 2025-01-01" in text
    assert "With a caveat: the data begins on 1 Jul 2024" in text
    # the one target of every model: the documented default, then company.yml's
    assert kept.target == 0.65 and "the rate is 15% below it" in text
    (tmp_path / "company.yml").write_text(
        "name: Hand\ncurrency: EUR\nobservation_end: '2025-12-31'\ntargets:\n  retention: 40%\n"
    )
    company = load_company(tmp_path)
    kept = qci.retention_view(company, qci.customer_base(company))
    assert kept.target == pytest.approx(0.4)
    assert "the rate is 10% above it" in qci.describe_retention(kept, "EUR")
    # the retention formula's value has its own id, never the lifetime value's, and
    # carries the rate's caveat: A brought 20 in 2025; 20 x 0.5 / (1 + 0.1 - 0.5)
    figure = qci.retention_formula_figure(qci.retention_value(kept), "EUR")
    assert figure.id == "retention_formula_value" and figure.status == "caveat"
    assert figure.value == pytest.approx(20 * 0.5 / 0.6)


def test_retention_without_the_year_before_is_not_available(tmp_path):
    """The data begins in 2025: no year before, so no rate (never a made-up 0% or 100%)."""
    later = (
        "customer_id,date,amount,cost\nA,2025-02-01,50,30\nA,2025-03-01,50,30\nC,2025-05-01,30,15\n"
    )
    company = hand_company(tmp_path, later)
    kept = qci.retention_view(company, qci.customer_base(company))
    assert not kept.measured and np.isnan(kept.rate)
    assert kept.window["retention_rate"].isna().all()
    assert qci.describe_retention(kept, "EUR").startswith(
        "The yearly retention rate is not available: the previous window"
    )
    with pytest.raises(MissingDataError, match="retention rate"):
        qci.retention_value(kept)
    acquired = qci.acquisition_view(company, qci.customer_base(company))
    assert acquired.growth is None
    text = qci.describe_acquisition(acquired, "EUR")
    assert "The data begins on 2025-02-01, inside those 12 months" in text
    assert "on the year before" not in text
    # neither retention nor acquisition growth can be valued: nothing is made up
    with pytest.raises(MissingDataError, match="at least one measured activity"):
        qci.improvement_potential(acquired, kept, None, uplift=0.05)


def test_acquisition_growth_needs_the_whole_year_before(tmp_path):
    """The year before is half in the data: the first-time buyers are counted, the change
    on the year before is not stated (the invoices case: "up 557%" on 9 days)."""
    company = hand_company(tmp_path)
    acquired = qci.acquisition_view(company, qci.customer_base(company))
    assert (acquired.new_last_year, acquired.new_year_before) == (2, 2)
    assert acquired.year_before_coverage == pytest.approx(0.5, abs=0.01)
    assert acquired.growth is None
    text = qci.describe_acquisition(acquired, "EUR")
    assert "The change on the year before is not stated" in text and "up " not in text


def test_win_back_is_unknown_without_consent(tmp_path):
    company = hand_company(tmp_path)
    alive = pd.DataFrame({"probability_alive": [0.9, 0.9, 0.9, 0.9]}, index=list("ABCD"))
    lapse = qci.lapse_view(company, alive=alive)
    assert lapse.win_back is None and lapse.win_back_list is None
    # the same probability for active and lapsed: the model tells nobody apart
    assert not lapse.model_separates
    assert "does not tell them apart" in qci.describe_lapse(lapse)


def test_a_doubtful_fit_is_not_taken_as_fact(tmp_path):
    """P(alive) that does not tell active from lapsed: no "still within reach" claim."""
    company = hand_company(tmp_path)
    activity = pd.DataFrame(
        {"buyers": [1, 2, 2, 3], "share": [0.25, 0.5, 0.5, 0.75]}, index=[3, 6, 12, 24]
    )
    alive = pd.DataFrame({"probability_alive": [1.0, 1.0, 0.9]}, index=list("ACD"))
    doubtful = qci.Readiness(activity, alive, None, None, None, "the fit did not converge")
    text = qci.means_readiness(company, doubtful)
    assert "are still within reach, against" not in text and "the fit did not converge" in text
    assert "doubtful here" in qci.describe_alive(doubtful)
    sound = qci.Readiness(activity, alive, None, None, None)
    assert "are still within reach, against" in qci.means_readiness(company, sound)


def test_the_statement_in_figures_says_what_is_unknown(tmp_path):
    """No contact costs: the cost to serve is "not available", its share not repeated."""
    from crmlib.notebook.figures import state

    company = hand_company(tmp_path)
    template, values = qci.base_statement(qci.customer_base(company))
    assert "cost_share" not in values and "of margin" not in template
    text = state(template, **values)
    assert 'data-figure="cost_to_serve"' in text and 'data-figure="buyers"' in text
    assert 'data-figure="consenting_customers"' in text
    # 2025 buyers: A, C, D
    assert 'data-figure="buyers" data-value="3"' in text


def test_two_years_without_a_purchase_needs_two_years_of_data(tmp_path):
    """The data begins on 2024-07-01: 18 months, so "not bought for two years" is unknown."""
    company = hand_company(tmp_path)
    ready = qci.readiness(company)
    assert ready.history_months == pytest.approx(18, abs=0.1)
    text = qci.describe_activity(ready)
    assert "18 months of history" in text and "two years or more" not in text


def test_penetration_runs_on_revenue_only_data(sample_copy):
    """Without cost or margin rates QCI has no value tiers: penetration is for "all" alone."""
    import pandas as pd

    from crmlib.data.company import load_company
    from crmlib.models import qci

    for name, column in (("transactions.csv", "cost"), ("products.csv", "margin_rate")):
        table = pd.read_csv(sample_copy / name, dtype=str, keep_default_na=False)
        table.drop(columns=[column]).to_csv(sample_copy / name, index=False)
    result = qci.analyse(load_company(sample_copy))
    summary = result.penetration.summary
    assert summary.index.tolist() == ["all"]
    assert summary.loc["all", "buyers"] == result.penetration.active > 0


def test_the_benchmarks_are_read_with_their_limits(sample):
    text = qci.describe_assessment(sample["scored"])
    # the short form has 44 practices: 43 and the market-change practice of the outer ring
    assert "short version of 44 practices" in text
    assert "QCi, the consultancy behind the Customer Management Assessment Tool" in text
    assert "cannot support a precise distance in points" in text


def test_an_unknown_cost_says_how_long_acquisition_stays_first():
    # acquisition 50 x 80 = 4,000 before cost; retention next at 50 x 20 = 1,000
    table = qci.improvement_potential(*views(kept_margin=20.0, cross_sell=0.99), uplift=0.05)
    assert table.index[0] == "acquisition"
    text = qci.describe_potential(table, "EUR")
    assert (
        "acquisition comes before it only while winning a customer costs less than EUR 60" in text
    )


def test_acquisition_cost_parameter_is_a_cost_or_unknown():
    from crmlib.parameters import InvalidParameterError, check_parameter, notebook_parameters

    notebook = Path(__file__).parents[3] / "notebooks" / "02_qci.ipynb"
    spec = notebook_parameters(notebook)["acquisition_cost"]
    assert spec.types == ("float", "None") and spec.default is None
    assert check_parameter("acquisition_cost", None, spec=spec) is None
    assert check_parameter("acquisition_cost", "null", spec=spec) is None
    assert check_parameter("acquisition_cost", "250", spec=spec) == 250.0
    with pytest.raises(InvalidParameterError, match="out of range"):
        check_parameter("acquisition_cost", -5, spec=spec)
    with pytest.raises(InvalidParameterError):
        check_parameter("acquisition_cost", "cheap", spec=spec)


def test_the_probability_alive_names_the_model_it_comes_from(root):
    # P(alive) is the shared base's, from the purchase model chosen for the company: the
    # chart and the sentences name that model, not always BG/NBD
    from crmlib.analytics.base import customer_base as shared_base
    from crmlib.plots.lifecycle import plot_probability_alive

    company = load_company(root / "data" / "cdnow")
    chosen = shared_base(company).meta["fit"]["purchase_model"]
    ready = qci.readiness(company)
    assert ready.alive_model == chosen
    assert f"The {chosen} model puts" in qci.describe_alive(ready)
    ax = plot_probability_alive(ready.require_alive())
    assert ax.get_title() == f"Probability alive ({chosen})"
    lapse = qci.lapse_view(company, alive=ready.alive)
    assert f"The {chosen} model" in qci.describe_lapse(lapse)


def test_the_probability_alive_counts_the_buyers_every_report_counts(root):
    # CDNOW has 8 customers whose only lines are of $0: the lifetime summary holds them,
    # but they never bought, so "of the N buyers" is the people who ever bought
    from crmlib.analytics.base import customer_base as shared_base
    from crmlib.formatting import count

    company = load_company(root / "data" / "cdnow")
    table = shared_base(company).table
    ever_bought = int(table["first_purchase"].notna().sum())
    assert int(table["probability_alive"].notna().sum()) > ever_bought
    ready = qci.readiness(company)
    assert len(ready.alive) == ever_bought
    assert f"of the {count(ever_bought)} buyers" in qci.describe_alive(ready)
    lapse = qci.describe_lapse(qci.lapse_view(company, alive=ready.alive))
    assert f"of the {count(ever_bought)} buyers have lapsed" in lapse
    # CDNOW has no customer table: the board reads that consent is not recorded
    assert "the data records no marketing consent" in lapse and "consent_marketing" not in lapse


def test_reach_and_last_years_buyers_are_shares_of_the_same_people(root):
    # P(alive) is per buyer; the activity's shares are of every customer: the sentence
    # sets the two side by side over the people who ever bought
    from crmlib.formatting import percent

    company = load_company(root / "data" / "sample")
    ready = qci.readiness(company)
    of_buyers = ready.activity.loc[12, "buyers"] / len(ready.alive)
    of_everyone = ready.activity.loc[12, "share"]
    assert percent(of_buyers) != percent(of_everyone)
    text = qci.means_readiness(company, ready)
    assert f"against {percent(of_buyers)} who actually bought last year" in text


def test_the_conclusion_orders_and_sums_what_is_comparable(root):
    # acquisition valued before its unknown cost is not put first, and the sum of gross
    # and upper-bound values is said to be at most what the steps bring
    company = load_company(root / "data" / "sample")
    a = qci.analyse(company)
    table = qci.improvement_potential(a.acquisition, a.retention, a.penetration, uplift=a.uplift)
    assert table.index[0] == "acquisition"  # first only while its cost is left out
    text = qci.means_conclusion(company, table, company.currency)
    assert "Work on retention, then penetration, then acquisition" in text
    assert "That sum is at most what they bring" in text


def test_the_diagram_text_does_not_call_a_measured_activity_unmeasured(root):
    company = load_company(root / "data" / "cdnow")  # measured, but no workshop scores
    d = qci.diagram(qci.analyse(company))
    text = qci.describe_diagram(d)
    assert d.sources["Acquisition"] == "figures" and d.sources["Retention"] == "figures"
    assert "Grey with the data's figure" in text
    none = text.split("Grey, neither scored nor measured:")[-1] if "neither" in text else ""
    assert "acquisition" not in none.split(".")[0]


def test_qci_and_payne_frow_keep_a_customer_at_the_same_cost(root):
    from crmlib.analytics.base import customer_base
    from crmlib.models import payne_frow as pf

    company = load_company(root / "data" / "sample")
    base = customer_base(company)
    kept = qci.analyse(company).retention
    value = pf.analyse(company).value
    assert kept.retention_cost == pytest.approx(base.retention_cost)
    assert value.retention_cost == pytest.approx(base.retention_cost)
    assert set(kept.retained) == set(base.retained)


def test_a_way_in_that_brought_one_customer_type_alone_is_called_confounded(sample):
    # the sample's sales representatives won business customers only: their newcomers'
    # margin cannot be told from the type's, and the report and the action say so
    view = sample["acquisition"]
    kind, share, elsewhere = view.type_confound("sales representative")
    assert kind == "B2B" and share == 1.0 and elsewhere < 0.1
    assert view.type_confound("store") is None
    text = qci.describe_acquisition(view, "EUR")
    assert "newcomers through sales representative were B2B customers" in text
    actions = qci.verdict(qci.analyse(sample["company"])).actions
    (acquire,) = [a for a in actions if a.lever == "acquisition"]
    assert "cannot be told apart" in acquire.rationale
