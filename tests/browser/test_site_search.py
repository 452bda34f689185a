"""The real site in Chromium: the site search finds articles by their body and trees by their
title, and no page asks for anything beyond 127.0.0.1."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from browser_support import REPO, Web, search

from kb.loader import load, load_config
from kb.mkdocs_plugin.pagefind_search import INDEX_DIR, read_shards_file
from kb.model import Article, KnowledgeBase
from kb.urls import page_url

pytestmark = pytest.mark.browser

KB: KnowledgeBase = load(load_config(REPO)).kb
WORD = re.compile(r"[a-z]{9,}")


def words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def body_word() -> tuple[str, Article]:
    """A long word found in the body of exactly one article (not in its title or summary) and in
    no tree."""
    tree_text = " ".join(
        f"{t.meta.title} {t.meta.summary} "
        + " ".join(f.question for f in t.facts.values())
        + " ".join(f"{n.outcome.title} {n.outcome.guidance}" for n in t.outcomes()
                   if n.outcome is not None)
        for t in KB.trees.values())
    seen: Counter[str] = Counter(words(tree_text))
    for article in KB.all_articles():
        seen.update(words(article.body.text + " " + article.meta.title + " "
                          + article.meta.summary))
    for article in sorted(KB.articles.values(), key=lambda a: a.id):
        elsewhere = words(article.meta.title + " " + article.meta.summary)
        unique = sorted(w for w in words(article.body.text) - elsewhere if seen[w] == 1)
        if unique:
            return unique[0], article
    raise AssertionError("no article has a word of its own")


def test_search_finds_an_article_by_a_word_of_its_body(web: Web) -> None:
    word, article = body_word()
    web.goto("")
    found = search(web, word)
    assert web.url(page_url(KB.config.docs_dir, article.path)) in found, (word, found)


def test_search_finds_a_tree_by_its_title(web: Web) -> None:
    tree = sorted(KB.trees.values(), key=lambda t: t.id)[0]
    web.goto("")
    found = search(web, tree.meta.title)
    assert web.url(f"trees/{tree.id}/") in found, found


def test_no_request_leaves_localhost(web: Web) -> None:
    tree = sorted(KB.trees.values(), key=lambda t: t.id)[0]
    article = sorted(KB.articles.values(), key=lambda a: a.id)[0]
    for path in ("", "trees/", f"trees/{tree.id}/", page_url(KB.config.docs_dir, article.path),
                 "browse/products/"):
        web.goto(path)
        web.page.wait_for_load_state("networkidle")
    search(web, tree.meta.title.split()[0])
    web.page.wait_for_load_state("networkidle")
    assert len(web.requests) > 10, "requests are being recorded"
    assert any("/pagefind/fragment/" in u for u in web.requests), "the search ran"
    assert web.remote_requests() == []


def titles_sharing_a_tag_word() -> list[Article]:
    """Published articles whose title holds a word of a tag that at least 8 other pages carry
    and they do not: what Material's default weights (a tag match a million times a word of the
    text) would bury under the tagged pages."""
    tagged: Counter[str] = Counter(t for item in [*KB.all_articles(), *KB.trees.values()]
                                   for t in item.meta.tags)
    found = []
    for article in sorted(KB.articles.values(), key=lambda a: a.id):
        if article.meta.visibility == "restricted" or article.meta.status != "published":
            continue
        title = set(article.meta.title.lower().replace("-", " ").split())
        if any(n >= 8 and tag not in article.meta.tags
               and any(part in title or part + "s" in title for part in tag.split("-"))
               for tag, n in tagged.items()):
            found.append(article)
    return found


def test_search_lists_an_article_in_the_top_five_for_its_exact_title(web: Web) -> None:
    articles = titles_sharing_a_tag_word()
    assert articles, "the shipped content no longer has a title sharing a word with a tag"
    for article in articles:
        web.goto("")
        found = list(dict.fromkeys(search(web, article.meta.title)))[:5]  # pages, in order
        assert web.url(page_url(KB.config.docs_dir, article.path)) in found, \
            (article.meta.title, found)


def test_a_site_whose_index_is_in_shards_is_searched_as_one(sharded_web: Web) -> None:
    """Split into shards, the index is still one search: every published article and tree is
    in the top five for its exact title, whichever shard holds it, and a word of many pages
    brings results from several shards."""
    web = sharded_web
    shards = read_shards_file(web.served.root / INDEX_DIR)
    assert shards >= 3
    items = [(page_url(KB.config.docs_dir, a.path), a.meta.title)
             for a in sorted(KB.articles.values(), key=lambda a: a.id)
             if a.meta.status == "published"]
    items += [(f"trees/{t.id}/", t.meta.title) for t in sorted(KB.trees.values(),
                                                                 key=lambda t: t.id)]
    web.goto("")
    missed = [(title, path) for path, title in items
              if web.url(path) not in list(dict.fromkeys(search(web, title)))[:5]]
    assert missed == []
    search(web, "payment")
    fragments = {u.split("/pagefind/")[1].split("fragment/")[0] for u in web.requests
                 if "/fragment/" in u}
    assert len(fragments) >= 2, fragments  # the shard folders the results came from
