"""The customer base of a company in a database, built from what its engine computes.

:func:`crmlib.analytics.base.customer_base` groups the loaded lines in NumPy. For a
company in a database, or in a folder of Parquet files, :func:`engine_customer_base`
asks the engine for the per-customer facts instead (:mod:`crmlib.data.line_facts`):
what each customer bought and was contacted in the window and the window before, the
days and amounts RFM scores, the lifetime-value summary and the split the model is
chosen on. Only rows per customer come back, so a warehouse of fifty million lines
gives its base in the memory of its customers, not of its lines.

The base is then finished by the same code as the loaded one
(:func:`crmlib.analytics.base.finish_base`): the same forecast, SSC flags, value
categories and tiers. A test holds the two to the same table on the sample company and
on CDNOW.
"""

from __future__ import annotations

import gc
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlib import i18n
from crmlib.analytics import base_cache
from crmlib.analytics.base import (
    BASE_TABLES,
    DEFAULT_SETTINGS,
    EPISODE_WINDOW_DAYS,
    EPISODES_NEED,
    NO_CONTACT_BY_END,
    CustomerBase,
    check_base_settings,
    finish_base,
    given_end,
    put_rfm,
    put_value,
    requested_settings,
    stored_meta,
    value_metric_of,
    year_back,
)
from crmlib.analytics.lifetime_fit import fit_lifetime_models
from crmlib.analytics.model_choice import choose_on_split, default_calibration_end, no_holdout
from crmlib.analytics.rfm import rfm_scores, rfm_segments
from crmlib.analytics.summary import holdout_periods
from crmlib.data.checked_in_engine import keep_checked_tables
from crmlib.data.company import Settings
from crmlib.data.engine_checks import engine_tables, ids_as_parsed
from crmlib.data.line_facts import (
    contact_facts,
    episode_counts,
    holdout_split,
    purchase_facts,
)
from crmlib.data.pushdown import finish_summary, summary_expression
from crmlib.errors import CrmlibError, ParameterError
from crmlib.memory import release_memory
from crmlib.progress import step_bar
from crmlib.text import N_
from crmlib.text_columns import isin


def engine_customer_base(
    data: str | os.PathLike[str],
    *,
    observation_end: object = None,
    window_months: int = 12,
    value_metric: str | None = None,
    ssc_share: float = 0.2,
    mgc_share: float = 0.2,
    horizon_months: int = 36,
    discount_rate: float = 0.1,
    freq: str = "W",
    progress: bool = False,
) -> CustomerBase | None:
    """The customer base of a database company (or a folder of Parquet files).

    Parameters as for :func:`crmlib.analytics.base.customer_base`, with ``data`` the
    company's database URL or folder; ``progress`` shows a progress bar (tqdm) on
    stderr, as the engine's work takes a minute at millions of lines. The company is expected to be checked already
    (:func:`crmlib.data.engine_checks.engine_check`): this computes, it does not check.

    Returns
    -------
    CustomerBase or None
        None when the engine cannot read the company as pandas would (a CSV or Excel
        file, a column stored as text): build the base from the loaded company then.
    """
    settings = {
        "window_months": window_months,
        "value_metric": value_metric,
        "ssc_share": ssc_share,
        "mgc_share": mgc_share,
        "horizon_months": horizon_months,
        "discount_rate": discount_rate,
        "freq": freq,
    }
    check_base_settings(**settings)
    with engine_tables(data) as found:
        if found is None:
            return None
        company, tables = found
        end = _end(observation_end, company, tables["transactions"])
        requested = requested_settings(end, company.currency, **settings)
        with step_bar(len(_STEPS), "customer base", progress) as bar:
            return _build(tables, end, requested, bar)


def keep_for_kernels(
    settings: Settings,
    folder: Path,
    source: str | os.PathLike[str],
    *,
    observation_end: object = None,
    progress: bool = False,
) -> list[str]:
    """Keep a checked company's tables for a render's kernels, and their bases beside them.

    The tables are kept as :func:`crmlib.data.checked_in_engine.keep_checked_tables`
    keeps them; then the bases the notebooks read are built in the engine
    (:func:`store_engine_bases`), in the language of the report. Returns the bases'
    cache keys; the kernels build any other.

    Raises
    ------
    OSError
        When ``folder`` has no room: the kernels then read the source themselves.
    """
    digests = keep_checked_tables(settings, folder, source)
    try:
        with i18n.using(settings.setting):
            return store_engine_bases(
                source, digests, observation_end=observation_end, progress=progress
            )
    except CrmlibError:
        # what stops the engine's bases stops the first kernel that asks for one too,
        # which says so in its report, in the words of the step that needed it
        return []
    finally:
        # the bases are on disk: this process holds none of them while the kernels run
        gc.collect()
        release_memory()


def store_engine_bases(
    data: str | os.PathLike[str],
    digests: Mapping[str, str],
    *,
    observation_end: object = None,
    progress: bool = False,
) -> list[str]:
    """Build the company's customer bases in its engine, where its notebooks will read them.

    A render (or a batch client) has kept the checked tables for its notebooks' kernels,
    with their ``digests`` (:func:`crmlib.data.checked_in_engine.keep_checked_tables`).
    The notebooks ask for the company's base with the default settings
    (:func:`crmlib.analytics.base.customer_base`) at the observation end, and a year
    before it (:func:`crmlib.analytics.base.year_back`: the value chain's relationships
    and IDOL's migrations) with the settings that base resolved (its value metric
    rather than None: the same base, under another key), under cache keys made of
    those digests. This builds both
    here, in the engine, and stores them under those keys: the kernels then read them
    from the cache rather than group the lines themselves. Call it in the language the
    kernels will speak (:func:`crmlib.i18n.using`), as a base holds sentences.

    Returns
    -------
    list of str
        The keys of the bases stored (or there already). Empty when the engine cannot
        read the company as pandas would; a base the data does not allow (no purchases a
        year back), or that the cache cannot keep, is left out. The kernel that asks for
        a base left out builds it, or says why it cannot.
    """
    keys = []
    with engine_tables(data) as found:
        if found is None:
            return keys
        company, tables = found
        end = _end(observation_end, company, tables["transactions"])
        # the notebooks ask for the base a year back with the company base's settings as
        # that base resolved them (BaseSettings.arguments()): its value metric, not None
        metric = None
        with step_bar(2 * len(_STEPS), "customer bases", progress) as bar:
            for day in (end, year_back(end)):
                settings = {**DEFAULT_SETTINGS}
                if day != end and metric is not None:
                    settings["value_metric"] = metric
                requested = requested_settings(day, company.currency, **settings)
                key = base_cache.digests_key(
                    {name: digests.get(name, "none") for name in BASE_TABLES}, requested
                )
                if base_cache.has(key):
                    keys.append(key)
                    bar.update(len(_STEPS))
                    metric = metric or _stored_metric(key)
                    continue
                try:
                    base = _build(tables, day, requested, bar)
                except CrmlibError:
                    # the kernel asking for it meets the same, and says so in its report
                    continue
                metric = metric or base.settings.value_metric
                if base_cache.store(key, base.table, stored_meta(base)):
                    base_cache.log_event("engine", key)
                    keys.append(key)
    return keys


def _stored_metric(key: str) -> str | None:
    """The value metric a cached base resolved to (None when it cannot be read)."""
    meta = base_cache.load_meta(key) or {}
    return (meta.get("settings") or {}).get("value_metric")


def _end(observation_end: object, settings, transactions) -> pd.Timestamp:
    """The observation end: given, else company.yml's, else the last transaction's day."""
    end = given_end(observation_end)
    if end is not None:
        return end
    if settings.observation_end is not None:
        return pd.Timestamp(settings.observation_end).normalize()
    last = transactions.date.max().execute()
    if pd.isna(last):
        raise ParameterError("transactions is empty: there is no customer base to build")
    return pd.Timestamp(last).normalize()


#: What the engine is asked, in order (the progress bar's steps).
_STEPS = ("purchases", "customers", "contacts", "lifetime summary", "model choice", "episodes")


def _build(tables: dict, end: pd.Timestamp, requested: dict[str, Any], bar) -> CustomerBase:
    def step(name: str) -> None:
        if bar.n or name != _STEPS[0]:
            bar.update()
        bar.set_description(name)

    transactions = tables["transactions"]
    window_months = requested["window_months"]
    start = end - pd.DateOffset(months=window_months)
    previous_start = start - pd.DateOffset(months=window_months)
    notes: list[str] = []

    step("purchases")
    bought = purchase_facts(
        transactions, tables.get("products"), end=end, start=start, previous_start=previous_start
    )
    metric = value_metric_of(requested, bought.margin_known, notes)
    step("customers")
    ids, consent = _customers(tables, bought.table.index)
    facts = bought.table.reindex(ids)
    out = pd.DataFrame(index=ids)
    out.index.name = "customer_id"
    out["first_purchase"] = facts["first_purchase"].to_numpy()
    out["last_purchase"] = facts["last_purchase"].to_numpy()
    _rfm_columns(out, bought.table, end)
    out["purchases"] = facts["purchases"].fillna(0).astype(np.int64).to_numpy()
    out["revenue"] = facts["revenue"].fillna(0.0).to_numpy(dtype=float)
    if bought.margin_known:
        out["gross_margin"] = facts["margin"].fillna(0.0).to_numpy(dtype=float)
    else:
        out["gross_margin"] = np.nan

    interactions, channels = tables.get("interactions"), tables.get("channels")
    contacts_known = interactions is not None and {"customer_id", "date"} <= set(
        interactions.columns
    )
    cts_known = contacts_known and channels is not None and "channel" in interactions.columns
    contacted = pd.Index([])
    out["n_contacts"] = pd.array([pd.NA] * len(ids), dtype="Int64")
    out["cost_to_serve"] = np.nan
    previous_cost = None
    step("contacts")
    if contacts_known:
        served = contact_facts(
            interactions,
            channels if cts_known else None,
            end=end,
            start=start,
            previous_start=previous_start,
            previous_costed=metric == "margin",
        ).table
        in_window = served[served["n_contacts"] > 0]
        contacted = in_window.index
        out["n_contacts"] = in_window["n_contacts"].reindex(ids).fillna(0).astype("Int64")
        if cts_known:
            out["cost_to_serve"] = in_window["cost_to_serve"].reindex(ids).fillna(0.0)
            previous_cost = served["previous_cost_to_serve"].reindex(ids).fillna(0.0)
    if not cts_known:
        notes.append(N_("cost to serve not measured: no interactions or channels table"))
    earlier = facts["previous_margin" if metric == "margin" else "previous_revenue"]
    earlier = earlier.fillna(0.0).astype(float)
    if metric == "margin" and previous_cost is not None:
        earlier = earlier - previous_cost
    out["previous_value"] = earlier.to_numpy(dtype=float)
    out["previous_revenue"] = facts["previous_revenue"].fillna(0.0).to_numpy(dtype=float)
    put_value(out, metric, bought.margin_known)
    out["is_buyer"] = facts["is_buyer"].fillna(False).astype(bool).to_numpy()
    out["bought_previous_window"] = (
        facts["bought_previous_window"].fillna(False).astype(bool).to_numpy()
    )
    out["is_active"] = out["is_buyer"] | isin(out.index, contacted)

    freq = requested["freq"]
    step("lifetime summary")
    summary = _summary(transactions, end, freq)
    step("model choice")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        choice = _model_choice(transactions, bought, summary, end, freq)
        fit = fit_lifetime_models(
            summary, out["is_buyer"], observation_end=end, freq=freq, choice=choice
        )
    step("episodes")
    episodes = _episodes(interactions, start, end)
    bar.update()
    return finish_base(
        out,
        summary,
        fit,
        requested=requested,
        metric=metric,
        window=(previous_start, start, end),
        data_start=bought.data_start,
        known={
            "margin_known": bought.margin_known,
            "cost_to_serve_known": bool(cts_known),
            "contacts_known": bool(contacts_known),
        },
        consent=consent,
        episodes=episodes,
        notes=notes,
    )


def _customers(tables: dict, present: pd.Index) -> tuple[pd.Index, pd.Series | None]:
    """The base's customers (sorted text ids) and their consent, when the data has it.

    The customers table's ids and consent come back, one row per customer; without a
    customers table, the customers are every id the transactions name (as the loaded
    company derives them), also those whose lines all fall after the observation end.
    """
    customers = tables.get("customers")
    if customers is None:
        source, consent_column = tables["transactions"], None
    else:
        source = customers
        consent_column = "consent_marketing" if "consent_marketing" in customers.columns else None
    columns = {"customer_id": ids_as_parsed(source.customer_id)}
    if consent_column:
        columns["consent"] = source[consent_column].cast("boolean")
    listed = source.select(**columns)
    listed = listed.filter(listed.customer_id.notnull())
    if consent_column is None:
        listed = listed.distinct()
    frame = listed.to_pandas()
    known = pd.Index(frame["customer_id"].astype(str).unique())
    ids = pd.Index(present.astype(str)).union(known).sort_values().astype(str)
    ids.name = "customer_id"
    consent = None
    if consent_column:
        # the first row of a customer listed twice, as the loaded base takes it
        first = frame.drop_duplicates("customer_id")
        consent = pd.Series(
            first["consent"].astype("boolean").to_numpy(),
            index=first["customer_id"].astype(str).to_numpy(),
        )
    return ids, consent


def _rfm_columns(out: pd.DataFrame, facts: pd.DataFrame, end: pd.Timestamp) -> None:
    """Recency, frequency and monetary value, scored and segmented as the loaded base does."""
    end_day = end.to_datetime64().astype("datetime64[D]")
    last = facts["last_day"].to_numpy().astype("datetime64[D]")
    table = pd.DataFrame(
        {
            "recency": (end_day - last).astype(np.int64),
            "frequency": facts["visit_days"].astype(np.int64).to_numpy(),
            "monetary": facts["monetary"].astype(float).to_numpy(),
            "first_purchase": facts["first_day"].to_numpy(),
            "last_purchase": facts["last_day"].to_numpy(),
        },
        index=facts.index,
    )
    put_rfm(out, rfm_segments(rfm_scores(table, 5), 5, None))


def _summary(transactions, end: pd.Timestamp, freq: str) -> pd.DataFrame:
    """The lifetime-value summary (frequency, recency, T, monetary value) per buyer."""
    lines = transactions.mutate(customer_id=ids_as_parsed(transactions.customer_id))
    lines = lines.filter(lines.customer_id.notnull())
    frame = finish_summary(summary_expression(lines, freq=freq, observation_end=end).to_pandas())
    frame = frame.set_index(frame["customer_id"].astype(str)).drop(columns="customer_id")
    frame.index.name = "customer_id"
    return frame.sort_index()


def _model_choice(transactions, bought, summary: pd.DataFrame, end: pd.Timestamp, freq: str):
    """The purchase model chosen on the engine's calibration/holdout split of the history."""
    first = int(bought.data_start.to_datetime64().astype("datetime64[D]").astype(np.int64))
    last = int(bought.last_day.to_datetime64().astype("datetime64[D]").astype(np.int64))
    calibration_end = default_calibration_end(first, last, freq)
    cal_day = int(calibration_end.to_datetime64().astype("datetime64[D]").astype(np.int64))
    end_day = int(end.to_datetime64().astype("datetime64[D]").astype(np.int64))
    try:
        cal_period, duration = holdout_periods(calibration_end, end, cal_day, end_day, first, freq)
    except ParameterError as error:
        return no_holdout(error)
    split = holdout_split(
        transactions,
        calibration_end=calibration_end,
        observation_end=end,
        freq=freq,
        calibration_period=cal_period,
    )
    split["duration_holdout"] = float(duration)
    return choose_on_split(
        split, lambda: summary, calibration_end=calibration_end, observation_end=end, freq=freq
    )


def _episodes(interactions, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, Any]:
    """The base's episode counts (see :func:`crmlib.analytics.base._episode_counts`)."""
    needed = ("customer_id", "date", "channel", "process")
    if interactions is None or not set(needed) <= set(interactions.columns):
        return {"reason": EPISODES_NEED}
    import ibis

    up_to_end = interactions.filter(interactions.date.cast("date") <= ibis.date(end.date()))
    if int(up_to_end.count().execute()) == 0:
        return {"reason": NO_CONTACT_BY_END}
    episodes, repeats = episode_counts(interactions, EPISODE_WINDOW_DAYS, start=start, end=end)
    return {"window_days": EPISODE_WINDOW_DAYS, "episodes": episodes, "repeats": repeats}
