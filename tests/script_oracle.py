"""A test oracle: does a piece of HTML hold anything that could run script or leave the page?

Independent of the sanitiser (the standard library's parser, a short list of what runs), so
that the sanitiser's tests do not grade it by its own rules.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_ACTIVE_TAGS = frozenset({"script", "style", "base", "meta", "form", "iframe", "frame",
                          "object", "embed", "link", "svg", "math", "applet", "template"})
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data",
                             "poster", "background", "srcset"})
_BAD_SCHEME = re.compile(r"(?:javascript|vbscript|data):", re.I)
_INVISIBLE = re.compile(r"[\x00-\x20]")


def active_content(html: str) -> list[str]:
    """What in `html` could run script, load from elsewhere or post away (empty: nothing)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.found


def _only_alignment(style: str) -> bool:
    """A table cell's `text-align`, the one style Markdown writes and the sanitiser keeps."""
    declarations = [d.strip() for d in style.split(";") if d.strip()]
    return all(_ALIGNMENT.fullmatch(d) for d in declarations)


_ALIGNMENT = re.compile(r"text-align\s*:\s*(?:left|right|center|justify)", re.I)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name == "style" and _only_alignment(value or ""):
                continue
            if name.startswith("on") or name in ("style", "http-equiv", "srcdoc"):
                self.found.append(f"{name}=")
            elif name in _URL_ATTRIBUTES and _BAD_SCHEME.match(_INVISIBLE.sub("", value or "")):
                self.found.append(f"{name}={value}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        # a browser ends `<!-->` and `<!--->` at once: what follows is live markup
        for opener in (">", "->"):
            if data.startswith(opener):
                self.found += active_content(data[len(opener):])
                return
