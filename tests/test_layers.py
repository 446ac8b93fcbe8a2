"""The layer contract of crmlib: every import goes down, and no import cycle exists.

Every ``import`` and ``from ... import`` in crmlib is read from the source (ast), the ones
inside functions included, so a deferred import cannot hide an upward edge or a cycle.
The layers, from the bottom (see DESIGN.md and the crmlib docstring)::

    base         crmlib (the package), errors, atomic, i18n, formatting, paths, text,
                 text_columns, memory, progress, loaded, digest, export,
                 stages
    data         crmlib.data, crmlib.privacy
    analytics    crmlib.analytics
    instruments  crmlib.instruments (questionnaires, answers, scoring; no widgets)
    sample       crmlib.sample (the generated company, with example answers)
    models       crmlib.models
    drawing      crmlib.plots, crmlib.diagrams (charts and diagrams of given results)
    notebook     crmlib.notebook (everything that talks to IPython)
    reports      crmlib.render, crmlib.batch
    entry        crmlib.cli, crmlib.lab, crmlib.classroom, crmlib.__main__

A module may import its own layer and the layers below it. Within a layer the graph
must still be free of cycles, so "its own layer" cannot hide a circle.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "crmlib"

LAYERS = [
    ("base", ["crmlib", "crmlib.errors", "crmlib.atomic", "crmlib.i18n", "crmlib.formatting", "crmlib.paths",
              "crmlib.text", "crmlib.text_columns", "crmlib.memory", "crmlib.progress", "crmlib.money", "crmlib.loaded", "crmlib.digest", "crmlib.export", "crmlib.stages", "crmlib.parameters",
              "crmlib.figures"]),
    ("data", ["crmlib.data", "crmlib.privacy"]),
    ("analytics", ["crmlib.analytics"]),
    ("instruments", ["crmlib.instruments"]),
    ("sample", ["crmlib.sample"]),
    ("models", ["crmlib.models"]),
    ("drawing", ["crmlib.plots", "crmlib.diagrams"]),
    ("notebook", ["crmlib.notebook"]),
    ("reports", ["crmlib.render", "crmlib.batch"]),
    ("entry", ["crmlib.cli", "crmlib.lab", "crmlib.classroom", "crmlib.__main__"]),
]  # fmt: skip

# Imports of third-party presentation libraries are presentation: only the notebook
# layer and above may talk to IPython or widgets.
PRESENTATION = ("IPython", "ipywidgets")


def module_files() -> dict[str, Path]:
    """Every crmlib module by dotted name (a package by its ``__init__``)."""
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def layer_of(module: str) -> int:
    """Rank of ``module``'s layer: the longest matching prefix wins."""
    best, rank = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            # The root package is one module, not a prefix of every other one.
            below = prefix != "crmlib" and module.startswith(prefix + ".")
            if (module == prefix or below) and len(prefix) > best:
                best, rank = len(prefix), index
    if rank is None:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS in this test")
    return rank


def runtime_nodes(tree: ast.AST):
    """Every node of ``tree`` except those under ``if TYPE_CHECKING:``.

    Imports for type annotations only never run, so they make neither a layer edge nor
    a cycle (import-linter's ``exclude_type_checking_imports``); imports inside
    functions do run, and are kept.
    """
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                pending.extend(child.orelse)
                continue
            pending.append(child)


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """crmlib modules and top-level third-party packages that ``module`` imports."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    internal, external = set(), set()
    for node in runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from pkg import sub` imports the submodule; `from pkg import name` the
            # package. (Importing a submodule runs its package's __init__ first, as every
            # import does: that parent edge is implicit and not counted.)
            names = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                for alias in node.names
            ]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value in modules
            and module != "crmlib"
        ):
            # A module named in a string is loaded by importlib (a lazy ``_LAZY`` table):
            # still an import. The root package's table is the public facade over every
            # layer (DESIGN.md's contracts), so it alone may name any module.
            names = [node.value]
        else:
            continue
        for name in names:
            if not name.startswith("crmlib"):
                external.add(name.split(".")[0])
                continue
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                internal.add(name)
    return internal, external


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = module_files()
    internal, external = defaultdict(set), defaultdict(set)
    for module, path in modules.items():
        internal[module], external[module] = imports_of(module, path, modules)
    return internal, external


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def upward_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if layer_of(target) > layer_of(module)
    }


def test_every_module_has_a_layer():
    for module in module_files():
        layer_of(module)


def test_no_upward_import():
    internal, _ = import_graph()
    upward = sorted(upward_imports(internal))
    assert not upward, "upward imports:\n" + "\n".join(f"{a} -> {b}" for a, b in upward)


def test_no_import_cycle():
    internal, _ = import_graph()
    found = cycles(internal)
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_only_the_notebook_layer_talks_to_ipython():
    _, external = import_graph()
    notebook = layer_of("crmlib.notebook")
    offenders = sorted(
        f"{module} imports {name}"
        for module, names in external.items()
        for name in names & set(PRESENTATION)
        if layer_of(module) < notebook
    )
    assert not offenders, "\n".join(offenders)


def test_nothing_below_the_charts_draws():
    """Models, analytics, instruments and data compute; only charts and above use matplotlib."""
    _, external = import_graph()
    drawing = layer_of("crmlib.plots")
    offenders = sorted(
        module
        for module, names in external.items()
        if "matplotlib" in names and module != "crmlib" and layer_of(module) < drawing
    )
    assert not offenders, offenders


def test_drawings_take_results_not_models():
    """Charts and diagrams draw the results they are given; they never compute a model."""
    internal, _ = import_graph()
    drawing = layer_of("crmlib.plots")
    offenders = {
        (module, target)
        for module, targets in internal.items()
        for target in targets
        if layer_of(module) == drawing and target.startswith("crmlib.models")
    }
    assert not offenders, sorted(offenders)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set()}, []),
    ],
)
def test_cycle_finder(graph, expected):
    assert cycles(graph) == expected


def test_the_scan_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "mod.py"
    source.write_text(
        "def f():\n    from crmlib.plots import base\n    import IPython\n"
        "LAZY = {'plot': 'crmlib.plots'}\n"
    )
    modules = {"crmlib.models.x": source, "crmlib.plots": source, "crmlib.plots.base": source}
    internal, external = imports_of("crmlib.models.x", source, modules)
    assert internal == {"crmlib.plots", "crmlib.plots.base"}
    assert "IPython" in external
    assert upward_imports({"crmlib.models.x": internal})


def test_a_notebook_start_leaves_the_heavy_optional_modules_out():
    """What every kernel imports at its start does not load scipy.stats, the optimiser or
    scikit-learn: each costs a kernel tenths of a second and is needed only by the steps
    that fit (and those import it themselves)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import crmlib.notebook, crmlib.notebook.figures, crmlib.models.strategy\n"
        "import crmlib.models.idic, crmlib.models.qci, crmlib.models.payne_frow\n"
        "import crmlib.models.value_chain, crmlib.models.idol\n"
        "print(sorted(m for m in ('scipy.stats', 'scipy.optimize', 'sklearn') "
        "if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
