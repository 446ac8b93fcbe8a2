"""Payne & Frow and the value chain word every sentence through one layer.

A sentence a reader sees is a template filled by :func:`crmlib.text.sentence` (or, for
drawn text and table cells that are escaped where they are shown,
:func:`crmlib.text.translate`), so that a message catalogue can translate it and every
value is escaped once. These tests read the two packages' source (not run it) and fail
on:

- an f-string with words in it: a sentence built outside the layer. Exempt are error
  messages (``raise``, ``...Error(...)``), the ``Action(...)`` calls and the functions
  that build actions (another change words those), figure ids and labels
  (``Figure(...)``), lookups (subscripts, dict keys) and f-strings without letters
  (number formats such as ``f"{v:+.0%}"``);
- a template that is not a literal string: the catalogue is extracted from the source.
  ``translate`` may also take a name or a value kept in data (a process title, a
  verdict, a segment name): those are marked with ``N_`` where they are written and
  translated where they are shown.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import crmlib

PACKAGES = ("payne_frow", "value_chain")
ROOT = Path(crmlib.__file__).parent / "models"
#: The calls whose first argument is a template (for ``_fill``: the second).
TEMPLATE_CALLS = {"sentence": 0, "translate": 0, "markdown": 0, "_line": 0, "_fill": 1}


def _name(node: ast.AST) -> str:
    """The called name: ``sentence`` for ``sentence(...)``, ``unavailable`` for
    ``Figure.unavailable(...)``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _exempt_call(call: ast.Call) -> bool:
    name = _name(call.func)
    owner = _name(call.func.value) if isinstance(call.func, ast.Attribute) else ""
    return name == "Action" or name.endswith("Error") or "Figure" in (name, owner)


def _has_words(node: ast.JoinedStr) -> bool:
    """Whether the f-string's own text holds words: letters and a space. An id such as
    ``f"tier_count.{name}"`` has no space; a number format has no letters."""
    text = "".join(str(p.value) for p in node.values if isinstance(p, ast.Constant))
    return any(ch.isalpha() for ch in text) and " " in text


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _exempt(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Raise):
            return True
        if isinstance(parent, ast.Call) and _exempt_call(parent):
            return True
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef) and (
            parent.name.endswith(("_action", "_actions"))
        ):
            return True
        if isinstance(parent, ast.Subscript) and child is parent.slice:
            return True
        if isinstance(parent, ast.Dict) and child in parent.keys:
            return True
        if isinstance(parent, ast.DictComp) and child is parent.key:
            return True
        child, parent = parent, parents.get(parent)
    return False


def _literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    # a literal marked for the catalogue where a helper the extraction does not know takes it
    if isinstance(node, ast.Call) and _name(node.func) == "N_" and len(node.args) == 1:
        return _literal(node.args[0])
    # a choice between two literal templates
    return isinstance(node, ast.IfExp) and _literal(node.body) and _literal(node.orelse)


def _kept_text(node: ast.AST) -> bool:
    """A text kept in data and translated where shown (``translate(PROCESSES[p])``):
    anything but a string put together here, which the catalogue could not hold."""
    if isinstance(node, ast.BinOp | ast.JoinedStr):
        return False
    return not (isinstance(node, ast.Call) and _name(node.func) in ("format", "join"))


def _function(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.FunctionDef | None:
    parent = parents.get(node)
    while parent is not None and not isinstance(parent, ast.FunctionDef):
        parent = parents.get(parent)
    return parent


def _named_literal(name: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A variable that the function only ever sets to literal templates."""
    function = _function(name, parents)
    if not isinstance(name, ast.Name) or function is None:
        return False
    values = [
        node.value
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name.id for t in node.targets)
    ]
    return bool(values) and all(_literal(v) for v in values)


def _enclosing_params(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> set[str]:
    function = _function(node, parents)
    if function is None:
        return set()
    return {a.arg for a in function.args.args + function.args.kwonlyargs}


def violations(source: str, filename: str = "<source>") -> list[str]:
    """Every sentence built outside the wording layer in ``source``, as ``file:line: why``."""
    tree = ast.parse(source, filename)
    parents = _parents(tree)
    found = []
    for node in ast.walk(tree):
        # an f-string nested in another (a format spec) is judged with the outer one
        nested = isinstance(parents.get(node), ast.FormattedValue)
        sentence_like = isinstance(node, ast.JoinedStr) and not nested and _has_words(node)
        if sentence_like and not _exempt(node, parents):
            found.append(f"{filename}:{node.lineno}: a sentence built with an f-string")
        if isinstance(node, ast.Call) and _name(node.func) in TEMPLATE_CALLS:
            at = TEMPLATE_CALLS[_name(node.func)]
            if len(node.args) <= at:
                continue
            template = node.args[at]
            # the layer's own helpers pass their parameter on
            passed_on = isinstance(template, ast.Name) and template.id in _enclosing_params(
                node, parents
            )
            kept = _name(node.func) == "translate" and _kept_text(template)
            if not (_literal(template) or _named_literal(template, parents) or passed_on or kept):
                found.append(f"{filename}:{node.lineno}: a template that is not a literal string")
    return found


def _files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).glob("*.py"))


def test_the_scan_covers_the_text_and_conclusion_modules():
    names = {f"{p.parent.name}/{p.name}" for p in _files()}
    for package in PACKAGES:
        assert {f"{package}/text.py", f"{package}/conclude.py", f"{package}/tables.py"} <= names


@pytest.mark.parametrize("path", _files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sentence_goes_through_the_wording_layer(path):
    assert violations(path.read_text(encoding="utf-8"), str(path)) == []


@pytest.mark.parametrize(
    "source",
    [
        "def describe_x(r):\n    return f'{r.n} customers bought again.'\n",
        "def describe_x(r):\n    parts = []\n    parts.append(f'The share is {r.share}.')\n",
        "def headline(r):\n    say(f'Weakest: {r.stage}')\n",
        "def verdict(r):\n    findings = [f'{r.n} of {r.m} standards met.']\n",
        "def describe_x(r):\n    return sentence(r.template, n=r.n)\n",
        "def describe_x(r):\n    return translate('a ' + r.word)\n",
        "def describe_x(r):\n    t = 'a {x}'\n    t = r.other\n    return sentence(t, x=1)\n",
        "def f(r):\n    return {'type': f'value-chain type: {r.label}'}\n",
    ],
)
def test_a_sentence_outside_the_layer_is_found(source):
    assert violations(source)


@pytest.mark.parametrize(
    "source",
    [
        "def describe_x(r):\n    return sentence('{n} customers bought again.', n=r.n)\n",
        "def _stage_action(r):\n    return Action(f'Lift {r.measure}', 'marketing')\n",
        "def f(r):\n    return Action(title=f'Win {r.gap} more', owner='board')\n",
        "def f(r):\n    raise ParameterError(f'growth_goal is a share, got {r.goal}')\n",
        "def f(r):\n    return Figure(f'tier_count.{r.t}', f'Customers: {r.t}', 1, 'customers')\n",
        "def f(r):\n    return r.figures[f'buttle_ssc_type.{r.key}']\n",
        "def f(v):\n    return f'{v:+.0%}'\n",
        "def _line(template, **values):\n    return translate(template).format(**values)\n",
        "def f(r):\n    return sentence('a {x}.' if r.ok else 'b {x}.', x=r.x)\n",
        "def f(r):\n    t = 'a {x}.' if r.ok else 'b {x}.'\n    return sentence(t, x=r.x)\n",
        "def f(r):\n    figure_id = f'retention_rate.{r.key}'\n",
    ],
)
def test_what_is_not_a_sentence_passes(source):
    assert violations(source) == []
