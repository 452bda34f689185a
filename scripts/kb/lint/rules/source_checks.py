"""KB521, KB522: an article's source not re-checked within its type's interval.

The same machinery as the review-date rules (KB501, KB502): a `ReviewPolicy` gives the interval
per kind (here the source's `type`) and the grace period after which overdue is an error.
`due_sources` also feeds the site's "Sources due for a re-check" page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from kb.diagnostics import Finding, Severity
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Article, KnowledgeBase, Pos, Source

__all__ = ["DueSource", "due_sources"]


@dataclass(frozen=True, slots=True)
class DueSource:
    """A source of an article whose next check is due `-days` days from now (overdue when
    `days` > 0)."""

    article: Article
    source: Source
    checked: dt.date
    interval: int
    days: int

    @property
    def pos(self) -> Pos:
        return self.article.source.pos("sources", self.source.index, "checked")

    @property
    def due(self) -> dt.date:
        return self.checked + dt.timedelta(days=self.interval)

    def describe(self) -> str:
        return (f"source `{self.source.title}` was checked {self.checked.isoformat()}, "
                f"{self.days} days overdue ({self.source.type or 'untyped'} sources are "
                f"re-checked every {self.interval} days)")


def article_due_sources(article: Article, kb: KnowledgeBase, today: dt.date,
                        ahead: int = 0) -> Iterator[DueSource]:
    """The sources of `article` due on `today` or within `ahead` days; none for a deprecated
    article (kept only for old links, like KB501 exempts it from review)."""
    if article.meta.status == "deprecated":
        return
    policy = kb.config.source_checks
    for source in article.sources:
        if source.checked is None:
            continue
        days = policy.days_overdue(source.type, source.checked, today)
        if days > -ahead:
            yield DueSource(article, source, source.checked, policy.interval_for(source.type),
                            days)


def due_sources(kb: KnowledgeBase, today: dt.date, ahead: int = 0) -> list[DueSource]:
    """Every source due on `today` or within `ahead` days, most overdue first."""
    found = [due for article in kb.all_articles()
             for due in article_due_sources(article, kb, today, ahead)]
    return sorted(found, key=lambda d: (-d.days, d.article.id, d.source.index))


@rule("KB521", "stale-source", scope="article", severity=Severity.WARNING, local=True)
def stale_source(article: Article, ctx: LintContext) -> Iterator[Finding]:
    """A source of the article is due for a re-check.

    What it checks:
        Each entry of `sources` was `checked` no longer ago than the interval for its `type`
        (`source_checks.interval_days`; defaults: regulation 365 days, scheme-rule,
        network-rule and guidance 180, industry 120). Sources overdue by more than
        `source_checks.error_after_days` are reported by KB522 instead; deprecated articles are
        exempt.
    Why it matters:
        Limits, deadlines and compensation amounts change with new circulars and scheme rules;
        a figure nobody has compared with its source for a year may already be wrong when an
        agent quotes it.
    Bad:
        ```yaml
        sources:
          - title: NPCI circular on P2P collect requests
            type: scheme-rule        # re-checked every 180 days
            circular: NPCI/2025-26/UPI/xx
            checked: 2026-03-01      # judged on 2026-11-01: 65 days overdue
        ```
    Good:
        ```yaml
        sources:
          - title: NPCI circular on P2P collect requests
            type: scheme-rule
            circular: NPCI/2025-26/UPI/xx
            checked: 2026-10-20
        ```
    Options:
        `source_checks.interval_days` (per source type, plus `default`) and
        `source_checks.error_after_days` in the kb plugin options; `today` to judge on a
        fixed date.
    """
    limit = ctx.kb.config.source_checks.error_after_days
    for due in article_due_sources(article, ctx.kb, ctx.today):
        if due.days <= limit:
            yield Finding.at(article.path, due.pos, due.describe(),
                             "compare the article's figures with the source again, then set "
                             "`checked` to that day")


@rule("KB522", "overdue-source", scope="article", local=True)
def overdue_source(article: Article, ctx: LintContext) -> Iterator[Finding]:
    """A source of the article is long overdue for a re-check.

    What it checks:
        Each entry of `sources` was `checked` no more than `source_checks.error_after_days`
        past the interval for its `type`. Deprecated articles are exempt.
    Why it matters:
        A rule that has gone unchecked this long is likely out of date somewhere (a new
        circular, a new limit), and agents act on it without a human in between; the build
        stops until someone checks it.
    Bad:
        ```yaml
        sources:
          - title: RBI TAT and compensation framework
            type: regulation         # re-checked every 365 days, error 60 days after that
            circular: DPSS.CO.PD No.629/02.01.014/2019-20
            checked: 2025-07-01      # judged on 2026-11-01: 124 days overdue
        ```
    Good:
        ```yaml
        sources:
          - title: RBI TAT and compensation framework
            type: regulation
            circular: DPSS.CO.PD No.629/02.01.014/2019-20
            checked: 2026-10-20
        ```
    Options:
        `source_checks.interval_days` and `source_checks.error_after_days` in the kb plugin
        options.
    """
    limit = ctx.kb.config.source_checks.error_after_days
    for due in article_due_sources(article, ctx.kb, ctx.today):
        if due.days > limit:
            yield Finding.at(article.path, due.pos,
                             f"{due.describe()}, past the {limit}-day grace period",
                             "check the figures against the source now and set `checked`, "
                             "or replace the source")
