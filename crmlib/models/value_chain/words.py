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
