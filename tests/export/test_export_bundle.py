"""kb-bundle.json: schema-valid, complete, resolved, hashed, and trees exactly as authored."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from export_support import (
    GOLDEN_KB,
    REPO,
    bundle_of,
    exports_of,
    fixed_build,
    load_kb,
    python_blocks,
    schema_errors,
)

from kb.buildinfo import BuildInfo, SiteInfo, build_info
from kb.export import build_bundle
from kb.export.bundle import canonical_json
from kb.model import KnowledgeBase
from kb.pages.bundle_format import bundle_format_markdown
from kbtest import make_kb


@pytest.fixture(scope="module")
def small() -> dict[str, Any]:
    return bundle_of(exports_of(GOLDEN_KB))


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    return load_kb(REPO)


@pytest.fixture(scope="module")
def real(real_kb: KnowledgeBase) -> dict[str, Any]:
    return build_bundle(real_kb, build_info(REPO))


def _items(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [*bundle["articles"], *bundle["trees"]]


def test_small_bundle_validates_against_the_schema(small: dict[str, Any]) -> None:
    assert schema_errors(small) == []


def test_real_bundle_validates_against_the_schema(real: dict[str, Any]) -> None:
    assert real["articles"] and real["trees"]
    assert schema_errors(json.loads(json.dumps(real))) == []


@pytest.mark.parametrize("change, where", [
    (lambda b: b["articles"][0].update(visibility="restricted"), "visibility"),
    (lambda b: b["articles"][0].update(status="draft"), "status"),
    (lambda b: b["trees"][0].update(visibility="restricted"), "visibility"),
    (lambda b: b["articles"][0].update(extra=1), "extra"),
    (lambda b: b.update(extra=1), "extra"),
    (lambda b: b["trees"][0]["nodes"]["age"]["branches"][0].update(when={"eq": 5}), "when"),
    (lambda b: b["trees"][0]["nodes"]["age"]["branches"][0].update(when=[]), "when"),
    (lambda b: b["trees"][0]["nodes"]["age"]["branches"][0].update(when={"lt": "5"}), "when"),
    (lambda b: b["trees"][0]["nodes"]["escalate"]["outcome"].pop("queue"), "queue"),
    (lambda b: b["trees"][0]["nodes"]["done"].update(ask="arrived"), "done"),
    (lambda b: b["articles"][0].update(sha256="nope"), "sha256"),
    (lambda b: b["build"].update(time="2026-11-01 12:00"), "time"),
])
def test_the_schema_is_strict(small: dict[str, Any], change: Any, where: str) -> None:
    broken = copy.deepcopy(small)
    change(broken)
    assert schema_errors(broken), f"a bundle with a bad `{where}` validated"


def test_when_takes_scalar_list_and_comparisons(small: dict[str, Any]) -> None:
    whens = [b["when"] for t in small["trees"] for n in t["nodes"].values()
             for b in n.get("branches", [])]
    assert True in whens and "upi" in whens and ["card", "wallet"] in whens
    assert {"gte": 5, "lt": 30} in whens


def test_articles_carry_every_field(small: dict[str, Any]) -> None:
    by_id = {a["id"]: a for a in small["articles"]}
    timelines = by_id["refund-timelines"]
    assert timelines["url"] == "refunds/timelines/"
    assert timelines["type"] == "policy" and timelines["visibility"] == "public"
    assert timelines["reviewed"] == "2026-10-01"
    assert timelines["markdown"].startswith("# Refund timelines\n")
    assert "**5 working days**" in timelines["markdown"]
    assert "5 working days" in timelines["text"] and "**" not in timelines["text"]
    assert [s["anchor"] for s in timelines["sections"]] == [
        "refund-timelines", "upi-refunds", "suspicious-refunds"]
    assert timelines["sections"][1]["heading_path"] == ["Refund timelines", "UPI refunds"]
    assert timelines["links"] == [{"kind": "article", "id": "refund-guide",
                                   "anchor": "escalation", "url": "refunds/guide/#escalation",
                                   "title": "Refund guide"}]
    guide = by_id["refund-guide"]
    assert [s["level"] for s in guide["sections"]] == [1, 2, 3, 2]
    assert by_id["refund-old-window"]["superseded_by"] == "refund-timelines"
    assert by_id["reply-refund"]["type"] == "macro"


def test_items_are_sorted_by_id(small: dict[str, Any], real: dict[str, Any]) -> None:
    for bundle in (small, real):
        for key in ("articles", "trees"):
            ids = [item["id"] for item in bundle[key]]
            assert ids == sorted(ids) and len(ids) == len(set(ids))


def test_build_says_what_was_built(small: dict[str, Any]) -> None:
    build = small["build"]
    assert build["time"] == "2026-11-01T12:00:00Z"
    assert build["commit"] is None
    assert build["site"] == {"name": "Golden KB", "url": ""}
    assert build["counts"] == {"articles": 4, "trees": 1,
                               "sections": sum(len(a["sections"]) for a in small["articles"])}


def test_every_item_hash_is_the_sha256_of_its_canonical_json(
        small: dict[str, Any], real: dict[str, Any]) -> None:
    for item in [*_items(small), *_items(real)]:
        body = {k: v for k, v in item.items() if k != "sha256"}
        assert item["sha256"] == hashlib.sha256(canonical_json(body)).hexdigest()


def test_the_documented_hash_snippet_agrees(small: dict[str, Any]) -> None:
    snippet = next(b for b in python_blocks(bundle_format_markdown()) if "def item_sha256" in b)
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)
    for item in _items(small):
        assert namespace["item_sha256"](item) == item["sha256"]


def test_content_hash_ignores_commit_and_time(tmp_path: Path) -> None:
    kb = load_kb(GOLDEN_KB)
    one = build_bundle(kb, fixed_build(GOLDEN_KB))
    two = build_bundle(kb, BuildInfo(commit="a" * 40, site=SiteInfo(name="Golden KB")))
    assert one["build"]["content_sha256"] == two["build"]["content_sha256"]
    guide = (GOLDEN_KB / "docs/refunds/guide.md").read_text()
    changed = make_kb(tmp_path, {"docs/refunds/guide.md": guide.replace("Never", "Do not ever")},
                      base=GOLDEN_KB)
    three = build_bundle(load_kb(changed), fixed_build(changed))
    assert three["build"]["content_sha256"] != one["build"]["content_sha256"]
    hashes = {a["id"]: a["sha256"] for a in one["articles"]}
    changed_hashes = {a["id"]: a["sha256"] for a in three["articles"]}
    assert [i for i in hashes if hashes[i] != changed_hashes[i]] == ["refund-guide"]


def _authored(value: Any) -> Any:
    """A YAML value as JSON would carry it."""
    return json.loads(json.dumps(value, default=str))


def _authored_fact(fact: dict[str, Any]) -> dict[str, Any]:
    """An authored fact as the bundle carries it: options as values, their labels apart."""
    options = fact.get("options")
    if not options or all(isinstance(o, str) for o in options):
        return fact
    labels = {o["value"]: o["label"] for o in options if isinstance(o, dict)}
    return {**fact, "options": [o["value"] if isinstance(o, dict) else o for o in options],
            "labels": labels}


@pytest.mark.parametrize("which", ["small", "real"])
def test_trees_carry_facts_and_nodes_exactly_as_authored(
        which: str, small: dict[str, Any], real: dict[str, Any], real_kb: KnowledgeBase) -> None:
    kb = load_kb(GOLDEN_KB) if which == "small" else real_kb
    bundle = small if which == "small" else real
    assert bundle["trees"]
    for exported in bundle["trees"]:
        raw = kb.trees[exported["id"]].source.value
        assert isinstance(raw, dict)
        assert exported["start"] == raw["start"]
        assert exported["facts"] == {f: _authored_fact(v)
                                     for f, v in _authored(raw["facts"]).items()}
        assert list(exported["nodes"]) == list(raw["nodes"])
        for node_id, node in exported["nodes"].items():
            authored = _authored(raw["nodes"][node_id])
            if "outcome" not in authored:
                assert node == authored, node_id
                continue
            outcome = dict(node["outcome"])
            article = outcome.pop("article")
            assert article is not None
            assert article["id"] + (f"#{article['anchor']}" if article["anchor"] else "") \
                == authored["outcome"].pop("article")
            if "macro" in authored["outcome"]:
                assert outcome.pop("macro")["id"] == authored["outcome"].pop("macro")
            assert outcome == authored["outcome"], node_id


def test_outcome_references_resolve_to_id_anchor_url(small: dict[str, Any]) -> None:
    wait = small["trees"][0]["nodes"]["wait"]["outcome"]
    assert wait["article"] == {"id": "refund-timelines", "anchor": "upi-refunds",
                               "url": "refunds/timelines/#upi-refunds",
                               "title": "Refund timelines"}
    assert wait["macro"] == {"id": "reply-refund", "anchor": "", "url": "replies/reply-refund/",
                             "title": "Reply: your refund is on its way"}
    assert small["trees"][0]["url"] == "trees/refund-triage/"


def test_urls_follow_use_directory_urls(tmp_path: Path) -> None:
    root = make_kb(tmp_path, base=GOLDEN_KB)
    config = (root / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(config.replace("use_directory_urls: true",
                                                    "use_directory_urls: false"))
    files = exports_of(root)
    bundle = bundle_of(files)
    by_id = {a["id"]: a for a in bundle["articles"]}
    assert by_id["refund-timelines"]["url"] == "refunds/timelines.html"
    assert "(agents/bundle-format.html)" in files["llms.txt"].decode()
    assert bundle["trees"][0]["url"] == "trees/refund-triage.html"
    wait = bundle["trees"][0]["nodes"]["wait"]["outcome"]
    assert wait["article"]["url"] == "refunds/timelines.html#upi-refunds"
    assert schema_errors(bundle) == []


def test_references_to_hidden_items_are_dropped(tmp_path: Path) -> None:
    """related, superseded_by, links, macro: nothing points at a restricted or draft item."""
    timelines = (GOLDEN_KB / "docs/refunds/timelines.md").read_text()
    timelines = timelines.replace(
        "related: [refund-guide, refund-fraud-signals]",
        "related: [refund-fraud-signals, refund-guide, refund-instant-draft, no-such-id]",
    ).replace("before anything else.", "before anything else. See [instant refunds]"
              "(instant-draft.md \"Instant\") and [the signals][sig].\n\n[sig]: fraud-signals.md")
    old = (GOLDEN_KB / "docs/refunds/old-window.md").read_text().replace(
        "superseded_by: refund-timelines", "superseded_by: refund-instant-draft")
    tree = (GOLDEN_KB / "decision_trees/refund-triage.yaml").read_text().replace(
        "      macro: reply-refund\n", "      macro: refund-fraud-signals\n").replace(
        "      article: refund-timelines\n", "      article: refund-instant-draft\n")
    root = make_kb(tmp_path, {"docs/refunds/timelines.md": timelines,
                              "docs/refunds/old-window.md": old,
                              "decision_trees/refund-triage.yaml": tree}, base=GOLDEN_KB)
    bundle = bundle_of(exports_of(root))
    by_id = {a["id"]: a for a in bundle["articles"]}
    assert by_id["refund-timelines"]["related"] == ["refund-guide"]
    assert by_id["refund-timelines"]["links"] == [
        {"kind": "article", "id": "refund-guide", "anchor": "escalation",
         "url": "refunds/guide/#escalation", "title": "Refund guide"}]
    markdown = by_id["refund-timelines"]["markdown"]
    assert "See instant refunds and the signals." in markdown
    assert ".md" not in markdown.replace("guide.md", "")
    assert by_id["refund-old-window"]["superseded_by"] is None
    nodes = bundle["trees"][0]["nodes"]
    assert "macro" not in nodes["wait"]["outcome"]
    assert nodes["done"]["outcome"]["article"] is None
    assert bundle["trees"][0]["related"] == ["refund-guide"]
    assert schema_errors(bundle) == []
    text = json.dumps(bundle)
    for hidden in ("refund-fraud-signals", "refund-instant-draft", "fraud-signals.md"):
        assert hidden not in text


def test_items_that_are_not_clearly_exportable_stay_out(tmp_path: Path) -> None:
    """Exports fail closed: an unknown visibility or status is not exported."""
    guide = (GOLDEN_KB / "docs/refunds/guide.md").read_text()
    root = make_kb(tmp_path, {
        "docs/refunds/guide.md": guide.replace("visibility: internal", "visibility: secret"),
        "docs/refunds/old-window.md": (GOLDEN_KB / "docs/refunds/old-window.md").read_text()
        .replace("status: deprecated", "status: retired"),
    }, base=GOLDEN_KB)
    ids = {a["id"] for a in bundle_of(exports_of(root))["articles"]}
    assert ids == {"refund-timelines", "reply-refund"}
