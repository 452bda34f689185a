"""Property test: whatever a published article looks like, no export shows a hidden item.

Random bodies mix text, Markdown containers and links to a restricted and a draft article in
random CommonMark forms; the hidden articles carry a planted token in their paths, titles and
headings. Fixed seed and few examples in the suite; `KB_FUZZ_EXAMPLES=5000` for a nightly run.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from export_support import fixed_build, load_kb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_export_link_forms import DEFINITIONS, LINK_FORMS, TOKEN, _kb

from kb.export import EXPORT_FILES, build_exports
from kb.loader.markdown_body import parse_body
from kb.model import KnowledgeBase

EXAMPLES = int(os.environ.get("KB_FUZZ_EXAMPLES", "40"))

_WORDS = st.sampled_from(["Refunds", "take", "five days", "*soon*", "`code`", "**now**",
                          "[", "]", "(", ")", "<", ">", "\\", "&amp;", "!", "#", "|", "-",
                          "<!-- note -->", "<br>", "[the guide](guide.md)", "\n"])
_LINKS = st.sampled_from(sorted(LINK_FORMS.values()))
_CONTAINERS = st.sampled_from(["{}", "- {}", "1. {}", "> {}", "## {}", "| {} | x |\n|---|---|",
                               "*{}*", "**{}**", "> - {}", "  {}", "<div>\n{}\n</div>",
                               "[{}](guide.md)", "{}\n==="])
_LINE = st.tuples(_CONTAINERS, st.lists(st.one_of(_WORDS, _LINKS), min_size=1, max_size=6))
_BODY = st.lists(_LINE, min_size=1, max_size=6)

_BASE: dict[str, KnowledgeBase] = {}


def _base(tmp_path_factory_root: Path) -> KnowledgeBase:
    if "kb" not in _BASE:
        _BASE["kb"] = load_kb(_kb(tmp_path_factory_root, "Placeholder.\n"))
    return _BASE["kb"]


def _with_body(kb: KnowledgeBase, markdown: str) -> KnowledgeBase:
    article = kb.articles["refund-links"]
    changed = dataclasses.replace(article, body=parse_body(markdown, article.body.first_line))
    return dataclasses.replace(
        kb, articles={**kb.articles, changed.id: changed},
        articles_by_path={**kb.articles_by_path, changed.path: changed})


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=_BODY, definitions=st.booleans())
def test_no_random_article_leaks_a_hidden_item(tmp_path: Path, body: list[tuple[str, list[str]]],
                                               definitions: bool) -> None:
    kb = _base(tmp_path)
    lines = [container.format(" ".join(words)) for container, words in body]
    markdown = "\n\n".join(lines) + ("\n" + DEFINITIONS if definitions else "\n")
    files = build_exports(_with_body(kb, markdown), fixed_build(kb.config.root))
    for name in EXPORT_FILES:
        assert TOKEN.encode() not in files[name].lower(), (name, markdown)
