"""`--format github` follows GitHub's documented workflow-command grammar:
`::error file={name},line={line},col={col},title={title}::{message}`, where a property value
escapes `%`, CR, LF, `:` and `,` as `%25`, `%0D`, `%0A`, `%3A`, `%2C`, and the message escapes
`%`, CR and LF."""

from __future__ import annotations

import re

from kb.diagnostics import Diagnostic, Severity
from kb.lint.report import github
from kb.lint.runner import LintResult

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
