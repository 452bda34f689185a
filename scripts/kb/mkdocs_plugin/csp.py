"""A Content-Security-Policy for every page: no script runs but the theme's own.

The policy allows scripts from the site itself and, by their sha256, exactly the inline scripts
the theme writes outside the page's content (Material's bootstraps: scope, palette, anchor
target). The content area (`<article>`) never contributes a hash: whatever reached it is not
trusted, even though the sanitiser already removed every script there. Objects, `<base>`, form
submission and frames are refused outright; styles may be inline (the theme sets them from
script, and content cannot: the sanitiser keeps no `style` but a table cell's alignment).
A site searched with Pagefind also allows `'wasm-unsafe-eval'`: Pagefind's search runs as
WebAssembly, which the browser compiles only with that source (and it allows no `eval`).
"""

from __future__ import annotations

import base64
import hashlib
import re

__all__ = ["policy_for", "with_policy"]

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
_CONTENT_OPEN = re.compile(r'<article class="md-content__inner\b')
_CONTENT_CLOSE = "</article>"
#: `type` values a browser runs (a JSON data block is not a script and needs no hash)
_EXECUTABLE_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]*)""", re.I)
_HEAD_START = re.compile(r"<head>\s*(?:<meta charset=[^>]*>)?", re.I)

_FIXED = ("default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
          "font-src 'self' data:", "connect-src 'self'", "worker-src 'self' blob:",
          "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-src 'none'")


def policy_for(html: str, *, wasm: bool = False) -> str:
    """The policy for one page: `script-src 'self'` plus the hashes of its theme scripts, and
    `'wasm-unsafe-eval'` when `wasm`."""
    hashes = sorted({f"'sha256-{_digest(body)}'" for body in _theme_scripts(html)})
    sources = ("script-src 'self'", *(("'wasm-unsafe-eval'",) if wasm else ()), *hashes)
    return "; ".join((" ".join(sources), *_FIXED))


def with_policy(html: str, *, wasm: bool = False) -> str:
    """`html` with its policy as the first element of `<head>` after the charset, so that it
    governs every script that follows; a page without `<head>` is returned as it is."""
    head = _HEAD_START.search(html)
    if head is None:
        return html
    policy = policy_for(html, wasm=wasm)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return html[:head.end()] + meta + html[head.end():]


def _content_span(html: str) -> tuple[int, int]:
    """Where the content area (`<article>` to its `</article>`) is in `html`; (0, 0) without
    one. Found with `str.find`: a lazy `.*?` across the page cost a quarter of a millisecond
    per page."""
    opening = _CONTENT_OPEN.search(html)
    if opening is None:
        return 0, 0
    end = html.find(_CONTENT_CLOSE, opening.end())
    return (opening.start(), end + len(_CONTENT_CLOSE)) if end >= 0 else (0, 0)


def _theme_scripts(html: str) -> list[str]:
    start, end = _content_span(html)
    # only outside the content area: the scan never reads through content's scripts (a tree
    # page's walker data is most of its bytes)
    outside = [*_INLINE_SCRIPT.finditer(html, 0, start), *_INLINE_SCRIPT.finditer(html, end)] \
        if end else list(_INLINE_SCRIPT.finditer(html))
    bodies = []
    for script in outside:
        if "src=" in script.group("attrs").lower():
            continue
        kind = _TYPE.search(script.group("attrs"))
        if (kind.group(1).lower() if kind else "") in _EXECUTABLE_TYPES:
            bodies.append(script.group("body"))
    return bodies


def _digest(body: str) -> str:
    return base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
