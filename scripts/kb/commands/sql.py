"""`kb sql "SELECT ..."`: ad-hoc SQL over the KB and the quality data (DuckDB)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

import duckdb

from kb.commands._shared import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, UsageError, load_kb
from kb.quality import sql as quality_sql
from kb.quality.casedata import FORMATS, CaseDataError, detect_format


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "sql", help="ad-hoc SQL over the KB (articles, trees, nodes, outcomes, cases...) and "
                    "the case export",
        description="Runs one read-only SQL statement (DuckDB dialect, no file or network "
                    "access, no extensions) over the knowledge base and the "
                    "quality data. Tables: articles, trees, nodes, branches, outcomes, cases, "
                    "annotations, and case_export / predictions when those files are given "
                    "(by default the files mkdocs.yml names in quality_cases and "
                    "quality_predictions). Try: kb sql \"SELECT tree, count(*) FROM "
                    "case_export GROUP BY tree\", or kb sql \"DESCRIBE nodes\".",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=quality_sql.__doc__)
    p.add_argument("query", help="one SQL statement")
    p.add_argument("--cases", help="a case export (.csv, .jsonl or .parquet) as case_export")
    p.add_argument("--input-format", choices=FORMATS, default="")
    p.add_argument("--predictions", help="a predictions JSONL file as predictions")
    p.add_argument("--no-data", action="store_true",
                   help="do not open the quality files named in mkdocs.yml")
    p.add_argument("--format", choices=("text", "csv", "json", "markdown"), default="text")
    p.set_defaults(run=cmd_sql)


def cmd_sql(args: argparse.Namespace, out: TextIO) -> int:
    kb = load_kb(args).kb
    config = kb.config
    cases = _file(args.cases) if args.cases else None
    predictions = _file(args.predictions) if args.predictions else None
    if not args.no_data:
        if cases is None and config.quality_cases:
            cases = _file(str(config.root / config.quality_cases))
        if predictions is None and config.quality_predictions:
            predictions = _file(str(config.root / config.quality_predictions))
    try:
        fmt = detect_format(cases, args.input_format) if cases is not None else ""
        db = quality_sql.open_database(kb, cases, fmt, predictions)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except CaseDataError as exc:
        print(f"kb sql: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    try:
        result = quality_sql.run_query(db, args.query)
    except (duckdb.Error, quality_sql.ReadOnlyError) as exc:
        print(f"kb sql: {str(exc).strip()}", file=sys.stderr)
        return EXIT_USAGE
    finally_rejected = _rejected(db)
    print(quality_sql.format_result(result, args.format), file=out)
    for note in finally_rejected:
        print(f"kb sql: {note}", file=sys.stderr)
    return EXIT_CONTENT if finally_rejected else EXIT_OK


def _file(raw: str) -> Path:
    path = Path(raw)
    if not path.is_file():
        raise UsageError(f"{raw}: no such file")
    return path


def _rejected(db: quality_sql.Database) -> list[str]:
    notes = []
    if db.cases is not None and db.cases.bad:
        notes.append(f"{db.cases.bad} bad row(s) of {db.cases.source} are not in case_export "
                     f"(kb metrics lists them)")
    if db.predictions is not None and db.predictions.rejected:
        notes.append(f"{db.predictions.rejected} rejected line(s) of {db.predictions.source} "
                     f"are not in predictions (kb eval lists them)")
    return notes
