"""Walk a decision tree from kb-bundle.json, using nothing but the bundle and the standard library.

Usage: python walk_bundle.py kb-bundle.json <tree-id> fact=value ...
(values are read as JSON where they parse: true, 72, 1.5; anything else is a string)
"""

from __future__ import annotations

import json
import sys
from typing import Any

COMPARE = {
    "lt": lambda value, bound: value < bound,
    "lte": lambda value, bound: value <= bound,
    "gt": lambda value, bound: value > bound,
    "gte": lambda value, bound: value >= bound,
}


class Stuck(Exception):
    """The walk cannot go on: a fact is missing, or no branch holds and there is no default."""


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def equals(when: Any, value: Any) -> bool:
    if isinstance(when, bool) or isinstance(value, bool):  # true never equals 1
        return isinstance(when, bool) and isinstance(value, bool) and when == value
    if is_number(when) and is_number(value):
        return bool(when == value)
    return type(when) is type(value) and when == value


def holds(when: Any, value: Any) -> bool:
    """Whether a branch's `when` holds for the fact's value."""
    if isinstance(when, list):  # any of the values
        return any(equals(w, value) for w in when)
    if isinstance(when, dict):  # every comparison; numbers only
        return bool(when) and is_number(value) and all(
            op in COMPARE and is_number(bound) and COMPARE[op](value, bound)
            for op, bound in when.items()
        )
    return equals(when, value)


def walk(tree: dict[str, Any], facts: dict[str, Any]) -> tuple[str, dict[str, Any], list[str]]:
    """(outcome node id, outcome, node ids visited) of a walk from the tree's start node."""
    node_id, path = tree["start"], list[str]()
    while "outcome" not in tree["nodes"][node_id]:
        if node_id in path:
            raise Stuck(f"cycle at {node_id}")
        node = tree["nodes"][node_id]
        path.append(node_id)
        if node["ask"] not in facts:
            raise Stuck(f"{node_id} needs the fact {node['ask']!r}")
        value = facts[node["ask"]]
        nexts = [b["next"] for b in node["branches"] if holds(b["when"], value)]
        if not nexts and "default" not in node:
            raise Stuck(f"no branch of {node_id} holds for {node['ask']}={value!r}")
        node_id = nexts[0] if nexts else node["default"]  # first that holds, else default
    return node_id, tree["nodes"][node_id]["outcome"], [*path, node_id]


def load_trees(bundle_path: str) -> dict[str, dict[str, Any]]:
    with open(bundle_path, encoding="utf-8") as handle:
        bundle = json.load(handle)
    assert bundle["format"] == "kb-bundle" and bundle["version"] == 1
    return {tree["id"]: tree for tree in bundle["trees"]}


def parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def main(argv: list[str]) -> int:
    bundle_path, tree_id, *pairs = argv
    facts = {name: parse_value(raw) for name, _, raw in (p.partition("=") for p in pairs)}
    try:
        _, outcome, path = walk(load_trees(bundle_path)[tree_id], facts)
    except Stuck as stuck:
        print(f"stuck: {stuck}")
        return 1
    print(" -> ".join(path))
    print(f"{outcome['title']} ({outcome['resolution']}, handled by {outcome['handled_by']})")
    if outcome.get("queue"):
        print(f"queue {outcome['queue']}, within {outcome['sla_hours']} hours")
    if outcome["article"]:
        print(f"article: {outcome['article']['url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
