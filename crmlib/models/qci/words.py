"""The model's own words among QCI's values, in the reader's language.

Value tiers, activities, the rates' names, owners and the diagram's rings are
identifiers the code reads (``table.loc["retention"]``, ``name == "External
environment"``); they are translated only where a reader sees them, through
:func:`word`. Channels, processes and product categories are the company's own names and
are shown as they are.
"""

from __future__ import annotations

from crmlib.text import translate


def known_words() -> dict[str, str]:
    """Each of the model's words with its text in the current language.

    Built on each call: the language is the report's, set after import.
    """
    return {
        # value tiers and the whole base
        "platinum": translate("platinum"),
        "gold": translate("gold"),
        "silver": translate("silver"),
        "bronze": translate("bronze"),
        "all": translate("all"),
        "unassigned": translate("unassigned"),
        # the activities (REAP)
        "acquisition": translate("acquisition"),
        "retention": translate("retention"),
        "penetration": translate("penetration"),
        "efficiency": translate("efficiency"),
        # the rate each activity's step raises (improvement_potential's ``measure``)
        "customers kept from one year to the next": translate(
            "customers kept from one year to the next"
        ),
        "new customers per customer of the base": translate(
            "new customers per customer of the base"
        ),
        "buyers of two or more categories": translate("buyers of two or more categories"),
        # who takes an area up (questionnaire.AREA_OWNERS)
        "marketing": translate("marketing"),
        "board": translate("board"),
        "IT": translate("IT"),
        "operations": translate("operations"),
        "customer service": translate("customer service"),
        "management": translate("management"),
        # the diagram's rings and activities (conclude.RINGS)
        "External environment": translate("External environment"),
        "Customer experience": translate("Customer experience"),
        "Proposition": translate("Proposition"),
        "Analysis & planning": translate("Analysis & planning"),
        "People & organisation": translate("People & organisation"),
        "Information & technology": translate("Information & technology"),
        "Process management": translate("Process management"),
        "Measuring the effect": translate("Measuring the effect"),
        "Acquisition": translate("Acquisition"),
        "Retention": translate("Retention"),
        "Penetration": translate("Penetration"),
        "Efficiency": translate("Efficiency"),
        # the bases of the acquisition-cost range (sensitivity)
        "no cost": translate("no cost"),
        "five-times rule of thumb": translate("five-times rule of thumb"),
        "given (acquisition_cost)": translate("given (acquisition_cost)"),
    }


def word(value: object) -> str:
    """``value`` as a reader sees it: one of the model's words translated, else as it is.

    Examples
    --------
    >>> word("retention"), word("webshop")
    ('retention', 'webshop')
    """
    text = str(value)
    return known_words().get(text, text)


def words(values) -> list[str]:
    """:func:`word` of each value (one lookup table for the lot)."""
    known = known_words()
    return [known.get(str(v), str(v)) for v in values]
