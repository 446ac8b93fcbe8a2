"""Which reports are up to date: hashes of their inputs, kept in the output folder.

A report is up to date when the digest of its inputs is the one recorded when it was
last rendered, and its files are still there. The inputs of a report are:

- the notebook file (its bytes);
- every file in the client's data folder, sub-folders such as ``assessments/``
  included (names and bytes; hidden files such as ``.DS_Store`` are left out);
- the notebook's effective parameters (``data_dir`` and the client's name included);
- the report formats;
- the crmlib version.

Contents are hashed, not modification times: copying a data folder or saving a file
unchanged does not render the reports again; any change to a byte does.

The manifest, ``<out>/.batch-manifest.json``::

    {
      "format": 1,
      "reports": {
        "de-linde/01_idic": {
          "client": "Tuincentrum De Linde",
          "notebook": "01_idic",
          "digest": "<sha256 of the inputs below, as canonical JSON>",
          "inputs": {"notebook": "<sha256>", "data": "<sha256>",
                     "parameters": {...}, "formats": ["html"], "crmlib": "0.1.0",
                     "client": "Tuincentrum De Linde"},
          "outputs": ["01_idic.html"],
          "seconds": 12.4,
          "finished": "2025-03-07T10:15:02+00:00"
        }
      }
    }

It is rewritten whole (atomically) after every finished report, so a crash or an
interrupt loses at most the reports that were running.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from crmlib.atomic import atomic_write_text

#: File name of the manifest in the batch's output folder.
MANIFEST_NAME = ".batch-manifest.json"

#: Version of the manifest's layout; a manifest of another layout is not trusted.
MANIFEST_FORMAT = 1

_CHUNK = 1 << 20


def file_digest(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes, as hex.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    str
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def folder_digest(folder: str | os.PathLike[str], *, exclude: Iterable[Path] = ()) -> str:
    """One SHA-256 over every file in a folder tree: relative names and contents.

    Hidden files and folders (names starting with ``.``) are left out, and so is
    anything under a path in ``exclude`` (e.g. a report folder kept inside the data
    folder, which would otherwise change with every run).

    Parameters
    ----------
    folder : path-like
        The data folder.
    exclude : iterable of Path
        Absolute paths to leave out, with everything under them.

    Returns
    -------
    str
    """
    root = Path(folder).resolve()
    skipped = {Path(path).resolve() for path in exclude}
    lines = []
    for current, folders, files in os.walk(root):
        here = Path(current)
        folders[:] = sorted(
            name for name in folders if not name.startswith(".") and here / name not in skipped
        )
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or path in skipped or not path.is_file():
                continue
            lines.append(f"{path.relative_to(root).as_posix()}\t{file_digest(path)}\n")
    return hashlib.sha256("".join(sorted(lines)).encode("utf-8")).hexdigest()


def inputs_digest(inputs: Mapping[str, Any]) -> str:
    """The SHA-256 of a report's inputs, written as canonical JSON.

    Parameters
    ----------
    inputs : mapping
        JSON-compatible values (see :func:`report_inputs`).

    Returns
    -------
    str
    """
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_inputs(
    *,
    notebook_digest: str,
    data_digest: str,
    parameters: Mapping[str, Any],
    formats: Sequence[str],
    client: str,
    version: str,
) -> dict[str, Any]:
    """The inputs of one report, as they are recorded in the manifest.

    Parameters
    ----------
    notebook_digest, data_digest : str
        From :func:`file_digest` of the notebook and :func:`folder_digest` of the
        client's data folder.
    parameters : mapping
        The notebook's effective parameters.
    formats : sequence of str
        The report formats.
    client : str
        The client's name (it is in the report's title band).
    version : str
        The crmlib version.

    Returns
    -------
    dict
    """
    return {
        "notebook": notebook_digest,
        "data": data_digest,
        "parameters": dict(parameters),
        "formats": sorted(formats),
        "client": client,
        "crmlib": version,
    }


class Manifest:
    """The record of rendered reports in a batch's output folder.

    Parameters
    ----------
    path : Path
        The manifest file.
    reports : dict, optional
        Entries by report key (``<client slug>/<notebook>``).

    Attributes
    ----------
    unreadable : bool
        True when a manifest file was there but could not be read (damaged, or of
        another layout); every report then counts as not rendered.
    """

    def __init__(self, path: Path, reports: dict[str, dict[str, Any]] | None = None) -> None:
        self.path = Path(path)
        self.reports: dict[str, dict[str, Any]] = dict(reports or {})
        self.unreadable = False

    @classmethod
    def load(cls, out_dir: str | os.PathLike[str]) -> Manifest:
        """Read the manifest of an output folder; an empty one when there is none.

        Parameters
        ----------
        out_dir : path-like
            The batch's output folder.

        Returns
        -------
        Manifest
        """
        path = Path(out_dir) / MANIFEST_NAME
        manifest = cls(path)
        if not path.exists():
            return manifest
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
            if content.get("format") != MANIFEST_FORMAT or not isinstance(
                content.get("reports"), dict
            ):
                raise ValueError("not a batch manifest of this version")
        except (OSError, ValueError, AttributeError):
            # Rendering again is always safe; trusting a damaged record is not.
            manifest.unreadable = True
            return manifest
        manifest.reports = content["reports"]
        return manifest

    def is_up_to_date(self, key: str, digest: str, report_dir: Path) -> bool:
        """Whether the report ``key`` was rendered from these inputs and is still there.

        Parameters
        ----------
        key : str
            ``<client slug>/<notebook>``.
        digest : str
            The digest of the report's current inputs.
        report_dir : Path
            The client's report folder.

        Returns
        -------
        bool
        """
        entry = self.reports.get(key)
        if not entry or entry.get("digest") != digest:
            return False
        outputs = entry.get("outputs") or []
        return bool(outputs) and all((report_dir / name).is_file() for name in outputs)

    def record(
        self,
        key: str,
        *,
        client: str,
        notebook: str,
        digest: str,
        inputs: Mapping[str, Any],
        outputs: Sequence[str],
        seconds: float,
    ) -> None:
        """Note a rendered report and write the manifest.

        Parameters
        ----------
        key : str
            ``<client slug>/<notebook>``.
        client, notebook : str
            The client's name and the notebook's stem.
        digest : str
            The digest of ``inputs``.
        inputs : mapping
            From :func:`report_inputs`.
        outputs : sequence of str
            The report files' names in the client's folder.
        seconds : float
            How long the report took.
        """
        self.reports[key] = {
            "client": client,
            "notebook": notebook,
            "digest": digest,
            "inputs": dict(inputs),
            "outputs": sorted(outputs),
            "seconds": round(seconds, 3),
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        self.save()

    def forget(self, key: str) -> None:
        """Drop a report whose last render failed, and write the manifest if it changed."""
        if self.reports.pop(key, None) is not None:
            self.save()

    def save(self) -> None:
        """Write the manifest whole, or not at all."""
        content = {"format": MANIFEST_FORMAT, "reports": self.reports}
        atomic_write_text(
            self.path, json.dumps(content, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        )
