"""The package's layering: imports go one way, from the runs stage down to paths and profiles.

config, errors, bureau (profiles) → ledgers → figures → report → render → runs → command line

A module imports modules of its own layer or of layers to its left, and no two modules import
each other, directly or around a loop. Imports inside functions count as much as those at the
top of a module: a lazy import only hides a loop until the day the import order changes.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
from functools import cache
from pathlib import Path

import helpers

# Each layer by the modules or packages it holds (a package stands for every module in it).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("helpers", "helpers.config", "helpers.errors", "helpers.bureau", "helpers.yamlfile",
     "helpers.provenance", "helpers.fonts", "helpers.memory", "helpers.progress"),
    ("helpers.ledgers",),
    ("helpers.figures",),
    ("helpers.report",),
    ("helpers.render",),
    ("helpers.runs",),
    ("helpers.cli", "helpers.__main__"),
)  # fmt: skip


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by name, with its source file. Found when a test first asks,
    not at import: walking the package imports it, and every worker collects this file."""
    found = {"helpers": Path(helpers.__file__)}
    for info in pkgutil.walk_packages(helpers.__path__, prefix="helpers."):
        spec = importlib.util.find_spec(info.name)
        assert spec is not None and spec.origin is not None, info.name
        found[info.name] = Path(spec.origin)
    return found


def _imported(name: str, source: str, is_package: bool = False) -> set[str]:
    """The package's modules that module `name` (whose text is `source`) imports, wherever in
    the module the import statement is."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = (name if is_package else name.rpartition(".")[0]).split(".")
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, *([base] if base else [])])
            # `from package import module` imports the module; `from module import name`, the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base
                       for alias in node.names]  # fmt: skip
        else:
            continue
        for target in targets:
            # `import helpers.ledgers.load` names the module itself, else its nearest package.
            while target and target not in modules():
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


@cache
def graph() -> dict[str, set[str]]:
    """Each module of the package with the package's modules it imports."""
    return {
        name: _imported(name, path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for name, path in modules().items()
    }


def layer_of(module: str) -> int:
    """A module's layer: where it or its package is listed (the root package only as itself)."""
    for level, members in enumerate(LAYERS):
        for member in members:
            if module == member or (member != "helpers" and module.startswith(member + ".")):
                return level
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def test_every_module_imports():
    for name in modules():
        if not name.endswith(".__main__"):  # runs the command line when imported
            importlib.import_module(name)


def test_every_module_has_a_layer():
    for name in modules():
        layer_of(name)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_import_cycle():
    cycles = _cycles(graph())
    shown = [
        ", ".join(f"{a} → {b}" for a in cycle for b in sorted(graph()[a]) if b in cycle)
        for cycle in cycles
    ]
    assert not cycles, "modules importing each other, directly or in a loop:\n" + "\n".join(shown)


def test_imports_go_down_the_layers():
    upward = sorted(
        f"{source} (layer {layer_of(source)}) imports {target} (layer {layer_of(target)})"
        for source, targets in graph().items()
        for target in targets
        if layer_of(target) > layer_of(source)
    )
    assert not upward, "imports against the layering:\n" + "\n".join(upward)


def test_the_checks_see_lazy_and_relative_imports():
    """The parser itself: an import inside a function and a relative one are edges too."""
    source = (
        "from . import config\n"
        "from .figures import catalogue\n"
        "def f():\n"
        "    from helpers.ledgers.load import Ledgers\n"
        "    import helpers.report.params\n"
    )
    edges = _imported("helpers._probe", source)
    assert edges == {"helpers.config", "helpers.figures.catalogue", "helpers.ledgers.load",
                     "helpers.report.params"}  # fmt: skip
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
