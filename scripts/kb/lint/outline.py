"""Outlines: what the rules that look across files read of a file while reporting on another.

A cross-file rule (one not registered `local=True`) finds in a file what that file holds and
what the other files show of themselves: ids, types, statuses, visibilities, successors and
heading anchors of articles, the anchors of section pages, the ids of trees (and the whole tree
for its cases and for the safety policies), the case ids of case files and the lines they are
on, and the whole safety policies file (which every tree is proven against). That is a file's
outline, plain data kept in the content cache beside its findings.

While no outline changes, the cross-file findings in an unchanged file stay what they were, and
a changed file is checked against stand-ins of the others rebuilt from their outlines
(`StandIns`), which hold what the rules read and nothing else: no other file is loaded.
tests/lint/test_cache.py checks, for every rule on every fixture, that a file checked among
stand-ins has exactly the findings it has in the whole knowledge base.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from kb.model import (
    START,
    Article,
    Body,
    Case,
    CaseSet,
    Example,
    Heading,
    Link,
    Metadata,
    PolicySet,
    Pos,
    Routing,
    SectionPage,
    Translation,
    Tree,
    YamlDoc,
)
from kb.translations import translatable

if TYPE_CHECKING:
    from kb.loader.parse import Item

#: an outline: a tuple of strings, ints and tuples of them, its kind first
Outline = tuple[object, ...]

_NO_DOC = YamlDoc(None, {}, {})
_NO_FACTS: Mapping[str, object] = {}


def outline(item: Item | None, sha: str) -> Outline:
    """The outline of a file holding `item` (None: a file that could not be parsed), whose
    bytes have the sha256 `sha`."""
    if isinstance(item, Article):
        meta = item.meta
        return ("article", meta.id, item.type, meta.status, meta.visibility, meta.superseded_by,
                tuple(h.anchor for h in item.body.headings), _languages(item))
    if isinstance(item, SectionPage):
        return ("section", tuple(h.anchor for h in item.body.headings))
    if isinstance(item, Tree):
        # the cases of a tree depend on all of it: any change to its file is a new outline;
        # other trees read its routing examples
        return ("tree", item.meta.id, sha,
                tuple((e.message, e.pos.line, e.pos.col) for e in item.routing.examples))
    if isinstance(item, PolicySet):
        # every tree is proven against all of it: any change to its file is a new outline
        return ("policies", sha)
    if isinstance(item, CaseSet):
        doc = item.source
        cases = []
        for i, case in enumerate(item.cases):
            pos = doc.pos("cases", i, "id") if case.id else START
            cases.append((case.id, pos.line, pos.col))
        return ("cases", item.tree, tuple(cases))
    return ("file",)


def _languages(article: Article) -> tuple[object, ...]:
    """What the translation rules read of a translatable article or a translation: its
    version, review date, markets, placeholders, links, and what it translates. Other
    articles are never translated (KB806), so an edit of their text alone leaves their outline
    as it was."""
    if not translatable(article) and article.translation is None:
        return ("", "", (), (), (), "", "", "")
    t = article.translation or Translation("", "", "")
    reviewed = article.meta.reviewed.isoformat() if article.meta.reviewed else ""
    links = tuple(f"{link.target}#{link.anchor}" for link in article.body.links)
    return (article.content_hash, reviewed, article.meta.markets, article.slots, links,
            t.of, t.locale, t.source_hash)


def kind_of(outline: Outline) -> str:
    """The kind of the file whose outline this is: `article`, `tree`, `cases` (as a rule's
    `reads` names them), or another."""
    return str(outline[0])


def mark(path: str, outline: Outline) -> bytes:
    """A digest of the outline of the file at `path`: equal marks, equal outlines."""
    return hashlib.sha256(repr((path, outline)).encode()).digest()


def tree_id(outline: Outline) -> str | None:
    """The id of the tree whose outline this is (None for any other file)."""
    return str(outline[1]) if outline[0] == "tree" else None


def is_policies(outline: Outline) -> bool:
    """Whether this is the outline of the safety policies file (loaded whole among stand-ins)."""
    return outline[0] == "policies"


def cases_tree(outline: Outline) -> str | None:
    """The id of the tree that the case file with this outline tests (None for other files)."""
    return str(outline[1]) if outline[0] == "cases" else None


class StandIns:
    """Makes stand-ins: items that show the cross-file rules what a file showed them, and hold
    nothing else (no text, no links, no positions but those of case ids).

    Only a case file's rules read the cases of other case files: without `cases`, the
    stand-ins of case files list none.
    """

    def __init__(self, *, cases: bool = True) -> None:
        self._cases = cases
        # anchors repeat across articles ("overview", "steps"): one heading serves them all
        self._headings: dict[str, Heading] = {}

    def __call__(self, path: str, outline: Outline) -> Item | None:
        """The stand-in of the file at `path` whose outline is `outline`."""
        kind = outline[0]
        if kind == "article":
            _, id_, type_, status, visibility, successor, anchors, languages = outline
            digest, reviewed, markets, slots, links, of, locale, marked = _languages_of(languages)
            meta = Metadata(str(id_), "", "", str(visibility), str(status), "",
                            dt.date.fromisoformat(reviewed) if reviewed else None,
                            markets, (), (), (), str(successor))
            translation = Translation(of, locale, marked) if of else None
            return Article(path, meta, str(type_), self._body(anchors, links), _NO_DOC,
                           translation=translation, content_hash=digest, slots=slots)
        if kind == "section":
            return SectionPage(path, "", self._body(outline[1]))
        if kind == "tree":
            meta = Metadata(str(outline[1]), "", "", "", "", "", None, (), (), (), (), "")
            examples = tuple(Example(message, Pos(line, col))
                             for message, line, col in _listed_cases(outline[3]))
            return Tree(path, meta, "", {}, {}, _NO_DOC, Routing(examples=examples))
        if kind == "cases":
            _, tree, listed = outline
            cases: list[Case] = []
            marks: dict[tuple[str | int, ...], Pos] = {}
            for i, (case_id, line, col) in enumerate(_listed_cases(listed) if self._cases
                                                     else ()):
                cases.append(Case(case_id, "", _NO_FACTS, "", (), START, ("cases", i)))
                if case_id:
                    marks["cases", i, "id"] = Pos(line, col)
            return CaseSet(path, str(tree), tuple(cases), YamlDoc(None, marks, {}))
        return None

    def _body(self, anchors: object, links: tuple[str, ...] = ()) -> Body:
        headings: list[Heading] = []
        for anchor in _strings_of(anchors):
            heading = self._headings.get(anchor)
            if heading is None:
                heading = self._headings[anchor] = Heading(0, "", anchor, START)
            headings.append(heading)
        found = tuple(Link(target, anchor, "", START)
                      for target, _, anchor in (ref.partition("#") for ref in links))
        return Body("", 1, tuple(headings), found, (), (), "")


def valid(value: object) -> bool:
    """Whether `value` (read back from the cache) has the shape of an outline."""
    if not isinstance(value, tuple) or not value:
        return False
    kind = value[0]
    if kind == "article":
        return len(value) == 8 and all(isinstance(v, str) for v in value[1:6]) \
            and _strings(value[6]) and _valid_languages(value[7])
    if kind == "section":
        return len(value) == 2 and _strings(value[1])
    if kind == "tree":
        return len(value) == 4 and isinstance(value[1], str) and isinstance(value[2], str) \
            and _positioned(value[3])
    if kind == "policies":
        return len(value) == 2 and isinstance(value[1], str)
    if kind == "cases":
        return len(value) == 3 and isinstance(value[1], str) and _positioned(value[2])
    return value == ("file",)


def _positioned(value: object) -> bool:
    """Whether `value` is a tuple of (text, line, column) triples."""
    return isinstance(value, tuple) and all(
        isinstance(c, tuple) and len(c) == 3 and isinstance(c[0], str)
        and isinstance(c[1], int) and isinstance(c[2], int) for c in value)
def _valid_languages(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 8 \
        and all(isinstance(value[i], str) for i in (0, 1, 5, 6, 7)) \
        and all(_strings(value[i]) for i in (2, 3, 4))


_Languages = tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str, str, str]


def _languages_of(value: object) -> _Languages:
    """The languages part of an article outline (checked by `valid`)."""
    return cast(_Languages, value)


def _strings(value: object) -> bool:
    return isinstance(value, tuple) and all(isinstance(v, str) for v in value)


def _listed_cases(value: object) -> tuple[tuple[str, int, int], ...]:
    """The (id or message, line, column) of each case or example in an outline (checked by
    `valid`)."""
    return cast(tuple[tuple[str, int, int], ...], value)


def _strings_of(value: object) -> tuple[str, ...]:
    """The anchors in an outline (checked by `valid`)."""
    return cast(tuple[str, ...], value)
