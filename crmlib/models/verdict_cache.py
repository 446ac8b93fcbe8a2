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
- the model's name and the code of the workbook (a changed model gives a new key);
- the language and locale of the report, and its catalogue;
- the model's parameters that differ from the defaults of its ``analyse`` (see below).

Entries are written atomically by :func:`crmlib.analytics.base_cache.store_tables`, so
batch workers may read and write at once.

Each model is computed once per base. The strategy report runs every model with the
defaults of its ``analyse(company, base)``. A model notebook that has analysed the
company hands its verdict to the same cache (:func:`share`), so a report set computes
each model once: the strategy report then only reads. The notebook's own parameters are
part of the key: they are compared with the defaults of the model's ``analyse``, and
any that differ make another key, which the strategy report never asks for. A notebook
run with other settings (a different window, SSC share, uplift...) therefore cannot lend
the report a verdict computed under them; and because the base's key is part of the key
too, a notebook whose base differs from the report's (another window or value metric)
shares nothing the report would read. Only a verdict computed exactly as the report
would compute it is reused.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import inspect
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from crmlib import i18n
from crmlib.analytics import base_cache
from crmlib.analytics.base import CustomerBase
from crmlib.errors import CrmlibError
from crmlib.models.registry import MODEL_MODULES
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
    # A verdict's sentences are written in the language in force, from its catalogue:
    # a Dutch verdict is never read by an English report, nor an old translation reused.
    digest.update(i18n.cache_token().encode())
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """A parameter value in one spelling: papermill and YAML may give 12.0 for 12."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def changed_parameters(analyse: Callable[..., Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters in ``given`` whose value differs from ``analyse``'s default.

    ``analyse`` is a model's ``analyse(company, base, **parameters)``. An empty result
    means: the settings the strategy report uses. A None default and an empty mapping
    (``need_map``) are the same setting.

    Raises
    ------
    TypeError
        For a name ``analyse`` does not take (a notebook would share a verdict under a
        setting the model never saw).
    """
    accepted = inspect.signature(analyse).parameters
    changed = {}
    for name, value in given.items():
        if name not in accepted or name in ("company", "base"):
            raise TypeError(f"{getattr(analyse, '__module__', '')}.analyse takes no {name!r}")
        default = accepted[name].default
        if _plain(value) == _plain(default) or (value in ({}, None) and default in ({}, None)):
            continue
        changed[name] = _plain(value)
    return changed


def verdict_key(
    inputs: str | None, model: str, parameters: Mapping[str, Any] | None = None
) -> str | None:
    """The cache key of ``model``'s verdict on the inputs of :func:`inputs_digest`.

    ``parameters`` are the model's settings that differ from its defaults
    (:func:`changed_parameters`); none (the strategy report's case) gives the key the
    report reads.
    """
    if inputs is None:
        return None
    text = f"{inputs};{model}"
    if parameters:
        text += ";" + json.dumps(_plain(dict(parameters)), sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def diagram_groups(diagram: object) -> list[list[Stage]]:
    """A model's diagram figures as groups of stages (one or two), to draw and to cache.

    IDIC and IDOL give one list of stages; Payne & Frow and the value chain two; QCI its
    rings and activities as (name, lines, score) triples.
    """
    if hasattr(diagram, "rings") and hasattr(diagram, "activities"):
        return [
            [Stage(n, tuple(lines), score) for n, lines, score in diagram.rings],
            [Stage(n, tuple(lines), score) for n, lines, score in diagram.activities],
        ]
    if isinstance(diagram, tuple):
        return [list(group) for group in diagram]
    return [list(diagram)]


def model_verdict(module: Any, result: Any) -> ModelVerdict:
    """The verdict of a model package on ``result`` (what its ``analyse`` returned), with
    the model's diagram figures when the package draws one: what the report shows and
    caches, whether the report or the model's notebook computed ``result``."""
    verdict = module.verdict(result)
    if hasattr(module, "diagram"):
        verdict = dataclasses.replace(verdict, diagram=diagram_groups(module.diagram(result)))
    return verdict


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


def _read(key: str | None) -> ModelVerdict | None:
    if key is None:
        return None
    found = base_cache.load_tables(NAMESPACE, key, [])
    if found is None or "verdict" not in found[1]:
        return None
    try:
        return _from_dict(found[1]["verdict"])
    except (KeyError, TypeError):
        return None


def load(key: str | None) -> ModelVerdict | None:
    """The cached verdict of ``key``, or None (a hit is logged as ``verdict-read``)."""
    verdict = _read(key)
    if verdict is not None:
        base_cache.log_event("verdict-read", f"{verdict.model.replace(' ', '_')}:{key}")
    return verdict


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


def share(
    company: Any,
    model: str,
    result: Any,
    base: CustomerBase | None,
    **parameters: Any,
) -> bool:
    """Hand a model notebook's verdict to the strategy report (see the module's notes).

    Parameters
    ----------
    company : Company
    model : str
        The model's name in :data:`crmlib.models.registry.MODEL_MODULES` ("IDIC", ...).
    result : object
        What the notebook computed, as the model's ``analyse`` returns it (its verdict
        and diagram are taken here, as the report takes them).
    base : CustomerBase
        The base the notebook's result read.
    **parameters
        The notebook's model parameters, as it passed them to the model's steps.

    Returns
    -------
    bool
        Whether the verdict is in the cache now (False: no key, or not writable).
    """
    module = importlib.import_module(MODEL_MODULES[model])
    changed = changed_parameters(module.analyse, parameters)
    key = verdict_key(inputs_digest(company, base) if base is not None else None, model, changed)
    if key is None:
        return False
    if _read(key) is not None:
        return True
    try:
        verdict = model_verdict(module, result)
    except CrmlibError:
        # the data cannot give this model's verdict: the report says why when it tries
        return False
    stored = store(key, verdict)
    if stored:
        base_cache.log_event("verdict-shared", f"{model.replace(' ', '_')}:{key}")
    return stored
