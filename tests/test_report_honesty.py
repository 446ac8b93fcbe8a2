"""No claim the data cannot support (slow: the seven reports rendered, once per session).

(a) On real data (CDNOW: transactions only, USD), every figure with status ``ok`` in any
report's figures.json that can be recomputed from the raw file is recomputed here with
plain pandas, independently of crmlib, and must agree.

(b) On the sample without cost, margin rates, consent, interactions and campaigns, no
report's visible text shows a zero, "none" or "all" for what the data does not hold,
every unavailable figure reads "not available" where it is shown, and the segments
export leaves cost and consent empty (unknown), never 0.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPORT_NOTEBOOKS = (
    "00_start_here",
    "01_idic",
    "02_qci",
    "03_payne_frow",
    "04_value_chain",
    "05_idol",
    "06_strategy_report",
)

pytestmark = pytest.mark.slow

#: the relative tolerance of a recomputed amount or share (float sums in another order)
REL_TOL = 1e-9


# --- reading a report -----------------------------------------------------------------------


def visible_text(page: str) -> str:
    """What a reader sees: no styles, scripts, images or tags; entities decoded."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<img\b[^>]*>", " ", page, flags=re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


SPAN = re.compile(r'<span class="crm-figure[^"]*" data-figure="([^"]+)"[^>]*>(.*?)</span>', re.S)


# --- (a) CDNOW: figures backed by the data --------------------------------------------------


def raw_cdnow(root: Path) -> pd.DataFrame:
    """CDNOW_sample.txt read with pandas alone (customer, day, amount)."""
    raw = pd.read_csv(
        root / "data" / "cdnow" / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"customer_id": str, "date": str},
    )
    raw["day"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw[["customer_id", "day", "amount"]]


def between(raw: pd.DataFrame, window: str) -> pd.DataFrame:
    """The rows of a figure's window ``yyyy-mm-dd..yyyy-mm-dd`` (both days included)."""
    first, last = (pd.Timestamp(part) for part in window.split(".."))
    return raw[(raw["day"] >= first) & (raw["day"] <= last)]


def ranked_values(raw: pd.DataFrame, window: str) -> np.ndarray:
    """Revenue per customer over the window, every customer (0 for none), largest first."""
    everyone = pd.Index(raw["customer_id"].unique())
    value = between(raw, window).groupby("customer_id")["amount"].sum().reindex(everyone)
    return np.sort(value.fillna(0.0).to_numpy())[::-1]


def top_count(n: int, share: float) -> int:
    return max(math.ceil(share * n - 1e-9), 1)


def expected_value(figure: dict, raw: pd.DataFrame, observation_end: pd.Timestamp):
    """The figure recomputed from the raw transactions; None for a figure not checked here."""
    fid, window = figure["id"], figure["window"]
    upto = raw[raw["day"] <= observation_end]
    if fid == "customers":
        return upto["customer_id"].nunique()
    if fid == "buyers":
        rows = between(upto, window)
        return rows.loc[rows["amount"] > 0, "customer_id"].nunique()
    if fid == "revenue":
        return float(between(upto, window)["amount"].sum())
    if fid in ("ssc_count", "top20_share", "concentration_80"):
        values = ranked_values(upto, window)
        total = values.sum()
        if fid == "ssc_count":
            # the top 20% by head count (rounded up), ties at the cut included, value > 0
            cut = values[top_count(len(values), 0.2) - 1]
            return int(((values >= cut) & (values > 0)).sum())
        if fid == "top20_share":
            return float(values[: top_count(len(values), 0.2)].sum() / total)
        reached = np.cumsum(values) / total >= 0.8 - 1e-12
        return float((int(np.argmax(reached)) + 1) / len(values))
    if fid.startswith("revenue_concentration_history.") or fid == "revenue_top20_history":
        values = ranked_values(upto, window)
        total = values.sum()
        if fid == "revenue_top20_history":
            return float(values[: top_count(len(values), 0.2)].sum() / total)
        share = int(fid.split(".")[1]) / 100
        reached = np.cumsum(values) / total >= share - 1e-12
        return float((int(np.argmax(reached)) + 1) / len(values))
    return None


def test_every_ok_figure_on_cdnow_is_backed_by_the_data(rendered_sets, root):
    rendered = rendered_sets("cdnow")
    raw = raw_cdnow(root)
    observation_end = raw["day"].max()
    checked: set[str] = set()
    wrong = []
    for stem in REPORT_NOTEBOOKS:
        for figure in rendered.figures(stem):
            if figure["status"] != "ok":
                continue
            expected = expected_value(figure, raw, observation_end)
            if expected is None:
                continue
            checked.add(figure["id"])
            got = figure["value"]
            if isinstance(expected, int):
                same = got == expected
            else:
                same = got is not None and math.isclose(got, expected, rel_tol=REL_TOL)
            if not same:
                wrong.append(
                    f"{stem}: {figure['id']} ({figure['window']}) is {got}, data: {expected}"
                )
    assert not wrong, "\n".join(wrong)
    # the core figures were stated somewhere with status ok, and checked
    assert {"customers", "buyers", "revenue", "ssc_count", "top20_share"} <= checked


def test_revenue_only_figures_on_cdnow_say_revenue(rendered_sets):
    rendered = rendered_sets("cdnow")
    for stem in REPORT_NOTEBOOKS:
        for figure in rendered.figures(stem):
            if figure["status"] == "unavailable":
                continue
            label = figure["label"].lower()
            assert "margin" not in label and "profit" not in label, (stem, figure)
            assert figure["unit"] != "EUR", (stem, figure)  # the data is in USD


def test_the_cdnow_lifetime_fit_lets_one_time_buyers_lapse(rendered_sets):
    """BG/NBD's "every one-time buyer is alive" must not be what the export says."""
    export = rendered_sets("cdnow").export()
    lapsed_once = export[(export["purchase_days"] == 1) & (export["recency_days"] > 365)]
    assert len(lapsed_once) > 100
    assert (lapsed_once["probability_alive"] < 0.5).mean() > 0.9


# --- (b) the sample without cost, consent, interactions and campaigns -----------------------

#: what a report must never say when the data does not hold cost, consent, contacts
ZERO_CLAIMS = (
    r"(?<![\d.,])0 reachable",
    r"(?<![\d.,])0 customers may be (contacted|reached|approached)",
    r"\b(EUR|USD) 0(?![\d.,])",
    r"(?<![\d.,])0% of (the )?(gross )?margin",
    r"cost to serve (of |is )?(EUR )?0(?![\d.,])",
    r"(?<![\d.,])0 BZ",
    r"win back the 0\b",
    r"customers without marketing consent",
    r"\b(all|100%) (of )?(the )?customers may not be contacted",
    r"(?<![\d.,])0 (contacts|interactions|episodes|campaigns|offers)\b",
)


def test_no_report_states_zero_for_what_the_data_does_not_hold(rendered_sets):
    rendered = rendered_sets("revenue_only")
    found = []
    for stem in REPORT_NOTEBOOKS:
        text = visible_text(rendered.html(stem))
        for pattern in ZERO_CLAIMS:
            for match in re.finditer(pattern, text, flags=re.I):
                context = text[max(0, match.start() - 80) : match.end() + 80]
                found.append(f"{stem}: {match.group(0)!r} in '...{context}...'")
    assert not found, "\n".join(found)


def test_unknown_figures_are_unavailable_and_read_so(rendered_sets):
    rendered = rendered_sets("revenue_only")
    must_be_unknown = {
        "gross_margin",
        "cost_to_serve",
        "cost_to_serve_share",
        "consenting_customers",
    }
    seen: set[str] = set()
    problems = []
    for stem in REPORT_NOTEBOOKS:
        figures = {f["id"]: f for f in rendered.figures(stem)}
        for fid in must_be_unknown & set(figures):
            seen.add(fid)
            if figures[fid]["status"] != "unavailable" or figures[fid]["value"] is not None:
                problems.append(
                    f"{stem}: {fid} is {figures[fid]['value']} ({figures[fid]['status']})"
                )
            if not figures[fid]["reason"]:
                problems.append(f"{stem}: {fid} is unavailable without saying why")
        unavailable = {fid for fid, f in figures.items() if f["status"] == "unavailable"}
        for fid, shown in SPAN.findall(rendered.html(stem)):
            if fid in unavailable and visible_text(shown).strip() != "not available":
                problems.append(f"{stem}: unavailable {fid} is shown as {shown!r}")
    assert not problems, "\n".join(problems)
    assert must_be_unknown <= seen


def test_segments_leave_cost_and_consent_empty_without_the_data(rendered_sets):
    export = rendered_sets("revenue_only").export()
    assert len(export) == 5000
    for column in ("gross_margin", "cost_to_serve", "profit", "n_contacts", "consent_marketing"):
        assert export[column].isna().all(), column
    assert "expected_revenue_12m" in export.columns
