"""Files kb does not check never reach the site: `kb lint` and `kb build` refuse symbolic links
out of the repository, unchecked file types and pathological nesting, and site/ stays unwritten."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sitecheck import prepare_site_kb

from kb.cli import main

SECRET = "kb-planted-secret-5e1c"


def _plant(root: Path, outside: Path, attack: str) -> str:
    """Plant one attack under docs/; the text that must never be published."""
    docs = root / "docs" / "guides"
    secret = outside / "secret.txt"
    secret.write_text(f"TOKEN={SECRET}\n", encoding="utf-8")
    if attack == "symlink-file":
        (docs / "env.txt").symlink_to(secret)
    elif attack == "symlink-article":
        (docs / "leak.md").symlink_to(secret)
    elif attack == "symlink-proc":
        (docs / "environ.txt").symlink_to("/proc/self/environ")
        return "environ"
    elif attack == "symlink-folder":
        (docs / "outside").symlink_to(outside, target_is_directory=True)
    elif attack == "html":
        (docs / "x.html").write_text(f"<script>alert('{SECRET}')</script>\n", encoding="utf-8")
    elif attack == "markdown":
        (docs / "x.markdown").write_text(f"# {SECRET}\n", encoding="utf-8")
    elif attack == "svg":
        (docs / "x.svg").write_text(f"<svg onload=\"alert('{SECRET}')\"/>\n", encoding="utf-8")
    else:
        article = (docs / "refund.md").read_text(encoding="utf-8")
        (docs / "refund.md").write_text(article + f"\n{SECRET}\n\n" + "[" * 20_000 + "\n",
                                        encoding="utf-8")
    return SECRET


@pytest.mark.parametrize("attack", ["symlink-file", "symlink-article", "symlink-proc",
                                    "symlink-folder", "html", "markdown", "svg", "brackets"])
def test_lint_and_build_refuse_and_publish_nothing(attack: str, tmp_path: Path) -> None:
    root = prepare_site_kb(tmp_path / "kb")
    outside = tmp_path / "outside"
    outside.mkdir()
    token = _plant(root, outside, attack)
    out = io.StringIO()
    assert main(["--root", str(root), "lint"], out=out) == 1
    assert any(f" {code} " in out.getvalue() for code in ("KB010", "KB011", "KB012"))
    assert SECRET not in out.getvalue()
    out = io.StringIO()
    assert main(["--root", str(root), "build"], out=out) == 1, out.getvalue()
    site = root / "site"
    published = [p for p in site.rglob("*") if p.is_file()] if site.exists() else []
    assert not any(token in p.name or token.encode() in p.read_bytes() for p in published)
