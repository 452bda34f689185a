"""Site URLs: the relative links between pages, as `posixpath.relpath` would give them."""

from __future__ import annotations

import itertools
import posixpath

from kb.urls import page_url, relative_url


def test_relative_urls_agree_with_relpath() -> None:
    # computed without the working directory: every pair of these pages, both URL styles
    docs = ["index.md", "browse/index.md", "browse/teams.md", "upi/failed.md", "upi/index.md",
            "upi/refunds/late.md", "trees/refund.md", "browse/parts/product/upi/upi-a-2.md"]
    for directory_urls in (True, False):
        urls = [page_url("", path, directory_urls) for path in docs]
        for here, there in itertools.product(urls, urls):
            base = here.rpartition("/")[0] or "."
            expected = posixpath.relpath(there or ".", base)
            if there.endswith("/") or not there:
                expected = "./" if expected == "." else expected + "/"
            assert relative_url(here, there) == expected, (here, there)
    assert relative_url("upi/failed/", "browse/teams/") == "../../browse/teams/"
    assert relative_url("upi/failed.html", "browse/teams.html") == "../browse/teams.html"
