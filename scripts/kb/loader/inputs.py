"""Confined inputs: what may sit under docs/ and the trees folder, checked before anything is
read or published.

MkDocs copies every file under docs/ into the site and follows symbolic links, so a link to
`/proc/self/environ` or a folder outside the repository would publish it, and an `.html`, `.js`
or `.markdown` file would be published without kb ever reading it. Here a symbolic link is an
error (KB011) unless `allow_symlinks` names it and it resolves inside the repository, and a file
under docs/ is an error (KB012) unless it is an article (`.md`), an image of an allowed raster
type, or a quality file the config names.
"""

from __future__ import annotations

import os
from pathlib import Path

from kb.config import KbConfig
from kb.diagnostics import Diagnostic

#: raster images: they cannot carry script. SVG is refused: it is a document that can hold
#: script, event handlers, foreign objects and external references, and a screenshot or chart
#: is as clear as a PNG.
ASSET_SUFFIXES = frozenset((".png", ".jpg", ".jpeg", ".webp", ".gif"))
CONTENT_SUFFIX = {"docs": ".md", "trees": ".yaml"}


def confinement_problems(config: KbConfig) -> list[Diagnostic]:
    """KB011 for each symbolic link and KB012 for each file that is not content or an allowed
    asset, under the docs and trees folders, sorted by path."""
    root = config.root
    quality = {config.quality_cases, config.quality_predictions} - {""}
    problems: list[Diagnostic] = []
    for top, kind in ((config.docs_dir, "docs"), (config.trees_dir, "trees")):
        for folder, folders, files in os.walk(root / top):
            for name in (*folders, *files):
                full = Path(folder) / name
                rel = full.relative_to(root).as_posix()
                if full.is_symlink():
                    problem = _symlink_problem(config, full, rel)
                elif name in files:
                    problem = _file_problem(rel, kind, quality)
                else:
                    continue
                if problem is not None:
                    problems.append(problem)
    return sorted(problems, key=lambda p: p.path)


def is_allowed_symlink(config: KbConfig, full: Path, rel: str) -> bool:
    """Whether the link at `full` is allowlisted and resolves inside the repository."""
    if rel not in config.allow_symlinks:
        return False
    target = full.resolve()
    return target.is_relative_to(config.root.resolve()) and target.exists()


def _symlink_problem(config: KbConfig, full: Path, rel: str) -> Diagnostic | None:
    if is_allowed_symlink(config, full, rel):
        return None
    why = ("it is not listed in `allow_symlinks`" if rel not in config.allow_symlinks
           else "it does not resolve to a file inside the repository")
    return Diagnostic(rel, 1, 1, "KB011", f"symbolic link is not allowed: {why}",
                      hint="replace the link with the file itself; a link that stays inside "
                           "the repository may be listed in the kb option `allow_symlinks`")


def _file_problem(rel: str, kind: str, quality: set[str]) -> Diagnostic | None:
    suffix = os.path.splitext(rel)[1].lower()
    if suffix == CONTENT_SUFFIX[kind] or rel in quality:
        return None
    if kind == "docs" and suffix in ASSET_SUFFIXES:
        return None
    allowed = ("`.md` articles and images (" + ", ".join(sorted(ASSET_SUFFIXES)) + ")"
               if kind == "docs" else "`.yaml` trees and case files")
    hint = {".markdown": "rename it to `.md` so kb checks it",
            ".svg": "export the image as PNG or WebP: SVG can carry script"}.get(
        suffix, f"only {allowed} may be here; move the file out of this folder")
    return Diagnostic(rel, 1, 1, "KB012", f"a `{suffix or rel.rsplit('/', 1)[-1]}` file is not "
                      "content or an allowed asset (kb does not check it, MkDocs would "
                      "publish it as it is)", hint=hint)
