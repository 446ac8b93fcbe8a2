"""Shared pieces of the Payne & Frow model: names, the customer base, results with parts.

The five processes and four elements are computed in their own modules
(:mod:`~crmlib.models.payne_frow.value`, :mod:`~crmlib.models.payne_frow.multichannel`,
:mod:`~crmlib.models.payne_frow.information`, :mod:`~crmlib.models.payne_frow.performance`,
:mod:`~crmlib.models.payne_frow.elements`);
:mod:`crmlib.models.payne_frow` brings them together.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from crmlib.analytics.base import customer_base as _customer_base
from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.figures import Figure
from crmlib.text import N_, lead, translate

MODEL = "Payne & Frow"

#: The five cross-functional processes, in the framework's order (titles in English,
#: translated where they are shown).
PROCESSES = {
    "strategy_development": N_("Strategy development"),
    "value_creation": N_("Value creation"),
    "multichannel_integration": N_("Multichannel integration"),
    "information_management": N_("Information management"),
    "performance_assessment": N_("Performance assessment"),
}

#: The value tiers and categories that name segments, marked for the catalogue: they are
#: kept in English (compared in code) and translated where a chart or sentence shows them.
SEGMENT_NAMES = (N_("platinum"), N_("gold"), N_("silver"), N_("bronze"), N_("other"))

#: The customer picture's aspects as charts and actions name them (translated where shown).
ASPECTS = {
    "personal": N_("personal"),
    "product_ownership": N_("product ownership"),
    "profitability": N_("profitability"),
    "behaviour": N_("behaviour"),
    "needs": N_("needs"),
    "contact": N_("contact"),
}

#: The four elements of implementation.
ELEMENTS = {
    "readiness": N_("CRM readiness"),
    "change_management": N_("Change management"),
    "project_management": N_("Project management"),
    "employee_engagement": N_("Employee engagement"),
}


def heading(company: Company) -> str:
    """The opening of every section's closing paragraph."""
    return lead(company.name)


class Parts:
    """Results whose parts may be missing: :meth:`need` says why a part is absent.

    Subclasses are dataclasses with a ``skipped`` dict: part name -> the reason the
    data could not give it, and ``figures``: the figures the process states (the
    customer base's and the model's own), which the notebook publishes.
    """

    skipped: dict[str, str]
    figures: tuple[Figure, ...]

    def figure(self, figure_id: str) -> Figure:
        """One of the figures the process states, by id."""
        for item in self.figures:
            if item.id == figure_id:
                return item
        raise KeyError(f"{type(self).__name__} states no figure {figure_id!r}")

    def need(self, part: str):
        """The part, or MissingDataError with the reason it is missing."""
        value = getattr(self, part)
        if value is None:
            words = translate(part.replace("_", " "))
            missing = translate("{part} is missing").format(part=words)
            raise MissingDataError(self.skipped.get(part, missing))
        return value


def share(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, NaN when the denominator is 0 or missing."""
    if denominator is None or pd.isna(denominator) or denominator == 0:
        return float("nan")
    return float(numerator) / float(denominator)


def mean_or_none(values) -> float | None:
    """The mean of the values that are not missing, or None when none is."""
    kept = [float(v) for v in values if v is not None and not pd.isna(v)]
    return float(np.mean(kept)) if kept else None


def in_last_year(frame: pd.DataFrame, column: str, end, months: int = 12) -> pd.DataFrame:
    """Rows dated in the ``months`` months up to ``end`` (start excluded, end included)."""
    end = pd.Timestamp(end)
    start = end - pd.DateOffset(months=months)
    dates = frame[column]
    return frame[((dates > start) & (dates <= end)).to_numpy(dtype=bool)]


_BASES: dict[tuple, tuple[weakref.ref, pd.DataFrame]] = {}


def customer_base(company: Company, *, horizon_months: int = 12) -> pd.DataFrame:
    """The customer base as one row per customer (:meth:`CustomerBase.segments_table`).

    Computed once per company object and horizon, because every process reads it.
    The notes the analysis raises (no cost to serve, no forecast) are kept in
    ``attrs["notes"]`` instead of being shown as warnings.

    Raises
    ------
    MissingDataError
        When the transactions have neither a cost nor a product margin rate.
    """
    if int(horizon_months) != horizon_months or horizon_months < 1:
        raise ParameterError(f"horizon_months must be a whole number above 0, got {horizon_months}")
    key = (id(company), company.observation_end, int(horizon_months))
    cached = _BASES.get(key)
    if cached is not None and cached[0]() is company:
        return cached[1]
    base = _customer_base(company, window_months=int(horizon_months)).segments_table()
    for dead in [k for k, (ref, _) in _BASES.items() if ref() is None]:
        del _BASES[dead]
    _BASES[key] = (weakref.ref(company), base)
    return base


def shared_base(company: Company, *, horizon_months: int = 12, discount_rate: float = 0.1):
    """The customer base the processes read: the company's own, with a window of
    ``horizon_months`` (memoised by :func:`crmlib.analytics.base.customer_base`)."""
    if int(horizon_months) != horizon_months or horizon_months < 1:
        raise ParameterError(f"horizon_months must be a whole number above 0, got {horizon_months}")
    return _customer_base(
        company, window_months=int(horizon_months), discount_rate=float(discount_rate)
    )


def revenue_last_year(company: Company) -> pd.Series:
    """Revenue per customer in the 12 months up to the observation end (returns netted):
    the customer base's, whose window is those months (0 for a customer without a line
    in it), not the lines summed again."""
    return shared_base(company, horizon_months=12).table["revenue"]
