"""Writing export files atomically: each file is whole, old or new, whatever happens meanwhile."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

#: mode of written files (temporary files start as 0600)
FILE_MODE = 0o644


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
            staged.append((name, _stage(target_dir, name, data)))
        for name, temp in staged:
            os.replace(temp, target_dir / name)
    finally:
        for _, temp in staged:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
    _sync_dir(target_dir)


def _stage(target_dir: Path, name: str, data: bytes) -> Path:
    fd, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=target_dir)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, FILE_MODE)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    return temp


def _sync_dir(folder: Path) -> None:
    """Make the renames durable; not every platform can open a folder for syncing."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
