"""Tests of the large sample company drawn block by block (crmlib.sample._blocks)."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from crmlib.data.company import load_company
from crmlib.data.schema import TABLE_NAMES
from crmlib.errors import ParameterError
from crmlib.sample import create_sample_company, generate_company, generate_company_blocks
from crmlib.sample._blocks import block_sizes

N_CUSTOMERS = 1000
BLOCK = 300
SEED = 7


def _whole(blocks: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    return {
        name: pd.concat([block[name] for block in blocks if name in block], ignore_index=True)
        for name in TABLE_NAMES
    }


@pytest.fixture(scope="module")
def blocks() -> list[dict[str, pd.DataFrame]]:
    return list(generate_company_blocks(N_CUSTOMERS, SEED, block_size=BLOCK))


@pytest.fixture(scope="module")
def company(blocks) -> dict[str, pd.DataFrame]:
    return _whole(blocks)


def test_blocks_are_near_equal_and_never_too_small():
    assert block_sizes(1000, 300) == [250, 250, 250, 250]
    assert block_sizes(601, 300) == [201, 200, 200]
    assert sum(block_sizes(5_000_001, 250_000)) == 5_000_001
    with pytest.raises(ParameterError, match="block_size"):
        block_sizes(1000, 5)


def test_a_company_within_one_block_is_drawn_as_before():
    (only,) = generate_company_blocks(400, SEED, block_size=400)
    whole = generate_company(400, seed=SEED)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(only[name], whole[name], check_exact=True)


def test_blocks_have_the_schema_of_the_whole_company(blocks):
    reference = generate_company(300, seed=SEED)
    assert len(blocks) == 4
    assert list(blocks[0]) == list(TABLE_NAMES)
    for block in blocks[1:]:
        # products and channels are shared: only the first block carries them
        assert list(block) == [n for n in TABLE_NAMES if n not in ("products", "channels")]
    for block in blocks:
        for name, table in block.items():
            assert list(table.columns) == list(reference[name].columns), name
            assert table.dtypes.equals(reference[name].dtypes), name


def test_row_counts(company):
    assert len(company["customers"]) == N_CUSTOMERS
    assert len(company["products"]) == len(generate_company(300, seed=SEED)["products"])
    assert len(company["channels"]) == 6
    # about ten purchase lines and two contacts per customer, as in one block
    assert 7 * N_CUSTOMERS < len(company["transactions"]) < 14 * N_CUSTOMERS
    assert 1.2 * N_CUSTOMERS < len(company["interactions"]) < 3.5 * N_CUSTOMERS


def test_ids_are_unique_and_references_exist(company):
    customers = company["customers"]
    ids = customers["customer_id"]
    assert ids.is_unique
    assert ids.iloc[0] == "C000001" and ids.iloc[-1] == f"C{N_CUSTOMERS:06d}"
    assert company["transactions"]["transaction_id"].is_unique
    assert company["interactions"]["interaction_id"].is_unique
    for name in ("transactions", "interactions", "needs", "campaigns"):
        assert company[name]["customer_id"].isin(ids).all(), name
    assert company["transactions"]["product_id"].isin(company["products"]["product_id"]).all()
    assert company["interactions"]["channel"].isin(company["channels"]["channel"]).all()


def test_households_and_accounts_stay_within_a_block(blocks, company):
    related = company["customers"]["related_id"].dropna()
    members = related.value_counts()
    assert (members >= 2).mean() > 0.5, "households and accounts are numbered apart per block"
    block_of = pd.Series(
        [index for index, block in enumerate(blocks) for _ in range(len(block["customers"]))]
    )
    known = company["customers"]["related_id"].notna()
    spread = block_of[known].groupby(company["customers"]["related_id"][known]).nunique()
    assert (spread == 1).all()


def test_same_seed_same_blocks_and_another_seed_others(company):
    again = _whole(list(generate_company_blocks(N_CUSTOMERS, SEED, block_size=BLOCK)))
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(again[name], company[name], check_exact=True)
    other = _whole(list(generate_company_blocks(N_CUSTOMERS, SEED + 1, block_size=BLOCK)))
    assert not other["transactions"].equals(company["transactions"])


def test_folder_and_duckdb_hold_the_same_company(tmp_path, company):
    folder = create_sample_company(
        tmp_path / "folder", n_customers=N_CUSTOMERS, seed=SEED, fmt="parquet", block_size=BLOCK
    )
    url = f"duckdb:///{tmp_path / 'db' / 'company.duckdb'}"
    create_sample_company(url, n_customers=N_CUSTOMERS, seed=SEED, block_size=BLOCK)
    # one row group per block
    assert pq.ParquetFile(folder / "transactions.parquet").num_row_groups == 4
    assert not list(folder.glob(".*")), "no temporary files are left behind"
    from_folder = load_company(folder)
    from_database = load_company(url)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(
            from_folder.tables[name].reset_index(drop=True),
            from_database.tables[name].reset_index(drop=True),
        )
        pd.testing.assert_frame_equal(
            from_folder.tables[name].reset_index(drop=True), company[name], check_dtype=False
        )
    settings = yaml.safe_load((folder / "company.yml").read_text(encoding="utf-8"))
    assert settings["generated_by"] == {"n_customers": N_CUSTOMERS, "seed": SEED}
    assert (tmp_path / "db" / "company.yml").read_text() == (folder / "company.yml").read_text()


def test_csv_folder_has_one_header_and_every_block(tmp_path, company):
    folder = create_sample_company(
        tmp_path / "csv", n_customers=N_CUSTOMERS, seed=SEED, fmt="csv", block_size=BLOCK
    )
    loaded = load_company(folder)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(
            loaded.tables[name].reset_index(drop=True), company[name], check_dtype=False
        )


def test_a_bad_block_size_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="block_size must be at least 20"):
        create_sample_company(tmp_path, n_customers=100, block_size=10)
    with pytest.raises(ParameterError, match="block_size must be a whole number"):
        next(generate_company_blocks(100, block_size="big"))


def test_the_cli_draws_a_large_company_in_blocks(tmp_path):
    from click.testing import CliRunner

    from crmlib.cli import cli

    out = tmp_path / "company"
    result = CliRunner().invoke(
        cli, ["sample", "--out", str(out), "--customers", "90", "--block-size", "40"]
    )
    assert result.exit_code == 0, result.output
    customers = pd.read_csv(out / "customers.csv")
    assert len(customers) == 90 and customers["customer_id"].is_unique
    blocks = _whole(list(generate_company_blocks(90, 42, block_size=40)))
    assert customers["customer_id"].tolist() == blocks["customers"]["customer_id"].tolist()
    result = CliRunner().invoke(
        cli, ["sample", "--out", str(out), "--customers", "90", "--block-size", "5"]
    )
    assert result.exit_code == 2 and "--block-size" in result.output
