"""Diagnostics: what the loader and the lint rules report, independent of how it is printed."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kb.model import Pos


class Severity(enum.IntEnum):
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One finding at a 1-based line and column; sorts by file, then position, then code."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str = ""

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule yields: where and what. The runner stamps the rule's code and severity on it."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""

    @classmethod
    def at(cls, path: str, pos: Pos, message: str, hint: str = "") -> Finding:
        return cls(path, pos.line, pos.col, message, hint)
