"""The content cache in `.kb-cache/`: per-file results keyed by what they were computed from.

An entry is found only under the exact key it was stored with: the file's repo-relative path
and the sha256 of its bytes, inside a table whose key hashes everything else a result may depend
on (this package's own source files, the versions of the libraries that parse content, the
Python version, the bytes of mkdocs.yml and, for lint findings, the day freshness is judged on).
Changing any of them selects another table, so a stale entry can never be found; nothing is
ever compared by time stamps.

A table is kept in a few shard files so that an edit rewrites one shard, not the whole cache.
A shard that cannot be read, is damaged or belongs to another key is treated as empty and
rewritten; a cache folder that cannot be written is left alone. Neither is ever an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import zlib
from collections.abc import Collection
from functools import cache
from pathlib import Path

import yaml

from kb.loader import store

#: the cache folder, at the knowledge base's root (beside mkdocs.yml)
CACHE_DIR = ".kb-cache"
#: bump when the layout of cache files changes
FORMAT = "kb-cache-2"
SHARDS = 16
#: libraries whose behaviour is part of a parse or lint result
_LIBRARIES = ("PyYAML", "markdown-it-py", "mdurl", "Markdown", "jsonschema", "fastjsonschema",
              "phonenumbers", "python-stdnum")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cache
def code_fingerprint() -> str:
    """A hash of every file of the kb package (code, schemas, templates), the Python version,
    and the versions of the libraries that parse and check content. When the package's files
    cannot be read, a value no other run shares: nothing cached is ever used then."""
    h = hashlib.sha256(FORMAT.encode())
    h.update(sys.version.encode())
    libyaml = yaml._yaml.get_version_string() if yaml.__with_libyaml__ else "none"
    h.update(f"libyaml={libyaml}\0".encode())
    for name in _LIBRARIES:
        h.update(f"{name}={_version(name)}\0".encode())
    package = Path(__file__).resolve().parent.parent
    try:
        for path in sorted(package.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        h.update(os.urandom(32))
    return h.hexdigest()


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def table_key(*parts: bytes | str) -> str:
    """The key of one table: the code fingerprint plus `parts` (config bytes, a date...)."""
    h = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


Entries = dict[str, tuple[str, bytes]]


class Table:
    """Entries `path -> (sha256 of the file's bytes, stored bytes)` under one key."""

    def __init__(self, root: Path, kind: str, key: str) -> None:
        self.folder = root / CACHE_DIR
        self.kind = kind
        self.key = key
        self._shards: list[Entries] | None = None
        self._dirty: set[int] = set()

    def _shard_of(self, path: str) -> int:
        return zlib.crc32(path.encode()) % SHARDS

    def _file(self, shard: int) -> Path:
        return self.folder / f"{self.kind}-{shard:02d}.pickle"

    def _load(self) -> list[Entries]:
        if self._shards is None:
            self._shards = [self._read(i) for i in range(SHARDS)]
        return self._shards

    def _read(self, shard: int) -> Entries:
        try:
            data = self._file(shard).read_bytes()
        except OSError:
            return {}
        # a shard is its payload's CRC-32 and the payload: damage anywhere is found here
        if len(data) < 4 or zlib.crc32(memoryview(data)[4:]) != int.from_bytes(data[:4], "big"):
            return {}
        try:
            magic, key, entries = store.loads(data, offset=4)
        except (store.StoreError, TypeError, ValueError):
            return {}
        if magic != FORMAT or key != self.key or not isinstance(entries, dict):
            return {}
        return entries

    def get(self, path: str, sha: str) -> bytes | None:
        """The bytes stored for `path` at version `sha`, or None."""
        found = self._load()[self._shard_of(path)].get(path)
        if found is None or not isinstance(found, tuple) or len(found) != 2:
            return None
        stored_sha, blob = found
        return blob if stored_sha == sha and isinstance(blob, bytes) else None

    def put(self, path: str, sha: str, blob: bytes) -> None:
        shard = self._shard_of(path)
        self._load()[shard][path] = (sha, blob)
        self._dirty.add(shard)

    def save(self, keep: Collection[str]) -> None:
        """Write the shards that changed, dropping entries of paths not in `keep`; a shard
        holding entries of removed files is rewritten too. Failures are ignored."""
        shards = self._load()
        for i, entries in enumerate(shards):
            stale = [p for p in entries if p not in keep]
            for path in stale:
                del entries[path]
            if stale:
                self._dirty.add(i)
        if not self._dirty:
            return
        with contextlib.suppress(OSError):
            _prepare(self.folder)
            for i in sorted(self._dirty):
                payload = store.dumps((FORMAT, self.key, shards[i]))
                _write_atomically(self._file(i), zlib.crc32(payload).to_bytes(4, "big") + payload)
        self._dirty.clear()


def _prepare(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        _write_atomically(ignore, b"# the kb content cache: safe to delete, never commit\n*\n")


def _write_atomically(target: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise

