"""Writing export files atomically: each file is whole, old or new, whatever happens meanwhile."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path

from kb.atomic import stage, sync_dir


def write_files_atomically(target_dir: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` ({name: bytes}) into `target_dir`, creating the folder if needed.

    Every file is first written in full to a temporary file beside its target and synced to
    disk; only when all of them are written are they renamed into place (a rename is atomic), so
    an error or a crash never leaves a half-written file, and an error while writing leaves
    every existing file untouched. Names are plain file names, never paths.
    """
    for name in files:
        if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
            raise ValueError(f"not a plain file name: {name!r}")
    target_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in sorted(files.items()):
            staged.append((name, stage(target_dir / name, data)))
        for name, temp in staged:
            os.replace(temp, target_dir / name)
    finally:
        for _, temp in staged:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
    sync_dir(target_dir)
