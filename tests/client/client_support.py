"""Shared by the client and MCP server tests: the shipped KB's client and its labeled cases."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from kb.client import Client
from kb.loader import load
from kb.loader.config_file import load_config
from kb.model import Case, KnowledgeBase, Tree
from kbtest import REPO


@cache
def shipped_kb() -> KnowledgeBase:
    return load(load_config(REPO)).kb


@cache
def shipped_client() -> Client:
    return Client.from_repo(REPO)


def labeled_cases() -> Iterator[tuple[Tree, Case]]:
    kb = shipped_kb()
    for case_set in kb.case_sets:
        tree = kb.trees[case_set.tree]
        for case in case_set.cases:
            yield tree, case
