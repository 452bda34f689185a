"""Two knowledge bases compared the way a reviewer reads a change: what agents will see
differently, and which labeled cases now end elsewhere. Pure: no files, no git.

A new kind of change is one field of `KbDiff` (a tuple of one frozen record type), filled by
one function here and rendered by one entry in `kb.changes.report.SECTIONS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from kb.buildinfo import BuildInfo
from kb.effective import Change, in_effect, upcoming_changes
from kb.export.bundle import build_bundle
from kb.export.scope import article_is_exported, tree_is_exported
from kb.model import Article, Case, Fact, KnowledgeBase, Tree
from kb.walk import Walk, walk
from kb.when import format_number, format_value, is_number

Kind = Literal["article", "tree"]
Item = Article | Tree


@dataclass(frozen=True, slots=True)
class ItemRef:
    """An article or tree on one side of the change."""

    kind: Kind
    id: str
    path: str
    title: str


@dataclass(frozen=True, slots=True)
class Rename:
    kind: Kind
    id: str
    old_path: str
    new_path: str


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One metadata field of an item that changed (`visibility`, `status`)."""

    kind: Kind
    id: str
    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ExportMove:
    """An item entering (`enters`) or leaving (`leaves`) the agent exports."""

    kind: Kind
    id: str
    move: Literal["enters", "leaves"]


@dataclass(frozen=True, slots=True)
class OutcomeChange:
    tree: str
    node: str
    change: Literal["added", "removed"]
    title: str


@dataclass(frozen=True, slots=True)
class CaseChange:
    """A labeled case whose walk ends at another outcome ('' = the walk is stuck)."""

    tree: str
    case: str
    expected: str
    old: str
    new: str
    #: the last node both walks visit, where their paths part ('' = they part at the start)
    parts_at: str


@dataclass(frozen=True, slots=True)
class FactChange:
    """A fact declared, removed, or changed in `type`, `options`, `min`, `max` or the
    `thresholds` its branches compare it with."""

    tree: str
    fact: str
    change: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class KbDiff:
    base: str
    head: str
    added: tuple[ItemRef, ...] = ()
    removed: tuple[ItemRef, ...] = ()
    renamed: tuple[Rename, ...] = ()
    fields: tuple[FieldChange, ...] = ()
    exports: tuple[ExportMove, ...] = ()
    outcomes: tuple[OutcomeChange, ...] = ()
    cases: tuple[CaseChange, ...] = ()
    facts: tuple[FactChange, ...] = ()
    #: exported in both, with a different exported entry (text, metadata, nodes, URL)
    text: tuple[ItemRef, ...] = ()
    #: what starts or stops applying in head within `kb.effective.UPCOMING_DAYS` of `today`
    upcoming: tuple[Change, ...] = ()
    #: the day effective dates are judged on (ISO 8601)
    today: str = ""

    @property
    def empty(self) -> bool:
        return not any((self.added, self.removed, self.renamed, self.fields, self.exports,
                        self.outcomes, self.cases, self.facts, self.text))


WATCHED_FIELDS = ("visibility", "status")


def compare(base: KnowledgeBase, head: KnowledgeBase, base_label: str = "base",
            head_label: str = "head", today: dt.date | None = None) -> KbDiff:
    """What changes from `base` to `head`, each list sorted by kind and id, and what takes
    effect or ends in `head` soon after `today` (by default the day head's config judges on)."""
    day = today or head.config.judged_on()
    old, new = _items(base), _items(head)
    both = sorted(old.keys() & new.keys())
    return KbDiff(
        base=base_label, head=head_label,
        added=tuple(_ref(new[k]) for k in sorted(new.keys() - old.keys())),
        removed=tuple(_ref(old[k]) for k in sorted(old.keys() - new.keys())),
        renamed=tuple(Rename(k[0], k[1], old[k].path, new[k].path) for k in both
                      if old[k].path != new[k].path),
        fields=tuple(FieldChange(k[0], k[1], name, getattr(old[k].meta, name),
                                 getattr(new[k].meta, name))
                     for k in both for name in WATCHED_FIELDS
                     if getattr(old[k].meta, name) != getattr(new[k].meta, name)),
        exports=tuple(_export_moves(base, head)),
        outcomes=tuple(_outcome_changes(base, head)),
        cases=tuple(_case_changes(base, head)),
        facts=tuple(_fact_changes(base, head)),
        text=tuple(_ref(new[k]) for k in _changed_entries(base, head)),
        upcoming=tuple(upcoming_changes(head, day)),
        today=day.isoformat(),
    )


def _items(kb: KnowledgeBase) -> dict[tuple[Kind, str], Item]:
    found: dict[tuple[Kind, str], Item] = {("article", a.id): a for a in kb.articles.values()}
    found.update({("tree", t.id): t for t in kb.trees.values()})
    return found


def _ref(item: Item) -> ItemRef:
    return ItemRef("article" if isinstance(item, Article) else "tree", item.id, item.path,
                   item.meta.title)


def _exported(kb: KnowledgeBase, item: Item) -> bool:
    """Whether the agent exports carry `item` on the day `kb` is judged on."""
    shown = article_is_exported(item) if isinstance(item, Article) else tree_is_exported(item)
    return shown and in_effect(kb, item, kb.config.judged_on())


def _export_moves(base: KnowledgeBase, head: KnowledgeBase) -> Iterator[ExportMove]:
    before = {k for k, item in _items(base).items() if _exported(base, item)}
    after = {k for k, item in _items(head).items() if _exported(head, item)}
    for key in sorted(before ^ after):
        yield ExportMove(key[0], key[1], "enters" if key in after else "leaves")


def _outcome_changes(base: KnowledgeBase, head: KnowledgeBase) -> Iterator[OutcomeChange]:
    for tree_id in sorted(base.trees.keys() & head.trees.keys()):
        old = {n.id: n for n in base.trees[tree_id].outcomes()}
        new = {n.id: n for n in head.trees[tree_id].outcomes()}
        for node_id in sorted(old.keys() ^ new.keys()):
            node = new.get(node_id) or old[node_id]
            assert node.outcome is not None  # both sides hold outcome nodes only
            yield OutcomeChange(tree_id, node_id, "added" if node_id in new else "removed",
                                node.outcome.title)


def _case_changes(base: KnowledgeBase, head: KnowledgeBase) -> Iterator[CaseChange]:
    """Each case of `head` whose walk through its tree ends elsewhere than the same case (as
    `base` had it, when it did) walked through `base`'s tree."""
    before = {(s.tree, c.id): c for s in base.case_sets for c in s.cases}
    for case_set in sorted(head.case_sets, key=lambda s: s.tree):
        old_tree, new_tree = base.trees.get(case_set.tree), head.trees.get(case_set.tree)
        if old_tree is None or new_tree is None:
            continue
        for case in case_set.cases:
            old_case: Case = before.get((case_set.tree, case.id), case)
            old_walk, new_walk = walk(old_tree, old_case.facts), walk(new_tree, case.facts)
            if old_walk.outcome != new_walk.outcome:
                yield CaseChange(case_set.tree, case.id, case.expected, old_walk.outcome,
                                 new_walk.outcome, parting_node(old_walk, new_walk))


def parting_node(old: Walk, new: Walk) -> str:
    """The last node two walks both visit before their paths part ('' when they part at once)."""
    common = ""
    for a, b in zip(old.path, new.path, strict=False):
        if a != b:
            break
        common = a
    return common


def _fact_changes(base: KnowledgeBase, head: KnowledgeBase) -> Iterator[FactChange]:
    for tree_id in sorted(base.trees.keys() & head.trees.keys()):
        old_tree, new_tree = base.trees[tree_id], head.trees[tree_id]
        for fact_id in sorted(old_tree.facts.keys() | new_tree.facts.keys()):
            old, new = old_tree.facts.get(fact_id), new_tree.facts.get(fact_id)
            if old is None or new is None:
                yield FactChange(tree_id, fact_id, "added" if old is None else "removed",
                                 "" if old is None else old.type, "" if new is None else new.type)
                continue
            old_shape, new_shape = fact_shape(old_tree, old), fact_shape(new_tree, new)
            for name, was in old_shape.items():
                if was != new_shape[name]:
                    yield FactChange(tree_id, fact_id, name, was, new_shape[name])


def fact_shape(tree: Tree, fact: Fact) -> dict[str, str]:
    """What a walk depends on in a fact, as text: type, options, bounds, and the numbers the
    branches asking it compare it with."""
    thresholds = sorted({float(n) for node in tree.nodes.values() if node.ask == fact.id
                         for b in node.branches if isinstance(b.when, Mapping)
                         for n in b.when.values() if is_number(n)})
    return {
        "type": fact.type,
        "options": ", ".join(fact.options),
        "min": "" if fact.min is None else format_value(fact.min),
        "max": "" if fact.max is None else format_value(fact.max),
        "thresholds": ", ".join(format_number(n) for n in thresholds),
    }


def _changed_entries(base: KnowledgeBase, head: KnowledgeBase) -> list[tuple[Kind, str]]:
    """Items exported on both sides whose exported entry (its sha256) differs."""
    build = BuildInfo()  # the build's identity is the same on both sides: only content counts
    old, new = _entry_hashes(build_bundle(base, build)), _entry_hashes(build_bundle(head, build))
    return sorted(k for k in old.keys() & new.keys() if old[k] != new[k])


def _entry_hashes(bundle: Mapping[str, object]) -> dict[tuple[Kind, str], str]:
    hashes: dict[tuple[Kind, str], str] = {}
    sides: tuple[tuple[str, Kind], ...] = (("articles", "article"), ("trees", "tree"))
    for key, kind in sides:
        entries = bundle[key]
        assert isinstance(entries, list)
        hashes.update({(kind, str(e["id"])): str(e["sha256"]) for e in entries})
    return hashes
