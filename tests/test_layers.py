"""The package's layers point one way, and no two of its top-level parts import each other.

A part is a top-level module (`kb.walk`) or subpackage (`kb.lint`) of `kb`; its imports are read
from the source (those inside functions too), so a lazy import cannot hide a circle. `kb` itself
(the public API, which re-exports from everywhere) and `kb.__main__` are not parts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from kbtest import REPO

PACKAGE = REPO / "scripts" / "kb"

#: from the bottom up: a part imports only parts of lower layers, or of its own (without a circle)
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("foundation", frozenset({"config", "mkdocs_yml", "urls", "forked", "buildinfo", "atomic",
                               "child", "links", "render", "sanitise",
                               "html_blocks"})),
    ("model", frozenset({"model", "diagnostics", "when", "graph", "walk", "casetest",
                         "translations", "macros", "effective"})),
    ("loader", frozenset({"loader"})),
    ("rules, exporters, metrics", frozenset({"lint", "export", "quality", "search",
                                             "changes", "audience"})),
    ("client", frozenset({"client"})),
    ("pages", frozenset({"pages"})),
    ("adapters", frozenset({"commands", "mkdocs_plugin", "mcp_server"})),
    ("command line", frozenset({"cli"})),
)

#: the only part that may import MkDocs (or its Material theme)
MKDOCS_PART = "mkdocs_plugin"

Graph = Mapping[str, frozenset[str]]


def imported(source: str, module: str) -> Iterator[str]:
    """The absolute names of the modules `source` (the text of `module`) imports, anywhere."""
    package = module.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level] if node.level else []
            yield ".".join([*base, *([node.module] if node.module else [])])


def import_graph(package: Path = PACKAGE) -> dict[str, frozenset[str]]:
    """Each part -> the parts of `kb` (and the outside top-level packages) it imports."""
    graph: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        if parts in {("__init__",), ("__main__",)}:
            continue
        part = parts[0]
        module = ".".join(["kb", *parts[:-1]] if parts[-1] == "__init__" else ["kb", *parts])
        found = graph.setdefault(part, set())
        for name in imported(path.read_text(encoding="utf-8"), module):
            top = name.split(".")
            target = top[1] if top[0] == "kb" and len(top) > 1 else top[0]
            if target != part and target != "kb":
                found.add(target)
    return {part: frozenset(targets) for part, targets in graph.items()}


def circle(graph: Graph) -> list[str] | None:
    """One circle of imports among the parts, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, frozenset()) & graph.keys()):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def layer_of(part: str) -> int:
    for rank, (_, members) in enumerate(LAYERS):
        if part in members:
            return rank
    raise AssertionError(f"kb.{part} is in no layer: add it to LAYERS in {Path(__file__).name}")


def upward(graph: Graph) -> list[str]:
    """The imports that point from a layer to one above it."""
    return [f"kb.{part} ({LAYERS[layer_of(part)][0]}) imports kb.{target} "
            f"({LAYERS[layer_of(target)][0]})"
            for part, targets in sorted(graph.items())
            for target in sorted(targets & graph.keys())
            if layer_of(target) > layer_of(part)]


def test_no_circle_among_the_parts() -> None:
    found = circle(import_graph())
    assert found is None, "import circle: " + " -> ".join(f"kb.{p}" for p in found or [])


def test_layers_point_one_way() -> None:
    assert upward(import_graph()) == []


def test_only_the_plugin_imports_mkdocs() -> None:
    users = {part for part, targets in import_graph().items() if targets & {"mkdocs", "material"}}
    assert users <= {MKDOCS_PART}


@pytest.mark.parametrize(("files", "expected"), [
    ({"a.py": "from kb.b import x\n", "b.py": "def f() -> None:\n    import kb.a\n"},
     ["a", "b", "a"]),
    ({"a/__init__.py": "", "a/one.py": "from ..b import x\n",
      "b.py": "from kb.a.one import y\n"}, ["a", "b", "a"]),
    ({"a.py": "from kb.b import x\n", "b.py": "import json\n"}, None),
])
def test_the_check_sees_circles_lazy_and_relative(tmp_path: Path, files: dict[str, str],
                                                  expected: list[str] | None) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert circle(import_graph(tmp_path)) == expected


def test_the_check_sees_an_upward_import() -> None:
    assert upward({"model": frozenset({"lint"}), "lint": frozenset({"model"})}) == [
        "kb.model (model) imports kb.lint (rules, exporters, metrics)"]
