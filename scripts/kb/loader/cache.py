"""The content cache in `.kb-cache/`: per-file results keyed by what they were computed from.

An entry is found only under the exact key it was stored with: the file's repo-relative path
and the sha256 of its bytes, inside a table whose key hashes everything else a result may depend
on (this package's own source files, the versions of the libraries that parse content, the
Python version, the bytes of mkdocs.yml and, for lint findings, the day freshness is judged on).
Changing any of them selects another table, so a stale entry can never be found; nothing is
ever compared by time stamps.

A table is kept in shard files so that an edit rewrites one shard, not the whole cache,
and a shard is read only when one of its entries is asked for. A value kept whole (`read_value`,
`write_value`) is one file. A file that cannot be read, is damaged or belongs to another key is
treated as empty and rewritten; a cache folder that cannot be written is left alone. Neither is
ever an error.

The cache lives in the repository, where anyone who can open a pull request can plant or edit a
file (and commit it with `git add -f`). So every file carries an HMAC-SHA256 of its payload
under a per-machine secret kept outside the repository (`KB_CACHE_SECRET` names the file;
by default `$XDG_CACHE_HOME/kb/secret` or `~/.cache/kb/secret`, created 0600 on first use): a
file this machine did not write fails verification and is treated as damaged. Without a usable
secret file, the secret is random per process, and nothing cached by another run is trusted.
And a cache folder with any file tracked by git is not read at all (a cache is never committed;
`kb` says so once and works without it), whatever its entries' HMACs say.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Collection, Iterable
from functools import cache
from pathlib import Path

import yaml

from kb.atomic import write_atomically
from kb.loader import store

#: the cache folder, at the knowledge base's root (beside mkdocs.yml)
CACHE_DIR = ".kb-cache"
#: bump when the layout of cache files changes
FORMAT = "kb-cache-4"
SHARDS = 64
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
    for name, version in _installed(_LIBRARIES).items():
        h.update(f"{name}={version}\0".encode())
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


def _installed(names: Iterable[str]) -> dict[str, str]:
    """The version of each distribution in `names` ("absent" when not installed), read from
    the name of its metadata folder on sys.path (`PyYAML-6.0.1.dist-info`), the first found as
    `importlib.metadata` finds it; reading the names is many times faster than importing it."""
    wanted = {_project(name): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for item in listing:
            if item.endswith((".dist-info", ".egg-info")):
                project, _, version = item.rpartition(".")[0].partition("-")
                name = wanted.get(_project(project))
                if name is not None:
                    found.setdefault(name, version)
    return {name: found.get(name, "absent") for name in names}


def _project(name: str) -> str:
    """A distribution's name as its metadata folder and PyPI compare names."""
    return re.sub(r"[-_.]+", "-", name).lower()


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
        self._shards: list[Entries | None] = [None] * SHARDS
        self._dirty: set[int] = set()

    def _shard_of(self, path: str) -> int:
        return zlib.crc32(path.encode()) % SHARDS

    def _file(self, shard: int) -> Path:
        return self.folder / f"{self.kind}-{shard:02d}.pickle"

    def _entries(self, shard: int) -> Entries:
        entries = self._shards[shard]
        if entries is None:
            found = _read_file(self._file(shard), self.key)
            entries = found if isinstance(found, dict) else {}
            self._shards[shard] = entries
        return entries

    def get(self, path: str, sha: str) -> bytes | None:
        """The bytes stored for `path` at version `sha`, or None."""
        found = self._entries(self._shard_of(path)).get(path)
        if found is None or not isinstance(found, tuple) or len(found) != 2:
            return None
        stored_sha, blob = found
        return blob if stored_sha == sha and isinstance(blob, bytes) else None

    def put(self, path: str, sha: str, blob: bytes) -> None:
        shard = self._shard_of(path)
        self._entries(shard)[path] = (sha, blob)
        self._dirty.add(shard)

    def save(self, keep: Collection[str]) -> None:
        """Write the shards that changed, dropping entries of paths not in `keep` from the
        shards that were read; a shard holding entries of removed files is rewritten too.
        Failures are ignored."""
        for i, entries in enumerate(self._shards):
            if entries is None:
                continue
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
                _write_file(self._file(i), self.key, self._shards[i])
        self._dirty.clear()


def read_value(root: Path, name: str, key: str) -> object | None:
    """The value kept whole in the cache as `name` under `key`; None when there is none."""
    return _read_file(root / CACHE_DIR / f"{name}.pickle", key)


def write_value(root: Path, name: str, key: str, value: object) -> None:
    """Keep `value` whole as `name` under `key` (replacing what was there); failures are
    ignored."""
    folder = root / CACHE_DIR
    with contextlib.suppress(OSError):
        _prepare(folder)
        _write_file(folder / f"{name}.pickle", key, value)


_MAC_BYTES = 32
_SECRET_BYTES = 32


@cache
def _secret() -> bytes:
    """This machine's cache secret, created on first use; random for this process when the
    secret file cannot be read or made."""
    path = _secret_path()
    with contextlib.suppress(OSError):
        data = path.read_bytes()
        if len(data) >= _SECRET_BYTES:
            return data
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(_SECRET_BYTES))
        return path.read_bytes()
    return os.urandom(_SECRET_BYTES)


def _secret_path() -> Path:
    named = os.environ.get("KB_CACHE_SECRET")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kb" / "secret"


def _mac(payload: bytes | memoryview) -> bytes:
    return hmac.new(_secret(), payload, hashlib.sha256).digest()


@cache
def tracked_by_git(folder: Path) -> bool:
    """Whether git tracks any file in `folder` (False outside a git checkout or without git);
    says so on stderr, once, when it does."""
    try:
        listed = subprocess.run(["git", "-C", str(folder.parent), "ls-files", "-z", "--",
                                 folder.name], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    tracked = listed.returncode == 0 and bool(listed.stdout)
    if tracked:
        print(f"kb: {folder} holds files tracked by git: the cache is not used (a committed "
              f"cache is never trusted); untrack it with `git rm -r --cached {folder.name}`",
              file=sys.stderr, flush=True)
    return tracked


def _read_file(path: Path, key: str) -> object | None:
    """The value a cache file holds under `key`, or None (missing, damaged, foreign, not
    written on this machine, or in a cache folder tracked by git)."""
    if path.parent.is_dir() and tracked_by_git(path.parent):
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    # a file is its payload's HMAC and the payload: damage or a planted edit is found here
    if len(data) < _MAC_BYTES or not hmac.compare_digest(
            _mac(memoryview(data)[_MAC_BYTES:]), data[:_MAC_BYTES]):
        return None
    try:
        magic, stored_key, value = store.loads(data, offset=_MAC_BYTES)
    except (store.StoreError, TypeError, ValueError):
        return None
    if magic != FORMAT or stored_key != key:
        return None
    found: object = value
    return found


def _write_file(path: Path, key: str, value: object) -> None:
    payload = store.dumps((FORMAT, key, value))
    write_atomically(path, _mac(payload) + payload, durable=False,
                     mode=0o600)


def _prepare(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        write_atomically(ignore, b"# the kb content cache: safe to delete, never commit\n*\n",
                         durable=False, mode=0o600)
