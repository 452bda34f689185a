"""write_files_atomically: whole files or none; a failure leaves the previous files untouched."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kb.export import write as write_module
from kb.export.write import write_files_atomically


def _previous(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    old = {"a.json": b"old a\n", "b.txt": b"old b\n"}
    for name, data in old.items():
        (folder / name).write_bytes(data)
    return old


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_writes_every_file_and_creates_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "site"
    write_files_atomically(target, {"a.json": b"{}\n", "b.txt": "ü\n".encode()})
    assert _contents(target) == {"a.json": b"{}\n", "b.txt": "ü\n".encode()}
    assert stat.S_IMODE((target / "a.json").stat().st_mode) == 0o644


def test_replaces_previous_files_and_keeps_others(tmp_path: Path) -> None:
    _previous(tmp_path)
    (tmp_path / "index.html").write_bytes(b"site")
    write_files_atomically(tmp_path, {"a.json": b"new a\n"})
    assert _contents(tmp_path) == {"a.json": b"new a\n", "b.txt": b"old b\n",
                                   "index.html": b"site"}


def test_a_failure_while_writing_leaves_previous_files_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _previous(tmp_path)
    calls = {"n": 0}
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the second file: the first is staged, nothing renamed yet
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(write_module.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space"):
        write_files_atomically(tmp_path, {"a.json": b"new a\n", "b.txt": b"new b\n"})
    assert _contents(tmp_path) == old  # and no temporary file is left behind


def test_an_interrupted_rename_leaves_no_half_written_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _previous(tmp_path)

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(write_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_files_atomically(tmp_path, {"a.json": b"new a\n", "b.txt": b"new b\n"})
    assert _contents(tmp_path) == old


@pytest.mark.parametrize("name", ["", ".", "..", "a/b.json", "../x", "a\\b"])
def test_names_must_be_plain_file_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        write_files_atomically(tmp_path / "out", {name: b"x"})
    assert not (tmp_path / "out").exists()
