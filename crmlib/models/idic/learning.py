"""IDIC's Interact as a dialogue: what the contacts taught, not only what was sent.

Peppers & Rogers' *Interact* is a **learning relationship**: each interaction is a
dialogue from which the company learns something about the customer, so the next one
is better. Outbound offers are one side of it. This module measures the other side, as
far as the data shows it, over the base's window:

- **dialogue**: the share of contacts the customer started (``direction`` inbound);
- **feedback**: the share of contacts with a satisfaction score, what the customer
  said about the contact;
- **needs learned**: the share of contacted customers whose needs were recorded
  (``needs.survey_date``) within :data:`LEARN_DAYS` days after one of their contacts;
- whether a later offer changed because of what a contact taught cannot be shown: the
  campaigns table records each offer, not why it was chosen. It is said so, as unknown.

Each measure is NaN with a reason when its data is missing: unknown, not zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.analytics.base import CustomerBase
from crmlib.data.company import Company
from crmlib.formatting import count, percent
from crmlib.text import N_, sentence, translate

#: Days after a contact within which a needs record counts as learned from it.
LEARN_DAYS = 30

#: What the data cannot show of the learning relationship, in words.
OFFER_CHANGE_UNKNOWN = N_(
    "whether a later offer changed because of what a contact taught: the campaigns "
    "record each offer, not why it was chosen"
)


@dataclass(frozen=True)
class Learning:
    """The learning relationship over the base's window.

    Attributes
    ----------
    contacts : int
        Contacts (interactions) in the window.
    dialogue_share, feedback_share, needs_learned_share : float
        See the module docstring; NaN when the data cannot show them.
    contacted : int
        Customers with a contact in the window.
    learned : int
        Of them, those with a needs record within :data:`LEARN_DAYS` after a contact.
    window : str
        The base's window.
    reasons : dict
        Measure -> why it is unknown.
    """

    contacts: int
    dialogue_share: float
    feedback_share: float
    needs_learned_share: float
    contacted: int
    learned: int
    window: str
    reasons: dict[str, str] = field(default_factory=dict)


def needs_learned(contacts: pd.DataFrame, needs: pd.DataFrame, days: int = LEARN_DAYS) -> pd.Series:
    """Per contacted customer: whether a needs record followed one of their contacts.

    A record on the day of a contact or up to ``days`` days after it counts.

    Example: contacts of A on 1 and 20 March, a needs record of A on 10 April: 21 days
    after the second contact, so learned; B's record a year later is not.

    Returns
    -------
    Series of bool
        Indexed by the contacted customers' ids.
    """
    dated = needs.dropna(subset=["survey_date"])[["customer_id", "survey_date"]]
    pairs = contacts[["customer_id", "date"]].merge(dated, on="customer_id", how="left")
    gap = (pd.to_datetime(pairs["survey_date"]) - pd.to_datetime(pairs["date"])).dt.days
    pairs["learned"] = ((gap >= 0) & (gap <= days)).fillna(False).astype(bool)
    return pairs.groupby("customer_id")["learned"].any()


def learning_relationship(company: Company, base: CustomerBase) -> Learning:
    """The dialogue and what it taught, over the base's window (see the module)."""
    nan = float("nan")
    reasons: dict[str, str] = {}
    start, _, end = str(base.window).partition("..")
    window = translate("{start} to {end}").format(start=start, end=end) if end else start
    interactions = company.interactions
    if interactions is None or interactions.empty:
        reasons["contacts"] = N_("the data holds no interactions")
        return Learning(0, nan, nan, nan, 0, 0, window, reasons)
    end = pd.Timestamp(base.settings.observation_end)
    start = end - pd.DateOffset(months=int(base.settings.window_months))
    dates = pd.to_datetime(interactions["date"])
    recent = interactions[((dates > start) & (dates <= end)).to_numpy(dtype=bool)]
    if recent.empty:
        reasons["contacts"] = N_("no interactions in the window")
        return Learning(0, nan, nan, nan, 0, 0, window, reasons)
    dialogue = nan
    if "direction" in recent.columns and recent["direction"].notna().any():
        known = recent["direction"].dropna().astype(str).str.lower()
        dialogue = float((known == "inbound").mean())
    else:
        reasons["dialogue"] = N_("the interactions record no direction (inbound or outbound)")
    feedback = nan
    if "satisfaction" in recent.columns:
        feedback = float(recent["satisfaction"].notna().mean())
    else:
        reasons["feedback"] = N_("the interactions record no satisfaction score")
    contacted = int(recent["customer_id"].nunique())
    learned_share, learned = nan, 0
    needs = company.needs
    if needs is None or "survey_date" not in needs.columns or needs["survey_date"].isna().all():
        reasons["needs"] = N_("the data holds no dated needs records (needs.survey_date)")
    else:
        flags = needs_learned(recent, needs)
        learned = int(flags.sum())
        learned_share = learned / contacted if contacted else nan
    return Learning(
        contacts=int(len(recent)),
        dialogue_share=dialogue,
        feedback_share=feedback,
        needs_learned_share=learned_share,
        contacted=contacted,
        learned=learned,
        window=window,
        reasons=reasons,
    )


def describe_learning(learning: Learning) -> str:
    """One paragraph: the dialogue, what it taught, and what the data cannot show."""
    if "contacts" in learning.reasons:
        return sentence(
            "The learning relationship cannot be read: {reason}. Interact then shows only "
            "the offers sent, not what the company learned from its customers.",
            reason=translate(learning.reasons["contacts"]),
        )
    text = sentence(
        "Interact is a dialogue, not only offers sent. Of the {contacts} contacts in {window}, ",
        contacts=count(learning.contacts),
        window=learning.window,
    )
    if np.isnan(learning.dialogue_share):
        text += sentence(
            "who started them is unknown ({reason}); ",
            reason=translate(learning.reasons["dialogue"]),
        )
    else:
        text += sentence("the customer started {share}; ", share=percent(learning.dialogue_share))
    if np.isnan(learning.feedback_share):
        text += sentence(
            "what customers thought of them is unknown ({reason}).",
            reason=translate(learning.reasons["feedback"]),
        )
    else:
        text += sentence(
            "{share} carry a satisfaction score, what the customer said about the contact.",
            share=percent(learning.feedback_share),
        )
    if np.isnan(learning.needs_learned_share):
        text += sentence(
            " Whether a contact taught the company a need is unknown ({reason}).",
            reason=translate(learning.reasons["needs"]),
        )
    else:
        text += sentence(
            " Of the {contacted} customers contacted, {learned} ({share}) had their needs "
            "recorded within {days} days after a contact: that is what the contacts "
            "demonstrably taught.",
            contacted=count(learning.contacted),
            learned=count(learning.learned),
            share=percent(learning.needs_learned_share),
            days=LEARN_DAYS,
        )
    text += sentence(" Unknown from the data: {what}.", what=translate(OFFER_CHANGE_UNKNOWN))
    return text
