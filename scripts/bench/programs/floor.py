"""The floor: what any linter of this content must do at least, in one process.

    python floor.py read|full DOCS TREES

`read` reads every article and tree file; `full` also parses every front matter and tree with
libyaml's CSafeLoader and runs one markdown-it pass over every body. Prints the file count.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from markdown_it import MarkdownIt


def main(argv: list[str]) -> int:
    if not getattr(yaml, "__with_libyaml__", False):
        print("PyYAML is built without libyaml: the floor needs CSafeLoader", file=sys.stderr)
        return 1
    mode, docs, trees = argv[0], Path(argv[1]), Path(argv[2])
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    count = 0
    for path in [*sorted(docs.rglob("*.md")), *sorted(trees.glob("*.yaml"))]:
        text = path.read_text(encoding="utf-8")
        count += 1
        if mode == "read":
            continue
        if path.suffix == ".yaml":
            yaml.load(text, Loader=yaml.CSafeLoader)
            continue
        body = text
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            yaml.load(text[4:end], Loader=yaml.CSafeLoader)
            body = text[end + 5:]
        md.parse(body)
    print(f"{count} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
