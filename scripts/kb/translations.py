"""Translations and placeholders: the one home of what a translation records and checks.

Convention: a translation is an article of its own, in a file beside its source named
`<source-stem>.<locale>.md` (mkdocs-static-i18n's suffix), whose front matter carries
`translation_of: <source id>`, `locale: <BCP 47 tag>` and `source_hash`, the content hash of the
source's title and body written by `kb translations mark FILE`. A translation is stale when its
`source_hash` differs from the source's hash today.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Iterator

from kb.model import Article, KnowledgeBase

#: `{{ name }}` in a macro body; names are snake_case
PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")
#: the language of every article that is not a translation
DEFAULT_LOCALE = "en"


def content_hash(title: str, markdown: str) -> str:
    """`sha256:<hex>` of an article's title and body, the version a translation records."""
    digest = hashlib.sha256(f"{title}\n\n{markdown.strip()}\n".encode()).hexdigest()
    return f"sha256:{digest}"


def slots_in(markdown: str) -> tuple[str, ...]:
    """The placeholder names a body uses, in order of first use."""
    return tuple(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(markdown)))


def locale_of(article: Article) -> str:
    """The language an article is written in."""
    return article.translation.locale if article.translation else DEFAULT_LOCALE


def translatable(article: Article) -> bool:
    """Whether `article` may have translations: what customers read (reply macros and public
    articles); what specialists and agents read stays in one language."""
    return article.translation is None and (
        article.type == "macro" or article.meta.visibility == "public")


def can_translate(source: Article, translation: Article) -> bool:
    """Whether `translation` may be a translation of `source`: a translatable original of the
    same type."""
    return translatable(source) and source.type == translation.type


def is_stale(translation: Article, source: Article) -> bool:
    """Whether `source` changed since `translation` was marked."""
    marked = translation.translation.source_hash if translation.translation else ""
    return marked != source.content_hash


def translations_of(kb: KnowledgeBase, article_id: str) -> list[Article]:
    """Every translation of the article `article_id`, by locale."""
    return list(_translations_by_source(kb).get(article_id, ()))


#: the last knowledge base's translations by source id, and how many articles it had then:
#: a page per tree outcome and per article asks, and a scan per question was O(n^2)
_index: list[tuple[weakref.ref[KnowledgeBase], int, dict[str, list[Article]]]] = []


def _translations_by_source(kb: KnowledgeBase) -> dict[str, list[Article]]:
    count = len(kb.articles_by_path)
    for known, counted, found in _index:
        if known() is kb and counted == count:
            return found
    by_source: dict[str, list[Article]] = {}
    for article in kb.all_articles():
        if article.translation is not None:
            by_source.setdefault(article.translation.of, []).append(article)
    for found_ in by_source.values():
        found_.sort(key=locale_of)
    _index[:] = [(weakref.ref(kb), count, by_source)]
    return by_source


def languages(kb: KnowledgeBase) -> Iterator[tuple[Article, list[Article]]]:
    """Each source article with its translations (only sources that have some)."""
    by_source: dict[str, list[Article]] = {}
    for article in kb.all_articles():
        if article.translation is not None:
            by_source.setdefault(article.translation.of, []).append(article)
    for source_id, found in sorted(by_source.items()):
        source = kb.articles.get(source_id)
        if source is not None:
            yield source, sorted(found, key=locale_of)


def versions(kb: KnowledgeBase, article: Article) -> list[Article]:
    """Every language version of `article` (itself a source or a translation): the source
    first, then its translations by locale."""
    source = kb.articles.get(article.translation.of, article) if article.translation else article
    return [source, *translations_of(kb, source.id)]


def for_markets(kb: KnowledgeBase, found: list[Article],
                markets: tuple[str, ...]) -> list[Article]:
    """`found` with the versions the markets require first, in the configured order."""
    required = [locale for market in markets
                for locale in kb.config.translations.required_locales.get(market, ())]
    rank = {locale: i for i, locale in reversed(list(enumerate(required)))}
    return sorted(found, key=lambda a: rank.get(locale_of(a), len(rank)))


def language_name(tag: str) -> str:
    """The name of a language in that language (`Português (Brasil)` for pt-BR); the tag
    itself when Babel does not know it."""
    # imported here: the loader imports this module, and its workers never name a language
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag, sep="-").get_display_name()
    except (ValueError, UnknownLocaleError):
        return tag
    return name[:1].upper() + name[1:] if name else tag
