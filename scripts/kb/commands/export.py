"""`kb export`: lint, then write the agent exports alone (bundle, schema, chunks, llms.txt)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from kb.buildinfo import BuildInfoError, build_info
from kb.commands._shared import (
    EXIT_CONTENT,
    EXIT_OK,
    UsageError,
    add_cache_option,
    load_kb,
    run_lint,
)
from kb.export import build_exports, write_files_atomically
from kb.lint.report import text as text_report


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export", help="write the agent exports (kb-bundle.json, chunks, llms.txt) after lint",
        description="Load and lint the knowledge base; when lint finds no error (and, with "
                    "--strict, no warning), write "
                    "kb-bundle.json, kb-bundle.schema.json, kb-chunks.jsonl, llms.txt and "
                    "llms-full.txt atomically. On lint errors nothing is written.")
    p.add_argument("--out", metavar="DIR",
                   help="folder to write into (default: site/ beside mkdocs.yml)")
    p.add_argument("--strict", action="store_true", help="lint warnings fail too")
    add_cache_option(p)
    p.set_defaults(run=cmd_export)


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    loaded = load_kb(args)
    kb = loaded.kb
    result = run_lint(loaded)
    if result.exit_code(strict=args.strict):
        print(text_report(result), file=out)
        print("kb export: nothing written; fix the problems above first", file=out)
        return EXIT_CONTENT
    try:
        build = build_info(kb.config.root)
    except BuildInfoError as exc:
        raise UsageError(str(exc)) from None
    target = Path(args.out) if args.out else kb.config.root / "site"
    files = build_exports(kb, build)
    try:
        write_files_atomically(target, files)
    except OSError as exc:
        raise UsageError(f"cannot write to {target}: {exc.strerror or exc}") from None
    if result.warnings:
        print(f"{result.warnings} lint warning{'s' if result.warnings != 1 else ''} "
              f"(see kb lint)", file=out)
    for name in files:
        print(f"wrote {target / name}", file=out)
    return EXIT_OK
