"""Links to restricted and draft articles are removed from exports in every CommonMark form.

A unique token is planted in the hidden articles' paths, titles and headings; a published
article links to them in each form Markdown offers. No export may contain the token.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from export_support import GOLDEN_KB, bundle_of, exports_of

from kb.export import EXPORT_FILES
from kbtest import make_kb

TOKEN = "qzxvtoken"
RESTRICTED = f"docs/refunds/{TOKEN}-secret.md"
DRAFT = f"docs/refunds/{TOKEN}-draft.md"


def _hidden_article(item_id: str, visibility: str, status: str) -> str:
    return f"""---
id: {item_id}
title: {TOKEN} hidden title
summary: A hidden article.
type: reference
visibility: {visibility}
status: {status}
owner: payments-ops-in
reviewed: 2026-10-01
markets: [IN]
products: [upi]
tags: [refund]
---
# {TOKEN} heading

## {TOKEN} section

Hidden words.
"""


#: every CommonMark way of linking to a page, each with the hidden page's path in it
LINK_FORMS = {
    "inline": f"[plain]({TOKEN}-secret.md)",
    "inline with title": f'[titled]({TOKEN}-secret.md "a title")',
    "angle destination": f"[angled](<{TOKEN}-secret.md>)",
    "nested brackets": f"[outer [inner] text]({TOKEN}-secret.md)",
    "deeply nested brackets": f"[a [b [c] d] e]({TOKEN}-secret.md)",
    "backslash escape": f"[escaped]({TOKEN}\\-secret.md)",
    "entity escape": f"[entity]({TOKEN}&#45;secret.md)",
    "percent escape": f"[percent]({TOKEN}%2Dsecret.md)",
    "anchor": f"[anchored]({TOKEN}-draft.md#{TOKEN}-section)",
    "site url": f"[site url](../{TOKEN}-secret/)",
    "full reference": "[full reference][ref-one]",
    "collapsed reference": "[ref-two][]",
    "shortcut reference": "[ref-three]",
    "image": f"![an image]({TOKEN}-secret.md)",
    "image reference": "![image ref][ref-one]",
    "html anchor": f'<a href="{TOKEN}-secret.md">html anchor</a>',
    "html anchor with entities": f'<a href="{TOKEN}&#x2D;draft.md">entity anchor</a>',
    "html image": f"<img src='{TOKEN}-draft.md' alt='x'>",
    "autolink": f"<https://golden.example/refunds/{TOKEN}-secret/>",
}

DEFINITIONS = f"""
[ref-one]: {TOKEN}-secret.md
[ref-two]:
  {TOKEN}-draft.md
  "on the next line"
[REF-THREE]: <{TOKEN}-secret.md> 'title'
"""


def _published(body: str) -> str:
    return f"""---
id: refund-links
title: Refund links
summary: Links in every form.
type: reference
visibility: public
status: published
owner: payments-ops-in
reviewed: 2026-10-01
markets: [IN]
products: [upi]
tags: [refund]
---
# Refund links

{body}
"""


def _kb(tmp_path: Path, body: str) -> Path:
    config = (GOLDEN_KB / "mkdocs.yml").read_text() + "site_url: https://golden.example/\n"
    return make_kb(tmp_path, {
        "mkdocs.yml": config,
        RESTRICTED: _hidden_article("refund-hidden-secret", "restricted", "published"),
        DRAFT: _hidden_article("refund-hidden-draft", "public", "draft"),
        "docs/refunds/links.md": _published(body),
    }, base=GOLDEN_KB)


def _assert_clean(files: dict[str, bytes]) -> None:
    for name in EXPORT_FILES:
        assert TOKEN.encode() not in files[name].lower(), name


@pytest.mark.parametrize("form", LINK_FORMS)
def test_a_link_to_a_hidden_article_leaks_nothing(tmp_path: Path, form: str) -> None:
    _assert_clean(exports_of(_kb(tmp_path, f"See {LINK_FORMS[form]} here.\n{DEFINITIONS}")))


def test_every_form_at_once_in_lists_quotes_and_tables(tmp_path: Path) -> None:
    forms = list(LINK_FORMS.values())
    body = "\n".join([
        *(f"- item {f}" for f in forms),
        "",
        *(f"> quote {f}" for f in forms),
        "",
        "| a | b |",
        "|---|---|",
        *(f"| {f} | x |" for f in forms),
        "",
        f"<div>\n<a href='{TOKEN}-secret.md'>block anchor</a>\n</div>",
        DEFINITIONS,
    ])
    _assert_clean(exports_of(_kb(tmp_path, body)))


def test_link_text_is_kept_and_visible_links_survive(tmp_path: Path) -> None:
    body = (f"Read [outer [inner] text]({TOKEN}-secret.md) and [the guide](guide.md).\n"
            f"{DEFINITIONS}")
    article = next(a for a in bundle_of(exports_of(_kb(tmp_path, body)))["articles"]
                   if a["id"] == "refund-links")
    assert "outer \\[inner\\] text" in article["markdown"]
    assert "outer [inner] text" in article["text"]
    assert "[the guide](guide.md)" in article["markdown"]
    assert [link["id"] for link in article["links"]] == ["refund-guide"]


def test_html_comments_are_stripped_from_exports(tmp_path: Path) -> None:
    body = (f"Visible text <!-- agents: {TOKEN} inline --> more.\n\n"
            f"<!--\n{TOKEN} block comment\n-->\n\nAfter.\n")
    files = exports_of(_kb(tmp_path, body))
    _assert_clean(files)
    article = next(a for a in bundle_of(files)["articles"] if a["id"] == "refund-links")
    assert "Visible text" in article["markdown"] and "After." in article["markdown"]
