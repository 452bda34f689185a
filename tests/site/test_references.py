"""Tree and macro ids written as code become links, in both audiences' sites, and never to a
page the reader may not open: no tree in the public help center, and no restricted or draft
target from a page that may be quoted to customers. Here the tree `refund` is restricted and
the macro `reply-draft` a draft."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitecheck import build_audiences, prepare_site_kb

from kb.pages.references import References, Target, link_references, mentioned_ids
from kbtest import edit

_HEAD = ("---\nid: {id}\ntitle: {title}\nsummary: {title}.\ntype: {type}\n"
         "visibility: {visibility}\nstatus: {status}\nowner: payments-ops-in\n"
         "reviewed: 2026-10-01\nmarkets: [IN]\nproducts: [upi]\n---\n# {title}\n\n")
MENTIONS = ("Walk `refund`, send `reply-refund`, not yet `reply-draft`; `no-such-id` stays code."
            "\n\n```text\nreply-refund\n```\n\nAlso [the reply `reply-refund`](reply-refund.md).\n")


def _article(article_id: str, visibility: str, body: str, kind: str = "reference",
             status: str = "published") -> str:
    return _HEAD.format(id=article_id, title=article_id.replace("-", " ").capitalize(),
                        type=kind, visibility=visibility, status=status) + body


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = prepare_site_kb(tmp_path_factory.mktemp("references") / "kb", {
        "docs/guides/reply-draft.md": _article(
            "reply-draft", "public", "## Reply\n\nHello, this reply is not approved yet.\n",
            kind="macro", status="draft"),
        "docs/guides/public-mentions.md": _article("public-mentions", "public", MENTIONS),
        "docs/guides/internal-mentions.md": _article("internal-mentions", "internal", MENTIONS),
    })
    edit(root, "decision_trees/refund.yaml", "visibility: internal", "visibility: restricted")
    return build_audiences(root)


def _links(site: Path, page: str) -> dict[str, str]:
    """The page's id links: id -> href."""
    html = (site / page / "index.html").read_text(encoding="utf-8")
    return dict((i, h) for h, i in re.findall(
        r'<a class="kb-ref" href="([^"]*)"[^>]*><code>([^<]*)</code></a>', html))


def test_the_internal_site_links_every_known_id(sites: tuple[Path, Path]) -> None:
    internal, _ = sites
    assert _links(internal, "guides/internal-mentions") == {
        "refund": "../../trees/refund/", "reply-refund": "../reply-refund/",
        "reply-draft": "../reply-draft/"}


def test_a_public_page_never_links_a_restricted_or_draft_target(
        sites: tuple[Path, Path]) -> None:
    internal, _ = sites
    assert _links(internal, "guides/public-mentions") == {"reply-refund": "../reply-refund/"}
    html = (internal / "guides/public-mentions/index.html").read_text(encoding="utf-8")
    assert "<code>refund</code>" in html and "<code>reply-draft</code>" in html


def test_the_help_center_links_only_its_own_macros(sites: tuple[Path, Path]) -> None:
    _, public = sites
    assert _links(public, "guides/public-mentions") == {"reply-refund": "../reply-refund/"}
    html = (public / "guides/public-mentions/index.html").read_text(encoding="utf-8")
    assert "<code>refund</code>" in html and "<code>reply-draft</code>" in html
    assert "trees/" not in html


def test_code_blocks_and_links_are_left_alone(sites: tuple[Path, Path]) -> None:
    internal, _ = sites
    html = (internal / "guides/internal-mentions/index.html").read_text(encoding="utf-8")
    block = re.search(r"<pre\b.*?</pre>", html, re.S)
    assert block is not None and "kb-ref" not in block.group(0)
    assert html.count('class="kb-ref"') == 3
    assert "<code>no-such-id</code>" in html


REFS = References({"tree-a": Target("trees/tree-a.md", 'A "quoted" <title>', "Decision tree",
                                    True)}, frozenset(), True)


def test_the_link_is_built_from_the_index_and_escaped() -> None:
    html = link_references("<p>See <code>tree-a</code>.</p>", "guides/x.md", REFS)
    assert html == ('<p>See <a class="kb-ref" href="../../trees/tree-a/" title="Decision tree: '
                    'A &quot;quoted&quot; &lt;title&gt;"><code>tree-a</code></a>.</p>')


def test_only_a_lone_id_in_a_code_span_is_linked() -> None:
    for html in ("<p><code>tree-a --help</code></p>", "<pre><code>tree-a</code></pre>",
                 '<p><a href="x/"><code>tree-a</code></a></p>', "<p>tree-a</p>"):
        assert link_references(html, "guides/x.md", REFS) == html


def test_mentioned_ids_skip_fenced_blocks() -> None:
    text = "Use `tree-a` and `reply-b`, then `tree-a`.\n\n```\n`tree-c`\n```\n"
    assert mentioned_ids(text) == ["tree-a", "reply-b"]
