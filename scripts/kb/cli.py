"""The `kb` command: thin subcommands over the library. `main(argv)` returns the exit code.

Exit codes: 0 clean, 1 content errors found, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from kb.commands import register_all
from kb.commands._shared import EXIT_OK, EXIT_USAGE, UsageError
from kb.config import ConfigError
from kb.lint.runner import RuleCrashed


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


# --- wiring -----------------------------------------------------------------------------------

Command = Callable[[argparse.Namespace, TextIO], int]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; of only the one `argv` names, when it names one."""
    parser = _Parser(prog="kb", description="Lint, test and publish the payments knowledge base.")
    parser.add_argument("--root", help="folder holding mkdocs.yml (default: found from here up)")
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser)

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

