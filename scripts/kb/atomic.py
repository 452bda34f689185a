"""Writing files atomically: a file is whole, old or new, whatever happens while it is written.

Data goes to a temporary file beside the target, is synced to disk when it must survive a crash,
and is renamed into place (a rename within a folder is atomic). The one writer of the package:
exports, the content cache and generated sample data all write through it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

#: mode of written files (temporary files start as 0600)
FILE_MODE = 0o644


def stage(target: Path, data: bytes, *, durable: bool = True, mode: int = FILE_MODE) -> Path:
    """Write `data` to a new temporary file beside `target` and return its path.

    `durable` syncs it to disk first; the caller renames it into place (or removes it).
    """
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                     dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    return temp


def write_atomically(target: Path, data: bytes, *, durable: bool = True,
                     mode: int = FILE_MODE) -> None:
    """Replace `target` by a file holding `data`, atomically (its folder must exist)."""
    temp = stage(target, data, durable=durable, mode=mode)
    try:
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    if durable:
        sync_dir(target.parent)


def sync_dir(folder: Path) -> None:
    """Make renames in `folder` durable; not every platform can open a folder for syncing."""
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
