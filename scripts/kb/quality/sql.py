"""`kb sql`: the knowledge base and the quality data as DuckDB tables, for ad-hoc questions.

Tables (one in-memory database per run), one row per:

- `articles`: article: id, path, title, summary, type, visibility, status, owner, reviewed,
  markets, products, tags, related, superseded_by
- `trees`: decision tree: id, path, title, summary, visibility, status, owner, reviewed,
  markets, products, tags, start_node, node_count, outcome_count
- `nodes`: tree node: tree, id, kind (question or outcome), ask, question, default_next
- `branches`: branch of a question node: tree, node, branch_index, when_json, next
- `outcomes`: outcome node: tree, node, title, resolution, handled_by, article, anchor, macro,
  queue, sla_hours
- `cases`: labeled case: tree, id, path, line, description, expected, facts_json,
  annotation_count
- `annotations`: annotation of a case: tree, case_id, annotator, outcome, note
- `case_export`: good row of the case export, when one is given: case_id, created_at (UTC),
  channel, tree, outcome, escalated, resolved, reopened, handle_seconds, csat, path
- `predictions`: accepted prediction, when a file is given: line, case_id, tree, outcome,
  path, citations, confidence, model

`markets`, `products`, `tags`, `related`, `path` (predictions) and `citations` are lists;
`*_json` columns hold JSON text. Only the good rows of the case export and the accepted lines
of the predictions are tables; the rest is reported by `kb metrics` and `kb eval`.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from kb.model import KnowledgeBase, Metadata
from kb.quality.casedata import CaseCheck, connect, open_case_data
from kb.quality.predictions import PredictionFile, read_predictions

__all__ = ["QueryResult", "ReadOnlyError", "format_result", "open_database", "run_query"]

# column kinds, turned into Arrow types when the tables are built (pyarrow loads only then)
_TEXT, _TEXTS, _INT, _FLOAT, _DATE = "text", "texts", "int", "float", "date"


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]


@dataclass(frozen=True, slots=True)
class Database:
    con: duckdb.DuckDBPyConnection
    cases: CaseCheck | None
    predictions: PredictionFile | None


def open_database(kb: KnowledgeBase, cases: Path | None = None, cases_format: str = "",
                  predictions: Path | None = None) -> Database:
    """A connection holding the KB tables and, when given, `case_export` and `predictions`.

    Raises CaseDataError (case export unusable) or OSError (predictions unreadable)."""
    con = connect()
    for name, table in _kb_tables(kb).items():
        con.register(f"_{name}", table)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}")
        con.unregister(f"_{name}")
    check = None
    if cases is not None:
        check = open_case_data(con, cases, cases_format, max_listed=0)
    read = None
    if predictions is not None:
        read = read_predictions(predictions, kb)
        con.register("_predictions", _predictions_table(read))
        con.execute("CREATE TABLE predictions AS SELECT * FROM _predictions")
        con.unregister("_predictions")
    _confine(con)
    return Database(con, check, read)


# Once the tables are loaded the query needs nothing outside the database: no files, no
# network, no extensions; and the query cannot switch any of that back on.
_CONFINEMENT = ("SET autoinstall_known_extensions = false",
                "SET autoload_known_extensions = false",
                "SET enable_external_access = false",
                "SET lock_configuration = true")


class ReadOnlyError(ValueError):
    """The query is not exactly one read-only (SELECT-like) statement."""


def _confine(con: duckdb.DuckDBPyConnection) -> None:
    for setting in _CONFINEMENT:
        con.execute(setting)


def _one_select(sql: str) -> duckdb.Statement:
    """The query's only statement, parsed by DuckDB, when it is a SELECT (also WITH, FROM,
    VALUES, DESCRIBE, SHOW, SUMMARIZE); ReadOnlyError otherwise."""
    statements = duckdb.extract_statements(sql)
    if len(statements) != 1:
        raise ReadOnlyError(f"expected exactly one SQL statement, found {len(statements)}")
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        raise ReadOnlyError(f"only read-only queries (SELECT, WITH, DESCRIBE...) run here, "
                            f"not {statement.type.name}")
    return statement


def run_query(db: Database, sql: str) -> QueryResult:
    """Run one read-only statement; ReadOnlyError when it is not one, duckdb.Error when it
    fails."""
    cursor = db.con.execute(_one_select(sql))
    columns = tuple(d[0] for d in cursor.description or ())
    rows = cursor.fetchall() if columns else []
    return QueryResult(columns, rows)


def _kb_tables(kb: KnowledgeBase) -> dict[str, Any]:
    articles = sorted(kb.articles.values(), key=lambda a: a.id)
    trees = sorted(kb.trees.values(), key=lambda t: t.id)
    meta_fields = [("id", _TEXT), ("path", _TEXT), ("title", _TEXT), ("summary", _TEXT)]
    tables = {
        "articles": _table(
            [*meta_fields, ("type", _TEXT), ("visibility", _TEXT), ("status", _TEXT),
             ("owner", _TEXT), ("reviewed", _DATE), ("markets", _TEXTS),
             ("products", _TEXTS), ("tags", _TEXTS), ("related", _TEXTS),
             ("superseded_by", _TEXT)],
            [(a.id, a.path, a.meta.title, a.meta.summary, a.type, *_meta(a.meta),
              list(a.meta.related), a.meta.superseded_by) for a in articles]),
        "trees": _table(
            [*meta_fields, ("visibility", _TEXT), ("status", _TEXT), ("owner", _TEXT),
             ("reviewed", _DATE), ("markets", _TEXTS), ("products", _TEXTS),
             ("tags", _TEXTS), ("start_node", _TEXT), ("node_count", _INT),
             ("outcome_count", _INT)],
            [(t.id, t.path, t.meta.title, t.meta.summary, *_meta(t.meta), t.start,
              len(t.nodes), sum(1 for _ in t.outcomes())) for t in trees]),
        "nodes": _table(
            [("tree", _TEXT), ("id", _TEXT), ("kind", _TEXT), ("ask", _TEXT),
             ("question", _TEXT), ("default_next", _TEXT)],
            [(t.id, n.id, n.kind, n.ask or None,
              t.facts[n.ask].question if n.ask in t.facts else None, n.default or None)
             for t in trees for n in t.nodes.values()]),
        "branches": _table(
            [("tree", _TEXT), ("node", _TEXT), ("branch_index", _INT),
             ("when_json", _TEXT), ("next", _TEXT)],
            [(t.id, n.id, b.index, json.dumps(b.when, default=str), b.next)
             for t in trees for n in t.nodes.values() for b in n.branches]),
        "outcomes": _table(
            [("tree", _TEXT), ("node", _TEXT), ("title", _TEXT), ("resolution", _TEXT),
             ("handled_by", _TEXT), ("article", _TEXT), ("anchor", _TEXT), ("macro", _TEXT),
             ("queue", _TEXT), ("sla_hours", _FLOAT)],
            [(t.id, n.id, o.title, o.resolution, o.handled_by, o.article or None,
              o.anchor or None, o.macro or None, o.queue or None, o.sla_hours)
             for t in trees for n in t.nodes.values() if (o := n.outcome) is not None]),
        "cases": _table(
            [("tree", _TEXT), ("id", _TEXT), ("path", _TEXT), ("line", _INT),
             ("description", _TEXT), ("expected", _TEXT), ("facts_json", _TEXT),
             ("annotation_count", _INT)],
            [(s.tree, c.id, s.path, c.pos.line, c.description, c.expected,
              json.dumps(dict(c.facts), default=str), len(c.annotations))
             for s in kb.case_sets for c in s.cases]),
        "annotations": _table(
            [("tree", _TEXT), ("case_id", _TEXT), ("annotator", _TEXT), ("outcome", _TEXT),
             ("note", _TEXT)],
            [(s.tree, c.id, a.by, a.outcome, a.note or None)
             for s in kb.case_sets for c in s.cases for a in c.annotations]),
    }
    return tables


def _meta(m: Metadata) -> tuple[object, ...]:
    return (m.visibility, m.status, m.owner, m.reviewed, list(m.markets), list(m.products),
            list(m.tags))


def _predictions_table(read: PredictionFile) -> Any:
    return _table(
        [("line", _INT), ("case_id", _TEXT), ("tree", _TEXT), ("outcome", _TEXT),
         ("path", _TEXTS), ("citations", _TEXTS), ("confidence", _FLOAT),
         ("model", _TEXT)],
        [(p.line, p.case, p.tree, p.outcome, None if p.path is None else list(p.path),
          None if p.citations is None else list(p.citations), p.confidence, p.model or None)
         for p in read.predictions])


def _table(fields: Sequence[tuple[str, str]], rows: Sequence[Sequence[object]]) -> Any:
    """An Arrow table with the given column names and kinds."""
    import pyarrow as pa  # type: ignore[import-untyped]

    kinds = {_TEXT: pa.string(), _TEXTS: pa.list_(pa.string()), _INT: pa.int64(),
             _FLOAT: pa.float64(), _DATE: pa.date32()}
    schema = pa.schema([pa.field(name, kinds[kind]) for name, kind in fields])
    arrays = [pa.array([row[i] for row in rows], type=field.type)
              for i, field in enumerate(schema)]
    return pa.Table.from_arrays(arrays, schema=schema)


# --- output -----------------------------------------------------------------------------------

def format_result(result: QueryResult, fmt: str) -> str:
    """The result as text (aligned), csv, json (a list of objects) or markdown."""
    if fmt == "json":
        return json.dumps([dict(zip(result.columns, row, strict=True)) for row in result.rows],
                          default=_json_value, ensure_ascii=False, indent=2)
    cells = [[_cell(v) for v in row] for row in result.rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(cells)
        return buffer.getvalue().rstrip("\n")
    if fmt == "markdown":
        lines = ["| " + " | ".join(result.columns) + " |",
                 "| " + " | ".join("---" for _ in result.columns) + " |"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines)
    if not result.columns:
        return "ok"
    widths = [max([len(c), *(len(row[i]) for row in cells)])
              for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "[" + ", ".join(_cell(v) for v in value) + "]"
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)
