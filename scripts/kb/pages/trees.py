"""One page per decision tree (`trees/<id>.md`, URL `trees/<id>/`): the specialists' view of a tree.

A page holds, in order: the tree's metadata; the interactive walker (a `<div>` holding the tree as
JSON in a `<script type="application/json">`, which `mkdocs_plugin/assets/walker.js` turns into
one question at a time; without JavaScript the div says to use the diagram and tables); the
diagram (inline SVG from `kb.pages.diagram`); tables of facts and outcomes; and labeled-case
coverage from `kb.casetest.run_cases`.

Below the headings, which stay Markdown (the table of contents and the anchors come from them),
the heavy parts are HTML blocks (`kb.html_blocks`): the walker, the diagram, the tables,
the guidance and the coverage. Python-Markdown spent most of a page's time on them as Markdown;
the site passes the blocks around it. Their links are final URLs in the site's URL style
(`kb.pages.indexes.page_href`), which MkDocs neither rewrites nor checks, so the site tests
check every built link.

The walker's JSON is a one-element array, `[{...}]`, on purpose: Material's instant navigation
re-creates every inline `<script>` of a new page as JavaScript (dropping its `type`), and an array
literal runs as a harmless expression where a bare object is a syntax error that would stop the
navigation. The object carries `facts` and `nodes` exactly as authored (the bundle's shapes), so the
walker walks with the documented branch semantics on the same data as `kb test`; what the walker
needs beyond that (article titles and URLs, guidance rendered to HTML) sits apart, under
`outcome_details`. Links to articles are written twice: in the outcomes table, tagged with a
`data-kb-article` / `data-kb-macro` attribute (the outcome's node id), and in the JSON; the
walker prefers the table's link and falls back on the JSON's.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from html import escape

from kb.casetest import CaseReport, CaseResult, TreeCoverage, branch_label, run_cases
from kb.export.bundle import deadline_entry, fact_entry, policy_entry, question_entry
from kb.export.scope import JsonObject
from kb.html_blocks import html_block, html_table
from kb.macros import reply_markdown
from kb.model import Article, Fact, KnowledgeBase, Node, Outcome, Tree
from kb.pages import GeneratedPage, costly, page_generator
from kb.pages.diagram import RESOLUTION_COLOURS, Traffic, tree_svg
from kb.pages.indexes import (
    MARKETS_PAGE,
    PRODUCTS_PAGE,
    TEAMS_PAGE,
    group_anchor,
    page_href,
    tree_page,
)
from kb.quality import node_traffic, tree_quality_markdown
from kb.render import render_guidance
from kb.sanitise import sanitise_html
from kb.translations import for_markets, is_stale, language_name, locale_of, versions
from kb.when import as_label

__all__ = [
    "WALKER_FORMAT",
    "next_action",
    "outcome_details",
    "reply_text",
    "script_json",
    "tree_markdown",
    "walker_data",
]

WALKER_FORMAT = "kb-walker"
WALKER_VERSION = 1
TREES_FOLDER = "trees"

VISIBILITY_TEXT = {
    "internal": "internal: agents and specialists may use it",
    "restricted": "restricted: humans only, never in any agent export",
}


def tree_outline(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """Each tree page's path and title (its first heading), without making the page."""
    for tree in kb.trees.values():
        yield tree_page(tree.id), page_title(tree)


def page_title(tree: Tree) -> str:
    """The title of `tree`'s page: its first heading, and its nav entry."""
    return (tree.meta.title or tree.id).strip()


@costly(tree_outline)
@page_generator
def tree_pages(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    report = run_cases(kb)
    traffic = node_traffic(kb)
    for tree in sorted(kb.trees.values(), key=lambda t: t.id):
        yield GeneratedPage(tree_page(tree.id),
                            tree_markdown(tree, kb, report, traffic.get(tree.id)))


# --- the walker's data --------------------------------------------------------------------------


def authored_node(node: Node) -> JsonObject:
    """A node as the tree file has it (the shape the bundle and `walk.py` use)."""
    if node.outcome is None:
        return question_entry(node)
    o = node.outcome
    outcome: JsonObject = {"title": o.title, "resolution": o.resolution,
                           "handled_by": o.handled_by}
    if o.queue:
        outcome["queue"] = o.queue
    if o.sla_hours is not None:
        outcome["sla_hours"] = o.sla_hours
    if o.article:
        outcome["article"] = f"{o.article}#{o.anchor}" if o.anchor else o.article
    if o.macro:
        outcome["macro"] = o.macro
    if o.guidance:
        outcome["guidance"] = o.guidance
    if o.deadline is not None:
        outcome["deadline"] = deadline_entry(o.deadline)
    return {"outcome": outcome}


def walker_data(tree: Tree, kb: KnowledgeBase) -> JsonObject:
    """What the walker needs: the tree as authored plus each outcome's resolved details, and
    (when its facts raise risk signals) the safety policies of those signals."""
    data: JsonObject = {
        "format": WALKER_FORMAT,
        "version": WALKER_VERSION,
        "id": tree.id,
        "title": tree.meta.title,
        "start": tree.start,
        "facts": {fact_id: fact_entry(fact) for fact_id, fact in tree.facts.items()},
        "nodes": {node_id: authored_node(node) for node_id, node in tree.nodes.items()},
        "outcome_details": {
            node.id: outcome_details(node.outcome, tree, kb)
            for node in tree.nodes.values() if node.outcome is not None
        },
    }
    raised = sorted({s.id for f in tree.facts.values() for s in f.signals} & kb.policies.keys())
    if raised:
        data["policies"] = {signal: policy_entry(kb.policies[signal]) for signal in raised}
    return data


def outcome_details(outcome: Outcome, tree: Tree, kb: KnowledgeBase) -> JsonObject:
    """An outcome's article and macro (title, heading, fallback URL) and its guidance as HTML."""
    details: JsonObject = {
        "article": _reference(kb, tree, outcome.article, outcome.anchor),
        "macro": _reference(kb, tree, *_split(outcome.macro)) if outcome.macro else None,
        "guidance_html": render_markdown(outcome.guidance) if outcome.guidance else "",
    }
    macro = kb.articles.get(_split(outcome.macro)[0]) if outcome.macro else None
    details["next_action"] = next_action(outcome, has_reply=macro is not None)
    if macro is not None:
        details["reply"] = {"text": reply_text(reply_markdown(macro)),
                            "placeholders": {p.name: p.type for p in macro.placeholders}}
    if macro is not None and len(found := versions(kb, macro)) > 1:
        details["macro_languages"] = [_language(kb, tree, v, found[0], _split(outcome.macro)[1])
                                      for v in for_markets(kb, found, tree.meta.markets)]
    return details


def next_action(outcome: Outcome, has_reply: bool) -> str:
    """What the person holding the case does now, in words (no field names or codes)."""
    reply = ("Send the customer the reply below" if has_reply
             else "Tell the customer what the guidance below says")
    if outcome.resolution == "escalate":
        within = (f", due within {as_label(outcome.sla_hours)} "
                  f"hour{'' if outcome.sla_hours == 1 else 's'}"
                  if outcome.sla_hours is not None else "")
        return f"Escalate to the {outcome.queue or 'specialist'} queue{within}. {reply}."
    if outcome.resolution == "resolve":
        return f"{reply}, then close the case."
    return f"{reply}; nothing needs escalating."


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def reply_text(markdown: str) -> str:
    """A reply's Markdown as text to paste into a ticket: paragraphs on one line each, list
    items on their own lines, bold markers dropped; placeholders stay as written."""
    blocks = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines: list[str] = []
        for line in block.splitlines():
            if lines and not _LIST_ITEM.match(line):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.rstrip())
        blocks.append("\n".join(lines))
    return _STRONG.sub(lambda m: m.group(1) or m.group(2), "\n\n".join(blocks))


def _language(kb: KnowledgeBase, tree: Tree, version: Article, source: Article,
              anchor: str) -> JsonObject:
    """One language of an outcome's macro: its locale, name, link, and whether it is stale."""
    locale = locale_of(version)
    return {"locale": locale, "name": language_name(locale),
            "href": page_href(kb, tree_page(tree.id), _docs_path(version, kb), anchor),
            "stale": version is not source and is_stale(version, source)}


def _split(ref: str) -> tuple[str, str]:
    article_id, _, anchor = ref.partition("#")
    return article_id, anchor


def _reference(kb: KnowledgeBase, tree: Tree, article_id: str, anchor: str) -> JsonObject | None:
    article = kb.articles.get(article_id)
    if article is None:
        return None
    heading = next((h.text for h in article.body.headings if h.anchor == anchor), "")
    return {
        "id": article.id,
        "anchor": anchor,
        "title": article.meta.title,
        "heading": heading,
        # relative to the tree's page
        "href": page_href(kb, tree_page(tree.id), _docs_path(article, kb), anchor),
    }


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Guidance Markdown as sanitised HTML, the way the site renders Markdown (tables,
    attribute lists): the walker inserts it with `innerHTML`."""
    # cached: a page renders each guidance twice (the walker's data and the guidance list)
    return sanitise_html(render_guidance(text))


def script_json(data: object) -> str:
    """`data` as JSON that is safe inside `<script>` and inside a Markdown raw HTML block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# --- the page -----------------------------------------------------------------------------------


def tree_markdown(tree: Tree, kb: KnowledgeBase, report: CaseReport | None = None,
                  traffic: Mapping[str, Traffic] | None = None) -> str:
    """The Markdown of `tree`'s page. `report` defaults to running the labeled cases now;
    `traffic` (walks per node from the case data) is drawn on the diagram when given."""
    report = report if report is not None else run_cases(kb)
    coverage = report.coverage.get(tree.id)
    results = report.results_for(tree.id)
    meta = tree.meta
    lines = _front_matter(tree)
    lines += [f"# {page_title(tree)}", ""]
    if meta.summary:
        lines += [meta.summary, ""]
    lines += _notices(tree, kb.config.judged_on())
    lines += [_metadata_line(tree, kb), ""]
    lines += _routing(tree, kb)
    lines += [
        "## Walk the tree",
        "",
        "Answer one question at a time; the path so far stays above the question, and any earlier "
        "step can be changed. The walk is kept in the page address, so a reload or a shared link "
        "shows the same walk.",
        "",
        _walker_block(tree, kb),
        "",
        "## Diagram",
        "",
        *_legend(),
        "",
        # the diagram's labels repeat the tables' words: search indexes the tables only
        html_block(f'<div class="kb-tree-diagram" data-search-exclude tabindex="0" role="region" '
                   f'aria-label="Diagram of {escape(meta.title or tree.id)}, scrollable">'
                   f"{tree_svg(tree, traffic)}</div>"),
        "",
        "## Facts",
        "",
        _facts_table(tree),
        "",
        "## Outcomes",
        "",
        _outcomes_table(tree, kb),
        "",
        "### Guidance by outcome",
        "",
        _guidance(tree),
        "",
        "## Labeled-case coverage",
        "",
        _coverage(tree, kb, coverage, results),
        "",
        *_quality(tree, kb),
        "## About this tree",
        "",
        _metadata_table(tree, kb),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def _routing(tree: Tree, kb: KnowledgeBase) -> list[str]:
    """When the tree applies, the customer messages it takes and those it must not take."""
    routing = tree.routing
    if not (routing.applies_when or routing.examples or routing.not_for):
        return []
    parts = [f"<p>{_text(routing.applies_when)}</p>"] if routing.applies_when else []
    if routing.examples:
        parts += ["<p>Customer messages it takes:</p>", "<ul>",
                  *(f"<li>{_text(e.message)}</li>" for e in routing.examples), "</ul>"]
    if routing.not_for:
        parts += ["<p>Not for these (the tree that takes them instead):</p>", "<ul>",
                  *(f"<li>{_text(e.message)} → {_tree_link(kb, tree, e.tree)}</li>"
                    for e in routing.not_for), "</ul>"]
    return ["## When this tree applies", "", html_block("\n".join(parts)), ""]


def _tree_link(kb: KnowledgeBase, tree: Tree, other_id: str) -> str:
    """An HTML link to another tree's page, titled; its id as code when it is unknown."""
    other = kb.trees.get(other_id)
    if other is None:
        return _code(other_id)
    href = page_href(kb, tree_page(tree.id), tree_page(other.id))
    return f'<a href="{escape(href)}">{_text(other.meta.title or other.id)}</a>'


def _quality(tree: Tree, kb: KnowledgeBase) -> list[str]:
    """The tree's own evaluation and program figures, when the config names quality data:
    under their heading, folded into a disclosure (authors need them, a specialist walking a
    case does not)."""
    figures = tree_quality_markdown(kb, tree.id, level=2)
    if not figures:
        return []
    heading, _, rest = figures.partition("\n")
    body = [f"    {line}" if line.strip() else "" for line in rest.strip("\n").splitlines()]
    return [heading, "", '??? abstract "Quality figures of this tree (for authors)"', "", *body,
            ""]


def _front_matter(tree: Tree) -> list[str]:
    """The tree's tags as page metadata: Material's search weighs tags as it does for articles,
    so a tree ranks with the articles that share its tags."""
    if not tree.meta.tags:
        return []
    return ["---", "tags:", *[f"  - {json.dumps(t)}" for t in tree.meta.tags], "---", ""]


def _notices(tree: Tree, today: dt.date) -> list[str]:
    meta = tree.meta
    out: list[str] = []
    if meta.effective_from is not None and today < meta.effective_from:
        day = meta.effective_from.isoformat()
        out += [f'!!! note "Takes effect on {day}"', "",
                f"    This tree applies from {day}; until then AI agents do not receive it.", ""]
    if meta.visibility == "restricted":
        out += ['!!! danger "Humans only"', "",
                "    This tree is **restricted**: it is left out of every agent export. Do not "
                "give its outcomes or guidance to AI agents.", ""]
    if meta.status == "draft":
        out += ['!!! warning "Draft"', "",
                "    This tree is a **draft**: it is not in the agent exports and may change.", ""]
    if meta.status == "deprecated":
        out += ['!!! warning "Deprecated"', "", "    This tree is **deprecated**." + (
            f" Use `{meta.superseded_by}` instead." if meta.superseded_by else ""), ""]
    return out


def _metadata_line(tree: Tree, kb: KnowledgeBase) -> str:
    """The one line under the title: who owns the tree, how fresh it is, who may see it."""
    meta = tree.meta
    here = tree_page(tree.id)
    parts = [
        f"**Owner** {_group_link(here, TEAMS_PAGE, meta.owner) if meta.owner else 'not given'}",
        f"**Reviewed** {_review_text(tree, kb, short=True)}",
        f"**Visibility** {meta.visibility or 'not given'}",
    ]
    if meta.markets:
        parts.append("**Markets** " + ", ".join(_group_link(here, MARKETS_PAGE, m)
                                               for m in meta.markets))
    if meta.products:
        parts.append("**Products** " + ", ".join(_group_link(here, PRODUCTS_PAGE, p)
                                                for p in meta.products))
    parts.append(f"**Labeled cases** {len(kb.cases_for(tree.id))}")
    return " \u00b7 ".join(parts) + " \u00b7 [More about this tree](#about-this-tree)"


def _metadata_table(tree: Tree, kb: KnowledgeBase) -> str:
    meta = tree.meta
    here = tree_page(tree.id)
    cases = kb.cases_for(tree.id)
    rows = [
        ("Tree id", _code(tree.id)),
        ("Owner", _group_link_html(kb, here, TEAMS_PAGE, meta.owner) if meta.owner
         else "not given"),
        ("Visibility", _text(VISIBILITY_TEXT.get(meta.visibility, meta.visibility or "not given"))),
        ("Status", _text(meta.status or "not given")),
        ("Last review", _review_text(tree, kb)),
        ("Markets", ", ".join(_group_link_html(kb, here, MARKETS_PAGE, m) for m in meta.markets)
         or "none"),
        ("Products", ", ".join(_group_link_html(kb, here, PRODUCTS_PAGE, p)
                               for p in meta.products) or "none"),
    ]
    if meta.tags:
        rows.append(("Tags", ", ".join(_code(t) for t in meta.tags)))
    if meta.related:
        rows.append(("Related", ", ".join(_article_link(kb, here, r, "") for r in meta.related)))
    questions = sum(1 for n in tree.nodes.values() if n.outcome is None)
    rows += [
        ("Size", f"{len(tree.facts)} facts, {questions} questions, "
                 f"{len(tree.nodes) - questions} outcomes"),
        ("Labeled cases", str(len(cases))),
        ("Source", _code(tree.path)),
    ]
    return html_block(html_table(["About this tree", ""], rows))


def _review_text(tree: Tree, kb: KnowledgeBase, short: bool = False) -> str:
    """The last review date, with a Stale badge (in words) once the review is overdue."""
    reviewed = tree.meta.reviewed
    if reviewed is None:
        return "not given"
    interval = kb.config.review.interval_for("tree")
    due = reviewed + dt.timedelta(days=interval)
    text = reviewed.isoformat()
    if tree.meta.status != "deprecated" and kb.config.judged_on() > due:
        return (f'{text} <span class="kb-badge kb-badge--stale">Stale</span> review was due on '
                f"{due.isoformat()}")
    return text if short else f"{text} (next review due {due.isoformat()})"


def _walker_block(tree: Tree, kb: KnowledgeBase) -> str:
    tree_id = escape(tree.id)
    return html_block(
        f'<div class="kb-walker" id="kb-walker-{tree_id}" data-kb-tree="{tree_id}">'
        f'<script type="application/json" class="kb-walker-data">'
        f"{script_json([walker_data(tree, kb)])}</script>"
        '<p class="kb-walker-fallback">The walker needs JavaScript. Without it, follow the '
        "diagram and the tables of facts and outcomes below.</p>"
        "</div>"
    )


def _legend() -> list[str]:
    inform, resolve, escalate = (RESOLUTION_COLOURS[k][1] for k in ("inform", "resolve",
                                                                    "escalate"))
    # kb-made HTML (an HTML block), so the sanitiser leaves the swatches' colours alone
    return [html_block(
        "<p>Questions are square-cornered boxes headed by the fact they ask (the first is marked "
        "START); the arrows out of a question are labeled with the answers that take them, and "
        "<em>otherwise</em> marks the default. Outcomes are round-cornered boxes whose first "
        "line names the resolution and who handles it: "
        f'<span class="kb-swatch" style="border-color:{inform}">INFORM</span>, '
        f'<span class="kb-swatch" style="border-color:{resolve}">RESOLVE</span>, '
        f'<span class="kb-swatch" style="border-color:{escalate}">ESCALATE</span>; '
        "a dashed outline marks a SPECIALIST outcome, a solid one an AI outcome. "
        "Wide trees scroll sideways; while you walk, the path is highlighted.</p>")]


def _facts_table(tree: Tree) -> str:
    asked_at: dict[str, list[str]] = {}
    for node in tree.nodes.values():
        if node.outcome is None:
            asked_at.setdefault(node.ask, []).append(node.id)
    rows = [[_code(fact_id), _text(fact.question), _text(fact.type), accepted_answers(fact),
             ", ".join(_code(n) for n in asked_at.get(fact_id, [])) or "never"]
            for fact_id, fact in tree.facts.items()]
    headers = ["Fact", "Question", "Type", "Accepted answers", "Asked at"]
    if any(fact.signals for fact in tree.facts.values()):
        headers.append("Risk signals")
        for row, fact in zip(rows, tree.facts.values(), strict=True):
            row.append("; ".join(f'<strong class="kb-signal">{_code(s.id)}</strong> when '
                                 + _text(as_label(s.when)) for s in fact.signals) or "none")
    return html_block(html_table(headers, rows))


def accepted_answers(fact: Fact) -> str:
    """What a fact accepts, in words, as HTML: `true` or `false`, the options, or a range."""
    if fact.type == "boolean":
        return f"{_code('true')} or {_code('false')}"
    if fact.type == "choice":
        return ", ".join(_code(o) + (f" ({_text(fact.labels[o])})" if o in fact.labels else "")
                         for o in fact.options) or "no options"
    unit = f" {fact.unit}" if fact.unit else ""
    if fact.min is not None and fact.max is not None:
        text = f"a number from {as_label(fact.min)} to {as_label(fact.max)}{unit}"
    elif fact.min is not None:
        text = f"a number \u2265 {as_label(fact.min)}{unit}"
    elif fact.max is not None:
        text = f"a number \u2264 {as_label(fact.max)}{unit}"
    else:
        text = f"a number{unit}"
    return _text(text)


def _outcomes_table(tree: Tree, kb: KnowledgeBase) -> str:
    here = tree_page(tree.id)
    rows = []
    for node in tree.outcomes():
        o = node.outcome
        assert o is not None
        article = _article_link(kb, here, o.article, o.anchor, ("article", node.id))
        macro = (_article_link(kb, here, *_split(o.macro), ("macro", node.id)) if o.macro
                 else "none")
        rows.append([f"{_text(o.title)} ({_code(node.id)})", _text(o.resolution),
                     _text(o.handled_by), _queue_text(o), article, macro])
    return html_block(html_table(
        ["Outcome", "Resolution", "Handled by", "Queue and SLA", "Article", "Macro"], rows))


def _queue_text(outcome: Outcome) -> str:
    parts = []
    if outcome.queue:
        parts.append(_code(outcome.queue))
    if outcome.sla_hours is not None:
        parts.append(f"SLA {as_label(outcome.sla_hours)} hours")
    return ", ".join(parts) or "\u2014"


def _guidance(tree: Tree) -> str:
    """Each outcome's guidance (Markdown, rendered as the site renders it), as a list."""
    items = []
    for node in tree.outcomes():
        o = node.outcome
        assert o is not None
        lead = f"<strong>{_text(o.title)}</strong> ({_code(node.id)}):"
        guidance = render_markdown(o.guidance.strip()) if o.guidance.strip() else ""
        if not guidance:
            items.append(f"<li>{lead} No guidance written.</li>")
        elif _ONE_PARAGRAPH.fullmatch(guidance):
            # one paragraph reads as one line of the list, as a tight Markdown list item does
            items.append(f"<li>{lead} {guidance[3:-4]}</li>")
        elif guidance.startswith("<p>"):
            items.append(f"<li><p>{lead} {guidance[3:]}</li>")
        else:
            items.append(f"<li><p>{lead}</p>{guidance}</li>")
    return html_block("<ul>" + "".join(items) + "</ul>")


_ONE_PARAGRAPH = re.compile(r"<p>(?:(?!</?p[ >]).)*</p>", re.S)


def _coverage(tree: Tree, kb: KnowledgeBase, coverage: TreeCoverage | None,
              results: list[CaseResult]) -> str:
    case_files = [s.path for s in kb.case_sets if s.tree == tree.id]
    if coverage is None or not coverage.cases:
        return html_block(
            f"<p>No labeled cases for this tree yet. Add them to "
            f"{_code(f'{kb.config.trees_dir}/{tree.id}.cases.yaml')} so {_code('kb test')} "
            "can check every outcome.</p>")
    passed = sum(1 for r in results if r.passed)
    files = ", ".join(_code(p) for p in case_files)
    out = [f"<p>{_plural(coverage.cases, 'labeled case')} in {files}: {passed} reach "
           f"their expected outcome, {len(results) - passed} do not.</p>"]
    rows = []
    for node in tree.outcomes():
        hits = coverage.outcome_hits.get(node.id, 0)
        title = node.outcome.title if node.outcome else node.id
        rows.append([f"{_text(title)} ({_code(node.id)})",
                     str(hits) if hits else "<strong>none</strong>"])
    out.append(html_table(["Outcome", "Labeled cases reaching it"], rows))
    unreached = coverage.unreached_outcomes()
    if unreached:
        out.append("<p><strong>Outcomes no labeled case reaches:</strong> "
                   + ", ".join(_code(o) for o in unreached) + ".</p>")
    else:
        out.append("<p>Every outcome is reached by at least one labeled case.</p>")
    untaken = coverage.untaken_branches()
    if untaken:
        out.append("<p><strong>Branches no labeled case takes:</strong></p><ul>"
                   + "".join(f"<li>{_code(branch_label(tree, node_id, index))}</li>"
                             for node_id, index in untaken) + "</ul>")
    else:
        out.append("<p>Every branch is taken by at least one labeled case.</p>")
    failing = [r for r in results if not r.passed]
    if failing:
        out.append(f"<p><strong>Cases that do not reach their expected outcome</strong> "
                   f"({_code('kb test')} fails on them):</p><ul>")
        for r in failing:
            reached = (_code(r.walk.outcome) if r.walk.outcome
                       else f"nothing ({_code_spans(r.walk.stuck)})")
            out.append(f"<li>{_code(r.case.id)}: expected {_code(r.case.expected)}, "
                       f"reached {reached}</li>")
        out.append("</ul>")
    return html_block("".join(out))


# --- pieces -------------------------------------------------------------------------------------


def _text(text: str) -> str:
    """Text as HTML element content (quotes stay as they are, as Markdown leaves them)."""
    return escape(text, quote=False)


def _code(text: str) -> str:
    return f"<code>{_text(text)}</code>"


def _code_spans(text: str) -> str:
    """Text whose `backtick` spans are code, as HTML."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _text(text))


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _docs_path(article: Article, kb: KnowledgeBase) -> str:
    prefix = kb.config.docs_dir.strip("/") + "/"
    return article.path.removeprefix(prefix)


def _relative(here: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


def _group_link(here: str, page: str, code: str) -> str:
    """A Markdown link to a product, market or team's heading on its browse page."""
    return f"[{code}]({_relative(here, page)}#{group_anchor(code)})"


def _group_link_html(kb: KnowledgeBase, here: str, page: str, code: str) -> str:
    href = page_href(kb, here, page, group_anchor(code))
    return f'<a href="{escape(href)}">{_text(code)}</a>'


def _article_link(kb: KnowledgeBase, here: str, article_id: str, anchor: str,
                  role: tuple[str, str] | None = None) -> str:
    """An HTML link to an article (section), titled; plain text when it is unknown.

    `role` (`article` or `macro`, outcome node id) tags the link for the walker.
    """
    article = kb.articles.get(article_id)
    if article is None:
        return (f"{_code(article_id + ('#' + anchor if anchor else ''))} (not found)"
                if article_id else "")
    heading = next((h.text for h in article.body.headings if h.anchor == anchor), "")
    text = article.meta.title + (f" \u203a {heading}" if heading else "")
    href = page_href(kb, here, _docs_path(article, kb), anchor)
    tag = f' data-kb-{role[0]}="{escape(role[1])}"' if role else ""
    return f'<a href="{escape(href)}"{tag}>{_text(" ".join(text.split()))}</a>'
