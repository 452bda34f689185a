"""Generated site pages, as (path, Markdown) pairs: the core side of the site.

Each module here contributes pages with `@page_generator`; the mkdocs plugin adds whatever
`generate_pages` returns and knows nothing about their content, so another site generator can
consume the same pairs. A generator marked `costly` (the tree pages) may run in a forked child
while the others run here (`PageJob`, as the site build uses it); its `outline` names its pages
(path and title) at once, so that a site can list them before they are made.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kb.client import Client
from kb.forked import Background
from kb.model import KnowledgeBase


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    #: path relative to docs/, e.g. "trees/upi-debited-not-credited.md"
    path: str
    markdown: str


Generator = Callable[[KnowledgeBase], Iterable[GeneratedPage]]
#: (path, title) of each page a generator makes, the title as the page's first heading says it
Outline = Callable[[KnowledgeBase], Iterable[tuple[str, str]]]
_GENERATORS: list[Generator] = []
#: the generators that take most of the time (worth a forked child of their own): their outlines
_COSTLY: dict[Generator, Outline] = {}


def page_generator(fn: Generator) -> Generator:
    """Register a function KnowledgeBase -> pages."""
    _GENERATORS.append(fn)
    return fn


def costly(outline: Outline) -> Callable[[Generator], Generator]:
    """Mark a registered generator as worth a forked child (see `PageJob`); `outline` names
    the pages it makes without making them, cheaply."""
    def mark(fn: Generator) -> Generator:
        _COSTLY[fn] = outline
        return fn
    return mark


#: the agents' client of each knowledge base whose pages are being generated, by id
_clients: dict[int, Client] = {}


def generate_pages(kb: KnowledgeBase) -> list[GeneratedPage]:
    """Every generated page, sorted by path; paths never collide with authored files (the site
    build uses `PageJob`, which makes the same pages with the costly ones in a child)."""
    return PageJob(kb).result(kb)


class PageJob:
    """The generated pages of `kb` in the making. With `parallel`, each `costly` generator
    starts at once in a forked child (`kb.forked`, where forking is safe), so that the caller
    may do other work, make the other pages here (`here`) and list the children's pages
    (`outline`) before it takes what they made (`made`); `result()` is every page: the same
    pages either way. `cancel()` stops children whose pages are no longer wanted. The job keeps
    no reference to `kb`: a caller done with the knowledge base frees it."""

    def __init__(self, kb: KnowledgeBase, *, parallel: bool = False) -> None:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        self.children = {gen: Background(functools.partial(_pages, gen, kb))
                         for gen in _COSTLY if parallel}

    def here(self, kb: KnowledgeBase) -> list[GeneratedPage]:
        """The pages of the generators without a child, made now in this process."""
        try:
            return [p for gen in _GENERATORS if gen not in self.children for p in gen(kb)]
        finally:
            _clients.pop(id(kb), None)

    def outline(self, kb: KnowledgeBase) -> dict[str, str]:
        """Title by path of every page the children are making (see `Outline`)."""
        return {path: title for gen in self.children for path, title in _COSTLY[gen](kb)}

    def made(self) -> list[GeneratedPage]:
        """Every page the children made, once they have ended."""
        return [p for child in self.children.values() for p in child.result()]

    def result(self, kb: KnowledgeBase) -> list[GeneratedPage]:
        """Every generated page, sorted by path."""
        return sorted(self.here(kb) + self.made(), key=lambda p: p.path)

    def cancel(self) -> None:
        for child in self.children.values():
            child.cancel()


def _pages(gen: Generator, kb: KnowledgeBase) -> list[GeneratedPage]:
    return list(gen(kb))


def agents_client(kb: KnowledgeBase) -> Client:
    """The agents' client (`kb.client`, its bundle built in memory) of `kb`, for the pages that
    measure what agents get: made once while `generate_pages` runs, shared by those pages."""
    client = _clients.get(id(kb))
    if client is None:
        client = _clients[id(kb)] = Client.from_kb(kb)
    return client
