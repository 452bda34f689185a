"""`kb new article|tree|cases|macro`: start a content file that passes `kb lint` as written.

Values come from the flags; on a terminal, what is missing is asked for, with the configured
vocabularies offered. A new file is never written over an existing one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kb.atomic import write_atomically
from kb.commands._scaffold import Front, article_text, cases_text, tree_text
from kb.commands._shared import EXIT_OK, UsageError, config_from_args
from kb.config import KbConfig
from kb.lint.rules.metadata import KEBAB
from kb.lint.rules.policies.paths import paths
from kb.lint.runner import LintContext
from kb.loader import CASES_SUFFIX, load
from kb.model import ARTICLE_TYPES, KnowledgeBase
from kb.walk import walk

KINDS = ("article", "tree", "cases", "macro")
#: the article types `kb new article` offers (`kb new macro` writes the macros)
ARTICLE_KINDS = tuple(t for t in ARTICLE_TYPES if t != "macro")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "new", help="start an article, tree, cases file or macro that passes kb lint",
        description="Write a new draft content file, reviewed today, that passes `kb lint` as "
                    "written: an article or macro (added to its section's index.md), a tree "
                    "(one question, two outcomes, and its cases file with one case per "
                    "outcome), or a cases file for an existing tree (one case per outcome). "
                    "On a terminal, missing values are asked for. Never overwrites a file.")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--id", help="kebab-case id; for cases, the tree's id")
    p.add_argument("--section", help="folder under docs/ holding an index.md (articles, macros)")
    p.add_argument("--title")
    p.add_argument("--summary", help="one sentence, at most 200 characters")
    p.add_argument("--type", choices=ARTICLE_KINDS, help="article type")
    p.add_argument("--markets", help="comma-separated market codes")
    p.add_argument("--products", help="comma-separated product codes")
    p.add_argument("--owner", help="owning team")
    p.add_argument("--article", help="for a tree: the article its outcomes cite")
    p.set_defaults(run=cmd_new)


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    config = config_from_args(args)
    kb = load(config).kb
    ask = _prompter(out) if sys.stdin.isatty() else None
    written = _CREATORS[args.kind](args, config, kb, Values(args, ask))
    for path in written:
        print(f"wrote {path}", file=out)
    return EXIT_OK


Prompt = Callable[[str, Sequence[str]], str]


def _prompter(out: TextIO) -> Prompt:
    def ask(name: str, offered: Sequence[str]) -> str:
        hint = f" ({', '.join(offered)})" if offered else ""
        print(f"{name}{hint}: ", end="", file=out, flush=True)
        return sys.stdin.readline().strip()
    return ask


@dataclass(frozen=True, slots=True)
class Values:
    """The flags' values; missing ones asked for on a terminal, else a usage error."""

    args: argparse.Namespace
    ask: Prompt | None

    def one(self, name: str, offered: Sequence[str] = (), *, single: bool = True) -> str:
        """The value of `--name`; with `single`, it must be one of `offered` (when given)."""
        value = getattr(self.args, name) or ""
        if not value and self.ask is not None:
            value = self.ask(name, offered)
        if not value:
            raise UsageError(f"kb new {self.args.kind} needs --{name}"
                             + (f" (one of: {', '.join(offered)})" if offered else ""))
        if single and offered and value not in offered:
            raise UsageError(f"--{name} `{value}` is not one of: {', '.join(offered)}")
        return value

    def several(self, name: str, offered: Sequence[str]) -> tuple[str, ...]:
        """The comma-separated values of `--name`, each one of `offered`."""
        values = tuple(v.strip() for v in self.one(name, offered, single=False).split(",")
                       if v.strip())
        unknown = [v for v in values if v not in offered]
        if unknown or not values:
            raise UsageError(f"--{name}: {', '.join(unknown) or 'nothing given'} not in the "
                             f"configured vocabulary: {', '.join(offered)}")
        return values


def _new_id(values: Values, kb: KnowledgeBase) -> str:
    item_id = values.one("id")
    if not KEBAB.match(item_id):
        raise UsageError(f"--id `{item_id}` is not kebab-case (lowercase letters, digits and "
                         "single hyphens)")
    if item_id in kb.articles or item_id in kb.trees:
        raise UsageError(f"id `{item_id}` is taken: ids are unique across articles and trees")
    return item_id


def _front(values: Values, config: KbConfig, item_id: str) -> Front:
    return Front(id=item_id, title=values.one("title"), summary=values.one("summary"),
                 owner=values.one("owner", config.teams),
                 markets=values.several("markets", config.markets),
                 products=values.several("products", config.products),
                 reviewed=config.judged_on())


def _refuse_existing(config: KbConfig, *targets: Path) -> None:
    for target in targets:
        if target.exists():
            raise UsageError(f"{target.relative_to(config.root)} already exists: kb new never "
                             "overwrites a file")


def _write(config: KbConfig, target: Path, text: str) -> str:
    write_atomically(target, text.encode("utf-8"), durable=False)
    return target.relative_to(config.root).as_posix()


def _sections(config: KbConfig) -> list[str]:
    docs = config.root / config.docs_dir
    return sorted(p.parent.name for p in docs.glob("*/index.md"))


def _new_article(args: argparse.Namespace, config: KbConfig, kb: KnowledgeBase,
                 values: Values) -> list[str]:
    item_id = _new_id(values, kb)
    section = values.one("section", _sections(config))
    article_type = "macro" if args.kind == "macro" else values.one("type", ARTICLE_KINDS)
    front = _front(values, config, item_id)
    folder = config.root / config.docs_dir / section
    name = item_id.removeprefix(f"{section}-") if args.kind != "macro" else item_id
    target = folder / f"{name}.md"
    _refuse_existing(config, target)
    visibility = "public" if args.kind == "macro" else "internal"
    written = [_write(config, target, article_text(front, article_type, visibility))]
    index = folder / "index.md"
    listing = index.read_text(encoding="utf-8")
    written.append(_write(config, index, add_to_index(listing, front.title, target.name)))
    return written


def add_to_index(listing: str, title: str, file_name: str) -> str:
    """The section index with a link to the new (draft) page after its last list item."""
    entry = f"- [{title}]({file_name}) (draft)"
    lines = listing.rstrip("\n").split("\n")
    items = [i for i, line in enumerate(lines) if line.startswith("- [")]
    at = items[-1] + 1 if items else len(lines)
    if not items:
        entry = f"\n{entry}"
    return "\n".join([*lines[:at], entry, *lines[at:]]) + "\n"


def _new_tree(args: argparse.Namespace, config: KbConfig, kb: KnowledgeBase,
              values: Values) -> list[str]:
    item_id = _new_id(values, kb)
    if item_id == "index":
        raise UsageError("tree id `index` is reserved: the site's tree index page is trees/index/")
    article = values.one("article")
    cited = kb.articles.get(article)
    if cited is None or cited.meta.visibility == "restricted":
        raise UsageError(f"--article `{article}` is not an article agents may be sent to "
                         "(an existing article that is not restricted)")
    front = _front(values, config, item_id)
    folder = config.root / config.trees_dir
    tree_path, cases_path = folder / f"{item_id}.yaml", folder / f"{item_id}{CASES_SUFFIX}"
    _refuse_existing(config, tree_path, cases_path)
    cases = [("answer-yes", {"first_answer": True}), ("answer-no", {"first_answer": False})]
    return [_write(config, tree_path, tree_text(front, article)),
            _write(config, cases_path, cases_text(item_id, cases))]


def _new_cases(args: argparse.Namespace, config: KbConfig, kb: KnowledgeBase,
               values: Values) -> list[str]:
    tree_id = values.one("id", sorted(kb.trees))
    target = config.root / config.trees_dir / f"{tree_id}{CASES_SUFFIX}"
    _refuse_existing(config, target)
    return [_write(config, target, cases_text(tree_id, outcome_cases(kb, tree_id)))]


def outcome_cases(kb: KnowledgeBase, tree_id: str) -> list[tuple[str, dict[str, object]]]:
    """For each outcome some walk reaches, facts that walk there (checked by walking them)."""
    tree = kb.trees[tree_id]
    found: dict[str, dict[str, object]] = {}
    for end in paths(tree, LintContext(kb, kb.config.judged_on())):
        facts = end.facts(tree)
        if end.outcome not in found and walk(tree, facts).outcome == end.outcome:
            found[end.outcome] = facts
    return [(o.id, found[o.id]) for o in tree.outcomes() if o.id in found]


_CREATORS: dict[str, Callable[[argparse.Namespace, KbConfig, KnowledgeBase, Values],
                              list[str]]] = {
    "article": _new_article, "macro": _new_article, "tree": _new_tree, "cases": _new_cases}
