"""KB301-KB304, KB311: a tree's shape (start, references, reachability, cycles, node kinds)."""

from __future__ import annotations

from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.graph import DEFAULT, Edge, cycles, out_edges, reachable
from kb.lint.registry import rule
from kb.lint.rules.trees.values import did_you_mean, raw_nodes, show
from kb.lint.runner import LintContext
from kb.model import Tree


def _label(tree: Tree, edge: Edge) -> str:
    """How an edge reads in a message: a branch `when: ...` or the `default`."""
    if edge.branch == DEFAULT:
        return "`default`"
    return f"branch `when: {show(tree.nodes[edge.source].branches[edge.branch].when)}`"


@rule("KB301", "start-missing", scope="tree", local=True)
def start_missing(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """The tree's `start` names no node of the tree.

    What it checks:
        `start` is the id of a node in the tree's `nodes`.
    Why it matters:
        Every walk (the site's walker, `kb walk`, every AI agent) begins at `start`; if it names
        nothing, no case can be resolved with the tree at all.
    Bad:
        ```yaml
        start: debitted
        nodes:
          debited: {ask: debited, branches: [...]}
        ```
    Good:
        ```yaml
        start: debited
        nodes:
          debited: {ask: debited, branches: [...]}
        ```
    """
    if tree.start and tree.start not in tree.nodes:
        yield Finding.at(tree.path, tree.source.pos("start"),
                         f"start node `{tree.start}` is not a node of this tree"
                         + did_you_mean(tree.start, tree.nodes),
                         "set `start` to the id of the first question node")


@rule("KB302", "unknown-node", scope="tree", local=True)
def unknown_node(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A branch's `next` or a `default` names no node of the tree.

    What it checks:
        Every `next` of every branch and every `default` is the id of a node in the same tree.
    Why it matters:
        A walk that takes that branch has nowhere to go: the customer's case is stuck halfway,
        and an agent following the bundle fails at run time instead of at review time.
    Bad:
        ```yaml
        branches:
          - {when: true, next: confrim-with-payee}
        ```
    Good:
        ```yaml
        branches:
          - {when: true, next: confirm-with-payee}
        ```
    """
    for node in tree.nodes.values():
        for edge in out_edges(tree, node):
            if edge.target not in tree.nodes:
                yield Finding.at(tree.path, edge.pos,
                                 f"{_label(tree, edge)} of node `{node.id}` leads to "
                                 f"`{edge.target}`, which is not a node of this tree"
                                 + did_you_mean(edge.target, tree.nodes),
                                 "name an existing node, or add the missing node")


@rule("KB303", "unreachable-node", scope="tree", local=True)
def unreachable_node(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A node that no walk from `start` can reach.

    What it checks:
        Every node can be reached from `start` by following branches and defaults.
    Why it matters:
        An unreachable node is dead content: its outcome is never given and its question never
        asked, yet it looks live to reviewers. Usually a `next` was renamed and this node left
        behind.
    Bad:
        ```yaml
        start: debited
        nodes:
          debited: {ask: debited, branches: [{when: true, next: done}], default: done}
          done: {outcome: {...}}
          old-done: {outcome: {...}}   # nothing leads here
        ```
    Good:
        ```yaml
        start: debited
        nodes:
          debited: {ask: debited, branches: [{when: true, next: done}], default: done}
          done: {outcome: {...}}
        ```
    """
    if tree.start not in tree.nodes:
        return  # KB301 reports the start; everything would look unreachable
    seen = reachable(tree)
    for node in tree.nodes.values():
        if node.id not in seen:
            yield Finding.at(tree.path, node.pos,
                             f"node `{node.id}` cannot be reached from start `{tree.start}`",
                             "lead a branch or default to it, or delete it")


@rule("KB304", "cycle", scope="tree", local=True)
def cycle(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """Nodes that lead back to themselves.

    What it checks:
        Following branches and defaults never returns to a node already visited. Each cycle is
        reported once, at the `next` or `default` that closes it, with the whole loop named.
    Why it matters:
        A walk around a cycle never reaches an outcome: the agent asks the same questions
        forever, or gives up and the case is lost.
    Bad:
        ```yaml
        status: {ask: app_status, branches: [{when: pending, next: age}], default: done}
        age: {ask: hours, branches: [{when: {lt: 48}, next: status}], default: done}
        ```
    Good:
        ```yaml
        status: {ask: app_status, branches: [{when: pending, next: age}], default: done}
        age: {ask: hours, branches: [{when: {lt: 48}, next: wait}], default: done}
        ```
    """
    for loop, edge in cycles(tree):
        yield Finding.at(tree.path, edge.pos,
                         f"{_label(tree, edge)} of node `{edge.source}` closes a cycle: "
                         + " -> ".join(loop),
                         "lead this branch to a node further down, so every walk ends in an "
                         "outcome")


@rule("KB311", "node-kind", scope="tree", local=True)
def node_kind(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A node is neither a complete question nor an outcome, or mixes both.

    What it checks:
        Every node is either a question (`ask` with a non-empty `branches` list, optionally a
        `default`) or an outcome (`outcome` only).
    Why it matters:
        Consumers decide what to do at a node by its kind: a node with both an `outcome` and
        branches is read differently by different agents, and a question without branches is a
        dead end.
    Bad:
        ```yaml
        age:
          ask: hours_since_payment
          outcome: {title: Wait, resolution: inform, handled_by: ai, article: upi-failed-debit}
        ```
    Good:
        ```yaml
        age:
          ask: hours_since_payment
          branches:
            - {when: {lt: 48}, next: wait}
          default: raise-dispute
        ```
    """
    for node_id, raw in raw_nodes(tree).items():
        if not isinstance(node_id, str):
            continue
        pos = tree.source.key_pos("nodes", node_id)
        keys = set(raw) if isinstance(raw, dict) else set()
        question = keys & {"ask", "branches", "default"}
        branches = raw.get("branches") if isinstance(raw, dict) else None
        if "outcome" in keys and question:
            yield Finding.at(tree.path, pos,
                             f"node `{node_id}` is both an outcome and a question (it has "
                             + ", ".join(f"`{k}`" for k in sorted(question)) + ")",
                             "split it: keep the outcome here and move the question to its own "
                             "node, or drop `outcome`")
        elif "outcome" in keys:
            continue
        elif not question:
            yield Finding.at(tree.path, pos,
                             f"node `{node_id}` is neither a question nor an outcome",
                             "give it `ask` and `branches`, or an `outcome`")
        elif "ask" not in keys:
            yield Finding.at(tree.path, pos, f"question node `{node_id}` has no `ask`",
                             "name the fact the node asks with `ask:`")
        elif not branches:
            yield Finding.at(tree.path, pos, f"question node `{node_id}` has no branches",
                             "add `branches:` with at least one `{when: ..., next: ...}`")


