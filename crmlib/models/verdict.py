"""What each model notebook hands to the strategy report: a verdict and actions.

Every model package offers ``verdict(result) -> ModelVerdict`` on the result of its
``analyse(company)``, computed from the same functions its notebook shows, so the
strategy report brings the models together without recomputing anything by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmlib.stages import Stage
from crmlib.text import N_

#: What an action moves. Retention keeps customers, acquisition wins new ones,
#: penetration sells more to those who buy (cross-sell, tailoring), cost to serve serves
#: them for less; data and readiness are enablers with no value of their own.
LEVERS = ("retention", "acquisition", "penetration", "cost_to_serve", "data", "readiness")

#: The effort scale on which the report ranks net value per unit of effort (the words
#: are translated where shown).
EFFORT_SCALE = {
    1: N_("weeks, within one team"),
    2: N_("a quarter, a project across teams or with a supplier"),
    3: N_("a year or more, a programme with IT work"),
}


#: Customer sets that several models target under the same name, so the portfolio counts
#: them once: the customers whose questions cross channels (one shared contact history)
#: and those whose questions take repeated contacts (settle in the first contact).
CROSS_CHANNEL_SET = "customers whose questions cross channels"
REPEAT_CONTACT_SET = "customers with repeated contacts"


@dataclass(frozen=True)
class Action:
    """One recommended action.

    Attributes
    ----------
    title : str
        What to do, as an instruction ("Win back the 212 lapsed gold customers").
    owner : str
        Who should own it (a role: "marketing", "customer service", "IT", "board").
    expected_value : float or None
        The value it is expected to bring per year, in the company's currency, when
        the model can estimate it; None when it cannot.
    model : str
        The model that motivates it ("IDIC", "QCI", ...).
    rationale : str
        The finding behind it, with its figure.
    priority : int
        1 (first) to 3 (later), as the model judges it. The strategy report does not
        rank on it: it ranks every model's actions on one scale
        (:mod:`crmlib.models.portfolio`).
    lever : str
        What the action moves, one of :data:`LEVERS` ("" when not said).
    customers : tuple of str
        The ids of the customers it targets, from the customer base, where the model
        names them; empty otherwise.
    customer_set : str
        The customers it targets, in words ("lapsed customers with consent").
    customer_count : int or None
        How many customers that is; None when not known.
    assumptions : str
        What its value rests on that the data does not show, stated.
    cost : float or None
        What it costs a year, derived from the company's own data (contact costs,
        treatment costs); None when the data cannot say. The report adds the
        ``cost_drivers`` priced with its own stated parameters.
    cost_drivers : dict
        Quantities the report prices with its cost parameters: ``contacts`` (contacts
        a year), ``benefits`` (customers given a loyalty benefit for a year),
        ``projects`` (IT or enabler projects, priced per unit of effort) and
        ``anyway_discount`` (the discount a year on responses, counted for the share
        that would have bought anyway).
    incremental : float or None
        The share of ``expected_value`` that would not happen without the action
        (1.0 when the value is already measured against the model's baseline); None
        when the model has no baseline, so the report applies its stated share.
    value_low, value_high : float or None
        The range of the incremental value (before cost) where the model knows it;
        None lets the report apply its stated spread around the incremental value.
    net_low, net_base, net_high : float or None
        The incremental value a year minus the cost, filled in by
        :func:`crmlib.models.portfolio.value_actions`; None where unknown (never 0).
    effort : int
        1 weeks within one team, 2 a quarter's project across teams or with a
        supplier, 3 a programme of a year or more with IT work (:data:`EFFORT_SCALE`).
    unblocks : str
        The gate this action opens when it is a blocker ("consent", "readiness",
        "data:needs", ...); "" when it blocks nothing.
    needs : tuple of str
        The gates it depends on: it is scheduled after any blocker that opens one.
    """

    title: str
    owner: str
    expected_value: float | None
    model: str
    rationale: str
    priority: int = 2
    lever: str = ""
    customers: tuple[str, ...] = ()
    customer_set: str = ""
    customer_count: int | None = None
    assumptions: str = ""
    cost: float | None = None
    cost_drivers: dict[str, float] = field(default_factory=dict)
    incremental: float | None = 1.0
    value_low: float | None = None
    value_high: float | None = None
    net_low: float | None = None
    net_base: float | None = None
    net_high: float | None = None
    effort: int = 2
    unblocks: str = ""
    needs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.lever and self.lever not in LEVERS:
            raise ValueError(f"unknown lever '{self.lever}'; use one of {', '.join(LEVERS)}")
        if self.effort not in EFFORT_SCALE:
            raise ValueError(f"effort is 1, 2 or 3, got {self.effort}")
        # ids as text, so the same customer is the same key whatever the table's dtype
        object.__setattr__(self, "customers", tuple(str(c) for c in self.customers))
        object.__setattr__(self, "needs", tuple(self.needs))
        if self.customer_count is None and self.customers:
            object.__setattr__(self, "customer_count", len(self.customers))


@dataclass(frozen=True)
class ModelVerdict:
    """A model's conclusion for one company.

    Texts (headline, findings, action titles and rationales) are Markdown in which
    client text (names, offers) is escaped with :func:`crmlib.text.escape`.

    Attributes
    ----------
    model : str
        The model's name.
    headline : str
        One sentence: the model's verdict, with its key figure.
    findings : list of str
        Two to four computed lines that support the headline.
    figures : dict
        Key figures by name (numbers), for the report's tables.
    actions : list of Action
        What the model recommends, most important first.
    diagram : list of list of Stage
        The figures of the model's diagram, as groups of stages (see
        :func:`crmlib.models.verdict_cache.diagram_groups`); empty when not drawn.
    """

    model: str
    headline: str
    findings: list[str] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    diagram: list[list[Stage]] = field(default_factory=list)
