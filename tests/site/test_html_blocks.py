"""HTML blocks in generated Markdown: valid Markdown for any renderer, and passed around
Python-Markdown without changing the page."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from markdown_it import MarkdownIt
from sitecheck import REPO, prepare_site_kb

from kb.html_blocks import (
    OPENING,
    html_block,
    html_table,
    lift_html_blocks,
    restore_html_blocks,
)
from kb.loader import load, load_config
from kb.pages import GeneratedPage, generate_pages

#: the site's markdown_extensions (mkdocs.yml)
EXTENSIONS = ["toc", "admonition", "attr_list", "tables", "pymdownx.details",
              "pymdownx.superfences"]
CONFIGS = {"toc": {"permalink": True}}

TABLE = html_block("<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>x *not emphasis* "
                   "| <code>`a`</code></td></tr></tbody></table>")
WALKER = html_block('<div class="kb-walker"><script type="application/json">[{"a":1}]</script>'
                    '<p class="fallback">Needs\nJavaScript.</p></div>')
CODE = html_block("<pre><code>line one\n  line two\n</code></pre>")
PAGE = f"""# A page

Some *Markdown* before, with a [link](other.md).

{TABLE}

## Walk

!!! note "Kept"
    An admonition between blocks.

{WALKER}

{CODE}

```python
# a fenced block stays code
print("<div>")
```

Text after.
"""


def python_markdown(text: str) -> str:
    html: str = markdown.markdown(text, extensions=EXTENSIONS, extension_configs=CONFIGS)
    return html


def through_lift(text: str) -> str:
    lifted, blocks = lift_html_blocks(text)
    return restore_html_blocks(python_markdown(lifted), blocks)


def squashed(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def test_a_block_is_one_marked_line() -> None:
    block = html_block("<p>one\ntwo</p>\r\n<p>three</p>")
    assert block == '<div class="kb-html"><p>one two</p> <p>three</p></div>'
    assert block.startswith(OPENING) and "\n" not in block


def test_preformatted_text_keeps_its_lines() -> None:
    block = html_block("<p>a\nb</p><pre class=x>x\n  y</pre><textarea>1\n2</textarea>")
    assert block == ('<div class="kb-html"><p>a b</p><pre class=x>x&#10;  y</pre>'
                     "<textarea>1&#10;2</textarea></div>")
    assert "<pre><code>line one&#10;  line two&#10;</code></pre>" in python_markdown(PAGE)


def test_code_with_a_newline_is_refused() -> None:
    with pytest.raises(ValueError, match="<script>"):
        html_block("<script>let a = 1\nlet b = 2</script>")
    with pytest.raises(ValueError, match="<style>"):
        html_block("<style>\np { color: red }</style>")
    assert html_block("<script>[1]</script>\n<p>x</p>").count("<script>[1]</script>") == 1


def test_commonmark_and_python_markdown_pass_a_block_through_unchanged() -> None:
    block = html_block(html_table(["A", "B"], [["*x*", "<code>`y`</code>"]]))
    text = f"Before.\n\n{block}\n\nAfter.\n"
    inner = block.removeprefix(OPENING).removesuffix("</div>")
    for rendered in (MarkdownIt("commonmark").render(text), python_markdown(text)):
        assert f"{OPENING}{inner}</div>" in rendered
        assert "<em>" not in rendered


def test_lift_swaps_blocks_for_placeholder_lines() -> None:
    lifted, blocks = lift_html_blocks(PAGE)
    assert len(blocks) == 3 and all(b.startswith(OPENING) for b in blocks)
    assert OPENING not in lifted
    assert [line for line in lifted.splitlines() if "data-kb-block" in line] == [
        '<div data-kb-block="0"></div>', '<div data-kb-block="1"></div>',
        '<div data-kb-block="2"></div>']
    assert lift_html_blocks("# No blocks\n") == ("# No blocks\n", [])


def test_round_trip_renders_the_same_page() -> None:
    assert squashed(through_lift(PAGE)) == squashed(python_markdown(PAGE))


def test_restore_refuses_a_lost_or_repeated_placeholder() -> None:
    _, blocks = lift_html_blocks(PAGE)
    with pytest.raises(ValueError, match=r"blocks \[1\]"):
        restore_html_blocks('<div data-kb-block="0"></div><div data-kb-block="2"></div>', blocks)
    with pytest.raises(ValueError, match=r"blocks \[0\]"):
        restore_html_blocks('<div data-kb-block="0"></div>' * 2
                            + '<div data-kb-block="1"></div><div data-kb-block="2"></div>',
                            blocks)
    # a block indented into a code block is not lifted: it is code, shown as written
    indented = "Text.\n\n    " + html_block("<p>x</p>") + "\n"
    assert through_lift(indented) == python_markdown(indented)


def generated(root: Path) -> list[GeneratedPage]:
    return generate_pages(load(load_config(root)).kb)


@pytest.mark.parametrize("kb_name", ["site fixture", "shipped content"])
def test_every_generated_page_renders_the_same_through_the_lift(
        kb_name: str, tmp_path: Path) -> None:
    root = prepare_site_kb(tmp_path / "kb") if kb_name == "site fixture" else REPO
    pages = generated(root)
    with_blocks = [p for p in pages if OPENING in p.markdown]
    assert any(p.path.startswith("trees/") and p.path != "trees/index.md" for p in with_blocks)
    assert {"browse/products.md", "trees/index.md"} <= {p.path for p in with_blocks}
    for page in pages:
        assert squashed(through_lift(page.markdown)) == squashed(
            python_markdown(page.markdown)), page.path
