"""Site URLs of articles and tree pages, relative to the site root, the way MkDocs makes them.

Shared by the exporters, the generated pages and the link rules, so all three agree.
"""

from __future__ import annotations

import posixpath


def page_url(docs_dir: str, path: str, use_directory_urls: bool = True) -> str:
    """The URL of the page built from `path` (repo-relative, under `docs_dir`).

    `docs/upi/failed-debit.md` -> `upi/failed-debit/` (or `upi/failed-debit.html`);
    `docs/upi/index.md` -> `upi/` (or `upi/index.html`); the home page is `` (or `index.html`).
    """
    prefix = docs_dir.strip("/") + "/"
    rel = path[len(prefix):] if path.startswith(prefix) else path
    stem = rel.removesuffix(".md")
    folder, _, name = stem.rpartition("/")
    is_index = name in ("index", "README")
    if use_directory_urls:
        if is_index:
            return f"{folder}/" if folder else ""
        return f"{stem}/"
    if is_index:
        return f"{folder}/index.html" if folder else "index.html"
    return f"{stem}.html"


def tree_url(tree_id: str, use_directory_urls: bool = True) -> str:
    """The URL of a tree's generated page (`trees/<id>.md` in the site)."""
    return f"trees/{tree_id}/" if use_directory_urls else f"trees/{tree_id}.html"


def relative_url(here: str, url: str) -> str:
    """The link from the page at site URL `here` to site URL `url` (both from `page_url`).

    `relative_url("upi/failed/", "browse/teams/")` is `../../browse/teams/`;
    `relative_url("upi/failed.html", "browse/teams.html")` is `../browse/teams.html`.
    """
    base = here.rpartition("/")[0]
    rel = _relpath(url, base)
    if url.endswith("/") or not url:
        rel = "./" if rel == "." else rel + "/"
    return rel


def _relpath(path: str, start: str) -> str:
    """`posixpath.relpath(path, start)` for paths relative to one root, without asking the
    operating system for the working directory (a site links tens of thousands of times)."""
    to = [p for p in path.split("/") if p not in ("", ".")]
    origin = [p for p in start.split("/") if p not in ("", ".")]
    if ".." in to or ".." in origin:
        return posixpath.relpath(path or ".", start or ".")
    common = 0
    while common < min(len(to), len(origin)) and to[common] == origin[common]:
        common += 1
    return "/".join([".."] * (len(origin) - common) + to[common:]) or "."


def with_anchor(url: str, anchor: str) -> str:
    return f"{url}#{anchor}" if anchor else url


def absolute(site_url: str, url: str) -> str:
    """`url` joined onto the site's public URL, or `url` unchanged when the site has none."""
    if not site_url:
        return url
    return site_url.rstrip("/") + "/" + url.lstrip("/")


def url_key(url: str) -> str | None:
    """A site URL normalised to `a/b` (no slashes at the ends, no `.html`), None above the root."""
    parts: list[str] = []
    for segment in url.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(segment)
    if parts and parts[-1] == "index.html":
        parts.pop()
    elif parts and parts[-1].endswith(".html"):
        parts[-1] = parts[-1].removesuffix(".html")
    return "/".join(parts)
