"""Generated hostile content: Markdown and HTML fragments that try to run script.

`payload(choose)` builds one text from the pieces below; `choose` picks one item of a sequence,
so hypothesis (`data.draw(sampled_from(...))`) and a seeded `random.Random.choice` both drive it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
Choose = Callable[[Sequence[T]], T]

CODE = "alert(1)"
TAGS = ("img", "a", "p", "svg", "iframe", "script", "style", "base", "meta", "form", "input",
        "details", "object", "embed", "link", "math", "video", "body", "table", "td", "h2", "em",
        "span", "div", "textarea", "template", "noscript", "xmp", "title", "button", "select")
HANDLERS = ("onerror", "onload", "onclick", "onfocus", "onmouseover", "ontoggle",
            "onanimationstart", "ONERROR", "oNlOaD", "onpointerenter")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")
URLS = ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\nscript:alert(1)",
        "java&#x09;script:alert(1)", "&#106;avascript:alert(1)", " javascript:alert(1)",
        "javascript&colon;alert(1)", "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)", "https://ok.example/", "#x", "x.md", "//evil.example/x")
OTHER_ATTRIBUTES = ('style="background:url(javascript:alert(1))"', 'style="color:red"',
                    'srcdoc="<script>alert(1)</script>"', 'http-equiv="refresh"', "autofocus",
                    'id="x"', 'class="y"', 'title="<!--"', 'tabindex="1"')
QUOTES = ('"', "'", "")
TEXT = ("text", "", "**bold**", "`code`", "<", ">", "&", "-->", "<!--", "```", "{", "}")
JOINS = ("\n\n", "\n", " ", "")


def attribute(choose: Choose[str]) -> str:
    kind = choose(("handler", "url", "other"))
    quote = choose(QUOTES)
    if kind == "handler":
        return f"{choose(HANDLERS)}={quote}{CODE}{quote}"
    if kind == "url":
        url = choose(URLS)
        if not quote:
            url = url.replace(" ", "").replace("\n", "")
        return f"{choose(URL_ATTRIBUTES)}={quote}{url}{quote}"
    return choose(OTHER_ATTRIBUTES)


def attributes(choose: Choose[str]) -> str:
    return " ".join(attribute(choose) for _ in range(int(choose(("1", "2", "3")))))


def fragment(choose: Choose[str]) -> str:
    form = choose(("raw", "raw-void", "heading-attrs", "paragraph-attrs", "image", "link",
                   "reference", "emphasis-attrs", "comment", "fence", "list", "text"))
    tag, text, url = choose(TAGS), choose(TEXT), choose(URLS).replace("\n", "")
    if form == "raw":
        return f"<{tag} {attributes(choose)}>{text}</{tag}>"
    if form == "raw-void":
        return f"<{tag} {attributes(choose)}>"
    if form == "heading-attrs":
        return f"## Title {{: {attributes(choose)} }}"
    if form == "paragraph-attrs":
        return f"A paragraph.\n{{: {attributes(choose)} }}"
    if form == "image":
        return f"![alt]({url}){{: {attributes(choose)} }}"
    if form == "link":
        return f"[link]({choose(URLS)})"
    if form == "reference":
        return f"[link][r]\n\n[r]: {url}"
    if form == "emphasis-attrs":
        return f"*word*{{: {attributes(choose)} }}"
    if form == "comment":
        opener = choose(("<!-->", "<!--->", "<!-- x --!>", "<!--", '<p title="<!--">'))
        return f"{opener} <img src=x {attribute(choose)}> -->"
    if form == "fence":
        return f"```\n<{tag} {attributes(choose)}>"
    if form == "list":
        return f"- item\n\n    <{tag} {attributes(choose)}>"
    return text


def payload(choose: Choose[str]) -> str:
    """One hostile text of one to four fragments."""
    pieces = [fragment(choose) for _ in range(int(choose(("1", "2", "3", "4"))))]
    return choose(JOINS).join(pieces)
