"""Build audiences: the public help center holds nothing internal, restricted, draft or
generated for agents and specialists, in any file of the site."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from sitecheck import build_audiences, prepare_site_kb

from kb.audience import audience_named
from kbtest import FIXTURES, edit

TOKENS = {
    "internal": "zqinternaltoken",
    "restricted": "zqrestrictedtoken",
    "draft": "zqdrafttoken",
    "tree": "zqtreetoken",
}


def _article(article_id: str, visibility: str, status: str, token: str) -> str:
    return (f"---\nid: {article_id}\ntitle: Planted {token}\nsummary: Planted {token} here.\n"
            f"type: reference\nvisibility: {visibility}\nstatus: {status}\n"
            "owner: payments-ops-in\nreviewed: 2026-10-01\nmarkets: [IN]\nproducts: [upi]\n"
            f"---\n# Planted {token}\n\n## Details {token}\n\nThe body says {token}.\n")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = prepare_site_kb(tmp_path_factory.mktemp("audience") / "kb", {
        "docs/guides/planted-internal.md": _article(
            "planted-internal", "internal", "published", TOKENS["internal"]),
        "docs/guides/planted-restricted.md": _article(
            "planted-restricted", "restricted", "published", TOKENS["restricted"]),
        "docs/guides/planted-draft.md": _article(
            "planted-draft", "public", "draft", TOKENS["draft"]),
        # a public article that links an internal one and hides a comment
        "docs/guides/help-links.md": _article("help-links", "public", "published", "").replace(
            "The body says .", "Read [the escalation notes](planted-internal.md#details-"
            f"{TOKENS['internal']}) and [the refund guide](reply-refund.md).\n\n"
            f"<!-- {TOKENS['internal']} -->"),
        # a public macro's Portuguese version, not marked since its source changed: stale
        "docs/guides/reply-refund.pt-BR.md": (
            FIXTURES / "translation-reply-refund.pt-BR.md").read_text(encoding="utf-8"),
    })
    # reviewed lately: stale, not yet overdue
    edit(root, "docs/guides/reply-refund.md", "reviewed: 2026-10-01", "reviewed: 2026-10-30")
    edit(root, "decision_trees/refund.yaml",
         "title: Refund triage", f"title: Refund triage {TOKENS['tree']}")
    return build_audiences(root)


def _every_file(site: Path) -> dict[str, bytes]:
    """Every file of `site`, by path; the search index's compressed files (gzip) decompressed,
    so a token planted in the index is seen as it would be by Pagefind in the browser."""
    return {p.relative_to(site).as_posix(): _readable(p.read_bytes())
            for p in sorted(site.rglob("*")) if p.is_file()}


def _readable(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def test_the_internal_search_index_holds_every_planted_token(sites: tuple[Path, Path]) -> None:
    internal, _ = sites
    index = b"".join(data for name, data in _every_file(internal).items()
                     if name.startswith("pagefind/fragment/"))
    for token in ("internal", "restricted"):
        assert TOKENS[token].encode() in index, token  # so the public test below can fail


def test_the_internal_site_holds_every_planted_token(sites: tuple[Path, Path]) -> None:
    internal, _ = sites
    text = b"".join(_every_file(internal).values())
    for token in TOKENS.values():
        assert token.encode() in text, token  # so the public test below can fail


def test_no_planted_token_reaches_any_file_of_the_public_site(
        sites: tuple[Path, Path]) -> None:
    _, public = sites
    files = _every_file(public)
    assert "sitemap.xml" in files
    assert [n for n in files if n.startswith("pagefind/fragment/")], "the index is searched"
    for name, data in files.items():
        for token in TOKENS.values():
            assert token.encode() not in data, (token, name)
        # nor the tree's internal queue, nor anything named after an internal page
        assert b"payments-in-l2" not in data, name
        assert b"planted-" not in data, name


def test_the_public_site_is_the_public_published_articles_only(
        sites: tuple[Path, Path]) -> None:
    _, public = sites
    pages = sorted(p.relative_to(public).as_posix() for p in public.rglob("index.html"))
    assert pages == ["guides/help-links/index.html", "guides/reply-refund.pt-BR/index.html",
                     "guides/reply-refund/index.html", "index.html"]
    assert not (public / "kb-bundle.json").exists()
    assert not list(public.glob("trees/**/*")) and not list(public.glob("quality/**/*"))
    assert "Refund on its way" in (public / "index.html").read_text(encoding="utf-8")


def test_an_unknown_audience_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown audience"):
        audience_named("everyone")
    assert audience_named("") == "internal"


def test_a_link_out_of_the_help_center_keeps_its_text_only(sites: tuple[Path, Path]) -> None:
    internal, public = sites
    assert 'href="../planted-internal/' in (internal / "guides/help-links/index.html").read_text(
        encoding="utf-8")
    page = (public / "guides/help-links/index.html").read_text(encoding="utf-8")
    assert "Read the escalation notes and" in page
    assert 'href="../reply-refund/"' in page


def test_the_help_center_links_each_page_to_its_other_languages(
        sites: tuple[Path, Path]) -> None:
    _, public = sites
    english = (public / "guides/reply-refund/index.html").read_text(encoding="utf-8")
    portuguese = (public / "guides/reply-refund.pt-BR/index.html").read_text(encoding="utf-8")
    assert "<html lang=\"en\"" in english
    assert '<html lang="pt-BR"' in portuguese
    assert 'href="../reply-refund.pt-BR/" hreflang="pt-BR" lang="pt-BR">Português' in english
    assert 'href="../reply-refund/" hreflang="en" lang="en">English' in portuguese
    # stale: the customer is told, and pointed to the original
    assert "This translation is older than" in portuguese and "Translation out of date" \
        not in english
    home = (public / "index.html").read_text(encoding="utf-8")
    assert '<a href="guides/reply-refund.pt-BR/" lang="pt-BR">Seu reembolso está a caminho' \
        in home
