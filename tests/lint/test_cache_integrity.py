"""A planted cache entry is never trusted: entries carry an HMAC under a secret kept outside the
repository, so an entry written anywhere else (or edited) is ignored and rewritten."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kb.loader import cache, load_config
from kb.loader.cache import CACHE_DIR, Table, digest
from kb.loader.content import config_key
from kbtest import edit, make_kb, run_cli

SECRET_TEXT = "kb-restricted-text-2b7d"
ARTICLE = "docs/guides/hidden.md"


def _use_secret(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setenv("KB_CACHE_SECRET", str(path))
    cache._secret.cache_clear()


def test_planted_entry_cannot_publish_restricted_text(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_kb(tmp_path / "kb")
    reply = (root / "docs/guides/reply-refund.md").read_text(encoding="utf-8")
    (root / ARTICLE).write_text(reply.replace("id: reply-refund", "id: hidden-reply")
                                .replace("visibility: public", "visibility: internal")
                                .replace("type: macro", "type: reference"),
                                encoding="utf-8")
    edit(root, ARTICLE, "\n# ", f"\n{SECRET_TEXT}\n\n# ")
    restricted = (root / ARTICLE).read_bytes()
    assert b"visibility: internal" in restricted
    # the attacker, on their own machine: the internal version's parse, cached under the key
    # of the restricted file's bytes, committed into the repository's .kb-cache/
    _use_secret(monkeypatch, tmp_path / "attacker-secret")
    code, text = run_cli(root, "lint")
    assert code == 0, text
    config = load_config(root)
    key = config_key(config)
    assert key is not None
    table = Table(root, "load", key)
    blob = table.get(ARTICLE, digest(restricted))
    assert blob is not None
    (root / ARTICLE).write_bytes(restricted.replace(b"visibility: internal",
                                                    b"visibility: restricted"))
    table.put(ARTICLE, digest((root / ARTICLE).read_bytes()), blob)
    table.save(keep={ARTICLE})
    # CI, with this machine's secret: the entry is not trusted, the article stays restricted
    _use_secret(monkeypatch, tmp_path / "machine-secret")
    out = tmp_path / "out"
    code, text = run_cli(root, "export", "--out", str(out))
    assert code == 0, text
    exported = [p for p in out.rglob("*") if p.is_file()]
    assert exported
    assert not any(SECRET_TEXT.encode() in p.read_bytes() for p in exported)
    assert (root / CACHE_DIR).is_dir()


def test_own_entries_are_trusted_and_secret_is_private(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "home" / "kb" / "secret"
    _use_secret(monkeypatch, secret)
    root = make_kb(tmp_path / "kb")
    assert run_cli(root, "lint")[0] == 0
    assert secret.stat().st_mode & 0o777 == 0o600
    config = load_config(root)
    key = config_key(config)
    assert key is not None
    rel = "docs/guides/reply-refund.md"
    assert Table(root, "load", key).get(rel, digest((root / rel).read_bytes())) is not None


def test_a_cache_tracked_by_git_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Even an entry that verifies (a secret shared or leaked) is not read once the cache folder
    is committed: the loader parses the file itself and the exports stay clean."""
    root = make_kb(tmp_path / "kb")
    reply = (root / "docs/guides/reply-refund.md").read_text(encoding="utf-8")
    internal = (reply.replace("id: reply-refund", "id: hidden-reply")
                .replace("type: macro", "type: reference")
                .replace("visibility: public", "visibility: internal")
                .replace("\n# ", f"\n{SECRET_TEXT}\n\n# ", 1))
    (root / ARTICLE).write_text(internal, encoding="utf-8")
    _use_secret(monkeypatch, tmp_path / "shared-secret")
    assert run_cli(root, "lint")[0] == 0
    key = config_key(load_config(root))
    assert key is not None
    table = Table(root, "load", key)
    blob = table.get(ARTICLE, digest(internal.encode()))
    assert blob is not None
    restricted = internal.replace("visibility: internal", "visibility: restricted").encode()
    (root / ARTICLE).write_bytes(restricted)
    table.put(ARTICLE, digest(restricted), blob)
    table.save(keep={ARTICLE})
    for argv in (["init", "-q"], ["add", "-A"], ["add", "-f", CACHE_DIR],
                 ["-c", "user.name=a", "-c", "user.email=a@example.org", "commit", "-qm", "x"]):
        subprocess.run(["git", "-C", str(root), *argv], check=True)
    cache.tracked_by_git.cache_clear()
    capsys.readouterr()
    out = tmp_path / "out"
    code, text = run_cli(root, "export", "--out", str(out))
    assert code == 0, text
    exported = [p for p in out.rglob("*") if p.is_file()]
    assert exported
    assert not any(SECRET_TEXT.encode() in p.read_bytes() for p in exported)
    assert "tracked by git: the cache is not used" in capsys.readouterr().err
