"""The "Safety policies" page: each policy, why it exists, which trees and facts raise its
signal, and whether `kb lint` proves it over every path of each of them."""

from __future__ import annotations

from collections.abc import Iterator

from kb.lint.rules.policies.proof import Breach, breaches, unasked
from kb.lint.runner import LintContext
from kb.model import KnowledgeBase, Policy, Tree
from kb.pages import GeneratedPage, page_generator
from kb.pages.indexes import POLICIES_PAGE, page_href, tree_page
from kb.when import as_words

__all__ = ["POLICIES_PAGE", "policies_markdown"]


@page_generator
def policies_page(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    if kb.policy_set is not None:
        yield GeneratedPage(POLICIES_PAGE, policies_markdown(kb))


def policies_markdown(kb: KnowledgeBase) -> str:
    """The whole page: one section per policy, in id order."""
    ctx = LintContext(kb, kb.config.judged_on())
    found: dict[str, list[Breach]] = {}
    for tree in kb.trees.values():
        for b in (*breaches(tree, ctx), *unasked(tree, ctx)):
            found.setdefault(f"{tree.id}/{b.policy.id}", []).append(b)
    lines = ["# Safety policies", "",
             "A fact of a decision tree may raise a named **risk signal** for some of its "
             "answers. Each policy below says what every outcome reached with its signal "
             "raised must be; `kb lint` proves it over every path of every tree (rules "
             "KB701-KB705), and `kb eval --fail-under policy_breaches=0` holds agents to it. "
             "The SLA maxima are the team's operational choice, not regulatory deadlines.", ""]
    for policy_id in sorted(kb.policies):
        lines += _policy(kb, kb.policies[policy_id], found)
    return "\n".join(lines)


def _policy(kb: KnowledgeBase, policy: Policy, found: dict[str, list[Breach]]) -> list[str]:
    lines = [f"## {policy.title}", "", f"Signal `{policy.id}`.", "", policy.why.strip(), "",
             "Every outcome reached with this signal raised:", ""]
    lines += [f"- {rule}" for rule in _requirements(policy)] or ["- (no requirement)"]
    lines.append("")
    rows = [(tree, fact.id, as_words(fact.id, s.when))
            for tree in sorted(kb.trees.values(), key=lambda t: t.id)
            for fact in tree.facts.values() for s in fact.signals if s.id == policy.id]
    if not rows:
        return [*lines, "No fact of any tree raises this signal yet.", ""]
    lines += ["| Tree | Fact | Raised when | Proof |", "| --- | --- | --- | --- |"]
    for tree, fact_id, when in rows:
        href = page_href(kb, POLICIES_PAGE, tree_page(tree.id))
        link = f"[{_cell(tree.meta.title or tree.id)}]({href})"
        lines.append(f"| {link} | `{fact_id}` | {_cell(when)} | "
                     f"{_proof(tree, found.get(f'{tree.id}/{policy.id}', []))} |")
    lines.append("")
    return lines


def _requirements(policy: Policy) -> list[str]:
    found: list[str] = []
    if policy.resolutions:
        found.append("resolution: " + " or ".join(f"`{r}`" for r in policy.resolutions))
    if policy.handled_by:
        found.append("handled by: " + " or ".join(f"`{h}`" for h in policy.handled_by))
    if policy.queues:
        found.append("queue: " + " or ".join(f"`{q}`" for q in policy.queues))
    if policy.max_sla_hours is not None:
        hours = "hour" if policy.max_sla_hours == 1 else "hours"
        found.append(f"SLA: at most {policy.max_sla_hours:g} {hours}")
    if policy.ask_before_ai:
        found.append("asked before any outcome the AI handles")
    return found


def _proof(tree: Tree, found: list[Breach]) -> str:
    if not found:
        return "proved on every path"
    outcomes = sorted({b.outcome for b in found})
    return "**not proved**: " + ", ".join(f"`{o}`" for o in outcomes)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
