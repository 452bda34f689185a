"""What the `kb` commands share: exit codes, the usage error, loading and linting the KB."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kb.config import KbConfig
from kb.lint import LintResult, lint_kb
from kb.loader import LoadResult, load
from kb.loader.config_file import find_root, load_config

if TYPE_CHECKING:
    from kb.client import Client

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command line or the environment is wrong (exit 2)."""


def config_from_args(args: argparse.Namespace) -> KbConfig:
    root = Path(args.root) if args.root else find_root(Path.cwd())
    config = load_config(root.resolve())
    if getattr(args, "today", None):
        config = replace(config, today=args.today)
    return config


def load_kb(args: argparse.Namespace) -> LoadResult:
    """Load with the content cache in `.kb-cache/` unless `--no-cache` was given."""
    return load(config_from_args(args), cache=not getattr(args, "no_cache", False),
                freeze=bool(getattr(args, "one_shot", False)))


def add_cache_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", action="store_true",
                        help="neither use nor update the content cache in .kb-cache/")


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def selected_paths(config: KbConfig, paths: Sequence[str]) -> set[str] | None:
    """Repo-relative paths of the content files named (files or folders), or None for all."""
    if not paths:
        return None
    from kb.loader import content_files

    root = config.root
    known = set(content_files(config))
    chosen: set[str] = set()
    for raw in paths:
        target = Path(raw).resolve()
        try:
            rel = target.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{raw} is outside the knowledge base at {root}") from None
        if not target.exists():
            raise UsageError(f"{raw}: no such file or folder")
        if target.is_dir():
            prefix = "" if rel == "." else rel + "/"
            chosen |= {p for p in known if p.startswith(prefix)}
        elif rel in known:
            chosen.add(rel)
        else:
            raise UsageError(f"{raw} is not a content file (an article `*.md` under "
                             f"{config.docs_dir}/, or a tree or cases file `*.yaml` "
                             f"in {config.trees_dir}/): nothing to check")
    return chosen


def run_lint(loaded: LoadResult, only: set[str] | None = None) -> LintResult:
    return lint_kb(loaded.kb, loaded.problems, loaded.ambiguous, only=only,
                digests=loaded.digests or None)


def mkdocs_command(action: str, root: Path, *options: str) -> tuple[list[str], dict[str, str]]:
    """The command line running MkDocs' `action` on the KB at `root` (`python -m mkdocs ACTION
    --config-file ROOT/mkdocs.yml OPTIONS...`), and its environment."""
    command = [sys.executable, "-m", "mkdocs", action, "--config-file", str(root / "mkdocs.yml"),
               *options]
    # MkDocs' banner about its own future is noise in every build log and preview
    return command, {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def client_from_args(args: argparse.Namespace) -> Client:
    """The agents' client of `--bundle FILE` (checked first), else of this checkout's bundle
    built in memory; UsageError with the client's reason when it cannot be trusted or built."""
    from kb.client import Client, ClientError

    try:
        if getattr(args, "bundle", None):
            return Client.from_bundle(args.bundle)
        return Client.from_repo(find_root(Path(args.root or ".").resolve()))
    except ClientError as exc:
        raise UsageError(str(exc)) from None


def labeled_file(args: argparse.Namespace, given: str | None, default: str) -> Path:
    """A labeled-set file: `given`, else `default` under the knowledge base's root."""
    path = Path(given) if given else find_root(Path(args.root or ".").resolve()) / default
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    return path
