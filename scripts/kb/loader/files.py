"""Reading one content file: size, encoding, emptiness and front matter, with diagnostics."""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from kb.diagnostics import Diagnostic

_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    yaml: str
    #: lines before the YAML text (the opening fence), added to YAML positions
    line_offset: int
    body: str
    #: 1-based line of the body's first line in the file
    body_line: int


def read_text(path: Path, rel: str, max_bytes: int) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, or None and why not (KB001 encoding, KB002 empty, KB008 too large)."""
    raw, problems = read_bytes(path, rel, max_bytes)
    if raw is None:
        return None, problems
    return decode_text(raw, rel)


def read_bytes(path: str | Path, rel: str, max_bytes: int) -> tuple[bytes | None,
                                                                   list[Diagnostic]]:
    """The file's bytes, or None and why not (KB001 unreadable, KB008 too large)."""
    # os-level calls: a buffered file object costs more than the read itself for small files
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        return None, [_unreadable(rel, exc)]
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):  # what `open()` refuses
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        size = status.st_size
        if size > max_bytes:
            return None, [Diagnostic(rel, 1, 1, "KB008",
                                     f"file is {size:,} bytes, over the {max_bytes:,}-byte "
                                     "limit", hint="split it into smaller articles, or raise "
                                                   "`max_file_bytes` in mkdocs.yml")]
        data = os.read(fd, size + 1)
        if len(data) != size:  # changed since fstat: read on to the end, as `read()` does
            parts = [data]
            while block := os.read(fd, 1 << 16):
                parts.append(block)
            data = b"".join(parts)
        return data, []
    except OSError as exc:
        return None, [_unreadable(rel, exc)]
    finally:
        os.close(fd)


def _unreadable(rel: str, exc: OSError) -> Diagnostic:
    return Diagnostic(rel, 1, 1, "KB001", f"cannot read file: {exc.strerror}",
                      hint="check the file exists and is readable")


def decode_text(raw: bytes, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """The text of a file's bytes with `\n` line ends, or None and why not (KB001, KB002)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Diagnostic(rel, line, col, "KB001",
                                 f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                                 hint="save the file as UTF-8")]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Diagnostic(rel, line, 1, "KB001", "file contains a NUL byte",
                                 hint="content files are text; remove the binary data")]
    if not text or text.isspace():  # as `not text.strip()`, without copying the text
        return None, [Diagnostic(rel, 1, 1, "KB002", "file is empty",
                                 hint="add content, or delete the file")]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def split_front_matter(text: str, rel: str) -> tuple[FrontMatter | None, list[Diagnostic]]:
    """Split `---` front matter from the body; None with KB003 when missing or unterminated."""
    lines = text.split("\n")
    if not _FENCE.match(lines[0]):
        return None, [Diagnostic(rel, 1, 1, "KB003", "article has no front matter",
                                 hint="start the file with a `---` line, the metadata, and "
                                      "another `---` line")]
    for i in range(1, len(lines)):
        if _FENCE_END.match(lines[i]):
            return FrontMatter(
                yaml="\n".join(lines[1:i]) + "\n",
                line_offset=1,
                body="\n".join(lines[i + 1:]),
                body_line=i + 2,
            ), []
    return None, [Diagnostic(rel, 1, 1, "KB003", "front matter is not terminated",
                             hint="close the metadata block with a `---` line")]
