"""KB81x: a macro's placeholders: every `{{name}}` in its body declared in front matter, with a
type an agent can fill, and every declaration used."""

from __future__ import annotations

from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Article, Pos
from kb.translations import PLACEHOLDER


def _macros(ctx: LintContext) -> Iterator[Article]:
    """Macros that declare their own placeholders (translations use their source's)."""
    for article in ctx.kb.all_articles():
        if article.type == "macro" and article.translation is None:
            yield article


def _use_pos(article: Article, name: str) -> Pos:
    """Where the body first uses `{{name}}`."""
    body = article.body
    for offset, line in enumerate(body.markdown.splitlines()):
        for m in PLACEHOLDER.finditer(line):
            if m.group(1) == name:
                return Pos(body.first_line + offset, m.start() + 1)
    return article.source.pos()


@rule("KB811", "undeclared-placeholder", scope="kb", local=True)
def undeclared_placeholder(ctx: LintContext) -> Iterator[Finding]:
    """A macro uses a placeholder its front matter does not declare.

    What it checks:
        Every `{{name}}` in a macro's body is declared under `placeholders` with a type
        (`text`, `date`, `money`, `enum` with `values`, `duration`), a description and an
        example. An `enum` placeholder lists its `values`; a `money` placeholder may fix its
        `currency` (else the value carries it: `1234.56 BRL`).
    Why it matters:
        An agent filling `{{reversal_due_date}}` must know it is a date and how the customer's
        locale writes dates; guessing sends `2026-12-02` to a Brazilian customer.
    Bad:
        ```yaml
        type: macro
        # body: "We will refund {{amount}}."
        ```
    Good:
        ```yaml
        placeholders:
          amount: {type: money, description: The refund amount, example: 120.50 BRL}
        ```
    """
    for article in _macros(ctx):
        declared = {p.name: p for p in article.placeholders}
        for name in article.slots:
            if name not in declared:
                yield Finding.at(article.path, _use_pos(article, name),
                                 f"placeholder `{{{{{name}}}}}` is not declared",
                                 f"declare it under `placeholders:` as `{name}: {{type: text, "
                                 "description: ..., example: ...}`")
        for p in article.placeholders:
            pos = article.source.pos("placeholders", p.name)
            if p.type == "enum" and not p.values:
                yield Finding.at(article.path, pos, f"enum placeholder `{p.name}` lists no "
                                 "values", "add `values: [...]`")


@rule("KB812", "unused-placeholder", scope="kb", local=True)
def unused_placeholder(ctx: LintContext) -> Iterator[Finding]:
    """A macro declares a placeholder its body never uses.

    What it checks:
        Every name under a macro's `placeholders` appears as `{{name}}` in its body; a
        translation declares none of its own (it uses its source's declarations).
    Why it matters:
        An agent asked to fill a value the reply never shows wastes a lookup, or worse, asks the
        customer for it.
    Bad:
        ```yaml
        placeholders:
          ticket_id: {type: text, description: Case number, example: BR-1234}
        # body never says {{ticket_id}}
        ```
    Good:
        ```yaml
        placeholders: {}
        ```
    """
    for article in ctx.kb.all_articles():
        if article.type != "macro":
            continue
        if article.translation is not None:
            if article.placeholders:
                yield Finding.at(article.path, article.source.key_pos("placeholders"),
                                 "a translation declares placeholders",
                                 "declare placeholders on the source; remove them here")
            continue
        used = set(article.slots)
        for p in article.placeholders:
            if p.name not in used:
                yield Finding.at(article.path, article.source.key_pos("placeholders", p.name),
                                 f"placeholder `{p.name}` is declared but not used",
                                 f"remove it, or use `{{{{{p.name}}}}}` in the reply")
