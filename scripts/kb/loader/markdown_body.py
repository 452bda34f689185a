"""Markdown bodies: headings with the anchors the site generates, links, sections and raw HTML.

Anchors use Python-Markdown's own `toc` slugify and de-duplication over the heading's rendered
text, so an anchor that lint accepts is the id the built page carries (tests check both agree).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown.extensions.toc import slugify, unique
from markdown_it import MarkdownIt
from markdown_it.token import Token

from kb.model import Body, Heading, Link, Pos, Section

_ATTR_ID = re.compile(r"\s*\{:?\s*[^}]*#([\w-]+)[^}]*\}\s*$")
_ATTR_LIST = re.compile(r"\s*\{:?[^}]*\}\s*$")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    # keep every link, `javascript:` ones included: the site renders them, so lint must see them
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=8192)
def _slug(text: str) -> str:
    """The toc extension's slug of a heading (a pure function; headings repeat across files)."""
    return slugify(text, "-")


def _inline_text(token: Token | None) -> str:
    """Rendered text of an inline token: what a reader sees, without markup."""
    if token is None or token.children is None:
        return ""
    children = token.children
    if len(children) == 1 and children[0].type == "text":
        return children[0].content  # plain text, the most common inline content by far
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _find_column(lines: list[str], line_index: int, needle: str) -> int:
    if 0 <= line_index < len(lines):
        found = lines[line_index].find(needle)
        if found >= 0:
            return found + 1
    return 1


def parse_body(markdown: str, first_line: int) -> Body:
    """Parse an article body whose first line is line `first_line` of its file."""
    tokens = _parser().parse(markdown)
    lines = markdown.splitlines()

    # ids given explicitly with attr_list are taken first, as the toc extension does
    used: set[str] = set()
    raw_headings: list[tuple[int, str, str, int]] = []  # level, text, explicit id, line index
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            text = _inline_text(tokens[i + 1])
            explicit = ""
            m = _ATTR_ID.search(text)
            if m:
                explicit = m.group(1)
                used.add(explicit)
            text = _ATTR_LIST.sub("", text).strip()
            raw_headings.append((int(tok.tag[1]), " ".join(text.split()), explicit,
                                 tok.map[0] if tok.map else 0))
    counters: dict[str, int] = {}
    headings: list[Heading] = []
    for level, text, explicit, line_index in raw_headings:
        anchor = explicit or unique(_slug(text), used, counters)
        col = _find_column(lines, line_index, "#") if lines[line_index:line_index + 1] else 1
        headings.append(Heading(level, text, anchor, Pos(first_line + line_index, col)))

    links: list[Link] = []
    html: list[tuple[str, Pos]] = []
    current_line = 0
    searched: dict[int, int] = {}  # per line, where the next link search starts
    for tok in tokens:
        if tok.map:
            current_line = tok.map[0]
        if tok.type == "html_block":
            html.append((tok.content, Pos(first_line + current_line, 1)))
            continue
        if tok.type != "inline" or not tok.children:
            continue
        if "[" not in tok.content and "<" not in tok.content:
            continue  # links need `[` (or `<` for autolinks) and inline HTML needs `<`
        line_index = current_line
        children = tok.children
        for j, child in enumerate(children):
            if child.type in ("softbreak", "hardbreak"):
                line_index += 1
            elif child.type == "html_inline":
                col = _find_column(lines, line_index, child.content)
                html.append((child.content, Pos(first_line + line_index, col)))
            elif child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                target, _, anchor = href.partition("#")
                text_parts = []
                for k in range(j + 1, len(children)):
                    if children[k].type == "link_close":
                        break
                    text_parts.append(children[k].content)
                line = lines[line_index] if 0 <= line_index < len(lines) else ""
                col = _link_column(line, href, "".join(text_parts), searched.get(line_index, 0))
                searched[line_index] = col
                links.append(Link(target, anchor, "".join(text_parts),
                                  Pos(first_line + line_index, col)))

    sections = _sections(markdown, tokens, headings)
    text = "\n\n".join(s.text for s in sections if s.text)
    return Body(markdown, first_line, tuple(headings), tuple(links), tuple(sections),
                tuple(html), text)


def _link_column(line: str, href: str, text: str, start: int) -> int:
    """1-based column of the link to `href` labelled `text`, searching from offset `start`.

    Inline links are found by their `](href`, reference links by `[text]`, autolinks by
    `<href>`; failing all, the column of the href, else of the search start.
    """
    close = line.find(f"]({href}", start)
    if close >= 0:
        depth = 0
        for i in range(close, start - 1, -1):
            if line[i] == "]":
                depth += 1
            elif line[i] == "[":
                depth -= 1
                if depth == 0:
                    return i + 1
    for needle in (f"[{text}]", f"<{href}>", href):
        found = line.find(needle, start) if needle.strip("[]<>") else -1
        if found >= 0:
            return found + 1
    return start + 1


def _block_text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for tok in tokens:
        if tok.type == "inline":
            parts.append(_inline_text(tok))
        elif tok.type in ("fence", "code_block"):
            parts.append(tok.content.rstrip("\n"))
    return "\n".join(p for p in parts if p)


def _sections(markdown: str, tokens: list[Token], headings: list[Heading]) -> tuple[Section, ...]:
    lines = markdown.splitlines(keepends=True)
    heading_starts = [i for i, t in enumerate(tokens) if t.type == "heading_open"]
    bounds = [0, *heading_starts, len(tokens)]
    sections: list[Section] = []
    trail: list[tuple[int, str]] = []
    for n in range(len(bounds) - 1):
        start, end = bounds[n], bounds[n + 1]
        chunk = tokens[start:end]
        if n == 0:
            anchor, title, level = "", "", 0
            body_tokens = chunk
        else:
            h = headings[n - 1]
            anchor, title, level = h.anchor, h.text, h.level
            body_tokens = chunk[3:]  # heading_open, inline, heading_close
            trail = [(lv, t) for lv, t in trail if lv < level]
            trail.append((level, title))
        first = chunk[0].map[0] if chunk and chunk[0].map else 0
        next_map = tokens[end].map if end < len(tokens) else None
        next_start = next_map[0] if next_map else len(lines)
        md = "".join(lines[first:next_start]).strip()
        text = _block_text(body_tokens)
        if n == 0 and not text:
            continue
        sections.append(Section(anchor, title, level, tuple([t for _, t in trail]), md, text))
    return tuple(sections)
