"""`kb lint`: check articles, trees and cases; print diagnostics in a chosen format."""

from __future__ import annotations

import argparse
from typing import TextIO

from kb.commands._shared import (
    add_cache_option,
    config_from_args,
    date_arg,
    load_kb,
    run_lint,
    selected_paths,
)
from kb.lint.report import FORMATS


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("lint", help="check articles, trees and cases")
    p.add_argument("paths", nargs="*", help="files or folders to report on (default: all)")
    p.add_argument("--format", choices=sorted(FORMATS), default="text")
    p.add_argument("--strict", action="store_true", help="warnings fail too")
    p.add_argument("--today", type=date_arg, help="judge freshness on this date (YYYY-MM-DD)")
    add_cache_option(p)
    p.set_defaults(run=cmd_lint)


def cmd_lint(args: argparse.Namespace, out: TextIO) -> int:
    if args.no_cache:
        loaded = load_kb(args)
        result = run_lint(loaded, selected_paths(loaded.kb.config, args.paths))
    else:
        from kb.lint.incremental import lint_content  # parses only what the cache lacks

        config = config_from_args(args)
        result = lint_content(config, selected_paths(config, args.paths),
                              freeze=bool(args.one_shot))
    print(FORMATS[args.format](result), file=out)
    return result.exit_code(strict=args.strict)
