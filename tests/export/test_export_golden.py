"""Golden files for the exports of the small fixture KB, reviewed in diffs like any change.

Regenerate them after an intended change with `KB_UPDATE_GOLDEN=1 pytest tests/export`.
"""

from __future__ import annotations

import os

import pytest
from export_support import GOLDEN, GOLDEN_KB, exports_of

GOLDEN_FILES = ("kb-bundle.json", "kb-chunks.jsonl", "llms.txt", "llms-full.txt")
UPDATE = os.environ.get("KB_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_export_matches_its_golden_file(name: str) -> None:
    produced = exports_of(GOLDEN_KB)[name]
    golden = GOLDEN / name
    if UPDATE:
        golden.write_bytes(produced)
    assert golden.is_file(), f"{golden} is missing: run with KB_UPDATE_GOLDEN=1 to create it"
    assert produced.decode() == golden.read_text(encoding="utf-8"), (
        f"{name} differs from {golden}; if the change is intended, rerun with KB_UPDATE_GOLDEN=1 "
        "and review the diff")
