"""Same sources, same bytes: no wall clock, build time from SOURCE_DATE_EPOCH or git."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from export_support import GOLDEN_KB, REPO, load_kb

from kb.buildinfo import FIXED_EPOCH, BuildInfoError, build_info, site_info
from kb.export import build_exports
from kb.loader import load_config
from kbtest import make_kb


def _exports(root: Path, environ: dict[str, str] | None = None) -> dict[str, bytes]:
    return build_exports(load_kb(root), build_info(root, environ))


@pytest.mark.parametrize("which", ["small", "real"])
def test_two_builds_are_byte_identical(which: str, tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", base=GOLDEN_KB) if which == "small" else REPO
    first = _exports(root, {})
    second = _exports(root, {})
    assert first == second


def test_a_copy_of_the_sources_elsewhere_gives_the_same_bytes(tmp_path: Path) -> None:
    one = make_kb(tmp_path / "one", base=GOLDEN_KB)
    two = make_kb(tmp_path / "elsewhere" / "two", base=GOLDEN_KB)
    env = {"SOURCE_DATE_EPOCH": "1780000000"}
    assert _exports(one, env) == _exports(two, env)


def test_source_date_epoch_changes_only_the_build_time(tmp_path: Path) -> None:
    root = make_kb(tmp_path, base=GOLDEN_KB)
    early = _exports(root, {"SOURCE_DATE_EPOCH": "1700000000"})
    late = _exports(root, {"SOURCE_DATE_EPOCH": "1800000000"})
    assert [n for n in early if early[n] != late[n]] == ["kb-bundle.json"]
    a, b = json.loads(early["kb-bundle.json"]), json.loads(late["kb-bundle.json"])
    assert a["build"]["time"] == "2023-11-14T22:13:20Z"
    assert b["build"]["time"] == "2027-01-15T08:00:00Z"
    a["build"].pop("time")
    b["build"].pop("time")
    assert a == b


def test_without_git_or_source_date_epoch_the_time_is_fixed(tmp_path: Path) -> None:
    root = make_kb(tmp_path, base=GOLDEN_KB)
    build = build_info(root, {})
    assert build.commit == ""
    assert build.time == FIXED_EPOCH and build.time_source == "fixed"
    assert build.iso_time == "1970-01-01T00:00:00Z"


@pytest.mark.parametrize("value", ["soon", "-5", "1.5", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(BuildInfoError, match="SOURCE_DATE_EPOCH"):
        build_info(tmp_path, {"SOURCE_DATE_EPOCH": value})


def _git(root: Path, *args: str, when: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    command = ["git", "-C", str(root), "-c", "commit.gpgsign=false", *args]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_in_a_git_checkout_the_commit_and_its_time_are_used(tmp_path: Path) -> None:
    root = make_kb(tmp_path, base=GOLDEN_KB)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "content", when="2026-03-04T05:06:07+00:00")
    head = _git(root, "rev-parse", "HEAD")
    build = build_info(root, {})
    assert build.commit == head
    assert build.time == dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    assert build.time_source == "git"
    bundle = json.loads(build_exports(load_kb(root), build)["kb-bundle.json"])
    assert bundle["build"]["commit"] == head
    assert bundle["build"]["time"] == "2026-03-04T05:06:07Z"
    # SOURCE_DATE_EPOCH wins over the commit time; the commit id stays
    pinned = build_info(root, {"SOURCE_DATE_EPOCH": "0"})
    assert pinned.commit == head and pinned.time == FIXED_EPOCH
    assert pinned.time_source == "SOURCE_DATE_EPOCH"


def test_site_info_comes_from_mkdocs_yml(tmp_path: Path) -> None:
    root = make_kb(tmp_path, base=GOLDEN_KB)
    info = site_info(root)
    assert info.name == "Golden KB" and load_config(root).use_directory_urls is True
    assert info.description.startswith("A small knowledge base")
    config = (root / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text("site_name: X\nsite_url: https://kb.example.invalid/\n"
                                     "extra: !ENV [NOPE, 1]\nuse_directory_urls: false\n")
    info = site_info(root)
    assert (info.name, info.url) == ("X", "https://kb.example.invalid/")
    (root / "mkdocs.yml").write_text(config.replace("use_directory_urls: true",
                                                    "use_directory_urls: false"))
    assert load_config(root).use_directory_urls is False
    (root / "mkdocs.yml").unlink()
    assert site_info(root).name == "Knowledge base"
