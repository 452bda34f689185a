"""Tree pages: the diagram (well-formed, complete, deterministic, readable layout), the walker's
JSON (the tree exactly as authored), labeled-case coverage, and one real MkDocs build of a page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from kb.graph import out_edges
from kb.html_blocks import OPENING
from kb.loader import load, load_config
from kb.model import KnowledgeBase, Tree
from kb.pages import generate_pages
from kb.pages.diagram import (
    BOX_WIDTH,
    LABEL_SIZE,
    PAD_X,
    TEXT_SIZE,
    layout_tree,
    text_width,
    tree_svg,
)
from kb.pages.trees import script_json, tree_markdown, walker_data
from kb.when import as_label
from kbtest import load_and_lint, make_kb

SVG = "{http://www.w3.org/2000/svg}"
WALKER_JSON = re.compile(
    r'<script type="application/json" class="kb-walker-data">(?P<json>.*?)</script>', re.S)
SVG_BLOCK = re.compile(r"<svg\b.*?</svg>", re.S)


def load_kb(root: Path) -> KnowledgeBase:
    return load(load_config(root)).kb


def walker_json_of(markdown: str) -> dict[str, object]:
    found = WALKER_JSON.findall(markdown)
    assert len(found) == 1, "exactly one walker data element"
    wrapped = json.loads(found[0])
    assert isinstance(wrapped, list) and len(wrapped) == 1, "a one-element array"
    data: dict[str, object] = wrapped[0]
    return data


# --- a 25-node tree: 12 boolean questions in a full binary tree, 13 outcomes ---------------------

QUESTIONS = 12
NODES = 25


def big_tree_yaml() -> str:
    """`big`: node n (1-based, heap order) asks `f<n>` and leads to nodes 2n and 2n+1."""
    facts = {f"f{n}": {"question": f"Question number {n}: is the customer's situation described "
                                   f"by condition {n} of this rather long tree?",
                       "type": "boolean"} for n in range(1, QUESTIONS + 1)}
    nodes: dict[str, object] = {}
    for n in range(1, NODES + 1):
        if n <= QUESTIONS:
            nodes[_big_id(n)] = {"ask": f"f{n}", "branches": [
                {"when": True, "next": _big_id(2 * n)},
                {"when": False, "next": _big_id(2 * n + 1)},
            ]}
            continue
        resolution = ("inform", "resolve", "escalate")[n % 3]
        outcome: dict[str, object] = {
            "title": f"Outcome {n} with a title long enough to wrap over lines",
            "resolution": resolution,
            "handled_by": "specialist" if resolution == "escalate" else "ai",
            "article": "guide-refund#timelines",
            "guidance": f"Guidance for outcome {n}: **tell** the customer.",
        }
        if resolution == "escalate":
            outcome.update({"queue": "payments-in-l2", "sla_hours": 24})
        nodes[_big_id(n)] = {"outcome": outcome}
    doc = {
        "id": "big", "title": "Big tree", "summary": "A tree with 25 nodes.",
        "visibility": "internal", "status": "published", "owner": "payments-ops-in",
        "reviewed": "2026-10-01", "markets": ["IN"], "products": ["upi"],
        "start": _big_id(1), "facts": facts, "nodes": nodes,
        "applies_when": "A test of how a tree with many nodes is drawn.",
        "examples": [f"the {word} diagram case" for word in (
            "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")],
    }
    return yaml.safe_dump(doc, sort_keys=False).replace("'2026-10-01'", "2026-10-01")


def _big_id(n: int) -> str:
    return f"q{n}" if n <= QUESTIONS else f"o{n}"


@pytest.fixture
def big_kb(tmp_path: Path) -> KnowledgeBase:
    root = make_kb(tmp_path / "kb", {"decision_trees/big.yaml": big_tree_yaml()})
    loaded, linted = load_and_lint(root)
    errors = [d for d in linted.diagnostics if d.severity.name == "ERROR"]
    assert not errors, [d.format() for d in errors]
    return loaded.kb


@pytest.fixture
def base_kb(kb_dir: Path) -> KnowledgeBase:
    return load_kb(kb_dir)


def svg_root(tree: Tree) -> ET.Element:
    return ET.fromstring(tree_svg(tree))


def elements(root: ET.Element, cls: str) -> Iterator[ET.Element]:
    for element in root.iter():
        if cls in (element.get("class") or "").split():
            yield element


# --- the diagram ------------------------------------------------------------------------------


def test_svg_is_well_formed_and_holds_every_node_and_edge(big_kb: KnowledgeBase) -> None:
    tree = big_kb.trees["big"]
    root = svg_root(tree)
    assert root.tag == f"{SVG}svg"
    drawn = {g.get("data-node") for g in elements(root, "kb-node")}
    assert drawn == set(tree.nodes)
    edges = {(g.get("data-from"), g.get("data-to")) for g in elements(root, "kb-edge")}
    expected = {(e.source, e.target) for n in tree.nodes.values() for e in out_edges(tree, n)}
    assert edges == expected
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for node in tree.nodes.values():
        if node.outcome is not None:
            assert node.outcome.title.split()[0] in texts


def test_svg_labels_branches_and_outcomes_in_words(base_kb: KnowledgeBase) -> None:
    root = svg_root(base_kb.trees["refund"])
    labels = ["".join(t.itertext()) for t in next(elements(root, "kb-edge-labels"))
              .iter(f"{SVG}text")]
    assert sorted(labels) == sorted(["true", "false", "< 7", "otherwise"])
    outcome_labels = {g.get("data-node"): "".join(next(g.iter(f"{SVG}text")).itertext())
                      for g in elements(root, "kb-outcome")}
    assert outcome_labels == {"done": "RESOLVE \u00b7 AI", "wait": "INFORM \u00b7 AI",
                              "escalate": "ESCALATE \u00b7 SPECIALIST"}
    escalate = next(g for g in elements(root, "kb-outcome") if g.get("data-node") == "escalate")
    assert "payments-in-l2 \u00b7 SLA 24 h" in "".join(escalate.itertext())
    assert {"kb-resolution-escalate", "kb-handler-specialist"} <= set(
        (escalate.get("class") or "").split())
    # an accessible name and a description
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None


def test_svg_is_deterministic(tmp_path: Path, big_kb: KnowledgeBase) -> None:
    first = tree_svg(big_kb.trees["big"])
    again = load_kb(make_kb(tmp_path / "again", {"decision_trees/big.yaml": big_tree_yaml()}))
    assert tree_svg(again.trees["big"]) == first
    assert tree_svg(big_kb.trees["big"]) == first


def test_layout_of_25_nodes_is_readable(big_kb: KnowledgeBase) -> None:
    tree = big_kb.trees["big"]
    assert len(tree.nodes) == NODES
    layout = layout_tree(tree)
    boxes = [p for p in layout.nodes.values() if not p.is_waypoint]
    # every edge points down, one or more layers
    for edge in layout.edges:
        assert layout.nodes[edge.target].layer > layout.nodes[edge.source].layer
    # no two boxes overlap
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a.x + a.width <= b.x or b.x + b.width <= a.x
                     or a.y + a.height <= b.y or b.y + b.height <= a.y)
            assert apart, f"{a.key} overlaps {b.key}"
    # every box lies inside the drawing, and text fits its box at full size
    for box in boxes:
        assert box.x >= 0 and box.x + box.width <= layout.width
        assert box.y >= 0 and box.y + box.height <= layout.height
        bold = box.node is not None and box.node.outcome is not None
        for line in box.lines:
            assert text_width(line, TEXT_SIZE, bold=bold) <= BOX_WIDTH - 2 * PAD_X + 0.01
        assert text_width(box.label, LABEL_SIZE, bold=True) <= BOX_WIDTH - 2 * PAD_X
    # a full binary tree of 25 nodes has 5 layers; drawn at a readable size, not a sliver
    assert len(layout.layers) == 5
    assert layout.width < 14 * (BOX_WIDTH + 40)


def test_long_fact_ids_are_cut_to_fit_their_box(tmp_path: Path) -> None:
    long_id = "prior_undisputed_transactions_in_the_last_year"
    source = (Path(__file__).parent.parent / "fixtures/rules/_base/decision_trees/refund.yaml"
              ).read_text(encoding="utf-8").replace("days", long_id)
    cases = (Path(__file__).parent.parent / "fixtures/rules/_base/decision_trees/"
             "refund.cases.yaml").read_text(encoding="utf-8").replace("days", long_id)
    kb = load_kb(make_kb(tmp_path / "kb", {"decision_trees/refund.yaml": source,
                                           "decision_trees/refund.cases.yaml": cases}))
    age = layout_tree(kb.trees["refund"]).nodes["age"]
    assert age.label.endswith("\u2026") and long_id.startswith(age.label[:-1])
    assert text_width(age.label, LABEL_SIZE, bold=True) <= BOX_WIDTH - 2 * PAD_X
    svg = tree_svg(kb.trees["refund"])
    assert f"asks {long_id}" in svg  # the tooltip keeps the whole id


def test_layout_keeps_the_start_on_top_and_survives_a_cycle(tmp_path: Path) -> None:
    cyclic = (Path(__file__).parent.parent / "fixtures/rules/_base/decision_trees/refund.yaml"
              ).read_text(encoding="utf-8").replace("default: escalate", "default: arrived")
    kb = load_kb(make_kb(tmp_path / "kb", {"decision_trees/refund.yaml": cyclic}))
    tree = kb.trees["refund"]
    layout = layout_tree(tree)
    assert layout.nodes[tree.start].layer == 0
    back = [e for e in layout.edges if e.back]
    assert [(e.source, e.target) for e in back] == [("age", "arrived")]
    ET.fromstring(tree_svg(tree))  # still well-formed


@pytest.mark.parametrize(("when", "text"), [
    (True, "true"), (False, "false"), ("pending", "pending"), (["pending", "failed"],
                                                              "pending or failed"),
    ({"lt": 48}, "< 48"), ({"gte": 1, "lt": 5}, "\u2265 1, < 5"), (2.0, "2"), (2.5, "2.5"),
])
def test_branch_text(when: object, text: str) -> None:
    assert as_label(when) == text


# --- the walker's data ------------------------------------------------------------------------


def test_walker_json_equals_the_tree_as_authored(big_kb: KnowledgeBase) -> None:
    for tree in big_kb.trees.values():
        data = walker_json_of(tree_markdown(tree, big_kb))
        authored = tree.source.value
        assert isinstance(authored, dict)
        assert data["id"] == tree.id and data["start"] == authored["start"]
        assert data["facts"] == authored["facts"]
        assert data["nodes"] == authored["nodes"]
        assert set(data["outcome_details"]) == {n.id for n in tree.outcomes()}  # type: ignore[arg-type]


def test_walker_details_resolve_articles_and_render_guidance(base_kb: KnowledgeBase) -> None:
    data = walker_data(base_kb.trees["refund"], base_kb)
    details = data["outcome_details"]
    assert isinstance(details, dict)
    wait = details["wait"]
    article = base_kb.articles["guide-refund"]
    heading = next(h.text for h in article.body.headings if h.anchor == "timelines")
    assert wait["article"] == {"id": "guide-refund", "anchor": "timelines",
                               "title": article.meta.title, "heading": heading,
                               "href": "../../guides/refund/#timelines"}
    assert wait["macro"]["id"] == "reply-refund"
    assert wait["macro"]["href"] == "../../guides/reply-refund/"
    assert details["done"]["macro"] is None


def test_guidance_markdown_is_rendered_to_html(tmp_path: Path) -> None:
    kb = load_kb(make_kb(tmp_path / "kb", {"decision_trees/big.yaml": big_tree_yaml()}))
    details = walker_data(kb.trees["big"], kb)["outcome_details"]
    assert isinstance(details, dict)
    assert details["o13"]["guidance_html"] == (
        "<p>Guidance for outcome 13: <strong>tell</strong> the customer.</p>")


def test_walker_json_cannot_end_its_script_element() -> None:
    data = {"guidance": "</script><script>alert(1)</script> & <!-- x -->"}
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data


# --- the page ---------------------------------------------------------------------------------


def test_every_tree_gets_a_page(big_kb: KnowledgeBase) -> None:
    paths = {p.path for p in generate_pages(big_kb)}
    assert {"trees/refund.md", "trees/big.md"} <= paths


def section(page: str, heading: str, following: str) -> str:
    return page.split(f"\n{heading}\n")[1].split(f"\n{following}\n")[0]


def test_page_sections_and_links(kb_dir: Path, base_kb: KnowledgeBase) -> None:
    page = tree_markdown(base_kb.trees["refund"], base_kb)
    headings = [line for line in page.splitlines() if line.startswith("#")]
    assert headings == ["# Refund triage", "## When this tree applies", "## Walk the tree",
                        "## Diagram", "## Facts",
                        "## Outcomes", "### Guidance by outcome", "## Labeled-case coverage",
                        "## About this tree"]
    assert len(SVG_BLOCK.findall(page)) == 1
    # the heavy parts are HTML blocks, one line each, between blank lines; headings are not
    blocks = [line for line in page.splitlines() if line.startswith(OPENING)]
    assert len(blocks) == 9  # when, walker, legend, diagram, facts, outcomes, guidance, coverage,
    #                          about
    assert all(f"\n\n{b}\n\n" in page or page.endswith(f"\n\n{b}\n") for b in blocks)
    assert not any(re.search(r"<h\d", b) for b in blocks)
    # the Markdown parts' relative .md links resolve from docs/trees/, to an authored or a
    # generated page (the HTML blocks' links are checked on the built site)
    generated = {p.path for p in generate_pages(base_kb)}
    for target in re.findall(r"\]\(([^)#]+\.md)", page):
        path = (kb_dir / "docs" / "trees" / target).resolve()
        assert path.is_file() or path.relative_to(kb_dir / "docs").as_posix() in generated, target
    # the walker finds the article and macro links by their data attributes; links are final
    # URLs relative to the page at trees/refund/
    outcomes = section(page, "## Outcomes", "### Guidance by outcome")
    assert '<a href="../../guides/refund/#timelines" data-kb-article="wait">' in outcomes
    assert '<a href="../../guides/reply-refund/" data-kb-macro="wait">' in outcomes
    facts = section(page, "## Facts", "## Outcomes")
    assert ("<tr><td><code>days</code></td><td>How many days since the refund was issued?</td>"
            "<td>number</td><td>a number \u2265 0</td><td><code>age</code></td></tr>") in facts
    about = page.split("\n## About this tree\n")[1]
    assert '<td>Owner</td><td><a href="../../browse/teams/#payments-ops-in">' in about


def test_guidance_is_rendered_into_the_list(big_kb: KnowledgeBase) -> None:
    page = tree_markdown(big_kb.trees["big"], big_kb)
    guidance = section(page, "### Guidance by outcome", "## Labeled-case coverage")
    assert ("<li><strong>Outcome 13 with a title long enough to wrap over lines</strong> "
            "(<code>o13</code>): Guidance for outcome 13: <strong>tell</strong> the customer."
            "</li>") in guidance


def test_guidance_of_several_blocks_and_none(tmp_path: Path) -> None:
    source = (Path(__file__).parent.parent / "fixtures/rules/_base/decision_trees/refund.yaml"
              ).read_text(encoding="utf-8").replace(
        "      macro: reply-refund\n",
        "      macro: reply-refund\n      guidance: |\n        Tell them to wait & check.\n\n"
        "        - one\n        - two\n")
    kb = load_kb(make_kb(tmp_path / "kb", {"decision_trees/refund.yaml": source}))
    page = tree_markdown(kb.trees["refund"], kb)
    guidance = section(page, "### Guidance by outcome", "## Labeled-case coverage")
    assert ("<li><p><strong>Wait for the refund</strong> (<code>wait</code>): Tell them "
            "to wait &amp; check.</p> <ul> <li>one</li> <li>two</li> </ul></li>") in guidance
    assert "<li><strong>Refund received</strong> (<code>done</code>): No guidance written.</li>" \
        in guidance


def test_links_follow_use_directory_urls(base_kb: KnowledgeBase) -> None:
    flat = replace(base_kb, config=replace(base_kb.config, use_directory_urls=False))
    page = tree_markdown(flat.trees["refund"], flat)
    assert '<a href="../guides/refund.html#timelines" data-kb-article="wait">' in page
    assert '<a href="../browse/teams.html#payments-ops-in">' in page
    assert walker_json_of(page)["outcome_details"]["wait"]["article"]["href"] == (  # type: ignore[index]
        "../guides/refund.html#timelines")


def test_restricted_tree_says_humans_only(tmp_path: Path) -> None:
    source = (Path(__file__).parent.parent / "fixtures/rules/_base/decision_trees/refund.yaml"
              ).read_text(encoding="utf-8").replace("visibility: internal",
                                                    "visibility: restricted")
    kb = load_kb(make_kb(tmp_path / "kb", {"decision_trees/refund.yaml": source}))
    page = tree_markdown(kb.trees["refund"], kb)
    assert '!!! danger "Humans only"' in page


# --- labeled-case coverage --------------------------------------------------------------------


def coverage_section(page: str) -> str:
    return page.split("## Labeled-case coverage")[1].split("## About this tree")[0]


def test_coverage_counts_cases_per_outcome(base_kb: KnowledgeBase) -> None:
    section = coverage_section(tree_markdown(base_kb.trees["refund"], base_kb))
    assert "3 labeled cases in <code>decision_trees/refund.cases.yaml</code>: 3 reach their " \
           "expected outcome, 0 do not." in section
    for outcome in ("done", "wait", "escalate"):
        assert re.search(rf"\(<code>{outcome}</code>\)</td><td>1</td>", section)
    assert "Every outcome is reached by at least one labeled case." in section
    assert "Every branch is taken by at least one labeled case." in section


def test_coverage_names_unreached_outcomes_and_untaken_branches(tmp_path: Path) -> None:
    cases = """tree: refund
cases:
  - id: r-1
    description: Refund arrived.
    facts: {arrived: true}
    expected: done
  - id: r-2
    description: Refund arrived, labeled wrongly on purpose.
    facts: {arrived: true}
    expected: wait
"""
    kb = load_kb(make_kb(tmp_path / "kb", {"decision_trees/refund.cases.yaml": cases}))
    section = coverage_section(tree_markdown(kb.trees["refund"], kb))
    assert "2 labeled cases in <code>decision_trees/refund.cases.yaml</code>: 1 reach their " \
           "expected outcome, 1 do not." in section
    assert re.search(r"\(<code>done</code>\)</td><td>2</td>", section)
    assert re.search(r"\(<code>wait</code>\)</td><td><strong>none</strong></td>", section)
    assert "<strong>Outcomes no labeled case reaches:</strong> <code>wait</code>, " \
           "<code>escalate</code>." in section
    assert "<li><code>arrived: when false -&gt; age</code></li>" in section
    assert "<li><code>age: when {lt: 7} -&gt; wait</code></li>" in section
    assert "<li><code>age: default -&gt; escalate</code></li>" in section
    assert "<li><code>r-2</code>: expected <code>wait</code>, reached <code>done</code></li>" \
        in section


def test_no_cases_says_so(tmp_path: Path) -> None:
    kb = load_kb(make_kb(tmp_path / "kb", {"decision_trees/refund.cases.yaml": None}))
    section = coverage_section(tree_markdown(kb.trees["refund"], kb))
    assert "No labeled cases for this tree yet" in section


# --- one real build -----------------------------------------------------------------------------


SITE_CONFIG = (Path(__file__).parent.parent / "fixtures/rules/_base/mkdocs.yml").read_text(
    encoding="utf-8").replace("  - attr_list\n", "  - attr_list\n  - tables\n")


def test_tree_tags_become_page_metadata(tmp_path: Path) -> None:
    kb = load_kb(make_kb(tmp_path / "kb", {"decision_trees/refund.yaml": TAGGED_TREE}))
    page = tree_markdown(kb.trees["refund"], kb)
    assert page.startswith('---\ntags:\n  - "refund"\n---\n\n# Refund triage\n')


TAGGED_TREE = (Path(__file__).parent.parent / "fixtures/rules/_base/decision_trees/refund.yaml"
               ).read_text(encoding="utf-8").replace("products: [upi]\n",
                                                     "products: [upi]\ntags: [refund]\n")


def test_built_page_keeps_walker_json_svg_and_links(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", {"mkdocs.yml": SITE_CONFIG,
                                     "decision_trees/refund.yaml": TAGGED_TREE})
    site = tmp_path / "site"
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
                         cwd=root, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    built = (site / "trees" / "refund" / "index.html").read_text(encoding="utf-8")
    kb = load_kb(root)
    assert walker_json_of(built) == json.loads(json.dumps(walker_data(kb.trees["refund"], kb)))
    ET.fromstring(SVG_BLOCK.findall(built)[0])
    links = {node: href for href, node
             in re.findall(r'<a href="([^"]+)" data-kb-article="([^"]+)"', built)}
    assert links["wait"] == "../../guides/refund/#timelines"
    assert 'class="kb-walker-fallback"' in built
    for asset in ("walker.js", "walker.css"):
        assert (site / "assets" / "kb" / asset).is_file()
        assert asset in built
    # the front matter was read as metadata, not shown as text
    assert "tags:" not in built
    assert re.search(r"<h1[^>]*>Refund triage", built)
