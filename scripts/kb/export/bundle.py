"""The agents' bundle: every exported article and tree as one versioned JSON document.

`build_bundle(kb, build)` is pure: equal sources and an equal BuildInfo give an equal dict, and
`bundle_json` serialises it the same way every time. The format is documented for agent
developers by `kb.pages.bundle_format` and described by `schemas/bundle.schema.json`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from functools import partial

from kb.buildinfo import BuildInfo
from kb.export.json_text import dumps_indented
from kb.export.markdown import export_markdown
from kb.export.scope import ExportScope, JsonObject, article_is_exported
from kb.loader.markdown_body import parse_body
from kb.model import (
    Article,
    Deadline,
    Fact,
    KnowledgeBase,
    Metadata,
    Node,
    Outcome,
    Placeholder,
    Policy,
    Routing,
    Source,
    Tree,
)
from kb.translations import DEFAULT_LOCALE, is_stale, locale_of, translations_of

FORMAT = "kb-bundle"
VERSION = 1


def build_bundle(kb: KnowledgeBase, build: BuildInfo) -> JsonObject:
    """The bundle of `kb`: exported articles and trees, sorted by id."""
    scope = ExportScope.of(kb, build.site)
    articles = [with_sha256(article_entry(scope, a)) for a in scope.articles.values()]
    trees = [with_sha256(tree_entry(scope, t)) for t in scope.trees.values()]
    policies = [with_sha256(policy_entry(p)) for _, p in sorted(kb.policies.items())]
    sections = sum(len(a.body.sections) for a in scope.articles.values())
    content = sha256_hex(canonical_json({"articles": [a["sha256"] for a in articles],
                                         "trees": [t["sha256"] for t in trees],
                                         "policies": [p["sha256"] for p in policies]}))
    return {
        "format": FORMAT,
        "version": VERSION,
        "build": {
            "commit": build.commit or None,
            "time": build.iso_time,
            "time_source": build.time_source,
            "site": {"name": build.site.name, "url": build.site.url},
            "counts": {"articles": len(articles), "trees": len(trees), "sections": sections},
            "content_sha256": content,
        },
        "locales": locales_entry(kb),
        "articles": articles,
        "trees": trees,
        "policies": policies,
    }


def locales_entry(kb: KnowledgeBase) -> JsonObject:
    """The language of untranslated articles and, per market, the locales its customer-facing
    macros must exist in (the first is the one to reply in)."""
    required = kb.config.translations.required_locales
    return {"default": DEFAULT_LOCALE,
            "required": {market: list(required[market]) for market in sorted(required)}}


# --- serialisation -------------------------------------------------------------------------------

def canonical_json(value: object) -> bytes:
    """The canonical form hashed for `sha256`: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def with_sha256(item: JsonObject) -> JsonObject:
    """`item` with `sha256`: the hash of its canonical JSON without the `sha256` key."""
    body = {k: v for k, v in item.items() if k != "sha256"}
    return {**body, "sha256": sha256_hex(canonical_json(body))}


def bundle_json(bundle: Mapping[str, object]) -> bytes:
    """The bundle as the bytes of kb-bundle.json (indented, UTF-8, a final newline)."""
    return (dumps_indented(bundle) + "\n").encode()


# --- items -----------------------------------------------------------------------------------

def _metadata(scope: ExportScope, meta: Metadata, kind: str | None) -> JsonObject:
    entry: JsonObject = {"id": meta.id, "title": meta.title, "summary": meta.summary}
    if kind is not None:
        entry["type"] = kind
    entry.update({
        "visibility": meta.visibility,
        "status": meta.status,
        "owner": meta.owner,
        "reviewed": meta.reviewed.isoformat() if meta.reviewed else None,
        "markets": list(meta.markets),
        "products": list(meta.products),
        "tags": list(meta.tags),
        "related": scope.visible_ids(meta.related),
        "superseded_by": meta.superseded_by if scope.shows(meta.superseded_by) else None,
    })
    return entry


def article_entry(scope: ExportScope, article: Article) -> JsonObject:
    body = article.body
    markdown = export_markdown(body.markdown, partial(scope.hides, article), body.text)
    if markdown != body.markdown:
        body = parse_body(markdown, body.first_line)
    links: dict[tuple[str, str], JsonObject] = {}
    for _, target in scope.link_targets(article):
        if target.hidden:
            continue
        ref = (scope.article_ref(target.id, target.anchor) if target.kind == "article"
               else scope.tree_ref(target.id, target.anchor))
        if ref is not None:
            links.setdefault((target.id, target.anchor), {"kind": target.kind, **ref})
    entry = _metadata(scope, article.meta, article.type)
    entry.update({
        "url": scope.article_url(article),
        "markdown": markdown,
        "text": body.text,
        "sections": [
            {"anchor": s.anchor, "heading": s.heading, "level": s.level,
             "heading_path": list(s.heading_path), "text": s.text}
            for s in body.sections
        ],
        "links": list(links.values()),
        "sources": [source_entry(source) for source in article.sources],
        "locale": locale_of(article),
        "placeholders": {p.name: placeholder_entry(p) for p in article.placeholders},
        "translations": [translation_entry(scope, t, article)
                         for t in translations_of(scope.kb, article.id)
                         if article_is_exported(t)],
    })
    return entry


def source_entry(source: Source) -> JsonObject:
    entry: JsonObject = {"title": source.title, "type": source.type}
    if source.url:
        entry["url"] = source.url
    if source.circular:
        entry["circular"] = source.circular
    entry["checked"] = source.checked.isoformat() if source.checked else None
    return entry


def placeholder_entry(placeholder: Placeholder) -> JsonObject:
    """What an agent fills in `{{name}}`: its type, meaning and an example value."""
    entry: JsonObject = {"type": placeholder.type, "description": placeholder.description,
                         "example": placeholder.example}
    if placeholder.values:
        entry["values"] = list(placeholder.values)
    if placeholder.currency:
        entry["currency"] = placeholder.currency
    return entry


def translation_entry(scope: ExportScope, translation: Article, source: Article) -> JsonObject:
    """A translation of `source`; `stale` when the source changed since it was marked."""
    marked = translation.translation.source_hash if translation.translation else ""
    markdown = export_markdown(translation.body.markdown, partial(scope.hides, translation),
                               translation.body.text)
    text = (parse_body(markdown, translation.body.first_line).text
            if markdown != translation.body.markdown else translation.body.text)
    return {"locale": locale_of(translation), "id": translation.id,
            "title": translation.meta.title, "summary": translation.meta.summary,
            "url": scope.article_url(translation), "markdown": markdown, "text": text,
            "source_hash": marked, "stale": is_stale(translation, source)}


def tree_entry(scope: ExportScope, tree: Tree) -> JsonObject:
    entry = _metadata(scope, tree.meta, None)
    entry.update({
        "url": scope.tree_url(tree),
        "routing": routing_entry(scope, tree.routing),
        "start": tree.start,
        "facts": {fact_id: fact_entry(fact) for fact_id, fact in tree.facts.items()},
        "nodes": {node_id: node_entry(scope, node) for node_id, node in tree.nodes.items()},
    })
    return entry


def routing_entry(scope: ExportScope, routing: Routing) -> JsonObject:
    """When a tree applies; a `not_for` naming a tree outside the export is left out."""
    return {
        "applies_when": routing.applies_when,
        "examples": [e.message for e in routing.examples],
        "not_for": [{"message": e.message, "tree": e.tree} for e in routing.not_for
                    if e.message and scope.tree_ref(e.tree) is not None],
    }


def fact_entry(fact: Fact) -> JsonObject:
    entry: JsonObject = {"question": fact.question, "type": fact.type}
    if fact.options:
        entry["options"] = list(fact.options)
    if fact.labels:
        entry["labels"] = {value: fact.labels[value] for value in fact.options
                           if value in fact.labels}
    if fact.min is not None:
        entry["min"] = fact.min
    if fact.max is not None:
        entry["max"] = fact.max
    if fact.unit:
        entry["unit"] = fact.unit
    if fact.signals:
        entry["signals"] = {s.id: as_json(s.when) for s in fact.signals}
    return entry


def policy_entry(policy: Policy) -> JsonObject:
    """A safety policy: what every outcome reached with its signal raised must be (an empty
    list or a null maximum requires nothing)."""
    return {
        "id": policy.id,
        "title": policy.title,
        "why": policy.why,
        "resolutions": list(policy.resolutions),
        "handled_by": list(policy.handled_by),
        "queues": list(policy.queues),
        "max_sla_hours": policy.max_sla_hours,
        "ask_before_ai": policy.ask_before_ai,
    }


def node_entry(scope: ExportScope, node: Node) -> JsonObject:
    """A node as authored; only an outcome's `article` and `macro` are resolved to references."""
    if node.outcome is not None:
        return {"outcome": outcome_entry(scope, node.outcome)}
    return question_entry(node)


def question_entry(node: Node) -> JsonObject:
    """A question node as authored: what it asks, its branches and its default."""
    entry: JsonObject = {
        "ask": node.ask,
        "branches": [{"when": as_json(b.when), "next": b.next} for b in node.branches],
    }
    if node.default:
        entry["default"] = node.default
    return entry


def outcome_entry(scope: ExportScope, outcome: Outcome) -> JsonObject:
    entry: JsonObject = {
        "title": outcome.title,
        "resolution": outcome.resolution,
        "handled_by": outcome.handled_by,
    }
    if outcome.queue:
        entry["queue"] = outcome.queue
    if outcome.sla_hours is not None:
        entry["sla_hours"] = outcome.sla_hours
    entry["article"] = scope.article_ref(outcome.article, outcome.anchor)
    macro_id, _, macro_anchor = outcome.macro.partition("#")
    macro = scope.article_ref(macro_id, macro_anchor) if macro_id else None
    if macro is not None:
        entry["macro"] = macro
    if outcome.guidance:
        entry["guidance"] = outcome.guidance
    if outcome.deadline is not None:
        entry["deadline"] = deadline_entry(outcome.deadline)
    return entry


def deadline_entry(deadline: Deadline) -> JsonObject:
    """An outcome's deadline as authored: `days` a number, or a mapping picked by `by`."""
    entry: JsonObject = {"label": deadline.label, "since": deadline.since}
    if deadline.by:
        entry["by"] = deadline.by
        entry["days"] = dict(deadline.days_by)
    else:
        entry["days"] = deadline.days
    for key, value in (("fills", deadline.fills), ("start_fills", deadline.start_fills)):
        if value:
            entry[key] = value
    return entry


def as_json(value: object) -> object:
    """A YAML value as JSON data (dates as ISO strings; mapping keys as strings)."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
