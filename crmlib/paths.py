"""Where the workbook's own files are: the repository the library runs from."""

from __future__ import annotations

from pathlib import Path

#: The checkout crmlib is used from (the library is installed editable from it).
REPOSITORY = Path(__file__).resolve().parents[1]
#: The model notebooks, looked up by name (``01_idic``) by render, batch and lab.
NOTEBOOKS_DIR = REPOSITORY / "notebooks"
