"""Planted cases: the sample company with one known problem, and its ground truth.

Each case draws the sample company, plants one problem a CRM analysis should find, and
records what was planted in ``case.yml`` next to ``company.yml``: the problem, the
question a student answers to diagnose it, the answer and the evidence to look at. The
planting is deterministic for a seed, so a class can share one case.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from crmlib.analytics.profitability import value_tiers
from crmlib.atomic import atomic_write_text
from crmlib.errors import ParameterError

YEAR = pd.DateOffset(months=12)


@dataclass(frozen=True)
class Case:
    """One planted problem.

    ``options`` names the table and column whose values are the possible answers, or
    ("", "the answers separated by spaces").
    """

    name: str
    problem: str
    question: str
    options: tuple[str, str]
    evidence: str
    plant: Callable[[dict[str, pd.DataFrame], pd.Timestamp, np.random.Generator], str]


def _window(tx: pd.DataFrame, end: pd.Timestamp, years_back: int) -> pd.Series:
    """Transactions in the twelve months that end ``years_back`` years before ``end``."""
    last = end - YEAR * years_back
    return (tx["date"] > last - YEAR) & (tx["date"] <= last)


def _churn_tier(tables, end, rng, tier: str = "gold", share: float = 0.7) -> str:
    """Most of one value tier's buyers of the year before stop buying this year."""
    tx = tables["transactions"]
    prior = tx[_window(tx, end, 1)].groupby("customer_id")["amount"].sum()
    tiers = value_tiers(prior).astype(str)
    members = tiers.index[tiers == tier].to_numpy()
    lost = rng.choice(members, size=round(share * len(members)), replace=False)
    gone = _window(tx, end, 0) & tx["customer_id"].isin(lost)
    tables["transactions"] = tx[~gone].reset_index(drop=True)
    return tier


def _channel_handover(tables, end, rng, process: str = "delivery", share: float = 0.6) -> str:
    """Questions about one process are handed to another channel without their history."""
    contacts = tables["interactions"]
    recent = contacts[(contacts["date"] > end - YEAR) & (contacts["process"] == process)]
    picked = recent[rng.random(len(recent)) < share]
    channels = tables["channels"]["channel"].astype(str).to_numpy()
    other = [rng.choice([c for c in channels if c != now]) for now in picked["channel"]]
    follow = picked.assign(
        interaction_id=[f"{i}H" for i in picked["interaction_id"]],
        date=(picked["date"] + pd.Timedelta(days=3)).clip(upper=end),
        channel=other,
        direction="inbound",
    )
    contacts.loc[picked.index, "resolved"] = False
    tables["interactions"] = pd.concat([contacts, follow], ignore_index=True).sort_values(
        ["date", "interaction_id"], kind="mergesort", ignore_index=True
    )
    return process


def _campaign_audience(tables, end, rng) -> str:
    """One campaign goes only to customers who answered earlier offers: it looks good for
    who got it, since they respond to it exactly as they respond to any other offer."""
    campaigns = tables["campaigns"]
    rates = campaigns.groupby("campaign_id")["responded"].mean().sort_values()
    chosen = str(rates.index[len(rates) // 2])
    others = campaigns[campaigns["campaign_id"] != chosen]
    answered = others.groupby("customer_id")["responded"].any()
    audience = answered.index[answered.to_numpy(dtype=bool)].to_numpy()
    rows = campaigns.index[campaigns["campaign_id"] == chosen]
    picked = rng.choice(audience, size=min(len(rows), len(audience)), replace=False)
    rows = rows[: len(picked)]
    theirs = others[others["customer_id"].isin(picked)]
    # no uplift of its own: the rate and basket these customers give every other offer
    rate = float(theirs["responded"].mean())
    per_response = float(theirs.loc[theirs["responded"].fillna(False), "revenue"].mean())
    responded = rng.random(len(picked)) < rate
    campaigns.loc[rows, "customer_id"] = picked
    campaigns.loc[rows, "responded"] = responded
    campaigns.loc[rows, "revenue"] = np.where(responded, round(per_response, 2), 0.0)
    drop = campaigns.index[campaigns["campaign_id"] == chosen].difference(rows)
    tables["campaigns"] = campaigns.drop(index=drop).reset_index(drop=True)
    return chosen


def _data_gap(tables, end, rng, channel: str = "webshop") -> str:
    """Customers who came in through one channel have no recorded marketing consent."""
    customers = tables["customers"]
    mask = customers["acquisition_channel"] == channel
    customers.loc[mask, "consent_marketing"] = pd.NA
    return channel


CASES = {
    "churn-tier": Case(
        "churn-tier",
        "churn concentrated in one value tier",
        "Which value tier lost most of its customers this year?",
        ("", "platinum gold silver bronze"),
        "QCI's retention per value tier (02_qci, section on retention).",
        _churn_tier,
    ),
    "channel-handover": Case(
        "channel-handover",
        "handovers between channels that lose the customer's history",
        "For which customer process do questions most often cross channels?",
        ("interactions", "process"),
        "Payne & Frow's cross-channel continuity per process (03_payne_frow, section 3).",
        _channel_handover,
    ),
    "campaign-audience": Case(
        "campaign-audience",
        "a campaign that looks good only because of who it was sent to",
        "Which campaign's response comes from its audience, not from its offer?",
        ("campaigns", "campaign_id"),
        "The response per campaign (the campaigns table), next to the response its "
        "recipients give to the other campaigns: compare like with like.",
        _campaign_audience,
    ),
    "data-gap": Case(
        "data-gap",
        "a data-quality gap: missing marketing consent",
        "Customers from which acquisition channel have no recorded marketing consent?",
        ("customers", "acquisition_channel"),
        "The completeness of customers.consent_marketing (00_start_here), split by "
        "acquisition_channel.",
        _data_gap,
    ),
}


def create_case(
    out_dir: str | os.PathLike[str],
    name: str,
    *,
    n_customers: int = 3000,
    seed: int = 42,
    observation_end: str = "2025-12-31",
) -> Path:
    """Write the sample company with the case ``name`` planted, and its ``case.yml``."""
    from crmlib.instruments.examples import write_example_answers
    from crmlib.sample import _check_size, generate_company, write_company

    if name not in CASES:
        raise ParameterError(f"no planted case '{name}'; the cases are {', '.join(CASES)}")
    _check_size(n_customers, seed)
    case = CASES[name]
    tables = generate_company(n_customers, seed, observation_end)
    rng = np.random.default_rng([seed, sorted(CASES).index(name)])
    answer = case.plant(tables, pd.Timestamp(observation_end), rng)
    out = Path(out_dir)
    write_company(tables, out, fmt="csv", observation_end=observation_end)
    write_example_answers(out, seed)
    table, column = case.options
    options = column.split() if not table else sorted(tables[table][column].dropna().unique())
    truth = {
        "case": name,
        "problem": case.problem,
        "question": case.question,
        "answer": answer,
        "options": [str(o) for o in options],
        "evidence": case.evidence,
        "seed": seed,
    }
    atomic_write_text(out / "case.yml", yaml.safe_dump(truth, sort_keys=False, width=88))
    return out
