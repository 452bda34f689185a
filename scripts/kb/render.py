"""Markdown to HTML the way the site renders it, for the pages and for the linter.

The linter's KB601 renders a body with the same Python-Markdown and extensions as MkDocs, and
tree guidance with the same converter as the tree pages, so that what lint reports and what the
site's sanitiser removes come from one reading of the text.
"""

from __future__ import annotations

import functools

import markdown as markdown_lib

__all__ = ["MKDOCS_BUILTIN_EXTENSIONS", "REQUIRED_EXTENSIONS", "render_body", "render_guidance"]

#: extensions MkDocs always enables, whatever mkdocs.yml says
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")

#: extensions the generated Markdown relies on (admonitions, collapsible blocks, attribute
#: lists and tables on tree and quality pages); the kb plugin enables them
REQUIRED_EXTENSIONS = ("admonition", "attr_list", "pymdownx.details", "tables")


def render_body(markdown: str, extensions: tuple[str, ...]) -> str:
    """An article or section body as MkDocs renders it with mkdocs.yml's `extensions`."""
    return _site_renderer(extensions).reset().convert(markdown)


def render_guidance(text: str) -> str:
    """A tree outcome's guidance as HTML, before sanitising (tables, attribute lists)."""
    return _guidance_renderer().reset().convert(text)


@functools.cache
def _site_renderer(extensions: tuple[str, ...]) -> markdown_lib.Markdown:
    names = list(dict.fromkeys((*MKDOCS_BUILTIN_EXTENSIONS, *extensions, *REQUIRED_EXTENSIONS)))
    return markdown_lib.Markdown(extensions=names)


@functools.cache
def _guidance_renderer() -> markdown_lib.Markdown:
    # one converter, reset between texts: building one per text cost more than converting
    return markdown_lib.Markdown(extensions=["tables", "attr_list", "sane_lists"])
