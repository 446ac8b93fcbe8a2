"""How QCI's conclusion moves with the cost of winning a customer.

The cost of winning a customer is rarely in the data. The "keeping a customer is about
five times cheaper than winning one" rule is a heuristic from the CRM literature, not a
figure of this company, so the conclusion does not rest on it: the improvement
potential takes the cost the client gives (``acquisition_cost``: its marketing and sales
spend on acquisition over the customers it won in the same year), and this module shows
the ranking across a range of costs, with the rule of thumb as one labelled point.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.errors import MissingDataError
from crmlib.formatting import money
from crmlib.models.qci.activities import AcquisitionView, PenetrationView
from crmlib.models.qci.conclude import improvement_potential
from crmlib.models.qci.customers import RETENTION_COST_RATIO
from crmlib.models.qci.retention import RetentionView
from crmlib.models.qci.words import word
from crmlib.text import capitalise, sentence, translate

#: The range, as multiples of a newcomer's first-year margin.
MARGIN_MULTIPLES = (0.0, 0.5, 1.0, 1.5, 2.0)


def acquisition_cost_range(
    acquisition: AcquisitionView | None,
    retention: RetentionView | None,
    penetration: PenetrationView | None,
    *,
    uplift: float = 0.05,
    acquisition_cost: float | None = None,
) -> pd.DataFrame:
    """The improvement potential of acquisition at a range of costs of winning a customer.

    The range runs from nothing to twice a newcomer's first-year margin
    (:data:`MARGIN_MULTIPLES`), with the cost given and the five-times rule of thumb
    (five times a retained customer's yearly contact cost) added when known.

    Returns
    -------
    DataFrame
        One row per cost, cheapest first: ``basis`` (where the cost comes from),
        ``acquisition_cost``, ``value_per_year`` (of the acquisition step), ``rank`` (of acquisition) and
        ``first`` (the activity with the largest potential at that cost). ``attrs``:
        ``break_even`` (the first-year margin: above it a newcomer loses money in the
        first year) and ``leads_until`` (the highest cost at which acquisition still has
        the largest potential; NaN when it never has).

    Raises
    ------
    MissingDataError
        Without acquisition measured or a newcomer's first-year margin.
    """
    base = improvement_potential(acquisition, retention, penetration, uplift=uplift)
    if "acquisition" not in base.index or acquisition.first_year_margin is None:
        raise MissingDataError(
            translate(
                "the range of acquisition costs needs acquisition measured over two years and "
                "a newcomer's first-year margin"
            )
        )
    margin = float(acquisition.first_year_margin)
    costs = [
        ("no cost" if m == 0 else f"{m:g} × a newcomer's first-year margin", m * max(margin, 0.0))
        for m in MARGIN_MULTIPLES
    ]
    if retention is not None and retention.retention_cost:
        costs.append(("five-times rule of thumb", RETENTION_COST_RATIO * retention.retention_cost))
    if acquisition_cost is not None:
        costs.append(("given (acquisition_cost)", float(acquisition_cost)))
    rows = []
    for basis, cost in costs:
        table = improvement_potential(
            acquisition, retention, penetration, uplift=uplift, acquisition_cost=cost
        )
        rows.append(
            {
                "basis": basis,
                "acquisition_cost": cost,
                "value_per_year": float(table.loc["acquisition", "value_per_year"]),
                "rank": int(table.loc["acquisition", "rank"]),
                "first": str(table.index[0]),
            }
        )
    out = pd.DataFrame(rows).sort_values("acquisition_cost", kind="mergesort")
    out = out.drop_duplicates(subset="acquisition_cost", keep="last").reset_index(drop=True)
    others = base.drop(index="acquisition")["value_per_year"].dropna()
    won = float(base.loc["acquisition", "customers"])
    best_other = float(others.max()) if len(others) else 0.0
    lead = margin - best_other / won if won else np.nan
    out.attrs["break_even"] = margin
    out.attrs["leads_until"] = lead if lead >= 0 else np.nan
    out.attrs["uplift"] = uplift
    return out


def describe_acquisition_range(table: pd.DataFrame, currency: str) -> str:
    """What the conclusion depends on the cost of winning a customer, in a few sentences."""
    low, high = table["acquisition_cost"].min(), table["acquisition_cost"].max()
    lead = table.attrs.get("leads_until", np.nan)
    break_even = table.attrs.get("break_even", np.nan)
    parts = [
        sentence(
            "With the cost of winning a customer between {low} and {high}, a step in "
            "acquisition is worth from {best} down to {worst} a year.",
            low=money(low, currency),
            high=money(high, currency),
            best=money(table["value_per_year"].max(), currency),
            worst=money(table["value_per_year"].min(), currency),
        )
    ]
    if pd.notna(lead):
        parts.append(
            sentence(
                "Acquisition has the largest potential as long as winning a customer costs "
                "less than {lead}; above {break_even}, a newcomer's first-year margin, a new "
                "customer loses money in the first year.",
                lead=money(lead, currency),
                break_even=money(break_even, currency),
            )
        )
    else:
        first = table["first"].iloc[0]
        parts.append(
            sentence(
                "{first} has the larger potential even if winning a customer cost nothing; "
                "above {break_even}, a newcomer's first-year margin, a new customer loses "
                "money in the first year.",
                first=capitalise(word(first)),
                break_even=money(break_even, currency),
            )
        )
    rule = table[table["basis"] == "five-times rule of thumb"]
    if len(rule):
        parts.append(
            sentence(
                "The rule of thumb that keeping a customer is five times cheaper than winning "
                "one would put the cost at {rule}; it is a heuristic from the CRM literature, "
                "not a measured cost, so it is only one point of the range.",
                rule=money(rule["acquisition_cost"].iloc[0], currency),
            )
        )
    if not (table["basis"] == "given (acquisition_cost)").any():
        parts.append(
            translate(
                "The client's own figure replaces it: its marketing and sales spend on "
                "acquisition over the customers it won in the same year."
            )
        )
    return " ".join(parts)
