"""KB601's detector: the site's renderer and sanitiser, read back with positions.

Every attack here is caught by lint (a finding at the construct) and neutralised on the site
(the rendered HTML, sanitised, keeps no handler, no script URL and no dangerous element).
"""

from __future__ import annotations

import pytest

from kb.lint.detectors.html import find_unsafe_markup, may_hold_unsafe_markup
from kb.render import render_body, render_guidance
from kb.sanitise import sanitise_html
from script_oracle import active_content

SITE_EXTENSIONS = ("toc", "admonition", "attr_list", "tables", "pymdownx.details",
                   "pymdownx.superfences")


def render(markdown: str) -> str:
    return render_body(markdown, SITE_EXTENSIONS)


#: (Markdown, where the finding must point: the text at the reported offset starts with it)
ATTACKS = [
    ("## Refunds {: onclick=\"alert(1)\" }", "onclick"),
    ("A paragraph.\n{: autofocus onfocus=\"alert(1)\" }", "autofocus"),
    ("## Go {: href=\"javascript:alert(1)\" }", "href"),
    ("![logo](logo.png){: onerror=\"alert(1)\" }", "onerror"),
    ("Some *emphasis*{: onmouseover=\"alert(1)\" } here.", "onmouseover"),
    ("| a |\n| - |\n| b |\n{: onclick=\"alert(1)\" }", "onclick"),
    ("```\n<script>alert(1)</script>", "<script"),                      # unclosed fence
    ("- item\n\n    <img src=x onerror=alert(1)>", "onerror"),           # list indentation
    ("<!--> <img src=x onerror=alert(1)> -->", "<!--"),                 # early comment end
    ("<p title=\"<!--\">x</p><img src=x onerror=alert(1)>", "onerror"),
    ("[click](javascript\n:alert(1))", "javascript"),                   # newline in the URL
    ("[click](jav&#97;script:alert(1))", ""),
    ("[click][x]\n\n[x]: javascript:alert(1)", "javascript"),
    ("<base href=\"https://evil.example/\">", "<base"),
    ("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">", "<meta"),
    ("<form action=\"https://evil.example\"><button>Go</button></form>", "<form"),
    ("<style>body{display:none}</style>", "<style"),
    ("<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">", "<link"),
    ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
    ("<object data=\"x.swf\"></object>", "<object"),
    ("<svg><script>alert(1)</script></svg>", "<svg"),
    ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "data"),
]

@pytest.mark.parametrize(("markdown", "at"), ATTACKS, ids=[a[0][:40] for a in ATTACKS])
def test_lint_reports_each_attack_where_it_is(markdown: str, at: str) -> None:
    found = find_unsafe_markup(markdown, render)
    assert found, "lint must report it"
    assert markdown.casefold()[found[0].offset:].startswith(at.casefold())


@pytest.mark.parametrize(("markdown", "at"), ATTACKS, ids=[a[0][:40] for a in ATTACKS])
def test_the_site_neutralises_each_attack(markdown: str, at: str) -> None:
    assert active_content(render(markdown))  # the renderer alone would publish it
    assert active_content(sanitise_html(render(markdown))) == []


@pytest.mark.parametrize("markdown", [
    "## Step {: onclick=\"alert(1)\" }\nGuidance paragraph.",
    "Tell the customer.\n{: onclick=\"alert(1)\" }",
    "<img src=x onerror=alert(1)>",
])
def test_guidance_is_checked_and_sanitised_as_the_walker_shows_it(markdown: str) -> None:
    assert find_unsafe_markup(markdown, render_guidance)
    assert active_content(render_guidance(markdown))
    assert active_content(sanitise_html(render_guidance(markdown))) == []


@pytest.mark.parametrize("markdown", [
    "# Refunds\n\n## Timelines {: #refund-timelines .important }\n\nText.",
    "See [the timelines](../upi/failed-debit.md#reversal-timelines).",
    "[Docs](https://example.org/a_(b)) and <https://example.org>.",
    "| a | b |\n|:-:|--:|\n| 1 | 2 |",
    "!!! warning \"Careful\"\n    Do not retry.",
    "??? note \"More\"\n    Hidden text.",
    "```python\nprint('<script>')\n```",
    "<!-- a note for authors -->\n\nText.",
    "<abbr title=\"turnaround time\">TAT</abbr> applies.",
    "Write to [support](mailto:help@example.org).",
    "Type javascript: in the address bar and see.",
])
def test_what_markdown_and_our_extensions_make_is_kept(markdown: str) -> None:
    assert find_unsafe_markup(markdown, render) == []


def test_plain_articles_are_not_rendered_at_all() -> None:
    assert not may_hold_unsafe_markup("# Title\n\nText with [a link](x.md#y) and **bold**.")
    assert may_hold_unsafe_markup("[a](jav&#97;script&#58;alert&#40;1&#41;)")


def test_table_alignment_survives_but_no_other_style() -> None:
    html = sanitise_html(render("| a |\n|:-:|\n| b |"))
    assert 'style="text-align:center"' in html.replace(" ", "").replace(";", "")
    assert "color" not in sanitise_html('<table><tr><td style="color:red">x</td></tr></table>')
