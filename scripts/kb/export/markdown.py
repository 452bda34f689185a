"""Markdown rewriting for exports: turning links to items the exports must not show into text."""

from __future__ import annotations

import re
from collections.abc import Collection

#: link text: anything but brackets, escaped characters, or one level of nested brackets
_TEXT = r"(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)"
_TITLE = r"""(?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?"""


def unlink(markdown: str, hrefs: Collection[str]) -> str:
    """`markdown` with every link whose destination is one of `hrefs` replaced by its text.

    Handles inline links `[text](href "title")` and `[text](<href>)`, and reference links whose
    definition `[label]: href` points there (the definition line is removed as well).
    """
    if not hrefs:
        return markdown
    targets = "|".join(re.escape(h) for h in sorted(set(hrefs), key=len, reverse=True))
    inline = re.compile(
        r"(?<!!)\[" + _TEXT + r"\]\(\s*(?:<(?:" + targets + r")>|(?:" + targets + r"))"
        + _TITLE + r"\s*\)"
    )
    result = inline.sub(lambda m: m.group("text"), markdown)

    definition = re.compile(
        r"^[ ]{0,3}\[(?P<label>[^\]]+)\]:[ \t]*(?:<(?:" + targets + r")>|(?:" + targets + r"))"
        r"(?:[ \t]+.*)?[ \t]*(?:\r?\n|$)",
        re.MULTILINE,
    )
    labels = {_label(m.group("label")) for m in definition.finditer(result)}
    if not labels:
        return result
    result = definition.sub("", result)

    def reference(m: re.Match[str]) -> str:
        label = m.group("label") or m.group("text")
        return m.group("text") if _label(label) in labels else m.group(0)

    full = re.compile(r"(?<!!)\[" + _TEXT + r"\](?:\[(?P<label>[^\]]*)\])?(?!\()")
    return full.sub(reference, result)


def _label(label: str) -> str:
    return " ".join(label.split()).casefold()
