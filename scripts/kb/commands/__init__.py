"""Subcommands of `kb`: one module each, named after its command, each with `register(subparsers)`.

A new command is one new module here; `kb.cli` finds it. What commands share is in `_shared`.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil


def register_all(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                 command: str | None = None) -> None:
    """Register every command; with `command`, only that one if a module is named after it
    (the others are not even imported: some import large libraries)."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    chosen = [n for n in names if command is not None and n.replace("_", "-") == command]
    for name in chosen or names:
        importlib.import_module(f"{__name__}.{name}").register(sub)
