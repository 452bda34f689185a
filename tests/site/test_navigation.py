"""The site nav built from the docs tree: finding aids first, folders titled by their index."""

from __future__ import annotations

from kb.mkdocs_plugin.navigation import NavItem, site_nav

PAGES = [
    "index.md", "upi/index.md", "upi/limits.md", "upi/failed-debit.md", "replies/reply-b.md",
    "replies/reply-a.md", "browse/index.md", "browse/products.md", "trees/index.md",
    "trees/refund.md", "reference/lint-rules.md", "authoring/index.md", "agents/bundle.md",
    "cards/index.md", "cards/deep/one.md",
]
TITLES = {
    "upi/index.md": "UPI", "upi/limits.md": "UPI limits", "upi/failed-debit.md": "Failed debit",
    "replies/reply-a.md": "Zebra reply", "replies/reply-b.md": "Alpha reply",
    "browse/index.md": "Browse", "trees/index.md": "Decision trees", "cards/index.md": "Cards",
    "authoring/index.md": "Authoring",
}


def test_top_level_order_and_titles() -> None:
    nav = site_nav(PAGES, TITLES)
    assert nav[0] == "index.md"
    titles = [next(iter(item)) for item in nav[1:] if isinstance(item, dict)]
    assert titles == ["Browse", "Decision trees", "Cards", "Replies", "UPI", "Agents",
                      "Authoring", "Reference"]


def test_section_index_first_then_pages_by_title() -> None:
    nav = site_nav(PAGES, TITLES)
    upi = next(item["UPI"] for item in nav if isinstance(item, dict) and "UPI" in item)
    assert upi == ["upi/index.md", "upi/failed-debit.md", "upi/limits.md"]
    replies = next(item["Replies"] for item in nav if isinstance(item, dict) and "Replies" in item)
    assert replies == ["replies/reply-b.md", "replies/reply-a.md"]


def test_nested_folders_nest() -> None:
    nav = site_nav(PAGES, TITLES)
    cards = next(item["Cards"] for item in nav if isinstance(item, dict) and "Cards" in item)
    assert cards == ["cards/index.md", {"Deep": ["cards/deep/one.md"]}]


def test_every_page_appears_once() -> None:
    def flatten(items: list[object]) -> list[str]:
        out: list[str] = []
        for item in items:
            if isinstance(item, str):
                out.append(item)
            else:
                assert isinstance(item, dict)
                for children in item.values():
                    out += flatten(children)
        return out

    assert sorted(flatten(list(site_nav(PAGES, TITLES)))) == sorted(PAGES)


def _flatten(items: list[NavItem]) -> list[str]:
    pages: list[str] = []
    for item in items:
        if isinstance(item, str):
            pages.append(item)
        else:
            for children in item.values():
                pages += _flatten(children)
    return pages


def test_past_the_limit_sections_list_only_their_index_page() -> None:
    pages = ["index.md", "upi/index.md", "upi/failed-debit.md", "upi/limits.md",
             "pix/index.md", "pix/med.md", "loose/a.md", "loose/b.md"]
    full = _flatten(site_nav(pages, {}, max_pages=100))
    assert sorted(full) == sorted(pages)
    compact = _flatten(site_nav(pages, {}, max_pages=5))
    # sections with an index keep only it; a folder without one keeps its pages
    assert sorted(compact) == ["index.md", "loose/a.md", "loose/b.md", "pix/index.md",
                               "upi/index.md"]
