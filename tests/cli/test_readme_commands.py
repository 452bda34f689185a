"""Every `kb` command has a row in the README's command table."""

from __future__ import annotations

import pkgutil

import kb.commands
from kbtest import REPO


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = [m.name.replace("_", "-") for m in pkgutil.iter_modules(kb.commands.__path__)
                if not m.name.startswith("_")]
    assert {"diff", "new", "owners", "schemas"} <= set(commands)
    assert [c for c in commands if f"| `kb {c}" not in readme] == []
