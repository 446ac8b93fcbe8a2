"""The glossary: every concept of the workbook with its English and Dutch name.

Two kinds of entry, both kept in English and translated through the one catalogue
(``crmlib/locale/nl/LC_MESSAGES/crmlib.po``):

- the figures of the vocabulary registry (:mod:`crmlib.analytics.vocabulary`): its label
  is the term, its formula the definition, so the glossary never words a concept twice;
- the elements of the five models (IDIC's phases, QCI's activities and rings, Payne &
  Frow's processes and implementation elements, Buttle's value chain, Customer IDOL's
  steps, aspects and synchronisations), named exactly as the models and their diagrams
  name them, so a diagram label and its glossary entry are one catalogue entry.

:func:`glossary` gives the table for a report language (Dutch students learn the models
under their Dutch names; consultants translate a board's questions back to the sources),
and :func:`corrections` lists where the Dutch sources we read name things wrongly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.vocabulary import DEFINITIONS
from crmlib.errors import ParameterError
from crmlib.i18n import LANGUAGES
from crmlib.i18n.catalogue import gettext_for
from crmlib.text import N_

#: The columns of :func:`glossary`.
COLUMNS = ("group", "english", "dutch", "definition")


@dataclass(frozen=True)
class Term:
    """One element of a model: its group, English name (as the model uses it) and meaning."""

    group: str
    name: str
    definition: str


_IDIC = N_("IDIC (Peppers & Rogers)")
_QCI = N_("QCI customer management model")
_PF = N_("Payne & Frow's strategic framework")
_VC = N_("Buttle's CRM value chain")
_IDOL = N_("Customer IDOL")

#: The models' elements, in each model's order, named as the models and diagrams name them.
MODEL_TERMS = (
    Term(
        _IDIC,
        N_("Identify"),
        N_(
            "Know each customer as one customer across every contact point: name, address and "
            "purchase history gathered and matched."
        ),
    ),
    Term(
        _IDIC,
        N_("Differentiate"),
        N_(
            "Rank customers by their value to the company (now and expected) and group them "
            "by needs, so that effort goes where the value is."
        ),
    ),
    Term(
        _IDIC,
        N_("Interact"),
        N_(
            "Talk with each value category in the channel and at the cost its value carries, "
            "and learn from every contact."
        ),
    ),
    Term(
        _IDIC,
        N_("Customize"),
        N_(
            "Adapt the offer or its service to what each customer (or a narrow group) values, "
            "from what the interactions taught."
        ),
    ),
    Term(
        _IDIC,
        N_("Most valuable customers (MVC)"),
        N_("The value category of the strategically significant customers: the top by value."),
    ),
    Term(
        _IDIC,
        N_("Most growable customers (MGC)"),
        N_(
            "The value category of the customers with the largest gap between their expected "
            "and their current value."
        ),
    ),
    Term(
        _IDIC,
        N_("Below-zero customers (BZ)"),
        N_("The value category of the customers who cost more than they bring."),
    ),
    Term(
        _QCI,
        N_("Customer management"),
        N_(
            "QCI's name for CRM: managing the customers' acquisition, retention and "
            "penetration as activities, rather than the relationship as such."
        ),
    ),
    Term(
        _QCI,
        N_("Acquisition"),
        N_("Winning new customers: who to target, through which channel, at what cost."),
    ),
    Term(
        _QCI,
        N_("Retention"),
        N_("Keeping the customers worth keeping, and winning back those who lapsed."),
    ),
    Term(
        _QCI,
        N_("Penetration"),
        N_("Selling existing customers more, and more kinds, of what they value."),
    ),
    Term(
        _QCI,
        N_("Efficiency"),
        N_(
            "The fourth activity of the published assessment: serving customers at a cost "
            "their value carries."
        ),
    ),
    Term(
        _QCI,
        N_("External environment"),
        N_(
            "The customer's world outside the company: their pains, goals and readiness to "
            "buy, competitors and market changes."
        ),
    ),
    Term(
        _QCI,
        N_("Customer experience"),
        N_("How customers experience the company at every contact: the outer ring QCI works in."),
    ),
    Term(
        _QCI,
        N_("Proposition"),
        N_("What the company offers each customer group, and how it tells them."),
    ),
    Term(
        _QCI,
        N_("People & organisation"),
        N_("The people, skills, structure and culture that carry customer management."),
    ),
    Term(
        _QCI,
        N_("Information & technology"),
        N_("The customer data and the systems that capture, share and use it."),
    ),
    Term(
        _QCI,
        N_("Analysis & planning"),
        N_("Understanding customers' value and needs, and planning whom to serve how."),
    ),
    Term(
        _QCI,
        N_("Process management"),
        N_("Designing and running the processes that serve customers, and improving them."),
    ),
    Term(
        _QCI,
        N_("Measuring the effect"),
        N_("Measuring what customer management achieves, and steering by it."),
    ),
    Term(
        _PF,
        N_("Strategy development"),
        N_(
            "The business strategy and the customer strategy: which customers the company "
            "serves and how, and the growth it aims for."
        ),
    ),
    Term(
        _PF,
        N_("Value creation"),
        N_(
            "The value the company gives customers and the value it gets back from them, "
            "such as the economics of retention."
        ),
    ),
    Term(
        _PF,
        N_("Multichannel integration"),
        N_(
            "Every channel working as one: a customer who moves from one channel to another "
            "is continued, not started over."
        ),
    ),
    Term(
        _PF,
        N_("Information management"),
        N_("Collecting, completing and using customer data across the company."),
    ),
    Term(
        _PF,
        N_("Performance assessment"),
        N_(
            "Measuring whether CRM delivers: KPIs against standards, for shareholders and customers."
        ),
    ),
    Term(
        _PF,
        N_("CRM readiness"),
        N_("How ready the company is to implement CRM: judged before it starts."),
    ),
    Term(
        _PF,
        N_("Change management"),
        N_("Leading the changes in culture and way of working that CRM brings."),
    ),
    Term(
        _PF,
        N_("Project management"),
        N_("Running the CRM initiatives as projects as their number and complexity grow."),
    ),
    Term(
        _PF,
        N_("Employee engagement"),
        N_(
            "Employees who understand the customer strategy and its processes and take part "
            "in them: without them CRM fails."
        ),
    ),
    Term(
        _VC,
        N_("CRM value chain"),
        N_(
            "Porter's value chain applied to customer relationships: five primary stages "
            "carried by five supporting conditions, ending in customer profitability."
        ),
    ),
    Term(
        _VC,
        N_("Customer portfolio analysis"),
        N_("Analysing the customer base to find the strategically significant customers."),
    ),
    Term(
        _VC,
        N_("Customer intimacy"),
        N_("Getting to know the customers, above all the SSCs, at every contact."),
    ),
    Term(
        _VC,
        N_("Network development"),
        N_(
            "Suppliers, partners, investors and the company's own units working from the "
            "same customer data."
        ),
    ),
    Term(
        _VC,
        N_("Value proposition development"),
        N_("Creating value for the target customers: from the product to the service around it."),
    ),
    Term(
        _VC,
        N_("Relationship management"),
        N_(
            "Managing the customer life cycle (acquisition, retention, development) with the "
            "processes and structure that fit it."
        ),
    ),
    Term(
        _VC,
        N_("Leadership & culture"),
        N_("A supporting condition: leaders and a culture that put the customer first."),
    ),
    Term(
        _VC,
        N_("Procurement"),
        N_("A supporting condition: buying from suppliers in line with the customer strategy."),
    ),
    Term(
        _VC,
        N_("HR management"),
        N_("A supporting condition: hiring, training and rewarding people for the customer."),
    ),
    Term(
        _VC,
        N_("IT/data management"),
        N_("A supporting condition: the systems and data that every stage relies on."),
    ),
    Term(
        _VC,
        N_("Organisation design"),
        N_("A supporting condition: a structure organised around customers or segments."),
    ),
    Term(
        _IDOL,
        N_("Identification"),
        N_("A complete picture of each customer, over six aspects of what is known."),
    ),
    Term(
        _IDOL,
        N_("Differentiation"),
        N_(
            "The customer-group approach: groups by needs and value, as close to one-to-one "
            "as the cost of a treatment per group allows."
        ),
    ),
    Term(
        _IDOL,
        N_("Orchestration"),
        N_("Synchronising the treatment so that the customer is treated as one, in five ways."),
    ),
    Term(
        _IDOL,
        N_("Learning"),
        N_(
            "The continuous process: new knowledge changes the segments and, in turn, the "
            "dialogues, processes, products and services."
        ),
    ),
    Term(
        _IDOL,
        N_("personal data"),
        N_("An aspect of the picture: demographics and the basic name, address and phone data."),
    ),
    Term(
        _IDOL,
        N_("product ownership"),
        N_("An aspect of the picture: which products the customer has."),
    ),
    Term(
        _IDOL,
        N_("profitability"),
        N_("An aspect of the picture: what the customer brings and costs."),
    ),
    Term(
        _IDOL,
        N_("behaviour"),
        N_("An aspect of the picture: how and when the customer buys and makes contact."),
    ),
    Term(
        _IDOL,
        N_("needs"),
        N_("An aspect of the picture: what the customer says they value."),
    ),
    Term(
        _IDOL,
        N_("contact data"),
        N_("An aspect of the picture: how the customer can be reached, and may be."),
    ),
    Term(
        _IDOL,
        N_("channels"),
        N_("A synchronisation: call centre, sales people, web and social media act as one."),
    ),
    Term(
        _IDOL,
        N_("customer processes"),
        N_("A synchronisation: sales, information requests, billing and warranty act as one."),
    ),
    Term(
        _IDOL,
        N_("contact moments"),
        N_("A synchronisation: forms, e-mails and calls follow on from each other."),
    ),
    Term(
        _IDOL,
        N_("products"),
        N_("A synchronisation: offers that fit what the customer already bought or returned."),
    ),
    Term(
        _IDOL,
        N_("customers"),
        N_(
            "A synchronisation between customers: one household or account treated as a "
            "whole, e.g. a top customer whose partner loses the company money."
        ),
    ),
)

_VOCABULARY = N_("Workbook figures")


@dataclass(frozen=True)
class Correction:
    """A slip in a source the workbook read, and how the workbook names it instead."""

    source: str
    says: str
    correct: str


#: Where the Dutch sources name a model wrongly (kept so a reader who read them is not lost).
CORRECTIONS = (
    Correction(
        N_("Lucidchart, '4 CRM-modellen die de klantloyaliteit verhogen'"),
        N_("calls Payne & Frow's framework a 'five forces model' ('vijfkrachtenmodel')"),
        N_(
            "It is Payne & Frow's strategic framework for CRM: five cross-functional "
            "processes and four implementation elements. The five forces are Porter's model "
            "of competition."
        ),
    ),
    Correction(
        N_("Lucidchart, '4 CRM-modellen die de klantloyaliteit verhogen'"),
        N_("renders the element employee engagement as 'personeelsbeheer'"),
        N_(
            "Employee engagement is medewerkersbetrokkenheid: employees who understand and "
            "take part in the customer strategy, not the management of personnel."
        ),
    ),
    Correction(
        N_("Lucidchart, '4 CRM-modellen die de klantloyaliteit verhogen'"),
        N_("presents QCI, 'Quality Competitive Index', as an index to compute"),
        N_(
            "The name is expanded so, but QCI is a customer management model with an "
            "assessment (the Customer Management Assessment Tool, CMAT, of the consultancy "
            "QCi; Woodcock, Stone & Foss), scored in a workshop: not an index computed from "
            "data."
        ),
    ),
)


def translator(language: str) -> Callable[[str], str]:
    """The catalogue of ``language`` as a function (English is the text itself).

    Independent of the language a report is being rendered in, so that one table can
    hold both names.
    """
    if language not in LANGUAGES:
        raise ParameterError(
            f"parameter 'language': {language!r} is not a language the workbook speaks. "
            f"Fix: use one of {', '.join(LANGUAGES)}"
        )
    return gettext_for(language)


def glossary(language: str = "en") -> pd.DataFrame:
    """Every term in English and Dutch, defined in ``language``.

    Parameters
    ----------
    language : {"en", "nl"}
        The language of the group names and definitions (the report's language).

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`: ``group`` (the workbook's figures or the model), the
        ``english`` and ``dutch`` term, and the ``definition``. First the figures of the
        vocabulary registry in its order, then each model's elements in the model's order.
    """
    shown, dutch = translator(language), translator("nl")
    rows = [
        (shown(_VOCABULARY), d.label, dutch(d.label), shown(d.formula))
        for d in DEFINITIONS.values()
    ]
    rows += [
        (shown(t.group), _capital(t.name), _capital(dutch(t.name)), shown(t.definition))
        for t in MODEL_TERMS
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def corrections(language: str = "en") -> pd.DataFrame:
    """The corrections to the Dutch sources, in ``language``: source, what it says, what is so."""
    shown = translator(language)
    rows = [(shown(c.source), shown(c.says), shown(c.correct)) for c in CORRECTIONS]
    return pd.DataFrame(rows, columns=["source", "says", "correct"])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
