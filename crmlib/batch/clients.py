"""Read and check a clients file (``CLIENTS.yml``): which reports to render for whom.

The file::

    notebooks: [01_idic, 06_strategy_report]   # default: every numbered notebook
    formats: [html, pdf, pptx]                  # default: html; pptx: 06's deck
    timeout: 1200                               # seconds per cell; 0: none (default 600)
    language: en                                # reports' language (default: company.yml's)
    parameters: {currency: EUR}                 # default parameters for all clients
    clients:
      - name: Tuincentrum De Linde
        data: clients/de-linde                  # relative to this file, or a database URL
        parameters: {observation_end: "2025-12-31"}
        slug: de-linde                          # optional: the client's report folder
        language: nl                            # optional: this client's reports in Dutch

Everything that can be checked without running a notebook is checked here, so a
mistake in the file is one clear line before any report is rendered. Whether a
client's data is valid is a matter of that client alone: the batch checks it per
client and reports it in that client's rows.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import json
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crmlib.batch.errors import ClientsFileError
from crmlib.i18n import LANGUAGES
from crmlib.parameters import (
    InvalidParameterError,
    ParameterSpec,
    check_parameter,
    declared_specs,
    is_database_url,
    load_yaml,
)
from crmlib.paths import NOTEBOOKS_DIR

#: The repository's notebooks; bare notebook names in a clients file are looked up here.

#: The notebooks a clients file without ``notebooks:`` renders: the numbered ones.
DEFAULT_NOTEBOOKS = "[0-9]*.ipynb"

# The report formats crmlib.render writes. Listed here rather than imported so that
# reading a clients file does not load papermill and nbconvert into the command.
REPORT_FORMATS = ("html", "pdf", "pptx")

#: Parameters every client's run gets from the batch itself.
BATCH_PARAMETERS = ("data_dir", "interactive")

#: Seconds one cell may run when the file gives no ``timeout``: crmlib.render's default
#: (not imported, for the same reason as the formats).
DEFAULT_TIMEOUT = 600

_TOP_KEYS = ("notebooks", "formats", "timeout", "language", "parameters", "clients")
_CLIENT_KEYS = ("name", "data", "language", "parameters", "slug")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MAX_SLUG_CHARS = 64

# Letters that Unicode does not decompose into an ASCII letter plus accents.
_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
     "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ı": "i"}
)  # fmt: skip


@dataclass(frozen=True)
class NotebookSpec:
    """A notebook of the batch.

    Attributes
    ----------
    path : Path
        The ``.ipynb`` file (absolute).
    declared : frozenset of str or None
        The parameter names its ``parameters`` cell declares; None when that cell
        cannot be read as plain assignments, so its names cannot be checked.
    """

    path: Path
    declared: frozenset[str] | None

    @property
    def stem(self) -> str:
        """The notebook's name without ``.ipynb``; also the name of its reports."""
        return self.path.stem


@dataclass(frozen=True)
class ClientSpec:
    """One client of the batch.

    Attributes
    ----------
    number : int
        Position in the clients file, from 1 (used in messages).
    name : str
        The client's name, as shown in the reports' title band.
    slug : str
        The client's report folder under the batch's output folder: lower-case ASCII
        letters, digits and hyphens, unique in the batch.
    data_dir : Path or str
        The client's data folder (absolute), or a database URL (``duckdb:///...``,
        ``postgresql://...``; no password: that comes from PGPASSWORD or ~/.pgpass).
    parameters : dict
        The client's own notebook parameters.
    """

    number: int
    name: str
    slug: str
    data_dir: Path | str
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchSpec:
    """A checked clients file.

    Attributes
    ----------
    source : Path
        The clients file.
    notebooks : tuple of NotebookSpec
        The notebooks every client gets, in order.
    formats : tuple of str
        Report formats: ``"html"``, ``"pdf"`` and/or ``"pptx"`` (the slide deck, which
        only the strategy report publishes).
    parameters : dict
        Default notebook parameters for all clients.
    clients : tuple of ClientSpec
        The clients, in the file's order.
    timeout : float
        Seconds one cell may run; 0 for no limit.
    """

    source: Path
    notebooks: tuple[NotebookSpec, ...]
    formats: tuple[str, ...]
    parameters: Mapping[str, Any]
    clients: tuple[ClientSpec, ...]
    timeout: float = DEFAULT_TIMEOUT

    def parameters_for(self, client: ClientSpec, notebook: NotebookSpec) -> dict[str, Any]:
        """The parameters one client's run of one notebook gets.

        In order, later ones winning: ``data_dir`` (absolute) and ``interactive:
        False``; ``company`` set to the client's name when the notebook declares it;
        the file's default parameters; the client's own parameters.

        Parameters
        ----------
        client : ClientSpec
        notebook : NotebookSpec

        Returns
        -------
        dict
        """
        values: dict[str, Any] = {"data_dir": str(client.data_dir), "interactive": False}
        if notebook.declared is not None and "company" in notebook.declared:
            values["company"] = client.name
        values.update(self.parameters)
        values.update(client.parameters)
        return values


def slugify(name: str) -> str:
    """A folder name for a client: lower-case ASCII letters, digits and hyphens.

    Accents are dropped (``"Café Bloem"`` gives ``"cafe-bloem"``), every other run of
    characters becomes one hyphen, and the result is cut to 64 characters.

    Parameters
    ----------
    name : str
        The client's name.

    Returns
    -------
    str
        The slug; empty when the name has no letter or digit that maps to ASCII.
    """
    text = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATE))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:_MAX_SLUG_CHARS].rstrip("-")


def declared_parameters(notebook: str | os.PathLike[str]) -> frozenset[str] | None:
    """The parameter names a notebook's ``parameters`` cell assigns.

    Read from the notebook's JSON and parsed with :mod:`ast`, without papermill, so
    that checking a clients file stays quick.

    Parameters
    ----------
    notebook : path-like
        The ``.ipynb`` file.

    Returns
    -------
    frozenset of str or None
        The names (empty when there is no ``parameters`` cell), or None when the cell
        is not plain Python assignments (e.g. uses IPython magics).

    Raises
    ------
    OSError, ValueError
        The file cannot be read or is not JSON.
    """
    content = json.loads(Path(notebook).read_text(encoding="utf-8"))
    for cell in content.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") != "code" or "parameters" not in tags:
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return None
        names: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    names.update(_assigned_names(target))
            elif isinstance(node, ast.AnnAssign):
                names.update(_assigned_names(node.target))
        return frozenset(names)
    return frozenset()


def _assigned_names(target: ast.expr) -> set[str]:
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple | ast.List):
        return {name for element in target.elts for name in _assigned_names(element)}
    return set()


def load_clients(
    path: str | os.PathLike[str], *, notebooks_dir: str | os.PathLike[str] | None = None
) -> BatchSpec:
    """Read a clients file and check everything that can be checked without a kernel.

    Parameters
    ----------
    path : path-like
        The clients file (YAML).
    notebooks_dir : path-like, optional
        Where bare notebook names (``01_idic``) are looked up; defaults to the
        repository's ``notebooks/``. A name with a folder part
        (``./custom.ipynb``, ``reports/extra.ipynb``) is relative to the clients file.

    Returns
    -------
    BatchSpec

    Raises
    ------
    ClientsFileError
        With one line naming the file, the entry, the problem and the fix: the file
        is missing or not YAML; a key is missing, unknown or of the wrong type; a
        notebook or a data folder does not exist; a format or a parameter name is
        unknown; two notebooks share a name; two clients' folder names (slugs) are
        the same.
    """
    path = Path(path)
    source = str(path)
    root = _read_yaml(path, source)
    base_dir = path.resolve().parent
    notebooks_dir = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR

    unknown = [key for key in root if key not in _TOP_KEYS]
    if unknown:
        raise ClientsFileError(
            source,
            f"unknown key '{unknown[0]}'",
            fix="use only " + ", ".join(_TOP_KEYS),
        )
    notebooks = _notebooks(root.get("notebooks"), source, base_dir, notebooks_dir)
    formats = _formats(root.get("formats", ["html"]), source)
    timeout = _timeout(root.get("timeout", DEFAULT_TIMEOUT), source)
    defaults = _parameters(root.get("parameters", {}), source, "parameters", notebooks)
    defaults = _with_language(defaults, root.get("language"), source, "language")

    entries = root.get("clients")
    if not isinstance(entries, list) or not entries:
        problem = "'clients' is empty" if entries == [] else "'clients' is missing or not a list"
        raise ClientsFileError(
            source,
            problem,
            fix="add a list of clients, each with '- name: ...' and 'data: <folder>'",
        )
    clients: list[ClientSpec] = []
    by_slug: dict[str, ClientSpec] = {}
    for number, entry in enumerate(entries, start=1):
        client = _client(entry, number, source, base_dir, notebooks)
        other = by_slug.get(client.slug)
        if other is not None:
            raise ClientsFileError(
                source,
                f"its report folder name '{client.slug}' is the same as that of client "
                f"{other.number} ('{other.name}')",
                where=f"client {number} ('{client.name}')",
                fix="rename one of them, or give one a 'slug:' of its own",
            )
        by_slug[client.slug] = client
        clients.append(client)
    return BatchSpec(
        source=path.resolve(),
        notebooks=notebooks,
        formats=formats,
        parameters=defaults,
        clients=tuple(clients),
        timeout=timeout,
    )


def _read_yaml(path: Path, source: str) -> dict:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ClientsFileError(source, "file not found", fix="check the path") from None
    except IsADirectoryError:
        raise ClientsFileError(
            source, "is a folder", fix="give the clients file (YAML) itself"
        ) from None
    except UnicodeDecodeError:
        raise ClientsFileError(source, "is not UTF-8 text", fix="save it as UTF-8") from None
    except OSError as exc:
        raise ClientsFileError(source, f"cannot be read ({exc.strerror})") from None
    try:
        # dates stay text, so that an impossible one is a clear line, not PyYAML's ValueError
        root = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ClientsFileError(
            source,
            f"not valid YAML ({problem})",
            where=where,
            fix="check the indentation there, and quote values that contain ': ' or '#'",
        ) from None
    if not isinstance(root, dict):
        raise ClientsFileError(
            source,
            "is empty" if root is None else "must be a mapping with a 'clients' list",
            fix="see data/clients.example.yml for the layout",
        )
    return root


def _notebooks(
    entries: Any, source: str, base_dir: Path, notebooks_dir: Path
) -> tuple[NotebookSpec, ...]:
    if entries is None:
        paths = sorted(notebooks_dir.glob(DEFAULT_NOTEBOOKS))
        if not paths:
            raise ClientsFileError(
                source,
                f"no 'notebooks' given, and there are no numbered notebooks in {notebooks_dir}",
                fix="list the notebooks to render under 'notebooks:'",
            )
    else:
        if isinstance(entries, str):
            entries = [entries]
        if not isinstance(entries, list) or not entries:
            raise ClientsFileError(
                source,
                "must be a list of notebook names",
                where="notebooks",
                fix="write e.g. 'notebooks: [01_idic, 06_strategy_report]'",
            )
        paths = [_notebook_path(entry, source, base_dir, notebooks_dir) for entry in entries]
    seen: dict[str, Path] = {}
    specs = []
    for path in paths:
        if path.stem in seen:
            raise ClientsFileError(
                source,
                f"{seen[path.stem]} and {path} would both write the report '{path.stem}'",
                where="notebooks",
                fix="list each notebook once, or rename one of them",
            )
        seen[path.stem] = path
        try:
            declared = declared_parameters(path)
        except (OSError, ValueError) as exc:
            raise ClientsFileError(
                source,
                f"{path} is not a readable Jupyter notebook ({exc})",
                where="notebooks",
                fix="open and save it in Jupyter, or name another notebook",
            ) from None
        specs.append(NotebookSpec(path=path, declared=declared))
    return tuple(specs)


def _notebook_path(entry: Any, source: str, base_dir: Path, notebooks_dir: Path) -> Path:
    if not isinstance(entry, str) or not entry.strip():
        raise ClientsFileError(
            source,
            f"{entry!r} is not a notebook name",
            where="notebooks",
            fix="write notebook names such as 01_idic",
        )
    text = entry.strip()
    name = Path(text).expanduser()
    if name.suffix != ".ipynb":
        name = name.with_name(name.name + ".ipynb")
    # judged on the text as written: pathlib turns "./report.ipynb" into "report.ipynb"
    has_folder = name.is_absolute() or "/" in text or os.sep in text
    path = (base_dir / name) if has_folder else (notebooks_dir / name)
    if path.is_file():
        return path.resolve()
    if has_folder:
        problem = f"no notebook {path}"
        fix = f"check the path; it is relative to {Path(source).name}"
    else:
        known = ", ".join(sorted(p.stem for p in notebooks_dir.glob("*.ipynb"))) or "none"
        problem = f"no notebook '{entry}' in {notebooks_dir} (known: {known})"
        fix = "use one of the known names, or a path such as ./my_notebook.ipynb"
    raise ClientsFileError(source, problem, where="notebooks", fix=fix)


def _formats(value: Any, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not value:
        raise ClientsFileError(
            source, "must be a list", where="formats", fix="write e.g. 'formats: [html, pdf]'"
        )
    wanted = []
    for item in value:
        fmt = str(item).strip().lower()
        if fmt not in REPORT_FORMATS:
            raise ClientsFileError(
                source,
                f"unknown report format '{item}'",
                where="formats",
                fix="use html, pdf, pptx or a list of them",
            )
        if fmt not in wanted:
            wanted.append(fmt)
    return tuple(fmt for fmt in REPORT_FORMATS if fmt in wanted)


def _timeout(value: Any, source: str) -> float:
    # bool is an int to Python, but 'timeout: yes' is no number of seconds
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ClientsFileError(
            source,
            f"{value!r} is not a number of seconds",
            where="timeout",
            fix="give the seconds one cell may run, e.g. 'timeout: 1200', or 0 for no limit",
        )
    return float(value)


def _parameters(
    value: Any, source: str, where: str, notebooks: tuple[NotebookSpec, ...]
) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ClientsFileError(
            source,
            "must be a mapping of parameter names to values",
            where=where,
            fix="write e.g. 'parameters: {currency: EUR}'",
        )
    declared: set[str] | None = set(BATCH_PARAMETERS)
    for notebook in notebooks:
        if notebook.declared is None:
            declared = None  # a notebook whose names cannot be read accepts anything
            break
        declared |= notebook.declared
    parameters: dict[str, Any] = {}
    for name, item in value.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ClientsFileError(
                source,
                f"{name!r} is not a parameter name",
                where=where,
                fix="use the names of the notebooks' parameters cells",
            )
        if name == "data_dir":
            raise ClientsFileError(
                source,
                "'data_dir' is set by the batch",
                where=where,
                fix="give each client's data folder with 'data:'",
            )
        if declared is not None and name not in declared:
            raise ClientsFileError(
                source,
                f"unknown parameter '{name}' (the notebooks take: {', '.join(sorted(declared))})",
                where=where,
                fix="correct the name",
            )
        item = _plain_value(item, source, f"{where}, '{name}'")
        try:
            item = check_parameter(name, item, spec=_specs(notebooks).get(name))
        except InvalidParameterError as error:
            raise ClientsFileError(
                source,
                f"{error.value!r} {error.problem}",
                where=f"{where}, parameter '{name}'",
                fix=error.fix,
            ) from None
        parameters[name] = item
    return parameters


@functools.lru_cache(maxsize=16)
def _specs(notebooks: tuple[NotebookSpec, ...]) -> dict[str, ParameterSpec]:
    """The declared parameters of the batch's notebooks, read once per clients file."""
    return declared_specs(notebook.path for notebook in notebooks)


def _plain_value(value: Any, source: str, where: str) -> Any:
    """A parameter value as papermill and JSON can carry it; dates become yyyy-mm-dd."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_plain_value(item, source, where) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain_value(item, source, where) for key, item in value.items()}
    raise ClientsFileError(
        source,
        f"a value of type {type(value).__name__} cannot be passed to a notebook",
        where=where,
        fix="use text, numbers, true/false, lists or mappings",
    )


def _client(
    entry: Any, number: int, source: str, base_dir: Path, notebooks: tuple[NotebookSpec, ...]
) -> ClientSpec:
    where = f"client {number}"
    if not isinstance(entry, dict):
        raise ClientsFileError(
            source,
            "must be a mapping",
            where=where,
            fix="write each client as '- name: ...' with 'data: <folder>' below it",
        )
    name = entry.get("name")
    if isinstance(name, int) and not isinstance(name, bool):
        name = str(name)
    if not isinstance(name, str) or not name.strip():
        raise ClientsFileError(
            source,
            "'name' is missing" if name is None else "'name' must be text",
            where=where,
            fix="give the client's name, as it should appear on the reports",
        )
    name = name.strip()
    where = f"client {number} ('{name}')"
    unknown = [key for key in entry if key not in _CLIENT_KEYS]
    if unknown:
        raise ClientsFileError(
            source,
            f"unknown key '{unknown[0]}'",
            where=where,
            fix="use only " + ", ".join(_CLIENT_KEYS),
        )
    data = entry.get("data")
    if not isinstance(data, str) or not data.strip():
        raise ClientsFileError(
            source,
            "'data' is missing" if data is None else "'data' must be a folder name",
            where=where,
            fix=f"give the client's data folder, relative to {Path(source).name}",
        )
    if is_database_url(data.strip()):
        data_dir: Path | str = _database_url(data.strip(), base_dir, source, where)
    else:
        data_dir = (base_dir / Path(data.strip()).expanduser()).resolve()
        if not data_dir.is_dir():
            state = "is not a folder" if data_dir.exists() else "does not exist"
            raise ClientsFileError(
                source,
                f"data folder {data} {state}",
                where=where,
                fix=f"give the folder that holds the client's customers and transactions "
                f"files, relative to {Path(source).name}",
            )
    slug = entry.get("slug")
    if slug is None:
        slug = slugify(name)
        if not slug:
            raise ClientsFileError(
                source,
                "the name has no letters or digits to make a report folder name of",
                where=where,
                fix="add 'slug:' with a folder name of a-z, 0-9 and '-'",
            )
    elif not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise ClientsFileError(
            source,
            f"slug {slug!r} is not a folder name of a-z, 0-9 and '-'",
            where=where,
            fix="write it in lower case, e.g. 'slug: de-linde'",
        )
    parameters = _parameters(entry.get("parameters", {}), source, where, notebooks)
    parameters = _with_language(parameters, entry.get("language"), source, where)
    return ClientSpec(number=number, name=name, slug=slug, data_dir=data_dir, parameters=parameters)


def _with_language(parameters: dict, language: Any, source: str, where: str) -> dict:
    """``parameters`` with ``language:`` (a key of its own, for readability) as the
    notebooks' ``language`` parameter."""
    if language is None:
        return parameters
    if str(language).strip().lower() not in LANGUAGES:
        raise ClientsFileError(
            source,
            f"language {language!r} is not one the workbook speaks",
            where=where,
            fix=f"write one of {', '.join(LANGUAGES)}",
        )
    return {**parameters, "language": str(language).strip().lower()}


def _database_url(data: str, base_dir: Path, source: str, where: str) -> str:
    """A client's database URL, checked; a relative DuckDB path is read from the file's folder."""
    from crmlib.data.database import anchored
    from crmlib.errors import DataValidationError

    try:
        return anchored(data, base_dir)
    except DataValidationError as error:
        raise ClientsFileError(
            source, f"data {error.table}: {error.problem}", where=where, fix=error.fix or ""
        ) from None


def data_digest(data_dir: Path | str, *, exclude=()) -> str:
    """A digest of a client's data, for redoing only the reports whose inputs changed.

    A folder: its files. A DuckDB file: the file and its settings folder. A server
    database cannot be read back cheaply for a digest, so its digest is new on every
    run: its reports are always redone rather than kept on a guess.
    """
    import uuid

    from crmlib.batch.manifest import file_digest, folder_digest
    from crmlib.data.database import parse_source

    source = parse_source(data_dir)
    if source is None:
        return folder_digest(data_dir, exclude=exclude)
    if source.path is None:
        return f"unknown-{uuid.uuid4().hex}"
    folder = folder_digest(source.folder, exclude=exclude) if source.folder else ""
    return f"{file_digest(source.path)}-{folder}"
