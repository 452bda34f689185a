"""Output formats for diagnostics: text, json, github (workflow annotations), sarif."""

from __future__ import annotations

import json
from collections.abc import Callable

from kb.diagnostics import Severity
from kb.lint.registry import all_rules
from kb.lint.runner import LintResult


def text(result: LintResult) -> str:
    lines: list[str] = []
    for d in result.diagnostics:
        lines.append(f"{d.format()} [{d.severity}]")
        if d.hint:
            lines.append(f"  hint: {d.hint}")
    lines.append(summary(result))
    return "\n".join(lines)


def summary(result: LintResult) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return (f"{plural(result.errors, 'error')}, {plural(result.warnings, 'warning')} "
            f"in {plural(result.files, 'file')}")


def as_json(result: LintResult) -> str:
    return json.dumps({
        "diagnostics": [
            {"path": d.path, "line": d.line, "col": d.col, "code": d.code,
             "severity": str(d.severity), "message": d.message, "hint": d.hint}
            for d in result.diagnostics
        ],
        "errors": result.errors,
        "warnings": result.warnings,
        "files": result.files,
    }, indent=2)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(result: LintResult) -> str:
    lines = []
    for d in result.diagnostics:
        kind = "error" if d.severity is Severity.ERROR else "warning"
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        lines.append(f"::{kind} file={_escape_property(d.path)},line={d.line},col={d.col},"
                     f"title={_escape_property(d.code)}::{_escape_data(message)}")
    lines.append(summary(result))
    return "\n".join(lines)


def sarif(result: LintResult) -> str:
    rules = all_rules()
    return json.dumps({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": {"driver": {
                "name": "kb",
                "rules": [{"id": r.code, "name": r.name,
                           "shortDescription": {"text": r.summary}} for r in rules],
            }},
            "results": [{
                "ruleId": d.code,
                "level": "error" if d.severity is Severity.ERROR else "warning",
                "message": {"text": d.message + (f" Hint: {d.hint}" if d.hint else "")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": d.path},
                    "region": {"startLine": d.line, "startColumn": d.col},
                }}],
            } for d in result.diagnostics],
        }],
    }, indent=2)


FORMATS: dict[str, Callable[[LintResult], str]] = {
    "text": text, "json": as_json, "github": github, "sarif": sarif,
}
