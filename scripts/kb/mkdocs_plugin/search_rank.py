"""How much each kind of page counts in the site's search: Pagefind's `data-pagefind-weight`
(`pagefind_search`), or Material's `search: boost:` when the site keeps Material's search.

Specialists search for a case ("money debited not received", "chargeback"): the articles,
trees and macros that answer it come first. Pages about the KB itself (Quality figures,
authoring guides, the lint-rule and policy references, the bundle format) and the browse pages
(which list every title, so match every query) are weighed down: still found by their own
words, never ahead of an answer. Decision trees are weighed up: they are the fastest way from a
case to a reply, and their pages hold their questions and outcome titles. A translation
(`NAME.pt-BR.md`) counts less than its source: found by its own language's words, it does not
push the source out of the results of a query in the source's language.
"""

from __future__ import annotations

import re

__all__ = ["BOOSTS", "search_boost"]

#: (docs path prefix, boost), first match wins; pages matching none keep Material's 1
BOOSTS: tuple[tuple[str, float], ...] = (
    ("trees/index.md", 0.1),
    ("trees/", 2.0),
    ("index.md", 0.1),
    ("browse/", 0.05),
    ("quality/", 0.05),
    ("authoring/", 0.1),
    ("reference/", 0.05),
    ("agents/", 0.05),
)


#: a translation's file name: `NAME.<locale>.md`
TRANSLATION = re.compile(r"\.[a-z]{2}(?:-[A-Z]{2})?\.md$")
TRANSLATION_BOOST = 0.3


def search_boost(src_uri: str) -> float | None:
    """The search boost of the page at docs/`src_uri`, or None to leave it as it is."""
    if TRANSLATION.search(src_uri):
        return TRANSLATION_BOOST
    for prefix, boost in BOOSTS:
        if src_uri == prefix or (prefix.endswith("/") and src_uri.startswith(prefix)):
            return boost
    return None
