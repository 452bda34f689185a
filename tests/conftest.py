"""Fixtures shared by every test folder; the helpers themselves live in kbtest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtest import make_kb


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A copy of the minimal valid knowledge base, to change in a test."""
    return make_kb(tmp_path / "kb")
