"""The facts behind IDIC's Interact phase: reach, contact rhythm, cost and response per segment.

:func:`segment_service` measures, per segment (the value categories), what the
interaction plan of :mod:`crmlib.models.idic.interact` is derived from: how many customers
gave marketing consent, how often they are in contact (their own contacts and the offers
sent to them), what their contacts cost against the margin they bring, their main
channel, and how they answered past campaigns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.analytics.campaigns import response_rates
from crmlib.analytics.contacts import channel_mix
from crmlib.analytics.profitability import transaction_margin
from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.models.idic.differentiate import CATEGORIES
from crmlib.text_columns import mapped


def _channel_costs(channels: pd.DataFrame) -> pd.Series:
    """Cost per contact by channel name (first row wins for a repeated name)."""
    cost = pd.Series(
        pd.to_numeric(channels["cost_per_contact"], errors="coerce").to_numpy(),
        index=channels["channel"].astype(str).str.strip(),
    )
    return cost[~cost.index.duplicated()]


def _labels(segments: pd.Series) -> pd.Series:
    labels = segments.copy()
    labels.index = labels.index.astype(str)
    return labels


def _in_window(table: pd.DataFrame, column: str, start, end) -> pd.DataFrame:
    dates = table[column]
    return table.loc[((dates > start) & (dates <= end)).to_numpy(dtype=bool, na_value=False)]


def _per_segment(values: pd.Series, labels: pd.Series) -> pd.Series:
    """Sum per segment of values indexed by customer id (customers outside are left out)."""
    values = values.copy()
    values.index = values.index.astype(str)
    group = mapped(values.index, labels)
    known = pd.notna(group)
    out = values[known].groupby(group[known]).sum()
    out.index = out.index.astype(labels.dtype)
    return out


def _per_customer(values: pd.Series, customers: tuple[np.ndarray, pd.Index], how: str):
    """``values`` grouped by customer id, as grouping by the ids' text gives it.

    ``customers`` is :func:`_customer_numbers` of the same rows: the numbers follow the
    sorted ids, so the groups, their order and their sums are those of the text.
    """
    codes, ids = customers
    out = getattr(pd.Series(values.to_numpy()).groupby(codes), how)()
    out.index = ids[out.index.to_numpy()]
    return out


def _customer_numbers(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each row's customer id, as text, numbered in sorted order; and the ids."""
    # numbered once for the three groupings of the lines, not hashed as text for each
    codes, uniques = pd.factorize(ids.astype(str), sort=True)
    return codes, pd.Index(uniques)


def segment_service(company: Company, segments: pd.Series, *, months: int = 12) -> pd.DataFrame:
    """Per segment: reach, contact rhythm, cost to serve, margin, main channel, response.

    Rates per customer and year are over the last ``months`` months to the company's
    observation end, and over every customer of the segment (those without contacts
    count as 0).

    Parameters
    ----------
    company : Company
    segments : Series
        A segment per customer id (e.g. the value category).
    months : int, default 12

    Returns
    -------
    DataFrame
        Indexed by segment: ``customers``; ``reachable`` (marketing consent given; NaN
        when the customer table has no consent_marketing column) and ``reachable_share``; ``contacts_per_customer_year`` (interactions),
        ``campaigns_per_customer_year`` (offers sent), ``rhythm`` (their sum);
        ``cost_to_serve_per_customer_year``; ``revenue_per_customer_year``,
        ``margin_per_customer_year`` and ``basket_revenue`` (revenue per purchase day);
        ``main_channel`` (most used in interactions, whole history); ``sent``,
        ``responses``, ``response_rate`` and ``revenue_per_response`` (every
        campaign). Figures the data cannot give are NaN (or empty for the channel).
    """
    if int(months) != months or months < 1:
        raise ParameterError(f"months must be a whole number above 0, got {months}")
    labels = _labels(segments)
    end = company.observation_end
    start = end - pd.DateOffset(months=int(months))
    years = int(months) / 12.0
    out = pd.DataFrame(index=pd.Index(pd.unique(labels.to_numpy()), name="segment"))
    out["customers"] = labels.value_counts().reindex(out.index).fillna(0).astype(np.int64)
    size = out["customers"].replace(0, np.nan)

    customers = company.customers
    if "consent_marketing" in customers.columns:
        consent = customers["consent_marketing"].astype("boolean").fillna(False)
        reachable = pd.Series(
            consent.to_numpy(dtype=bool).astype(np.int64),
            index=customers["customer_id"].astype(str),
        )
        out["reachable"] = (
            _per_segment(reachable, labels).reindex(out.index).fillna(0).astype(np.int64)
        )
    else:
        # unknown consent is not refusal: who may be reached is not known
        out["reachable"] = np.nan
    out["reachable_share"] = out["reachable"] / size

    rhythm = pd.Series(0.0, index=out.index)
    interactions = company.interactions
    if interactions is not None:
        window = _in_window(interactions, "date", start, end)
        contacts = window.groupby(window["customer_id"].astype(str)).size()
        per_year = _per_segment(contacts, labels).reindex(out.index).fillna(0) / size / years
        out["contacts_per_customer_year"] = per_year
        rhythm = rhythm + per_year.fillna(0)
        mix = channel_mix(
            interactions.assign(customer_id=interactions["customer_id"].astype(str)), labels
        )
        out["main_channel"] = mix.idxmax(axis=1).reindex(out.index)
        if company.channels is not None:
            cost = _channel_costs(company.channels)
            contact_cost = window["channel"].astype(str).str.strip().map(cost).astype(float)
            spent = _per_customer(contact_cost, _customer_numbers(window["customer_id"]), "sum")
            out["cost_to_serve_per_customer_year"] = (
                _per_segment(spent, labels).reindex(out.index).fillna(0) / size / years
            )
        else:
            out["cost_to_serve_per_customer_year"] = np.nan
    else:
        out["contacts_per_customer_year"] = np.nan
        out["main_channel"] = pd.NA
        out["cost_to_serve_per_customer_year"] = np.nan

    campaigns = company.campaigns
    if campaigns is not None and "sent_date" in campaigns.columns:
        window = _in_window(campaigns, "sent_date", start, end)
        sends = window.groupby(window["customer_id"].astype(str)).size()
        per_year = _per_segment(sends, labels).reindex(out.index).fillna(0) / size / years
        out["campaigns_per_customer_year"] = per_year
        rhythm = rhythm + per_year.fillna(0)
    else:
        out["campaigns_per_customer_year"] = np.nan
    has_rhythm = interactions is not None or out["campaigns_per_customer_year"].notna().any()
    out["rhythm"] = rhythm if has_rhythm else np.nan

    lines = _in_window(company.transactions, "date", start, end)
    customer = _customer_numbers(lines["customer_id"])
    revenue = _per_customer(pd.to_numeric(lines["amount"]), customer, "sum")
    out["revenue_per_customer_year"] = (
        _per_segment(revenue, labels).reindex(out.index).fillna(0) / size / years
    )
    try:
        margin = _per_customer(transaction_margin(lines, company.products), customer, "sum")
    except MissingDataError:
        out["margin_per_customer_year"] = np.nan
    else:
        out["margin_per_customer_year"] = (
            _per_segment(margin, labels).reindex(out.index).fillna(0) / size / years
        )
    days = _per_customer(lines["date"], customer, "nunique")
    per_day = _per_segment(revenue, labels) / _per_segment(days, labels)
    out["basket_revenue"] = per_day.reindex(out.index)

    if campaigns is not None and "responded" in campaigns.columns:
        rates = response_rates(campaigns, [], segments=labels).reindex(out.index)
        out["sent"] = rates["sent"].fillna(0).astype(np.int64)
        out["responses"] = rates["responses"].fillna(0).astype(np.int64)
        out["response_rate"] = rates["response_rate"]
        out["revenue_per_response"] = (
            rates["revenue_per_response"] if "revenue" in campaigns.columns else np.nan
        )
    else:
        # no campaigns table: how many offers went out is unknown, not 0
        out["sent"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["responses"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["response_rate"] = np.nan
        out["revenue_per_response"] = np.nan
    order = [c for c in CATEGORIES if c in out.index] + [
        c for c in out.index if c not in CATEGORIES
    ]
    columns = [
        "customers",
        "reachable",
        "reachable_share",
        "contacts_per_customer_year",
        "campaigns_per_customer_year",
        "rhythm",
        "cost_to_serve_per_customer_year",
        "revenue_per_customer_year",
        "margin_per_customer_year",
        "basket_revenue",
        "main_channel",
        "sent",
        "responses",
        "response_rate",
        "revenue_per_response",
    ]
    return out.loc[order, columns]
