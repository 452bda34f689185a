"""`kb export`: lint first; on errors write nothing; else write the five exports atomically."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from export_support import GOLDEN_KB, load_kb

from kb.buildinfo import build_info
from kb.cli import main
from kb.export import EXPORT_FILES, build_exports
from kbtest import make_kb


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_writes_the_five_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = make_kb(tmp_path / "kb", base=GOLDEN_KB)
    out = tmp_path / "out"
    code, printed = _run("--root", str(root), "export", "--out", str(out))
    assert code == 0, printed
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPORT_FILES)
    expected = build_exports(load_kb(root), build_info(root))
    assert {name: (out / name).read_bytes() for name in EXPORT_FILES} == expected
    assert f"wrote {out / 'kb-bundle.json'}" in printed


def test_export_writes_into_site_by_default(tmp_path: Path) -> None:
    root = make_kb(tmp_path, base=GOLDEN_KB)
    code, printed = _run("--root", str(root), "export")
    assert code == 0, printed
    assert (root / "site" / "kb-bundle.json").is_file()
    assert (root / "site" / "llms.txt").read_text().startswith("# Golden KB\n")


def test_export_with_a_lint_error_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", {
        "docs/refunds/guide.md": (GOLDEN_KB / "docs/refunds/guide.md").read_text()
        .replace("owner: payments-ops-in", "owner: nobody"),
    }, base=GOLDEN_KB)
    out = tmp_path / "out"
    out.mkdir()
    for name in ("kb-bundle.json", "llms.txt", "index.html"):
        (out / name).write_text(f"previous {name}\n")
    before = _snapshot(out)
    code, printed = _run("--root", str(root), "export", "--out", str(out))
    assert code == 1
    assert "docs/refunds/guide.md" in printed and "nothing written" in printed
    assert _snapshot(out) == before


def test_export_with_a_lint_error_creates_no_folder(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", {"decision_trees/refund-triage.yaml": "id: [broken\n"},
                   base=GOLDEN_KB)
    code, _ = _run("--root", str(root), "export", "--out", str(tmp_path / "out"))
    assert code == 1
    assert not (tmp_path / "out").exists()


def test_a_bad_source_date_epoch_is_a_usage_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_kb(tmp_path / "kb", base=GOLDEN_KB)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    code, _ = _run("--root", str(root), "export", "--out", str(tmp_path / "out"))
    assert code == 2
    assert not (tmp_path / "out").exists()


def test_export_strict_fails_on_warnings(tmp_path: Path) -> None:
    short = (GOLDEN_KB / "docs/refunds/old-window.md").read_text().split("# Refund window")[0]
    root = make_kb(tmp_path / "kb", {"docs/refunds/old-window.md":
                                     short + "# Refund window before 2025\n\nToo short.\n"},
                   base=GOLDEN_KB)
    code, printed = _run("--root", str(root), "export", "--strict", "--out", str(tmp_path / "o"))
    assert code == 1 and "warning" in printed
    assert not (tmp_path / "o").exists()
    code, printed = _run("--root", str(root), "export", "--out", str(tmp_path / "o"))
    assert code == 0 and "1 lint warning (see kb lint)" in printed
