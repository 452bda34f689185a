"""The support tool's case export, opened in DuckDB straight from its file (CSV, JSONL, Parquet).

Columns: `case_id`, `created_at`, `channel` (`ai` or `human`), `tree`, `outcome`, `escalated`,
`resolved`, `reopened`, `handle_seconds`, and optionally `csat` (1-5, empty when the customer
gave none) and `path` (node ids walked: `a>b>c` in CSV, a list or such a string in JSONL and
Parquet). Other columns are ignored. Values are taken as written (`ai`, not ` AI `); booleans are
`true`/`false` (DuckDB also reads `t`/`f`, `1`/`0`, `yes`/`no`); `created_at` is an ISO 8601
date or timestamp, UTC unless it carries an offset.

`open_case_data` reads the file once with DuckDB's own readers (`read_csv`, `read_parquet`, and
for JSONL `read_csv` of whole lines parsed with DuckDB's JSON functions, so a malformed line is
a bad row rather than a failed read), checks every row, and leaves the good rows, typed, in the
temporary view `case_export` of the connection; figures are SQL over that table. Bad rows are
counted and listed with where they are: `line` N for CSV and JSONL (the file's line; for CSV
exact when no quoted value spans lines), `row` N for Parquet. A row is bad when a required value
is missing or malformed, `channel` is not `ai`/`human`, `handle_seconds` is negative or not
finite, `csat` is not a whole number from 1 to 5, or its `case_id` repeats an earlier row's (the
first is kept). Bad rows never count in a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

__all__ = [
    "CASE_COLUMNS",
    "FORMATS",
    "OPTIONAL_COLUMNS",
    "BadRow",
    "CaseCheck",
    "CaseDataError",
    "connect",
    "detect_format",
    "open_case_data",
]

CASE_COLUMNS = ("case_id", "created_at", "channel", "tree", "outcome", "escalated", "resolved",
                "reopened", "handle_seconds")
OPTIONAL_COLUMNS = ("csat", "path")
FORMATS = ("csv", "jsonl", "parquet")
_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
               ".parquet": "parquet", ".pq": "parquet"}
_REJECTS = "kb_case_rejects"


class CaseDataError(Exception):
    """The file cannot be used at all (unreadable, wrong format, required columns missing)."""


@dataclass(frozen=True, slots=True)
class BadRow:
    #: the file's line (CSV, JSONL) or 1-based row (Parquet)
    position: int
    reason: str


@dataclass(frozen=True, slots=True)
class CaseCheck:
    source: str
    format: str
    #: rows read (header and blank lines not counted)
    rows: int
    good: int
    #: listed bad rows, at most the limit asked for, in file order
    bad_rows: tuple[BadRow, ...]
    bad: int
    #: 'line' or 'row': what BadRow.position counts
    unit: str
    has_csat: bool
    has_path: bool


def detect_format(path: Path, explicit: str = "") -> str:
    """`csv`, `jsonl` or `parquet`, from `explicit` or the file's extension; ValueError if
    neither tells."""
    if explicit:
        if explicit not in FORMATS:
            raise ValueError(f"unknown format `{explicit}`; use one of {', '.join(FORMATS)}")
        return explicit
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot tell the format of {path.name} from its extension; "
                         f"name it .csv, .jsonl or .parquet, or pass --input-format")
    return fmt


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection set up for reproducible figures (UTC, no progress bar)."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    return con


def open_case_data(con: duckdb.DuckDBPyConnection, path: Path, fmt: str,
                   max_listed: int = 100, source: str = "") -> CaseCheck:
    """Check the export at `path` and create the view `case_export` of its good rows.

    Raises CaseDataError when the file cannot be used at all."""
    try:
        return _open(con, path, fmt, max_listed, source or str(path))
    except duckdb.Error as exc:
        raise CaseDataError(f"{source or path}: cannot read as {fmt}: "
                            f"{_first_line(str(exc))}") from None


def _open(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, max_listed: int,
          source: str) -> CaseCheck:
    if not path.is_file():
        raise CaseDataError(f"{source}: no such file")
    reader = _Reader(path, fmt)
    raw = reader.raw_select(con)
    has_csat = "csat" in reader.columns
    has_path = "path" in reader.columns
    checked = _checked_select(raw, has_csat, has_path, with_position=False)
    con.execute(f"CREATE OR REPLACE TEMP TABLE kb_checked AS {checked}")
    invalid, duplicates = _one(con, """
        SELECT count(*) FILTER (WHERE NOT _valid AND NOT _blank),
               count(*) FILTER (WHERE _valid) - count(DISTINCT case_id) FILTER (WHERE _valid)
        FROM kb_checked""")
    rejects = reader.rejected_lines(con)
    bad_rows: list[BadRow] = []
    if invalid or duplicates or rejects:
        # the slow path: number the rows (one more pass) to say where each bad row is
        checked = _checked_select(raw, has_csat, has_path, with_position=True,
                                  position=reader.position_sql())
        con.execute(f"CREATE OR REPLACE TEMP TABLE kb_checked AS {_dedup(checked)}")
        listed = con.execute(f"""
            SELECT _pos, _reason, _first, case_id FROM kb_checked WHERE NOT _valid AND NOT _blank
            ORDER BY _pos LIMIT {int(max_listed)}""").fetchall()
        for pos, reason, first, case_id in listed:
            if first is not None and first != pos:
                where = reader.to_position(int(first), rejects)
                reason = (f"case_id `{str(case_id)[:40]}` repeats {reader.unit} {where} "
                          "(the first is kept)")
            bad_rows.append(BadRow(reader.to_position(int(pos), rejects), str(reason)))
        bad_rows += [BadRow(line, reason) for line, reason in rejects]
        bad_rows = sorted(bad_rows, key=lambda b: b.position)[:max_listed]
        invalid = _one(con, "SELECT count(*) FROM kb_checked WHERE NOT _valid AND NOT _blank")[0]
    con.execute(f"""CREATE OR REPLACE TEMP VIEW case_export AS
        SELECT {', '.join(_TYPED_COLUMNS)} FROM kb_checked WHERE _valid""")
    total = _one(con, "SELECT count(*) FROM case_export")[0]
    bad = int(invalid) + len(rejects)
    return CaseCheck(source, fmt, total + bad, total, tuple(bad_rows), bad, reader.unit,
                     has_csat, has_path)


_TYPED_COLUMNS = ("case_id", "created_at", "channel", "tree", "outcome", "escalated",
                  "resolved", "reopened", "handle_seconds", "csat", "path")


class _Reader:
    """How one format is read as uniform text columns (`raw`), and how positions map."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path = path
        self.fmt = fmt
        self.columns: dict[str, str] = {}
        self.unit = "row" if fmt == "parquet" else "line"
        literal = "'" + str(path).replace("'", "''") + "'"
        if fmt == "csv":
            self.source = (f"read_csv({literal}, header = true, all_varchar = true, "
                           f"delim = ',', quote = '\"', escape = '\"', "
                           f"store_rejects = true, rejects_table = '{_REJECTS}', "
                           f"rejects_scan = '{_REJECTS}_scans')")
        elif fmt == "jsonl":
            # whole lines, so a malformed line is a bad row; U+001F cannot occur in valid JSON
            self.source = (f"read_csv({literal}, header = false, columns = {{'line': 'VARCHAR'}}, "
                           f"delim = chr(31), quote = '', escape = '', auto_detect = false, "
                           f"store_rejects = true, rejects_table = '{_REJECTS}', "
                           f"rejects_scan = '{_REJECTS}_scans', max_line_size = 16777216)")
        else:
            self.source = f"read_parquet({literal}, file_row_number = true)"

    def raw_select(self, con: duckdb.DuckDBPyConnection) -> str:
        """A SELECT giving every case column as VARCHAR (NULL when absent) plus `_blank`."""
        if self.fmt == "jsonl":
            self.columns = {c: "VARCHAR" for c in (*CASE_COLUMNS, *OPTIONAL_COLUMNS)}
            fields = ", ".join(
                f"CASE WHEN json_type(_j, '$.{c}') IN ('ARRAY', 'OBJECT') THEN "
                + (f"array_to_string(TRY_CAST(_j -> '$.{c}' AS VARCHAR[]), '>')"
                   if c == "path" else "'<' || lower(json_type(_j, '$.{c}')) || '>'")
                + f" ELSE _j ->> '$.{c}' END AS {c}"
                for c in self.columns
            )
            return f"""SELECT {fields}, _blank, _json_problem FROM (
                SELECT TRY_CAST(line AS JSON) AS _j,
                       (line IS NULL OR trim(line) = '') AS _blank,
                       CASE WHEN line IS NULL OR trim(line) = '' THEN NULL
                            WHEN NOT json_valid(line) THEN 'not valid JSON'
                            WHEN json_type(line) <> 'OBJECT' THEN
                                 'expected a JSON object, found ' || lower(json_type(line))
                       END AS _json_problem
                FROM {self.source})"""
        described = con.execute(f"DESCRIBE SELECT * FROM {self.source}").fetchall()
        self.columns = {str(row[0]): str(row[1]) for row in described}
        missing = [c for c in CASE_COLUMNS if c not in self.columns]
        if missing:
            raise CaseDataError(
                f"{self.path.name}: required column(s) missing: {', '.join(missing)} "
                f"(found: {', '.join(c for c in self.columns if c != 'file_row_number')})")
        selected = []
        for c in (*CASE_COLUMNS, *OPTIONAL_COLUMNS):
            kind = self.columns.get(c)
            if kind is None:
                selected.append(f"NULL::VARCHAR AS {c}")
            elif c == "path" and kind.endswith("[]"):
                selected.append(f"array_to_string({_quote(c)}, '>') AS {c}")
            else:
                selected.append(f"CAST({_quote(c)} AS VARCHAR) AS {c}")
        extra = ", file_row_number AS _file_row" if self.fmt == "parquet" else ""
        return (f"SELECT {', '.join(selected)}, false AS _blank, NULL::VARCHAR AS _json_problem"
                f"{extra} FROM {self.source}")

    def position_sql(self) -> str:
        """An expression numbering rows in file order (1-based) in the raw select."""
        if self.fmt == "parquet":
            return "_file_row + 1"
        return "row_number() OVER ()"

    def rejected_lines(self, con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
        """Lines the CSV reader could not split into the header's columns, with why."""
        if self.fmt == "parquet":
            return []
        try:
            rows = con.execute(f"""SELECT line, error_type, error_message FROM {_REJECTS}
                                   ORDER BY line""").fetchall()
        except duckdb.CatalogException:
            return []
        found: dict[int, str] = {}
        for line, kind, message in rows:
            found.setdefault(int(line), f"{str(kind).lower()}: {message}")
        return sorted(found.items())

    def to_position(self, ordinal: int, rejects: list[tuple[int, str]]) -> int:
        """The file line of the `ordinal`-th row the reader accepted (rejected lines skipped)."""
        if self.fmt == "parquet":
            return ordinal
        line = ordinal + (1 if self.fmt == "csv" else 0)
        for rejected, _ in rejects:
            if rejected <= line:
                line += 1
        return line


def _checked_select(raw: str, has_csat: bool, has_path: bool, with_position: bool,
                    position: str = "") -> str:
    """Typed columns, `_valid`, and (with positions) `_pos` and `_reason`, over `raw`."""
    # values are taken as written: trimming every value would double the time of a large file
    typed = """
        nullif(case_id, '') AS case_id,
        TRY_CAST(created_at AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS created_at,
        channel,
        nullif(tree, '') AS tree,
        nullif(outcome, '') AS outcome,
        TRY_CAST(escalated AS BOOLEAN) AS escalated,
        TRY_CAST(resolved AS BOOLEAN) AS resolved,
        TRY_CAST(reopened AS BOOLEAN) AS reopened,
        TRY_CAST(handle_seconds AS DOUBLE) AS handle_seconds,
        TRY_CAST(csat AS DOUBLE) AS _csat,
        nullif(path, '') AS path"""
    valid = """(_json_problem IS NULL AND case_id IS NOT NULL AND created_at IS NOT NULL
        AND channel IN ('ai', 'human') AND tree IS NOT NULL AND outcome IS NOT NULL
        AND escalated IS NOT NULL AND resolved IS NOT NULL AND reopened IS NOT NULL
        AND handle_seconds IS NOT NULL AND isfinite(handle_seconds) AND handle_seconds >= 0
        AND (_raw_csat IS NULL OR (_csat IS NOT NULL AND _csat IN (1, 2, 3, 4, 5))))"""
    columns = ("case_id, created_at, channel, tree, outcome, escalated, resolved, reopened, "
               "handle_seconds, CAST(_csat AS INTEGER) AS csat, path")
    if not with_position:
        return f"""SELECT {columns}, coalesce({valid}, false) AND NOT _blank AS _valid, _blank
            FROM (SELECT {typed}, nullif(csat, '') AS _raw_csat, _blank, _json_problem
                  FROM ({raw}))"""
    reasons = ", ".join(f"CASE WHEN {cond} THEN {msg} END" for cond, msg in _REASONS)
    return f"""SELECT {columns}, coalesce({valid}, false) AND NOT _blank AS _valid, _blank,
            _pos, concat_ws('; ', {reasons}) AS _reason
        FROM (SELECT {typed}, nullif(csat, '') AS _raw_csat, _blank, _json_problem,
                     {position} AS _pos,
                     created_at AS _raw_created_at, channel AS _raw_channel,
                     escalated AS _raw_escalated, resolved AS _raw_resolved,
                     reopened AS _raw_reopened, handle_seconds AS _raw_handle_seconds
              FROM ({raw}))"""


def _shown(column: str) -> str:
    """SQL for a raw value as it appears in a reason: `value`, cut to 40 characters."""
    return f"'`' || left({column}, 40) || '`'"


_REASONS: tuple[tuple[str, str], ...] = (
    ("_json_problem IS NOT NULL", "_json_problem"),
    ("_json_problem IS NULL AND case_id IS NULL", "'case_id is missing'"),
    ("_json_problem IS NULL AND _raw_created_at IS NULL", "'created_at is missing'"),
    ("_raw_created_at IS NOT NULL AND created_at IS NULL",
     f"'created_at ' || {_shown('_raw_created_at')} || ' is not a date or timestamp'"),
    ("_json_problem IS NULL AND _raw_channel IS NULL", "'channel is missing'"),
    ("_raw_channel IS NOT NULL AND channel NOT IN ('ai', 'human')",
     f"'channel ' || {_shown('_raw_channel')} || ' is not ai or human'"),
    ("_json_problem IS NULL AND tree IS NULL", "'tree is missing'"),
    ("_json_problem IS NULL AND outcome IS NULL", "'outcome is missing'"),
    *(
        (f"_json_problem IS NULL AND {c} IS NULL",
         f"CASE WHEN _raw_{c} IS NULL THEN '{c} is missing' ELSE '{c} ' || "
         f"{_shown('_raw_' + c)} || ' is not true or false' END")
        for c in ("escalated", "resolved", "reopened")
    ),
    ("_json_problem IS NULL AND _raw_handle_seconds IS NULL", "'handle_seconds is missing'"),
    ("_raw_handle_seconds IS NOT NULL AND (handle_seconds IS NULL OR NOT isfinite(handle_seconds)"
     " OR handle_seconds < 0)",
     f"'handle_seconds ' || {_shown('_raw_handle_seconds')} || ' is not a number of seconds "
     f"(0 or more)'"),
    ("_raw_csat IS NOT NULL AND (_csat IS NULL OR _csat NOT IN (1, 2, 3, 4, 5))",
     f"'csat ' || {_shown('_raw_csat')} || ' is not a whole number from 1 to 5'"),
)


def _dedup(checked: str) -> str:
    """Mark repeats of an earlier good row's case_id as bad; `_first` is the first row's `_pos`."""
    return f"""SELECT * REPLACE (_valid AND _first = _pos AS _valid)
        FROM (SELECT *, CASE WHEN _valid THEN min(_pos) OVER (PARTITION BY _valid, case_id)
                        END AS _first FROM ({checked}))"""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[int, ...]:
    (row,) = con.execute(sql).fetchall()  # fetch to the end: DuckDB keeps a result open
    return tuple(int(v or 0) for v in row)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
