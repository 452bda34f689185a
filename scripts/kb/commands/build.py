"""`kb build`: lint, then build the site and the agent exports into site/, atomically.

MkDocs runs as a subprocess (`python -m mkdocs build --strict`) into a fresh folder beside
site/; the kb plugin loads and lints the knowledge base once inside that build and stops it on
any lint error. Only a build that succeeds replaces site/, by renaming: a lint error, a crash
or an interrupted run leaves the previous site/ exactly as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from kb.commands._shared import EXIT_CONTENT, EXIT_OK, config_from_args, mkdocs_command

__all__ = ["build_site", "register", "swap_into_place"]

#: prefixes of the folders a build works in, beside the site folder
STAGING_PREFIX = ".kb-build-"
RETIRED_PREFIX = ".kb-old-"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("build", help="lint, then build the site and the agent exports")
    p.add_argument("--site-dir", default="site",
                   help="where the site goes, relative to the KB root (default: site)")
    p.add_argument("--allow-warnings", action="store_true",
                   help="publish despite MkDocs warnings (runs MkDocs without --strict)")
    p.set_defaults(run=cmd_build)


def cmd_build(args: argparse.Namespace, out: TextIO) -> int:
    config = config_from_args(args)
    site = (config.root / args.site_dir).resolve()
    if not build_site(config.root, site, strict=not args.allow_warnings, log=out):
        print(f"kb build: nothing written, {_rel(site, config.root)} is unchanged; "
              "fix the problems above", file=out)
        return EXIT_CONTENT
    print(f"kb build: site and agent exports written to {_rel(site, config.root)}", file=out)
    return EXIT_OK


def build_site(root: Path, site: Path, *, strict: bool = True, log: TextIO | None = None) -> bool:
    """Build into a fresh folder beside `site`, then swap it in. False when MkDocs failed.

    MkDocs' output (the kb plugin's diagnostics included) is copied to `log`. The previous
    `site` is untouched unless the build succeeded; the staging folder is always removed.
    """
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=site.parent))
    try:
        command, env = mkdocs_command("build", root, "--site-dir", str(staging),
                                      "--strict" if strict else "--no-strict")
        with subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                print(line, end="", file=log or sys.stdout)
        if proc.returncode != 0:
            return False
        swap_into_place(staging, site)
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def swap_into_place(new: Path, target: Path) -> None:
    """Replace the folder `target` with `new`: rename the old one away, the new one in, then
    delete the old. If the second rename fails, the old folder is renamed back."""
    if not target.exists():
        os.rename(new, target)
        return
    retired = Path(tempfile.mkdtemp(prefix=RETIRED_PREFIX, dir=target.parent))
    retired.rmdir()  # a free name beside the target; rename needs it not to exist
    os.rename(target, retired)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(retired, target)
        raise
    with contextlib.suppress(OSError):
        shutil.rmtree(retired)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() + "/"
    except ValueError:
        return str(path)
