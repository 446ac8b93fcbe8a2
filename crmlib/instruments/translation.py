"""An instrument in another language: its texts from an overlay file beside it.

``data/instruments/nl/qci.yaml`` holds the Dutch texts of ``data/instruments/qci.yaml``
and nothing else: the same structure, with the same ids, but only the fields a reader
reads (titles, descriptions, guidance, labels, meanings, item texts). Ids, values,
weights and tags stay in the one English file, so scoring cannot differ by language
and an answers file is the same in both. Lists of mappings with an ``id`` are matched
by id; other lists (the scale) by position.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crmlib.errors import InstrumentError
from crmlib.instruments.yamlio import load_yaml

#: The keys an overlay may set: words, never structure or numbers.
TEXT_KEYS = frozenset(
    {"title", "model", "description", "guidance", "label", "meaning", "text", "source", "markers"}
)


def overlay_path(path: Path, language: str) -> Path:
    """Where the ``language`` texts of the instrument file ``path`` are kept."""
    return path.parent / language / path.name


def translated_text(text: str, path: Path, language: str) -> str | dict:
    """The instrument's YAML data with ``language``'s texts laid over (``text`` if none)."""
    overlay = overlay_path(path, language)
    if not overlay.is_file():
        return text
    base = load_yaml(text, str(path))
    texts = load_yaml(overlay.read_text(encoding="utf-8"), str(overlay))
    return lay_over(base, texts, str(overlay), "")


def lay_over(base: Any, texts: Any, source: str, where: str) -> Any:
    """``base`` with every text of ``texts`` put in its place (a new structure)."""
    if isinstance(base, dict) and isinstance(texts, dict):
        merged = dict(base)
        for key, value in texts.items():
            if key not in base:
                raise InstrumentError(
                    f"{source}: {where or 'top'} has no '{key}' in the English instrument. "
                    "Fix: translate only keys the English file has"
                )
            if key in TEXT_KEYS and _texts(base[key]) and _texts(value):
                # a list of texts (a maturity level's markers): one per English text
                if len(value) != len(base[key]):
                    raise InstrumentError(
                        f"{source}: {where}{key} has {len(value)} texts, the English "
                        f"instrument {len(base[key])}. Fix: translate each one, in order"
                    )
                merged[key] = list(value)
            elif isinstance(value, (dict, list)):
                merged[key] = lay_over(base[key], value, source, f"{where}{key}.")
            elif key in TEXT_KEYS:
                merged[key] = value
            else:
                raise InstrumentError(
                    f"{source}: {where}{key} is not a text. Fix: leave ids, values, weights "
                    "and tags to the English file"
                )
        return merged
    if isinstance(base, list) and isinstance(texts, list):
        keyed = all(isinstance(item, dict) and "id" in item for item in base)
        if keyed:
            by_id = {item["id"]: item for item in texts if isinstance(item, dict)}
            unknown = set(by_id) - {item["id"] for item in base}
            if unknown:
                raise InstrumentError(
                    f"{source}: {where.rstrip('.')} has unknown id(s) {', '.join(sorted(unknown))}. "
                    "Fix: use the ids of the English instrument"
                )
            return [
                lay_over(item, _without_id(by_id[item["id"]]), source, f"{where}{item['id']}.")
                if item["id"] in by_id
                else item
                for item in base
            ]
        if len(texts) > len(base):
            raise InstrumentError(
                f"{source}: {where.rstrip('.')} has more entries than the English instrument. "
                "Fix: give one entry per English entry, in the same order"
            )
        return [
            lay_over(item, text, source, f"{where}{index}.") if text is not None else item
            for index, (item, text) in enumerate(zip(base, texts, strict=False))
        ] + base[len(texts) :]
    raise InstrumentError(
        f"{source}: {where.rstrip('.') or 'top'} does not have the English instrument's shape. "
        "Fix: copy the structure of the English file and translate only its texts"
    )


def _without_id(item: dict) -> dict:
    return {key: value for key, value in item.items() if key != "id"}


def untranslated(base: Any, texts: Any, where: str = "") -> list[str]:
    """The text fields of ``base`` that ``texts`` leaves in English (for the tests)."""
    missing = []
    if isinstance(base, dict):
        texts = texts if isinstance(texts, dict) else {}
        for key, value in base.items():
            if key in TEXT_KEYS and _texts(value):
                if not _texts(texts.get(key)) or len(texts[key]) != len(value):
                    missing.append(f"{where}{key}")
            elif isinstance(value, (dict, list)):
                missing += untranslated(value, texts.get(key), f"{where}{key}.")
            elif _is_text(key, value) and not str(texts.get(key) or "").strip():
                missing.append(f"{where}{key}")
    elif isinstance(base, list):
        texts = texts if isinstance(texts, list) else []
        if all(isinstance(item, dict) and "id" in item for item in base):
            by_id = {t.get("id"): t for t in texts if isinstance(t, dict)}
            for item in base:
                missing += untranslated(item, by_id.get(item["id"]), f"{where}{item['id']}.")
        else:
            for index, item in enumerate(base):
                other = texts[index] if index < len(texts) else None
                missing += untranslated(item, other, f"{where}{index}.")
    return missing


def _is_text(key: str, value: object) -> bool:
    # The source is a citation: it stays in the language it was published in.
    return key in TEXT_KEYS and key != "source" and isinstance(value, str) and bool(value.strip())


def _texts(value: object) -> bool:
    """Whether ``value`` is a non-empty list of texts."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
