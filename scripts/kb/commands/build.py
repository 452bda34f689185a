"""`kb build`: lint, then build the site and the agent exports into site/, atomically.

MkDocs runs as a subprocess (`python -m mkdocs build --strict`) into a fresh folder beside
site/; the kb plugin loads and lints the knowledge base once inside that build and stops it on
any lint error. Pagefind's indexer runs beside it (`pagefind_service`): the plugin sends it
each page as soon as its content is finished, and has the index written into the staging
folder while MkDocs renders; once MkDocs has exited, kb waits for every request to be answered
(and writes the index itself if MkDocs never asked).
Only a build that succeeds replaces site/, by renaming: a lint error, a crash, a failed search
index or an interrupted run leaves the previous site/ exactly as it was.

Builds in one checkout take turns: a lock file beside the site folder (`.kb-build.lock`) makes
a second build wait for the first. SIGTERM or Ctrl+C stop the MkDocs child too (and it dies
with kb even on SIGKILL, see `kb.child`); a staging folder left by a build that was
killed carries the dead build's pid and is removed by the next build. A file system error
(disk full, permission denied, read-only) is one line and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from kb.audience import (
    AUDIENCE_ENV,
    AUDIENCES,
    EXIT_WHEN_BUILT_ENV,
    TODAY_ENV,
    Audience,
    audience_named,
)
from kb.child import dies_with_parent, stop, terminate_as_interrupt
from kb.commands._shared import (
    EXIT_CONTENT,
    EXIT_OK,
    UsageError,
    config_from_args,
    date_arg,
    mkdocs_command,
)
from kb.mkdocs_plugin.pagefind_search import INDEX_DIR, read_shards_file
from kb.mkdocs_plugin.pagefind_service import FEED_ENV, PagefindFailed, PagefindService

__all__ = ["build_site", "register", "swap_into_place"]

#: prefixes of the folders a build works in, beside the site folder
STAGING_PREFIX = ".kb-build-"
RETIRED_PREFIX = ".kb-old-"
#: the file in a staging or retired folder that names the build owning it
OWNER_FILE = ".kb-build-owner"
#: the lock file beside the site folder that makes builds in one checkout take turns
LOCK_FILE = ".kb-build.lock"

#: the last line of a Python traceback for a file system error, as MkDocs prints it
_IO_ERROR = re.compile(r"^\w+Error: \[Errno (\d+)\] (.*)$")
_IO_ERRNOS = {errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EDQUOT, errno.EIO, errno.EPERM}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("build", help="lint, then build the site and the agent exports")
    p.add_argument("--site-dir", default="site",
                   help="where the site goes, relative to the KB root (default: site)")
    p.add_argument("--allow-warnings", action="store_true",
                   help="publish despite MkDocs warnings (runs MkDocs without --strict)")
    p.add_argument("--audience", choices=AUDIENCES, default="internal",
                   help="internal: the full site and agent exports (default); public: a "
                        "customer help center of the public, published articles only")
    p.add_argument("--today", type=date_arg,
                   help="build as on this date (YYYY-MM-DD): freshness and effective dates")
    p.set_defaults(run=cmd_build)


def cmd_build(args: argparse.Namespace, out: TextIO) -> int:
    config = config_from_args(args)
    site = (config.root / args.site_dir).resolve()
    try:
        built = build_site(config.root, site, strict=not args.allow_warnings, log=out,
                           audience=audience_named(args.audience), today=config.today)
    except OSError as exc:
        where = exc.filename or site
        raise UsageError(f"cannot write {where}: {exc.strerror or exc}; "
                         f"{_rel(site, config.root)} is unchanged") from None
    if not built:
        print(f"kb build: nothing written, {_rel(site, config.root)} is unchanged; "
              "fix the problems above", file=out)
        return EXIT_CONTENT
    what = "site and agent exports" if args.audience == "internal" else "public help center"
    print(f"kb build: {what} written to {_rel(site, config.root)}", file=out)
    return EXIT_OK


def build_site(root: Path, site: Path, *, strict: bool = True, log: TextIO | None = None,
               audience: Audience = "internal", today: dt.date | None = None) -> bool:
    """Build into a fresh folder beside `site`, then swap it in. False when MkDocs failed.

    MkDocs' output (the kb plugin's diagnostics included) is copied to `log`. The previous
    `site` is untouched unless the build succeeded; the staging folder is always removed.
    """
    site.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(site.parent, log or sys.stdout):
        remove_stale_folders(site.parent)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=site.parent))
        indexer = _start_indexer()
        try:
            _claim(staging)
            if not _run_mkdocs(root, staging, strict, log or sys.stdout, audience, today,
                               indexer):
                return False
            if indexer is not None and not _write_index(indexer, staging, log or sys.stdout):
                return False
            (staging / OWNER_FILE).unlink()
            swap_into_place(staging, site)
            return True
        finally:
            if indexer is not None:
                indexer.close()
            shutil.rmtree(staging, ignore_errors=True)


def _start_indexer() -> PagefindService | None:
    """Pagefind's indexer for MkDocs to feed, or None if it cannot be started (a site searched
    with Pagefind then starts its own in MkDocs, which says why it cannot)."""
    try:
        return PagefindService.start()
    except PagefindFailed:
        return None


def _write_index(indexer: PagefindService, staging: Path, log: TextIO) -> bool:
    """Write the shards of the index MkDocs sent pages to (none: the site is not searched with
    Pagefind) into `staging`, as many as the plugin named; False, with the reason, when it
    failed."""
    try:
        if indexer.pages():
            indexer.write(staging / INDEX_DIR, read_shards_file(staging / INDEX_DIR))
    except (PagefindFailed, ValueError) as exc:
        print(f"kb: the search index was not built: {exc}", file=log)
        return False
    return True


def _run_mkdocs(root: Path, staging: Path, strict: bool, log: TextIO,
                audience: Audience, today: dt.date | None,
                indexer: PagefindService | None) -> bool:
    """Run `mkdocs build` into `staging`, copying its output to `log`; False when it failed.

    A traceback is held back until it ends: if it ends in a file system error, it becomes an
    OSError here (one line for the user) instead of pages of MkDocs internals.
    """
    command, env = mkdocs_command("build", root, "--site-dir", str(staging),
                                  "--strict" if strict else "--no-strict")
    env[AUDIENCE_ENV] = audience
    env[EXIT_WHEN_BUILT_ENV] = "1"
    feed_fds: tuple[int, ...] = ()
    if indexer is not None:
        env[FEED_ENV], fd = indexer.feed_env()
        feed_fds = (fd,)
    if today is not None:
        env[TODAY_ENV] = today.isoformat()
    held: list[str] = []
    with subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, pass_fds=feed_fds,
                          preexec_fn=dies_with_parent()) as proc:
        try:
            with terminate_as_interrupt():
                assert proc.stdout is not None
                for line in proc.stdout:
                    if held or line.startswith("Traceback (most recent call last)"):
                        held.append(line)
                    else:
                        print(line, end="", file=log)
                proc.wait()
        finally:
            stop(proc)
    if held:
        last = _IO_ERROR.match(held[-1].strip())
        if last and int(last.group(1)) in _IO_ERRNOS:
            raise OSError(int(last.group(1)), last.group(2).split(": '")[0],
                          _quoted_path(last.group(2)))
        print("".join(held), end="", file=log)
    return proc.returncode == 0


def _quoted_path(message: str) -> str | None:
    """The file name Python quotes at the end of an OSError message, if any."""
    m = re.search(r": '(.*)'$", message)
    return m.group(1) if m else None


@contextlib.contextmanager
def build_lock(folder: Path, log: TextIO) -> Iterator[None]:
    """Hold the checkout's build lock; a build that finds it taken says so and waits."""
    with open(folder / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            print(f"kb build: another build is running in this checkout (pid {holder}); "
                  "waiting for it to finish", file=log, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _claim(folder: Path) -> None:
    (folder / OWNER_FILE).write_text(f"{os.getpid()}\n")


def remove_stale_folders(folder: Path) -> list[Path]:
    """Remove the staging and retired folders beside the site whose owning build is dead.

    Only folders kb made (named with its prefixes and holding its owner file) are touched.
    """
    removed: list[Path] = []
    for entry in folder.iterdir():
        if not entry.name.startswith((STAGING_PREFIX, RETIRED_PREFIX)) or not entry.is_dir():
            continue
        try:
            pid = int((entry / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue
        if not _alive(pid):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    _claim(retired)  # should the removal below be cut short, the next build finishes it
    with contextlib.suppress(OSError):
        shutil.rmtree(retired)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() + "/"
    except ValueError:
        return str(path)
