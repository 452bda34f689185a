"""Filling a macro's placeholders for one customer, in the customer's language.

Values are given as an agent knows them (an ISO date, `1234.56 BRL`, `48h`) and written the way
the reply's locale writes them, by Babel from CLDR data: never hand-made formats. A missing,
unknown or ill-typed value is refused with a message naming it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_date_format
from babel.numbers import format_currency, is_currency
from babel.units import format_unit

from kb.model import Article, KnowledgeBase, Placeholder
from kb.translations import PLACEHOLDER, locale_of, translations_of

#: the anchor of the reply's own section in a macro (the rest is guidance for agents)
REPLY_ANCHOR = "reply"
_DURATION = re.compile(r"^(\d+)\s*(min|h|d|w)$")
_DURATION_UNITS = {"min": "duration-minute", "h": "duration-hour", "d": "duration-day",
                   "w": "duration-week"}
#: a two-digit year in a CLDR pattern (`yy`, not part of a longer run of `y`)
_SHORT_YEAR = re.compile(r"(?<!y)yy(?!y)")


class RenderError(Exception):
    """A value or a locale cannot be used; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """A filled reply: the version of the macro used and its Markdown."""

    macro: Article
    locale: str
    markdown: str
    stale: bool


def babel_locale(tag: str) -> Locale:
    """The Babel locale of a BCP 47 tag such as `pt-BR`."""
    try:
        return Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        raise RenderError(f"unknown locale `{tag}` (write a BCP 47 tag such as pt-BR)") from None


def format_placeholder(placeholder: Placeholder, raw: str, locale: Locale) -> str:
    """`raw` written for `locale` as `placeholder`'s type asks; RenderError when ill-typed."""
    value = raw.strip()
    if not value:
        raise RenderError(f"`{placeholder.name}` is empty")
    if placeholder.type == "date":
        return _date(placeholder, value, locale)
    if placeholder.type == "money":
        return _money(placeholder, value, locale)
    if placeholder.type == "duration":
        match = _DURATION.match(value)
        if match is None:
            raise RenderError(f"`{placeholder.name}` is a duration: a whole number and a unit "
                              f"(min, h, d, w) such as 48h, not `{value}`")
        return format_unit(int(match[1]), _DURATION_UNITS[match[2]], length="long",
                           locale=locale)
    if placeholder.type == "enum" and value not in placeholder.values:
        raise RenderError(f"`{placeholder.name}` is one of {', '.join(placeholder.values)}, "
                          f"not `{value}`")
    if PLACEHOLDER.search(value) or "\n" in value:
        raise RenderError(f"`{placeholder.name}` must be one line of plain text")
    return value


def _date(placeholder: Placeholder, value: str, locale: Locale) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise RenderError(f"`{placeholder.name}` is a date (YYYY-MM-DD), not `{value}`") from None
    # the locale's short pattern, with the year in full: a reply must not be ambiguous
    pattern = _SHORT_YEAR.sub("y", get_date_format("short", locale=locale).pattern)
    return format_date(day, pattern, locale=locale)


def _money(placeholder: Placeholder, value: str, locale: Locale) -> str:
    amount_text, _, currency = value.partition(" ")
    currency = currency.strip() or placeholder.currency
    if not currency:
        raise RenderError(f"`{placeholder.name}` is money: give the amount and its currency "
                          f"(ISO 4217), such as `1234.56 BRL`, not `{value}`")
    if placeholder.currency and currency != placeholder.currency:
        raise RenderError(f"`{placeholder.name}` is in {placeholder.currency}, not {currency}")
    if not is_currency(currency):
        raise RenderError(f"`{placeholder.name}`: unknown currency `{currency}`")
    try:
        amount = Decimal(amount_text)
    except InvalidOperation:
        raise RenderError(f"`{placeholder.name}` is money: an amount such as 1234.56, "
                          f"not `{amount_text}`") from None
    if not amount.is_finite() or amount < 0:
        raise RenderError(f"`{placeholder.name}` must be a positive amount, not `{amount_text}`")
    return format_currency(amount, currency, locale=locale)


def version_for(kb: KnowledgeBase, source: Article, tag: str) -> Article:
    """The version of `source` written in `tag`'s language: the exact locale first, then the
    same language."""
    versions = [source, *translations_of(kb, source.id)]
    for wanted in (tag, tag.split("-")[0]):
        for version in versions:
            if locale_of(version) == wanted or locale_of(version).split("-")[0] == wanted:
                return version
    have = ", ".join(locale_of(v) for v in versions)
    raise RenderError(f"`{source.id}` has no {tag} version (it exists in {have})")


def render_macro(kb: KnowledgeBase, macro_id: str, tag: str,
                 values: Mapping[str, str]) -> Rendered:
    """The reply of macro `macro_id` in `tag`'s language with every placeholder filled."""
    source = kb.articles.get(macro_id)
    if source is None or source.type != "macro" or source.translation is not None:
        raise RenderError(f"no macro `{macro_id}`")
    locale = babel_locale(tag)
    version = version_for(kb, source, tag)
    declared = {p.name: p for p in source.placeholders}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise RenderError(f"`{macro_id}` has no placeholder {', '.join(unknown)} "
                          f"(it declares {', '.join(declared) or 'none'})")
    missing = [name for name in version.slots if name not in values]
    if missing:
        raise RenderError("missing " + ", ".join(
            f"`{n}` ({declared[n].type}, e.g. {declared[n].example})" if n in declared
            else f"`{n}`" for n in missing))
    filled = {name: format_placeholder(declared[name], values[name], locale)
              for name in version.slots if name in declared}
    undeclared = [name for name in version.slots if name not in declared]
    if undeclared:
        raise RenderError(f"`{macro_id}` does not declare {', '.join(undeclared)} (see KB811)")
    text = PLACEHOLDER.sub(lambda m: filled[m.group(1)], reply_markdown(version))
    stale = version is not source and version.translation is not None \
        and version.translation.source_hash != source.content_hash
    return Rendered(version, locale_of(version), text.strip() + "\n", stale)


def reply_markdown(macro: Article) -> str:
    """What the customer is sent: the macro's `## Reply` section without its heading (the
    whole body when it has none), placeholders unfilled."""
    reply = next((s.markdown for s in macro.body.sections if s.anchor == REPLY_ANCHOR),
                 macro.body.markdown)
    return _without_heading(reply).strip()


def _without_heading(markdown: str) -> str:
    first, _, rest = markdown.partition("\n")
    return rest if first.startswith("#") else markdown
