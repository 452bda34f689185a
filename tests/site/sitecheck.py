"""Helpers for the site tests: build a site with the real MkDocs, and read the built HTML."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from kb.loader import load, load_config
from kb.pages import generate_pages
from kbtest import BASE_KB, REPO, make_kb, run_cli

SITE_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "kb"
TREE_STUB_HOOK = Path(__file__).resolve().parent / "fixtures" / "stub_tree_pages.py"

#: `<link rel=...>` values that only point somewhere and never make the browser fetch anything
_REFERENCE_RELS = {"canonical", "alternate", "next", "prev", "author", "license", "search",
                   "help", "bookmark"}
#: attributes that make a browser fetch their URL, per element
_FETCHING = {
    "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "iframe": ("src",), "video": ("src", "poster"), "audio": ("src",), "track": ("src",),
    "embed": ("src",), "object": ("data",), "input": ("src",), "image": ("href",),
    "use": ("href",),
}


def mkdocs_build(root: Path, site: Path, *,
                 strict: bool = True) -> subprocess.CompletedProcess[str]:
    """`python -m mkdocs build` of the KB at `root` into `site`, as a subprocess."""
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(root / "mkdocs.yml"),
               "--site-dir", str(site), "--strict" if strict else "--no-strict"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                          check=False, timeout=600)


def prepare_site_kb(target: Path, files: dict[str, str | None] | None = None) -> Path:
    """The rules' base KB plus the site fixture (anchor zoo, restricted, deprecated, draft)."""
    make_kb(target)
    shutil.copytree(SITE_FIXTURE, target, dirs_exist_ok=True)
    make_kb(target, files or {}, base=None)
    add_tree_stub_if_needed(target)
    return target


def set_kb_options(root: Path, options: str) -> None:
    """Add `options` (YAML lines, unindented) to the kb plugin's options in `root`/mkdocs.yml."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    marker = "plugins:\n  - kb:\n"
    assert marker in text, "mkdocs.yml lists the kb plugin first"
    indented = "".join(f"      {line}\n" for line in options.splitlines())
    config.write_text(text.replace(marker, marker + indented, 1), encoding="utf-8")


def build_audiences(root: Path) -> tuple[Path, Path]:
    """`kb build` of the KB at `root` for each audience: the internal site and the public one."""
    for audience in ("internal", "public"):
        code, printed = run_cli(root, "build", "--audience", audience,
                                "--site-dir", f"site-{audience}")
        assert code == 0, printed
    return root / "site-internal", root / "site-public"


def has_tree_pages(root: Path) -> bool:
    """True when some page generator makes `trees/<id>.md` for the trees of the KB at `root`."""
    kb = load(load_config(root)).kb
    generated = {p.path for p in generate_pages(kb)}
    return bool(kb.trees) and all(f"trees/{t}.md" in generated for t in kb.trees)


def add_tree_stub_if_needed(root: Path) -> None:
    """Stand-in tree pages through an MkDocs hook, while the real tree pages do not exist yet."""
    if has_tree_pages(root):
        return
    shutil.copy(TREE_STUB_HOOK, root / TREE_STUB_HOOK.name)
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(f"\nhooks:\n  - {TREE_STUB_HOOK.name}\n")


def page_html(site: Path, docs_path: str) -> str:
    """The built HTML of the page made from `docs_path` (relative to docs/; directory URLs)."""
    stem = docs_path.removesuffix(".md")
    if stem == "index":
        return (site / "index.html").read_text(encoding="utf-8")
    if stem.endswith("/index"):
        stem = stem.removesuffix("/index")
    return (site / stem / "index.html").read_text(encoding="utf-8")


def page_text(html: str) -> str:
    """The page's text: tags dropped, entities decoded, whitespace collapsed."""
    import html as html_lib
    import re

    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


class _ArticleHeadings(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "article" and "md-content__inner" in (values.get("class") or ""):
            self.depth = 1
        elif self.depth and tag == "article":
            self.depth += 1
        if self.depth and len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.found.append((int(tag[1]), values.get("id") or ""))

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "article":
            self.depth -= 1


def heading_ids(html: str) -> list[tuple[int, str]]:
    """(level, id) of every heading in the page's content, in order."""
    parser = _ArticleHeadings()
    parser.feed(html)
    return parser.found


def _is_remote(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:"))


class _Fetches(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        urls: list[str] = []
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if not rels or not rels <= _REFERENCE_RELS:
                urls.append(values.get("href", ""))
        for attr in _FETCHING.get(tag, ()):
            value = values.get(attr, "")
            urls += [part.split()[0] for part in value.split(",") if part.strip()] \
                if attr == "srcset" else [value]
        if tag == "use" or tag == "image":
            urls.append(values.get("xlink:href", ""))
        urls += css_urls(values.get("style", ""))
        self.remote += [f"<{tag}> {u}" for u in urls if u and _is_remote(u)]
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.remote += [f"<style> {u}" for u in css_urls(data) if _is_remote(u)]


def css_urls(css: str) -> list[str]:
    """Every URL a stylesheet fetches: `url(...)` and `@import "..."`."""
    import re

    found = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
    found += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return found


def remote_fetches(html: str) -> list[str]:
    """Every URL outside the site that loading this page would fetch (scripts, styles, fonts,
    images, frames); plain links (`<a href>`, canonical) are not fetched and not listed."""
    parser = _Fetches()
    parser.feed(html)
    return parser.remote


def remote_fetches_in_site(site: Path) -> dict[str, list[str]]:
    """Remote fetches per built file: every HTML page and every stylesheet in `site`."""
    found: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            remote = remote_fetches(path.read_text(encoding="utf-8"))
        elif path.suffix == ".css":
            remote = [u for u in css_urls(path.read_text(encoding="utf-8")) if _is_remote(u)]
        else:
            continue
        if remote:
            found[path.relative_to(site).as_posix()] = remote
    return found


class _LinksAndIds(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "a" and "href" in values:
            self.hrefs.append(values["href"])


def _is_internal(href: str) -> bool:
    """A link into the site: relative, with a path (not only `#anchor`), no scheme, no host."""
    from urllib.parse import urlsplit

    parts = urlsplit(href.strip())
    return not (parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"))


def broken_links(site: Path) -> dict[str, list[str]]:
    """Every internal `<a href>` of every built page that leads nowhere, per page: the target
    file is not built, or the link has an anchor the target page has no element with."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    pages = {p.relative_to(site).as_posix(): _LinksAndIds() for p in site.rglob("*.html")}
    for rel, parser in pages.items():
        parser.feed((site / rel).read_text(encoding="utf-8"))
        parser.close()
    broken: dict[str, list[str]] = {}
    for rel, parser in sorted(pages.items()):
        for href in parser.hrefs:
            if not _is_internal(href):
                continue
            parts = urlsplit(href.strip())
            path = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path)))
            target = site / path
            if target.is_dir():
                path = posixpath.normpath(posixpath.join(path, "index.html"))
                target = site / path
            if path.startswith("../") or not target.is_file():
                broken.setdefault(rel, []).append(f"{href} (no file {path})")
            elif parts.fragment and path in pages and \
                    unquote(parts.fragment) not in pages[path].ids:
                broken.setdefault(rel, []).append(f"{href} (no #{parts.fragment} in {path})")
    return broken


__all__ = ["BASE_KB", "REPO", "SITE_FIXTURE", "add_tree_stub_if_needed", "broken_links",
           "css_urls", "has_tree_pages", "heading_ids", "mkdocs_build", "page_html", "page_text",
           "prepare_site_kb", "remote_fetches", "remote_fetches_in_site"]
