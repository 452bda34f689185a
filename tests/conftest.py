"""Fixtures shared by every test folder; the helpers themselves live in kbtest.py."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from kbtest import make_kb

# the cache's per-machine secret: one per test session, never the user's own
os.environ.setdefault("KB_CACHE_SECRET",
                      str(Path(tempfile.mkdtemp(prefix="kb-test-")) / "cache-secret"))


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A copy of the minimal valid knowledge base, to change in a test."""
    return make_kb(tmp_path / "kb")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `forks` run first: a process forks only while it has one thread, and the
    browser tests keep a server thread for the whole session."""
    items.sort(key=lambda item: item.get_closest_marker("forks") is None)
