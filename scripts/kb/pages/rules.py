"""The lint rules reference page, generated from the rules' own docstrings.

The page is the registry rendered: one entry per rule with its code, name, severity and family,
then every heading section of its docstring in the order written. A rule added to the registry
appears here with no other change; a test checks that every rule does.
"""

from __future__ import annotations

from collections.abc import Iterator

from markdown.extensions.toc import slugify

from kb.lint.registry import DOC_HEADINGS, FAMILIES, Rule, all_rules
from kb.model import KnowledgeBase
from kb.pages import GeneratedPage, page_generator
from kb.pages.indexes import RULES_PAGE

__all__ = ["rule_anchor", "rules_markdown"]


def rule_anchor(rule: Rule) -> str:
    """The anchor of a rule's heading on the reference page (`kb101-unknown-key`)."""
    anchor: str = slugify(_heading(rule), "-")
    return anchor


@page_generator
def rules_page(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    yield GeneratedPage(RULES_PAGE, rules_markdown(all_rules()))


def rules_markdown(rules: list[Rule]) -> str:
    """The whole reference page for `rules` (sorted by code by the caller)."""
    lines = [
        "# Lint rules",
        "",
        "`kb lint` checks every article, decision tree and case file against these rules, and "
        "`kb build` and the site build refuse to publish while any **error** remains. "
        "A **warning** fails only strict runs (`kb lint --strict`, `mkdocs build --strict`). "
        "Each diagnostic reads `path:line:col: CODE message`, with a hint.",
        "",
        "This page is generated from the rules' own documentation, so it always matches the "
        "linter that produced your diagnostic.",
        "",
        "| Code | Name | Severity | Family | Summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rules:
        lines.append(f"| [{r.code}](#{rule_anchor(r)}) | `{r.name}` | {_severity(r)} "
                     f"| {r.family} | {_cell(r.summary)} |")
    for family, members in _by_family(rules):
        lines += ["", f"## {family}", ""]
        for r in members:
            lines += _rule_entry(r)
    lines.append("")
    return "\n".join(lines)


def _heading(rule: Rule) -> str:
    return f"{rule.code} {rule.name}"


def _rule_entry(rule: Rule) -> list[str]:
    lines = [f"### {_heading(rule)}", "",
             f"**Severity:** {_severity(rule)} · **Family:** {rule.family} · "
             f"**Code:** `{rule.code}` · **Name:** `{rule.name}`", ""]
    if rule.summary:
        lines += [rule.summary, ""]
    sections = rule.sections()
    ordered = [h for h in DOC_HEADINGS if h in sections]
    ordered += [h for h in sections if h not in DOC_HEADINGS]
    for heading in ordered:
        lines += [f"**{heading}**", "", sections[heading].strip() or "(empty)", ""]
    return lines


def _by_family(rules: list[Rule]) -> list[tuple[str, list[Rule]]]:
    groups: dict[str, list[Rule]] = {}
    for r in rules:
        prefix = r.code[:3]
        title = f"{r.family} ({prefix}xx)" if prefix in FAMILIES else r.family
        groups.setdefault(title, []).append(r)
    return list(groups.items())


def _severity(rule: Rule) -> str:
    return str(rule.severity) if rule.severity is not None else "error"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
