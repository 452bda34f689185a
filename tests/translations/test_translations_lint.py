"""Translations as content: `kb translations mark`, staleness after the source is edited, and
translations that must say the same placeholders, links and anchors as their source."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtest import FIXTURES, edit, load_and_lint, run_cli

SOURCE = "docs/guides/reply-refund.md"
TRANSLATION = "docs/guides/reply-refund.pt-BR.md"
UNMARKED = (FIXTURES / "translation-reply-refund.pt-BR.md").read_text(encoding="utf-8")


def _codes(root: Path) -> list[str]:
    return sorted(d.code for d in load_and_lint(root)[1].diagnostics)


def _translated(kb_dir: Path) -> Path:
    (kb_dir / TRANSLATION).write_text(UNMARKED, encoding="utf-8")
    assert run_cli(kb_dir, "translations", "mark", str(kb_dir / TRANSLATION))[0] == 0
    return kb_dir


def test_mark_writes_the_source_hash_and_the_translation_is_current(kb_dir: Path) -> None:
    (kb_dir / TRANSLATION).write_text(UNMARKED, encoding="utf-8")
    assert _codes(kb_dir) == ["KB801"]  # the hash in the fixture is not the source's
    code, out = run_cli(kb_dir, "translations", "mark", str(kb_dir / TRANSLATION))
    assert code == 0 and "marked as translating reply-refund" in out
    text = (kb_dir / TRANSLATION).read_text(encoding="utf-8")
    loaded, result = load_and_lint(kb_dir)
    source_hash = loaded.kb.articles["reply-refund"].content_hash
    assert f"source_hash: {source_hash}\n" in text and text.count("source_hash:") == 1
    assert result.diagnostics == []


def test_editing_the_source_makes_the_translation_stale(kb_dir: Path) -> None:
    _translated(kb_dir)
    edit(kb_dir, SOURCE, "{{amount}} is on its way.", "{{amount}} arrives within 5 days.")
    code, out = run_cli(kb_dir, "lint")
    assert code == 0 and f"{TRANSLATION}:14:14: KB801 translation is stale" in out
    # once past `stale_error_after_days` (60 in the fixture) from the source's review: an error
    code, out = run_cli(kb_dir, "lint", "--today", "2026-12-05")
    assert code == 1 and f"{TRANSLATION}:14:14: KB802" in out and "KB801" not in out
    # re-marking after updating the translation clears it
    assert run_cli(kb_dir, "translations", "mark", str(kb_dir / TRANSLATION))[0] == 0
    assert _codes(kb_dir) == []


def test_front_matter_edits_of_the_source_do_not_make_it_stale(kb_dir: Path) -> None:
    _translated(kb_dir)
    edit(kb_dir, SOURCE, "reviewed: 2026-10-01", "reviewed: 2026-10-20")
    assert _codes(kb_dir) == []


def test_a_renamed_placeholder_is_a_mismatch(kb_dir: Path) -> None:
    _translated(kb_dir)
    edit(kb_dir, TRANSLATION, "{{customer_name}}", "{{nome_cliente}}")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1
    assert ("KB804 placeholders differ from `reply-refund`: missing `{{customer_name}}`, "
            "extra `{{nome_cliente}}`") in out


def test_a_dropped_placeholder_is_a_mismatch(kb_dir: Path) -> None:
    _translated(kb_dir)
    edit(kb_dir, TRANSLATION, " de {{amount}}", "")
    assert "missing `{{amount}}`, extra none" in run_cli(kb_dir, "lint")[1]


def test_a_translated_anchor_or_an_extra_link_is_a_mismatch(kb_dir: Path) -> None:
    _translated(kb_dir)
    edit(kb_dir, TRANSLATION, " {#refund-on-its-way}", "")
    edit(kb_dir, TRANSLATION, "{{amount}} está a caminho.",
         "{{amount}} está a caminho. Veja o [guia](refund.md).")
    out = run_cli(kb_dir, "lint")[1]
    assert "KB804 heading anchors differ from `reply-refund`: seu-reembolso-esta-a-caminho " \
           "instead of refund-on-its-way" in out
    assert "KB804 links to other articles differ from `reply-refund`" in out


def test_a_market_requiring_a_locale_needs_the_translation(kb_dir: Path) -> None:
    edit(kb_dir, SOURCE, "markets: [IN]", "markets: [IN, BR]")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1 and f"{SOURCE}:10:15: KB803 macro for market BR has no pt-BR " \
                         "translation" in out
    _translated(kb_dir)
    assert _codes(kb_dir) == []


def test_mark_refuses_a_file_that_is_not_a_translation(kb_dir: Path) -> None:
    before = (kb_dir / SOURCE).read_bytes()
    assert run_cli(kb_dir, "translations", "mark", str(kb_dir / SOURCE))[0] == 2
    assert (kb_dir / SOURCE).read_bytes() == before


def test_a_public_translation_of_a_draft_source_is_an_error(kb_dir: Path) -> None:
    _translated(kb_dir)
    edit(kb_dir, SOURCE, "status: published", "status: draft")
    out = run_cli(kb_dir, "lint")[1]
    assert f"{TRANSLATION}:6:13: KB805 translation is public but its source `reply-refund` " \
           "is a draft" in out


GUIDE = "docs/guides/refund.md"
GUIDE_PT = "docs/guides/refund.pt-BR.md"
GUIDE_TRANSLATION = """---
id: guide-refund-pt-br
title: Guia de reembolso
summary: Como um reembolso chega ao cliente.
type: procedure
visibility: {visibility}
status: published
owner: payments-ops-in
reviewed: 2026-10-01
markets: [IN]
products: [upi]
tags: [refund]
translation_of: guide-refund
locale: pt-BR
source_hash: sha256:0
---
# Guia de reembolso {{#refund-guide}}

## Prazos {{#timelines}}

Os reembolsos chegam dentro do prazo informado.

## Escalonamento {{#escalation}}
"""


def _guide_translated(kb_dir: Path, visibility: str) -> tuple[int, str]:
    edit(kb_dir, GUIDE, "visibility: internal", f"visibility: {visibility}")
    escalation = (kb_dir / GUIDE).read_text(encoding="utf-8").split("## Escalation", 1)[1]
    (kb_dir / GUIDE_PT).write_text(GUIDE_TRANSLATION.format(visibility=visibility) + escalation,
                                   encoding="utf-8")
    return run_cli(kb_dir, "translations", "mark", str(kb_dir / GUIDE_PT))


def test_a_public_article_is_translated_like_a_macro(kb_dir: Path) -> None:
    assert _guide_translated(kb_dir, "public")[0] == 0
    assert _codes(kb_dir) == []
    edit(kb_dir, GUIDE, "Refunds arrive within", "Refunds reach the customer within")
    assert _codes(kb_dir) == ["KB801"]


def test_an_internal_article_is_not_translated(kb_dir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert _guide_translated(kb_dir, "internal")[0] == 2
    assert "names no article this one can translate" in capsys.readouterr().err
    code, out = run_cli(kb_dir, "lint")
    assert code == 1 and f"{GUIDE_PT}:13:17: KB806 `guide-refund` is no article" in out
