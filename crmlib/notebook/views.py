"""Live views of the workshop: compute a model's result for one setting, draw it, say it.

Each view is a drawing function for :func:`crmlib.notebook.widgets.live`: the notebook
names the controls, a slider change calls the view, and the view asks the model for the
result, hands it to a chart and shows the sentence. Models compute and charts draw what
they are given; only this layer does all three and talks to IPython.
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
import pandas as pd

from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.models import audit
from crmlib.models import idic as idic_model
from crmlib.models import idol as idol_model
from crmlib.models import payne_frow as pf
from crmlib.models.value_chain.portfolio import Portfolio
from crmlib.models.value_chain.tables import type_counts_table
from crmlib.notebook import say
from crmlib.notebook.figures import cite, say_cited
from crmlib.plots.idic import plot_category_bars, plot_ssc_curve
from crmlib.plots.idol import plot_granularity, plot_migration
from crmlib.plots.payne_frow import plot_continuity, plot_scorecard
from crmlib.plots.value import plot_pareto
from crmlib.plots.value_chain import (
    plot_portfolio_matrix,
    plot_strategic_types,
    plot_touchpoints,
)
from crmlib.text import N_, translate

__all__ = [
    "ValueExplorer",
    "granularity_view",
    "migration_view",
    "period_picker",
    "portfolio_view",
    "show_concentration",
    "show_continuity",
    "show_glossary",
    "show_scorecard",
    "show_table",
    "value_sliders",
]


# --- 00 start here ---------------------------------------------------------------------


def show_concentration(company: Company, value_share: float = 0.8) -> None:
    """Draw the Pareto curve for ``value_share`` and say what it means (the live view).

    Returns None: a live view's return value would be shown in the report as is.
    """
    concentration = audit.value_concentration(company, value_share)
    plot_pareto(
        concentration.curve,
        value_share=value_share,
        title=translate("Revenue per customer over the whole history, ranked"),
    )
    plt.show()
    say_cited(audit.describe_concentration(concentration, cite=cite))


# --- 01 IDIC ---------------------------------------------------------------------------


def value_sliders(ssc_share: float = 0.2, horizon_months: int = 12) -> dict:
    """The workshop's controls for :meth:`ValueExplorer.draw`, starting at the parameters."""
    import ipywidgets as widgets

    return {
        "ssc_share": widgets.FloatSlider(
            value=ssc_share, min=0.05, max=0.5, step=0.05, description=translate("SSC share")
        ),
        "horizon_months": widgets.IntSlider(
            value=horizon_months, min=3, max=36, step=3, description=translate("horizon (months)")
        ),
    }


class ValueExplorer:
    """The Differentiate view for any SSC share and horizon: the workshop's live control.

    Every setting reads the shared customer base built with it (memoised in the process
    and on disk), so a setting seen before is quick and the counts match the reports.

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

    def result(self, ssc_share: float, horizon_months: int) -> idic_model.Differentiation:
        """The differentiation for these settings: the shared base's (memoised per setting)."""
        return idic_model.differentiate(
            self.company,
            value_metric=self.value_metric,
            ssc_share=ssc_share,
            horizon_months=int(horizon_months),
            discount_rate=self.discount_rate,
        )

    def draw(self, ssc_share: float, horizon_months: int) -> None:
        """Draw the 20/80 curve and the value categories, then say what they mean."""
        result = self.result(ssc_share, horizon_months)
        figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        plot_ssc_curve(result.curve(), ssc_share, ax=left)
        plot_category_bars(result.shown_categories(), ax=right)
        figure.tight_layout()
        plt.show()
        say(idic_model.describe_value_settings(result))


# --- 03 Payne & Frow -------------------------------------------------------------------


def show_table(frame: pd.DataFrame) -> None:
    """Display a summary table with its text in full (pandas cuts long cells at 50 characters).

    Only for tables of segments, channels, analyses or practices: never a customer list.
    """
    from IPython.display import display

    with pd.option_context("display.max_colwidth", None):
        display(frame.rename(columns=_heading))


def _heading(column: object) -> object:
    """A column heading in the report language (headings that are not text stay as they are)."""
    return translate(column) if isinstance(column, str) else column


def show_continuity(company: Company, window_days: int) -> None:
    """Live view: the continuity chart and its sentence for one repeat window."""
    if company.interactions is None or "process" not in company.interactions.columns:
        say(
            translate(
                "*Cross-channel continuity is skipped: it needs interactions with a process.*"
            )
        )
        return
    contacts = pf.contact_history(company, "process")
    flow = pf.continuity(contacts, company.channels, window_days=window_days)
    plot_continuity(flow)
    plt.show()
    say(pf.describe_continuity(flow, company))


def show_scorecard(company: Company, kpi_end: str, **standards) -> None:
    """Live view: the KPI scorecard chart and table for one period end."""
    performance = pf.performance_assessment(company, kpi_end=kpi_end, **standards)
    if performance.scorecard is None:
        say(
            N_("*The KPI scorecard is skipped: {reason}.*"),
            reason=performance.skipped["scorecard"],
        )
        return
    if performance.scorecard["relative_change"].notna().any():
        plot_scorecard(performance.scorecard)
        plt.show()
    else:
        say(
            N_(
                "*No KPI has a change to chart: {reason}. The table shows each KPI's "
                "value for the period.*"
            ),
            reason=pf.scorecard_gap(performance.scorecard),
        )
    show_table(pf.scorecard_table(performance.scorecard, company))


def period_picker(company: Company, kpi_end: str = ""):
    """A dropdown of KPI period ends for :func:`show_scorecard` (the given end first)."""
    import ipywidgets as widgets

    chosen = pf.kpi_end_date(company, kpi_end).strftime("%Y-%m-%d")
    options = pf.kpi_end_options(company)
    if chosen not in options:
        options = [chosen, *options]
    return widgets.Dropdown(options=options, value=chosen, description=translate("12 months up to"))


# --- 04 value chain --------------------------------------------------------------------


def show_touchpoints(touchpoints: pd.DataFrame) -> None:
    """The touchpoint chart, or why there is none (no channel recorded anywhere)."""
    if touchpoints.empty:
        say(
            translate(
                "*No touchpoint chart: the data records no channel, neither interactions "
                "with a channel nor a channel on the transactions, so where the company "
                "meets its customers is unknown.*"
            )
        )
        return
    plot_touchpoints(touchpoints)
    plt.show()


def portfolio_view(portfolio: Portfolio) -> Callable[[float, float, str], pd.DataFrame]:
    """A drawing function: the matrix and the type counts for other SSC and matrix settings.

    Nothing is refitted: each call regroups the measured portfolio, draws it and returns
    the type counts as a table for display.
    """

    def draw(ssc_share: float, matrix_share: float, matrix_axis: str) -> pd.DataFrame:
        view = portfolio.regrouped(ssc_share, matrix_share, matrix_axis)
        figure, (left, right) = plt.subplots(
            1, 2, figsize=(11.5, 4.6), gridspec_kw={"width_ratios": [1.25, 1]}
        )
        plot_portfolio_matrix(
            view.matrix,
            view.quadrants,
            left,
            currency=portfolio.currency,
            highlight=view.table.get("cost_magnet"),
        )
        plot_strategic_types(view.type_counts(), right)
        figure.tight_layout()
        plt.show()
        return type_counts_table(view)

    return draw


# --- 05 IDOL ---------------------------------------------------------------------------


def granularity_view(granularity, *, currency: str = "EUR", window: str = ""):
    """A drawing function for :func:`crmlib.notebook.widgets.live`: the granularity curve and
    its sentence for a ``cost_per_treatment``, from a measured granularity (only the cost
    side is redrawn, so the slider answers at once). Without a value at stake (no
    customer with a positive value) there is nothing to weigh: it says so and draws no
    chart. The figures it states are published (``window``: the base's window)."""
    from crmlib.notebook.figures import publish

    def draw(cost_per_treatment: float) -> None:
        if not granularity.value_at_stake > 0:
            say(
                N_(
                    "*The customer-group approach is skipped: the customers' {label} over the "
                    "window is not positive, so tailoring has no value to capture.*"
                ),
                label=granularity.value_label,
            )
            return
        tradeoff = idol_model.granularity_tradeoff(granularity, cost_per_treatment)
        plot_granularity(tradeoff, currency=currency, grid_groups=granularity.grid_groups)
        plt.show()
        say(idol_model.describe_granularity(granularity, tradeoff, cost_per_treatment, currency))
        publish(idol_model.granularity_figures(granularity, tradeoff, currency, window))

    return draw


def migration_view(company, *, by: str = "value_tier", needs_labels=None, computed=None, base=None):
    """A drawing function for :func:`crmlib.notebook.widgets.live`: the migration over
    ``migration_months`` (transition matrix, flow chart and sentence), with its figures
    published. A period the data cannot cover is said, not raised, and its figures are
    published as unavailable. ``computed``, a migration already made, is reused for its
    period, and every period is computed once. ``base`` is the customer base whose
    window, value metric and tiers the segments follow."""
    from crmlib.notebook.figures import publish

    done = {computed.months: computed} if computed is not None else {}

    def draw(migration_months: int) -> None:
        try:
            if migration_months not in done:
                done[migration_months] = idol_model.migrate(
                    company, migration_months, by, needs_labels, base
                )
            migration = done[migration_months]
        except MissingDataError as missing:
            reason = str(missing).rstrip(".")
            say(N_("*The migration is skipped: {reason}.*"), reason=reason)
            publish(idol_model.migration_figures(None, reason))
            return
        plot_migration(migration)
        plt.show()
        say(idol_model.describe_migration(migration))
        publish(idol_model.migration_figures(migration))

    return draw


# --- 00 and 06: the glossary -----------------------------------------------------------

_GLOSSARY_TITLE = N_("Glossary: the workbook's terms in English and Dutch")
_CORRECTIONS_TITLE = N_("Corrections to the sources")

#: The glossary's column headings as a reader sees them.
_GLOSSARY_HEADINGS = {
    "group": N_("Model or area"),
    "english": N_("English"),
    "dutch": N_("Dutch"),
    "definition": N_("Definition"),
}
_CORRECTION_HEADINGS = {
    "source": N_("Source"),
    "says": N_("What it says"),
    "correct": N_("What is correct"),
}


def show_glossary(language: str = "", *, corrections: bool = True) -> None:
    """Show the glossary of the workbook's terms, English beside Dutch, defined in ``language``.

    The terms are the figures of the vocabulary registry and the models' elements
    (:mod:`crmlib.analytics.glossary`); with ``corrections``, the slips of the Dutch sources
    follow, so a reader who read them knows which name the workbook uses instead. The
    section brings its own heading, so a notebook needs only the call.

    Parameters
    ----------
    language : {"en", "nl"}, optional
        The language of the headings and definitions; by default the report's (the one
        :func:`crmlib.notebook.open_company` made current).
    """
    from IPython.display import HTML, display

    from crmlib import i18n
    from crmlib.analytics import glossary as terms

    language = language or i18n.current_language()
    shown = terms.translator(language)
    say("## {title}", title=shown(_GLOSSARY_TITLE))
    display(
        HTML(
            glossary_html(
                terms.glossary(language),
                {k: shown(v) for k, v in _GLOSSARY_HEADINGS.items()},
                # each term is marked with its own language: a Dutch report's check for
                # English left out skips the English column, and a screen reader says it
                # in English
                {"english": "en", "dutch": "nl"},
            )
        )
    )
    if corrections:
        say("### {title}", title=shown(_CORRECTIONS_TITLE))
        display(
            HTML(
                glossary_html(
                    terms.corrections(language),
                    {k: shown(v) for k, v in _CORRECTION_HEADINGS.items()},
                    {},
                )
            )
        )


def glossary_html(table: pd.DataFrame, headings: dict, languages: dict) -> str:
    """``table`` as an HTML table, every cell escaped; a column in ``languages`` gets its
    ``lang`` attribute (``{"english": "en"}``)."""
    import html

    def cell(tag: str, column: str, text: object) -> str:
        lang = f' lang="{languages[column]}"' if column in languages else ""
        return f"<{tag}{lang}>{html.escape(str(text))}</{tag}>"

    head = "".join(f"<th>{html.escape(headings.get(c, c))}</th>" for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(cell("td", c, row[c]) for c in table.columns) + "</tr>"
        for _, row in table.iterrows()
    )
    return (
        f'<table class="crm-table crm-glossary"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
