"""The knowledge model: typed, frozen objects built by the loader and read by everything else.

Every object keeps the source position of what it was built from, so any consumer can point an
author at the exact line and column. Objects are built leniently from possibly invalid input
(a wrong-typed value becomes an empty default); the metadata lint rules report the invalid input
itself from the raw document kept beside each object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from kb.config import KbConfig

Scalar: TypeAlias = "str | int | float | bool"
#: where a value sits in a YAML document: the keys and list indexes leading to it
KeyPath: TypeAlias = tuple["str | int", ...]

ARTICLE_TYPES = ("policy", "procedure", "troubleshooting", "reference", "macro")
VISIBILITIES = ("public", "internal", "restricted")
TREE_VISIBILITIES = ("internal", "restricted")
STATUSES = ("draft", "published", "deprecated")
FACT_TYPES = ("boolean", "choice", "number")
RESOLUTIONS = ("inform", "resolve", "escalate")
HANDLERS = ("ai", "specialist")
COMPARATORS = ("lt", "lte", "gt", "gte")


@dataclass(frozen=True, slots=True, order=True)
class Pos:
    """A 1-based line and column in a source file."""

    line: int
    col: int


START = Pos(1, 1)


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A YAML document read strictly: plain values plus the position of every value and key."""

    value: object
    marks: Mapping[KeyPath, Pos]
    key_marks: Mapping[KeyPath, Pos]

    def pos(self, *path: str | int) -> Pos:
        """Position of the value at `path`, or of its nearest enclosing value."""
        return _nearest(self.marks, path)

    def key_pos(self, *path: str | int) -> Pos:
        """Position of the key that introduces `path` (falls back to the value's position)."""
        if path in self.key_marks:
            return self.key_marks[path]
        return self.pos(*path)


def _nearest(marks: Mapping[KeyPath, Pos], path: KeyPath) -> Pos:
    while path:
        if path in marks:
            return marks[path]
        path = path[:-1]
    return marks.get((), START)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    anchor: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Link:
    """A Markdown link in a body: `target` is the path part as written, `anchor` the fragment."""

    target: str
    anchor: str
    text: str
    pos: Pos

    @property
    def is_external(self) -> bool:
        return "://" in self.target or self.target.startswith(("mailto:", "tel:", "//"))


@dataclass(frozen=True, slots=True)
class Section:
    """The text under one heading (up to the next heading of any level). The lead has anchor ''."""

    anchor: str
    heading: str
    level: int
    heading_path: tuple[str, ...]
    markdown: str
    text: str


@dataclass(frozen=True, slots=True)
class Body:
    """A parsed Markdown body: the facts rules and exporters need, with positions in the file."""

    markdown: str
    first_line: int
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    sections: tuple[Section, ...]
    html: tuple[tuple[str, Pos], ...]
    text: str

    def anchors(self) -> frozenset[str]:
        return frozenset(h.anchor for h in self.headings)


@dataclass(frozen=True, slots=True)
class Metadata:
    """Front matter shared by articles and trees; empty values when absent or invalid."""

    id: str
    title: str
    summary: str
    visibility: str
    status: str
    owner: str
    reviewed: dt.date | None
    markets: tuple[str, ...]
    products: tuple[str, ...]
    tags: tuple[str, ...]
    related: tuple[str, ...]
    superseded_by: str
    #: the first day the item applies; before it the site marks it and the exports leave it out
    effective_from: dt.date | None = None
    #: the first day a deprecated item no longer applies; from it the exports leave it out
    effective_until: dt.date | None = None


PLACEHOLDER_TYPES = ("text", "date", "money", "enum", "duration")


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A macro's declared placeholder: what an agent fills in `{{name}}` and in which format."""

    name: str
    type: str
    description: str
    example: str
    #: the allowed values of an `enum` placeholder
    values: tuple[str, ...] = ()
    #: the ISO 4217 currency of a `money` placeholder
    currency: str = ""


@dataclass(frozen=True, slots=True)
class Translation:
    """What a translated article records: the article it translates, its language, and the
    hash of the source's title and body when it was marked (`kb translations mark`)."""

    of: str
    locale: str
    source_hash: str


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of an article's `sources`: where its rules and figures come from, and the day
    someone last checked them against it."""

    title: str
    #: regulation, scheme-rule, network-rule, guidance or industry
    type: str
    url: str
    circular: str
    checked: dt.date | None
    #: its place in the `sources` list, for positions (`YamlDoc.pos("sources", index)`)
    index: int

    @property
    def reference(self) -> str:
        """The URL, else the circular number."""
        return self.url or self.circular


@dataclass(frozen=True, slots=True)
class Article:
    path: str
    meta: Metadata
    type: str
    body: Body
    source: YamlDoc
    #: the front matter's `sources`, in order
    sources: tuple[Source, ...] = ()
    #: set when this article is a translation of another
    translation: Translation | None = None
    #: a macro's declared placeholders, in file order
    placeholders: tuple[Placeholder, ...] = ()
    #: `sha256:<hex>` of the title and body: what a translation's `source_hash` records
    content_hash: str = ""
    #: the placeholder names the body uses, in order of first use
    slots: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True, slots=True)
class SectionPage:
    """A section's `index.md`: a navigation page, not an article; its links are still checked."""

    path: str
    title: str
    body: Body


@dataclass(frozen=True, slots=True)
class Signal:
    """A named risk signal a fact raises for the values where `when` holds (the semantics of a
    branch's `when`, see `kb.when`)."""

    id: str
    when: object
    pos: Pos


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    question: str
    type: str
    options: tuple[str, ...]
    min: float | None
    max: float | None
    unit: str
    pos: Pos
    #: the risk signals its values raise, in file order
    signals: tuple[Signal, ...] = ()
    #: option value -> the label people read, for the options that have one
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, value: object) -> str:
        """How `value` reads to a person: its label, else the value itself."""
        return self.labels.get(value, str(value)) if isinstance(value, str) else str(value)


@dataclass(frozen=True, slots=True)
class Branch:
    """One `when` clause. `when` is a scalar, a list of scalars, or a mapping of comparisons."""

    when: object
    next: str
    pos: Pos
    index: int


@dataclass(frozen=True, slots=True)
class Deadline:
    """A date an outcome gives the customer, counted from a day T that a number fact measures:
    the fact `since` says how many days after T today is (0 on day T), and the deadline is
    `days` after T, or, with `by`, the number of days `days_by` gives for that choice fact's
    answer. `fills` and `start_fills` name the macro placeholders the due date and day T fill."""

    label: str
    since: str
    days: float | None
    by: str = ""
    days_by: Mapping[str, float] = field(default_factory=dict)
    fills: str = ""
    start_fills: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    title: str
    resolution: str
    handled_by: str
    article: str
    anchor: str
    guidance: str
    macro: str
    queue: str
    sla_hours: float | None
    deadline: Deadline | None = None


@dataclass(frozen=True, slots=True)
class Node:
    """A question node (`ask` set, `outcome` None) or an outcome node (`outcome` set)."""

    id: str
    pos: Pos
    path: KeyPath
    ask: str = ""
    branches: tuple[Branch, ...] = ()
    default: str = ""
    default_pos: Pos | None = None
    outcome: Outcome | None = None

    @property
    def kind(self) -> Literal["question", "outcome"]:
        return "outcome" if self.outcome is not None else "question"


@dataclass(frozen=True, slots=True)
class Example:
    """A customer message, as written under a tree's `examples` or `not_for`."""

    message: str
    pos: Pos
    #: for `not_for`: the id of the tree that should take the message instead
    tree: str = ""


@dataclass(frozen=True, slots=True)
class Routing:
    """When a tree applies: a sentence or two, example messages it takes, and messages it must
    not take (each naming the tree that should)."""

    applies_when: str = ""
    examples: tuple[Example, ...] = ()
    not_for: tuple[Example, ...] = ()


NO_ROUTING = Routing()


@dataclass(frozen=True, slots=True)
class Tree:
    path: str
    meta: Metadata
    start: str
    facts: Mapping[str, Fact]
    nodes: Mapping[str, Node]
    source: YamlDoc
    routing: Routing = NO_ROUTING

    @property
    def id(self) -> str:
        return self.meta.id

    def outcomes(self) -> Iterator[Node]:
        return (n for n in self.nodes.values() if n.outcome is not None)


@dataclass(frozen=True, slots=True)
class Policy:
    """What every outcome reached with signal `id` raised must be. An empty requirement
    (no resolutions, no queues, no maximum SLA) allows anything."""

    id: str
    title: str
    why: str
    resolutions: tuple[str, ...]
    handled_by: tuple[str, ...]
    queues: tuple[str, ...]
    max_sla_hours: float | None
    #: a tree declaring a fact for the signal asks it before any outcome the AI handles
    ask_before_ai: bool
    pos: Pos

    def breaches(self, outcome: Outcome) -> list[str]:
        """What `outcome` fails of this policy, one phrase per requirement; empty when none."""
        found: list[str] = []
        if self.resolutions and outcome.resolution not in self.resolutions:
            found.append(f"resolution `{outcome.resolution}` is not "
                         + " or ".join(f"`{r}`" for r in self.resolutions))
        if self.handled_by and outcome.handled_by not in self.handled_by:
            found.append(f"handled_by `{outcome.handled_by}` is not "
                         + " or ".join(f"`{h}`" for h in self.handled_by))
        if self.queues and outcome.queue not in self.queues:
            wanted = " or ".join(f"`{q}`" for q in self.queues)
            found.append(f"queue `{outcome.queue}` is not {wanted}" if outcome.queue
                         else f"no queue, where {wanted} is required")
        if self.max_sla_hours is not None and (outcome.sla_hours is None
                                               or outcome.sla_hours > self.max_sla_hours):
            found.append(f"no SLA, where at most {self.max_sla_hours:g} h is required"
                         if outcome.sla_hours is None else
                         f"SLA {outcome.sla_hours:g} h is over the maximum of "
                         f"{self.max_sla_hours:g} h")
        return found


@dataclass(frozen=True, slots=True)
class PolicySet:
    """The safety policies file (`<trees folder>/policies.yaml`): policies by signal id."""

    path: str
    policies: Mapping[str, Policy]
    source: YamlDoc


@dataclass(frozen=True, slots=True)
class Annotation:
    by: str
    outcome: str
    note: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    description: str
    facts: Mapping[str, object]
    expected: str
    annotations: tuple[Annotation, ...]
    pos: Pos
    path: KeyPath


@dataclass(frozen=True, slots=True)
class CaseSet:
    path: str
    tree: str
    cases: tuple[Case, ...]
    source: YamlDoc


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A content file as read from disk: rules that scan raw text (privacy, HTML) use this."""

    path: str
    text: str


@dataclass(slots=True, weakref_slot=True)
class KnowledgeBase:
    """Everything loaded, indexed by id and path. Built once per run by `kb.loader.load`.
    Caches keyed on a KnowledgeBase hold it weakly, so it is freed when its user is done."""

    config: KbConfig
    articles: dict[str, Article] = field(default_factory=dict)
    trees: dict[str, Tree] = field(default_factory=dict)
    case_sets: list[CaseSet] = field(default_factory=list)
    section_pages: list[SectionPage] = field(default_factory=list)
    files: dict[str, SourceFile] = field(default_factory=dict)
    #: every article by path, duplicates included (ids may clash; paths never do)
    articles_by_path: dict[str, Article] = field(default_factory=dict)
    #: every tree by path, duplicates included
    trees_by_path: dict[str, Tree] = field(default_factory=dict)
    #: the safety policies file, when there is one
    policy_set: PolicySet | None = None

    @property
    def policies(self) -> Mapping[str, Policy]:
        """The safety policies by signal id (none without a policies file)."""
        return self.policy_set.policies if self.policy_set is not None else {}

    def all_articles(self) -> Iterator[Article]:
        return iter(self.articles_by_path.values())

    def all_trees(self) -> Iterator[Tree]:
        return iter(self.trees_by_path.values())

    def cases_for(self, tree_id: str) -> list[Case]:
        return [c for s in self.case_sets if s.tree == tree_id for c in s.cases]

    def resolve_ref(self, ref: str) -> tuple[Article | None, str]:
        """Resolve `article-id#anchor` to the article (or None) and the anchor ('' when absent)."""
        article_id, _, anchor = ref.partition("#")
        return self.articles.get(article_id), anchor

    def referrers(self, article_id: str) -> Iterator[tuple[str, Pos, str]]:
        """(path, position, how) for every place that points at an article id."""
        for article in self.all_articles():
            for link in article.body.links:
                target = self.link_target(article.path, link)
                if target is not None and target.id == article_id:
                    yield article.path, link.pos, "links to"
            for i, rel in enumerate(article.meta.related):
                if rel == article_id:
                    yield article.path, article.source.pos("related", i), "lists as related"
        for tree in self.all_trees():
            for node in tree.nodes.values():
                o = node.outcome
                if o is None:
                    continue
                if o.article == article_id:
                    yield tree.path, tree.source.pos(*node.path, "outcome", "article"), "cites"
                if o.macro == article_id:
                    yield tree.path, tree.source.pos(*node.path, "outcome", "macro"), "uses macro"

    def link_target(self, from_path: str, link: Link) -> Article | None:
        """The article a relative link in `from_path` points at, if it is one."""
        if link.is_external or not link.target:
            return None
        return self.articles_by_path.get(resolve_relative(from_path, link.target))


def resolve_relative(from_path: str, target: str) -> str:
    """Join a relative link target onto the folder of `from_path` (POSIX, relative to the repo)."""
    import posixpath

    base = posixpath.dirname(from_path)
    return posixpath.normpath(posixpath.join(base, target))
