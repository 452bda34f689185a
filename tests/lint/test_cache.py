"""The content cache in .kb-cache/: a warm lint finds exactly what a cold one finds, never less.

Every test edits content between runs the way an author does, and checks the second run against
what the edit must show. The last tests check the promise the cache rests on: a rule marked
`local=True` finds in a file nothing that depends on another file.
"""

from __future__ import annotations

import io
import os
import pickle
from collections import Counter
from pathlib import Path

import pytest
import yaml

from kb.cli import main
from kb.lint import lint
from kb.lint.problem import Diagnostic
from kb.lint.registry import all_rules
from kb.lint.runner import LintContext, run_rules
from kb.loader import cache as cache_module
from kb.loader import load, load_config
from kb.loader import parse as parse_module
from kb.loader.cache import CACHE_DIR
from kb.model import KnowledgeBase
from kbtest import FIXTURES, make_kb

ARTICLE = "docs/guides/refund.md"
TREE = "decision_trees/refund.yaml"


def run(root: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--root", str(root), *argv], out=out)
    return code, out.getvalue()


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def codes(out: str) -> list[str]:
    return [line.split(": ", 2)[1].split()[0] for line in out.splitlines()
            if line.startswith(("docs/", "decision_trees/")) and ": KB" in line]


def count_parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the files the loader parses (rather than takes from the cache)."""
    parsed: Counter[str] = Counter()
    real = parse_module.parse_text

    def counting(rel: str, text: str) -> parse_module.FileResult:
        parsed[rel] += 1
        return real(rel, text)

    monkeypatch.setattr("kb.loader.pool.parse_text", counting)
    return parsed


# --- what a warm run shows ---------------------------------------------------------------------


def test_warm_lint_sees_a_new_finding_and_its_fix(kb_dir: Path) -> None:
    assert run(kb_dir, "lint") == (0, "0 errors, 0 warnings in 4 files\n")
    assert (kb_dir / CACHE_DIR).is_dir()

    edit(kb_dir, ARTICLE, "## Timelines", "## Timelines\n\nSee [the reply](reply-refund.md#nope).")
    code, out = run(kb_dir, "lint")
    assert code == 1
    assert f"{ARTICLE}:18:5: KB202 anchor `#nope` is not a heading" in out

    edit(kb_dir, ARTICLE, "#nope", "")
    assert run(kb_dir, "lint") == (0, "0 errors, 0 warnings in 4 files\n")


def test_warm_lint_reparses_only_the_edited_file(kb_dir: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = count_parses(monkeypatch)
    run(kb_dir, "lint")
    assert len(parsed) == 4
    parsed.clear()
    edit(kb_dir, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    code, out = run(kb_dir, "lint")
    assert code == 1 and f"{ARTICLE}:13:1: KB101 unknown key `colour`" in out
    assert dict(parsed) == {ARTICLE: 1}


def test_a_finding_that_depends_on_another_file_follows_that_file(kb_dir: Path) -> None:
    # the tree cites an anchor of the article: renaming the heading breaks the unchanged tree
    run(kb_dir, "lint")
    tree_text = (kb_dir / TREE).read_text(encoding="utf-8")
    assert "guide-refund#timelines" in tree_text
    edit(kb_dir, ARTICLE, "## Timelines", "## Time limits")
    code, out = run(kb_dir, "lint")
    assert code == 1
    assert "KB204" in codes(out) and f"{TREE}:" in out
    edit(kb_dir, ARTICLE, "## Time limits", "## Timelines")
    assert run(kb_dir, "lint")[0] == 0


def test_same_size_and_time_stamp_still_counts_as_a_change(kb_dir: Path) -> None:
    # the cache compares the bytes' sha256, never sizes or modification times
    run(kb_dir, "lint")
    path = kb_dir / ARTICLE
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace("status: published", "status: publishex")
    assert len(changed) == len(text)
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code, out = run(kb_dir, "lint")
    assert code == 1 and "KB103" in codes(out)


def test_renamed_and_deleted_files(kb_dir: Path) -> None:
    edit(kb_dir, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    run(kb_dir, "lint")
    moved = "docs/guides/refunds.md"
    (kb_dir / ARTICLE).rename(kb_dir / moved)
    _, out = run(kb_dir, "lint")
    assert f"{moved}:13:1: KB101" in out and f"{ARTICLE}:" not in out
    (kb_dir / moved).unlink()
    _, out = run(kb_dir, "lint")
    assert "KB101" not in out and f"{moved}:" not in out


def test_changing_the_vocabulary_in_mkdocs_yml_changes_the_findings(kb_dir: Path) -> None:
    assert run(kb_dir, "lint")[0] == 0
    edit(kb_dir, "mkdocs.yml", "markets: [IN, BR]", "markets: [BR]")
    code, out = run(kb_dir, "lint")
    assert code == 1
    assert f"{ARTICLE}:10:11: KB105 unknown market `IN`" in out
    edit(kb_dir, "mkdocs.yml", "markets: [BR]", "markets: [IN, BR]")
    assert run(kb_dir, "lint")[0] == 0


def test_the_judged_on_day_is_part_of_the_key(kb_dir: Path) -> None:
    assert run(kb_dir, "lint", "--today", "2026-11-01")[0] == 0
    code, out = run(kb_dir, "lint", "--today", "2031-01-01")
    assert code == 1 and "KB502" in codes(out)
    assert run(kb_dir, "lint", "--today", "2026-11-01")[0] == 0


def test_a_code_change_invalidates_the_cache(kb_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = count_parses(monkeypatch)
    run(kb_dir, "lint")
    run(kb_dir, "lint")
    assert set(parsed.values()) == {1}
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another version of kb")
    run(kb_dir, "lint")
    assert set(parsed.values()) == {2}


# --- a damaged cache, and none -----------------------------------------------------------------


def _clean_output(root: Path) -> tuple[int, str]:
    edit(root, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    return run(root, "lint", "--no-cache")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "folder", "wrong-pickle"])
def test_a_damaged_cache_is_ignored_and_rewritten(kb_dir: Path, damage: str) -> None:
    expected = _clean_output(kb_dir)
    run(kb_dir, "lint")
    files = [p for p in (kb_dir / CACHE_DIR).iterdir() if p.suffix == ".pickle"]
    assert files
    for path in files:
        data = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"\x80\x05not a pickle at all" * 10)
        elif damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "empty":
            path.write_bytes(b"")
        elif damage == "folder":
            path.unlink()
            path.mkdir()
        else:
            path.write_bytes(pickle.dumps({"entries": [1, 2, 3]}))
    assert run(kb_dir, "lint") == expected
    assert run(kb_dir, "lint") == expected


def test_a_cache_entry_naming_code_is_refused_not_run(kb_dir: Path, tmp_path: Path) -> None:
    run(kb_dir, "lint")
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    for path in (kb_dir / CACHE_DIR).glob("*.pickle"):
        path.write_bytes(pickle.dumps(Planted()))
    assert run(kb_dir, "lint")[0] == 0
    assert not marker.exists()


def test_an_unwritable_cache_folder_is_no_error(kb_dir: Path) -> None:
    (kb_dir / CACHE_DIR).write_text("a file where the cache folder would go", encoding="utf-8")
    assert run(kb_dir, "lint") == (0, "0 errors, 0 warnings in 4 files\n")
    assert (kb_dir / CACHE_DIR).is_file()


def test_no_cache_neither_reads_nor_writes_it(kb_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(kb_dir, "lint", "--no-cache")[0] == 0
    assert not (kb_dir / CACHE_DIR).exists()
    run(kb_dir, "lint")
    before = {p.name: p.read_bytes() for p in (kb_dir / CACHE_DIR).iterdir()}
    parsed = count_parses(monkeypatch)
    edit(kb_dir, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    code, out = run(kb_dir, "lint", "--no-cache")
    assert code == 1 and "KB101" in codes(out)
    assert len(parsed) == 4  # every file parsed again, none taken from the cache
    assert {p.name: p.read_bytes() for p in (kb_dir / CACHE_DIR).iterdir()} == before
    for command in (["test"], ["export", "--out", str(kb_dir / "out")], ["check", "--no-export"]):
        assert run(kb_dir, *command, "--no-cache")[0] in (0, 1)
    assert {p.name: p.read_bytes() for p in (kb_dir / CACHE_DIR).iterdir()} == before


def test_the_cache_folder_ignores_itself_in_git(kb_dir: Path) -> None:
    run(kb_dir, "lint")
    assert (kb_dir / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


# --- cached and uncached lint agree ------------------------------------------------------------


def _fixture_kbs() -> list[str]:
    return sorted(p.stem for p in (FIXTURES / "rules").glob("KB*.yaml"))


def _make_fixture_kb(code: str, root: Path) -> Path:
    data = yaml.safe_load((FIXTURES / "rules" / f"{code}.yaml").read_text(encoding="utf-8"))
    return make_kb(root, data["fail"]["files"])


def _lint(root: Path, cache: bool) -> list[Diagnostic]:
    loaded = load(load_config(root), cache=cache)
    return lint(loaded.kb, loaded.problems, loaded.ambiguous,
                digests=loaded.digests or None).diagnostics


@pytest.mark.parametrize("code", _fixture_kbs())
def test_cold_and_warm_cached_lint_equal_an_uncached_lint(code: str, tmp_path: Path) -> None:
    root = _make_fixture_kb(code, tmp_path / "kb")
    expected = _lint(root, cache=False)
    assert _lint(root, cache=True) == expected
    assert (root / CACHE_DIR).is_dir()
    assert _lint(root, cache=True) == expected


# --- the promise behind caching a rule's findings per file -------------------------------------


def _only(kb: KnowledgeBase, path: str) -> KnowledgeBase:
    part = KnowledgeBase(config=kb.config)
    part.files = {p: f for p, f in kb.files.items() if p == path}
    part.articles_by_path = {p: a for p, a in kb.articles_by_path.items() if p == path}
    part.trees_by_path = {p: t for p, t in kb.trees_by_path.items() if p == path}
    part.case_sets = [c for c in kb.case_sets if c.path == path]
    part.section_pages = [s for s in kb.section_pages if s.path == path]
    part.articles = {a.id: a for a in part.articles_by_path.values()}
    part.trees = {t.id: t for t in part.trees_by_path.values()}
    return part


@pytest.mark.parametrize("code", _fixture_kbs())
def test_local_rules_find_the_same_in_a_file_alone(code: str, tmp_path: Path) -> None:
    """A rule marked local finds in each file exactly what it finds there in the whole KB."""
    root = _make_fixture_kb(code, tmp_path / "kb")
    loaded = load(load_config(root))
    kb = loaded.kb
    local = [r for r in all_rules() if r.local]
    today = kb.config.judged_on()
    everywhere = run_rules(LintContext(kb, today, loaded.ambiguous), local)
    assert {d.path for d in everywhere} <= set(kb.files)
    for path in kb.files:
        alone = run_rules(LintContext(_only(kb, path), today,
                                      {p: v for p, v in loaded.ambiguous.items() if p == path}),
                          local)
        assert sorted(alone) == sorted(d for d in everywhere if d.path == path), path


def test_rules_marked_local_are_the_per_file_ones() -> None:
    local = {r.code for r in all_rules() if r.local}
    # the cross-file rules: ids, links and references, cases against their trees
    assert not local & {"KB107", "KB201", "KB202", "KB203", "KB204", "KB205", "KB206", "KB401",
                        "KB402", "KB403", "KB404", "KB405", "KB406", "KB504", "KB505", "KB608",
                        "KB609"}
    assert {"KB101", "KB301", "KB506", "KB602"} <= local


def test_a_flipped_byte_anywhere_in_the_cache_is_noticed(kb_dir: Path) -> None:
    expected = _clean_output(kb_dir)
    run(kb_dir, "lint")
    for path in (kb_dir / CACHE_DIR).glob("*.pickle"):
        data = bytearray(path.read_bytes())
        data[len(data) * 2 // 3] ^= 0x01
        path.write_bytes(bytes(data))
    assert run(kb_dir, "lint") == expected
