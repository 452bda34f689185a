"""`--format github` follows GitHub's documented workflow-command grammar:
`::error file={name},line={line},col={col},title={title}::{message}`, where a property value
escapes `%`, CR, LF, `:` and `,` as `%25`, `%0D`, `%0A`, `%3A`, `%2C`, and the message escapes
`%`, CR and LF.
`--format sarif` validates against the official SARIF 2.1.0 JSON Schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

from jsonschema import Draft4Validator

from kb.diagnostics import Diagnostic, Severity
from kb.lint.report import github, sarif
from kb.lint.runner import LintResult
from kbtest import FIXTURES, run_cli

COMMAND = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>[^\r\n]*)$")
PROPERTY = re.compile(r"^(file|line|endLine|col|endColumn|title)=([^,:]*)$")
UNESCAPE = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}


def _unescape(value: str) -> str:
    return re.sub(r"%(?:25|0D|0A|3A|2C)", lambda m: UNESCAPE[m.group(0)], value)


def test_each_annotation_parses_back_to_its_diagnostic() -> None:
    tricky = Diagnostic("docs/a,b:c%.md", 3, 7, "KB101", "bad 100% value:\nsee, here",
                        Severity.WARNING, "fix it")
    plain = Diagnostic("docs/x.md", 1, 1, "KB103", "wrong type")
    out = github(LintResult([tricky, plain], 2)).splitlines()
    parsed = []
    for line in out[:2]:
        command = COMMAND.match(line)
        assert command, line
        props = {}
        for prop in command["props"].split(","):
            found = PROPERTY.match(prop)
            assert found, prop
            props[found[1]] = _unescape(found[2])
        parsed.append((command[1], props, _unescape(command["message"])))
    assert parsed == [
        ("warning", {"file": "docs/a,b:c%.md", "line": "3", "col": "7", "title": "KB101"},
         "bad 100% value:\nsee, here (hint: fix it)"),
        ("error", {"file": "docs/x.md", "line": "1", "col": "1", "title": "KB103"},
         "wrong type"),
    ]
    assert not out[2].startswith("::")  # the summary is a plain log line


# --- SARIF --------------------------------------------------------------------------------------

def _sarif_validator() -> Draft4Validator:
    """The official SARIF 2.1.0 schema (vendored, see tests/fixtures/sarif/SOURCE.md)."""
    schema = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def test_sarif_output_validates_against_the_official_schema(kb_dir: Path) -> None:
    path = kb_dir / "docs/guides/refund.md"
    path.write_text(path.read_text().replace("tags: [refund]\n", "tags: [refund]\ncolour: red\n"))
    code, out = run_cli(kb_dir, "lint", "--format", "sarif")
    tricky = Diagnostic("docs/a,b:c%.md", 3, 7, "KB101", "bad 100% value:\nsee, here",
                        Severity.WARNING, "fix it")
    logs = [json.loads(out), json.loads(sarif(LintResult([tricky], 1))),
            json.loads(sarif(LintResult([], 0)))]
    validator = _sarif_validator()
    for log in logs:
        assert sorted(e.message for e in validator.iter_errors(log)) == []
    assert code == 1 and logs[0]["runs"][0]["results"][0]["ruleId"] == "KB101"
    assert logs[1]["runs"][0]["results"][0]["level"] == "warning"
    rules = [r["id"] for r in logs[2]["runs"][0]["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules)) > 50


def test_the_schema_catches_a_malformed_sarif_log() -> None:
    log = json.loads(sarif(LintResult([Diagnostic("docs/x.md", 1, 1, "KB103", "wrong")], 1)))
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    errors = sorted(e.message for e in _sarif_validator().iter_errors(log))
    assert any("'fatal' is not one of" in e for e in errors), errors
    assert any("0 is less than the minimum of 1" in e for e in errors), errors
