"""The customer bases a render builds in the engine are the ones its kernels would build.

``render`` and ``batch`` keep a database or Parquet company's checked tables for the
notebooks' kernels, then build the bases the notebooks read (at the observation end and
a year before it) in the engine and store them in the base cache under the keys a kernel
computes from those tables (crmlib/analytics/base_engine.py, ``keep_for_kernels``). A
kernel must then find them there (not build its own), in its language, and each must be
the base the kernel would have built from the lines: same table, same metadata.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pandas as pd
import pytest

import crmlib.analytics.base as base_module
from crmlib import i18n
from crmlib.analytics.base import customer_base, year_back
from crmlib.analytics.base_engine import keep_for_kernels
from crmlib.data.checked import offered_to_kernels
from crmlib.data.company import load_company, open_settings
from crmlib.data.database import parse_source, write_tables
from crmlib.errors import ParameterError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """A cache and a memo of bases of this test's own, and the cache's log."""
    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CRM_WORKBOOK_CACHE_LOG", str(tmp_path / "cache.log"))
    monkeypatch.setattr(base_module, "_MEMORY", OrderedDict())
    return tmp_path / "cache.log"


def logged(log: Path) -> list[list[str]]:
    return [line.split()[:2] for line in log.read_text(encoding="utf-8").splitlines()]


def assert_kernels_read_the_engines_bases(
    source: str, folder: Path, keys: list[str], log: Path, monkeypatch, language=None
):
    settings = open_settings(source, language=language)
    assert logged(log) == [["engine", key] for key in keys]
    with offered_to_kernels(folder), i18n.using(settings.setting):
        # what a kernel does: read the kept tables, ask for the base, and the one a year
        # back (the value chain's relationships, IDOL's migrations)
        company = load_company(source, language=language)
        now = customer_base(company)
        # the year back as the relationships and the migrations ask for it: with the
        # settings the company's base resolved (its metric, not None)
        back = {
            **now.settings.arguments(),
            "observation_end": year_back(now.settings.observation_end),
        }
        stored = [now, customer_base(company, **back)]
        assert [(base.source, base.key) for base in stored] == [("disk", key) for key in keys]
        # and what it would have built from the lines itself
        monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(folder.parent / "other-cache"))
        monkeypatch.setattr(base_module, "_MEMORY", OrderedDict())
        built = [customer_base(company), customer_base(company, **back)]
    for own, engine in zip(built, stored, strict=True):
        assert (own.source, own.key) == ("built", engine.key)
        pd.testing.assert_frame_equal(engine.table, own.table, check_exact=True)
        assert engine.meta == own.meta
        assert engine.currency == own.currency


@pytest.mark.parametrize("language", [None, "nl"])
def test_the_sample_in_duckdb(sample_duckdb, tmp_path, empty_cache, monkeypatch, language):
    # a Dutch report's base holds Dutch sentences: it is built and keyed in Dutch
    folder = tmp_path / "kept"
    keys = keep_for_kernels(open_settings(sample_duckdb, language=language), folder, sample_duckdb)
    assert len(keys) == 2
    assert_kernels_read_the_engines_bases(
        sample_duckdb, folder, keys, empty_cache, monkeypatch, language
    )


def test_a_folder_of_parquet_files(sample_parquet, tmp_path, empty_cache, monkeypatch):
    source = str(sample_parquet)
    keys = keep_for_kernels(open_settings(source), tmp_path / "kept", source)
    assert len(keys) == 2
    assert_kernels_read_the_engines_bases(source, tmp_path / "kept", keys, empty_cache, monkeypatch)


def test_customers_derived_from_the_lines(tmp_path, empty_cache, monkeypatch):
    # CDNOW has transactions only: the kept customers table is derived, and keyed as such
    company = load_company(ROOT / "data" / "cdnow")
    url = f"duckdb://{tmp_path / 'cdnow.duckdb'}"
    write_tables(parse_source(url), [("transactions", company.transactions)])
    keys = keep_for_kernels(open_settings(url), tmp_path / "kept", url)
    assert len(keys) == 2
    assert_kernels_read_the_engines_bases(url, tmp_path / "kept", keys, empty_cache, monkeypatch)


def test_a_given_observation_end_is_the_kernels(sample_duckdb, tmp_path, empty_cache, monkeypatch):
    # render passes -p observation_end to both the engine and the kernels
    settings = open_settings(sample_duckdb, observation_end="2025-06-30")
    folder = tmp_path / "kept"
    keys = keep_for_kernels(settings, folder, sample_duckdb, observation_end="2025-06-30")
    with offered_to_kernels(folder):
        company = load_company(sample_duckdb, observation_end="2025-06-30")
        stored = customer_base(company)
    assert (stored.source, stored.key) == ("disk", keys[0])
    assert stored.settings.observation_end == pd.Timestamp("2025-06-30")


def test_a_second_render_reuses_the_stored_base(sample_duckdb, tmp_path, empty_cache):
    settings = open_settings(sample_duckdb)
    first = keep_for_kernels(settings, tmp_path / "one", sample_duckdb)
    second = keep_for_kernels(settings, tmp_path / "two", sample_duckdb)
    assert first == second
    assert logged(empty_cache) == [["engine", key] for key in first]  # built once


def test_a_base_the_engine_cannot_build_is_left_to_the_kernels(
    sample_duckdb, tmp_path, empty_cache, monkeypatch
):
    import crmlib.analytics.base_engine as base_engine

    def refuse(*args, **kwargs):
        raise ParameterError("transactions is empty: there is no customer base to build")

    monkeypatch.setattr(base_engine, "store_engine_bases", refuse)
    folder = tmp_path / "kept"
    assert keep_for_kernels(open_settings(sample_duckdb), folder, sample_duckdb) == []
    # the tables are kept all the same: the first kernel builds the base and says why not
    assert (folder / "checked.json").is_file()


def test_a_batch_client_gets_its_base_in_its_language(sample_duckdb, tmp_path, empty_cache):
    from crmlib.batch.jobs import check_client

    assert check_client(sample_duckdb, None, str(tmp_path / "kept"), "nl") is None
    assert [event for event, _ in logged(empty_cache)] == ["engine", "engine"]
    from crmlib.data.company import company_setting

    # the setting the batch gives the client's kernels
    setting = company_setting(sample_duckdb, "nl")
    with offered_to_kernels(tmp_path / "kept"), i18n.using(setting):
        company = load_company(sample_duckdb, language="nl")
        assert customer_base(company).source == "disk"


def test_a_base_the_data_does_not_reach_is_left_to_the_kernel(
    sample_company, tmp_path, empty_cache
):
    from crmlib.errors import MissingDataError

    # half a year of lines: there is no base a year back, and the engine stores none
    end = sample_company.observation_end
    lines = sample_company.transactions
    recent = lines[(lines["date"] > end - pd.DateOffset(months=6)).to_numpy(dtype=bool)]
    url = f"duckdb://{tmp_path / 'recent.duckdb'}"
    write_tables(parse_source(url), [("transactions", recent)])
    (key,) = keep_for_kernels(open_settings(url), tmp_path / "kept", url)
    with offered_to_kernels(tmp_path / "kept"):
        company = load_company(url)
        assert customer_base(company).key == key
        # the kernel asking for it meets the reason itself, as it did before
        with pytest.raises(MissingDataError, match="there is no customer base to build"):
            customer_base(company, observation_end=year_back(company.observation_end))
