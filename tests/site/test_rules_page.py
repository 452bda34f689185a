"""The lint rules reference page is generated from the rules' docstrings: every rule is on it."""

from __future__ import annotations

import re

import pytest

from kb.lint.registry import all_rules
from kb.pages.rules import rule_anchor, rules_markdown

PAGE = rules_markdown(all_rules())


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_appears_with_all_its_sections(rule: object) -> None:
    from kb.lint.registry import Rule

    assert isinstance(rule, Rule)
    entry = PAGE[PAGE.index(f"\n### {rule.code} {rule.name}\n"):]
    following = re.search(r"\n### ", entry[1:])
    entry = entry[: following.start() + 1] if following else entry
    assert f"**Severity:** {rule.severity or 'error'}" in entry
    assert f"**Family:** {rule.family}" in entry
    assert rule.summary in entry
    for heading, text in rule.sections().items():
        assert f"**{heading}**" in entry
        assert text.strip() in entry


def test_summary_table_links_every_rule() -> None:
    for rule in all_rules():
        assert f"| [{rule.code}](#{rule_anchor(rule)}) | `{rule.name}` |" in PAGE


def test_rules_are_grouped_by_family_in_code_order() -> None:
    families = re.findall(r"^## (.+)$", PAGE, flags=re.MULTILINE)
    assert families[0].startswith("Loading (KB0xx)")
    codes = re.findall(r"^### (KB\d+) ", PAGE, flags=re.MULTILINE)
    assert codes == sorted(codes) == [r.code for r in all_rules()]


def test_anchors_are_unique() -> None:
    anchors = [rule_anchor(r) for r in all_rules()]
    assert len(anchors) == len(set(anchors))
