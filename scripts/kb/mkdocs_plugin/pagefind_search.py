"""The site search on Pagefind: what each page tells the index, and the index built after the site.

Material's search loads one index of the whole site into every reader's browser before the
first result (about 37 MB at 5,000 articles); Pagefind's index is split into chunks and
fragments, and a query loads only those it needs. The `kb` plugin's `search` option picks the
engine: `pagefind` (the default) or `material` (Material's `search` plugin, which must then be
listed in mkdocs.yml, and is refused alongside Pagefind so a page never loads both).

Each page marks its content (`<article>`) as the part to index, with:
- its weight, from the same table as Material's boosts (`search_rank`): Quality, authoring,
  reference and agent pages weigh least, decision trees most, a translation less than its
  source; pages Material's search leaves out (`search: exclude`, the browse pages) stay out;
- its kind (`tree`, `article`, `macro`) and visibility as Pagefind metadata, which the result
  list shows (`assets/kb-search.js`);
- an article's or tree's title as Pagefind's `title` (Pagefind would take the first heading,
  which an article may word shorter): the result shows the title the nav shows, a query
  matching its words ranks the page up, and a query that is the title lists it first;
- `data-pagefind-ignore` wherever the page already says `data-search-exclude` (the article's
  metadata block, the language switcher, the tree diagram).

The index is built over the whole site in one language (Pagefind's `force_language: en`): Portuguese
translations are found from any page, by their own words, without Portuguese stemming.
Its files are site assets under `pagefind/`, never part of the agent exports. Pagefind reads a
copy of each page reduced to what it indexes (`search_copy`): the page's `<html>` tag and its
marked content element, made from the page's content as soon as the plugin has finished it
(the element Material's template puts around it, with the title heading the template adds to
content that has none). So the copies go to Pagefind's indexing service (`pagefind_service`)
while MkDocs still converts Markdown, and the index can be written while it renders the pages;
the built page's own content element is marked the same way (`mark_page`), so Pagefind's
command run over the built site finds the same pages with the same content.
Pagefind runs WebAssembly, so pages of a Pagefind site allow `'wasm-unsafe-eval'` (see `csp`),
and nothing else beyond the Material site's policy.

The index is split into shards of about `search_shard_pages` pages each (`shard_count`), the
pages dealt to them in turn: Pagefind scores a query by comparing every page that holds one
of its words with every other such page, so a query's time grows with the square of those
pages in one index (a word on all 5,600 pages took about 0.2 s in one index, 0.12 s in four
shards), and writing an index takes memory in proportion to its pages. The first shard
is `pagefind/` itself, where Pagefind's scripts are loaded from; the others are folders in it
(`shard_dir`), which the search merges into the first (Pagefind's `mergeIndex`). The file
`pagefind/kb-shards.json` names them (`write_shards_file`): the search reads it, and so does
`kb build` to write any shard MkDocs did not ask for.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Literal

from kb.model import KnowledgeBase

__all__ = ["INDEX_DIR", "SHARDS_FILE", "ResultLabel", "is_indexed", "mark_page",
           "read_shards_file", "result_labels", "search_copy", "shard_count", "shard_dir",
           "write_shards_file"]

#: where Pagefind writes its index and scripts, in the site
INDEX_DIR = "pagefind"
#: the file in INDEX_DIR that names the shards merged into the first (see the module's doc)
SHARDS_FILE = "kb-shards.json"
#: Pagefind's default weights of headings inside a weighted page (h1 ... h6)
HEADING_WEIGHTS = {1: 7.0, 2: 6.0, 3: 5.0, 4: 4.0, 5: 3.0, 6: 2.0}
#: Pagefind accepts weights from 0 to 10; 0 would drop the words altogether
MIN_WEIGHT, MAX_WEIGHT = 0.1, 10.0

#: the class of the element Material's template puts around a page's content
_CONTENT_CLASS = "md-content__inner md-typeset"
_CONTENT_OPEN = re.compile(r'<article class="md-content__inner[^"]*"')
_HEADING = re.compile(r"<h([1-6])(?=[\s>])")


@dataclass(frozen=True, slots=True)
class ResultLabel:
    """What a search result says about its page: its title, kind and visibility."""

    kind: Literal["tree", "article", "macro"]
    visibility: str
    title: str


def result_labels(kb: KnowledgeBase) -> dict[str, ResultLabel]:
    """The label of every article and tree page, by docs path."""
    prefix = kb.config.docs_dir.strip("/") + "/"
    labels = {a.path.removeprefix(prefix): ResultLabel(
                  "macro" if a.type == "macro" else "article", a.meta.visibility, a.meta.title)
              for a in kb.all_articles()}
    labels.update({f"trees/{t.id}.md": ResultLabel("tree", t.meta.visibility, t.meta.title)
                   for t in kb.trees.values()})
    return labels


def mark_page(html: str, *, weight: float | None, label: ResultLabel | None) -> str:
    """`html` (a built page) with its content marked for Pagefind: indexed with `weight`
    (None: Pagefind's own), labelled with `label`, and without its `data-search-exclude` parts.
    A page without Material's content element is returned as it is (nothing to index)."""
    found = _CONTENT_OPEN.search(html)
    if found is None:
        return html
    attrs = " data-pagefind-body"
    if weight is not None:
        attrs += f' data-pagefind-weight="{_weight(weight)}"'
    content = html[found.end():]
    if label is not None:
        # one element per key: Pagefind reads a single `key:value` from each attribute, and
        # splits an attribute at its commas, so the title is the element's (unindexed) text
        tag_end = content.index(">") + 1
        content = (content[:tag_end]
                   + f'<span hidden data-pagefind-meta="kind:{label.kind}"></span>'
                   + f'<span hidden data-pagefind-meta="visibility:{escape(label.visibility)}">'
                   + "</span>"
                   + '<span hidden data-pagefind-ignore data-pagefind-meta="title">'
                   + f"{escape(label.title)}</span>" + content[tag_end:])
    if weight is not None:
        # a heading's own default weight would otherwise override the page's
        content = _HEADING.sub(lambda m: f'{m.group(0)} data-pagefind-weight="'
                               f'{_weight(weight * HEADING_WEIGHTS[int(m.group(1))])}"', content)
    content = content.replace(" data-search-exclude", " data-search-exclude data-pagefind-ignore")
    # the permalink sign after each heading is not part of its title
    content = content.replace('<a class="headerlink"', '<a class="headerlink" data-pagefind-ignore')
    return html[:found.end()] + attrs + content


def _weight(value: float) -> str:
    return f"{min(MAX_WEIGHT, max(MIN_WEIGHT, value)):.2f}"


def search_copy(content: str, *, title: str, lang: str, weight: float | None,
                label: ResultLabel | None) -> str:
    """What Pagefind reads of a page whose finished content is `content`: the page's `<html>`
    tag (in `lang`) and its content element as Material's template makes it (with the `title`
    heading it adds when the content has none), marked by `mark_page`, as a page of its own."""
    heading = "" if "<h1" in content else f"<h1>{title}</h1>"
    article = mark_page(f'<article class="{_CONTENT_CLASS}">{heading}{content}</article>',
                        weight=weight, label=label)
    return (f'<!doctype html>\n<html lang="{escape(lang)}" class="no-js"><head>'
            f'<meta charset="utf-8"></head><body>{article}</body></html>\n')


def is_indexed(site: Path) -> bool:
    """True when `site` holds a Pagefind index."""
    return (site / INDEX_DIR / "pagefind-entry.json").is_file()


def shard_count(pages: int, shard_pages: int) -> int:
    """How many shards an index of about `pages` pages is split into."""
    return max(1, math.ceil(pages / shard_pages))


def shard_dir(index_dir: Path, shard: int) -> Path:
    """Where shard number `shard` (from 0) of the index in `index_dir` is written."""
    return index_dir / str(shard) if shard else index_dir


def write_shards_file(index_dir: Path, shards: int) -> None:
    """Name the index's `shards` shards in its SHARDS_FILE: the folders, relative to
    `index_dir`, that the search merges into the first shard."""
    index_dir.mkdir(parents=True, exist_ok=True)
    (index_dir / SHARDS_FILE).write_text(json.dumps({"merge": _merged(shards)}) + "\n",
                                         encoding="utf-8")


def read_shards_file(index_dir: Path) -> int:
    """How many shards the index in `index_dir` has, as its SHARDS_FILE says; ValueError when
    the file is missing or is not one `write_shards_file` writes."""
    try:
        merge = json.loads((index_dir / SHARDS_FILE).read_text(encoding="utf-8"))["merge"]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"{index_dir / SHARDS_FILE}: cannot be read ({exc})") from None
    expected = _merged(len(merge) + 1) if isinstance(merge, list) else []
    if merge != expected:
        raise ValueError(f"{index_dir / SHARDS_FILE}: names {merge!r}, not {expected!r}")
    return len(merge) + 1


def _merged(shards: int) -> list[str]:
    """The folders of shards 1 .. `shards` - 1, as SHARDS_FILE names them."""
    return [f"{shard_dir(Path(), n).as_posix()}/" for n in range(1, shards)]
