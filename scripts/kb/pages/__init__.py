"""Generated site pages, as (path, Markdown) pairs: the core side of the site.

Each module here contributes pages with `@page_generator`; the mkdocs plugin adds whatever
`generate_pages` returns and knows nothing about their content, so another site generator can
consume the same pairs.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kb.model import KnowledgeBase


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    #: path relative to docs/, e.g. "trees/upi-debited-not-credited.md"
    path: str
    markdown: str


Generator = Callable[[KnowledgeBase], Iterable[GeneratedPage]]
_GENERATORS: list[Generator] = []


def page_generator(fn: Generator) -> Generator:
    """Register a function KnowledgeBase -> pages."""
    _GENERATORS.append(fn)
    return fn


def generate_pages(kb: KnowledgeBase) -> list[GeneratedPage]:
    """Every generated page, sorted by path; paths never collide with authored files."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    pages = [p for gen in _GENERATORS for p in gen(kb)]
    return sorted(pages, key=lambda p: p.path)
