"""Where the workbook's own files are: the repository the library runs from."""

from __future__ import annotations

from pathlib import Path

#: The checkout crmlib is used from (the library is installed editable from it).
REPOSITORY = Path(__file__).resolve().parents[1]
#: The model notebooks, looked up by name (``01_idic``) by render, batch and lab.
NOTEBOOKS_DIR = REPOSITORY / "notebooks"

#: Notebooks for teaching only, rendered on their own rather than with a client's set.
TEACHING_NOTEBOOKS = ("07_comparing_models",)


def report_set() -> tuple[str, ...]:
    """The notebooks of a client's report set, in order (``00_start_here`` … the strategy report)."""
    stems = sorted(path.stem for path in NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
    return tuple(stem for stem in stems if stem not in TEACHING_NOTEBOOKS)
