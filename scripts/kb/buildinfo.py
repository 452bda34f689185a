"""What a build is and where it publishes: commit, build time and the site's name and URL style.

The build time is never the wall clock, so the same sources give byte-identical exports:
`SOURCE_DATE_EPOCH` when set (it wins), else the commit time of `git` HEAD when the root is a git
checkout, else the Unix epoch. The commit id comes from git whenever there is one.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kb.config import ConfigError
from kb.mkdocs_yml import read_mkdocs_yml

#: the build time when neither SOURCE_DATE_EPOCH nor a git commit says otherwise
FIXED_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

TimeSource = Literal["SOURCE_DATE_EPOCH", "git", "fixed"]


class BuildInfoError(Exception):
    """The environment describes the build wrongly (e.g. a malformed SOURCE_DATE_EPOCH)."""


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """The settings of the site that the exports point into (from mkdocs.yml)."""

    name: str = "Knowledge base"
    description: str = ""
    #: the site's public URL ('' when unknown: exported URLs stay relative to the site root)
    url: str = ""


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """The identity of one build. Equal sources and equal BuildInfo give byte-identical exports."""

    #: the git commit id ('' when the root is not a git checkout)
    commit: str = ""
    #: an aware UTC datetime, whole seconds
    time: dt.datetime = FIXED_EPOCH
    time_source: TimeSource = "fixed"
    site: SiteInfo = field(default_factory=SiteInfo)

    @property
    def iso_time(self) -> str:
        """The build time as `YYYY-MM-DDTHH:MM:SSZ`."""
        return self.time.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_info(root: Path, environ: Mapping[str, str] | None = None) -> BuildInfo:
    """The BuildInfo of the knowledge base at `root`; BuildInfoError for a bad SOURCE_DATE_EPOCH."""
    env = os.environ if environ is None else environ
    commit, commit_time = git_head(root)
    raw_epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    time: dt.datetime
    source: TimeSource
    if raw_epoch:
        time, source = _from_epoch(raw_epoch), "SOURCE_DATE_EPOCH"
    elif commit_time is not None:
        time, source = commit_time, "git"
    else:
        time, source = FIXED_EPOCH, "fixed"
    return BuildInfo(commit=commit, time=time, time_source=source, site=site_info(root))


def _from_epoch(raw: str) -> dt.datetime:
    if not raw.isdigit():
        raise BuildInfoError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not `{raw}`")
    try:
        return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise BuildInfoError(f"SOURCE_DATE_EPOCH `{raw}` is out of range") from None


def git_head(root: Path) -> tuple[str, dt.datetime | None]:
    """(commit id, commit time) of HEAD when `root` is in a git checkout with commits, else
    ('', None)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%H %ct", "HEAD"],
            capture_output=True, text=True, timeout=30, check=False,
            env=git_env(),
        )
    except (OSError, subprocess.SubprocessError):
        return "", None
    parts = done.stdout.split()
    if done.returncode != 0 or len(parts) != 2 or not parts[1].isdigit():
        return "", None
    return parts[0], dt.datetime.fromtimestamp(int(parts[1]), tz=dt.UTC)


def git_env() -> dict[str, str]:
    """The environment without GIT_* variables (a hook's GIT_DIR would name another checkout)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    return env


def site_info(root: Path) -> SiteInfo:
    """The site settings from `root/mkdocs.yml`; defaults for whatever is absent or unreadable."""
    try:
        raw = read_mkdocs_yml(root)
    except ConfigError:
        return SiteInfo()
    default = SiteInfo()

    def text(key: str, fallback: str) -> str:
        value = raw.get(key)
        return value if isinstance(value, str) else fallback

    return SiteInfo(
        name=text("site_name", default.name),
        description=text("site_description", ""),
        url=text("site_url", ""),
    )
