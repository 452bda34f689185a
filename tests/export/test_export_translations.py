"""The bundle's translations: each macro carries its other languages with the source version they
translate and whether they are stale; its placeholders; and what each market requires."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from export_support import GOLDEN_KB, bundle_of, exports_of, schema_errors

from kbtest import edit, make_kb

SOURCE = "docs/replies/reply-refund.md"
TRANSLATION = "docs/replies/reply-refund.pt-BR.md"


def _reply(root: Path) -> dict[str, Any]:
    bundle = bundle_of(exports_of(root))
    assert schema_errors(bundle) == []
    assert "reply-refund-pt-br" not in {a["id"] for a in bundle["articles"]}
    found: dict[str, Any] = next(a for a in bundle["articles"] if a["id"] == "reply-refund")
    return found


def test_a_macro_carries_its_current_translation_and_placeholders() -> None:
    reply = _reply(GOLDEN_KB)
    assert reply["locale"] == "en"
    assert reply["placeholders"]["amount"] == {
        "type": "money", "description": "The refund amount and its currency",
        "example": "499.00 INR"}
    [pt] = reply["translations"]
    assert pt["locale"] == "pt-BR" and pt["stale"] is False
    assert pt["title"] == "Resposta: o seu reembolso está a caminho"
    assert "Olá, {{customer_name}}, o seu reembolso de {{amount}}" in pt["text"]
    assert pt["url"] == "replies/reply-refund.pt-BR/"
    bundle = bundle_of(exports_of(GOLDEN_KB))
    assert bundle["locales"] == {"default": "en", "required": {"BR": ["pt-BR"]}}


def test_editing_the_source_marks_the_translation_stale(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", base=GOLDEN_KB)
    marked = _reply(root)["translations"][0]["source_hash"]
    edit(root, SOURCE, "5 working days", "7 working days")
    [pt] = _reply(root)["translations"]
    assert pt["stale"] is True and pt["source_hash"] == marked


def test_a_translation_the_exports_must_not_show_is_left_out(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", base=GOLDEN_KB)
    edit(root, TRANSLATION, "visibility: public", "visibility: restricted")
    assert _reply(root)["translations"] == []
    bundle = bundle_of(exports_of(root))
    assert "Olá" not in str(bundle)
