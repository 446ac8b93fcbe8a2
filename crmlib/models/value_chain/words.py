"""The value chain's names as a reader reads them, in the report's language.

The stages keep English names and categories in their tables, because the code reads
them (stage names index the scores, measures and segments select rows). Each English
name is marked with ``N_`` where it is defined, so the catalogue holds it, and it is
translated only where a reader sees it, through :func:`shown`.
"""

from __future__ import annotations

from crmlib.text import N_, label, translate

#: Names the value chain shows that other modules define: the parties of the network
#: (the instrument's ``party`` tag), the aspects of the customer picture
#: (:data:`crmlib.analytics.profile.ASPECTS`) and Buttle's types
#: (:data:`crmlib.analytics.portfolio.STRATEGIC_TYPES`), in words.
NAMES = (
    N_("partners"),
    N_("suppliers"),
    N_("customer service"),
    N_("investors"),
    N_("employees"),
    N_("personal"),
    N_("product ownership"),
    N_("profitability"),
    N_("behaviour"),
    N_("needs"),
    N_("completeness"),
    N_("high future lifetime value"),
    N_("high volume"),
    N_("absorbs fixed costs"),
    N_("benchmark customer"),
    N_("inspires change"),
    N_("door-opener"),
)

#: The steps of the value chain's notebook besides its stages, named when one is skipped
#: (:func:`crmlib.notebook.step` translates the name).
STEPS = (
    N_("Acquisition sources"),
    N_("Cohorts"),
    N_("Needs and offer"),
    N_("Network alignment"),
    N_("Offer-needs fit"),
    N_("Value per supplier"),
)

#: Why a type cannot be counted, as :func:`crmlib.analytics.portfolio.strategic_types`
#: words it (its ``reason``), so the sentence that gives the reason reads in the report
#: language. A reason worded otherwise there is shown as it comes.
REASONS = (
    N_(
        "no lifetime-value forecast: needs repeat purchases in the transactions, to fit the "
        "lifetime-value models"
    ),
    N_("no purchase counts: needs purchases in the transactions"),
    N_(
        "no margin, so no contribution: needs a margin per purchase (cost or margin rate); how "
        "much of the fixed costs they cover needs the fixed-cost total, which the data model "
        "does not hold"
    ),
    N_(
        "needs who follows or was referred by whom (a referrer per customer, or reference "
        "accounts named by sales); the data model records neither"
    ),
    N_(
        "needs the ideas and suggestions each customer brought (e.g. a contact process "
        "'suggestion'); the data model does not record them"
    ),
    N_(
        "needs who introduced whom, or which market or network a customer opened; the data "
        "model records neither (a later member of the same household is no evidence)"
    ),
)


def shown(message: str) -> str:
    """A name kept in data (an English message marked with ``N_``), in the report language.

    Examples
    --------
    >>> shown("Customer intimacy")
    'Customer intimacy'
    """
    return translate(message)


def words(name: object) -> str:
    """An identifier as words in the report language: ``"customer_service"`` ->
    ``"customer service"`` (``"klantenservice"`` in Dutch)."""
    return shown(label(name))
