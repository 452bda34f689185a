"""Every rule: its failing fixture fails at the expected positions, its passing fixture is clean.

Fixtures are data files `tests/fixtures/rules/<CODE>.yaml`, each overlaid on the minimal valid
knowledge base in `tests/fixtures/rules/_base/`:

    fail:
      files: {<path>: <text>, ...}      # written over the base (null deletes a base file)
      expect: [<path>:<line>:<col>, ...] # exactly where the rule must report
    pass:
      files: {...}                       # the same content, fixed
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb.diagnostics import Severity
from kb.lint.registry import DOC_HEADINGS, all_rules
from kbtest import FIXTURES, REPO, load_and_lint, make_kb

RULE_FIXTURES = FIXTURES / "rules"
RULES = all_rules()


def _fixture(code: str) -> dict[str, dict[str, object]]:
    path = RULE_FIXTURES / f"{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and {"fail", "pass"} <= set(data), f"{path}: needs fail and pass"
    return data


@pytest.mark.parametrize("code", [r.code for r in RULES])
def test_rule_fails_on_its_failing_fixture(code: str, tmp_path: Path) -> None:
    fixture = _fixture(code)["fail"]
    root = make_kb(tmp_path, fixture["files"])  # type: ignore[arg-type]
    _, result = load_and_lint(root)
    found = sorted(f"{d.path}:{d.line}:{d.col}" for d in result.diagnostics if d.code == code)
    expected = sorted(str(e) for e in fixture["expect"])  # type: ignore[union-attr]
    assert found == expected, [d.format() for d in result.diagnostics]


@pytest.mark.parametrize("code", [r.code for r in RULES])
def test_rule_passes_on_its_passing_fixture(code: str, tmp_path: Path) -> None:
    fixture = _fixture(code)["pass"]
    root = make_kb(tmp_path, fixture["files"])  # type: ignore[arg-type]
    _, result = load_and_lint(root)
    errors = [d.format() for d in result.diagnostics
              if d.code == code or d.severity is Severity.ERROR]
    assert errors == []


@pytest.mark.parametrize("code", [r.code for r in RULES])
def test_rule_is_documented(code: str) -> None:
    rule = next(r for r in RULES if r.code == code)
    sections = rule.sections()
    assert rule.summary, f"{code} has no one-line summary"
    for heading in DOC_HEADINGS:
        assert sections.get(heading), f"{code} docstring lacks '{heading}:'"


def test_every_fixture_names_a_rule() -> None:
    codes = {r.code for r in RULES}
    stray = [p.name for p in RULE_FIXTURES.glob("KB*.yaml") if p.stem not in codes]
    assert stray == []


def test_base_knowledge_base_is_clean(tmp_path: Path) -> None:
    _, result = load_and_lint(make_kb(tmp_path))
    assert [d.format() for d in result.diagnostics] == []


def test_readme_lists_every_rule() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [r.code for r in RULES if f"| `{r.code}` | {r.name} |" not in readme]
    assert missing == [], "add these rules to the README's rule table"
