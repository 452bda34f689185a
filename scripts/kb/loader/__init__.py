"""The only code that reads content files: `load` turns a repository into a KnowledgeBase."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kb.config import KbConfig
from kb.lint.problem import Diagnostic
from kb.loader import build
from kb.loader.config_file import load_config
from kb.loader.files import read_text, split_front_matter
from kb.loader.markdown_body import parse_body
from kb.loader.yaml_strict import parse_yaml
from kb.model import KnowledgeBase, Pos, SectionPage, SourceFile, YamlDoc

__all__ = ["LoadResult", "load", "load_config"]

CASES_SUFFIX = ".cases.yaml"


@dataclass(slots=True)
class LoadResult:
    kb: KnowledgeBase
    #: KB0xx problems: files that could not be read at all
    problems: list[Diagnostic] = field(default_factory=list)
    #: plain yes/no/on/off scalars kept as strings, per file
    ambiguous: dict[str, tuple[tuple[Pos, str], ...]] = field(default_factory=dict)


def content_paths(config: KbConfig) -> list[Path]:
    """Every content file, sorted: articles under docs/, trees and cases under the trees folder."""
    root = config.root
    docs = sorted((root / config.docs_dir).rglob("*.md"))
    trees = sorted((root / config.trees_dir).glob("*.yaml"))
    return [*docs, *trees]


def load(config: KbConfig) -> LoadResult:
    """Read and parse every content file once; never raises on bad content."""
    kb = KnowledgeBase(config=config)
    result = LoadResult(kb)
    for path in content_paths(config):
        _load_file(result, path)
    _index(kb)
    return result


def _load_file(result: LoadResult, path: Path) -> None:
    kb = result.kb
    config = kb.config
    rel = path.relative_to(config.root).as_posix()
    text, problems = read_text(path, rel, config.max_file_bytes)
    result.problems.extend(problems)
    if text is None:
        return
    kb.files[rel] = SourceFile(rel, text)
    if rel.endswith(".md"):
        if path.name == "index.md" and not text.startswith("---"):
            kb.section_pages.append(SectionPage(rel, _first_heading(text), parse_body(text, 1)))
            return
        fm, problems = split_front_matter(text, rel)
        result.problems.extend(problems)
        if fm is None:
            return
        doc = _parse(result, rel, fm.yaml, fm.line_offset)
        if doc is None:
            return
        body = parse_body(fm.body, fm.body_line)
        if path.name == "index.md":
            title = doc.value.get("title") if isinstance(doc.value, dict) else None
            kb.section_pages.append(SectionPage(
                rel, title if isinstance(title, str) else _first_heading(fm.body), body))
            return
        kb.articles_by_path[rel] = build.article(rel, doc, body)
        return
    doc = _parse(result, rel, text, 0)
    if doc is None:
        return
    if rel.endswith(CASES_SUFFIX):
        kb.case_sets.append(build.case_set(rel, doc))
    else:
        kb.trees_by_path[rel] = build.tree(rel, doc)


def _parse(result: LoadResult, rel: str, text: str, line_offset: int) -> YamlDoc | None:
    parsed = parse_yaml(text, line_offset)
    if parsed.ambiguous:
        result.ambiguous[rel] = parsed.ambiguous
    for p in parsed.problems:
        result.problems.append(Diagnostic(rel, p.pos.line, p.pos.col, p.code, p.message,
                                          hint=p.hint))
    if parsed.doc is None:
        if not parsed.problems:
            result.problems.append(Diagnostic(rel, 1 + line_offset, 1, "KB002",
                                              "the YAML document is empty",
                                              hint="add the metadata keys"))
        return None
    if not isinstance(parsed.doc.value, dict):
        pos = parsed.doc.pos()
        kind = type(parsed.doc.value).__name__ if parsed.doc.value is not None else "empty"
        result.problems.append(Diagnostic(rel, pos.line, pos.col, "KB009",
                                          f"expected a mapping of keys to values, found {kind}",
                                          hint="write `key: value` lines"))
        return None
    return parsed.doc


def _first_heading(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def _index(kb: KnowledgeBase) -> None:
    """Index by id; the first of duplicate ids wins here and the linter reports the rest."""
    for article in kb.articles_by_path.values():
        kb.articles.setdefault(article.id, article)
    for tree in kb.trees_by_path.values():
        kb.trees.setdefault(tree.id, tree)
