"""`kb macro render`: placeholders filled per the customer's locale, as Babel formats them, and
missing, unknown or ill-typed values refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from babel.units import format_unit

from kbtest import make_kb, run_cli

MACRO = """---
id: reply-refund-due
title: Refund due
summary: Tells the customer when a refund is due.
type: macro
visibility: public
status: published
owner: payments-ops-in
reviewed: 2026-10-01
markets: [IN]
products: [upi]
placeholders:
  customer_name: {type: text, description: The customer's first name, example: Asha}
  amount: {type: money, description: The refund, example: 1234.56 INR}
  due: {type: date, description: The day it is due, example: "2026-12-02"}
  window: {type: duration, description: How long it takes, example: 48h}
  channel: {type: enum, values: [upi, card], description: Where it goes, example: upi}
---
# Refund due

## When to use

A refund is on its way.

## Reply

Hello {{customer_name}}, {{amount}} reaches your {{channel}} account by {{due}}, within
{{window}}.
"""
PT = """---
id: reply-refund-due-pt-br
title: Reembolso previsto
summary: Informa ao cliente quando o reembolso chega.
type: macro
visibility: public
status: published
owner: payments-ops-in
reviewed: 2026-10-01
markets: [BR]
products: [upi]
translation_of: reply-refund-due
locale: pt-BR
source_hash: sha256:0000000000000000000000000000000000000000000000000000000000000000
---
# Reembolso previsto {#refund-due}

## Quando usar {#when-to-use}

Um reembolso está a caminho.

## Resposta {#reply}

Olá, {{customer_name}}, {{amount}} chega à sua conta {{channel}} até {{due}}, em até
{{window}}.
"""
VALUES = ("customer_name=Ana", "amount=1234.56 BRL", "due=2026-12-02", "window=48h",
          "channel=upi")


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = make_kb(tmp_path / "kb", {"docs/guides/reply-refund-due.md": MACRO,
                                     "docs/guides/reply-refund-due.pt-BR.md": PT})
    assert run_cli(root, "translations", "mark",
                   str(root / "docs/guides/reply-refund-due.pt-BR.md"))[0] == 0
    return root


def test_pt_br_reply_is_portuguese_with_babel_formats(kb: Path) -> None:
    code, out = run_cli(kb, "macro", "render", "reply-refund-due", "--locale", "pt-BR",
                        "--set", *VALUES)
    money = format_currency(Decimal("1234.56"), "BRL", locale="pt_BR")
    assert code == 0
    assert out == (f"Olá, Ana, {money} chega à sua conta upi até 02/12/2026, em até\n"
                   f"{format_unit(48, 'duration-hour', length='long', locale='pt_BR')}.\n")
    assert money == "R$\xa01.234,56"


def test_en_in_reply_uses_indian_formats(kb: Path) -> None:
    values = [v.replace("BRL", "INR") for v in VALUES]
    code, out = run_cli(kb, "macro", "render", "reply-refund-due", "--locale", "en-IN",
                        "--set", *values)
    assert code == 0 and out.startswith("Hello Ana, ₹1,234.56 reaches your upi account by "
                                        "02/12/2026")
    # the locale's own short date, with the year written in full
    assert format_date(dt.date(2026, 12, 2), "short", locale="en_IN") == "02/12/26"


@pytest.mark.parametrize(("value", "message"), [
    ("due=2026-13-02", "`due` is a date (YYYY-MM-DD), not `2026-13-02`"),
    ("due=02/12/2026", "`due` is a date (YYYY-MM-DD)"),
    ("amount=12,50 BRL", "`amount` is money: an amount such as 1234.56, not `12,50`"),
    ("amount=1234.56", "`amount` is money: give the amount and its currency"),
    ("amount=1234.56 XYZ", "unknown currency `XYZ`"),
    ("window=two days", "`window` is a duration"),
    ("channel=wallet", "`channel` is one of upi, card, not `wallet`"),
    ("customer_name={{amount}}", "`customer_name` must be one line of plain text"),
])
def test_ill_typed_values_are_refused(kb: Path, value: str, message: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    name = value.split("=")[0]
    values = [v for v in VALUES if not v.startswith(f"{name}=")] + [value]
    code, out = run_cli(kb, "macro", "render", "reply-refund-due", "--locale", "pt-BR",
                        "--set", *values)
    assert code == 2 and out == ""
    assert message in capsys.readouterr().err


def test_missing_and_unknown_values_are_refused(kb: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(kb, "macro", "render", "reply-refund-due", "--locale", "pt-BR",
                   "--set", *VALUES[:-1])[0] == 2
    assert "missing `channel` (enum, e.g. upi)" in capsys.readouterr().err
    assert run_cli(kb, "macro", "render", "reply-refund-due", "--set", *VALUES,
                   "ticket=1")[0] == 2
    assert "has no placeholder ticket" in capsys.readouterr().err


def test_a_language_the_macro_lacks_is_refused(kb: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(kb, "macro", "render", "reply-refund-due", "--locale", "hi-IN",
                   "--set", *VALUES)[0] == 2
    assert "has no hi-IN version (it exists in en, pt-BR)" in capsys.readouterr().err


def test_a_stale_translation_is_rendered_with_a_warning(kb: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = kb / "docs/guides/reply-refund-due.md"
    path.write_text(MACRO.replace("A refund is on its way.", "A refund is late."),
                    encoding="utf-8")
    assert run_cli(kb, "macro", "render", "reply-refund-due", "--locale", "pt-BR",
                   "--set", *VALUES)[0] == 0
    assert "is stale" in capsys.readouterr().err

