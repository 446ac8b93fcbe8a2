"""Tests of the sample company generator (crmlib.sample)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.cluster.vq import kmeans2
from scipy.optimize import minimize
from scipy.special import betaln, gammaln

from crmlib.data.schema import NEEDS_META_COLUMNS, TABLE_NAMES, TABLES
from crmlib.errors import ParameterError
from crmlib.sample import _customers as hidden
from crmlib.sample import create_sample_company, generate_company, write_company

N_CUSTOMERS = 5000
END = pd.Timestamp("2025-12-31")

KIND_CHECKS = {
    "id": lambda dtype: isinstance(dtype, pd.StringDtype),
    "text": lambda dtype: isinstance(dtype, pd.StringDtype),
    "date": pd.api.types.is_datetime64_dtype,
    "number": pd.api.types.is_float_dtype,
    "int": pd.api.types.is_integer_dtype,
    "bool": pd.api.types.is_bool_dtype,
}


@pytest.fixture(scope="module")
def company() -> dict[str, pd.DataFrame]:
    return generate_company(N_CUSTOMERS, seed=42)


@pytest.fixture(scope="module")
def customer_value(company) -> pd.DataFrame:
    """Revenue, margin, cost to serve and net value per customer."""
    customers, transactions = company["customers"], company["transactions"]
    ids = customers["customer_id"]
    revenue = transactions.groupby("customer_id")["amount"].sum().reindex(ids, fill_value=0.0)
    margin = (
        (transactions["amount"] - transactions["cost"])
        .groupby(transactions["customer_id"])
        .sum()
        .reindex(ids, fill_value=0.0)
    )
    contacts = company["interactions"].merge(company["channels"], on="channel")
    serve = contacts.groupby("customer_id")["cost_per_contact"].sum().reindex(ids, fill_value=0.0)
    return pd.DataFrame({"revenue": revenue, "margin": margin, "cost_to_serve": serve}).assign(
        net=lambda frame: frame["margin"] - frame["cost_to_serve"]
    )


# Determinism and files


def test_same_seed_gives_identical_tables():
    first = generate_company(800, seed=7)
    second = generate_company(800, seed=7)
    assert list(first) == list(second)
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name], check_exact=True)


def test_different_seed_gives_different_tables():
    first = generate_company(800, seed=7)
    second = generate_company(800, seed=8)
    for name in ("customers", "transactions", "interactions", "needs", "campaigns"):
        assert not first[name].equals(second[name]), name
    # The catalogue and the channels belong to the company, not to the sample.
    pd.testing.assert_frame_equal(first["products"], second["products"])
    pd.testing.assert_frame_equal(first["channels"], second["channels"])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_is_byte_identical_for_the_same_seed(tmp_path, fmt):
    first = write_company(generate_company(300, seed=3), tmp_path / "a", fmt=fmt)
    second = write_company(generate_company(300, seed=3), tmp_path / "b", fmt=fmt)
    assert [path.name for path in first] == [f"{name}.{fmt}" for name in TABLE_NAMES] + [
        "company.yml"
    ]
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes(), one.name
    assert not list((tmp_path / "a").glob(".*")), "no temporary files are left behind"


def test_csv_uses_iso_dates_true_false_and_blanks(tmp_path):
    tables = generate_company(300, seed=3)
    write_company(tables, tmp_path)
    raw = pd.read_csv(tmp_path / "customers.csv", dtype=str, keep_default_na=False)
    assert list(raw.columns) == [column.name for column in TABLES["customers"].columns]
    assert raw["signup_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert set(raw["consent_marketing"]) == {"true", "false"}
    assert (raw["email"] == "").any(), "missing e-mails are written as blanks"
    lines = pd.read_csv(tmp_path / "transactions.csv", dtype=str, keep_default_na=False)
    assert set(lines["is_return"]) == {"true", "false"}
    # Whole quantities are written without a decimal part.
    assert lines["quantity"].str.fullmatch(r"-?\d+").all()
    text = (tmp_path / "customers.csv").read_text(encoding="utf-8")
    assert "\r" not in text


def test_parquet_keeps_the_tables(tmp_path):
    tables = generate_company(300, seed=3)
    write_company(tables, tmp_path, fmt="parquet")
    for name, table in tables.items():
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        pd.testing.assert_frame_equal(back, table, check_dtype=False)
        for column in table.columns:
            assert back[column].dtype.kind == table[column].dtype.kind, (name, column)


def test_the_loader_reads_back_the_same_tables(tmp_path):
    # Generated tables carry the dtypes the loader gives each column kind, so a company
    # in memory and the same company read from its folder are interchangeable.
    from crmlib.data.company import load_company

    tables = generate_company(300, seed=3)
    write_company(tables, tmp_path)
    loaded = load_company(tmp_path)
    for name, table in tables.items():
        pd.testing.assert_frame_equal(loaded.tables[name].reset_index(drop=True), table)


def test_company_yml_describes_the_company(tmp_path):
    write_company(generate_company(300, seed=5), tmp_path)
    company = yaml.safe_load((tmp_path / "company.yml").read_text(encoding="utf-8"))
    assert list(company) == [
        "name",
        "currency",
        "country",
        "observation_end",
        "description",
        "generated_by",
    ]
    assert company["name"] == "Tuincentrum Groenhuis"
    assert company["currency"] == "EUR"
    assert company["observation_end"] == "2025-12-31"
    assert company["generated_by"] == {"n_customers": 300, "seed": 5}


def test_create_sample_company_writes_data_and_example_answers(tmp_path):
    out = create_sample_company(tmp_path / "sample", n_customers=300, seed=11)
    assert out == tmp_path / "sample"
    for name in TABLE_NAMES:
        assert (out / f"{name}.csv").is_file(), name
    assert (out / "company.yml").is_file()
    written = {path for path in out.rglob("*") if path.is_file()}
    table_files = {out / f"{name}.csv" for name in TABLE_NAMES} | {out / "company.yml"}
    assert written - table_files, "example workshop answers are written too"


def test_bad_parameters_raise_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="n_customers"):
        generate_company(9)
    with pytest.raises(ParameterError, match="n_customers"):
        generate_company(100.5)
    with pytest.raises(ParameterError, match="seed"):
        generate_company(100, seed=-1)
    with pytest.raises(ParameterError, match="observation_end"):
        generate_company(100, observation_end="31/31/2025")
    tables = generate_company(100)
    with pytest.raises(ParameterError, match="fmt"):
        write_company(tables, tmp_path, fmt="xlsx")
    with pytest.raises(ParameterError, match="fmt"):
        create_sample_company(tmp_path, n_customers=100, fmt="json")
    with pytest.raises(ParameterError, match="n_customers"):
        create_sample_company(tmp_path, n_customers=3)
    assert not list(tmp_path.iterdir()), "nothing is written for bad parameters"


def test_observation_end_moves_the_whole_history():
    tables = generate_company(500, seed=1, observation_end="2024-06-30")
    end = pd.Timestamp("2024-06-30")
    assert tables["transactions"]["date"].max() <= end
    assert tables["interactions"]["date"].max() <= end
    assert tables["customers"]["signup_date"].min() >= end - pd.DateOffset(years=4)
    assert tables["campaigns"]["sent_date"].min() >= end - pd.DateOffset(years=2)


# Schema and integrity


def test_every_table_follows_the_schema(company):
    assert list(company) == list(TABLE_NAMES)
    for name, table in company.items():
        spec = TABLES[name]
        expected = [column.name for column in spec.columns]
        assert list(table.columns[: len(expected)]) == expected, name
        for column in spec.columns:
            check = KIND_CHECKS[column.kind]
            assert check(table[column.name].dtype), (name, column.name, table[column.name].dtype)
            if column.required:
                assert table[column.name].notna().all(), (name, column.name)


def test_needs_has_six_to_eight_dimensions_scored_one_to_five(company):
    needs = company["needs"]
    dimensions = [column for column in needs.columns if column not in NEEDS_META_COLUMNS]
    assert 6 <= len(dimensions) <= 8
    scores = needs[dimensions]
    assert (scores == scores.round()).all().all()
    assert scores.min().min() == 1
    assert scores.max().max() == 5
    assert needs["nps"].between(0, 10).all()
    assert 0.25 <= len(needs) / N_CUSTOMERS <= 0.35


def test_keys_are_unique_and_references_exist(company):
    customers = company["customers"]
    for name, spec in TABLES.items():
        if spec.key is not None:
            assert company[name][spec.key].is_unique, name
        for column, (other, other_column) in spec.references.items():
            known = set(company[other][other_column])
            assert company[name][column].isin(known).all(), (name, column)
    assert customers["customer_id"].str.fullmatch(r"C\d{6}").all()
    assert company["campaigns"].duplicated(["campaign_id", "customer_id"]).sum() == 0


def test_nothing_happens_before_a_customer_signed_up(company):
    signup = company["customers"].set_index("customer_id")["signup_date"]
    for name, column in (
        ("transactions", "date"),
        ("interactions", "date"),
        ("needs", "survey_date"),
        ("campaigns", "sent_date"),
    ):
        table = company[name]
        assert (table[column].to_numpy() >= signup[table["customer_id"]].to_numpy()).all(), name
        assert table[column].max() <= END, name


def test_interaction_and_sales_channels(company):
    assert list(company["channels"]["channel"]) == [
        "store",
        "webshop",
        "call centre",
        "e-mail",
        "chat",
        "social media",
    ]
    assert set(company["transactions"]["channel"]) == {"store", "webshop", "call centre"}
    assert set(company["interactions"]["process"]) == {
        "sales",
        "information",
        "billing",
        "warranty",
        "complaint",
        "delivery",
    }
    assert set(company["interactions"]["direction"]) == {"inbound", "outbound"}


# Customers: identification, households, gaps and duplicates


def test_customer_types_consent_and_gaps(company):
    customers = company["customers"]
    b2b = customers["type"] == "B2B"
    assert 0.06 <= b2b.mean() <= 0.10
    assert 0.60 <= customers["consent_marketing"].mean() <= 0.70
    for column in ("phone", "email"):
        assert 0.02 <= customers[column].isna().mean() <= 0.30, column
    assert 0.02 <= customers.loc[~b2b, "birth_date"].isna().mean() <= 0.30
    assert customers.loc[b2b, "birth_date"].isna().all()
    assert customers["signup_date"].between(END - pd.DateOffset(years=4), END).all()
    birth_year = customers["birth_date"].dt.year.dropna()
    assert birth_year.between(END.year - 91, END.year - 18).all()


def test_households_and_accounts_link_related_customers(company):
    customers = company["customers"]
    consumers = customers[customers["type"] == "B2C"]
    in_household = consumers["related_id"].notna()
    assert 0.25 <= in_household.mean() <= 0.35
    sizes = consumers.loc[in_household].groupby("related_id").size()
    assert sizes.between(2, 4).all()
    assert consumers.loc[in_household].groupby("related_id")["postcode"].nunique().eq(1).all()
    business = customers[customers["type"] == "B2B"]
    assert business["related_id"].str.startswith("A").all()
    accounts = business.groupby("related_id")
    assert (accounts.size() > 1).any()
    assert accounts["name"].nunique().eq(1).all()


def test_a_handful_of_probable_duplicates(company):
    consumers = company["customers"][company["customers"]["type"] == "B2C"]
    repeated = consumers[consumers.duplicated(["name", "postcode"], keep=False)]
    groups = repeated.groupby(["name", "postcode"]).ngroups
    assert 5 <= groups <= 0.02 * N_CUSTOMERS


def test_some_customers_never_bought(company, customer_value):
    never = (customer_value["revenue"] == 0).mean()
    assert 0.02 <= never <= 0.15


# Transactions: value, lifetime, returns, products


def test_value_is_pareto_like(customer_value):
    revenue = np.sort(customer_value["revenue"].to_numpy())[::-1]
    top = revenue[: len(revenue) // 5].sum() / revenue.sum()
    assert 0.60 <= top <= 0.90


def test_business_accounts_spend_more_per_customer(company, customer_value):
    business = (company["customers"]["type"] == "B2B").to_numpy()
    revenue = customer_value["revenue"].to_numpy()
    assert revenue[business].mean() > 2 * revenue[~business].mean()


def _bgnbd_negative_log_likelihood(log_params, frequency, recency, age):
    r, alpha, a, b = np.exp(log_params)
    common = gammaln(r + frequency) - gammaln(r) + r * np.log(alpha)
    common += betaln(a, b + frequency) - betaln(a, b)
    alive = -(r + frequency) * np.log(alpha + age)
    with np.errstate(divide="ignore"):
        dropped = np.where(
            frequency > 0,
            np.log(a)
            - np.log(np.maximum(b + frequency - 1, 1e-12))
            - (r + frequency) * np.log(alpha + recency),
            -np.inf,
        )
    return -(common + np.logaddexp(alive, dropped)).sum()


def test_purchases_follow_the_bgnbd_story(company):
    # Fit BG/NBD by maximum likelihood on weekly repeat-purchase data: the heterogeneity
    # and drop-out parameters used to draw the company come back out.
    sales = company["transactions"][~company["transactions"]["is_return"]]
    days = sales.groupby("customer_id")["date"]
    first, last = days.min(), days.max()
    frequency = (days.nunique() - 1).to_numpy(dtype=float)
    recency = ((last - first).dt.days / 7).to_numpy()
    age = ((END - first).dt.days / 7).to_numpy()
    fit = minimize(
        _bgnbd_negative_log_likelihood,
        np.log([1.0, 10.0, 1.0, 3.0]),
        args=(frequency, recency, age),
        method="Nelder-Mead",
        options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-6},
    )
    r, alpha, a, b = np.exp(fit.x)
    assert r == pytest.approx(hidden.BGNBD_R, rel=0.25)
    assert a == pytest.approx(hidden.BGNBD_A, rel=0.3)
    assert b == pytest.approx(hidden.BGNBD_B, rel=0.3)
    # The segments scale the rate, so alpha lands below the drawing value.
    assert 5.0 < alpha < hidden.BGNBD_ALPHA * 1.2


def test_returns_are_negative_lines(company):
    lines = company["transactions"]
    returns = lines[lines["is_return"]]
    assert 0.01 <= len(returns) / len(lines) <= 0.03
    assert (returns["quantity"] < 0).all() and (returns["amount"] < 0).all()
    sales = lines[~lines["is_return"]]
    assert (sales["quantity"] >= 1).all() and (sales["amount"] > 0).all()


def test_cost_follows_the_product_margin(company):
    lines = company["transactions"].merge(company["products"], on="product_id")
    sales = lines[~lines["is_return"] & (lines["amount"] > 5)]
    implied_margin = 1 - sales["cost"] / sales["amount"]
    assert (implied_margin - sales["margin_rate"]).abs().median() < 0.03
    margins = company["products"].groupby("category")["margin_rate"].mean()
    assert margins.between(0.15, 0.6).all()
    assert margins.max() - margins.min() > 0.2


def test_catalogue_has_categories_and_suppliers(company):
    products = company["products"]
    assert 120 <= len(products) <= 200
    assert products["category"].nunique() == 10
    assert products.groupby("category")["supplier"].nunique().ge(2).all()
    assert (products["price"] > 0).all()


def test_garden_products_sell_in_spring(company):
    lines = company["transactions"].merge(company["products"], on="product_id")
    month = lines["date"].dt.month
    garden = lines["category"].isin(["plants", "garden furniture", "barbecue"])
    spring = (garden & month.isin([4, 5])).sum()
    winter = (garden & month.isin([1, 2])).sum()
    assert spring > 3 * winter
    christmas = lines["category"] == "christmas"
    assert month[christmas].isin([11, 12]).mean() > 0.9


def test_categories_are_bought_together(company):
    # Lift of barbecues with garden furniture in the same receipt, and category loyalty.
    lines = company["transactions"].merge(company["products"], on="product_id")
    lines = lines[~lines["is_return"]]
    receipt = lines["transaction_id"].str.split("-").str[0]
    baskets = pd.crosstab(receipt, lines["category"]) > 0
    both = (baskets["barbecue"] & baskets["garden furniture"]).mean()
    lift = both / (baskets["barbecue"].mean() * baskets["garden furniture"].mean())
    assert lift > 2.0
    per_customer = pd.crosstab(lines["customer_id"], lines["category"], normalize="index")
    overall = lines["category"].value_counts(normalize=True)
    # Customers concentrate on fewer categories than the shop as a whole.
    assert (per_customer**2).sum(axis=1).mean() > 1.5 * (overall**2).sum()


# Interactions: channels, orchestration, cost to serve


def test_customers_hop_channels_about_one_question(company):
    contacts = company["interactions"].sort_values(["customer_id", "date", "interaction_id"])
    same_question = (
        contacts["customer_id"].eq(contacts["customer_id"].shift())
        & contacts["process"].eq(contacts["process"].shift())
        & (contacts["date"] - contacts["date"].shift()).dt.days.le(7)
    )
    hopped = same_question & contacts["channel"].ne(contacts["channel"].shift())
    assert same_question.mean() > 0.1
    assert hopped.mean() > 0.05


def test_some_channel_process_pairs_serve_worse(company):
    contacts = company["interactions"]
    assert 0.3 <= contacts["satisfaction"].isna().mean() <= 0.7
    rated = contacts.dropna(subset=["satisfaction"])
    assert rated["satisfaction"].between(1, 5).all()
    pairs = rated.groupby(["channel", "process"])["satisfaction"].mean()
    assert pairs.min() < rated["satisfaction"].mean() - 1.0
    settled = contacts.groupby(["channel", "process"])["resolved"].mean()
    assert settled.max() - settled.min() > 0.4


def test_some_customers_are_below_zero_after_cost_to_serve(customer_value):
    below = customer_value["net"] < 0
    assert 0.01 <= below.mean() <= 0.3
    # Below zero because they are served often, not only because they buy little.
    serve = customer_value["cost_to_serve"]
    assert serve[below].mean() > 2 * serve[~below].mean()
    assert customer_value["net"].sum() > 0


def test_cost_magnets_complain_and_return_more(company, customer_value):
    contacts = company["interactions"]
    complaints = (
        contacts["process"]
        .isin(["complaint", "warranty"])
        .groupby(contacts["customer_id"])
        .sum()
        .reindex(customer_value.index, fill_value=0)
    )
    below = customer_value["net"] < 0
    assert complaints[below].mean() > 3 * complaints[~below].mean()


# Needs and campaigns


def _within_share(scores: np.ndarray, k: int) -> float:
    _, labels = kmeans2(scores, k, seed=3, minit="++")
    within = sum(
        ((scores[labels == j] - scores[labels == j].mean(axis=0)) ** 2).sum()
        for j in range(k)
        if (labels == j).any()
    )
    return within / ((scores - scores.mean(axis=0)) ** 2).sum()


def test_needs_segments_can_be_found(company):
    needs = company["needs"]
    dimensions = [column for column in needs.columns if column not in NEEDS_META_COLUMNS]
    scores = needs[dimensions].to_numpy(dtype=float)
    # The same marginals with the columns shuffled independently have no segments.
    rng = np.random.default_rng(0)
    shuffled = np.column_stack([rng.permutation(column) for column in scores.T])
    assert _within_share(scores, 5) < 0.45
    assert _within_share(shuffled, 5) > 0.6


def test_nps_rises_with_value(company, customer_value):
    needs = company["needs"].set_index("customer_id")
    margin = customer_value["margin"].reindex(needs.index)
    assert needs["nps"].corr(margin, method="spearman") > 0.2


def test_campaigns_go_only_to_consenting_customers(company):
    campaigns = company["campaigns"]
    customers = company["customers"].set_index("customer_id")
    assert 6 <= campaigns["campaign_id"].nunique() <= 10
    assert customers.loc[campaigns["customer_id"], "consent_marketing"].all()
    by_email = campaigns["channel"] == "e-mail"
    assert customers.loc[campaigns.loc[by_email, "customer_id"], "email"].notna().all()
    assert campaigns["sent_date"].between(END - pd.DateOffset(years=2), END).all()
    assert (campaigns.loc[~campaigns["responded"], "revenue"] == 0).all()
    assert (campaigns.loc[campaigns["responded"], "revenue"] > 0).all()
    assert 0.02 <= campaigns["responded"].mean() <= 0.2


def test_active_customers_respond_more(company):
    campaigns = company["campaigns"]
    lines = company["transactions"]
    recent = lines[lines["date"] >= END - pd.DateOffset(years=2)]
    visits = recent.groupby("customer_id")["date"].nunique()
    activity = visits.reindex(campaigns["customer_id"], fill_value=0).to_numpy()
    responded = campaigns["responded"].to_numpy()
    assert activity[responded].mean() > 1.3 * activity[~responded].mean()


# Scale


@pytest.mark.slow
def test_rows_grow_linearly_with_customers(company):
    large = generate_company(10 * N_CUSTOMERS, seed=42)
    assert len(large["customers"]) == 10 * N_CUSTOMERS
    for name in ("transactions", "interactions", "needs", "campaigns"):
        ratio = len(large[name]) / len(company[name])
        assert 8.5 <= ratio <= 11.5, (name, ratio)
    assert len(large["products"]) == len(company["products"])
    assert large["customers"]["customer_id"].str.fullmatch(r"C\d{6}").all()
