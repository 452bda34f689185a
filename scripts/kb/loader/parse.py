"""One content file's text turned into what it adds to a knowledge base, as a pure function.

`parse_text(rel, text)` depends on nothing but its arguments (no config, no other file), which
is what lets the loader parse files in worker processes and keep the results in a cache keyed
by the file's bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.diagnostics import Diagnostic
from kb.loader import to_model
from kb.loader.files import split_front_matter
from kb.loader.limits import markdown_nesting
from kb.loader.markdown_body import parse_body
from kb.loader.yaml_strict import parse_yaml
from kb.model import Article, CaseSet, PolicySet, Pos, SectionPage, Tree, YamlDoc

CASES_SUFFIX = ".cases.yaml"
#: the name of the safety policies file in the trees folder
POLICIES_NAME = "policies.yaml"

Item = Article | Tree | CaseSet | SectionPage | PolicySet


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one readable content file adds to a load, in the order the loader adds it."""

    #: KB0xx problems (front matter, YAML), in the order they were found
    problems: tuple[Diagnostic, ...] = ()
    #: plain yes/no/on/off scalars kept as strings
    ambiguous: tuple[tuple[Pos, str], ...] = ()
    #: the article, tree, case set, section page or policies; None when it could not be parsed
    item: Item | None = None


def parse_text(rel: str, text: str) -> FileResult:
    """Parse the text of the content file at repo-relative path `rel`; never raises on bad
    content."""
    problems: list[Diagnostic] = []
    ambiguous: tuple[tuple[Pos, str], ...] = ()
    item: Item | None = None
    name = rel.rsplit("/", 1)[-1]
    if rel.endswith(".md"):
        if name == "index.md" and not text.startswith("---"):
            item = SectionPage(rel, _first_heading(text), parse_body(text, 1))
            return FileResult(_nesting(rel, text, 1), item=item)
        fm, found = split_front_matter(text, rel)
        problems.extend(found)
        if fm is not None:
            doc, ambiguous = _parse(problems, rel, fm.yaml, fm.line_offset)
            problems.extend(_nesting(rel, fm.body, fm.body_line))
            if doc is not None:
                body = parse_body(fm.body, fm.body_line)
                if name == "index.md":
                    title = doc.value.get("title") if isinstance(doc.value, dict) else None
                    item = SectionPage(rel, title if isinstance(title, str)
                                       else _first_heading(fm.body), body)
                else:
                    item = to_model.article(rel, doc, body)
    else:
        doc, ambiguous = _parse(problems, rel, text, 0)
        if doc is not None:
            if rel.endswith(CASES_SUFFIX):
                item = to_model.case_set(rel, doc)
            elif name == POLICIES_NAME:
                item = to_model.policy_set(rel, doc)
            else:
                item = to_model.tree(rel, doc)
    return FileResult(tuple(problems), ambiguous, item)


def _parse(problems: list[Diagnostic], rel: str, text: str,
           line_offset: int) -> tuple[YamlDoc | None, tuple[tuple[Pos, str], ...]]:
    parsed = parse_yaml(text, line_offset)
    for p in parsed.problems:
        problems.append(Diagnostic(rel, p.pos.line, p.pos.col, p.code, p.message, hint=p.hint))
    if parsed.doc is None:
        if not parsed.problems:
            problems.append(Diagnostic(rel, 1 + line_offset, 1, "KB002",
                                       "the YAML document is empty", hint="add the metadata keys"))
        return None, parsed.ambiguous
    if not isinstance(parsed.doc.value, dict):
        pos = parsed.doc.pos()
        kind = type(parsed.doc.value).__name__ if parsed.doc.value is not None else "empty"
        problems.append(Diagnostic(rel, pos.line, pos.col, "KB009",
                                   f"expected a mapping of keys to values, found {kind}",
                                   hint="write `key: value` lines"))
        return None, parsed.ambiguous
    return parsed.doc, parsed.ambiguous


def _nesting(rel: str, body: str, body_line: int) -> tuple[Diagnostic, ...]:
    found = markdown_nesting(rel, body, body_line)
    return () if found is None else (found,)


def _first_heading(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""
