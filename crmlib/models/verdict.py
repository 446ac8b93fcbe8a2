"""What each model notebook hands to the strategy report: a verdict and actions.

Every model package offers ``verdict(result) -> ModelVerdict`` on the result of its
``analyse(company)``, computed from the same functions its notebook shows, so the
strategy report brings the models together without recomputing anything by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
        1 (first) to 3 (later), as the model judges it.
    """

    title: str
    owner: str
    expected_value: float | None
    model: str
    rationale: str
    priority: int = 2


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
    """

    model: str
    headline: str
    findings: list[str] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
