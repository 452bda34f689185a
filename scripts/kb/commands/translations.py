"""`kb translations mark FILE...`: record which version of its source a translation translates."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TextIO

from kb.atomic import write_atomically
from kb.commands._shared import EXIT_OK, UsageError, load_kb, selected_paths
from kb.model import Article, KnowledgeBase
from kb.translations import can_translate

#: the `source_hash:` and `translation_of:` lines of a front matter
_SOURCE_HASH = re.compile(r"^source_hash:[^\n]*$", re.MULTILINE)
_TRANSLATION_OF = re.compile(r"^translation_of:[^\n]*$", re.MULTILINE)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("translations", help="work with translated articles")
    actions = p.add_subparsers(dest="action", required=True)
    mark = actions.add_parser("mark", help="record the source version each translation "
                                           "translates (its `source_hash`)")
    mark.add_argument("files", nargs="+", metavar="FILE", help="translation files")
    mark.set_defaults(run=cmd_mark)


def cmd_mark(args: argparse.Namespace, out: TextIO) -> int:
    loaded = load_kb(args)
    kb = loaded.kb
    paths = selected_paths(kb.config, args.files) or set()
    pairs = [_pair(kb, path) for path in sorted(paths)]
    for translation, source in pairs:
        text = marked(kb.files[translation.path].text, source.content_hash)
        write_atomically(Path(kb.config.root, translation.path), text.encode())
        print(f"{translation.path}: marked as translating {source.id} "
              f"({source.content_hash[:19]})", file=out)
    return EXIT_OK


def _pair(kb: KnowledgeBase, path: str) -> tuple[Article, Article]:
    """The translation at `path` and its source; a usage error when it is not one."""
    article = kb.articles_by_path.get(path)
    if article is None or article.translation is None:
        raise UsageError(f"{path} is not a translation (no `translation_of` in its front matter)")
    source = kb.articles.get(article.translation.of)
    if source is None or not can_translate(source, article):
        raise UsageError(f"{path}: `translation_of: {article.translation.of}` names no "
                         "article this one can translate (an original macro or public article "
                         "of the same type)")
    return article, source


def marked(text: str, source_hash: str) -> str:
    """`text` with its front matter's `source_hash` set to `source_hash`."""
    end = text.find("\n---", 3)
    front, rest = (text[:end], text[end:]) if end >= 0 else (text, "")
    line = f"source_hash: {source_hash}"
    if _SOURCE_HASH.search(front):
        return _SOURCE_HASH.sub(line, front, count=1) + rest
    return _TRANSLATION_OF.sub(lambda m: f"{m.group(0)}\n{line}", front, count=1) + rest
