"""The real site in Chromium: pages in several languages link each other, carry the right `lang`
for screen readers, search finds Portuguese text, and the walker offers a reply in its
languages with the market's required one first."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browser_support import REPO, Web, search

from kb.casetest import run_cases
from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kb.translations import locale_of, translations_of

pytestmark = pytest.mark.browser

KB: KnowledgeBase = load(load_config(REPO)).kb
SOURCE = "replies/reply-pix-wrong-key/"
TRANSLATION = "replies/reply-pix-wrong-key.pt-BR/"


def test_switcher_links_the_languages_and_each_page_has_its_lang(web: Web) -> None:
    page = web.goto(SOURCE)
    assert page.locator("html").get_attribute("lang") == "en"
    switcher = page.locator("nav.kb-languages")
    assert switcher.get_attribute("aria-label") == "Languages"
    current = switcher.locator("[aria-current=page]")
    assert current.inner_text() == "English" and current.get_attribute("lang") == "en"
    other = switcher.locator("a[hreflang='pt-BR']")
    assert other.inner_text() == "Português (Brasil)" and other.get_attribute("lang") == "pt-BR"
    other.click()
    page.wait_for_url(web.url(TRANSLATION))
    assert page.locator("html").get_attribute("lang") == "pt-BR"
    assert page.locator("h1").first.inner_text().startswith("Resposta: Pix enviado")
    back = page.locator("nav.kb-languages a[hreflang='en']")
    assert back.get_attribute("lang") == "en"
    back.click()
    page.wait_for_url(web.url(SOURCE))


def test_search_finds_portuguese_text(web: Web) -> None:
    web.goto("")
    found = search(web, "chave errada")
    assert web.url(TRANSLATION) in found, found
    # a word with Portuguese letters, found in the Portuguese replies
    found = search(web, "devolução")
    assert web.url("replies/reply-pix-med-filed.pt-BR/") in found, found


def _br_outcome_with_translated_macro() -> tuple[str, str, list[tuple[str, object]]]:
    """A BR tree, a labeled walk ending at an outcome whose macro has a pt-BR version."""
    for result in run_cases(KB).results:
        tree = KB.trees[result.tree]
        node = tree.nodes.get(result.walk.outcome or "")
        if not result.passed or "BR" not in tree.meta.markets or node is None \
                or node.outcome is None or not node.outcome.macro:
            continue
        if translations_of(KB, node.outcome.macro.partition("#")[0]):
            return tree.id, node.outcome.macro, [(s.fact, s.value) for s in result.walk.steps]
    raise AssertionError("no BR tree reaches a translated macro")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def test_walker_offers_the_reply_in_its_languages_required_first(web: Web) -> None:
    tree_id, macro, steps = _br_outcome_with_translated_macro()
    walk = ",".join(f"{quote(f, safe='')}:{quote(_value(v), safe='/')}" for f, v in steps)
    page = web.goto(f"trees/{tree_id}/#walk={walk}")
    languages = page.locator(".kb-walker-outcome .kb-walker-macro-languages a")
    languages.first.wait_for()
    expected = ["pt-BR", *(locale_of(a) for a in [KB.articles[macro.partition("#")[0]]])]
    assert [languages.nth(i).get_attribute("hreflang")
            for i in range(languages.count())] == expected
    languages.first.click()
    page.wait_for_url(lambda url: ".pt-BR/" in url)
    assert page.locator("html").get_attribute("lang") == "pt-BR"
