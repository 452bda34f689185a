"""Blocks of HTML inside generated Markdown, and passing them around Python-Markdown.

A generated page writes its heavy, heading-free parts (big tables, the walker's JSON, the
diagram) as HTML rather than Markdown: Python-Markdown spends most of a big page's time on the
inline processing of table cells and on parsing raw HTML, while the generator already knows the
HTML it wants.

`html_block` marks such a block as one line, `<div class="kb-html">...</div>`. Written at the
left margin with a blank line before and after it, that line is an HTML block for every
Markdown renderer (CommonMark's HTML block of type 6, Python-Markdown's raw HTML), so a site
generator that knows nothing of the marking still shows the block as it is. The kb site goes
faster: `lift_html_blocks` swaps each marked line for a short placeholder line before Markdown
runs, and `restore_html_blocks` puts the blocks back into the rendered HTML. The page is the
same either way.

Headings never go inside a block: Markdown would not see them, so they would be missing from the
table of contents and would get no anchor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

__all__ = ["html_block", "html_table", "lift_html_blocks", "restore_html_blocks"]

#: how every block starts; the lift looks for it at the start of a line
OPENING = '<div class="kb-html">'
CLOSING = "</div>"

_BLOCK_LINE = re.compile(r"^" + re.escape(OPENING) + r"[^\n]*", re.M)
_PLACEHOLDER = re.compile(r'<div data-kb-block="(\d+)"></div>')
#: elements whose newlines are content: each newline becomes a character reference
_PREFORMATTED = re.compile(r"<(pre|textarea)\b.*?</\1\s*>", re.S | re.I)
#: elements whose text is code: a newline in them cannot be rewritten safely
_RAW_TEXT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)


def html_block(html: str) -> str:
    """`html` (well-formed: every element closed) as one marked line of Markdown.

    The line has no trailing newline; put it at the left margin between blank lines. Newlines
    are whitespace in HTML and become spaces, except inside `<pre>` and `<textarea>`, where they
    become `&#10;` so the text keeps its lines. A newline inside `<script>` or `<style>` is a
    ValueError: that text is code, which a changed line break could change.
    """
    if "\r" in html:
        html = html.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" in html:
        for code in _RAW_TEXT.finditer(html):
            if "\n" in code.group(0):
                raise ValueError(f"html_block: a <{code.group(1)}> element must be on one line")
        html = _PREFORMATTED.sub(lambda m: m.group(0).replace("\n", "&#10;"), html)
        html = html.replace("\n", " ")
    return f"{OPENING}{html}{CLOSING}"


def lift_html_blocks(markdown: str) -> tuple[str, list[str]]:
    """`markdown` with each marked block replaced by the line `<div data-kb-block="N"></div>`
    (N counts from 0), and the blocks' lines in that order."""
    blocks: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        blocks.append(match.group(0))
        return f'<div data-kb-block="{len(blocks) - 1}"></div>'

    if OPENING not in markdown:
        return markdown, blocks
    return _BLOCK_LINE.sub(placeholder, markdown), blocks


def sanitise_outside_blocks(html: str, sanitise: Callable[[str], str]) -> str:
    """`html` with `sanitise` applied to everything between the placeholders of lifted blocks,
    the placeholders kept as they are."""
    pieces = _PLACEHOLDER.split(html)
    # split keeps each placeholder's number at the odd indexes
    return "".join(sanitise(piece) if i % 2 == 0 else f'<div data-kb-block="{piece}"></div>'
                   for i, piece in enumerate(pieces))


def restore_html_blocks(html: str, blocks: list[str]) -> str:
    """The rendered `html` with each placeholder replaced by its block.

    Raises ValueError unless every block's placeholder is in `html` exactly once: a block that
    Markdown did not keep as a placeholder line (inside a code block, say) would otherwise
    vanish from the page without a word.
    """
    if not blocks:
        return html
    found = [0] * len(blocks)

    def block(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index >= len(blocks):
            return match.group(0)
        found[index] += 1
        return blocks[index]

    restored = _PLACEHOLDER.sub(block, html)
    wrong = [i for i, n in enumerate(found) if n != 1]
    if wrong:
        raise ValueError(f"restore_html_blocks: the placeholders of blocks {wrong} are missing "
                         "or repeated in the rendered HTML")
    return restored


def html_table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table as Python-Markdown's `tables` extension writes it; head and cells are HTML."""
    header = "".join(f"<th>{cell}</th>" for cell in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
