"""Safety policies: the proof over every path (KB704, KB705), its witnesses, and bad input."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from kb.config import KbConfig
from kb.lint.registry import get
from kb.lint.rules.policies.paths import paths
from kb.lint.runner import LintContext, run_rules
from kb.loader import load, load_config
from kb.model import (
    START,
    Branch,
    Fact,
    KnowledgeBase,
    Metadata,
    Node,
    Outcome,
    Policy,
    PolicySet,
    Signal,
    Tree,
    YamlDoc,
)
from kb.walk import walk
from kb.when import holds
from kbtest import ROUTING, edit, make_kb, run_cli

POLICY = Policy("risk", "Risk", "Risky cases reach a person fast.", ("escalate",), ("specialist",),
                ("fraud-response",), 4, False, START)

TREE = """\
id: refund
title: Refund triage
summary: Decides whether to wait or escalate a refund.
visibility: internal
status: published
owner: payments-ops-in
reviewed: 2026-10-01
markets: [IN]
products: [upi]
start: arrived
facts:
  arrived:
    question: Has the refund arrived?
    type: boolean
  days:
    question: How many days since the refund was issued?
    type: number
    min: 0
    signals:
      fraud-loss: {gte: 5}
nodes:
  arrived:
    ask: arrived
    branches:
      - {when: true, next: done}
      - {when: false, next: age}
  age:
    ask: days
    branches:
      - {when: {lt: 7}, next: wait}
    default: escalate
  done:
    outcome:
      title: Refund received
      resolution: resolve
      handled_by: ai
      article: guide-refund#timelines
  wait:
    outcome:
      title: Wait for the refund
      resolution: inform
      handled_by: ai
      article: guide-refund#timelines
      macro: reply-refund
  escalate:
    outcome:
      title: Escalate the refund
      resolution: escalate
      handled_by: specialist
      article: guide-refund#escalation
      queue: payments-in-l2
      sla_hours: 24
"""

POLICIES = """\
policies:
  fraud-loss:
    title: Money lost to fraud
    why: A fraud loss needs a specialist within a day.
    resolutions: [escalate]
    handled_by: [specialist]
    queues: [payments-in-l2]
    max_sla_hours: 24
"""


def _kb(tmp_path: Path, tree: str = TREE, policies: str = POLICIES) -> Path:
    return make_kb(tmp_path, {"decision_trees/refund.yaml": tree + ROUTING,
                              "decision_trees/policies.yaml": policies})


def _witness(hint: str) -> dict[str, object]:
    """The witness case at the end of a KB704/KB705 hint, read as the cases file reads it."""
    case = yaml.safe_load(hint[hint.index("- {id: "):])[0]
    assert isinstance(case, dict)
    return case


# --- the witness, end to end ------------------------------------------------------------------


def test_a_breach_fails_with_a_witness_that_kb_test_reproduces(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    code, printed = run_cli(root, "lint")
    assert code == 1
    lines = printed.splitlines()
    at = next(i for i, x in enumerate(lines) if " KB704 " in x)
    line, hint = lines[at], lines[at + 1]
    assert line.startswith("decision_trees/refund.yaml:38:3: KB704 outcome `wait`")
    assert "policy `fraud-loss`" in line and "handled_by `ai` is not `specialist`" in line
    case = _witness(hint)
    assert case["expected"] == "wait" and case["facts"] == {"arrived": False, "days": 5}
    witness = hint[hint.index("- {id: "):]
    cases = root / "decision_trees/refund.cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8") + "  " + witness + "\n", encoding="utf-8")
    code, printed = run_cli(root, "test")
    assert code == 0, printed
    # fixing the tree (days 5 and 6 go to the specialist) makes the proof pass
    edit(root, "decision_trees/refund.yaml", "{lt: 7}", "{lt: 5}")
    code, printed = run_cli(root, "lint", "--strict")
    assert code == 0, printed


def test_infeasible_paths_raise_nothing(tmp_path: Path) -> None:
    """`days` is asked twice: below 48 and then at least 96 is no path at all, so the AI
    outcome behind it is never reached with the signal raised."""
    tree = TREE.replace("      fraud-loss: {gte: 5}", "      fraud-loss: {gte: 96}").replace(
        """  age:
    ask: days
    branches:
      - {when: {lt: 7}, next: wait}
    default: escalate""", """  age:
    ask: days
    branches:
      - {when: {lt: 48}, next: again}
    default: escalate
  again:
    ask: days
    branches:
      - {when: {gte: 96}, next: wait}
    default: done""")
    code, printed = run_cli(_kb(tmp_path, tree), "lint", "--strict")
    assert code == 0, printed


def test_a_fact_the_path_does_not_ask_raises_nothing_but_ask_before_ai_catches_it(
        tmp_path: Path) -> None:
    root = _kb(tmp_path, TREE.replace("{gte: 5}", "{gte: 7}"),
               POLICIES + "    ask_before_ai: true\n")
    code, printed = run_cli(root, "lint")
    assert code == 1
    lines = printed.splitlines()
    found = [i for i, x in enumerate(lines) if " KB70" in x]
    assert len(found) == 1 and " KB705 AI outcome `done`" in lines[found[0]]
    assert _witness(lines[found[0] + 1]) == {"id": "witness-unasked-done",
                                  "description": "reaches done without asking days",
                                  "facts": {"arrived": True}, "expected": "done"}


# --- bad input ----------------------------------------------------------------------------------


def test_a_malformed_policies_file_fails_with_positions_and_exports_nothing(
        tmp_path: Path) -> None:
    policies = POLICIES.replace("max_sla_hours", "max_sla_hour").replace("[payments-in-l2]",
                                                                         "[nowhere]")
    root = _kb(tmp_path, policies=policies)
    out = tmp_path / "out"
    code, printed = run_cli(root, "export", "--out", str(out))
    assert code == 1
    assert "decision_trees/policies.yaml:8:5: KB101 unknown key `max_sla_hour`" in printed
    assert "decision_trees/policies.yaml:7:14: KB703 policy `fraud-loss` allows queue `nowhere`" \
        in printed
    assert "hint:" in printed and "Traceback" not in printed
    assert not out.exists()


def test_a_signal_when_that_does_not_fit_its_fact_is_an_error(tmp_path: Path) -> None:
    root = _kb(tmp_path, TREE.replace("{gte: 5}", "[soon, late]"))
    code, printed = run_cli(root, "lint")
    assert code == 1
    assert "decision_trees/refund.yaml:20:19: KB702 signal `fraud-loss: [soon, late]`" in printed


def test_policies_load_from_the_trees_folder_only(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    kb = load(load_config(root)).kb
    assert kb.policy_set is not None and list(kb.policies) == ["fraud-loss"]
    assert kb.policies["fraud-loss"].max_sla_hours == 24
    assert "policies" not in kb.trees


# --- the property: every witness re-walks to its outcome with the signal raised ---------------

FACT_KINDS = ("boolean", "choice", "number")
OPTIONS = ("a", "b", "c")
THRESHOLDS = (0, 5, 10, 48, 96)


def _random_when(rng: random.Random, fact: Fact) -> object:
    if fact.type == "boolean":
        return rng.choice([True, False])
    if fact.type == "choice":
        picked = rng.sample(OPTIONS, rng.randint(1, 2))
        return picked[0] if len(picked) == 1 else picked
    low, high = sorted(rng.sample(THRESHOLDS, 2))
    return rng.choice([{"lt": low}, {"gte": low}, {"gt": low, "lte": high}, low])


def _random_tree(rng: random.Random) -> Tree:
    facts: dict[str, Fact] = {}
    for i in range(rng.randint(1, 4)):
        kind = rng.choice(FACT_KINDS)
        fact = Fact(f"f{i}", "?", kind, OPTIONS if kind == "choice" else (),
                    0 if kind == "number" else None, None, "", START)
        signals = (Signal("risk", _random_when(rng, fact), START),) if rng.random() < 0.6 else ()
        facts[fact.id] = Fact(fact.id, "?", kind, fact.options, fact.min, None, "", START,
                              signals)
    questions = rng.randint(1, 8)
    outcomes = [f"o{i}" for i in range(rng.randint(2, 5))]
    nodes: dict[str, Node] = {}
    for i in range(questions):
        later = [f"q{j}" for j in range(i + 1, questions)] + outcomes
        fact = rng.choice(list(facts.values()))
        branches = tuple(Branch(_random_when(rng, fact), rng.choice(later), START, b)
                         for b in range(rng.randint(1, 3)))
        nodes[f"q{i}"] = Node(f"q{i}", START, ("nodes", f"q{i}"), ask=fact.id, branches=branches,
                              default=rng.choice(later))
    for o in outcomes:
        escalate = rng.random() < 0.5
        nodes[o] = Node(o, START, ("nodes", o), outcome=Outcome(
            o, "escalate" if escalate else rng.choice(["inform", "resolve"]),
            "specialist" if escalate else "ai", "guide", "", "", "",
            rng.choice(["fraud-response", "payments-in-l2"]) if escalate else "",
            rng.choice([1, 4, 24]) if escalate else None))
    meta = Metadata("t", "", "", "internal", "published", "", None, (), (), (), (), "")
    return Tree("decision_trees/t.yaml", meta, "q0", facts, nodes, YamlDoc(None, {}, {}))


def _grid(fact: Fact) -> list[object]:
    if fact.type == "boolean":
        return [True, False]
    if fact.type == "choice":
        return list(OPTIONS)
    return sorted({max(0.0, t + d) for t in THRESHOLDS for d in (-0.5, 0, 0.5)} | {200})


@seed(20261205)
@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.integers(min_value=0, max_value=2**32))
def test_every_witness_rewalks_to_its_outcome_and_no_breach_is_missed(number: int) -> None:
    rng = random.Random(number)
    tree = _random_tree(rng)
    kb = KnowledgeBase(config=KbConfig(root=Path(".")))
    kb.trees_by_path[tree.path] = kb.trees[tree.id] = tree
    kb.policy_set = PolicySet("decision_trees/policies.yaml", {"risk": POLICY},
                              YamlDoc(None, {}, {}))
    found = run_rules(LintContext(kb, dt.date(2026, 12, 5)), [get("KB704")])
    reported = set()
    for finding in found:
        case = _witness(finding.hint)
        facts = case["facts"]
        assert isinstance(facts, dict)
        walked = walk(tree, facts)
        assert walked.outcome == case["expected"], finding.message
        assert any(holds(s.when, facts[f.id]) for f in tree.facts.values() if f.id in facts
                   for s in f.signals), finding.message
        reported.add(walked.outcome)
    # no breach missed: walks over a grid of values cutting every threshold
    for _ in range(60):
        facts = {f.id: rng.choice(_grid(f)) for f in tree.facts.values()}
        walked = walk(tree, facts)
        asked = {s.fact for s in walked.steps}
        outcome = tree.nodes[walked.outcome].outcome
        assert outcome is not None
        if any(holds(s.when, facts[f]) for f in asked for s in tree.facts[f].signals) \
                and POLICY.breaches(outcome):
            assert walked.outcome in reported, (facts, walked.describe())


def test_merging_branches_do_not_multiply_the_paths_followed() -> None:
    """40 questions, each of whose answers leads to the next: 2**40 walks, and each fact
    raises the same signal; the proof follows a handful of paths per node, not 2**40."""
    facts = {f"f{i}": Fact(f"f{i}", "?", "boolean", (), None, None, "", START,
                           (Signal("risk", True, START),)) for i in range(40)}
    nodes = {f"q{i}": Node(f"q{i}", START, ("nodes", f"q{i}"), ask=f"f{i}", branches=(
        Branch(True, f"q{i + 1}" if i < 39 else "ai", START, 0),
        Branch(False, f"q{i + 1}" if i < 39 else "ai", START, 1))) for i in range(40)}
    nodes["ai"] = Node("ai", START, ("nodes", "ai"), outcome=Outcome(
        "AI", "resolve", "ai", "guide", "", "", "", "", None))
    meta = Metadata("t", "", "", "internal", "published", "", None, (), (), (), (), "")
    tree = Tree("decision_trees/t.yaml", meta, "q0", facts, nodes, YamlDoc(None, {}, {}))
    kb = KnowledgeBase(config=KbConfig(root=Path(".")))
    kb.trees_by_path[tree.path] = kb.trees[tree.id] = tree
    kb.policy_set = PolicySet("decision_trees/policies.yaml", {"risk": POLICY},
                              YamlDoc(None, {}, {}))
    ctx = LintContext(kb, dt.date(2026, 12, 5))
    assert len(paths(tree, ctx)) == 2  # reached with the signal raised, and without
    found = run_rules(ctx, [get("KB704")])
    assert len(found) == 1 and _witness(found[0].hint)["expected"] == "ai"
