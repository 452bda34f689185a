"""KB80x: translations: what they translate, whether they are current, and whether they say the
same thing as their source in the parts a machine can compare."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from kb.diagnostics import Finding, Severity
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Article, resolve_relative
from kb.translations import can_translate, is_stale, locale_of, translations_of


@dataclass(frozen=True, slots=True)
class _Pair:
    """A translation and the article it translates."""

    translation: Article
    source: Article


def _pairs(ctx: LintContext) -> Iterator[_Pair]:
    for article in ctx.kb.all_articles():
        t = article.translation
        if t is None:
            continue
        source = ctx.kb.articles.get(t.of)
        if source is not None and can_translate(source, article):
            yield _Pair(article, source)


def _stale(ctx: LintContext) -> Iterator[tuple[_Pair, int]]:
    """Stale translations with the days since their source was last reviewed."""
    for pair in _pairs(ctx):
        if is_stale(pair.translation, pair.source):
            reviewed = pair.source.meta.reviewed
            yield pair, (ctx.today - reviewed).days if reviewed else 0


def _stale_message(pair: _Pair, days: int) -> str:
    return (f"translation is stale: `{pair.source.id}` changed since it was marked "
            f"(source reviewed {days} days ago)")


_STALE_HINT = ("update the translation to match the source, then run "
               "`kb translations mark {path}` to record the source version it translates")


@rule("KB801", "stale-translation", scope="kb", severity=Severity.WARNING)
def stale_translation(ctx: LintContext) -> Iterator[Finding]:
    """A translation's source changed since the translation was marked.

    What it checks:
        `source_hash` equals the hash of the source's title and body today. Translations stale
        for longer than `stale_error_after_days` after the source's `reviewed` date are
        reported by KB802 instead.
    Why it matters:
        A reply in the customer's language that says something the source no longer says is
        wrong in a way nobody reading only the source notices.
    Bad:
        ```yaml
        translation_of: reply-pix-wrong-key   # edited after the translation was marked
        source_hash: sha256:9f2c...
        ```
    Good:
        ```yaml
        translation_of: reply-pix-wrong-key
        source_hash: sha256:...               # written by `kb translations mark FILE`
        ```
    Options:
        `translations.stale_error_after_days` in the kb plugin options.
    """
    limit = ctx.kb.config.translations.stale_error_after_days
    for pair, days in _stale(ctx):
        if days <= limit:
            path = pair.translation.path
            yield Finding.at(path, pair.translation.source.pos("source_hash"),
                             _stale_message(pair, days), _STALE_HINT.format(path=path))


@rule("KB802", "overdue-translation", scope="kb")
def overdue_translation(ctx: LintContext) -> Iterator[Finding]:
    """A translation has been stale for too long.

    What it checks:
        A stale translation (see KB801) whose source was reviewed more than
        `stale_error_after_days` days ago.
    Why it matters:
        A warning nobody acts on is noise; customers keep reading the outdated reply.
    Bad:
        ```yaml
        # source reviewed 40 days ago, changed since the translation was marked
        source_hash: sha256:9f2c...
        ```
    Good:
        ```yaml
        source_hash: sha256:...   # re-marked after updating the translation
        ```
    Options:
        `translations.stale_error_after_days` in the kb plugin options.
    """
    limit = ctx.kb.config.translations.stale_error_after_days
    for pair, days in _stale(ctx):
        if days > limit:
            path = pair.translation.path
            yield Finding.at(path, pair.translation.source.pos("source_hash"),
                             _stale_message(pair, days) + f", over the {limit}-day limit",
                             _STALE_HINT.format(path=path))


@rule("KB803", "missing-required-locale", scope="kb")
def missing_required_locale(ctx: LintContext) -> Iterator[Finding]:
    """A customer-facing macro lacks a language its market requires.

    What it checks:
        Every published `macro` (not itself a translation) for a market listed in
        `translations.required_locales` has a translation in each required locale.
    Why it matters:
        Brazil's consumer code requires information to consumers in Portuguese; an agent that
        can only send an English reply to a Pix customer fails visibly.
    Bad:
        ```yaml
        type: macro
        markets: [BR]     # and no reply-pix-wrong-key.pt-BR.md beside it
        ```
    Good:
        ```yaml
        # reply-pix-wrong-key.pt-BR.md
        translation_of: reply-pix-wrong-key
        locale: pt-BR
        ```
    Options:
        `translations.required_locales` (market: [locale, ...]) in the kb plugin options.
    """
    required = ctx.kb.config.translations.required_locales
    for article in ctx.kb.all_articles():
        if article.type != "macro" or article.translation is not None \
                or article.meta.status != "published":
            continue
        present = {locale_of(t) for t in translations_of(ctx.kb, article.id)}
        for i, market in enumerate(article.meta.markets):
            for locale in required.get(market, ()):
                if locale not in present:
                    yield Finding.at(article.path, article.source.pos("markets", i),
                                     f"macro for market {market} has no {locale} translation",
                                     f"add {_sibling(article.path, locale)} with "
                                     f"`translation_of: {article.id}` and `locale: {locale}`")


def _sibling(path: str, locale: str) -> str:
    stem = path.removesuffix(".md")
    return f"{stem}.{locale}.md"


def _anchors(article: Article) -> list[str]:
    return [h.anchor for h in article.body.headings]


def _links(article: Article) -> Counter[str]:
    return Counter(f"{resolve_relative(article.path, link.target)}#{link.anchor}"
                   if link.target else f"#{link.anchor}"
                   for link in article.body.links if not link.is_external)


def _differences(pair: _Pair) -> Iterator[tuple[str, str]]:
    """(what differs, hint) between a translation and its source."""
    t, s = pair.translation, pair.source
    if sorted(t.slots) != sorted(s.slots):
        missing = sorted(set(s.slots) - set(t.slots))
        extra = sorted(set(t.slots) - set(s.slots))
        yield (f"placeholders differ from `{s.id}`: missing {_names(missing)}, "
               f"extra {_names(extra)}", "use exactly the source's placeholders; never translate "
                                         "a placeholder's name")
    if _links(t) != _links(s):
        yield (f"links to other articles differ from `{s.id}`",
               "link the same articles and anchors as the source, with the same relative paths")
    if _anchors(t) != _anchors(s):
        yield (f"heading anchors differ from `{s.id}`: {', '.join(_anchors(t)) or 'none'} "
               f"instead of {', '.join(_anchors(s)) or 'none'}",
               "keep the source's anchors with an explicit id: `## Resposta {#reply}`")


def _names(names: list[str]) -> str:
    return ", ".join(f"`{{{{{n}}}}}`" for n in names) or "none"


@rule("KB804", "translation-mismatch", scope="kb")
def translation_mismatch(ctx: LintContext) -> Iterator[Finding]:
    """A translation's placeholders, links or heading anchors differ from its source's.

    What it checks:
        The translation uses exactly the source's placeholders, links to the same articles and
        anchors, and has the same heading anchors in the same order.
    Why it matters:
        An agent fills the placeholders the source declares; a renamed one is sent to a
        customer as `{{nome}}`. Links and anchors are how the site and agents move between
        languages of the same section.
    Bad:
        ```markdown
        ## Resposta

        Olá {{nome_cliente}},
        ```
    Good:
        ```markdown
        ## Resposta {#reply}

        Olá {{customer_name}},
        ```
    """
    for pair in _pairs(ctx):
        for message, hint in _differences(pair):
            yield Finding.at(pair.translation.path,
                             pair.translation.source.pos("translation_of"), message, hint)


@rule("KB805", "translation-exposes-source", scope="kb")
def translation_exposes_source(ctx: LintContext) -> Iterator[Finding]:
    """A public translation of a restricted or draft source.

    What it checks:
        A translation is not `public` when its source is `restricted` or `draft`.
    Why it matters:
        Visibility and status gate what agents and customers see; a translation must not
        publish in another language what the source keeps back.
    Bad:
        ```yaml
        translation_of: internal-fraud-playbook   # restricted
        visibility: public
        ```
    Good:
        ```yaml
        translation_of: internal-fraud-playbook
        visibility: restricted
        ```
    """
    for pair in _pairs(ctx):
        s = pair.source.meta
        if pair.translation.meta.visibility == "public" and (
                s.visibility == "restricted" or s.status == "draft"):
            why = "restricted" if s.visibility == "restricted" else "a draft"
            yield Finding.at(pair.translation.path, pair.translation.source.pos("visibility"),
                             f"translation is public but its source `{pair.source.id}` is {why}",
                             "give the translation the source's visibility and status")


@rule("KB806", "translation-source", scope="kb")
def translation_source(ctx: LintContext) -> Iterator[Finding]:
    """A translation names no valid source or locale.

    What it checks:
        `translation_of` names what customers read (a reply macro or a public article; what
        specialists and agents read stays in one language), not itself a translation, of the
        translation's own type; `locale` and `source_hash` are set, the locale is not the
        source's, and no other translation of the same source has the same locale.
    Why it matters:
        Staleness, the language switcher and the bundle all hang on these three keys.
    Bad:
        ```yaml
        translation_of: reply-pix-wrong-kee
        ```
    Good:
        ```yaml
        translation_of: reply-pix-wrong-key
        locale: pt-BR
        source_hash: sha256:...   # written by `kb translations mark FILE`
        ```
    """
    seen: dict[tuple[str, str], str] = {}
    for article in ctx.kb.all_articles():
        t = article.translation
        if t is None:
            continue
        pos = article.source.pos("translation_of")
        source = ctx.kb.articles.get(t.of)
        if source is None or not can_translate(source, article):
            yield Finding.at(article.path, pos, f"`{t.of}` is no article this one can translate",
                             "name the id of the original macro or public article (not of "
                             "another translation); both files have the same `type`")
        elif not t.locale or not t.source_hash:
            yield Finding.at(article.path, pos, "translation lacks `locale` or `source_hash`",
                             f"set `locale`, then run `kb translations mark {article.path}`")
        elif t.locale == locale_of(source):
            yield Finding.at(article.path, article.source.pos("locale"),
                             f"translation has the source's own locale `{t.locale}`",
                             "set the language the translation is written in")
        elif (t.of, t.locale) in seen:
            yield Finding.at(article.path, article.source.pos("locale"),
                             f"`{t.of}` already has a {t.locale} translation in "
                             f"{seen[t.of, t.locale]}", "keep one translation per locale")
        else:
            seen[t.of, t.locale] = article.path
