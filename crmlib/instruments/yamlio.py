"""Read YAML strictly: a key written twice is an error, not a silent overwrite.

``yaml.safe_load`` keeps the last of two equal keys without a word. In an answers file
that means a score typed twice for the same item quietly replaces the first one, so
both the instruments and the answers are read through :func:`load_yaml`, which rejects
duplicates and says where they are.
"""

from __future__ import annotations

from typing import Any

import yaml

from crmlib.errors import InstrumentError


def _where(path: tuple[str, ...]) -> str:
    return f"under '{'.'.join(path)}'" if path else "at the top level"


def _check_duplicates(node: yaml.Node, source: str, path: tuple[str, ...]) -> None:
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode) and key in first_line:
                what = f"item '{key}'" if path and path[-1] == "scores" else f"the key '{key}'"
                raise InstrumentError(
                    f"{source}, line {line}: {what} appears twice {_where(path)} "
                    f"(lines {first_line[key]} and {line}). Fix: keep only one of them"
                )
            first_line.setdefault(key, line)
            _check_duplicates(value_node, source, (*path, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _check_duplicates(child, source, (*path, str(index)))


def load_yaml(text: str, source: str) -> Any:
    """Parse one YAML document safely, rejecting duplicate keys.

    Parameters
    ----------
    text : str
        The YAML text.
    source : str
        The file name (or another label) used in error messages.

    Returns
    -------
    object
        The parsed document (``None`` for an empty one).

    Raises
    ------
    InstrumentError
        If the text is not valid YAML or a mapping has the same key twice.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_duplicates(node, source, ())
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = " ".join(str(error.problem or error.context or "syntax error").split())
        raise InstrumentError(
            f"{source}{line}: not valid YAML ({problem}). "
            "Fix: check the indentation and quoting on that line"
        ) from None
    except yaml.YAMLError as error:
        raise InstrumentError(
            f"{source}: not valid YAML ({' '.join(str(error).split())}). "
            "Fix: check the file's indentation and quoting"
        ) from None
    finally:
        loader.dispose()
