"""The content cache in .kb-cache/: a warm lint finds exactly what a cold one finds, never less.

Every test edits content between runs the way an author does, and checks the second run against
what the edit must show; random sequences of edits check every run against a lint without the
cache. The last tests check the promises the cache rests on: a rule marked `local=True` finds in
a file nothing that depends on another file, and every other rule finds in a file nothing that
depends on more of the other files than their outlines.
"""

from __future__ import annotations

import os
import pickle
from collections import Counter
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from kb.diagnostics import Diagnostic
from kb.lint import incremental, lint_kb
from kb.lint.incremental import LoadedFiles, among_stand_ins, lint_content
from kb.lint.outline import outline
from kb.lint.registry import all_rules
from kb.lint.runner import LintContext, run_rules
from kb.loader import ContentFiles, load, load_config
from kb.loader import cache as cache_module
from kb.loader import parse as parse_module
from kb.loader.cache import CACHE_DIR
from kb.model import KnowledgeBase
from kbtest import BASE_KB, FIXTURES, edit, make_kb, run_cli

ARTICLE = "docs/guides/refund.md"
TREE = "decision_trees/refund.yaml"
BASE_ARTICLE = (BASE_KB / ARTICLE).read_text(encoding="utf-8")
BASE_TREE = (BASE_KB / TREE).read_text(encoding="utf-8")


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
    assert run_cli(kb_dir, "lint") == (0, "0 errors, 0 warnings in 4 files\n")
    assert (kb_dir / CACHE_DIR).is_dir()

    edit(kb_dir, ARTICLE, "## Timelines", "## Timelines\n\nSee [the reply](reply-refund.md#nope).")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1
    assert f"{ARTICLE}:18:5: KB202 anchor `#nope` is not a heading" in out

    edit(kb_dir, ARTICLE, "#nope", "")
    assert run_cli(kb_dir, "lint") == (0, "0 errors, 0 warnings in 4 files\n")


def test_warm_lint_reparses_only_the_edited_file(kb_dir: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = count_parses(monkeypatch)
    run_cli(kb_dir, "lint")
    assert len(parsed) == 4
    parsed.clear()
    edit(kb_dir, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1 and f"{ARTICLE}:13:1: KB101 unknown key `colour`" in out
    assert dict(parsed) == {ARTICLE: 1}


def test_a_finding_that_depends_on_another_file_follows_that_file(kb_dir: Path) -> None:
    # the tree cites an anchor of the article: renaming the heading breaks the unchanged tree
    run_cli(kb_dir, "lint")
    tree_text = (kb_dir / TREE).read_text(encoding="utf-8")
    assert "guide-refund#timelines" in tree_text
    edit(kb_dir, ARTICLE, "## Timelines", "## Time limits")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1
    assert "KB204" in codes(out) and f"{TREE}:" in out
    edit(kb_dir, ARTICLE, "## Time limits", "## Timelines")
    assert run_cli(kb_dir, "lint")[0] == 0


def test_same_size_and_time_stamp_still_counts_as_a_change(kb_dir: Path) -> None:
    # the cache compares the bytes' sha256, never sizes or modification times
    run_cli(kb_dir, "lint")
    path = kb_dir / ARTICLE
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace("status: published", "status: publishex")
    assert len(changed) == len(text)
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code, out = run_cli(kb_dir, "lint")
    assert code == 1 and "KB103" in codes(out)


def test_renamed_and_deleted_files(kb_dir: Path) -> None:
    edit(kb_dir, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    run_cli(kb_dir, "lint")
    moved = "docs/guides/refunds.md"
    (kb_dir / ARTICLE).rename(kb_dir / moved)
    _, out = run_cli(kb_dir, "lint")
    assert f"{moved}:13:1: KB101" in out and f"{ARTICLE}:" not in out
    (kb_dir / moved).unlink()
    _, out = run_cli(kb_dir, "lint")
    assert "KB101" not in out and f"{moved}:" not in out


def test_changing_the_vocabulary_in_mkdocs_yml_changes_the_findings(kb_dir: Path) -> None:
    assert run_cli(kb_dir, "lint")[0] == 0
    edit(kb_dir, "mkdocs.yml", "markets: [IN, BR]", "markets: [BR]")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1
    assert f"{ARTICLE}:10:11: KB105 unknown market `IN`" in out
    edit(kb_dir, "mkdocs.yml", "markets: [BR]", "markets: [IN, BR]")
    assert run_cli(kb_dir, "lint")[0] == 0


def test_the_judged_on_day_is_part_of_the_key(kb_dir: Path) -> None:
    assert run_cli(kb_dir, "lint", "--today", "2026-11-01")[0] == 0
    code, out = run_cli(kb_dir, "lint", "--today", "2031-01-01")
    assert code == 1 and "KB502" in codes(out)
    assert run_cli(kb_dir, "lint", "--today", "2026-11-01")[0] == 0


def test_a_code_change_invalidates_the_cache(kb_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = count_parses(monkeypatch)
    run_cli(kb_dir, "lint")
    run_cli(kb_dir, "lint")
    assert set(parsed.values()) == {1}
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another version of kb")
    run_cli(kb_dir, "lint")
    assert set(parsed.values()) == {2}


def test_an_edit_of_text_alone_loads_no_other_file(kb_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # the edit leaves every outline as it was: the other files are neither parsed nor loaded
    run_cli(kb_dir, "lint")
    parsed = count_parses(monkeypatch)

    def no_whole_load(self: ContentFiles) -> None:
        raise AssertionError("the whole knowledge base was loaded")

    monkeypatch.setattr(ContentFiles, "assemble", no_whole_load)
    outlines = (kb_dir / CACHE_DIR / "lint-outlines.pickle").read_bytes()
    edit(kb_dir, ARTICLE, "Refunds arrive", "See [the reply](reply-refund.md#nope). Refunds arrive")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1 and f"{ARTICLE}:18:5: KB202 anchor `#nope`" in out
    assert dict(parsed) == {ARTICLE: 1}
    assert (kb_dir / CACHE_DIR / "lint-outlines.pickle").read_bytes() == outlines


def test_a_heading_renamed_in_another_article_breaks_an_unchanged_link(kb_dir: Path) -> None:
    edit(kb_dir, ARTICLE, "## Timelines",
         "## Timelines\n\nSee [the reply](reply-refund.md#on-hold).")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1 and "KB202" in codes(out)
    edit(kb_dir, "docs/guides/reply-refund.md", "Hello", "## On hold\n\nHello")
    assert run_cli(kb_dir, "lint")[0] == 0
    edit(kb_dir, "docs/guides/reply-refund.md", "## On hold", "## Held")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1 and f"{ARTICLE}:18:5: KB202 anchor `#on-hold`" in out


def test_a_status_changed_in_one_article_shows_where_it_is_linked(kb_dir: Path) -> None:
    run_cli(kb_dir, "lint")
    edit(kb_dir, "docs/guides/reply-refund.md", "status: published", "status: deprecated")
    _, out = run_cli(kb_dir, "lint")
    assert f"{ARTICLE}:22:" in out and "KB504" in codes(out)
    assert f"{TREE}:" in out  # the tree's outcome uses it as a macro
    edit(kb_dir, "docs/guides/reply-refund.md", "status: deprecated", "status: published")
    assert run_cli(kb_dir, "lint") == (0, "0 errors, 0 warnings in 4 files\n")


def test_an_id_taken_by_another_file_is_reported_in_the_unchanged_one(kb_dir: Path) -> None:
    run_cli(kb_dir, "lint")
    # file order decides which of two owners of an id is reported: the later one
    edit(kb_dir, ARTICLE, "id: guide-refund", "id: reply-refund")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1 and "docs/guides/reply-refund.md:2:5: KB107 id `reply-refund` is " \
        f"already used by {ARTICLE}" in out
    edit(kb_dir, ARTICLE, "id: reply-refund", "id: guide-refund")
    assert run_cli(kb_dir, "lint")[0] == 0


def test_a_tree_edit_shows_in_its_unchanged_cases(kb_dir: Path) -> None:
    run_cli(kb_dir, "lint")
    edit(kb_dir, TREE, "next: wait}", "next: escalate}")
    edit(kb_dir, TREE, "  wait:\n", "  waiting:\n")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1 and "decision_trees/refund.cases.yaml:10:15: KB402" in out
    edit(kb_dir, TREE, "  waiting:\n", "  wait:\n")
    edit(kb_dir, TREE, "next: escalate}", "next: wait}")
    assert run_cli(kb_dir, "lint")[0] == 0


def test_a_case_id_taken_in_another_case_file_cites_its_line(kb_dir: Path) -> None:
    # other.cases.yaml comes first: the repeated id is reported in the unchanged refund cases
    other = "decision_trees/other.cases.yaml"
    (kb_dir / other).write_text("tree: refund\ncases:\n  - id: r-9\n    description: Done.\n"
                                "    facts: {arrived: true}\n    expected: done\n",
                                encoding="utf-8")
    assert "KB404" not in codes(run_cli(kb_dir, "lint")[1])
    edit(kb_dir, other, "id: r-9", "id: r-2")
    _, out = run_cli(kb_dir, "lint")
    assert "decision_trees/refund.cases.yaml:7:9: KB404 case id `r-2` is already used at " \
        f"{other}:3" in out
    edit(kb_dir, other, "cases:\n", "cases:\n\n\n")
    _, out = run_cli(kb_dir, "lint")
    assert f"already used at {other}:5" in out and f"{other}:3" not in out


def test_a_linked_file_outside_the_content_appearing_is_seen(kb_dir: Path) -> None:
    # no content file changes: the linter looked the file up, and looks again
    edit(kb_dir, ARTICLE, "Refunds arrive", "See [the timeline](timeline.png). Refunds arrive")
    code, out = run_cli(kb_dir, "lint")
    assert code == 1 and f"{ARTICLE}:18:5: KB201" in out
    (kb_dir / "docs/guides/timeline.png").write_bytes(b"\x89PNG")
    assert run_cli(kb_dir, "lint") == (0, "0 errors, 0 warnings in 4 files\n")
    (kb_dir / "docs/guides/timeline.png").unlink()
    assert run_cli(kb_dir, "lint")[0] == 1


def test_a_new_file_and_a_removed_one_change_what_others_find(kb_dir: Path) -> None:
    edit(kb_dir, ARTICLE, "## Timelines", "## Timelines\n\nSee [the FAQ](faq.md).")
    assert "KB201" in codes(run_cli(kb_dir, "lint")[1])
    faq = kb_dir / "docs/guides/faq.md"
    faq.write_text((kb_dir / "docs/guides/reply-refund.md").read_text(encoding="utf-8")
                   .replace("id: reply-refund", "id: refund-faq"), encoding="utf-8")
    assert run_cli(kb_dir, "lint") == (0, "0 errors, 0 warnings in 5 files\n")
    faq.unlink()
    assert "KB201" in codes(run_cli(kb_dir, "lint")[1])


_EDITS = [
    (ARTICLE, "## Timelines", "## Time limits"),
    (ARTICLE, "Refunds arrive", "See [timelines](#timelines) and [x](reply-refund.md#x). Refunds"),
    (ARTICLE, "status: published", "status: draft"),
    (ARTICLE, "tags: [refund]\n", "tags: [refund]\nrelated: [reply-refund, nothing]\n"),
    ("docs/guides/reply-refund.md", "visibility: public", "visibility: restricted"),
    ("docs/guides/reply-refund.md", "Hello", "Call +91 98765 43210.\n\n## Reply\n\nHello"),
    ("docs/guides/reply-refund.md", "status: published", "status: deprecated"),
    (TREE, "article: guide-refund#escalation", "article: guide-refund#escalations"),
    (TREE, "macro: reply-refund", "macro: guide-refund"),
    (TREE, "id: refund", "id: refunds"),
    ("decision_trees/refund.cases.yaml", "id: r-3", "id: r-1"),
    ("decision_trees/refund.cases.yaml", "days: 9}", "hours: 9}"),
    ("decision_trees/refund.cases.yaml", "tree: refund", "tree: refunds"),
]


_CROSS_EDITS = [
    ("docs/guides/index.md", "## Escalation paths", "## Escalations"),
    ("docs/guides/index.md", "Start with", "Then, [old](old.md#steps). Start with"),
    ("docs/guides/old.md", "status: deprecated", "status: published"),
    ("docs/guides/old.md", "superseded_by: guide-refund", "superseded_by: guide-refunds"),
    ("docs/guides/old.md", "## Steps", "## Steps taken"),
    ("docs/guides/draft.md", "status: draft", "status: published"),
    ("docs/guides/draft.md", "type: macro", "type: reference"),
    ("decision_trees/other.cases.yaml", "id: r-2", "id: r-7"),
    ("decision_trees/other.cases.yaml", "cases:\n", "cases:\n\n"),
]


@pytest.mark.parametrize("seed", range(12))
def test_random_edits_warm_lint_equals_an_uncached_lint(kb_dir: Path, seed: int) -> None:
    """Edits applied one after another, some undone later: after each, the cached lint finds
    what a lint without the cache finds."""
    import random

    rng = random.Random(seed)
    if seed % 2:
        make_kb(kb_dir, CROSS_REFERENCES, base=None)
        if seed % 4 == 1:
            (kb_dir / "docs/guides/timeline.pdf").write_bytes(b"%PDF")
    edits = _EDITS + _CROSS_EDITS if seed % 2 else _EDITS
    applied: list[tuple[str, str, str]] = []
    config = load_config(kb_dir)
    lint_content(config)
    for _ in range(12):
        if applied and rng.random() < 0.3:
            rel, old, new = applied.pop(rng.randrange(len(applied)))
            edit(kb_dir, rel, new, old)
        else:
            candidates = [e for e in edits if e not in applied
                          and e[1] in (kb_dir / e[0]).read_text(encoding="utf-8")]
            if not candidates:
                continue
            rel, old, new = rng.choice(candidates)
            edit(kb_dir, rel, old, new)
            applied.append((rel, old, new))
        expected = _lint(kb_dir, cache=False)
        assert lint_content(config).diagnostics == expected, applied


# --- a damaged cache, and none -----------------------------------------------------------------


def _clean_output(root: Path) -> tuple[int, str]:
    edit(root, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    return run_cli(root, "lint", "--no-cache")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "folder", "wrong-pickle"])
def test_a_damaged_cache_is_ignored_and_rewritten(kb_dir: Path, damage: str) -> None:
    expected = _clean_output(kb_dir)
    run_cli(kb_dir, "lint")
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
    assert run_cli(kb_dir, "lint") == expected
    assert run_cli(kb_dir, "lint") == expected


def test_outlines_kept_from_another_run_are_not_used(kb_dir: Path) -> None:
    # the outlines and the rest are two files: one written without the other is never trusted
    run_cli(kb_dir, "lint")
    outlines = kb_dir / CACHE_DIR / "lint-outlines.pickle"
    old = outlines.read_bytes()
    edit(kb_dir, "docs/guides/reply-refund.md", "status: published", "status: deprecated")
    assert run_cli(kb_dir, "lint")[0] == 1
    outlines.write_bytes(old)
    edit(kb_dir, ARTICLE, "Refunds arrive", "Refunds always arrive")
    assert run_cli(kb_dir, "lint") == run_cli(kb_dir, "lint", "--no-cache")


def test_a_cache_entry_naming_code_is_refused_not_run(kb_dir: Path, tmp_path: Path) -> None:
    run_cli(kb_dir, "lint")
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    for path in (kb_dir / CACHE_DIR).glob("*.pickle"):
        path.write_bytes(pickle.dumps(Planted()))
    assert run_cli(kb_dir, "lint")[0] == 0
    assert not marker.exists()


def test_an_unwritable_cache_folder_is_no_error(kb_dir: Path) -> None:
    (kb_dir / CACHE_DIR).write_text("a file where the cache folder would go", encoding="utf-8")
    assert run_cli(kb_dir, "lint") == (0, "0 errors, 0 warnings in 4 files\n")
    assert (kb_dir / CACHE_DIR).is_file()


def test_no_cache_neither_reads_nor_writes_it(kb_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli(kb_dir, "lint", "--no-cache")[0] == 0
    assert not (kb_dir / CACHE_DIR).exists()
    run_cli(kb_dir, "lint")
    before = {p.name: p.read_bytes() for p in (kb_dir / CACHE_DIR).iterdir()}
    parsed = count_parses(monkeypatch)
    edit(kb_dir, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    code, out = run_cli(kb_dir, "lint", "--no-cache")
    assert code == 1 and "KB101" in codes(out)
    assert len(parsed) == 4  # every file parsed again, none taken from the cache
    assert {p.name: p.read_bytes() for p in (kb_dir / CACHE_DIR).iterdir()} == before
    for command in (["test"], ["export", "--out", str(kb_dir / "out")], ["check", "--no-export"]):
        assert run_cli(kb_dir, *command, "--no-cache")[0] in (0, 1)
    assert {p.name: p.read_bytes() for p in (kb_dir / CACHE_DIR).iterdir()} == before


def test_the_cache_folder_ignores_itself_in_git(kb_dir: Path) -> None:
    run_cli(kb_dir, "lint")
    assert (kb_dir / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


# --- cached and uncached lint agree ------------------------------------------------------------


def _fixture_kbs() -> list[str]:
    return [*sorted(p.stem for p in (FIXTURES / "rules").glob("KB*.yaml")), "cross-references"]


#: a knowledge base where files point at each other in every way a rule follows
CROSS_REFERENCES: dict[str, str | None] = {
    "docs/guides/index.md": "# Guides\n\n## Escalation paths\n\nStart with the "
                            "[refund guide](refund.md#timelines), the [tree](/trees/refund/) "
                            "or the [old one](old.md#gone).\n",
    "docs/guides/old.md": "---\nid: old-refund\ntitle: Old refunds\nsummary: How refunds "
                          "were handled.\ntype: procedure\nvisibility: restricted\nstatus: "
                          "deprecated\nsuperseded_by: guide-refund\nowner: payments-ops-in\n"
                          "reviewed: 2026-10-01\nmarkets: [IN]\nproducts: [upi]\n---\n"
                          "# Old refunds\n\n## Steps\n\nSee [the guide](refund.md) and "
                          "[paths](index.md#escalation-paths).\n",
    "docs/guides/draft.md": "---\nid: draft-refund\ntitle: Draft\nsummary: Not yet.\n"
                            "type: macro\nvisibility: internal\nstatus: draft\nowner: "
                            "payments-ops-in\nreviewed: 2026-10-01\nmarkets: [IN]\n"
                            "products: [upi]\n---\n# Draft\n\nText of the draft reply.\n",
    "docs/guides/refund.md": (BASE_ARTICLE.replace("tags: [refund]\n", "tags: [refund]\n"
                              "related: [old-refund, draft-refund, refund, nothing]\n")
                              .replace("See the [reply](reply-refund.md).",
                                       "See the [reply](reply-refund.md), [paths](index.md"
                                       "#escalation-paths), [old](old.md#steps), [draft](draft"
                                       ".md), [url](/guides/reply-refund/), [pdf](timeline.pdf)"
                                       ", [me](#escalation) and [gone](gone.md).")),
    "decision_trees/refund.yaml": (BASE_TREE.replace("macro: reply-refund", "macro: draft-refund")
                                   .replace("article: guide-refund#escalation",
                                            "article: old-refund#steps")),
    "decision_trees/other.cases.yaml": "tree: refund\ncases:\n  - id: r-2\n    description: "
                                       "Done.\n    facts: {arrived: true}\n    expected: done\n",
}


def _make_fixture_kb(code: str, root: Path) -> Path:
    if code == "cross-references":
        return make_kb(root, CROSS_REFERENCES)
    data = yaml.safe_load((FIXTURES / "rules" / f"{code}.yaml").read_text(encoding="utf-8"))
    return make_kb(root, data["fail"]["files"])


def _lint(root: Path, cache: bool) -> list[Diagnostic]:
    loaded = load(load_config(root), cache=cache)
    return lint_kb(loaded.kb, loaded.problems, loaded.ambiguous,
                digests=loaded.digests or None).diagnostics


@pytest.mark.parametrize("code", _fixture_kbs())
def test_cold_and_warm_cached_lint_equal_an_uncached_lint(code: str, tmp_path: Path) -> None:
    root = _make_fixture_kb(code, tmp_path / "kb")
    expected = _lint(root, cache=False)
    assert _lint(root, cache=True) == expected
    assert (root / CACHE_DIR).is_dir()
    assert _lint(root, cache=True) == expected


@pytest.mark.parametrize("code", _fixture_kbs())
def test_kb_lint_cold_and_warm_equals_an_uncached_lint(code: str, tmp_path: Path) -> None:
    root = _make_fixture_kb(code, tmp_path / "kb")
    expected = _lint(root, cache=False)
    config = load_config(root)
    assert lint_content(config).diagnostics == expected
    assert lint_content(config).diagnostics == expected
    assert _lint(root, cache=True) == expected  # the plugin's way, on what kb lint left


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
    if kb.policy_set is not None and kb.policy_set.path == path:
        part.policy_set = kb.policy_set
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


@pytest.mark.parametrize("code", _fixture_kbs())
def test_cross_file_rules_find_the_same_in_a_file_among_stand_ins(code: str,
                                                                  tmp_path: Path) -> None:
    """Every other rule finds in each file, checked among stand-ins of the other files (see
    `kb.lint.outline`), exactly what it finds there in the whole KB: what a file's findings
    depend on in other files is in their outlines."""
    root = _make_fixture_kb(code, tmp_path / "kb")
    loaded = load(load_config(root))
    kb = loaded.kb
    cross = [r for r in all_rules() if not r.local]
    today = kb.config.judged_on()
    everywhere = run_rules(LintContext(kb, today, loaded.ambiguous), cross)
    files = LoadedFiles(kb, loaded.problems, loaded.ambiguous, {p: p for p in kb.files})
    items = files.parsed(list(kb.files))
    outlines = {p: outline(items[p].item, p) for p in kb.files}
    for path in kb.files:
        ctx = among_stand_ins(files, files.parsed([path]), outlines.__getitem__, today)
        alone = [d for d in run_rules(ctx, cross, [path]) if d.path == path]
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
    run_cli(kb_dir, "lint")
    for path in (kb_dir / CACHE_DIR).glob("*.pickle"):
        data = bytearray(path.read_bytes())
        data[len(data) * 2 // 3] ^= 0x01
        path.write_bytes(bytes(data))
    assert run_cli(kb_dir, "lint") == expected


def test_library_versions_are_read_as_importlib_metadata_reads_them() -> None:
    from importlib.metadata import PackageNotFoundError, version

    def expected(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    names = (*cache_module._LIBRARIES, "no-such-distribution")
    assert cache_module._installed(names) == {name: expected(name) for name in names}



def _of_kinds(kb: KnowledgeBase, kinds: Collection[str]) -> KnowledgeBase:
    """`kb` with only its files of `kinds` (articles, trees, case files)."""
    paths = {*(kb.articles_by_path if "article" in kinds else ()),
             *(kb.trees_by_path if "tree" in kinds else ()),
             *(c.path for c in kb.case_sets if "cases" in kinds)}
    part = KnowledgeBase(config=kb.config)
    for path in paths:
        whole = _only(kb, path)
        part.files.update(whole.files)
        part.articles_by_path.update(whole.articles_by_path)
        part.trees_by_path.update(whole.trees_by_path)
        part.case_sets.extend(whole.case_sets)
    part.articles = {a.id: a for a in part.articles_by_path.values()}
    part.trees = {t.id: t for t in part.trees_by_path.values()}
    return part


@pytest.mark.parametrize("code", _fixture_kbs())
def test_rules_that_read_some_kinds_of_file_find_the_same_in_those_alone(
        code: str, tmp_path: Path) -> None:
    """A `kb` rule that names the kinds of file it reads finds the same in a knowledge base of
    those files alone, reports in no other file, and looks up nothing outside the content."""
    root = _make_fixture_kb(code, tmp_path / "kb")
    loaded = load(load_config(root))
    kb = loaded.kb
    today = kb.config.judged_on()
    reading = [r for r in all_rules() if r.reads is not None]
    assert "KB331" in {r.code for r in reading}
    for r in reading:
        ctx = LintContext(kb, today, loaded.ambiguous)
        everywhere = run_rules(ctx, [r])
        assert ctx.looked_up == {}, r.code
        part = _of_kinds(kb, r.reads or ())
        alone = run_rules(LintContext(part, today, loaded.ambiguous), [r])
        assert sorted(alone) == sorted(everywhere), r.code
        assert {d.path for d in everywhere} <= set(part.files), r.code


def test_a_rule_that_reads_trees_runs_again_only_when_a_tree_changed(
        kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KB331 reads the trees alone: a warm lint after an article's edit keeps its findings
    without running it, whether the edit changed what the article shows others (a public
    reply's text: its translations read it) or not (an internal guide's text)."""
    runs: list[str] = []
    rules = all_rules()
    kb331 = next(r for r in rules if r.code == "KB331")
    assert kb331.check is not None and kb331.reads == ("tree",)
    check = kb331.check

    def counted(ctx: LintContext) -> object:
        runs.append("KB331")
        return check(ctx)

    spied = [replace(r, check=counted) if r is kb331 else r for r in rules]
    monkeypatch.setattr(incremental, "all_rules", lambda: spied)
    config = load_config(kb_dir)
    twin = "decision_trees/twin.yaml"
    (kb_dir / twin).write_text((kb_dir / "decision_trees/refund.yaml").read_text(
        encoding="utf-8").replace("id: refund", "id: twin"), encoding="utf-8")
    first = lint_content(config).diagnostics
    assert runs == ["KB331"] and any(d.code == "KB331" for d in first)
    for path in ("docs/guides/refund.md", "docs/guides/reply-refund.md"):
        edit(kb_dir, path, "\n\n", "\n\nOne more sentence.\n\n")
        assert lint_content(config).diagnostics == _lint(kb_dir, cache=False)
        assert runs == ["KB331"], path
    edit(kb_dir, twin, "title: ", "title: Twin ")
    assert lint_content(config).diagnostics == _lint(kb_dir, cache=False)
    assert runs == ["KB331", "KB331"]
