"""The outcome first, on a laptop and on a phone: after the last answer the walker brings the
outcome to the top of the window with the next step in words, the deadline as a date computed
from the answers and today (fixed here with `?kb-today=`), the reply with its placeholders
marked and filled where the walk knows them, and the two copy buttons, all above the fold."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browser_support import REPO, Web, answer

from kb.loader import load, load_config
from kb.macros import reply_markdown
from kb.pages.trees import reply_text

pytestmark = pytest.mark.browser

KB = load(load_config(REPO)).kb
TREE = "upi-debited-not-credited"
SIZES = [(1366, 900), (390, 844)]
#: a merchant payment made three days before 2 Dec 2026, debited, failed, not reversed yet
MERCHANT_DAY_3 = [("app_status", "failed"), ("debited", "true"),
                  ("reversal_status", "not-reversed"), ("payment_type", "merchant"),
                  ("days_since_payment", "3")]
TODAY = "2026-12-02"
#: what must be on screen without scrolling once the outcome shows
ABOVE_THE_FOLD = (".kb-walker-outcome h3", ".kb-walker-next-action", ".kb-walker-deadline",
                  ".kb-walker-copy-reply", ".kb-walker-copy-button", ".kb-walker-reply")


def walk_by_clicking(web: Web, answers: list[tuple[str, str]], today: str = TODAY) -> None:
    page = web.goto(f"trees/{TREE}/?kb-today={today}")
    for _, value in answers:
        answer(page, value)
    page.locator(".kb-walker-outcome").wait_for()


def assert_above_the_fold(web: Web) -> None:
    page = web.page
    page.wait_for_function("window.scrollY > 0")  # the outcome was scrolled to, not left below
    height = page.evaluate("window.innerHeight")
    for selector in ABOVE_THE_FOLD:
        box = page.evaluate(
            "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
            " return [r.top, r.bottom]; }", selector)
        assert box[0] >= 0 and box[1] <= height, f"{selector} at {box}, window {height} high"


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["laptop", "phone"])
def test_the_outcome_shows_above_the_fold_after_the_last_answer(web: Web, width: int,
                                                                  height: int) -> None:
    web.page.set_viewport_size({"width": width, "height": height})
    walk_by_clicking(web, MERCHANT_DAY_3)
    assert_above_the_fold(web)
    page = web.page
    next_action = page.locator(".kb-walker-next-action").inner_text()
    assert next_action.startswith("Next: Send the customer the reply below")
    assert "handled by" not in next_action.lower()


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["laptop", "phone"])
def test_a_shared_link_opens_on_the_outcome(web: Web, width: int, height: int) -> None:
    web.page.set_viewport_size({"width": width, "height": height})
    walk = ",".join(f"{fact}:{quote(value)}" for fact, value in MERCHANT_DAY_3)
    web.goto(f"trees/{TREE}/?kb-today={TODAY}#walk={walk}")
    web.page.locator(".kb-walker-outcome").wait_for()
    assert_above_the_fold(web)


def test_the_deadline_is_a_date_from_the_answers_and_today(web: Web) -> None:
    walk_by_clicking(web, MERCHANT_DAY_3)
    deadline = web.page.locator(".kb-walker-deadline")
    # T = 29 Nov (3 days before 2 Dec); a merchant payment is due back by T+5
    assert deadline.inner_text() == "Reversal due on Fri 4 Dec 2026 (T+5): in 2 days"
    assert deadline.get_attribute("data-due") == "2026-12-04"


def test_a_person_to_person_payment_is_due_the_next_day(web: Web) -> None:
    p2p_today = [(f, "p2p" if f == "payment_type" else "0" if f == "days_since_payment" else v)
                 for f, v in MERCHANT_DAY_3]
    walk_by_clicking(web, p2p_today)
    assert web.page.locator(".kb-walker-deadline").inner_text() == \
        "Reversal due on Thu 3 Dec 2026 (T+1): in 1 day"


def test_copy_reply_puts_the_filled_reply_on_the_clipboard(web: Web) -> None:
    web.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                  origin=web.url().rstrip("/"))
    walk_by_clicking(web, MERCHANT_DAY_3)
    page = web.page
    page.get_by_role("button", name="Copy reply").click()
    page.wait_for_function("document.querySelector('.kb-walker-copy-status')"
                           ".textContent.includes('Reply copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    outcome = KB.trees[TREE].nodes["wait-for-reversal"].outcome
    assert outcome is not None and outcome.deadline is not None
    expected = reply_text(reply_markdown(KB.articles[outcome.macro]))
    expected = expected.replace("{{payment_date}}", "29 November 2026")
    expected = expected.replace("{{reversal_due_date}}", "4 December 2026")
    assert copied == expected + "\n"
    assert "{{customer_name}}" in copied  # what the walk cannot know stays to be filled
    # on screen, what is left to fill is marked apart from what the walk filled in
    marked = page.locator(".kb-walker-reply mark.kb-walker-placeholder").all_inner_texts()
    assert set(marked) == {"{{customer_name}}", "{{amount}}"}
    filled = page.locator(".kb-walker-reply mark.kb-walker-filled").all_inner_texts()
    assert set(filled) == {"29 November 2026", "4 December 2026"}
