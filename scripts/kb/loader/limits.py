"""Bounds on nesting, checked before a parser with super-linear worst cases sees the text.

Python-Markdown looks for the closing `]` (and `)` after `](`) of every opener by scanning the
rest of the block, so a paragraph of thousands of unclosed or deeply nested brackets takes
quadratic time (20,000 `[` take over a minute). The limits here are far above what real
articles use and keep rendering fast; a block over them is reported (KB010) with the position
where it crosses the limit, and the build, which lints first, never renders it.
"""

from __future__ import annotations

from kb.diagnostics import Diagnostic

#: containers (mappings and lists) inside each other in one YAML document
MAX_YAML_DEPTH = 64
#: `[` / `](` open at once inside one Markdown block (paragraph, list, table): nested, or
#: never closed (a `]` or `)` closes the latest opener)
MAX_BRACKET_DEPTH = 32
#: the most open brackets times the block's length: about how many characters Python-Markdown
#: scans looking for closers (1,000,000 is well under a second)
MAX_BRACKET_SCAN = 1_000_000

_FENCES = ("```", "~~~")


def markdown_nesting(rel: str, body: str, body_line: int) -> Diagnostic | None:
    """KB010 when a block of `body` (whose first line is line `body_line` of the file) has
    more brackets open at once than the limits allow; fenced code is not counted."""
    block = _Block()
    fence = ""
    for offset, line in enumerate(body.split("\n")):
        stripped = line.lstrip()
        if fence:
            fence = "" if stripped.startswith(fence) else fence
            continue
        if stripped.startswith(_FENCES):
            fence = stripped[:3]
            continue
        if not stripped:  # a blank line ends the block
            if block.too_costly():
                return _too_deep(rel, block.deepest)
            block = _Block()
            continue
        block.scan(line, body_line + offset)
        if block.depth > MAX_BRACKET_DEPTH:
            return _too_deep(rel, block.deepest)
    return _too_deep(rel, block.deepest) if block.too_costly() else None


class _Block:
    """The brackets of one block so far."""

    __slots__ = ("deepest", "depth", "length", "open_at")

    def __init__(self) -> None:
        self.open_at: list[tuple[int, int]] = []  # (line, col) of each opener still open
        self.depth = 0  # the most openers open at once
        self.deepest = (1, 1)  # where that was reached
        self.length = 0

    def scan(self, line: str, number: int) -> None:
        self.length += len(line) + 1
        open_at = self.open_at
        if not open_at and "[" not in line:
            return  # most lines
        i = 0
        while i < len(line):
            char = line[i]
            if char == "\\":
                i += 2
                continue
            if char == "[" or (char == "(" and i and line[i - 1] == "]"):
                open_at.append((number, i + 1))
                if len(open_at) > self.depth and self.depth <= MAX_BRACKET_DEPTH:
                    self.depth, self.deepest = len(open_at), open_at[-1]
            elif char in "])" and open_at:
                open_at.pop()
            i += 1

    def too_costly(self) -> bool:
        return self.depth * self.length > MAX_BRACKET_SCAN


def _too_deep(rel: str, where: tuple[int, int]) -> Diagnostic:
    return Diagnostic(rel, where[0], where[1], "KB010",
                      f"too many `[` or `](` open at once in one block (at most "
                      f"{MAX_BRACKET_DEPTH}, and fewer in a long block)",
                      hint="close the brackets, escape literal ones as `\\[`, or split the "
                           "block with blank lines; rendering it would take minutes")
