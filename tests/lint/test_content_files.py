"""The content files the loader finds, and how it reads them."""

from __future__ import annotations

import os
from pathlib import Path

from kb.loader import content_files, content_paths, load_config
from kb.loader.files import read_bytes
from kbtest import make_kb


def test_content_files_are_what_rglob_finds_in_the_same_order(kb_dir: Path) -> None:
    docs = kb_dir / "docs"
    for rel in ("a/x.md", "a-b/x.md", "a.b/y.md", "a/b/c/z.md", ".hidden/h.md", "A/up.md",
                "a/not-md.txt", "a/upper.MD", "z.md", "folder.md/inner.md", "a/.md"):
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# x\n", encoding="utf-8")
    (docs / "empty.md").mkdir()  # a folder with a matching name is found, as rglob finds it
    outside = kb_dir.parent / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "linked.md").write_text("# l\n", encoding="utf-8")
    os.symlink(outside, docs / "link")  # links to folders are not followed
    os.symlink(outside / "deep" / "linked.md", docs / "file-link.md")
    (kb_dir / "decision_trees" / "sub").mkdir()
    (kb_dir / "decision_trees" / "sub" / "deeper.yaml").write_text("id: x\n", encoding="utf-8")
    config = load_config(kb_dir)
    # a link to a file is not read either unless allowlisted (KB011)
    expected = [*sorted(p for p in docs.rglob("*.md") if not p.is_symlink()),
                *sorted((kb_dir / "decision_trees").glob("*.yaml"))]
    assert content_paths(config) == expected
    assert content_files(config) == [p.relative_to(kb_dir).as_posix() for p in expected]


def test_missing_content_folders_hold_no_files(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb")
    for rel in ("docs/guides/refund.md", "docs/guides/reply-refund.md",
                "decision_trees/refund.yaml", "decision_trees/refund.cases.yaml"):
        (root / rel).unlink()
    (root / "docs" / "guides").rmdir()
    (root / "docs").rmdir()
    (root / "decision_trees").rmdir()
    assert content_files(load_config(root)) == []


def test_read_bytes_reads_a_whole_file_and_says_why_it_cannot(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"x" * 70_000)
    assert read_bytes(path, "a.md", 100_000) == (b"x" * 70_000, [])
    data, problems = read_bytes(path, "a.md", 1000)
    assert data is None and [p.code for p in problems] == ["KB008"]
    data, problems = read_bytes(tmp_path, "dir.md", 1000)
    assert data is None and problems[0].code == "KB001"
    assert problems[0].message == "cannot read file: Is a directory"
    data, problems = read_bytes(tmp_path / "gone.md", "gone.md", 1000)
    assert data is None and problems[0].message == "cannot read file: No such file or directory"
