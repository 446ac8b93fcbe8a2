"""Each model's verdict, cached on disk next to the customer base it was computed on.

The strategy report asks five models for their verdict. Computing them is most of the
report's cost, and a second render of the same company (or a batch that renders it again)
would compute the same verdicts again. A verdict is therefore stored beside the base, in
the same cache folder (:func:`crmlib.analytics.base_cache.cache_dir`, namespace
``verdicts``), under a key made of:

- the base's own key (the content of its tables and its settings): a changed base gives
  a new key, so the verdicts are invalidated with it;
- the content of every other table the models read (needs, campaigns, ...), of
  ``company.yml`` and of the workshop answers in ``assessments/``;
- the model's name and the code of the workbook (a changed model gives a new key).

Entries are written atomically by :func:`crmlib.analytics.base_cache.store_tables`, so
batch workers may read and write at once.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from crmlib.analytics import base_cache
from crmlib.analytics.base import CustomerBase
from crmlib.models.verdict import Action, ModelVerdict
from crmlib.stages import Stage

NAMESPACE = "verdicts"
_CODE_ROOT = Path(__file__).resolve().parents[1]


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the workbook's Python code: a changed model misses the cache."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(_CODE_ROOT.rglob("*.py")):
        digest.update(str(path.relative_to(_CODE_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _folder_digest(folder: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_digest(company: Any, base: CustomerBase) -> str | None:
    """What every model's verdict on ``company`` and ``base`` depends on; None: no cache.

    A base without a key (built by hand, not by :func:`customer_base`) is not cached.
    """
    if not getattr(base, "key", ""):
        return None
    data_dir = Path(getattr(company, "data_dir", "") or ".")
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{base.key};{code_digest()};".encode())
    for name, table in sorted((getattr(company, "tables", None) or {}).items()):
        digest.update(f"{name}={base_cache.table_digest(table)};".encode())
    described = {
        "name": getattr(company, "name", ""),
        "currency": getattr(company, "currency", ""),
        "observation_end": str(getattr(company, "observation_end", "")),
    }
    digest.update(json.dumps(described, sort_keys=True).encode())
    company_yml = data_dir / "company.yml"
    digest.update(company_yml.read_bytes() if company_yml.is_file() else b"-")
    digest.update(_folder_digest(data_dir / "assessments").encode())
    return digest.hexdigest()


def verdict_key(inputs: str | None, model: str) -> str | None:
    """The cache key of ``model``'s verdict on the inputs of :func:`inputs_digest`."""
    if inputs is None:
        return None
    return hashlib.blake2b(f"{inputs};{model}".encode(), digest_size=20).hexdigest()


def _to_dict(verdict: ModelVerdict) -> dict[str, Any]:
    return dataclasses.asdict(verdict)


def _from_dict(stored: dict[str, Any]) -> ModelVerdict:
    actions = [Action(**action) for action in stored.get("actions", [])]
    return ModelVerdict(
        model=stored["model"],
        headline=stored["headline"],
        findings=list(stored.get("findings", [])),
        figures=dict(stored.get("figures", {})),
        actions=actions,
        diagram=[
            [Stage(s["name"], tuple(s.get("lines", ())), s.get("score")) for s in group]
            for group in stored.get("diagram", [])
        ],
    )


def load(key: str | None) -> ModelVerdict | None:
    """The cached verdict of ``key``, or None."""
    if key is None:
        return None
    found = base_cache.load_tables(NAMESPACE, key, [])
    if found is None or "verdict" not in found[1]:
        return None
    try:
        return _from_dict(found[1]["verdict"])
    except (KeyError, TypeError):
        return None


def store(key: str | None, verdict: ModelVerdict) -> bool:
    """Cache ``verdict`` under ``key`` (nothing when ``key`` is None or not JSON-safe)."""
    if key is None:
        return False
    stored = _to_dict(verdict)
    try:
        json.dumps(stored)
    except (TypeError, ValueError):
        # a verdict holding something JSON cannot say is simply computed again next time
        return False
    return base_cache.store_tables(NAMESPACE, key, {}, {"verdict": stored})
