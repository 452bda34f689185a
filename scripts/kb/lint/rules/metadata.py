"""KB1xx: metadata of articles, trees and case files (shape, vocabularies, ids)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Article, Tree, YamlDoc

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SUMMARY_MAX = 200
#: tree ids whose generated page would take the place of a page the site needs
RESERVED_TREE_IDS = frozenset({"index"})


@cache
def schema(name: str) -> dict[str, Any]:
    text = resources.files("kb.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def validator(name: str) -> Draft202012Validator:
    """The reference validator: every error, with the path to the offending value."""
    from jsonschema import Draft202012Validator  # needed only for documents `is_valid` refuses

    return Draft202012Validator(schema(name))


@cache
def is_valid(name: str) -> Callable[[object], bool]:
    """A compiled check of the same schema, many times faster; used to skip valid documents."""
    # on a copy: compiling rewrites the schema's `$ref`s in place, and `schema` is shared
    compiled = fastjsonschema.compile(copy.deepcopy(schema(name)))

    def check(value: object) -> bool:
        try:
            compiled(value)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return check


def _documents(ctx: LintContext) -> Iterator[tuple[str, YamlDoc, str]]:
    kb = ctx.kb
    for a in kb.all_articles():
        yield a.path, a.source, "article"
    for t in kb.all_trees():
        yield t.path, t.source, "tree"
    for s in kb.case_sets:
        yield s.path, s.source, "cases"
    if kb.policy_set is not None:
        yield kb.policy_set.path, kb.policy_set.source, "policies"


def schema_errors(ctx: LintContext) -> list[tuple[str, YamlDoc, ValidationError]]:
    """Every JSON Schema violation of every document, computed once per lint run."""
    key = ("schema-errors",)
    if key not in ctx.memo:
        found: list[tuple[str, YamlDoc, ValidationError]] = []
        for path, doc, kind in _documents(ctx):
            if is_valid(kind)(doc.value):
                continue
            for err in validator(kind).iter_errors(doc.value):
                found.extend(_leaves(path, doc, err))
        ctx.memo[key] = found
    cached: Any = ctx.memo[key]
    return cached  # type: ignore[no-any-return]


def _leaves(path: str, doc: YamlDoc, err: ValidationError) -> Iterator[tuple[str, YamlDoc,
                                                                            ValidationError]]:
    """The most specific errors: anyOf/oneOf failures are reported through their best match."""
    if err.context:
        best = max(err.context, key=lambda e: len(e.absolute_path))
        if best.validator in ("type",) and len(best.absolute_path) == len(err.absolute_path):
            yield path, doc, err
            return
        yield from _leaves(path, doc, best)
        return
    yield path, doc, err


def _where(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path) or "the document"


@rule("KB101", "unknown-key", scope="kb", local=True)
def unknown_key(ctx: LintContext) -> Iterator[Finding]:
    """A key that the format does not define.

    What it checks:
        Every key in front matter, trees, facts, nodes, branches, outcomes and case files is one
        the format defines.
    Why it matters:
        A misspelt key (`sla_hour`, `visiblity`) is silently ignored by every consumer, so the
        value the author meant never takes effect.
    Bad:
        ```yaml
        visiblity: internal
        ```
    Good:
        ```yaml
        visibility: internal
        ```
    """
    for path, doc, err in schema_errors(ctx):
        if err.validator != "additionalProperties" or not isinstance(err.instance, dict):
            continue
        known = set(_schema_of(err).get("properties", {}))
        for key in err.instance:
            if key not in known:
                at = (*err.absolute_path, key)
                yield Finding.at(path, doc.key_pos(*at), f"unknown key `{key}` in "
                                 f"{_where(tuple(err.absolute_path))}",
                                 f"known keys: {', '.join(sorted(known))}")


@rule("KB102", "missing-key", scope="kb", local=True)
def missing_key(ctx: LintContext) -> Iterator[Finding]:
    """A required key is missing.

    What it checks:
        Articles carry id, title, summary, type, visibility, status, owner, reviewed, markets and
        products; trees the same without type plus start, facts and nodes; branches `when` and
        `next`; outcomes title, resolution, handled_by and article; cases id, facts and expected.
    Why it matters:
        Every one of them is read by the site, the bundle or the agents; a missing owner or
        visibility means nobody maintains the item or it leaks where it must not.
    Bad:
        ```yaml
        id: upi-failed-debit
        title: Failed UPI debit
        ```
    Good:
        ```yaml
        id: upi-failed-debit
        title: Failed UPI debit
        summary: What to do when a UPI payment is debited but not credited.
        # ... and the other required keys
        ```
    """
    for path, doc, err in schema_errors(ctx):
        if err.validator != "required":
            continue
        present = err.instance if isinstance(err.instance, dict) else {}
        missing = [k for k in _listed(err.validator_value) if k not in present]
        where = tuple(err.absolute_path)
        pos = doc.pos(*where) if where else doc.pos()
        for key in missing:
            yield Finding.at(path, pos, f"missing required key `{key}` in {_where(where)}",
                             f"add `{key}:`")


@rule("KB103", "invalid-value", scope="kb", local=True)
def invalid_value(ctx: LintContext) -> Iterator[Finding]:
    """A value of the wrong type or outside its allowed values.

    What it checks:
        Every value has the type and form the format defines: `type`, `visibility`, `status`,
        `resolution`, `handled_by` from their fixed lists; `reviewed` a real date (YYYY-MM-DD);
        lists where lists are expected; numbers where numbers are expected.
    Why it matters:
        A wrong value is read as missing by the consumers, so an article may vanish from an
        index or an outcome may lose its queue without an error anywhere.
    Bad:
        ```yaml
        visibility: secret
        reviewed: 15/03/2026
        ```
    Good:
        ```yaml
        visibility: restricted
        reviewed: 2026-03-15
        ```
    """
    for path, doc, err in schema_errors(ctx):
        if err.validator in ("additionalProperties", "required"):
            continue
        where = tuple(err.absolute_path)
        yield Finding.at(path, doc.pos(*where), f"`{_where(where)}`: {_explain(err)}",
                         _hint(err))
    for article_or_tree in _items(ctx):
        raw = article_or_tree.source.value
        reviewed = raw.get("reviewed") if isinstance(raw, dict) else None
        if isinstance(reviewed, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", reviewed) and \
                article_or_tree.meta.reviewed is None:
            yield Finding.at(article_or_tree.path, article_or_tree.source.pos("reviewed"),
                             f"`reviewed`: {reviewed} is not a calendar date",
                             "write a real date as YYYY-MM-DD")


def _explain(err: ValidationError) -> str:
    v = err.validator
    if v == "enum":
        return f"`{err.instance}` is not one of {', '.join(map(str, _listed(err.validator_value)))}"
    if v == "type":
        expected = err.validator_value
        names = [str(n) for n in _listed(expected)] or [str(expected)]
        return f"expected {' or '.join(names)}, found {_type_name(err.instance)}"
    if v == "pattern":
        return f"`{err.instance}` is not in the expected form"
    if v in ("minItems", "minProperties"):
        return "must not be empty"
    if v == "minLength":
        return "must not be empty"
    if v == "uniqueItems":
        return "has repeated values"
    return err.message


def _hint(err: ValidationError) -> str:
    path = [p for p in err.absolute_path if isinstance(p, str)]
    last = path[-1] if path else ""
    if last == "reviewed":
        return "write the date as YYYY-MM-DD"
    if last == "article" or last == "next":
        return "write an id (article ids may end with #anchor)"
    if err.validator == "enum":
        return f"use one of: {', '.join(map(str, _listed(err.validator_value)))}"
    return "see the format in the authoring guide"


def _listed(value: object) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _schema_of(err: ValidationError) -> dict[str, Any]:
    return err.schema if isinstance(err.schema, dict) else {}


def _type_name(value: object) -> str:
    if value is None:
        return "nothing"
    return {"str": "text", "int": "number", "float": "number", "bool": "boolean",
            "list": "a list", "dict": "a mapping"}.get(type(value).__name__, type(value).__name__)


@rule("KB104", "ambiguous-boolean", scope="kb", local=True)
def ambiguous_boolean(ctx: LintContext) -> Iterator[Finding]:
    """A bare `yes`, `no`, `on` or `off` in YAML.

    What it checks:
        No unquoted `yes`/`no`/`on`/`off` (or `y`/`n`) anywhere in a content file.
    Why it matters:
        YAML 1.1 tools read them as booleans and YAML 1.2 tools as text, so the same file means
        different things to different agents. Only `true` and `false` are booleans here.
    Bad:
        ```yaml
        - {when: yes, next: refund}
        ```
    Good:
        ```yaml
        - {when: true, next: refund}
        ```
    """
    for path in sorted(ctx.ambiguous):
        for pos, word in ctx.ambiguous[path]:
            yield Finding.at(path, pos, f"bare `{word}` is ambiguous",
                             "write true or false for a boolean, or quote it "
                             f"(\"{word}\") for the word")


def _items(ctx: LintContext) -> Iterator[Article | Tree]:
    yield from ctx.kb.all_articles()
    yield from ctx.kb.all_trees()


@rule("KB105", "unknown-term", scope="kb", local=True)
def unknown_term(ctx: LintContext) -> Iterator[Finding]:
    """A market, product, tag, owner or queue outside the configured vocabulary.

    What it checks:
        `markets`, `products`, `tags`, `owner` and every outcome's `queue` use the terms listed in
        the kb plugin options of `mkdocs.yml`.
    Why it matters:
        Index pages, filters and routing work on exact terms: `upi` and `UPI` would split one
        product into two, and an unknown queue sends an escalation nowhere.
    Bad:
        ```yaml
        markets: [India]
        owner: payments
        ```
    Good:
        ```yaml
        markets: [IN]
        owner: payments-ops-in
        ```
    Options:
        `markets`, `products`, `tags`, `teams`, `queues` in the kb plugin options.
    """
    config = ctx.kb.config
    vocab = {"markets": config.markets, "products": config.products, "tags": config.tags}
    for item in _items(ctx):
        doc = item.source
        for key, allowed in vocab.items():
            values = getattr(item.meta, key)
            for i, value in enumerate(values):
                if value not in allowed:
                    yield Finding.at(item.path, doc.pos(key, i), f"unknown {key[:-1]} `{value}`",
                                     f"use one of: {', '.join(allowed)} (or add it to mkdocs.yml)")
        if item.meta.owner and item.meta.owner not in config.teams:
            yield Finding.at(item.path, doc.pos("owner"), f"unknown team `{item.meta.owner}`",
                             f"use one of: {', '.join(config.teams)}")
    for tree in ctx.kb.all_trees():
        for node in tree.nodes.values():
            if node.outcome and node.outcome.queue and node.outcome.queue not in config.queues:
                yield Finding.at(tree.path, tree.source.pos(*node.path, "outcome", "queue"),
                                 f"unknown queue `{node.outcome.queue}`",
                                 f"use one of: {', '.join(config.queues)}")


@rule("KB106", "id-format", scope="kb", local=True)
def id_format(ctx: LintContext) -> Iterator[Finding]:
    """Ids are kebab-case; a tree's id is its file name.

    What it checks:
        Article and tree ids (and node and fact ids) are lowercase words joined by hyphens; a
        tree in `decision_trees/<name>.yaml` has id `<name>`.
    Why it matters:
        Ids become URLs, anchors and keys in agents' code; they must be stable and predictable.
        A tree may not be called `index`: its page would replace the site's tree index.
    Bad:
        ```yaml
        id: UPI_Failed Debit
        ```
    Good:
        ```yaml
        id: upi-failed-debit
        ```
    """
    for item in _items(ctx):
        if item.meta.id and not KEBAB.match(item.meta.id):
            yield Finding.at(item.path, item.source.pos("id"),
                             f"id `{item.meta.id}` is not kebab-case",
                             "use lowercase letters, digits and single hyphens")
    for tree in ctx.kb.all_trees():
        stem = tree.path.rsplit("/", 1)[-1].removesuffix(".yaml")
        if tree.meta.id in RESERVED_TREE_IDS:
            yield Finding.at(tree.path, tree.source.pos("id"),
                             f"tree id `{tree.meta.id}` is reserved: the site's tree index "
                             f"page is trees/{tree.meta.id}/",
                             "choose another id (and file name) for the tree")
        elif tree.meta.id and tree.meta.id != stem:
            yield Finding.at(tree.path, tree.source.pos("id"),
                             f"tree id `{tree.meta.id}` differs from its file name `{stem}`",
                             f"rename the file to {tree.meta.id}.yaml or the id to {stem}")
        for name, where in (*((f, ("facts", f)) for f in tree.facts),
                            *((n, ("nodes", n)) for n in tree.nodes)):
            if not KEBAB.match(name) and not re.match(r"^[a-z0-9]+(?:_[a-z0-9]+)*$", name):
                yield Finding.at(tree.path, tree.source.key_pos(*where),
                                 f"`{name}` is not a valid id",
                                 "use lowercase words joined by hyphens or underscores")


@rule("KB107", "duplicate-id", scope="kb")
def duplicate_id(ctx: LintContext) -> Iterator[Finding]:
    """Two articles or trees share an id.

    What it checks:
        Every article and tree id is unique across the whole knowledge base.
    Why it matters:
        Links, outcomes and agents resolve content by id; with two owners of one id, one of the
        two is unreachable and which one wins depends on file order.
    Bad:
        Two files with `id: upi-failed-debit`.
    Good:
        One `upi-failed-debit`, and the other renamed `upi-failed-debit-merchant`.
    """
    first: dict[str, str] = {}
    for item in _items(ctx):
        if not item.meta.id:
            continue
        if item.meta.id in first:
            yield Finding.at(item.path, item.source.pos("id"),
                             f"id `{item.meta.id}` is already used by {first[item.meta.id]}",
                             "choose a new id; ids are never reused")
        else:
            first[item.meta.id] = item.path


@rule("KB108", "summary-form", scope="kb", local=True)
def summary_form(ctx: LintContext) -> Iterator[Finding]:
    """A summary is one sentence of at most 200 characters.

    What it checks:
        `summary` holds a single sentence (no sentence break inside) and is at most 200
        characters long.
    Why it matters:
        Summaries are shown in search results, index pages and agents' retrieval snippets;
        a paragraph there buries the answer.
    Bad:
        ```yaml
        summary: UPI failures. This article explains everything about them. Read it all.
        ```
    Good:
        ```yaml
        summary: What to do when a UPI payment is debited but the payee is not credited.
        ```
    """
    for item in _items(ctx):
        summary = item.meta.summary
        if not summary:
            continue
        pos = item.source.pos("summary")
        if len(summary) > SUMMARY_MAX:
            yield Finding.at(item.path, pos, f"summary is {len(summary)} characters long "
                             f"(at most {SUMMARY_MAX})", "shorten it to one sentence")
        elif re.search(r"[.!?]\s+[A-Z]", summary.strip()):
            yield Finding.at(item.path, pos, "summary has more than one sentence",
                             "keep one sentence; move the rest into the body")


@rule("KB109", "deprecated-successor", scope="kb", local=True)
def deprecated_successor(ctx: LintContext) -> Iterator[Finding]:
    """A deprecated item names its successor, and only deprecated items do.

    What it checks:
        `status: deprecated` comes with `superseded_by`, and `superseded_by` comes only with
        `status: deprecated`.
    Why it matters:
        Specialists and agents who land on deprecated content must be sent to what replaced it.
    Bad:
        ```yaml
        status: deprecated
        ```
    Good:
        ```yaml
        status: deprecated
        superseded_by: upi-collect-request-fraud
        ```
    """
    for item in _items(ctx):
        meta = item.meta
        if meta.status == "deprecated" and not meta.superseded_by:
            yield Finding.at(item.path, item.source.pos("status"),
                             "deprecated without `superseded_by`",
                             "name the article that replaces it")
        elif meta.superseded_by and meta.status != "deprecated":
            yield Finding.at(item.path, item.source.pos("superseded_by"),
                             f"`superseded_by` on a {meta.status or 'non-deprecated'} item",
                             "set `status: deprecated`, or remove `superseded_by`")


@rule("KB110", "effective-dates", scope="kb", local=True)
def effective_dates(ctx: LintContext) -> Iterator[Finding]:
    """Effective dates are in order, and only a deprecated item has an end.

    What it checks:
        `effective_until` comes only with `status: deprecated`, and when an item has both
        dates, `effective_until` is after `effective_from`.
    Why it matters:
        The agent exports follow these dates: an item that ends before it starts, or a live
        item with an end date, silently disappears from what the agents see.
    Bad:
        ```yaml
        status: published
        effective_until: 2026-10-01
        ```
    Good:
        ```yaml
        status: deprecated
        superseded_by: upi-limits-2026
        effective_until: 2026-10-01
        ```
    """
    for item in _items(ctx):
        meta = item.meta
        if meta.effective_until is None:
            continue
        pos = item.source.pos("effective_until")
        if meta.status != "deprecated":
            yield Finding.at(item.path, pos,
                             f"`effective_until` on a {meta.status or 'non-deprecated'} item",
                             "set `status: deprecated` with `superseded_by`, or remove it")
        elif meta.effective_from is not None and meta.effective_until <= meta.effective_from:
            yield Finding.at(item.path, pos,
                             f"`effective_until` {meta.effective_until} is not after "
                             f"`effective_from` {meta.effective_from}",
                             "an item must apply for at least one day")
