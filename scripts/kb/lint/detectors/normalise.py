"""Text as a reader sees it, for detectors that must not be fooled by how a value is written.

`normalise` decodes HTML entities (`&#52;`), folds compatibility characters with NFKC
(full-width digits, non-breaking spaces become plain ones), drops zero-width characters and the
Markdown emphasis markers written inside a number (`41**11**`), and keeps, for every character
of the result, where it came from, so that a detector's findings point at the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html import unescape

__all__ = ["Normalised", "normalise"]

#: characters that render as nothing (zero-width spaces and joiners, word joiner, BOM, soft hyphen)
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")

#: what may need rewriting: an entity, a non-ASCII stretch, emphasis markers touching a digit
_SPECIAL = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|[^\x00-\x7f]"
    r"|(?<=[0-9])[*_~]+(?=[0-9 .\-]|&|[^\x00-\x7f])"
    r"|(?<=[0-9 .\-])[*_~]+(?=[0-9]|&|[^\x00-\x7f])"
)


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text and, per character, the span of the original text it came from."""

    text: str
    #: per character, where its source starts and ends; None when the text was left as it was
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] = ()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of `text[start:end]` (a non-empty span)."""
        if self.starts is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> Normalised:
    """`text` normalised (see the module), with the origin of every character."""
    if _SPECIAL.search(text) is None:
        return Normalised(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for match in _SPECIAL.finditer(text):
        _copy(text, at, match.start(), out, starts, ends)
        at = match.end()
        piece = match.group(0)
        if piece[0] in "*_~":
            continue  # emphasis inside a number renders as nothing
        if piece[0] == "&":
            piece = unescape(piece)
        for ch in unicodedata.normalize("NFKC", piece):
            if ch not in _INVISIBLE:
                out.append(ch)
                starts.append(match.start())
                ends.append(match.end())
    _copy(text, at, len(text), out, starts, ends)
    return Normalised("".join(out), tuple(starts), tuple(ends))


def _copy(text: str, start: int, end: int, out: list[str], starts: list[int],
          ends: list[int]) -> None:
    out.append(text[start:end])
    starts.extend(range(start, end))
    ends.extend(range(start + 1, end + 1))
