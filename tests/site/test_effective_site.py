"""`kb build --today`: the day decides what the site marks and what the exports hold."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sitecheck import prepare_site_kb

from kb.cli import main

NEW = ("---\nid: limits-new\ntitle: New limits\nsummary: The new limits.\ntype: reference\n"
       "visibility: internal\nstatus: published\neffective_from: 2026-11-01\n"
       "owner: payments-ops-in\nreviewed: 2026-10-01\nmarkets: [IN]\nproducts: [upi]\n---\n"
       "# New limits\n\n## Daily limit\n\nThe new daily limit applies.\n")


@pytest.mark.parametrize(("today", "marked"), [("2026-10-20", True), ("2026-11-01", False)])
def test_the_build_day_decides(tmp_path: Path, today: str, marked: bool) -> None:
    root = prepare_site_kb(tmp_path / "kb", {"docs/guides/limits-new.md": NEW})
    out = io.StringIO()
    assert main(["--root", str(root), "build", "--today", today], out=out) == 0, out.getvalue()
    page = (root / "site/guides/limits-new/index.html").read_text(encoding="utf-8")
    assert ("Takes effect on 2026-11-01" in page) is marked
    home = (root / "site/index.html").read_text(encoding="utf-8")
    assert ("Changes in the next 30 days" in home) is marked
    bundle = json.loads((root / "site/kb-bundle.json").read_text(encoding="utf-8"))
    assert ("limits-new" in {a["id"] for a in bundle["articles"]}) is not marked
