"""The site's navigation when mkdocs.yml gives none: MkDocs' folder structure, better ordered.

MkDocs' automatic nav sorts by file name and titles folders from their names (`upi` -> "Upi").
This builds the same structure as a `nav` setting instead, with each folder titled by its
`index.md`, pages sorted by title, and the finding aids (browse, trees) first. Pure data in,
pure data out: MkDocs reads the result exactly as if it were written in mkdocs.yml.

Every page of a site carries the whole nav, so a nav of N pages costs O(N^2) to render. Past
`max_pages`, a section with an index page lists only that page: the index links every article
of its section, the browse pages list them by product, market and team, and search finds them;
each page then carries a nav of sections, and the build grows linearly.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from typing import TypeAlias

__all__ = ["NavItem", "is_compact", "site_nav"]

NavItem: TypeAlias = "str | dict[str, list[NavItem]]"

#: top-level folders shown before the content sections, in this order
FIRST = ("browse", "trees")
#: top-level folders shown after the content sections, in this order
LAST = ("agents", "authoring", "reference")

_INDEX_NAMES = ("index.md", "README.md")


def site_nav(pages: Iterable[str], titles: Mapping[str, str],
             max_pages: int | None = None) -> list[NavItem]:
    """A `nav` for the documentation pages `pages` (paths relative to docs/).

    `titles` maps a page to its title where known; a folder takes its index page's title.
    With more than `max_pages` pages, sections that have an index page list only that page.
    """
    every = sorted(set(pages))
    return _level("", every, titles, top=True, compact=is_compact(len(every), max_pages))


def is_compact(page_count: int, max_pages: int | None) -> bool:
    """True when a nav of `page_count` pages lists only each section's index page."""
    return max_pages is not None and page_count > max_pages


def _level(folder: str, pages: list[str], titles: Mapping[str, str], top: bool,
           compact: bool = False) -> list[NavItem]:
    here = [p for p in pages if posixpath.dirname(p) == folder]
    index = [p for p in here if posixpath.basename(p) in _INDEX_NAMES]
    if compact and not top and index:
        here = index[:1]
    below: dict[str, list[str]] = {}
    for p in pages:
        rest = p[len(folder) + 1:] if folder else p
        if "/" in rest:
            child = posixpath.join(folder, rest.split("/", 1)[0]) if folder else rest.split("/")[0]
            below.setdefault(child, []).append(p)

    def page_key(p: str) -> tuple[bool, str, str]:
        return (posixpath.basename(p) not in _INDEX_NAMES, _title(p, titles).casefold(), p)

    items: list[tuple[tuple[int, str], NavItem]] = []
    for p in sorted(here, key=page_key):
        rank = 0 if posixpath.basename(p) in _INDEX_NAMES else 2
        items.append(((rank, ""), p))
    for child, members in below.items():
        title = _folder_title(child, titles)
        name = posixpath.basename(child)
        if top and name in FIRST:
            rank, key = 1, f"{FIRST.index(name):03d}"
        elif top and name in LAST:
            rank, key = 4, f"{LAST.index(name):03d}"
        else:
            rank, key = 3, title.casefold()
        items.append(((rank, key), {title: _level(child, members, titles, top=False,
                                                  compact=compact)}))
    # pages of one level keep their order (stable sort); folders follow their rank and title
    items.sort(key=lambda item: item[0])
    return [item for _, item in items]


def _title(page: str, titles: Mapping[str, str]) -> str:
    return titles.get(page) or _from_name(posixpath.basename(page).removesuffix(".md"))


def _folder_title(folder: str, titles: Mapping[str, str]) -> str:
    for name in _INDEX_NAMES:
        title = titles.get(posixpath.join(folder, name))
        if title:
            return title
    return _from_name(posixpath.basename(folder))


def _from_name(name: str) -> str:
    """MkDocs' own rule: dashes and underscores become spaces; all-lowercase is capitalised."""
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title
