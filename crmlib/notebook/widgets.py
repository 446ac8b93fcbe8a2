"""Live controls for workshops, with a static fallback for reports.

A model notebook draws a figure or a table from a few settings (the SSC share, a CLV
horizon, a period). :func:`live` shows it with ipywidgets controls that redraw it in
place when a person works in JupyterLab, and draws it once, statically, when papermill
renders a report (``interactive=False``), so reports never depend on JavaScript. The
notebooks' default, ``interactive="auto"``, tells the two apart
(:func:`resolve_interactive`).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import display

from crmlib.errors import ParameterError
from crmlib.text import N_, translate

#: The descriptions the notebooks give their controls, held here so the catalogue has them:
#: :func:`live` shows each in the report language.
CONTROL_LABELS = (
    N_("share of revenue"),
    N_("SSC share"),
    N_("horizon (months)"),
    N_("period"),
    N_("uplift"),
    N_("window (days)"),
    N_("12 months up to"),
    N_("high on y axis"),
    N_("y axis"),
)


def resolve_interactive(interactive: bool | str) -> bool:
    """Whether to show live controls: an explicit True or False, or ``"auto"``.

    ``"auto"`` is True only when a notebook frontend of a live server session
    (JupyterLab, Jupyter Notebook) sent the running cell, and False under papermill,
    nbconvert or any other nbclient execution, and outside a kernel. Under those the
    widgets would have no frontend to talk to, and their messages can leave nbclient
    waiting forever on an idle kernel (jupyter/nbclient#312).

    The kernel tells them apart by the request that runs the cell. nbclient, which
    papermill and nbconvert use, always sends ``allow_stdin: false`` (it cannot answer
    ``input()``), while JupyterLab and Notebook send ``allow_stdin: true``. A notebook
    frontend also names the cell (``cellId`` in the request's metadata), and Jupyter
    Server starts a session's kernel with ``JPY_SESSION_NAME`` set; either one rules
    out a console. The environment alone is not enough: a papermill started from a
    notebook passes ``JPY_SESSION_NAME`` on to its kernel.

    Parameters
    ----------
    interactive : bool or str
        True or False (also as text: ``"true"``, ``"false"``, as ``papermill -r``
        gives them), or ``"auto"``.

    Returns
    -------
    bool

    Raises
    ------
    ParameterError
        For any other value.
    """
    if isinstance(interactive, bool):
        return interactive
    text = str(interactive).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    if text != "auto":
        raise ParameterError(
            f"parameter 'interactive': {interactive!r} is not a choice. "
            "Fix: use auto (the default), True or False"
        )
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    kernel = getattr(get_ipython(), "kernel", None)
    if kernel is None or not hasattr(kernel, "get_parent"):
        return False  # plain Python or a terminal IPython: nothing can show a widget
    request = kernel.get_parent("shell") or {}
    if not request.get("content", {}).get("allow_stdin", False):
        return False
    names_cell = bool((request.get("metadata") or {}).get("cellId"))
    return names_cell or bool(os.environ.get("JPY_SESSION_NAME"))


def live(
    draw: Callable[..., object], *, interactive: bool | str, **controls: widgets.ValueWidget
) -> None:
    """Show ``draw(**values)`` with a control per keyword, or once with the defaults.

    Parameters
    ----------
    draw : callable
        Draws (plt.show) or displays its result for the given settings. Its logic
        lives in crmlib; the notebook only names the controls.
    interactive : bool or str
        True in a workshop: controls redraw the output on every change. False in a
        rendered report: one static drawing with each control's current value.
        ``"auto"``: as :func:`resolve_interactive` finds.
    **controls : ipywidgets value widgets
        One per keyword argument of ``draw``. Each gets the CSS class
        ``crm-control-<name>`` so it can be found in a browser.
    """
    if not resolve_interactive(interactive):
        result = draw(**{name: control.value for name, control in controls.items()})
        if result is not None:
            display(result)
        return
    for name, control in controls.items():
        control.add_class(f"crm-control-{name}")
        # Translated where shown: a notebook names its controls in English.
        control.description = translate(control.description)
        control.style = {"description_width": "initial"}
        if hasattr(control, "continuous_update"):
            # Redraw when the slider is released: a figure per pixel of drag is too slow.
            control.continuous_update = False

    def redraw(**values):
        result = draw(**values)
        if result is not None:
            display(result)

    output = widgets.interactive_output(redraw, controls)
    output.add_class("crm-live-output")
    display(widgets.VBox([widgets.HBox(list(controls.values())), output]))
