"""Property tests: no generated payload survives the sanitiser, and lint reports every one.

Seeded (`derandomize=True`) and bounded so CI stays fast; set KB_FUZZ_EXAMPLES (for example
to 20000) for a longer run, nightly.
"""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.lint.detectors.html import find_unsafe_markup
from kb.render import render_body, render_guidance
from kb.sanitise import sanitise_html
from payload_grammar import payload
from script_oracle import active_content

EXAMPLES = int(os.environ.get("KB_FUZZ_EXAMPLES", "300"))
SITE_EXTENSIONS = ("toc", "admonition", "attr_list", "tables", "pymdownx.details",
                   "pymdownx.superfences")


def render(markdown: str) -> str:
    return render_body(markdown, SITE_EXTENSIONS)




@settings(derandomize=True, max_examples=EXAMPLES, deadline=None)
@given(st.data())
def test_nothing_active_survives_the_sanitiser(data: st.DataObject) -> None:
    text = payload(lambda items: data.draw(st.sampled_from(items)))
    assert active_content(sanitise_html(text)) == []
    assert active_content(sanitise_html(render(text))) == []
    assert active_content(sanitise_html(render_guidance(text))) == []


@settings(derandomize=True, max_examples=EXAMPLES, deadline=None)
@given(st.data())
def test_lint_reports_whatever_the_renderer_would_publish(data: st.DataObject) -> None:
    text = payload(lambda items: data.draw(st.sampled_from(items)))
    if active_content(render(text)):
        assert find_unsafe_markup(text, render), text
    if active_content(render_guidance(text)):
        assert find_unsafe_markup(text, render_guidance), text


@settings(derandomize=True, max_examples=EXAMPLES, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' \n{}:#![]()-*`&;ajvscriptonerrolimg")),
               max_size=80))
def test_arbitrary_markup_soup_is_safe_after_sanitising(text: str) -> None:
    assert active_content(sanitise_html(render(text))) == []
