"""Markdown for exports, rewritten from markdown-it's tokens: no link to a hidden item, no comment.

A link, image, reference definition, autolink or HTML `<a href>`/`<img src>` whose destination
`hidden(href)` says the exports must not show is removed at the token level: a link keeps its
text, an image its alt text, an autolink (whose text is the URL) and an HTML tag are dropped.
HTML comments are dropped too: invisible on the site, they would be a hidden channel to agents.

Blocks that need no change keep their source bytes; a paragraph or heading that does is written
again from its inline tokens, line by line. The result is parsed again and checked; if anything
hidden were left, the body is exported as its plain text instead (fail closed).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

Hidden = Callable[[str], bool]

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_URL_ATTR = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
_TAG = re.compile(r"<(?:a|img)\b[^>]*>", re.I)
_CLOSE_A = re.compile(r"</a\s*>", re.I)
_ESCAPE = re.compile(r"([\\\[\]<>`&])")


@lru_cache(maxsize=2)
def _parser(html: bool = True) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html}).enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _parse(markdown: str, html: bool = True) -> tuple[list[Token], dict[str, dict[str, str]]]:
    env: dict[str, object] = {}
    tokens = _parser(html).parse(markdown, env)
    references = env.get("references", {})
    return tokens, references if isinstance(references, dict) else {}


def html_urls(fragment: str) -> Iterator[str]:
    """The `href` and `src` values of the tags in an HTML fragment, entities decoded."""
    for m in _URL_ATTR.finditer(fragment):
        yield html.unescape(next(g for g in m.groups() if g is not None))


def _clean_html(fragment: str, hidden: Hidden) -> str:
    """`fragment` without comments and without `<a>`/`<img>` tags that lead to hidden items
    (with as many `</a>` as anchors were dropped)."""
    fragment = _COMMENT.sub("", fragment)
    dropped = 0

    def tag(m: re.Match[str]) -> str:
        nonlocal dropped
        if not any(map(hidden, html_urls(m.group(0)))):
            return m.group(0)
        dropped += m.group(0)[1].lower() == "a"
        return ""

    fragment = _TAG.sub(tag, fragment)
    return _CLOSE_A.sub("", fragment, count=dropped) if dropped else fragment


def _children(tokens: list[Token]) -> Iterator[Token]:
    for tok in tokens:
        yield tok
        if tok.children:
            yield from _children(tok.children)


def leaks(markdown: str, hidden: Hidden) -> bool:
    """Whether `markdown` has a comment or any destination `hidden` rejects, in any form."""
    tokens, references = _parse(markdown)
    return (any(hidden(ref.get("href", "")) for ref in references.values())
            or any(_leaky(tok, hidden) for tok in _children(tokens)))


def _leaky(tok: Token, hidden: Hidden) -> bool:
    """Whether one token holds a comment or leads to a hidden item."""
    if tok.type == "html_block" and _markdown_inside_leaks(tok.content, hidden):
        return True
    if tok.type in ("html_block", "html_inline"):
        return _clean_html(tok.content, hidden) != tok.content
    if tok.type in ("link_open", "image"):
        return hidden(str(tok.attrs.get("href", tok.attrs.get("src", ""))))
    return False


def export_markdown(markdown: str, hidden: Hidden, plain_text: str) -> str:
    """`markdown` without comments and links to hidden items (see the module docstring).

    `plain_text` is what is exported when the rewrite cannot be proven clean.
    """
    if not leaks(markdown, hidden):
        return markdown
    rewritten = _rewrite(markdown, hidden)
    return plain_text if leaks(rewritten, hidden) else rewritten


def _rewrite(markdown: str, hidden: Hidden) -> str:
    lines = markdown.splitlines(keepends=True)
    tokens, _ = _parse(markdown)
    out: dict[int, list[str]] = {}  # first line -> replacement of the lines of a block
    spans: dict[int, int] = {}
    covered: set[int] = set()
    for i, tok in enumerate(tokens):
        if tok.map is None:
            continue
        start, end = tok.map
        if tok.type in ("paragraph_open", "heading_open", "fence", "code_block", "html_block",
                        "hr", "table_open"):
            covered.update(range(start, end))
        if tok.type == "html_block" and _markdown_inside_leaks(tok.content, hidden):
            out[start], spans[start] = [], end  # fail closed: the whole block goes
        elif tok.type == "html_block" and _clean_html(tok.content, hidden) != tok.content:
            kept = _clean_html("".join(lines[start:end]), hidden)
            out[start], spans[start] = ([kept] if kept.strip() else []), end
        elif tok.type == "inline" and tok.children and _needs_rewrite(tok.children, hidden):
            count = tok.content.count("\n") + 1
            out[start] = _inline_lines(lines, start, tok, hidden)
            spans[start] = start + count
        elif tok.type == "table_open" and _table_leaks(tokens, i, hidden):
            out[start], spans[start] = _table_lines(lines, start, tokens[i:], hidden), end
    result: list[str] = []
    n = 0
    while n < len(lines):
        if n in out:
            result.extend(out[n])
            n = spans[n]
        elif n not in covered and lines[n].strip():
            end = n
            while end < len(lines) and end not in covered and lines[end].strip():
                end += 1
            result.extend(_definitions(lines[n:end], hidden))
            n = end
        else:
            result.append(lines[n])
            n += 1
    return "".join(result)


def _markdown_inside_leaks(html_block: str, hidden: Hidden) -> bool:
    """Whether an HTML block's text, read as Markdown, links to a hidden item: it is not
    rendered as a link, but its destination is there for an agent to read."""
    tokens, references = _parse(html_block, html=False)
    return (any(hidden(ref.get("href", "")) for ref in references.values())
            or any(_leaky(tok, hidden) for tok in _children(tokens)))


def _needs_rewrite(children: list[Token], hidden: Hidden) -> bool:
    return any(_leaky(child, hidden) for child in children)


def _table_leaks(tokens: list[Token], start: int, hidden: Hidden) -> bool:
    for tok in tokens[start:]:
        if tok.type == "table_close":
            return False
        if tok.type == "inline" and tok.children and _needs_rewrite(tok.children, hidden):
            return True
    return False


def _table_lines(lines: list[str], start: int, tokens: list[Token], hidden: Hidden) -> list[str]:
    """A table written again row by row; the delimiter row (the second line) as it was."""
    rows: list[list[str]] = []
    for tok in tokens:
        if tok.type == "table_close":
            break
        if tok.type == "tr_open":
            rows.append([])
        elif tok.type == "inline" and rows:
            rows[-1].append(_render_inline(tok.children or [], hidden).replace("|", "\\|"))
    written = ["| " + " | ".join(row) + " |\n" for row in rows]
    return [written[0], lines[start + 1], *written[1:]] if written else []


def _definitions(group: list[str], hidden: Hidden) -> list[str]:
    """Lines outside any leaf block (reference definitions): as they are unless one of them
    defines a hidden target; then only the others, written again one a line."""
    _, references = _parse("".join(line.lstrip(" >") for line in group))
    if not any(hidden(ref.get("href", "")) for ref in references.values()):
        return group
    return [f"[{label}]: <{ref.get('href', '')}>\n" for label, ref in references.items()
            if not hidden(ref.get("href", ""))]


def _inline_lines(lines: list[str], start: int, tok: Token, hidden: Hidden) -> list[str]:
    """The source lines of `tok` written again from its children, each with its own prefix."""
    content_lines = tok.content.split("\n")
    rendered = _render_inline(tok.children or [], hidden).split("\n")
    result: list[str] = []
    for k, text in enumerate(rendered):
        source = lines[start + k] if start + k < len(lines) else "\n"
        first = content_lines[k].strip() if k < len(content_lines) else ""
        at = source.find(first[:1]) if first else len(source.rstrip("\r\n"))
        prefix = source[:max(at, 0)]
        ending = source[len(source.rstrip("\r\n")):] or "\n"
        result.append(prefix + text + ending)
    return result


def _render_inline(children: list[Token], hidden: Hidden) -> str:
    parts: list[str] = []
    dropping: list[bool] = []  # per open link: whether it leads to a hidden item
    open_anchors = 0  # HTML anchors to hidden items whose `</a>` is still to come
    for index, child in enumerate(children):
        kind = child.type
        if kind == "text":
            if not (dropping and dropping[-1] and _autolink_text(children, index)):
                parts.append(_ESCAPE.sub(r"\\\1", child.content))
        elif kind == "code_inline":
            parts.append(child.markup + child.content + child.markup)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\\\n" if kind == "hardbreak" else "\n")
        elif kind in ("em_open", "em_close", "strong_open", "strong_close"):
            parts.append(child.markup)
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            dropping.append(hidden(href))
            if not dropping[-1]:
                parts.append("[")
        elif kind == "link_close":
            opened = _last_open(children, index)
            if not dropping.pop():
                parts.append(f"]({_destination(opened)})")
        elif kind == "image":
            src = str(child.attrs.get("src", ""))
            alt = _ESCAPE.sub(r"\\\1", child.content)
            parts.append(alt if hidden(src) else f"![{alt}]({_destination(src)})")
        elif kind == "html_inline" and open_anchors and _CLOSE_A.fullmatch(child.content):
            open_anchors -= 1  # closes an anchor to a hidden item, dropped above
        elif kind == "html_inline":
            cleaned = _clean_html(child.content, hidden)
            open_anchors += cleaned != child.content and child.content[:2].lower() == "<a"
            parts.append(cleaned)
    return "".join(parts)


def _destination(href: str) -> str:
    """`href` as a link destination: bare when it can be, else in angle brackets."""
    return href if re.fullmatch(r"[^\s()<>\\]+", href) else f"<{href}>"


def _autolink_text(children: list[Token], index: int) -> bool:
    """Whether `children[index]` is the text of an autolink (the URL itself)."""
    return index > 0 and children[index - 1].type == "link_open" and \
        children[index - 1].markup in ("autolink", "linkify")


def _last_open(children: list[Token], close: int) -> str:
    """The href of the link that `children[close]` closes."""
    depth = 0
    for child in reversed(children[:close]):
        if child.type == "link_close":
            depth += 1
        elif child.type == "link_open":
            if depth == 0:
                return str(child.attrs.get("href", ""))
            depth -= 1
    return ""
