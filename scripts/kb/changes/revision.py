"""A git revision's files in a folder, for the loader: the only code here that runs git.

Only the commit's own objects are needed (`git archive`), so a shallow checkout works once the
base revision is fetched (`git fetch --depth=1 origin BASE`).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from kb.buildinfo import git_env


class RevisionError(Exception):
    """The revision cannot be read: not a git checkout, an unknown revision, git missing."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              timeout=120, check=False, env=git_env())
    except FileNotFoundError:
        raise RevisionError("git is not installed (kb diff reads revisions with git)") from None
    except subprocess.TimeoutExpired:
        raise RevisionError(f"git {args[0]} took over two minutes") from None


def _prefix(root: Path) -> str:
    """Where `root` sits inside its git checkout (`''` at the top, else `sub/dir/`)."""
    done = _git(root, "rev-parse", "--show-prefix")
    if done.returncode != 0:
        raise RevisionError(f"{root} is not in a git checkout: kb diff compares git revisions")
    return done.stdout.decode().strip()


def resolve(root: Path, revision: str) -> str:
    """The commit id `revision` names in the checkout holding `root`."""
    _prefix(root)
    if revision.startswith("-"):
        raise RevisionError(f"`{revision}` is not a revision")
    done = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                f"{revision}^{{commit}}")
    if done.returncode == 0:
        return done.stdout.decode().strip()
    shallow = _git(root, "rev-parse", "--is-shallow-repository").stdout.decode().strip()
    hint = (f"; this checkout is shallow: fetch it first (git fetch --depth=1 origin {revision})"
            if shallow == "true" else "")
    raise RevisionError(f"unknown revision `{revision}`{hint}")


def export_revision(root: Path, commit: str, dest: Path) -> Path:
    """Write the files of `commit` under `root`'s place in the checkout into `dest`; the folder
    that then holds its mkdocs.yml (RevisionError when that revision has none)."""
    prefix = _prefix(root)
    # from a subfolder, git archive would also narrow the tree to that subfolder
    top = Path(_git(root, "rev-parse", "--show-toplevel").stdout.decode().strip())
    done = _git(top, "archive", "--format=tar", f"{commit}:{prefix}" if prefix else commit)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise RevisionError(f"cannot read revision {commit[:12]}: "
                            f"{message[-1] if message else 'git archive failed'}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(dest, filter="data")  # nothing lands outside `dest`
    if not (dest / "mkdocs.yml").is_file():
        raise RevisionError(f"revision {commit[:12]} has no mkdocs.yml at {prefix or 'the top'}")
    return dest


def checkout_is_dirty(root: Path, paths: tuple[str, ...]) -> bool:
    """Whether `paths` under `root` differ from HEAD (changed, staged or untracked files)."""
    done = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *paths)
    return done.returncode == 0 and bool(done.stdout.strip())
