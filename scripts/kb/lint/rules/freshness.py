"""KB5xx: freshness and quality (review dates, deprecated and draft references, thin articles)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kb.diagnostics import Finding, Severity
from kb.lint.registry import rule
from kb.lint.rules.links import linked_pages
from kb.lint.runner import LintContext
from kb.model import Article, KnowledgeBase, Pos, Tree

#: fewer words than this (headings included) make an article thin
MIN_WORDS = 20
_WORD = re.compile("\\w+(?:['\u2019-]\\w+)*")

_TYPE_PLURALS = {"policy": "policies", "procedure": "procedures", "macro": "macros",
                 "tree": "decision trees"}


@dataclass(frozen=True, slots=True)
class Overdue:
    """How far past its review interval an item is."""

    item: Article | Tree
    reviewed: dt.date
    interval: int
    days: int
    kind: str

    @property
    def pos(self) -> Pos:
        return self.item.source.pos("reviewed")

    def describe(self) -> str:
        kinds = _TYPE_PLURALS.get(self.kind, f"{self.kind} articles" if self.kind else "items")
        return (f"reviewed {self.reviewed.isoformat()}, {self.days} days overdue "
                f"({kinds} are reviewed every {self.interval} days)")


def _items(kb: KnowledgeBase) -> Iterator[Article | Tree]:
    yield from kb.all_articles()
    yield from kb.all_trees()


def _overdue(ctx: LintContext) -> Iterator[Overdue]:
    review = ctx.kb.config.review
    for item in _items(ctx.kb):
        reviewed = item.meta.reviewed
        if reviewed is None or item.meta.status == "deprecated":
            continue
        kind = "tree" if isinstance(item, Tree) else item.type
        interval = review.interval_for(kind)
        days = review.days_overdue(kind, reviewed, ctx.today)
        if days > 0:
            yield Overdue(item, reviewed, interval, days, kind)


@rule("KB501", "stale-review", scope="kb", severity=Severity.WARNING,
      local=True)
def stale_review(ctx: LintContext) -> Iterator[Finding]:
    """An article or tree is due for review.

    What it checks:
        `reviewed` is no older than the review interval for the article's type (trees use the
        `tree` interval; types without one use `default`, else 180 days). Items overdue by
        more than `error_after_days` are reported by KB502 instead; deprecated items are
        exempt.
    Why it matters:
        Payments rules, limits and timelines change; specialists and agents trust what the
        knowledge base says, so every item must be re-read by its owner on a schedule.
    Bad:
        ```yaml
        type: procedure          # reviewed every 120 days
        reviewed: 2026-03-01     # judged on 2026-11-01: 125 days overdue
        ```
    Good:
        ```yaml
        type: procedure
        reviewed: 2026-10-15
        ```
    Options:
        `review.interval_days` (per type, plus `tree` and `default`) in the kb plugin options;
        `today` to judge on a fixed date.
    """
    limit = ctx.kb.config.review.error_after_days
    for overdue in _overdue(ctx):
        if overdue.days <= limit:
            yield Finding.at(overdue.item.path, overdue.pos, overdue.describe(),
                             f"have {overdue.item.meta.owner or 'the owner'} review it, then "
                             "set `reviewed` to the review date")


@rule("KB502", "overdue-review", scope="kb", local=True)
def overdue_review(ctx: LintContext) -> Iterator[Finding]:
    """An article or tree is long overdue for review.

    What it checks:
        `reviewed` is more than `error_after_days` past the review interval for the item's
        type. Deprecated items are exempt.
    Why it matters:
        Content this old is likely wrong somewhere (a limit, a deadline, a queue), and agents
        act on it without a human in between. Stale content blocks the build until reviewed.
    Bad:
        ```yaml
        type: procedure          # reviewed every 120 days, error 90 days after that
        reviewed: 2025-12-01     # judged on 2026-11-01: 215 days overdue
        ```
    Good:
        ```yaml
        type: procedure
        reviewed: 2026-10-15
        ```
    Options:
        `review.error_after_days` and `review.interval_days` in the kb plugin options.
    """
    limit = ctx.kb.config.review.error_after_days
    for overdue in _overdue(ctx):
        if overdue.days > limit:
            yield Finding.at(overdue.item.path, overdue.pos,
                             f"{overdue.describe()}, past the {limit}-day grace period",
                             f"have {overdue.item.meta.owner or 'the owner'} review it now, "
                             "then set `reviewed`; or deprecate it")


@rule("KB503", "future-review", scope="kb", local=True)
def future_review(ctx: LintContext) -> Iterator[Finding]:
    """`reviewed` is a date in the future.

    What it checks:
        `reviewed` is not after the day lint judges on (today, or the `today` option).
    Why it matters:
        A future date hides the item from the review schedule for longer than the interval;
        it is usually a typo in the year or month.
    Bad:
        ```yaml
        reviewed: 2027-10-14
        ```
    Good:
        ```yaml
        reviewed: 2026-10-14
        ```
    """
    for item in _items(ctx.kb):
        reviewed = item.meta.reviewed
        if reviewed is not None and reviewed > ctx.today:
            ahead = (reviewed - ctx.today).days
            yield Finding.at(item.path, item.source.pos("reviewed"),
                             f"reviewed {reviewed.isoformat()} is {ahead} "
                             f"day{'s' if ahead != 1 else ''} in the future "
                             f"(today is {ctx.today.isoformat()})",
                             "set `reviewed` to the date the review actually happened")


@dataclass(frozen=True, slots=True)
class Reference:
    """One place where a published item points at an article."""

    path: str
    #: id of the published article or tree that points
    source_id: str
    pos: Pos
    #: e.g. "links to", "`related` lists", "outcome `wait` cites"
    how: str
    target: Article
    #: "article" or "macro"
    role: str


def _published_references(ctx: LintContext, statuses: frozenset[str]) -> Iterator[Reference]:
    """Every reference from a published article or tree to an article whose status is one of
    `statuses`: links, related, and outcomes' article and macro."""
    kb = ctx.kb
    for linked in linked_pages(ctx):
        if linked.target is None or linked.kind == "self":
            continue
        source = kb.articles_by_path.get(linked.source.path)
        target = kb.articles_by_path.get(linked.target.path)
        if source is None or target is None or source.meta.status != "published":
            continue
        if target.path != source.path and target.meta.status in statuses:
            yield Reference(source.path, source.id, linked.link.pos, "links to", target,
                            "article")
    for item in _items(kb):
        if item.meta.status != "published":
            continue
        for i, ref in enumerate(item.meta.related):
            related = kb.articles.get(ref)
            if related is not None and related.meta.status in statuses:
                yield Reference(item.path, item.id, item.source.pos("related", i),
                                "`related` lists", related, "article")
    for tree in kb.all_trees():
        if tree.meta.status != "published":
            continue
        for node in tree.outcomes():
            outcome = node.outcome
            if outcome is None:
                continue
            cited = kb.articles.get(outcome.article)
            if cited is not None and cited.meta.status in statuses:
                yield Reference(tree.path, tree.id,
                                tree.source.pos(*node.path, "outcome", "article"),
                                f"outcome `{node.id}` cites", cited, "article")
            macro = kb.articles.get(outcome.macro)
            if macro is not None and macro.meta.status in statuses:
                yield Reference(tree.path, tree.id,
                                tree.source.pos(*node.path, "outcome", "macro"),
                                f"outcome `{node.id}` uses", macro, "macro")


_DEPRECATED = frozenset({"deprecated"})
_DRAFT = frozenset({"draft"})


@rule("KB504", "deprecated-linked", scope="kb", severity=Severity.WARNING)
def deprecated_linked(ctx: LintContext) -> Iterator[Finding]:
    """Published content points at a deprecated article.

    What it checks:
        No published article links to a deprecated article or lists one in `related`, and no
        outcome of a published tree cites a deprecated article or macro. The article named in
        the deprecated one's `superseded_by` may point back to it.
    Why it matters:
        Deprecated content is kept only so that old links can be followed to its successor;
        sending readers and agents to it on purpose hands them rules that no longer apply.
    Bad:
        ```yaml
        related: [upi-collect-request-limits]   # deprecated
        ```
    Good:
        ```yaml
        related: [upi-collect-request-fraud]    # its superseded_by
        ```
    """
    kb = ctx.kb
    for ref in _published_references(ctx, _DEPRECATED):
        target = ref.target
        successor = target.meta.superseded_by
        # the successor may point back to what it replaced (to explain the change)
        if target.meta.status != "deprecated" or successor == ref.source_id:
            continue
        found = kb.articles.get(successor) if successor else None
        if found is not None:
            hint = f"point to its successor `{successor}` ({found.path}) instead"
        elif successor:
            hint = f"its `superseded_by` names `{successor}`, which does not exist; " \
                   "point to the article that replaced it"
        else:
            hint = "it names no `superseded_by`; point to the article that replaced it"
        yield Finding.at(ref.path, ref.pos,
                         f"{ref.how} deprecated {ref.role} `{target.id}` ({target.path})", hint)


@rule("KB505", "draft-referenced", scope="kb")
def draft_referenced(ctx: LintContext) -> Iterator[Finding]:
    """Published content points at a draft article.

    What it checks:
        No outcome of a published tree cites a draft article or macro, and no published article
        links to a draft article or lists one in `related`.
    Why it matters:
        Drafts are left out of the agent bundle and may change or vanish: agents would receive
        a reference to nothing, and readers would land on unapproved content.
    Bad:
        ```yaml
        macro: reply-upi-reversal-pending   # status: draft
        ```
    Good:
        ```yaml
        macro: reply-upi-reversal-pending   # status: published
        ```
    """
    for ref in _published_references(ctx, _DRAFT):
        target = ref.target
        if target.meta.status != "draft":
            continue
        yield Finding.at(ref.path, ref.pos,
                         f"{ref.how} draft {ref.role} `{target.id}` ({target.path})",
                         f"publish `{target.id}` first, or point to a published {ref.role}")


def _words(article: Article, limit: int) -> int:
    """The number of words (headings included), counted up to `limit`."""
    text = " ".join([*(h.text for h in article.body.headings), article.body.text])
    return sum(1 for _ in itertools.islice(_WORD.finditer(text), limit))


def _body_start(article: Article) -> Pos:
    """The first non-blank line of the body (line 1 when the body is empty)."""
    for i, line in enumerate(article.body.markdown.split("\n")):
        if line.strip():
            return Pos(article.body.first_line + i, len(line) - len(line.lstrip()) + 1)
    return Pos(1, 1)


@rule("KB506", "thin-article", scope="article", severity=Severity.WARNING,
      local=True)
def thin_article(article: Article, ctx: LintContext) -> Iterator[Finding]:
    """An article with no heading or almost no text.

    What it checks:
        Every article has at least one heading, and every article except a macro has at least
        20 words of text (headings included).
    Why it matters:
        Articles are split into sections at headings for search, retrieval chunks and outcome
        anchors; a stub with no heading or a line of text gives agents nothing to cite.
        Macros are exempt from the word count: an approved reply is often short.
    Bad:
        ```markdown
        Refunds take a while.
        ```
    Good:
        ```markdown
        # Refund timelines

        ## UPI
        A refund to a UPI account reaches the customer within 5 working days of the
        merchant's refund; the customer's bank statement shows it as a credit.
        ```
    """
    problems: list[str] = []
    if not article.body.headings:
        problems.append("no heading")
    # only a count below MIN_WORDS is ever shown, and macros may be short
    words = _words(article, MIN_WORDS) if article.type != "macro" else MIN_WORDS
    if article.type != "macro" and words < MIN_WORDS:
        problems.append(f"only {words} word{'s' if words != 1 else ''} of text" if words
                        else "no text")
    if not problems:
        return
    pos = article.body.headings[0].pos if article.body.headings else _body_start(article)
    hints = []
    if not article.body.headings:
        hints.append("start the body with `# Title` and put each topic under a `## Heading`")
    if article.type != "macro" and words < MIN_WORDS:
        hints.append(f"write at least {MIN_WORDS} words, or merge it into a related article")
    yield Finding.at(article.path, pos, f"article has {' and '.join(problems)}",
                     "; ".join(hints))
