"""KB520: a policy article names no sources."""

from __future__ import annotations

from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Article


@rule("KB520", "policy-without-sources", scope="article", local=True)
def policy_without_sources(article: Article, ctx: LintContext) -> Iterator[Finding]:
    """A policy article has no `sources` in its front matter.

    What it checks:
        Every policy article that is not deprecated lists at least one entry in `sources`
        (title, type, url or circular, and the date it was `checked`).
    Why it matters:
        A policy states rules and figures that agents apply and specialists defend to
        customers and regulators; without its sources nobody can tell where a number comes
        from or when it was last compared with the regulation or scheme rule.
    Bad:
        ```yaml
        type: policy
        reviewed: 2026-10-01
        ```
    Good:
        ```yaml
        type: policy
        reviewed: 2026-10-01
        sources:
          - title: RBI TAT and compensation framework for failed transactions
            type: regulation
            circular: DPSS.CO.PD No.629/02.01.014/2019-20
            checked: 2026-10-01
        ```
    """
    if article.type != "policy" or article.meta.status == "deprecated" or article.sources:
        return
    yield Finding.at(article.path, article.source.key_pos("type"),
                     "policy article lists no `sources`",
                     "add `sources:` to the front matter: for each regulation or scheme rule "
                     "the article relies on, its title, type, url or circular and the day "
                     "you checked it")
