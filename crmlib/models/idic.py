"""Peppers & Rogers' IDIC model on a company's data: Identify, Differentiate, Interact,
Customize.

This module is what the notebook ``01_idic`` and the strategy report use. Each phase is
a function that returns the figures its section shows, with a ``describe_*`` function
that turns them into the section's conclusion, so a report's "what this means"
paragraphs are computed, never written in advance:

============  =====================================  ===================================
phase         computed by                            module
============  =====================================  ===================================
Identify      :func:`identify`                       :mod:`crmlib.models.idic_identify`
Differentiate :func:`differentiate`,                 :mod:`crmlib.models.idic_value`
              :func:`needs_by_value`
Interact      :func:`segment_service`,               :mod:`crmlib.models.idic_service`,
              :func:`interact` (plan: PlanRules)     :mod:`crmlib.models.idic_plan`
Customize     :func:`customize`, :func:`plan_value`  :mod:`crmlib.models.idic_custom`
============  =====================================  ===================================

The report tables (formatted, at most ten customers) are in :mod:`crmlib.models.idic_views`.

Here lives the live value explorer of the workshop (:class:`ValueExplorer`); the
diagram's figures (:func:`stages`), the verdict for the strategy report (:func:`verdict`)
and the cycle's conclusion (:func:`describe_cycle`) are in
:mod:`crmlib.models.idic_verdict`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from crmlib.models.idic_custom import (
    Customization,
    customize,
    describe_customize,
    describe_plan_value,
    lift_table,
    plan_total,
    plan_value,
)
from crmlib.models.idic_identify import (
    Identification,
    data_coverage,
    describe_identify,
    identify,
    unknown_customer_references,
)
from crmlib.models.idic_plan import (
    Interaction,
    PlanRules,
    describe_lessons,
    describe_plan,
    describe_service,
    interact,
    segment_service,
)
from crmlib.models.idic_value import (
    CATEGORIES,
    GOALS,
    Differentiation,
    NeedsView,
    category_summary,
    describe_differentiate,
    describe_needs,
    describe_value_settings,
    differentiate,
    needs_by_value,
    tier_summary,
    value_table,
)
from crmlib.models.idic_verdict import MODEL, describe_cycle, stages, verdict, verdict_from
from crmlib.models.idic_views import (
    category_view,
    plan_view,
    report_table,
    segment_picks,
    service_view,
    tier_view,
    top_customer_view,
)
from crmlib.plots.idic import plot_category_bars, plot_ssc_curve

__all__ = [
    "CATEGORIES",
    "GOALS",
    "MODEL",
    "Customization",
    "Differentiation",
    "Identification",
    "Interaction",
    "NeedsView",
    "PlanRules",
    "ValueExplorer",
    "category_summary",
    "category_view",
    "report_table",
    "tier_view",
    "customize",
    "data_coverage",
    "describe_customize",
    "describe_cycle",
    "describe_differentiate",
    "describe_identify",
    "describe_lessons",
    "describe_needs",
    "describe_plan",
    "describe_plan_value",
    "describe_service",
    "differentiate",
    "identify",
    "interact",
    "needs_by_value",
    "plan_total",
    "plan_value",
    "plan_view",
    "segment_picks",
    "segment_service",
    "stages",
    "tier_summary",
    "unknown_customer_references",
    "value_sliders",
    "value_table",
    "lift_table",
    "top_customer_view",
    "service_view",
    "describe_value_settings",
    "what_this_means",
    "verdict",
    "verdict_from",
]


def value_sliders(ssc_share: float = 0.2, horizon_months: int = 12) -> dict:
    """The workshop's controls for :meth:`ValueExplorer.draw`, starting at the parameters."""
    import ipywidgets as widgets

    return {
        "ssc_share": widgets.FloatSlider(
            value=ssc_share, min=0.05, max=0.5, step=0.05, description="SSC share"
        ),
        "horizon_months": widgets.IntSlider(
            value=horizon_months, min=3, max=36, step=3, description="horizon (months)"
        ),
    }


class ValueExplorer:
    """The Differentiate view for any SSC share and horizon: the workshop's live control.

    Moving the SSC share only re-ranks customers; a new horizon refits the lifetime
    value models once and is then remembered, so the sliders stay quick.

    Parameters
    ----------
    company : Company
    value_metric : {"margin", "revenue"}
    discount_rate : float
        Yearly.
    currency : str, optional
        For the sentence (defaults to the company's).
    """

    def __init__(
        self, company, *, value_metric: str = "margin", discount_rate: float = 0.1, currency=""
    ) -> None:
        self.company = company
        self.value_metric = value_metric
        self.discount_rate = discount_rate
        self.currency = currency or company.currency
        self._tables: dict[int, tuple[pd.DataFrame, list[str]]] = {}

    def result(self, ssc_share: float, horizon_months: int) -> Differentiation:
        """The differentiation for these settings."""
        horizon = int(horizon_months)
        if horizon not in self._tables:
            self._tables[horizon] = value_table(
                self.company, horizon_months=horizon, discount_rate=self.discount_rate
            )
        return differentiate(
            self.company,
            value_metric=self.value_metric,
            ssc_share=ssc_share,
            horizon_months=horizon,
            discount_rate=self.discount_rate,
            segments_table=self._tables[horizon],
        )

    def draw(self, ssc_share: float, horizon_months: int) -> None:
        """Draw the 20/80 curve and the value categories, then say what they mean."""
        from crmlib.notebook import say

        result = self.result(ssc_share, horizon_months)
        figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        plot_ssc_curve(result.curve(), ssc_share, ax=left)
        plot_category_bars(category_summary(result), ax=right)
        figure.tight_layout()
        plt.show()
        say(describe_value_settings(result))


def what_this_means(company, *paragraphs: str) -> str:
    """A section's conclusion: a heading naming the company, then the computed paragraphs.

    The paragraphs come from the ``describe_*`` functions, which escape the user's text
    (names, offers, products) themselves.
    """
    from crmlib.notebook import escape

    return f"#### What this means for {escape(company.name)}\n\n" + "\n\n".join(paragraphs)
