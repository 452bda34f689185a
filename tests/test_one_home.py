"""Ideas that must have one definition: a second one drifts (and did) from the first."""

from __future__ import annotations

import ast

from kbtest import REPO

PACKAGE = REPO / "scripts" / "kb"


def definitions(suffix: str) -> set[str]:
    """`module:function` of every function or method of `kb` whose name ends with `suffix`."""
    found: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                    and node.name.endswith(suffix):
                found.add(f"{path.relative_to(PACKAGE).as_posix()}:{node.name}")
    return found


def test_what_is_exported_is_decided_in_the_export_scope_only() -> None:
    # the fail-closed rule (a visibility outside the allowlist, an empty one included, keeps a
    # file out of the agent exports) is in `kb.export.scope`; a looser copy elsewhere would
    # sooner or later be used by something that publishes
    assert definitions("is_exported") == {"export/scope.py:article_is_exported",
                                          "export/scope.py:tree_is_exported"}
