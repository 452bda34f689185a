"""llms.txt and llms-full.txt, following the llms.txt convention (llmstxt.org).

- llms.txt: `# <site name>`, a `> summary` blockquote, a short note, then `## ` sections of
  `- [title](url): summary` links; the `## Optional` section, always last, lists what a reader
  may skip (the schema, the chunks, deprecated articles).
- llms-full.txt: the full Markdown of every exported article and a textual rendering of every
  exported tree, each after a small metadata block.

Both are derived from the bundle alone, so they never show an item the bundle leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from kb.buildinfo import SiteInfo
from kb.urls import absolute, page_url
from kb.when import as_words, format_value

#: the generated page that documents the bundle (see kb.pages.bundle_format)
BUNDLE_FORMAT_PAGE = "agents/bundle-format.md"

DEFAULT_SUMMARY = ("Articles and decision trees for resolving payments support cases; "
                   "restricted and draft content is never included.")

NOTE = (
    "Every item has a visibility: `public` articles may be quoted to customers; `internal` "
    "articles and decision trees may be used by agents but not quoted. Decision trees are walked "
    "one fact at a time from their start node; their exact structure and branch semantics are in "
    "kb-bundle.json and its format page. Restricted (humans only) and draft content is never "
    "included in these files."
)

#: article types in the order llms.txt lists them, with their section titles
TYPE_SECTIONS = (
    ("policy", "Policies"),
    ("procedure", "Procedures"),
    ("troubleshooting", "Troubleshooting"),
    ("reference", "Reference"),
    ("macro", "Customer replies"),
)

#: export files listed under "Agent exports": what an LLM reader should know exists
EXPORT_FILES = (
    ("kb-bundle.json", "kb-bundle.json",
     "every exported article and decision tree as one versioned JSON document"),
    ("llms-full.txt", "llms-full.txt",
     "the full Markdown of every article and a textual rendering of every decision tree"),
)

#: export files listed under "Optional": for programs rather than for reading
OPTIONAL_FILES = (
    ("kb-bundle.schema.json", "kb-bundle.schema.json",
     "the JSON Schema (2020-12) that kb-bundle.json validates against"),
    ("kb-chunks.jsonl", "kb-chunks.jsonl",
     "one retrieval chunk per article section, with metadata for filtering"),
)


Item = Mapping[str, Any]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _link(site: SiteInfo, title: str, url: str, note: str) -> str:
    target = absolute(site.url, url) or "./"
    return f"- [{_one_line(title)}]({target}): {_one_line(note)}"


def _entry(site: SiteInfo, item: Item, extra: str = "") -> str:
    visibility = item.get("visibility", "")
    note = f"{_one_line(item['summary'])} ({visibility}{extra})"
    return _link(site, item["title"], item["url"], note)


def _by_title(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (str(i["title"]).casefold(), str(i["id"])))


def _header(site: SiteInfo) -> list[str]:
    return [f"# {_one_line(site.name)}", "",
            f"> {_one_line(site.description) or DEFAULT_SUMMARY}", "", NOTE, ""]


def llms_txt(bundle: Mapping[str, Any], site: SiteInfo, use_directory_urls: bool = True) -> str:
    """The llms.txt index of the exports; links to site pages in the site's URL style."""
    articles: list[Item] = bundle["articles"]
    lines = _header(site)
    lines.append("## Agent exports")
    format_url = page_url("", BUNDLE_FORMAT_PAGE, use_directory_urls)
    lines.append(_link(site, "Bundle format", format_url, "how to read kb-bundle.json and walk "
                       "a decision tree, with a Python example"))
    lines.extend(_link(site, title, url, note) for title, url, note in EXPORT_FILES)
    lines.append("")
    if bundle["trees"]:
        lines.append("## Decision trees")
        lines.extend(_entry(site, tree) for tree in _by_title(bundle["trees"]))
        lines.append("")
    current = [a for a in articles if a["status"] != "deprecated"]
    for kind, heading in TYPE_SECTIONS:
        chosen = [a for a in current if a["type"] == kind]
        if chosen:
            lines.append(f"## {heading}")
            lines.extend(_entry(site, a) for a in _by_title(chosen))
            lines.append("")
    others = [a for a in current if a["type"] not in dict(TYPE_SECTIONS)]
    if others:
        lines.append("## Other articles")
        lines.extend(_entry(site, a) for a in _by_title(others))
        lines.append("")
    lines.append("## Optional")
    lines.extend(_link(site, title, url, note) for title, url, note in OPTIONAL_FILES)
    for a in _by_title(a for a in articles if a["status"] == "deprecated"):
        successor = a.get("superseded_by")
        extra = f", deprecated: superseded by {successor}" if successor else ", deprecated"
        lines.append(_entry(site, a, extra))
    lines.append("")
    return "\n".join(lines)


def llms_full_txt(bundle: Mapping[str, Any], site: SiteInfo) -> str:
    """llms-full.txt: every exported article in full, then every exported tree as text."""
    lines = _header(site)
    for article in bundle["articles"]:
        lines.extend(_metadata_block(site, "article", article))
        lines.append(article["markdown"].strip())
        lines.append("")
    for tree in bundle["trees"]:
        lines.extend(_metadata_block(site, "tree", tree))
        lines.extend(render_tree(tree, site))
    return "\n".join(lines)


def _metadata_block(site: SiteInfo, kind: str, item: Item) -> list[str]:
    rows = [(kind, item["id"]), ("title", item["title"]), ("url", absolute(site.url, item["url"]))]
    for key in ("type", "visibility", "status", "owner", "reviewed"):
        if key in item:
            rows.append((key, item[key]))
    for key in ("markets", "products", "tags", "related"):
        if item[key]:
            rows.append((key, ", ".join(item[key])))
    if item.get("superseded_by"):
        rows.append(("superseded_by", item["superseded_by"]))
    return ["---", *(f"{key}: {_one_line(value)}" for key, value in rows), "---", ""]


def _describe_fact(fact: Mapping[str, Any]) -> str:
    kind = str(fact["type"])
    details: list[str] = []
    if fact.get("options"):
        labels = fact.get("labels", {})
        details.append(", ".join(f"{o} ({labels[o]})" if o in labels else str(o)
                                 for o in fact["options"]))
    if "min" in fact:
        details.append(f"at least {format_value(fact['min'])}")
    if "max" in fact:
        details.append(f"at most {format_value(fact['max'])}")
    if fact.get("unit"):
        details.append(f"in {fact['unit']}")
    return f"{kind}: {'; '.join(details)}" if details else kind


def _ref_link(site: SiteInfo, ref: Mapping[str, Any]) -> str:
    return f"[{_one_line(ref['title'])}]({absolute(site.url, ref['url'])})"


def render_tree(tree: Item, site: SiteInfo) -> Iterator[str]:
    """A tree as Markdown text: facts, then every node with its branches or its outcome."""
    yield f"# Decision tree: {_one_line(tree['title'])}"
    yield ""
    yield _one_line(tree["summary"])
    yield ""
    yield f"The walk starts at node `{tree['start']}`."
    yield ""
    yield "## Facts"
    yield ""
    for fact_id, fact in tree["facts"].items():
        yield f"- `{fact_id}` ({_describe_fact(fact)}): {_one_line(fact['question'])}"
    yield ""
    yield "## Nodes"
    yield ""
    for node_id, node in tree["nodes"].items():
        outcome = node.get("outcome")
        if outcome is None:
            yield f"### `{node_id}`: asks `{node['ask']}`"
            yield ""
            for branch in node["branches"]:
                yield (f"- when {as_words(node['ask'], branch['when'])}: "
                       f"go to `{branch['next']}`")
            if "default" in node:
                yield f"- otherwise: go to `{node['default']}`"
            yield ""
            continue
        yield f"### `{node_id}`: outcome \"{_one_line(outcome['title'])}\""
        yield ""
        yield f"- resolution: {outcome['resolution']}; handled by: {outcome['handled_by']}"
        if "queue" in outcome:
            yield (f"- escalate to queue `{outcome['queue']}` within "
                   f"{format_value(outcome.get('sla_hours', '?'))} hours")
        if outcome.get("article"):
            yield f"- article: {_ref_link(site, outcome['article'])}"
        if outcome.get("macro"):
            yield f"- customer reply: {_ref_link(site, outcome['macro'])}"
        yield ""
        if outcome.get("guidance"):
            yield str(outcome["guidance"]).strip()
            yield ""
