"""The models word their sentences in one layer: ``crmlib.text.sentence``, never f-strings.

A sentence built with an f-string cannot be translated (its template is not a literal
a message catalogue can hold) and escapes its values only if the author remembered to.
This test reads the models' source with :mod:`ast` and names every such f-string.

What counts as a sentence built with an f-string
------------------------------------------------
An f-string with at least one field whose literal text holds a word (two letters) and a
space, or that puts a value through ``escape()``, when it is

- anywhere in a model's ``text.py`` or ``conclude.py`` (their job is wording), or
- in a function of any of its modules named ``describe_*``, ``means_*``, ``meaning_*``,
  ``headline*``, ``finding*``, ``conclusion``, ``what_this_means`` or ``*_statement``, or
- an argument of ``say()``, ``sentence()`` or ``markdown()``.

Not counted: error messages (inside ``raise``); the labels drawn in a model's diagram
(functions ``stages``, ``diagram_stages``, ``diagram``: chart text, not Markdown); and the
wording of actions (inside ``Action(...)``, the function ``_actions``, or text bound to
``title``, ``rationale``, ``how`` or ``fixes``), which is worded with the actions.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import crmlib

MODELS = Path(crmlib.__file__).parent / "models"

#: The models whose wording is in one layer.
WORDED = ("idic", "qci", "idol")

WORDING_MODULES = {"text.py", "conclude.py"}
BUILDER = re.compile(
    r"^(describe_|means_|meaning_|headline|finding|conclusion$|what_this_means$)|_statement$"
)
DRAWN = {"stages", "diagram_stages", "diagram"}
ACTION_TEXT = {"title", "rationale", "how", "fixes"}
WORD = re.compile(r"[A-Za-z]{2}")


def _is_sentence(node: ast.JoinedStr) -> bool:
    fields = [v for v in node.values if isinstance(v, ast.FormattedValue)]
    if not fields:
        return False
    text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    escaped = any("escape(" in ast.unparse(v.value) for v in fields)
    return escaped or (bool(WORD.search(text)) and " " in text)


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _bound_to(node: ast.AST) -> str:
    """The name a value is assigned, added or appended to ("" for none)."""
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return next((_name(t) for t in targets if _name(t)), "")
    if isinstance(node, ast.Call) and _name(node.func) == "append":
        return _name(node.func.value)
    return ""


def sentences_in(source: str, filename: str) -> list[str]:
    """Where ``source`` builds a sentence with an f-string, as ``file:line: text``."""
    tree = ast.parse(source)
    found: list[str] = []
    wording_module = Path(filename).name in WORDING_MODULES

    def visit(node: ast.AST, function: str, said: bool) -> None:
        if isinstance(node, ast.Raise):
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name in DRAWN or node.name == "_actions":
                return
            function = node.name
        if isinstance(node, ast.Call) and _name(node.func) == "Action":
            return
        if _bound_to(node) in ACTION_TEXT:
            return
        if isinstance(node, ast.Call) and _name(node.func) in ("say", "sentence", "markdown"):
            said = True
        if isinstance(node, ast.JoinedStr):
            counted = wording_module or said or bool(BUILDER.search(function))
            if counted and _is_sentence(node):
                found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:70]}")
            return
        for child in ast.iter_child_nodes(node):
            visit(child, function, said)

    visit(tree, "", False)
    return found


def sentences_in_package(model: str) -> list[str]:
    found = []
    for path in sorted((MODELS / model).glob("*.py")):
        found += sentences_in(path.read_text(encoding="utf-8"), f"{model}/{path.name}")
    return found


@pytest.mark.parametrize("model", WORDED)
def test_the_model_builds_no_sentence_with_an_f_string(model):
    assert sentences_in_package(model) == []


def test_the_check_finds_f_string_sentences():
    source = """
def describe_x(r):
    return f"{count(r.n)} customers bought"

def helper(r):
    plain = f"{r.a}..{r.b}"
    return say(f"The {r.name} pays")

def _label(r):
    return f"{escape(r.name)}"
"""
    assert [hit.split(": ", 1)[0] for hit in sentences_in(source, "m/elements.py")] == [
        "m/elements.py:3",
        "m/elements.py:7",
    ]
    # in a wording module every f-string sentence counts, escaped values too
    assert len(sentences_in(source, "m/text.py")) == 3


def test_the_check_leaves_errors_actions_and_drawn_labels_alone():
    source = """
def describe_x(r):
    if r.bad:
        raise ValueError(f"the rate must be above 0, got {r.rate}")
    title = f"Win back the {r.n} lapsed customers"
    actions = [Action(title=title, rationale=f"{r.n} customers lapsed last year")]
    return sentence("{n} customers", n=r.n)

def stages(r):
    return [f"{r.n} customers known"]
"""
    assert sentences_in(source, "m/conclude.py") == []
