"""Agent exports: pure functions KnowledgeBase -> file contents, and one atomic writer.

`build_exports(kb, build)` returns {file name: bytes} for kb-bundle.json, kb-bundle.schema.json,
kb-chunks.jsonl, llms.txt and llms-full.txt. Nothing here writes files except `write.py`.
Every export is derived from the bundle, which alone decides what agents may see.
"""

from __future__ import annotations

from importlib import resources

from kb.buildinfo import BuildInfo
from kb.export.bundle import build_bundle, bundle_json
from kb.export.chunks import chunks_jsonl
from kb.export.llms_txt import llms_full_txt, llms_txt
from kb.export.write import write_files_atomically
from kb.model import KnowledgeBase

__all__ = ["EXPORT_FILES", "build_bundle", "build_exports", "bundle_schema",
           "write_files_atomically"]

#: the files `build_exports` returns, in the site's root folder
EXPORT_FILES = ("kb-bundle.json", "kb-bundle.schema.json", "kb-chunks.jsonl", "llms.txt",
                "llms-full.txt")


def bundle_schema() -> bytes:
    """The JSON Schema (2020-12) of kb-bundle.json, as shipped in the package."""
    return resources.files("kb").joinpath("schemas", "bundle.schema.json").read_bytes()


def build_exports(kb: KnowledgeBase, build: BuildInfo) -> dict[str, bytes]:
    """Every agent export of `kb` by file name; equal inputs give byte-identical files."""
    bundle = build_bundle(kb, build)
    return {
        "kb-bundle.json": bundle_json(bundle),
        "kb-bundle.schema.json": bundle_schema(),
        "kb-chunks.jsonl": chunks_jsonl(bundle),
        "llms.txt": llms_txt(bundle, build.site, kb.config.use_directory_urls).encode("utf-8"),
        "llms-full.txt": llms_full_txt(bundle, build.site).encode("utf-8"),
    }
