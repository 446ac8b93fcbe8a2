"""A disk cache of customer bases, shared by kernels and batch workers.

A base is stored as one folder per key: ``table.parquet`` (the per-customer table) and
``meta.json`` (settings, fit status, notes). The key is a hash of the *content* of the
input tables and of the parameters, plus :data:`CACHE_VERSION`, so a changed table, a
changed parameter or changed code is a miss, and a touched-but-unchanged file a hit.

Writers build the folder under a temporary name in the cache and rename it into place
(``os.replace``, atomic on one file system); a reader therefore sees a whole entry or
none. When two workers write the same key at once, the first rename wins and the
second drops its copy: both hold the same content.

The cache lives in ``$CRM_WORKBOOK_CACHE``, else ``~/.cache/crm-workbook``: never in a
client's data folder unless that variable points there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib import i18n
from crmlib.digest import table_digest

#: Bump when the base's columns, definitions or figures change: old entries then miss.
CACHE_VERSION = "base-7"

#: The environment variable naming the cache folder.
CACHE_ENV = "CRM_WORKBOOK_CACHE"

#: When set, a file to which every lookup appends one line: ``built|disk KEY``. The
#: benchmark and tests read it to see which process computed a base and which reused it.
CACHE_LOG_ENV = "CRM_WORKBOOK_CACHE_LOG"

_TABLE = "table.parquet"
_META = "meta.json"


__all__ = ["CACHE_ENV", "CACHE_VERSION", "cache_dir", "cache_key", "digests_key", "table_digest"]


def cache_dir() -> Path:
    """The cache folder: ``$CRM_WORKBOOK_CACHE`` or ``~/.cache/crm-workbook``."""
    given = os.environ.get(CACHE_ENV, "").strip()
    return Path(given).expanduser() if given else Path.home() / ".cache" / "crm-workbook"


def cache_key(tables: Mapping[str, pd.DataFrame | None], parameters: Mapping[str, Any]) -> str:
    """The key of a base: the content of its tables, its parameters and the code version.

    And the language in force: a base keeps sentences written when it was built (the
    lifetime model's choice, its reasons), so a Dutch report builds its own.
    """
    return digests_key({name: table_digest(table) for name, table in tables.items()}, parameters)


def digests_key(digests: Mapping[str, str], parameters: Mapping[str, Any]) -> str:
    """:func:`cache_key` of tables known by their digests (``"none"`` for an absent one).

    A render knows the digests of the tables it keeps for its kernels without holding
    the tables, and can so store a base where the kernels will look for it.
    """
    digest = hashlib.blake2b(digest_size=20)
    digest.update(CACHE_VERSION.encode())
    digest.update(i18n.cache_token().encode())
    for name in sorted(digests):
        digest.update(f"{name}={digests[name]};".encode())
    digest.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _entry(key: str, root: Path | None = None, namespace: str = "base") -> Path:
    return (root or cache_dir()) / namespace / key


def load_tables(
    namespace: str, key: str, names: Iterable[str], root: Path | None = None
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]] | None:
    """The cached tables and metadata of ``key``, or None when there is no whole entry."""
    folder = _entry(key, root, namespace)
    try:
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in names}
    except (OSError, ValueError):
        # missing, or damaged by something outside the cache's control: rebuild
        return None
    if meta.get("version") != CACHE_VERSION or meta.get("key") != key:
        return None
    return tables, meta


def store_tables(
    namespace: str,
    key: str,
    tables: Mapping[str, pd.DataFrame],
    meta: Mapping[str, Any],
    root: Path | None = None,
) -> bool:
    """Write an entry atomically; False when the cache cannot be written (not an error).

    A cache that cannot be written (read-only home, full disk) must not stop a report:
    the result is then simply computed again next time.
    """
    final = _entry(key, root, namespace)
    if (final / _META).exists():
        return True
    parent = final.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=parent))
    except OSError:
        return False
    try:
        names = [f"{name}.parquet" for name in tables]
        for name, table in tables.items():
            table.to_parquet(staging / f"{name}.parquet")
        text = json.dumps({**meta, "key": key, "version": CACHE_VERSION}, default=str)
        (staging / _META).write_text(text, encoding="utf-8")
        for name in (*names, _META):
            with open(staging / name, "rb") as handle:
                os.fsync(handle.fileno())
        try:
            os.replace(staging, final)
        except OSError:
            # another worker renamed its (identical) entry into place first
            return (final / _META).exists()
        return True
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)


def load(key: str, root: Path | None = None) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """The cached customer base of ``key``: its table and metadata, or None."""
    found = load_tables("base", key, ["table"], root)
    return None if found is None else (found[0]["table"], found[1])


def load_meta(key: str, root: Path | None = None) -> dict[str, Any] | None:
    """The metadata of the cached customer base of ``key`` (not its table), or None."""
    try:
        meta = json.loads((_entry(key, root) / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if meta.get("version") == CACHE_VERSION and meta.get("key") == key else None


def has(key: str, root: Path | None = None) -> bool:
    """Whether ``key`` has a whole entry (its metadata is written last)."""
    return (_entry(key, root) / _META).is_file()


def store(key: str, table: pd.DataFrame, meta: Mapping[str, Any], root: Path | None = None) -> bool:
    """Cache a customer base (see :func:`store_tables`)."""
    return store_tables("base", key, {"table": table}, meta, root)


def log_event(event: str, key: str) -> None:
    """Append ``event key`` to ``$CRM_WORKBOOK_CACHE_LOG`` when it is set (else nothing)."""
    target = os.environ.get(CACHE_LOG_ENV, "").strip()
    if not target:
        return
    # one short line in append mode: writers in other processes do not interleave
    with contextlib.suppress(OSError), open(target, "a", encoding="utf-8") as handle:
        handle.write(f"{event} {key} pid={os.getpid()}\n")


def entries(root: Path | None = None) -> Iterable[Path]:
    """The whole entries in the cache (for tests and housekeeping)."""
    folder = (root or cache_dir()) / "base"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_dir())
