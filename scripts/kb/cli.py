"""The `kb` command: thin subcommands over the library. `main(argv)` returns the exit code.

Exit codes: 0 clean, 1 content errors found, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from kb.config import ConfigError, KbConfig
from kb.lint import lint
from kb.lint.runner import LintResult, RuleCrashed
from kb.loader import LoadResult, load
from kb.loader.config_file import find_root, load_config

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command line or the environment is wrong (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


# --- shared plumbing ------------------------------------------------------------------------

def config_from_args(args: argparse.Namespace) -> KbConfig:
    root = Path(args.root) if args.root else find_root(Path.cwd())
    config = load_config(root.resolve())
    if getattr(args, "today", None):
        config = replace(config, today=args.today)
    return config


def load_kb(args: argparse.Namespace) -> LoadResult:
    """Load with the content cache in `.kb-cache/` unless `--no-cache` was given."""
    return load(config_from_args(args), cache=not getattr(args, "no_cache", False),
                freeze=bool(getattr(args, "one_shot", False)))


def add_cache_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", action="store_true",
                        help="neither use nor update the content cache in .kb-cache/")


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def selected_paths(config: KbConfig, paths: Sequence[str]) -> set[str] | None:
    """Repo-relative paths of the content files named (files or folders), or None for all."""
    if not paths:
        return None
    from kb.loader import content_files

    root = config.root
    known = set(content_files(config))
    chosen: set[str] = set()
    for raw in paths:
        target = Path(raw).resolve()
        try:
            rel = target.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{raw} is outside the knowledge base at {root}") from None
        if not target.exists():
            raise UsageError(f"{raw}: no such file or folder")
        if target.is_dir():
            prefix = "" if rel == "." else rel + "/"
            chosen |= {p for p in known if p.startswith(prefix)}
        else:
            chosen.add(rel)
    return chosen


def run_lint(loaded: LoadResult, only: set[str] | None = None) -> LintResult:
    return lint(loaded.kb, loaded.problems, loaded.ambiguous, only=only,
                digests=loaded.digests or None)


# --- wiring -----------------------------------------------------------------------------------

Command = Callable[[argparse.Namespace, TextIO], int]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; of only the one `argv` names, when it names one."""
    parser = _Parser(prog="kb", description="Lint, test and publish the payments knowledge base.")
    parser.add_argument("--root", help="folder holding mkdocs.yml (default: found from here up)")
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser)

    from kb.commands import register_all

    register_all(sub, _command_in(argv) if argv is not None else None)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command `argv` runs; None when that is not plain (`--help`, an abbreviated option)."""
    args = iter(argv)
    for arg in args:
        if arg == "--root":
            next(args, None)
        elif not arg.startswith("--root="):
            return None if arg.startswith("-") else arg
    return None


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        parser = build_parser(sys.argv[1:] if argv is None else argv)
        args = parser.parse_args(argv)
        # run from the command line, the process runs one command and exits: what it loads
        # may stay out of the garbage collector's way for good (see `kb.loader.load`)
        args.one_shot = argv is None
        run: Command = args.run
        try:
            return run(args, out)
        finally:
            if args.one_shot:
                # the interpreter's last collection must see everything again: extension
                # modules report objects it leaves behind at exit
                gc.unfreeze()
    except UsageError as exc:
        print(f"kb: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"kb: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RuleCrashed as exc:
        print(f"kb: internal error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # argparse's --help
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away (`kb eval ... | head`): not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # never a traceback for the user; the message names the bug
        print(f"kb: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE

