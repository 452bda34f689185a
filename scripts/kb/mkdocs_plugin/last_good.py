"""`kb serve` while content is broken: keep serving the last good site, with an error banner.

MkDocs' live-reload server stops answering after a failed rebuild ("the server will appear
stuck") until the content is fixed. The kb plugin lints before MkDocs touches the site folder,
so the last good pages are still there: `LastGoodSite` lets a failed rebuild count as done, so
requests are answered from those pages, and puts a banner naming the first problems at the top
of every page until a rebuild succeeds.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from mkdocs.livereload import LiveReloadServer

#: at most this many lines of the error are shown in the banner
BANNER_LINES = 8

_BODY = re.compile(rb"<body\b[^>]*>", re.I)


@dataclass(slots=True)
class LastGoodSite:
    """The state of one `mkdocs serve`: the error of the last rebuild, '' when it succeeded."""

    error: str = ""

    def install(self, server: LiveReloadServer) -> None:
        """Wrap the server's rebuild and its HTML injection (both kept by MkDocs on `server`)."""
        rebuild: Callable[[], None] = server.builder
        inject: Callable[[bytes, int], bytes] = server._inject_js_into_html

        def guarded_rebuild() -> None:
            try:
                rebuild()
            except Exception as exc:
                self.error = self.error or str(exc) or type(exc).__name__
                return
            self.error = ""

        def with_banner(content: bytes, epoch: int) -> bytes:
            return banner(inject(content, epoch), self.error)

        server.builder = guarded_rebuild
        server._inject_js_into_html = with_banner  # type: ignore[method-assign]

    def failed(self, error: BaseException) -> None:
        """Record why a rebuild failed (MkDocs reports the plugin's error here, then aborts)."""
        self.error = str(error) or type(error).__name__


def banner(page: bytes, error: str) -> bytes:
    """`page` with an error banner after its `<body>` tag (unchanged when `error` is '')."""
    if not error:
        return page
    lines = [line for line in error.splitlines() if line.strip()]
    shown = "\n".join(lines[:BANNER_LINES])
    more = f"\n... and {len(lines) - BANNER_LINES} more lines" if len(lines) > BANNER_LINES else ""
    block = (
        '<div class="admonition failure kb-serve-error" role="alert">'
        '<p class="admonition-title">kb serve: the last change cannot be built; '
        "showing the last good site</p>"
        f"<pre>{html.escape(shown + more)}</pre></div>"
    ).encode()
    found = _BODY.search(page)
    at = found.end() if found else 0
    return page[:at] + block + page[at:]
