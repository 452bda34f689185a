"""Where a link written in a page of the site leads: the one resolver of lint and the exports.

A link is read as an author or a browser would: a `.md` path against the linking file's folder,
a URL-style link (`../refunds/upi/`, `/trees/x/`) against the page's URL or the file's folder.
Lint uses the kind to report broken links; the exports use the page or tree it lands on to
decide whether the link may be shown.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from kb.urls import page_url, url_key

#: any URI scheme (`https:`, `mailto:`, `tel:`, `javascript:` ...): not a file of this site
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

LinkKind = Literal["external", "self", "page", "file", "generated", "site-url", "missing",
                   "outside", "no-page", "empty"]


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where one link leads."""

    kind: LinkKind
    #: the repo-relative path the link resolves to ('' for external and empty links); for
    #: `self`, `page` and `site-url`, the path of the page it lands on
    path: str
    #: the tree whose generated page (`trees/<id>/`) it lands on, for `generated`
    tree: str = ""


@dataclass(frozen=True, slots=True)
class LinkResolver:
    """Every page of the site by path and URL, and the trees with generated pages."""

    docs_dir: str
    #: page path -> the page's directory-style URL without slashes at either end
    urls: dict[str, str]
    #: URL (as in `urls`) -> the first page with that URL
    by_url: dict[str, str]
    tree_ids: frozenset[str]
    #: whether a repo-relative path is a file (for links to assets)
    is_file: Callable[[str], bool]

    @classmethod
    def of(cls, docs_dir: str, pages: Iterable[str], tree_ids: Iterable[str],
           is_file: Callable[[str], bool]) -> LinkResolver:
        docs = docs_dir.strip("/") or "docs"
        urls = {path: page_url(docs, path).strip("/") for path in pages}
        by_url: dict[str, str] = {}
        for path, url in urls.items():
            by_url.setdefault(url, path)
        return cls(docs, urls, by_url, frozenset(tree_ids), is_file)

    def resolve(self, source: str, target: str, anchor: str) -> Resolution:
        """Where the link `target#anchor`, written in the page `source`, leads."""
        if "://" in target or target.startswith("//") or _SCHEME.match(target):
            return Resolution("external", "")
        raw = unquote(target.partition("?")[0])
        if not raw:
            return Resolution("self", source) if anchor else Resolution("empty", "")
        if raw.startswith("/"):
            return self._site_url(source, raw, raw)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(source), raw))
        if path in self.urls:
            return Resolution("page", path)
        inside = path.startswith(self.docs_dir + "/")
        if inside and self.is_file(path):
            return Resolution("file", path)
        if not raw.lower().endswith(".md"):
            found = self._site_url(source, raw, path)
            if found.kind != "no-page" or raw.endswith("/"):
                return found
        return Resolution("missing" if inside else "outside", path)

    def _site_url(self, source: str, raw: str, path: str) -> Resolution:
        """A URL-style link, read the site's way (against the page's URL) or the file system's
        way (against the file's folder); `path` is what to report when it lands nowhere."""
        if raw.startswith("/"):
            candidates = [raw]
        else:
            folder = posixpath.dirname(source)[len(self.docs_dir):]
            candidates = [f"{self.urls.get(source, '')}/{raw}", f"{folder}/{raw}"]
        tree = ""
        for candidate in candidates:
            key = url_key(candidate)
            if key is None:
                continue
            if key in self.by_url:
                return Resolution("site-url", self.by_url[key])
            head, _, tail = key.partition("/")
            if head == "trees" and tail in self.tree_ids and not tree:
                tree = tail
        return Resolution("generated", path, tree) if tree else Resolution("no-page", path)
