"""Live controls for workshops, with a static fallback for reports.

A model notebook draws a figure or a table from a few settings (the SSC share, a CLV
horizon, a period). :func:`live` shows it with ipywidgets controls that redraw it in
place when a person works in JupyterLab, and draws it once, statically, when papermill
renders a report (``interactive=False``), so reports never depend on JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import display


def live(
    draw: Callable[..., object], *, interactive: bool, **controls: widgets.ValueWidget
) -> None:
    """Show ``draw(**values)`` with a control per keyword, or once with the defaults.

    Parameters
    ----------
    draw : callable
        Draws (plt.show) or displays its result for the given settings. Its logic
        lives in crmlib; the notebook only names the controls.
    interactive : bool
        True in a workshop: controls redraw the output on every change. False in a
        rendered report: one static drawing with each control's current value.
    **controls : ipywidgets value widgets
        One per keyword argument of ``draw``. Each gets the CSS class
        ``crm-control-<name>`` so it can be found in a browser.
    """
    if not interactive:
        result = draw(**{name: control.value for name, control in controls.items()})
        if result is not None:
            display(result)
        return
    for name, control in controls.items():
        control.add_class(f"crm-control-{name}")
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
