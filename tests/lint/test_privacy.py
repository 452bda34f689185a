"""The KB6xx detectors: personal data and requests for secrets (unsafe HTML: test_unsafe_markup).

Each detector has its true positives and the near misses it must leave alone; the rule fixtures
(tests/fixtures/rules/KB6*.yaml) check positions and the wiring into `kb lint`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.lint.detectors.personal_data import PRECEDENCE, find_personal_data
from kb.lint.detectors.secret_requests import find_secret_requests
from kbtest import load_and_lint, make_kb


def kinds(text: str, allow: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(p.kind, p.value) for p in find_personal_data(text, allow)]


# --- card numbers (KB602) -------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "4111 1111 1111 1111",      # Visa test card, printed groups
    "4111-1111-1111-1111",      # hyphen groups
    "4111111111111111",         # bare
    "3782 822463 10005",        # Amex 4-6-5
    "378282246310005",          # Amex bare (15 digits)
    "6011 0009 9013 9424",      # Discover
])
def test_card_numbers_are_found(value: str) -> None:
    assert kinds(f"Customer's card {value} was charged.") == [("card", value)]


@pytest.mark.parametrize("text", [
    "Card 4111 1111 1111 1112 was charged.",       # fails Luhn
    "Ref 12345678901234567890 (20 digits).",       # too long for a card
    "Order ORD4111111111111111 shipped.",          # part of a word
    "Run 1234 4111 1111 1111 1111 long.",          # part of a longer grouped run
    "Id 0000 0000 0000 0000 is a placeholder.",    # no card starts with 0
    "Card 4111 1111-1111 1111 mixed separators.",  # not one grouping
    "Card 411 1111 1111 1111 1 odd groups.",       # not a card's grouping
])
def test_card_near_misses(text: str) -> None:
    assert [k for k, _ in kinds(text) if k == "card"] == []


# --- CPF (KB603) ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["529.982.247-25", "52998224725", "390.533.447-05"])
def test_cpfs_are_found(value: str) -> None:
    assert kinds(f"Pix key: CPF {value}.") == [("cpf", value)]


@pytest.mark.parametrize("text", [
    "CPF 529.982.247-26 has a wrong check digit.",
    "CPF 111.111.111-11 is a placeholder, never issued.",
    "Number 529.982.247-25.1 continues.",
    "Lei 13.709/2018 (LGPD).",
])
def test_cpf_near_misses(text: str) -> None:
    assert kinds(text) == []


# --- Aadhaar (KB604) ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2341 2341 2346", "2341-2341-2346", "234123412346"])
def test_aadhaar_numbers_are_found(value: str) -> None:
    assert kinds(f"e-KYC with Aadhaar {value} failed.") == [("aadhaar", value)]


@pytest.mark.parametrize("text", [
    "Aadhaar 2341 2341 2347 fails the Verhoeff check.",
    "Number 1341 2341 2346 starts with 1, which Aadhaar never does.",
    "Card 2341 2341 2346 5678 has four groups.",
    "Grouped 23412 341 2346 differently.",
])
def test_aadhaar_near_misses(text: str) -> None:
    assert [k for k, _ in kinds(text) if k == "aadhaar"] == []


# --- phone numbers (KB605) ------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "+91 98765 43210",      # IN mobile, international
    "98765 43210",          # IN mobile, national
    "(11) 98765-4321",      # BR mobile, national
    "+55 11 98765-4321",    # BR mobile, international
    "+44 20 7946 0958",     # any country with +CC
    "022 2654 1234",        # IN fixed line
])
def test_phone_numbers_are_found(value: str) -> None:
    assert kinds(f"Customer called from {value} today.") == [("phone", value)]


@pytest.mark.parametrize("text", [
    "Report it to the 1930 cybercrime helpline.",       # short code
    "Call the toll-free line 1800 425 3800.",           # IN toll-free: a service, not a person
    "Ligue para 0800 724 0000.",                        # BR toll-free
    "reviewed: 2026-10-01",                              # a date
    "Circular 629/02.01.014/2019-20 of the RBI.",       # a reference number
    "Amount 12,34,567.00 refunded.",                     # an amount
])
def test_phone_near_misses(text: str) -> None:
    assert kinds(text) == []


# --- e-mail addresses (KB606) and UPI handles (KB607) ---------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Wrote from ana.souza@gmail.com today.", [("email", "ana.souza@gmail.com")]),
    ("Reply to r.k+refund@example.co.in.", [("email", "r.k+refund@example.co.in")]),
    ("Collect request from ramesh.k@okaxis.", [("upi", "ramesh.k@okaxis")]),
    ("Pay to shop_12-a@ybl now", [("upi", "shop_12-a@ybl")]),
])
def test_addresses_and_handles_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize("text", [
    "A UPI ID looks like name@bank.",        # allow-listed in the base configuration
    "Ask @payments-team on chat.",            # a mention, not a handle
    "Email user@ (left blank).",
    "Decorators such as @rule register rules.",
])
def test_address_near_misses(text: str) -> None:
    assert kinds(text, allow=("name@bank",)) == []


# --- one value, one finding -----------------------------------------------------------------


def test_precedence_is_documented_and_complete() -> None:
    assert set(PRECEDENCE) == {"email", "upi", "card", "aadhaar", "cpf", "phone"}


@pytest.mark.parametrize(("text", "expected"), [
    # a handle whose name is a mobile number is one UPI handle
    ("Refund to 9876543210@ybl.", [("upi", "9876543210@ybl")]),
    # an e-mail address whose local part is a number is one e-mail address
    ("Wrote from 9876543210@gmail.com.", [("email", "9876543210@gmail.com")]),
    # an Aadhaar that also passes Luhn is one Aadhaar (cards have 13-19 digits)
    ("Aadhaar 234123400058.", [("aadhaar", "234123400058")]),
    # an Aadhaar that is also a valid Indian number (91 + mobile) is one Aadhaar
    ("Id 919876543216.", [("aadhaar", "919876543216")]),
    # a CPF that is also a valid Brazilian mobile number is one CPF
    ("CPF 11987654374.", [("cpf", "11987654374")]),
])
def test_each_value_is_reported_once(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


def test_findings_come_in_text_order() -> None:
    text = "ana@example.com, then 4111 1111 1111 1111, then +91 98765 43210, then r@ybl"
    assert [k for k, _ in kinds(text)] == ["email", "card", "phone", "upi"]


# --- allow-list and masking -----------------------------------------------------------------


def test_allowed_values_are_exact_strings() -> None:
    assert kinds("Test card 4111 1111 1111 1111.", allow=("4111 1111 1111 1111",)) == []
    assert kinds("Write to ana@example.com.", allow=("ana@example.org",)) == [
        ("email", "ana@example.com")]


def test_allowed_number_matches_in_any_grouping() -> None:
    assert kinds("Test card 4111-1111-1111-1111.", allow=("4111111111111111",)) == []


@pytest.mark.parametrize(("text", "masked"), [
    ("4111 1111 1111 1111", "**** **** **** 1111"),
    ("529.982.247-25", "***.***.*47-25"),
    ("2341 2341 2346", "**** **** 2346"),
    ("+91 98765 43210", "+** ***** *3210"),
    ("ana.souza@gmail.com", "a***@gmail.com"),
    ("ramesh.k@okaxis", "r***@okaxis"),
])
def test_values_are_masked(text: str, masked: str) -> None:
    (found,) = find_personal_data(f"x {text} y")
    assert found.masked == masked


def test_lint_messages_never_echo_the_value(tmp_path: Path) -> None:
    values = ["4111 1111 1111 1111", "529.982.247-25", "2341 2341 2346", "+91 98765 43210",
              "ana.souza@gmail.com", "ramesh.k@okaxis"]
    cases = ("tree: refund\ncases:\n  - id: r-1\n    description: \"" + ", ".join(values) +
             "\"\n    facts: {arrived: true}\n    expected: done\n")
    _, result = load_and_lint(make_kb(tmp_path, {"decision_trees/refund.cases.yaml": cases}))
    found = [d for d in result.diagnostics if d.code.startswith("KB60")]
    assert sorted(d.code for d in found) == ["KB602", "KB603", "KB604", "KB605", "KB606",
                                             "KB607"]
    for d in found:
        for value in values:
            assert value not in d.message and value not in d.hint


# --- requests for secrets (KB610) -----------------------------------------------------------


@pytest.mark.parametrize(("text", "secret"), [
    ("Please share the OTP you received.", "OTP"),
    ("Kindly send us your 6-digit OTP.", "OTP"),
    ("Tell me your UPI PIN so I can check.", "UPI PIN"),
    ("Could you give the agent your ATM PIN?", "PIN"),
    ("Provide your card's CVV to verify.", "CVV"),
    ("Please confirm your full card number.", "full card number"),
    ("Read out the one-time password from the SMS.", "OTP"),
    ("What is your password?", "password"),
    ("Ask the customer to share the OTP.", "OTP"),
    ("Share the OTP, but never your PIN.", "OTP"),
    ("Do not call us, but send the security code.", "CVV"),
])
def test_requests_for_secrets_are_found(text: str, secret: str) -> None:
    (found,) = find_secret_requests(text)
    assert found.secret == secret


@pytest.mark.parametrize("text", [
    "Never share your OTP with anyone.",
    "We will never ask for your PIN.",
    "Do not tell anyone your CVV.",
    "Please don't share your OTP, PIN or password.",
    "No bank will ever ask you to confirm your UPI PIN.",
    "If anyone asks you to share your OTP, hang up.",
    "Did the customer give an OTP, PIN, password, CVV or full card number to anyone?",
    "Please confirm the last 4 digits of your card number.",
    "Tell us your PIN code so we can find the branch.",      # an Indian postal code
    "Enter your UPI PIN in the app to approve the refund.",  # entering it in the app is fine
    "Confirm whether you received the OTP.",
    "Tell them the OTP is only for them.",
    "A UPI PIN is only needed to send money, never to receive it.",
    "Tell us straight away if you shared an OTP.",
])
def test_warnings_and_questions_are_not_requests(text: str) -> None:
    assert find_secret_requests(text) == []


def test_each_sentence_is_judged_on_its_own() -> None:
    text = "Never share your PIN.\nPlease send\nus the OTP now.\n\n- Do not share your CVV"
    (found,) = find_secret_requests(text)
    assert (found.start, found.secret) == (text.index("send"), "OTP")


def test_a_warning_covers_only_its_own_clause() -> None:
    (found,) = find_secret_requests("Never share your OTP, but please send us the CVV.")
    assert found.secret == "CVV"


# --- evasions: the detectors read text as a reader sees it ---------------------------------


@pytest.mark.parametrize(("text", "kind", "span"), [
    ("card 4111.1111.1111.1111 now", "card", "4111.1111.1111.1111"),            # dots
    ("card 4111\u00a01111\u00a01111\u00a01111 now", "card",                     # nbsp
     "4111\u00a01111\u00a01111\u00a01111"),
    ("card 4111\u200b1111\u200b1111\u200b1111 now", "card",                     # zero-width
     "4111\u200b1111\u200b1111\u200b1111"),
    ("card &#52;111 1111 1111 1111 now", "card", "&#52;111 1111 1111 1111"),    # entity
    ("card \uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11"
     "\uff11\uff11 now", "card", "\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11"
     "\uff11\uff11\uff11\uff11\uff11\uff11"),                                   # full-width
    ("card 41**11** 1111 1111 1111 now", "card", "41**11** 1111 1111 1111"),    # emphasis
    ("id 2341.2341.2346 now", "aadhaar", "2341.2341.2346"),
    ("cpf 529&#46;982&#46;247-25 now", "cpf", "529&#46;982&#46;247-25"),
    ("mobile 98765.43210 now", "phone", "98765.43210"),
    ("mail ana&#46;souza&#64;gmail.com now", "email", "ana&#46;souza&#64;gmail.com"),
])
def test_evasions_are_found_at_their_place_in_the_original(text: str, kind: str,
                                                           span: str) -> None:
    (found,) = find_personal_data(text)
    assert found.kind == kind
    assert text[found.start:found.end] == span


def test_an_allowed_value_stays_allowed_however_it_is_written() -> None:
    allow = ("4111 1111 1111 1111",)
    assert find_personal_data("card 4111&#46;1111&#46;1111&#46;1111", allow) == []


def test_lint_points_at_an_evasion_in_the_source(tmp_path: Path) -> None:
    cases = ("tree: refund\ncases:\n  - id: r-1\n    description: \"paid with "
             "\uff14111 1111 1111 1111\"\n    facts: {arrived: true}\n    expected: done\n")
    _, result = load_and_lint(make_kb(tmp_path, {"decision_trees/refund.cases.yaml": cases}))
    (found,) = [d for d in result.diagnostics if d.code == "KB602"]
    assert (found.line, found.col) == (4, 29)
