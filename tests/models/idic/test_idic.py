"""The IDIC model: the numbers behind each phase's conclusion, by hand and on the sample."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlib.data.company import Company, load_company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.models import idic
from crmlib.models.idic.interact import PlanRules, choose_channel, plan_table
from crmlib.models.verdict import ModelVerdict
from crmlib.notebook import views
from crmlib.plots import idic as charts
from crmlib.stages import Stage

# ----------------------------------------------------------------------------------------
# A hand-made company
# ----------------------------------------------------------------------------------------

FILES = {
    "customers.csv": """customer_id,name,postcode,email,phone,consent_marketing
C1,Jan Peeters,8000,jan@x.be,0471,true
C2,jan  PEETERS,8000,,0472,false
C3,Els Maes,9000,els@x.be,,true
C4,Tom Claes,9000,,,true
""",
    "transactions.csv": """customer_id,date,product_id,amount,cost
C1,2024-03-01,P1,100,60
C1,2024-06-01,P2,50,30
C3,2024-05-01,P1,20,12
C4,2023-01-01,P2,10,6
""",
    "products.csv": """product_id,name,category,margin_rate
P1,Rose,plants,0.4
P2,Pot,pots,0.4
""",
    "interactions.csv": """customer_id,date,channel
C1,2024-02-01,store
C3,2024-04-01,e-mail
C3,2024-07-01,e-mail
C4,2024-08-01,store
""",
    "channels.csv": """channel,cost_per_contact
store,8
e-mail,3
""",
    "campaigns.csv": """campaign_id,customer_id,offer,channel,sent_date,responded,revenue
K1,C1,Offer A,e-mail,2024-05-01,true,40
K1,C3,Offer A,e-mail,2024-05-01,false,0
K2,C4,Offer B,e-mail,2024-09-01,false,0
""",
    "company.yml": "name: Hovenier <b>Groen</b>\ncurrency: EUR\nobservation_end: '2024-12-31'\n",
}


@pytest.fixture
def hand(tmp_path: Path) -> Company:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    return load_company(tmp_path)


# ----------------------------------------------------------------------------------------
# Identify
# ----------------------------------------------------------------------------------------


def test_identify_by_hand(hand):
    result = idic.identify(hand)
    c = result.coverage
    assert c["name"] == 1.0
    assert (c["phone"], c["e-mail"], c["marketing consent"]) == (0.5, 0.5, 0.75)
    assert (c["purchase history"], c["repeat purchases"]) == (0.75, 0.25)
    assert (c["contact history"], c["campaign history"], c["needs survey"]) == (0.75, 0.75, 0.0)
    assert set(result.unrecorded) == {"address", "needs survey"}
    # C1 and C2 fold to the same name and share the postcode
    assert result.duplicate_groups == 1
    assert sorted(result.duplicates["customer_id"]) == ["C1", "C2"]
    assert result.unknown == 0
    assert result.unknown_references.loc["transactions", "rows"] == 4
    text = idic.describe_identify(result)
    assert "Of the 4 customer records" in text and "phone 50%" in text
    assert "2 records in 1 group share a name and postcode" in text
    assert "does not record address, needs survey at all" in text
    assert "0 rows of transactions, interactions, campaigns point to an unknown customer" in text


def test_identify_reads_in_dutch_with_the_keys_left_english(hand):
    """Dutch words and Belgian numbers where the reader sees them; the code's keys stay."""
    from crmlib.i18n import Setting, activate

    result = idic.identify(hand)
    assert list(idic.duplicates_view(result).columns) == ["duplicate group", "customer", "postcode"]
    activate(Setting("nl", "nl_BE"))
    again = idic.identify(hand)
    assert again.coverage.index.tolist() == result.coverage.index.tolist()
    assert list(idic.duplicates_view(again).columns) == ["duplicatengroep", "klant", "postcode"]
    references = idic.references_view(again)
    assert list(references.columns) == ["rijen", "onbekend"] and references.index.name == "tabel"
    text = idic.describe_identify(again)
    assert "Van de 4 klantrecords" in text and "telefoon 50 %" in text
    assert "2 records in 1 groep delen een naam en postcode" in text
    assert "bevatten helemaal geen adres, behoefteonderzoek" in text
    stage = idic.stages(again, None, None, None, "EUR")[0]
    assert stage.lines[0] == "4 klanten" and stage.name == "Identify"


def test_identify_with_customers_derived_from_transactions(tmp_path):
    """Without a customer table the customers are the transaction ids: nothing to check."""
    (tmp_path / "transactions.csv").write_text(FILES["transactions.csv"])
    (tmp_path / "company.yml").write_text("name: Shop\ncurrency: EUR\n")
    derived = load_company(tmp_path)
    result = idic.identify(derived)
    assert result.customers_derived and result.customers == 3
    text = idic.describe_identify(result)
    # no count of rows pointing to unknown customers, and no check of duplicates claimed
    assert "point to an unknown customer" not in text
    assert "Probable duplicates cannot be looked for" not in text
    assert "the customers are the ids in the transactions" in text


def test_unknown_customers_are_counted(hand):
    """The loader refuses them; on a table built by hand the check finds them."""
    tx = pd.concat(
        [hand.transactions, hand.transactions.iloc[[0]].assign(customer_id="C9")],
        ignore_index=True,
    )
    orphan = Company(
        name="x",
        currency="EUR",
        data_dir=hand.data_dir,
        observation_end=hand.observation_end,
        customers=hand.customers,
        transactions=tx,
    )
    table = idic.unknown_customer_references(orphan)
    assert table.loc["transactions"].tolist() == [5, 1]


def test_what_this_means_escapes_the_company_name(hand):
    heading = idic.what_this_means(hand, "text").splitlines()[0]
    assert heading == "#### What this means for Hovenier &lt;b&gt;Groen&lt;/b&gt;"


# ----------------------------------------------------------------------------------------
# Differentiate
# ----------------------------------------------------------------------------------------


def test_differentiate_on_margin_by_hand(hand):
    """Current value = margin - cost to serve over 2024, all from the shared base.

    C1: 150 - 90 cost = 60 margin, one store contact (8): 52. C2: nothing. C3: 20 x 0.4
    = 8 margin, two e-mails (2 x 3): 2. C4: no sale in 2024, one store contact: -8.
    """
    result = idic.differentiate(hand, ssc_share=0.25)
    table = result.table.set_index("customer_id")
    assert table["value"].tolist() == [52.0, 0.0, 2.0, -8.0]
    # MVC: the top 1 of 4 by value; BZ: below zero; no MGC without a forecast (3 buyers)
    assert result.segments.to_dict() == {"C1": "MVC", "C2": "other", "C3": "other", "C4": "BZ"}
    assert result.ssc_count == 1 == result.figure("ssc_count").value
    assert result.ssc_value_share == pytest.approx(52 / 46)
    assert result.figure("value_category_count.MGC").status == "unavailable"
    summary = idic.category_summary(result)
    assert summary.loc["BZ", "goal"] == "make profitable or serve for less"
    text = idic.describe_differentiate(result, "EUR")
    assert "the 1 strategically significant customers" in text
    assert "brought 113% of it. That is more than all of it" in text
    assert "**1 BZ** who cost more to serve than they bring (together they lost EUR 8)" in text
    assert "the most growable (MGC) cannot be told" in text and "0 MGC" not in text


def test_differentiate_reads_the_one_base(hand):
    """The counts are the base's: the same flags, categories and tiers, never re-ranked."""
    from crmlib.analytics.base import customer_base

    base = customer_base(hand, ssc_share=0.25)
    result = idic.differentiate(hand, ssc_share=0.25)
    assert result.base is base
    ours = result.table.set_index("customer_id")
    for column in ("is_ssc", "value_category", "value_tier"):
        assert ours[column].tolist() == base.table[column].tolist()
    # the analysis passes the same base on
    assert idic.analyse(hand, ssc_share=0.25).differentiation.base is base


def test_differentiate_on_revenue_by_hand(hand):
    result = idic.differentiate(hand, value_metric="revenue", ssc_share=0.25)
    table = result.table.set_index("customer_id")
    # revenue of the last 12 months: C4's sale of 2023 is outside
    assert table["value"].tolist() == [150.0, 0.0, 20.0, 0.0]
    assert table.loc["C1", "value_category"] == "MVC"
    assert result.ssc_value_share == pytest.approx(150 / 170)
    text = idic.describe_differentiate(result, "EUR")
    assert "BZ) cannot be told on revenue" in text and "**0 BZ**" not in text
    # the category table and chart leave out the BZ row rather than show 0 BZ
    assert not result.bz_known
    assert "BZ" not in result.shown_categories().index
    assert "BZ" not in idic.category_view(result, "EUR").index
    # the cycle diagram and the verdict's figures say the same: unknown, not 0
    differentiate = idic.stages(None, result, None, None, "EUR")[1]
    assert "BZ n/a" in differentiate.lines and "BZ 0" not in differentiate.lines


def test_differentiate_falls_back_to_revenue_without_cost(tmp_path):
    """Margin is asked for by default; on data without cost the base ranks on revenue."""
    files = dict(FILES)
    files["transactions.csv"] = "customer_id,date,amount\nC1,2024-03-01,100\nC3,2024-05-01,20\n"
    for name in ("customers.csv", "transactions.csv", "company.yml"):
        (tmp_path / name).write_text(files[name])
    result = idic.differentiate(load_company(tmp_path), ssc_share=0.25)
    assert result.value_metric == "revenue"
    assert result.table.set_index("customer_id")["value"].tolist() == [100.0, 0.0, 20.0, 0.0]


def test_differentiate_checks_its_settings(hand):
    with pytest.raises(ParameterError, match="value_metric"):
        idic.differentiate(hand, value_metric="profit")
    with pytest.raises(ParameterError, match="ssc_share"):
        idic.differentiate(hand, ssc_share=1.5)


def test_yearly_discount_rate_compounds_to_the_monthly_one():
    from crmlib.models.idic.differentiate import yearly_to_monthly

    monthly = yearly_to_monthly(0.1)
    assert (1 + monthly) ** 12 == pytest.approx(1.1)


# ----------------------------------------------------------------------------------------
# Interact
# ----------------------------------------------------------------------------------------


def test_segment_service_by_hand(hand):
    segments = pd.Series({"C1": "S1", "C2": "S1", "C3": "S2", "C4": "S2"})
    service = idic.segment_service(hand, segments)
    s1, s2 = service.loc["S1"], service.loc["S2"]
    assert (s1["customers"], s1["reachable"], s2["reachable"]) == (2, 1, 2)
    assert (s1["contacts_per_customer_year"], s2["contacts_per_customer_year"]) == (0.5, 1.5)
    assert (s1["campaigns_per_customer_year"], s2["campaigns_per_customer_year"]) == (0.5, 1.0)
    assert (s1["rhythm"], s2["rhythm"]) == (1.0, 2.5)
    # S1: one store contact (8) over 2 customers; S2: two e-mails (3) and a store contact
    assert (s1["cost_to_serve_per_customer_year"], s2["cost_to_serve_per_customer_year"]) == (
        4.0,
        7.0,
    )
    assert s1["revenue_per_customer_year"] == 75.0 and s1["margin_per_customer_year"] == 30.0
    assert s2["margin_per_customer_year"] == pytest.approx(4.0)
    assert (s1["basket_revenue"], s2["basket_revenue"]) == (75.0, 20.0)
    assert (s1["main_channel"], s2["main_channel"]) == ("store", "e-mail")
    assert (s1["sent"], s1["response_rate"], s1["revenue_per_response"]) == (1, 1.0, 40.0)
    assert s2["response_rate"] == 0.0 and np.isnan(s2["revenue_per_response"])


def _effectiveness(rows) -> pd.DataFrame:
    columns = ["channel", "contact_share", "cost_per_contact", "smoothed_rate"]
    table = pd.DataFrame(rows, columns=columns)
    table["cost_per_response"] = table["cost_per_contact"] / table["smoothed_rate"]
    return table.set_index("channel")


def test_channel_is_the_cheapest_per_response_else_best_else_most_used():
    priced = _effectiveness(
        [("e-mail", 0.2, 3.0, 0.10), ("social", 0.05, 2.0, 0.20), ("store", 0.7, 8.0, np.nan)]
    )
    assert choose_channel(priced)["channel"] == "social"  # 10 per response against 30
    assert choose_channel(priced)["cost_per_response"] == pytest.approx(10.0)
    unpriced = _effectiveness([("post", 0.0, np.nan, 0.12), ("e-mail", 0.2, np.nan, 0.08)])
    assert choose_channel(unpriced)["channel_basis"] == "response rate"
    assert choose_channel(unpriced)["channel"] == "post"
    unknown = _effectiveness([("store", 0.4, 8.0, np.nan), ("webshop", 0.4, 0.4, np.nan)])
    assert choose_channel(unknown)["channel"] == "webshop"  # tie on use: the cheaper
    assert choose_channel(unknown)["channel_basis"] == "most used"


def test_plan_frequency_follows_rhythm_value_and_affordability():
    service = pd.DataFrame(
        {
            "customers": [10, 10, 10],
            "reachable": [8, 5, 2],
            "rhythm": [3.1, 2.0, 6.0],
            "margin_per_customer_year": [100.0, 30.0, 1.0],
        },
        index=pd.Index(["MVC", "MGC", "BZ"], name="segment"),
    )
    effect = pd.concat(
        {s: _effectiveness([("social", 0.1, 2.0, 0.2)]) for s in service.index},
        names=["segment", "channel"],
    )
    offers = pd.DataFrame(
        {"offer": ["A", "B", "C"], "smoothed_rate": [0.2, 0.1, 0.05], "sent": [50, 40, 30]},
        index=service.index,
    )
    plan = plan_table(service, effect, offers, PlanRules())
    # MVC: 3.1 x 1 rounds (on a log scale) to 4 a year; 10% of 100 pays 5 contacts of 2
    assert plan.loc["MVC", ["wanted", "frequency", "cadence"]].tolist() == [
        4,
        4,
        "every quarter",
    ]
    # MGC: 2 x 1.5 = 3 rounds to 4, but 10% of 30 pays only 1.5 contacts: once a year
    assert plan.loc["MGC", ["wanted", "frequency"]].tolist() == [4, 1]
    assert plan.loc["MGC", "affordable"] == pytest.approx(1.5)
    # BZ: 6 x 0.5 = 3 -> 4 wanted; the margin pays almost nothing: the minimum, once
    assert plan.loc["BZ", "frequency"] == 1
    assert plan.loc["MVC", "goal"] == "retain" and plan.loc["BZ", "offer"] == "C"
    assert plan.loc["MGC", "take_up"] == 0.1


def test_interact_on_the_hand_company(hand):
    result = idic.differentiate(hand, ssc_share=0.25)
    interaction = idic.interact(hand, result)
    plan = interaction.plan
    # C2 (no consent) and C3 are "other"
    assert plan["reachable"].to_dict() == {"MVC": 1, "other": 1, "BZ": 1}
    # e-mail is the only channel with campaign response
    assert set(plan["channel"]) == {"e-mail"}
    text = idic.describe_plan(interaction, "EUR")
    assert text.startswith("The plan reaches 3 of 4 customers (75%)")
    view = idic.plan_view(interaction, "EUR")
    assert view.loc["MVC", "reachable"] == "1 of 1"


def test_the_plan_reads_in_dutch_and_keeps_its_english_values(hand):
    """The plan's table and text in Dutch; the plan itself keeps the values code reads."""
    from crmlib.i18n import Setting, activate

    activate(Setting("nl", "nl_BE"))
    result = idic.differentiate(hand, ssc_share=0.25)
    interaction = idic.interact(hand, result)
    assert set(interaction.plan["goal"]) <= set(idic.GOALS.values())
    view = idic.plan_view(interaction, "EUR")
    assert view.loc["MVC", "bereikbaar"] == "1 van 1" and view.loc["MVC", "doel"] == "behouden"
    assert "overig" in view.index and view.index.name == "segment"
    text = idic.describe_plan(interaction, "EUR")
    assert text.startswith("Het plan bereikt 3 van de 4 klanten (75 %)")


# ----------------------------------------------------------------------------------------
# Customize
# ----------------------------------------------------------------------------------------


def test_plan_value_by_hand():
    plan = pd.DataFrame(
        {
            "reachable": [100],
            "frequency": [2],
            "take_up": [0.1],
            "cost_per_contact": [1.0],
        },
        index=pd.Index(["MVC"], name="segment"),
    )
    service = pd.DataFrame(
        {
            "customers": [120],
            "revenue_per_customer_year": [250.0],
            "margin_per_customer_year": [100.0],
            "revenue_per_response": [50.0],
            "basket_revenue": [30.0],
        },
        index=plan.index,
    )
    interaction = idic.Interaction(
        service=service,
        mix=None,
        effectiveness=None,
        offers=None,
        lessons=None,
        channel_lessons=None,
        channel_follows_campaign=False,
        plan=plan,
        rules=PlanRules(),
    )
    value = idic.plan_value(interaction)
    row = value.loc["MVC"]
    # basket margin 50 x 0.4 = 20; per contact 0.1 x 20 - 1 = 1; a year 100 x 2 x 1
    assert row["basket_margin"] == pytest.approx(20.0)
    assert row["value_per_contact"] == pytest.approx(1.0)
    assert row["expected_value"] == pytest.approx(200.0)
    assert row["basket_basis"] == "campaign responses"
    text = idic.describe_plan_value(value, "EUR")
    assert "**EUR 200 of margin a year**" in text


def test_a_losing_segment_is_left_out_of_the_total():
    value = pd.DataFrame(
        {
            "take_up": [0.1, 0.01],
            "basket_basis": ["campaign responses"] * 2,
            "value_per_contact": [1.0, -0.5],
            "expected_value": [200.0, -40.0],
        },
        index=pd.Index(["MVC", "BZ"], name="segment"),
    )
    assert idic.plan_total(value) == 200.0
    text = idic.describe_plan_value(value, "EUR")
    assert "**EUR 200 of margin a year** after contact costs (MVC EUR 200)" in text
    assert "For BZ a contact costs more than it is expected to bring (the offer would lose " in text
    assert "EUR 40 a year" in text


def test_plan_value_without_campaigns_cannot_be_estimated():
    value = pd.DataFrame({"take_up": [np.nan], "expected_value": [np.nan]}, index=["MVC"])
    assert "cannot be estimated yet" in idic.describe_plan_value(value, "EUR")
    with pytest.raises(MissingDataError):
        charts.plot_plan_value(value)


def test_customize_steps_say_what_they_miss():
    with pytest.raises(MissingDataError, match="product_id"):
        idic.segment_picks(None)
    with pytest.raises(MissingDataError):
        idic.lift_table(None)


# ----------------------------------------------------------------------------------------
# The sample company: the phases end to end
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_dir):
    company = load_company(sample_dir)
    diff = idic.differentiate(company)
    inter = idic.interact(company, diff)
    return {
        "company": company,
        "identify": idic.identify(company),
        "diff": diff,
        "interact": inter,
        "custom": idic.customize(company, diff),
        "value": idic.plan_value(inter),
    }


def test_the_ssc_sentence_states_the_base_figures(sample):
    diff = sample["diff"]
    cited = idic.describe_differentiate(diff, "EUR", cite=lambda f: f"[{f.id}={f.value}]")
    ssc = diff.figure("ssc_count").value
    assert f"the [ssc_count={ssc}] strategically significant customers" in cited
    assert f"brought [top20_share={diff.figure('top20_share').value}] of it" in cited
    # plainly written, the same words as before
    assert f"the {ssc:,} strategically significant customers" in idic.describe_differentiate(
        diff, "EUR"
    )
    # another SSC share is not the base's top 20%: its share is not stated as that figure
    other = idic.differentiate(sample["company"], ssc_share=0.1)
    assert "top20_share" not in idic.describe_differentiate(other, "EUR", cite=lambda f: f.id)


def test_sample_ssc_share_matches_an_independent_count(sample):
    diff = sample["diff"]
    values = diff.table["value"].sort_values(ascending=False)
    n_top = math.ceil(0.2 * len(values))
    assert diff.ssc_count == n_top == 1000
    assert diff.ssc_value_share == pytest.approx(values.iloc[:n_top].sum() / values.sum())
    counts = diff.table["value_category"].value_counts()
    assert counts["MVC"] == 1000 and counts.sum() == 5000
    bz = diff.table[diff.table["value_category"] == "BZ"]
    assert (bz["current_value"] < 0).all()
    assert counts["BZ"] == int((diff.table["current_value"] < 0).sum())


def test_sample_reachable_counts_only_consent(sample):
    company, plan = sample["company"], sample["interact"].plan
    consent = company.customers["consent_marketing"].fillna(False).astype(bool).sum()
    assert plan["reachable"].sum() == consent
    mvc = sample["diff"].table.query("value_category == 'MVC'")["customer_id"]
    customers = company.customers.set_index("customer_id")
    assert plan.loc["MVC", "reachable"] == customers.loc[mvc, "consent_marketing"].sum()


def test_sample_plan_offer_is_the_best_smoothed_response(sample):
    inter = sample["interact"]
    rates = inter.lessons  # raw rates per segment and offer
    mvc = rates[rates["segment"] == "MVC"]
    # the plan's offer for MVC has the best raw rate among offers with enough sends
    enough = mvc[mvc["sent"] >= 30]
    assert inter.plan.loc["MVC", "offer"] == enough.loc[enough["response_rate"].idxmax(), "offer"]
    assert set(inter.lessons["verdict"]) <= {"above", "below", "in line", "too few sent"}
    text = idic.describe_lessons(inter)
    clear = inter.lessons[inter.lessons["verdict"].isin(["above", "below"])]
    assert f"The other {len(inter.lessons) - len(clear)} are within chance" in text


def test_sample_plan_value_adds_up(sample):
    value = sample["value"]
    recomputed = (
        value["reachable"]
        * value["frequency"]
        * (value["take_up"] * value["basket_margin"] - value["cost_per_contact"])
    )
    np.testing.assert_allclose(value["expected_value"], recomputed)
    total = value.loc[value["value_per_contact"] >= 0, "expected_value"].sum()
    assert idic.plan_total(value) == pytest.approx(total)
    text = idic.describe_plan_value(value, "EUR")
    assert f"EUR {total:,.0f} of margin a year" in text


def test_sample_customize_lists_ten_top_customers_by_id(sample):
    custom, diff = sample["custom"], sample["diff"]
    view = idic.top_customer_view(custom, "EUR")
    top = diff.table.nlargest(10, "value")["customer_id"].tolist()
    assert view.index.tolist() == top
    assert "name" not in view.columns
    # no one-off product they own comes back in their list
    recs = custom.top_recommendations
    assert set(recs["customer_id"]) == set(top)
    first = recs[recs["customer_id"] == top[0]]
    owned_one_off = first["owned"] & (
        custom.affinity.repeat_rate.reindex(first["product_id"]).to_numpy() < 0.2
    )
    assert not owned_one_off.any()
    picks = idic.segment_picks(custom)
    assert picks.index.tolist() == ["MVC", "MGC", "other", "BZ"]


def test_sample_diagram_stages_carry_the_figures(sample):
    s = sample
    stages = idic.stages(s["identify"], s["diff"], s["interact"], s["value"], "EUR", s["custom"])
    assert [st.name for st in stages] == ["Identify", "Differentiate", "Interact", "Customize"]
    assert all(isinstance(st, Stage) for st in stages)
    assert stages[0].lines[0] == "5,000 customers"
    assert stages[0].score == pytest.approx(s["identify"].completeness)
    assert stages[1].lines[0] == f"top 20% bring {s['diff'].ssc_value_share:.0%}"
    assert stages[3].lines[-1] == f"EUR {idic.plan_total(s['value']):,.0f} a year"


def test_sample_charts_show_the_numbers(sample):
    ax = charts.plot_data_coverage(sample["identify"].coverage)
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(sorted(sample["identify"].coverage))
    ax = charts.plot_plan_value(sample["value"])
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx(sample["value"]["expected_value"].tolist())
    ax = charts.plot_response_heatmap(sample["interact"].lessons)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["MVC", "MGC", "other", "BZ"]
    with pytest.raises(MissingDataError):
        charts.plot_channel_mix(None)


def test_value_explorer_reads_the_base_of_each_setting(sample):
    explorer = views.ValueExplorer(sample["company"])
    small = explorer.result(0.1, 12)
    large = explorer.result(0.3, 12)
    assert small.ssc_count == 500 and large.ssc_count == 1500
    assert small.ssc_value_share < large.ssc_value_share
    # a setting seen before reads the same memoised base, with the base's counts
    assert explorer.result(0.1, 12).base is small.base
    assert small.figure("ssc_count").value == 500


# ----------------------------------------------------------------------------------------
# Verdict
# ----------------------------------------------------------------------------------------


def test_verdict_on_the_sample(sample):
    s = sample
    verdict = idic.verdict_from(
        s["identify"], s["diff"], s["interact"], s["value"], "EUR", s["custom"]
    )
    assert isinstance(verdict, ModelVerdict) and verdict.model == "IDIC"
    total = idic.plan_total(sample["value"])
    assert verdict.figures["plan_value_per_year"] == pytest.approx(total)
    assert verdict.figures["ssc_value_share"] == pytest.approx(sample["diff"].ssc_value_share)
    assert verdict.headline.startswith("1,000 strategically significant customers bring")
    assert f"EUR {total:,.0f}" in verdict.headline
    priorities = [a.priority for a in verdict.actions]
    assert priorities == sorted(priorities) and priorities[0] == 1
    plan = sample["interact"].plan.loc["MVC"]
    assert verdict.actions[0].title == (
        f"MVC ({plan['reachable']:,} reachable): retain; offer '{plan['offer']}' "
        f"via {plan['channel']} {plan['cadence']}"
    )
    # the gross value of each segment's plan less its contact cost makes the plan's total
    valued = [a for a in verdict.actions if a.expected_value is not None]
    assert sum(a.expected_value - a.cost for a in valued) == pytest.approx(total)
    assert {a.lever for a in valued} <= {"retention", "penetration", "cost_to_serve"}
    assert all(a.incremental is None and "consent" in a.needs for a in valued)
    assert any(a.owner == "IT" and "duplicate" in a.title for a in verdict.actions)


def test_verdict_computes_the_phases_itself(hand):
    verdict = idic.verdict(idic.analyse(hand, ssc_share=0.25))
    diff = idic.differentiate(hand, ssc_share=0.25)
    assert verdict.figures["ssc_value_share"] == pytest.approx(diff.ssc_value_share)
    assert verdict.figures["probable_duplicate_records"] == 2
    assert verdict.figures["reachable"] == 3
    text = idic.describe_cycle(verdict, "EUR")
    assert text.startswith(f"{diff.ssc_count} strategically significant customers bring")
    assert "Where to start: " in text


def test_verdict_with_only_the_required_tables(tmp_path):
    for name in ("customers.csv", "transactions.csv", "company.yml"):
        (tmp_path / name).write_text(FILES[name])
    verdict = idic.verdict(idic.analyse(load_company(tmp_path), ssc_share=0.25))
    assert "plan_value_per_year" not in verdict.figures
    assert all(a.expected_value is None for a in verdict.actions)
    assert "may be contacted with a plan per value category" in verdict.headline
    # no contact costs: nobody is called below zero "after the cost to serve"
    assert "bz_loss" not in verdict.figures
    assert "(BZ) needs contact costs" in verdict.findings[1]
    diff = idic.differentiate(load_company(tmp_path), ssc_share=0.25)
    text = idic.describe_differentiate(diff, "EUR")
    assert "margin before the unmeasured cost of serving them" in text and "**" + "0 BZ" not in text
    template, figures = idic.value_statement(diff)
    assert "bz" not in figures and "BZ need cost data" in template


def test_unknown_consent_and_names_are_never_zero(tmp_path):
    """No consent column, no names or postcodes: said to be unknown, never 0 or none."""
    (tmp_path / "customers.csv").write_text("customer_id\nC1\nC2\nC3\nC4\n")
    (tmp_path / "transactions.csv").write_text(FILES["transactions.csv"])
    (tmp_path / "company.yml").write_text(FILES["company.yml"])
    company = load_company(tmp_path)
    ident = idic.identify(company)
    assert not ident.duplicates_checked and not ident.consent_known
    text = idic.describe_identify(ident)
    assert "cannot be looked for" in text and "No two records" not in text
    result = idic.analyse(company, ssc_share=0.25)
    plan = result.interaction.plan
    assert plan["reachable"].isna().all()
    assert "not known" in idic.describe_plan(result.interaction, "EUR")
    assert idic.plan_view(result.interaction, "EUR")["reachable"].str.startswith("unknown").all()
    verdict = idic.verdict(result)
    words = " ".join([verdict.headline, *verdict.findings, *(a.title for a in verdict.actions)])
    assert "0 reachable" not in words and "without marketing consent" not in words
    assert "records look like duplicates" not in words
    assert "reachable" not in verdict.figures
    assert "probable_duplicate_records" not in verdict.figures
    assert any("consent_marketing" in a.title for a in verdict.actions)


def test_verdict_holds_offers_that_lose_money(small_company_dir):
    company = load_company(small_company_dir)
    diff = idic.differentiate(company)
    inter = idic.interact(company, diff)
    value = idic.plan_value(inter)
    verdict = idic.verdict_from(idic.identify(company), diff, inter, value, "EUR")
    for segment, row in value.iterrows():
        action = next(a for a in verdict.actions if a.title.startswith(f"{segment} ("))
        if row["value_per_contact"] < 0:
            assert "hold the offers" in action.title and action.expected_value is None
            assert action.priority == 3
        else:
            # gross value less the contact cost, where the data knows it
            net = action.expected_value - (action.cost or 0.0)
            assert net == pytest.approx(row["expected_value"])
    assert verdict.figures["plan_value_per_year"] == pytest.approx(idic.plan_total(value))


def test_a_discount_offer_is_checked_against_the_segments_top_needs():
    needs = pd.DataFrame(
        {
            "respondents": [10, 10],
            "price": [2.0, 4.0],
            "advice": [5.0, 2.0],
            "quality": [4.0, 3.0],
            "speed": [3.0, 3.0],
            "nps": [40.0, 10.0],
        },
        index=pd.Index(["MVC", "other"], name="segment"),
    )
    fit = idic.conclude.offer_fit("Spring: 15 % off seeds", "MVC", needs)
    assert "values advice, quality, speed most" in fit and "price ranks 4 of 4" in fit
    assert "price is among" in idic.conclude.offer_fit("20% off", "other", needs)
    # not a discount, no survey, or a segment without answers: cannot be told
    assert idic.conclude.offer_fit("Free advice day", "MVC", needs) == ""
    assert idic.conclude.offer_fit("15 % off", "MVC", None) == ""
    assert idic.conclude.offer_fit("15 % off", "BZ", needs) == ""


def test_lifetime_value_has_a_stated_horizon_beyond_a_year(sample_dir):
    from crmlib.data.company import load_company

    result = idic.differentiate(load_company(sample_dir))
    assert result.lifetime_months == 36 == result.base.settings.horizon_months
    summary = idic.category_summary(result)
    table = result.table
    mvc = table.loc[table["value_category"] == "MVC", "lifetime_value"]
    assert summary.loc["MVC", "mean_lifetime_value"] == pytest.approx(mvc.mean())
    # growth is gross against gross: expected margin of 12 months minus the past 12's
    mgc = table[table["value_category"] == "MGC"]
    past = mgc["gross_margin"] * 12 / result.horizon_months
    assert mgc["growth_potential"].to_numpy() == pytest.approx(
        (mgc["expected_margin_12m"] - past).to_numpy(), abs=0.011
    )
    text = idic.describe_differentiate(result, "EUR")
    assert "expected lifetime value of the next 36 months (discounted at 10% a year" in text
    assert "like with like, both before the cost to serve" in text


def test_needs_learned_after_a_contact_by_hand():
    from crmlib.models.idic.learning import needs_learned

    contacts = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", "C"],
            "date": pd.to_datetime(["2025-03-01", "2025-03-20", "2025-03-01", "2025-05-01"]),
        }
    )
    needs = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            # A: 21 days after the second contact; B: a year later; C: the day before
            "survey_date": pd.to_datetime(["2025-04-10", "2026-03-01", "2025-04-30"]),
        }
    )
    assert needs_learned(contacts, needs).to_dict() == {"A": True, "B": False, "C": False}
    assert needs_learned(contacts, needs, days=400).to_dict() == {"A": True, "B": True, "C": False}


def test_learning_relationship_on_a_hand_company(tmp_path):
    from crmlib.analytics.base import customer_base
    from crmlib.data.company import load_company

    (tmp_path / "customers.csv").write_text("customer_id,name\nA,Ann\nB,Bob\n")
    (tmp_path / "transactions.csv").write_text(
        "customer_id,date,amount\nA,2025-02-01,10\nB,2025-03-01,20\n"
    )
    (tmp_path / "interactions.csv").write_text(
        "interaction_id,customer_id,date,channel,process,direction,resolved,satisfaction\n"
        "I1,A,2025-03-01,phone,information,inbound,true,4\n"
        "I2,A,2025-04-01,e-mail,sales,outbound,true,\n"
        "I3,B,2025-05-01,phone,complaint,inbound,false,2\n"
        "I4,B,2024-05-01,phone,complaint,inbound,false,2\n"
    )
    (tmp_path / "needs.csv").write_text("customer_id,survey_date,price\nA,2025-03-10,4\n")
    (tmp_path / "company.yml").write_text("name: Hand\nobservation_end: 2025-12-31\n")
    company = load_company(tmp_path)
    learning = idic.learning_relationship(company, customer_base(company))
    # three contacts in 2025 (I4 is before the window): two inbound, two with a score
    assert learning.contacts == 3
    assert learning.dialogue_share == pytest.approx(2 / 3)
    assert learning.feedback_share == pytest.approx(2 / 3)
    # A's needs were recorded 9 days after a contact; B's never: 1 of 2
    assert (learning.contacted, learning.learned) == (2, 1)
    assert learning.needs_learned_share == 0.5
    text = idic.describe_learning(learning)
    assert "the customer started 67%" in text
    assert "Unknown from the data: whether a later offer changed" in text


def test_the_coverage_chart_writes_what_the_tables_cannot_hold(root):
    # CDNOW has no customers table, contacts, campaigns or needs: unknown, not 0%
    identification = idic.identify(load_company(root / "data" / "cdnow"))
    unrecorded = identification.unrecorded
    assert {"name", "contact history", "campaign history", "needs survey"} <= set(unrecorded)
    ax = charts.plot_data_coverage(identification.coverage, unrecorded=unrecorded)
    assert len(ax.patches) == len(identification.coverage) - len(unrecorded)
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("not in the data") == len(unrecorded) and "0%" not in texts


def test_offers_sent_are_unknown_without_a_campaigns_table(root):
    from crmlib.models.idic import tables

    company = load_company(root / "data" / "cdnow")
    view = tables.service_view(idic.analyse(company).interaction, company.currency)
    assert set(view.loc["offers sent (all campaigns)"]) == {"n/a"}


def test_a_cadence_without_a_contact_rhythm_is_a_starting_point(root):
    from crmlib.models.idic import tables

    company = load_company(root / "data" / "cdnow")  # no contacts, no campaigns
    analysis = idic.analyse(company)
    plan = analysis.interaction.plan
    assert not plan["rhythm_known"].any()
    view = tables.plan_view(analysis.interaction, company.currency)
    assert all(
        v.endswith("to start (the data records no contact rhythm)") for v in view["frequency"]
    )
    titles = [a.title for a in idic.verdict(analysis).actions]
    assert all("once a year" not in t or "to start" in t for t in titles)
