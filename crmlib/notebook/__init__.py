"""Everything that talks to IPython: what every notebook does in its first cells.

Set up figures, open the data, speak (:func:`say`), skip a step whose data is missing
(:func:`step`). The package also holds the live views (:mod:`.views`), the widget
helper (:mod:`.widgets`), the exercises (:mod:`.exercises`) and the assessment forms
(:mod:`.forms`). Models, charts and diagrams never import it: they compute and draw
results, and this layer shows them.
"""

from __future__ import annotations

import contextlib
import os

import matplotlib as mpl
import pandas as pd

from crmlib.data.company import Company, load_company
from crmlib.errors import MissingDataError
from crmlib.formatting import decimal
from crmlib.i18n import Setting, activate
from crmlib.models.steps import reason
from crmlib.text import N_, escape, markdown, translate

__all__ = ["escape", "markdown", "open_company", "say", "setup", "share_verdict", "step"]


def setup() -> None:
    """Figure and table defaults for notebooks and reports (static PNG, readable sizes)."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to display inline
        shell = None
    else:
        shell = get_ipython()
    if shell is not None:
        # An inherited MPLBACKEND (e.g. Agg in a shell profile) would silently drop
        # every figure from the notebook and its report.
        shell.run_line_magic("matplotlib", "inline")
    mpl.rcParams.update(
        {
            "figure.dpi": 110,
            "figure.figsize": (7.5, 4.0),
            "savefig.bbox": "tight",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
        }
    )
    pd.set_option("display.max_rows", 30)
    # Actions and offers are sentences: show them whole rather than cut at 50 characters.
    pd.set_option("display.max_colwidth", 160)
    # Styled tables show client text (names, offers): escape it like plain tables do.
    pd.set_option("styler.format.escape", "html")
    # Numbers in tables in the locale in force (1.234,50 in Dutch), read at display time.
    pd.set_option("display.float_format", lambda x: decimal(x, 2))


def open_company(
    data_dir: str | os.PathLike[str],
    company: str = "",
    currency: str = "",
    observation_end: str = "",
    language: str = "",
) -> Company:
    """Load a company from a notebook's base parameters (empty strings mean "not given").

    The company's language and locale (``language``, else company.yml's) are made the
    ones in force: every sentence, table and chart after this speaks them.
    """
    data = load_company(
        data_dir,
        observation_end=observation_end or None,
        name=company or None,
        currency=currency or None,
        language=language or None,
    )
    activate(Setting(data.language, data.locale))
    return data


def share_verdict(
    company: Company,
    model: str,
    result: object,
    base: object,
    *,
    interactive: bool | str = "auto",
    **parameters: object,
) -> bool:
    """Hand the model's verdict to the strategy report, which then reads it (one model
    computed once per base; see :mod:`crmlib.models.verdict_cache`).

    ``parameters`` are the notebook's model parameters: a verdict computed under settings
    other than the model's defaults is stored under another key, which the report never
    reads. In a live session (``interactive``) nothing is shared: the workshop may save
    answers between two cells, so the result could mix two states of them.
    """
    from crmlib.models import verdict_cache
    from crmlib.notebook.widgets import resolve_interactive

    if resolve_interactive(interactive):
        return False
    return verdict_cache.share(company, model, result, base, **parameters)


@contextlib.contextmanager
def step(name: str):
    """Run a notebook step; if the company lacks the data it needs, say so and go on.

    Examples
    --------
    >>> with step("Differentiation by needs"):  # doctest: +SKIP
    ...     profile = needs_profile(data.require("needs", step="Differentiation by needs"))
    """
    try:
        yield
    except MissingDataError as missing:
        # The models' own mechanism (crmlib.models.steps) keeps the reason; here it is said.
        shown, why = translate(name), reason(missing)
        # "Penetration is skipped: Penetration needs ..." reads as "... skipped: it needs ..."
        for lead in (shown, name):
            if why.lower().startswith(lead.lower() + " needs "):
                why = translate("it needs") + why[len(lead) + len(" needs") :]
                break
        say(N_("*{name} is skipped: {reason}.*"), name=shown, reason=why)


def say(template: str, **values) -> None:
    """Show a computed sentence as Markdown, with every value escaped.

    A template with values is translated when it is filled (:func:`crmlib.text.sentence`):
    mark a literal one with ``N_`` so the catalogue holds it; a text without values is
    shown as given (a computed sentence, or a literal already passed through ``translate``).
    """
    from IPython.display import Markdown, display

    display(Markdown(markdown(template, **values)))
