"""The shipped knowledge base: clean under strict lint, every case passing, coverage complete,
and any single planted error caught."""

from __future__ import annotations

import io
import shutil
from collections import Counter
from pathlib import Path

import pytest

from kb.casetest import run_cases
from kb.cli import main
from kb.loader import load, load_config
from kb.model import KnowledgeBase, resolve_relative
from kbtest import REPO, load_and_lint


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(load_config(REPO)).kb


def test_strict_lint_and_every_case_pass() -> None:
    assert main(["--root", str(REPO), "lint", "--strict"], out=io.StringIO()) == 0
    out = io.StringIO()
    assert main(["--root", str(REPO), "test", "--strict-coverage"], out=out) == 0, out.getvalue()


def test_every_outcome_and_branch_has_a_labeled_case(kb: KnowledgeBase) -> None:
    report = run_cases(kb)
    assert report.failures == []
    for tree_id, cov in report.coverage.items():
        assert cov.unreached_outcomes() == [], tree_id
        assert cov.untaken_branches() == [], tree_id
        assert cov.cases >= 15, tree_id
    assert len(report.results) >= 266


def test_trees_cover_the_case_types_and_sizes(kb: KnowledgeBase) -> None:
    assert len(kb.trees) >= 15
    assert {"upi-autopay-mandate", "upi-lite-balance-stuck", "pix-automatico-dispute",
            "account-blocked", "merchant-settlement-delay", "periodic-rekyc",
            "data-subject-request"} <= set(kb.trees)
    for tree in kb.trees.values():
        assert 6 <= len(tree.nodes) <= 30, tree.id
        handlers = {n.outcome.handled_by for n in tree.outcomes() if n.outcome}
        assert handlers == {"ai", "specialist"}, tree.id
    fact_types = {f.type for t in kb.trees.values() for f in t.facts.values()}
    assert fact_types == {"boolean", "choice", "number"}


def test_a_third_of_cases_are_double_annotated_and_some_disagree(kb: KnowledgeBase) -> None:
    cases = [c for s in kb.case_sets for c in s.cases]
    double = [c for c in cases if len(c.annotations) >= 2]
    disagreeing = [c for c in double if len({a.outcome for a in c.annotations}) > 1]
    assert len(double) * 3 >= len(cases)
    assert disagreeing


def test_article_mix(kb: KnowledgeBase) -> None:
    articles = list(kb.all_articles())
    kinds = Counter(a.type for a in articles)
    assert len(articles) >= 115
    assert kinds["macro"] >= 59
    assert kinds["troubleshooting"] >= 12 and kinds["policy"] >= 15
    assert sum(a.meta.visibility == "restricted" for a in articles) >= 3
    deprecated = [a for a in articles if a.meta.status == "deprecated"]
    assert len(deprecated) >= 2 and all(a.meta.superseded_by in kb.articles for a in deprecated)
    assert {"policy", "procedure", "troubleshooting", "reference", "macro"} <= set(kinds)


def test_policy_and_payments_reference_articles_carry_dated_sources(kb: KnowledgeBase) -> None:
    needing = [a for a in kb.all_articles()
               if a.meta.status != "deprecated" and (a.type == "policy" or (
                   a.type == "reference" and not a.path.startswith("docs/authoring/")))]
    assert len(needing) >= 25
    unsourced = [a.path for a in needing if not a.sources]
    assert unsourced == []
    undated = [a.path for a in needing for s in a.sources if s.checked is None]
    assert undated == []


def test_every_article_is_linked_from_its_section_index(kb: KnowledgeBase) -> None:
    linked = {resolve_relative(page.path, link.target)
              for page in kb.section_pages for link in page.body.links if not link.is_external}
    orphans = [a.path for a in kb.all_articles() if a.path not in linked]
    assert orphans == []
    sections = {Path(p.path).parent.name for p in kb.section_pages}
    assert {"upi", "pix", "cards", "refunds", "security", "compliance", "replies",
            "authoring"} <= sections


# Each plant: (file, text to find, replacement, the rule that must catch it)
TREE = "decision_trees/upi-wrong-recipient.yaml"
CASES = "decision_trees/upi-wrong-recipient.cases.yaml"
ARTICLE = "docs/upi/failed-debit.md"
CHECKS = "## First checks"
PLANTS = [
    (TREE, "status: published", "status: published\nstatus: draft", "KB005"),
    (TREE, "start: ", "start: &s ", "KB006"),
    (TREE, "      - when: success\n", "      - when: yes\n", "KB104"),
    (TREE, "owner: ", "owner: nobody-", "KB105"),
    (TREE, "#what-the-customer-sees", "#what-the-customer-said", "KB204"),
    (TREE, "        next: scam-report", "        next: scam-reprot", "KB302"),
    (TREE, "      - when: tricked\n        next: scam-report\n", "", "KB308"),
    (CASES, "expected: use-debited-not-credited", "expected: somewhere-else", "KB402"),
    (CASES, "payment_status: pending", "payment_status: lost", "KB403"),
    (ARTICLE, CHECKS, CHECKS + "\n\nCall us on +91 98765 43210.", "KB605"),
    (ARTICLE, CHECKS, CHECKS + "\n\n<script>alert(1)</script>", "KB601"),
    (ARTICLE, CHECKS, CHECKS + "\n\nWrite to someone@gmail.com.", "KB606"),
    (ARTICLE, "reviewed: ", "reviewed: 2020-01-01\nold_reviewed: ", "KB101"),
]


@pytest.mark.parametrize(("rel", "find", "replace", "code"), PLANTS,
                         ids=[f"{p[3]}-{Path(p[0]).stem}" for p in PLANTS])
def test_planting_one_error_fails_lint(tmp_path: Path, rel: str, find: str, replace: str,
                                       code: str) -> None:
    root = tmp_path / "kb"
    for name in ("docs", "decision_trees"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert find in text, f"the plant no longer matches {rel}"
    path.write_text(text.replace(find, replace, 1), encoding="utf-8")
    _, result = load_and_lint(root)
    assert result.exit_code() == 1
    assert code in {d.code for d in result.diagnostics if d.path == rel}, \
        [d.format() for d in result.diagnostics]


def test_the_shipped_policies_send_every_risk_to_a_person_in_time(kb: KnowledgeBase) -> None:
    """Takeover, fraud loss, coercion and regulatory complaints: each raised by some fact and
    each requiring a specialist within hours (`kb lint --strict` above proves the trees)."""
    assert set(kb.policies) == {"account-takeover", "fraud-loss", "coercion",
                                "regulatory-complaint"}
    raised = {s.id for t in kb.trees.values() for f in t.facts.values() for s in f.signals}
    assert raised == set(kb.policies)
    for policy in kb.policies.values():
        assert policy.handled_by == ("specialist",) and policy.resolutions == ("escalate",)
        assert policy.max_sla_hours is not None and policy.max_sla_hours <= 24
    for signal in ("account-takeover", "fraud-loss", "coercion"):
        policy = kb.policies[signal]
        assert policy.queues == ("fraud-response",) and (policy.max_sla_hours or 99) <= 4
