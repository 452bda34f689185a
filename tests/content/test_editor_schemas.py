"""The editor schemas in schemas/ are the generated ones, every shipped content file validates
against them, and .vscode/settings.json maps each YAML content file to exactly one of them."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kb.commands.schemas import VOCABULARIES, editor_schema, editor_schemas
from kb.lint.rules.metadata import is_valid
from kb.loader import load, load_config
from kbtest import REPO, run_cli

SETTINGS = REPO / ".vscode" / "settings.json"


@pytest.fixture(scope="module")
def shipped() -> Any:
    return load(load_config(REPO))


def test_committed_schemas_are_the_generated_ones() -> None:
    for name in VOCABULARIES:  # the linter's compiled check must leave its schema as written
        is_valid(name)({})
    generated = editor_schemas(load_config(REPO))
    committed = {p.name: p.read_bytes() for p in (REPO / "schemas").glob("*.json")}
    assert committed == generated, "run `kb schemas --out schemas` and commit the result"


def test_the_command_writes_them(tmp_path: Path) -> None:
    code, out = run_cli(REPO, "schemas", "--out", str(tmp_path / "out"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        editor_schemas(load_config(REPO)))
    assert "wrote " in out


def test_every_shipped_content_file_validates(shipped: Any) -> None:
    config = shipped.kb.config
    documents = [*(("article", a.path, a.source.value) for a in shipped.kb.all_articles()),
                 *(("tree", t.path, t.source.value) for t in shipped.kb.all_trees()),
                 *(("cases", s.path, s.source.value) for s in shipped.kb.case_sets)]
    if shipped.kb.policy_set is not None:
        documents.append(("policies", shipped.kb.policy_set.path,
                          shipped.kb.policy_set.source.value))
    assert {kind for kind, _, _ in documents} == {"article", "tree", "cases", "policies"}
    failures = [f"{path}: {error.message}" for kind, path, value in documents
                for error in Draft202012Validator(editor_schema(kind, config)).iter_errors(value)]
    assert failures == []


def test_vocabularies_are_offered_and_a_term_outside_them_is_refused() -> None:
    config = load_config(REPO)
    tree = Draft202012Validator(editor_schema("tree", config))
    assert tree.schema["properties"]["owner"]["enum"] == list(config.teams)
    assert tree.schema["$defs"]["outcome"]["properties"]["queue"]["enum"] == list(config.queues)
    errors = list(Draft202012Validator(editor_schema("article", config)).iter_errors(
        {"markets": ["XX"]}))
    assert any("'XX' is not one of" in e.message for e in errors)


def _matches(pattern: str, rel: str) -> bool:
    return fnmatch.fnmatchcase(rel, pattern) and "/" not in rel[len(pattern.split("*")[0]):]


def schemas_for(rel: str, mapping: dict[str, list[str]]) -> list[str]:
    """The schemas yaml-language-server applies to `rel`: a pattern matches, no `!` one does."""
    return [schema for schema, patterns in mapping.items()
            if any(_matches(p, rel) for p in patterns if not p.startswith("!"))
            and not any(_matches(p[1:], rel) for p in patterns if p.startswith("!"))]


def test_vscode_maps_each_yaml_content_file_to_its_one_schema(shipped: Any) -> None:
    mapping: dict[str, list[str]] = json.loads(SETTINGS.read_text())["yaml.schemas"]
    for schema in mapping:
        assert (REPO / schema).is_file()
    expected = {**{t.path: "./schemas/tree.schema.json" for t in shipped.kb.all_trees()},
                **{s.path: "./schemas/cases.schema.json" for s in shipped.kb.case_sets}}
    if shipped.kb.policy_set is not None:
        expected[shipped.kb.policy_set.path] = "./schemas/policies.schema.json"
    assert {rel: schemas_for(rel, mapping) for rel in expected} == {
        rel: [schema] for rel, schema in expected.items()}
