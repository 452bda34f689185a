"""The tree walker in Chromium on the real site: clicking to outcomes, going back, the walk in the
address, the case note on the clipboard, keyboard use, instant navigation, and the JavaScript
port of the branch semantics against kb.walk."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import pytest
from browser_support import REPO, Served, Web, answer, value_text

from kb.casetest import CaseResult, run_cases
from kb.loader import load, load_config
from kb.model import KnowledgeBase, Tree
from kb.when import holds as branch_holds

pytestmark = pytest.mark.browser

KB: KnowledgeBase = load(load_config(REPO)).kb
RESULTS = run_cases(KB).results


def deepest_case(tree_id: str) -> CaseResult:
    """The passing labeled case of a tree with the longest walk (the first by id on a tie)."""
    cases = [r for r in RESULTS if r.tree == tree_id and r.passed]
    assert cases, f"tree {tree_id} has passing labeled cases"
    return sorted(cases, key=lambda r: (-len(r.walk.steps), r.case.id))[0]


TREE_IDS = sorted(t.id for t in KB.trees.values() if any(r.tree == t.id for r in RESULTS))
MAIN_TREE = "upi-debited-not-credited" if "upi-debited-not-credited" in TREE_IDS else TREE_IDS[0]


# --- helpers ------------------------------------------------------------------------------------


def answer_text(tree: Tree, fact_id: str, value: object) -> str:
    fact = tree.facts[fact_id]
    if fact.type == "boolean":
        return "Yes" if value else "No"
    if fact.type == "choice":
        assert isinstance(value, str) and value in fact.labels, "shipped options carry labels"
        return fact.labels[value]
    return value_text(value) + (f" {fact.unit}" if fact.type == "number" and fact.unit else "")


def walk_hash(steps: list[tuple[str, object]]) -> str:
    return "#walk=" + ",".join(f"{quote(f, safe='')}:{quote(value_text(v), safe='/')}"
                               for f, v in steps)


def tree_path(tree_id: str) -> str:
    return f"trees/{tree_id}/"


def current_fact(web: Web) -> str:
    fact = web.page.locator(".kb-walker-question").get_attribute("data-fact")
    assert fact is not None
    return fact


def walk_case(web: Web, result: CaseResult) -> None:
    for step in result.walk.steps:
        assert current_fact(web) == step.fact
        answer(web.page, step.value)


def path_texts(web: Web) -> list[str]:
    return [t.strip() for t in web.page.locator(".kb-walker-step-answer").all_inner_texts()]


def expected_path(tree: Tree, result: CaseResult, upto: int | None = None) -> list[str]:
    return [answer_text(tree, s.fact, s.value) for s in result.walk.steps[:upto]]


def outcome_heading(web: Web) -> str:
    return " ".join(web.page.locator(".kb-walker-outcome h3").inner_text().split())


# --- walking --------------------------------------------------------------------------------------


@pytest.mark.parametrize("tree_id", TREE_IDS)
def test_walk_by_clicking_reaches_the_labeled_outcome(web: Web, tree_id: str) -> None:
    tree = KB.trees[tree_id]
    result = deepest_case(tree_id)
    page = web.goto(tree_path(tree_id))
    walk_case(web, result)
    outcome = tree.nodes[result.walk.outcome].outcome
    assert outcome is not None
    assert outcome_heading(web) == f"Outcome: {outcome.title}"
    section = page.locator(".kb-walker-outcome")
    assert section.locator(".kb-walker-resolution").inner_text() == outcome.resolution
    # who handles it, in words; the value stays on the element for tools
    assert section.locator(".kb-walker-handler").get_attribute("data-value") == \
        outcome.handled_by
    assert "ai" not in section.locator(".kb-walker-handler").inner_text().split()
    if outcome.queue:
        assert section.locator(".kb-walker-queue").inner_text() == outcome.queue
    if outcome.sla_hours is not None:
        assert section.locator(".kb-walker-sla").inner_text().startswith(
            value_text(outcome.sla_hours) + " hour")
    if outcome.guidance:
        guidance = " ".join(section.locator(".kb-walker-guidance").inner_text().split())
        assert " ".join(outcome.guidance.split()[:4]) in guidance.replace("*", "")
    # focus moved to the outcome, for keyboard and screen-reader users
    assert page.evaluate("document.activeElement.closest('.kb-walker-outcome') !== null")
    # the path is listed in words and kept in the address
    assert path_texts(web) == expected_path(tree, result)
    steps = [(s.fact, s.value) for s in result.walk.steps]
    assert page.url == web.url(tree_path(tree_id)) + walk_hash(steps)
    # the diagram marks where the walk ended
    current = page.locator("svg.kb-tree-svg .kb-node.kb-current")
    assert current.get_attribute("data-node") == result.walk.outcome


def test_outcome_links_to_the_article_section(web: Web) -> None:
    tree = KB.trees[MAIN_TREE]
    result = deepest_case(MAIN_TREE)
    page = web.goto(tree_path(MAIN_TREE))
    walk_case(web, result)
    outcome = tree.nodes[result.walk.outcome].outcome
    assert outcome is not None
    article = KB.articles[outcome.article]
    link = page.locator(".kb-walker-outcome a.kb-walker-article")
    assert article.meta.title in link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().replace("\u00b6", "").strip() == \
        article.meta.title
    if outcome.anchor:
        assert page.url.endswith("#" + outcome.anchor)
        assert page.locator(f"[id='{outcome.anchor}']").count() == 1


def test_back_a_step_and_to_an_earlier_step(web: Web) -> None:
    tree = KB.trees[MAIN_TREE]
    result = deepest_case(MAIN_TREE)
    steps = result.walk.steps
    assert len(steps) >= 3, "the main tree's deepest case asks at least three questions"
    page = web.goto(tree_path(MAIN_TREE))
    walk_case(web, result)
    assert page.locator(".kb-walker-outcome").count() == 1

    page.get_by_role("button", name="Back", exact=True).click()
    assert page.locator(".kb-walker-outcome").count() == 0
    assert current_fact(web) == steps[-1].fact
    assert path_texts(web) == expected_path(tree, result, -1)
    assert page.url.endswith(walk_hash([(s.fact, s.value) for s in steps[:-1]]))
    assert page.evaluate("document.activeElement.closest('.kb-walker-question') !== null")

    # an earlier step is a button that asks its question again
    page.locator(".kb-walker-step").nth(1).click()
    assert current_fact(web) == steps[1].fact
    assert path_texts(web) == expected_path(tree, result, 1)

    # the browser's own back button returns to the walk before that change
    page.go_back()
    page.wait_for_function("document.querySelectorAll('.kb-walker-step').length === "
                           f"{len(steps) - 1}")
    assert current_fact(web) == steps[-1].fact

    page.get_by_role("button", name="Start over").click()
    assert path_texts(web) == []
    assert current_fact(web) == steps[0].fact
    assert page.get_by_role("button", name="Back", exact=True).is_disabled()


def test_reload_and_shared_link_restore_the_walk(web: Web, browser: Any, site: Served) -> None:
    tree = KB.trees[MAIN_TREE]
    result = deepest_case(MAIN_TREE)
    page = web.goto(tree_path(MAIN_TREE))
    walk_case(web, result)
    heading = outcome_heading(web)
    url = page.url
    assert "#walk=" in url

    page.reload()
    assert outcome_heading(web) == heading
    assert path_texts(web) == expected_path(tree, result)

    # a half-walked link opens on the next question
    partial = web.url(tree_path(MAIN_TREE)) + walk_hash(
        [(s.fact, s.value) for s in result.walk.steps[:2]])
    other = web.context.new_page()
    other.goto(partial)
    assert other.locator(".kb-walker-question").get_attribute("data-fact") == \
        result.walk.steps[2].fact
    assert len(other.locator(".kb-walker-step").all()) == 2
    other.close()


def test_a_link_with_a_wrong_answer_says_what_it_ignored(web: Web) -> None:
    tree = KB.trees[MAIN_TREE]
    first = tree.nodes[tree.start]
    page = web.goto(tree_path(MAIN_TREE) + f"#walk={first.ask}:not-a-value")
    assert "Ignored from the link" in page.locator(".kb-walker-notice").inner_text()
    assert current_fact(web) == first.ask


def test_number_answers_are_checked(web: Web) -> None:
    tree_id, result, index = next(
        (r.tree, r, i) for r in RESULTS if r.passed for i, s in enumerate(r.walk.steps)
        if KB.trees[r.tree].facts[s.fact].type == "number"
        and KB.trees[r.tree].facts[s.fact].min is not None)
    fact = KB.trees[tree_id].facts[result.walk.steps[index].fact]
    assert fact.min is not None
    before = [(s.fact, s.value) for s in result.walk.steps[:index]]
    page = web.goto(tree_path(tree_id) + walk_hash(before))
    assert current_fact(web) == fact.id
    field = page.locator(".kb-walker-question input[type=number]")
    assert field.get_attribute("min") == value_text(fact.min)
    field.fill(value_text(fact.min - 1))
    page.keyboard.press("Enter")
    assert "Enter a number" in page.locator(".kb-walker-error").inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    assert current_fact(web) == fact.id
    field.fill(value_text(result.walk.steps[index].value))
    page.keyboard.press("Enter")
    assert len(path_texts(web)) == index + 1


def test_copy_case_note_puts_the_walk_on_the_clipboard(web: Web) -> None:
    tree = KB.trees[MAIN_TREE]
    result = deepest_case(MAIN_TREE)
    web.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                  origin=web.url().rstrip("/"))
    page = web.goto(tree_path(MAIN_TREE))
    walk_case(web, result)
    page.get_by_role("button", name="Copy case note").click()
    page.wait_for_function("document.querySelector('.kb-walker-copy-status')"
                           ".textContent.includes('copied')")
    note = page.evaluate("navigator.clipboard.readText()")

    outcome = tree.nodes[result.walk.outcome].outcome
    assert outcome is not None
    article = KB.articles[outcome.article]
    heading = next((h.text for h in article.body.headings if h.anchor == outcome.anchor), "")
    href = page.locator(".kb-walker-outcome a.kb-walker-article").get_attribute("href")
    article_url = page.evaluate("(h) => new URL(h, location.href).href", href)
    assert article_url.startswith(web.url())
    assert article_url.endswith(f"#{outcome.anchor}" if outcome.anchor else "/")
    first, _, rest = note.partition("\n")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d \u00b7 " + re.escape(tree.meta.title), first)
    expected = [f"- {tree.facts[s.fact].question} {answer_text(tree, s.fact, s.value)}"
                for s in result.walk.steps]
    expected.append(f"Outcome: {outcome.title}")
    extra = []
    if outcome.queue:
        extra.append(f"Queue: {outcome.queue}")
    if outcome.sla_hours is not None:
        hours = value_text(outcome.sla_hours)
        extra.append(f"SLA: {hours} {'hour' if hours == '1' else 'hours'}")
    if extra:
        expected.append("; ".join(extra))
    if outcome.deadline is not None:
        # the date depends on today (tests/browser/test_outcome_first.py fixes today)
        due = re.escape(outcome.deadline.label) + r": \d{4}-\d\d-\d\d \(T\+\d+, T = " \
            r"\d{4}-\d\d-\d\d\)"
        line = next(line for line in rest.splitlines() if line.startswith(outcome.deadline.label))
        assert re.fullmatch(due, line), line
        expected.append(line)
    if outcome.macro:
        expected.append(f"Reply: {KB.articles[outcome.macro].meta.title}")
    expected.append(f"Article: {article.meta.title}"
                    + (f" \u203a {heading}" if heading else "") + f" {article_url}")
    expected.append(f"Walk: {page.url}")
    assert rest == "\n".join(expected) + "\n"


def test_keyboard_only_walk(web: Web) -> None:
    tree = KB.trees[MAIN_TREE]
    result = deepest_case(MAIN_TREE)
    page = web.goto(tree_path(MAIN_TREE))
    first = result.walk.steps[0]
    # the answers are real buttons, reachable with Tab and pressed with Enter or Space
    page.locator(f'.kb-walker-question button[data-value="{value_text(first.value)}"]').focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "H3"
    assert page.evaluate("document.activeElement.closest('.kb-walker-question') !== null")
    second = result.walk.steps[1]
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.tagName, "
                                "document.activeElement.getAttribute('data-value') || '']")
        if focused[0] == "INPUT" or focused[1] == value_text(second.value):
            break
    if focused[0] == "INPUT":
        page.keyboard.type(value_text(second.value))
        page.keyboard.press("Enter")
    else:
        page.keyboard.press("Space")
    assert path_texts(web) == expected_path(tree, result, 2)


def test_walker_works_with_instant_navigation(instant_web: Web) -> None:
    web = instant_web
    tree = KB.trees[MAIN_TREE]
    result = deepest_case(MAIN_TREE)
    page = web.goto("trees/")
    page.wait_for_load_state("networkidle")  # Material has read sitemap.xml
    page.evaluate("window.kbSamePage = true")  # survives instant navigation, not a page load
    page.locator(f"article a[href$='{MAIN_TREE}/']").first.click()
    page.wait_for_url(f"**/{tree_path(MAIN_TREE)}")
    page.locator(".kb-walker-question").wait_for()
    assert page.evaluate("window.kbSamePage") is True, "the tree page came by instant navigation"
    walk_case(web, result)
    outcome = tree.nodes[result.walk.outcome].outcome
    assert outcome is not None
    assert outcome_heading(web) == f"Outcome: {outcome.title}"
    # a step back inside the walk, then back out of the page and forward again through instant
    # navigation: the walker comes back once, not twice
    for left in range(len(result.walk.steps) - 1, -1, -1):
        page.go_back()
        page.wait_for_function(f"document.querySelectorAll('.kb-walker-step').length === {left}"
                               " && document.querySelector('.kb-walker-question') !== null")
    page.go_back()
    page.wait_for_url("**/trees/")
    page.locator(f"article a[href$='{MAIN_TREE}/']").first.wait_for()
    page.go_forward()
    page.locator(".kb-walker-question").wait_for()
    assert page.evaluate("window.kbSamePage") is True
    assert page.locator(".kb-walker-app").count() == 1
    assert path_texts(web) == []


# --- the JavaScript port of the branch semantics ------------------------------------------------


VALUES: list[Any] = [True, False, 0, 1, 1.0, 2, 4.5, 48, 48.0, 72, -1, "a", "b", "1", "true",
                     None]
WHENS: list[Any] = [True, False, 1, 48, 4.5, "a", "1", [True], ["a", "b"], [1, "a"], [],
                    {"lt": 48}, {"lte": 48}, {"gt": 1, "lt": 48}, {"gte": 1.0}, {},
                    {"lt": "48"}, {"eq": 1}, {"lt": True}]


def test_js_branch_semantics_equal_kb_walk(web: Web) -> None:
    page = web.goto(tree_path(MAIN_TREE))
    pairs = list(itertools.product(WHENS, VALUES))
    got = page.evaluate("(pairs) => pairs.map(([w, v]) => window.kbWalker.branchHolds(w, v))",
                        [[w, v] for w, v in pairs])
    expected = [branch_holds(w, v) for w, v in pairs]
    mismatches = [(w, v, g) for (w, v), g, e in zip(pairs, got, expected, strict=True) if g != e]
    assert mismatches == []


def test_js_walk_equals_kb_test_on_every_labeled_case(web: Web) -> None:
    for tree_id in TREE_IDS:
        page = web.goto(tree_path(tree_id))
        cases = [r for r in RESULTS if r.tree == tree_id]
        walks: list[Mapping[str, Any]] = page.evaluate(
            """(cases) => {
                 const [tree] = JSON.parse(
                   document.querySelector('script.kb-walker-data').textContent);
                 return cases.map((facts) => window.kbWalker.walk(tree, facts));
               }""",
            [json.loads(json.dumps(dict(r.case.facts), default=str)) for r in cases])
        for result, js in zip(cases, walks, strict=True):
            assert js["outcome"] == result.walk.outcome, (tree_id, result.case.id)
            assert [s["node"] for s in js["steps"]] == [s.node for s in result.walk.steps]
            assert [s["branch"] for s in js["steps"]] == [s.branch for s in result.walk.steps]


# --- safety policies ------------------------------------------------------------------------------


def test_an_answer_that_raises_a_signal_shows_the_policy_notice(web: Web) -> None:
    tree = KB.trees["account-takeover-sim-swap"]
    policy = KB.policies["account-takeover"]
    page = web.goto(tree_path(tree.id))
    answer(web.page, "suspicious-call-or-message")  # raises nothing
    assert page.locator(".kb-walker-signal").count() == 0
    assert current_fact(web) == "shared_secret"
    answer(web.page, True)  # shared an OTP or PIN: raises account-takeover
    notice = page.locator(".kb-walker-signal")
    assert notice.count() == 1
    assert notice.get_attribute("role") == "alert"
    text = " ".join(notice.inner_text().split())
    assert f"Safety policy: {policy.title}." in text
    assert "account-takeover signal" in text and "fraud-response within 4 hours" in text
    # focus stays on the next question; the notice is the next stop for the keyboard
    assert current_fact(web) == "in_control"
    page.keyboard.press("Shift+Tab")
    for _ in range(12):
        if page.evaluate("document.activeElement.classList.contains('kb-walker-signal')"):
            break
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.classList.contains('kb-walker-signal')")
    # going back past the answer takes the notice away
    page.locator(".kb-walker-back").click()
    assert page.locator(".kb-walker-signal").count() == 0
