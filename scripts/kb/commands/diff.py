"""`kb diff BASE [HEAD]`: what a change does to the knowledge base, from the two loaded KBs."""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from kb.changes import RENDERERS, RevisionError, checkout_is_dirty, compare, export_revision
from kb.changes import resolve as resolve_revision
from kb.commands._shared import EXIT_OK, UsageError, config_from_args, date_arg
from kb.config import KbConfig
from kb.effective import UPCOMING_DAYS
from kb.loader import load, load_config
from kb.model import KnowledgeBase


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "diff", help="what a change does: items, exports, outcomes, cases that change outcome",
        description="Compare the knowledge base at git revision BASE with HEAD (a revision; "
                    "default: the working tree, uncommitted changes included): articles and "
                    "trees added, removed, renamed, changed in visibility or status, entering "
                    "or leaving the agent exports, outcomes added or removed, labeled cases "
                    "whose walk ends at another outcome (with the node where the paths part), "
                    "facts whose type, options or thresholds changed, items whose exported "
                    "text changed, and what takes effect or ends in HEAD in the next "
                    f"{UPCOMING_DAYS} days.")
    p.add_argument("base", metavar="BASE", help="git revision to compare from (e.g. origin/main)")
    p.add_argument("head", metavar="HEAD", nargs="?",
                   help="git revision to compare to (default: the working tree)")
    p.add_argument("--format", choices=sorted(RENDERERS), default="text",
                   help="markdown is a pull-request comment under 65,000 characters")
    p.add_argument("--today", type=date_arg,
                   help="judge effective dates (and so the exports) on this date (YYYY-MM-DD)")
    p.set_defaults(run=cmd_diff)


def cmd_diff(args: argparse.Namespace, out: TextIO) -> int:
    config = config_from_args(args)
    # both sides are judged on one day, even across midnight
    config = replace(config, today=config.judged_on())
    try:
        base_commit = resolve_revision(config.root, args.base)
        head_commit = resolve_revision(config.root, args.head) if args.head else ""
        with tempfile.TemporaryDirectory(prefix="kb-diff-") as scratch:
            base = _load_revision(config, base_commit, Path(scratch) / "base")
            if head_commit:
                head = _load_revision(config, head_commit, Path(scratch) / "head")
                head_label = f"{args.head} ({head_commit[:12]})"
            else:
                head = load(config).kb
                head_label = "working tree"
                if checkout_is_dirty(config.root, ("mkdocs.yml", config.docs_dir,
                                                   config.trees_dir)):
                    head_label += " (with uncommitted changes)"
    except RevisionError as exc:
        raise UsageError(str(exc)) from None
    diff = compare(base, head, f"{args.base} ({base_commit[:12]})", head_label,
                   config.judged_on())
    print(RENDERERS[args.format](diff), file=out)
    return EXIT_OK


def _load_revision(config: KbConfig, commit: str, folder: Path) -> KnowledgeBase:
    """The knowledge base as `commit` has it, read with that revision's own mkdocs.yml and
    judged on `config`'s day."""
    revision = load_config(export_revision(config.root, commit, folder))
    return load(replace(revision, today=config.today)).kb
