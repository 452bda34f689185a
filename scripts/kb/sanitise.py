"""The one HTML allowlist: what content may put on the site, enforced at the output.

Every HTML fragment the site makes from content (article and section bodies after
Python-Markdown, tree guidance, the Markdown parts of generated pages) goes through
`sanitise_html`; titles that reach templates unescaped go through `escape_title`. The linter's
KB601 reports, with a position, exactly what `sanitise_html` would remove (`removed_by_policy`),
so lint and site cannot disagree.

The policy is what Python-Markdown and the site's extensions produce (headings, lists, tables,
admonitions and details, code, footnotes, attribute-list ids and classes) and nothing that can
run code or change where the page loads from or posts to: no event handlers, no `style`
(except a table cell's `text-align`), no `script`, `style`, `base`, `meta`, `link`, `form`,
`iframe`, `object` or `embed` element, and only `http`, `https` and `mailto` URLs besides
relative ones. `data:` URLs are refused even for images: images belong in docs/ as files,
and an SVG data URL opened on its own would run its scripts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import nh3

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "URL_SCHEMES", "Removal", "escape_title",
           "removed_by_policy", "sanitise_html"]

#: elements Markdown and the site's extensions produce; anything else is removed, keeping its text
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var",
})

#: attributes by element ("*": any element); attr_list may set only these
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"id", "class", "title", "lang", "dir"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "ol": frozenset({"start", "type"}),
    "td": frozenset({"colspan", "rowspan", "style"}),
    "th": frozenset({"colspan", "rowspan", "style", "scope"}),
    "details": frozenset({"open"}),
    "abbr": frozenset({"title"}),
}

#: URL schemes allowed in `href` and `src`; relative URLs are always allowed
URL_SCHEMES = frozenset({"http", "https", "mailto"})

#: elements removed together with their content
_REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "textarea",
                                   "iframe", "object", "embed", "svg", "math"})

#: the one style property kept: Python-Markdown's tables align cells with it
_STYLE_PROPERTIES = frozenset({"text-align"})

_LINK_REL = "noopener noreferrer"


@functools.cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        strip_comments=True,
        link_rel=_LINK_REL,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(_STYLE_PROPERTIES),
    )


def sanitise_html(html: str) -> str:
    """`html` with everything outside the allowlist removed; safe to put in any page."""
    return _cleaner().clean(html)


def escape_title(title: str) -> str:
    """A title as HTML text, for templates that print it unescaped (MkDocs' nav, `<title>`)."""
    return escape(title, quote=True)


@dataclass(frozen=True, slots=True)
class Removal:
    """One thing the sanitiser removes: what it is, and strings to find it in the source."""

    description: str
    #: what to look for in the source, best first: a tag, an attribute name, a URL's scheme
    needles: tuple[str, ...]


def removed_by_policy(html: str) -> list[Removal]:
    """What `sanitise_html` removes from `html`, element by element, in document order.

    Each start tag is put through the sanitiser on its own and compared with what comes out:
    a tag or attribute that does not survive is reported. Comments are removed too, but only
    one that a browser ends early (`<!-->`, `<!--->`, `--!>`) is reported, with whatever
    follows its early end: a plain comment hides nothing and is dropped whole.
    """
    reader = _TagReader()
    reader.feed(html)
    reader.close()
    return reader.removals


class _TagReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removals: list[Removal] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.removals += _judge(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.removals += _judge(tag, attrs)

    def handle_comment(self, data: str) -> None:
        end = _early_end(data)
        if end is not None:
            self.removals.append(Removal("HTML comment that a browser ends early", ("<!--",)))
            self.removals += removed_by_policy(data[end:])

    def handle_decl(self, decl: str) -> None:
        self.removals.append(Removal("`<!...>` declaration", ("<!",)))

    def handle_pi(self, data: str) -> None:
        self.removals.append(Removal("processing instruction", ("<?",)))

    def unknown_decl(self, data: str) -> None:
        self.removals.append(Removal("markup declaration", ("<!",)))


def _early_end(comment: str) -> int | None:
    """Where a browser ends `<!--comment-->` when it ends before the `-->` (None: it does not)."""
    for opener in (">", "->"):
        if comment.startswith(opener):
            return len(opener)
    bang = comment.find("--!>")
    return bang + 4 if bang >= 0 else None


def _judge(tag: str, attrs: list[tuple[str, str | None]]) -> list[Removal]:
    written = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)
    before, after = _CONTEXT.get(tag, ("", ""))
    kept = _Survivor(tag)
    kept.feed(sanitise_html(f"{before}<{tag}{written}>x</{tag}>{after}"))
    kept.close()
    if kept.attrs is None:
        return [Removal(f"`<{tag}>` element", (f"<{tag}",))]
    removals = []
    for name, value in attrs:
        if _same(name, kept.attrs.get(name), value or ""):
            continue
        if name in kept.attrs or name in _allowed_attributes(tag):
            scheme = (value or "").split(":", 1)[0].strip()
            removals.append(Removal(f"unsafe value of `{name}=` on `<{tag}>`",
                                    (scheme, name) if scheme else (name,)))
        else:
            removals.append(Removal(f"`{name}=` attribute on `<{tag}>`", (name,)))
    return removals


def _allowed_attributes(tag: str) -> frozenset[str]:
    return ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, frozenset())


#: the parents an element needs to survive HTML's parsing of a fragment on its own
_CONTEXT = {
    "caption": ("<table>", "</table>"),
    "colgroup": ("<table>", "</table>"),
    "col": ("<table><colgroup>", "</colgroup></table>"),
    "thead": ("<table>", "</table>"),
    "tbody": ("<table>", "</table>"),
    "tfoot": ("<table>", "</table>"),
    "tr": ("<table><tbody>", "</tbody></table>"),
    "td": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "th": ("<table><tbody><tr>", "</tr></tbody></table>"),
}


def _same(name: str, kept: str | None, written: str) -> bool:
    if kept is None:
        return False
    if name == "style":  # the sanitiser rewrites the declarations it keeps
        return _declarations(kept) == _declarations(written)
    return kept == written


def _declarations(style: str) -> list[str]:
    return ["".join(d.split()) for d in style.split(";") if d.strip()]


class _Survivor(HTMLParser):
    """The attributes of the first `tag` element of a sanitised fragment (None: none kept)."""

    def __init__(self, tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tag = tag
        self.attrs: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.tag and self.attrs is None:
            self.attrs = {n: v or "" for n, v in attrs}

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
