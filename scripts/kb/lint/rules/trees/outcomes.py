"""KB310, KB314: escalation routing on outcomes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kb.diagnostics import Finding, Severity
from kb.lint.registry import rule
from kb.lint.rules.trees.values import mapping_of, raw_nodes
from kb.lint.runner import LintContext
from kb.model import Tree


def _raw_outcomes(tree: Tree) -> Iterator[tuple[str, Mapping[object, object]]]:
    for node_id, raw in raw_nodes(tree).items():
        outcome = mapping_of(raw).get("outcome")
        if isinstance(node_id, str) and isinstance(outcome, dict):
            yield node_id, outcome


@rule("KB310", "escalation-routing", scope="tree", local=True)
def escalation_routing(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """An escalation outcome without a `queue` or an `sla_hours`.

    What it checks:
        Every outcome with `resolution: escalate` names the `queue` it goes to and the
        `sla_hours` within which a specialist must act.
    Why it matters:
        Escalation is a hand-off: without a queue the case lands nowhere, and without an SLA
        nobody can tell the customer when to expect an answer or measure whether it came.
    Bad:
        ```yaml
        outcome:
          title: Raise a dispute
          resolution: escalate
          handled_by: specialist
          article: upi-failed-debit#raising-a-dispute
        ```
    Good:
        ```yaml
        outcome:
          title: Raise a dispute
          resolution: escalate
          handled_by: specialist
          article: upi-failed-debit#raising-a-dispute
          queue: payments-in-l2
          sla_hours: 24
        ```
    """
    for node_id, outcome in _raw_outcomes(tree):
        if outcome.get("resolution") != "escalate":
            continue
        missing = [k for k in ("queue", "sla_hours") if k not in outcome]
        if missing:
            names = " and ".join(f"`{k}`" for k in missing)
            advice = {"queue": "`queue:` (one of: " + ", ".join(ctx.kb.config.queues) + ")",
                      "sla_hours": "`sla_hours:` (the hours a specialist has to act)"}
            yield Finding.at(tree.path, tree.source.pos("nodes", node_id, "outcome", "resolution"),
                             f"escalation outcome `{node_id}` has no {names}",
                             "add " + " and ".join(advice[k] for k in missing))


@rule("KB314", "routing-without-escalation", scope="tree", severity=Severity.WARNING,
      local=True)
def routing_without_escalation(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A `queue` or `sla_hours` on an outcome that does not escalate.

    What it checks:
        Only outcomes with `resolution: escalate` carry `queue` and `sla_hours`.
    Why it matters:
        Routing on an `inform` or `resolve` outcome is never used; it usually means the
        resolution is wrong (the case should escalate) or the routing was copied by mistake.
    Bad:
        ```yaml
        outcome:
          title: Wait for the reversal
          resolution: inform
          handled_by: ai
          article: upi-failed-debit#reversal-timelines
          queue: payments-in-l2
        ```
    Good:
        ```yaml
        outcome:
          title: Wait for the reversal
          resolution: inform
          handled_by: ai
          article: upi-failed-debit#reversal-timelines
        ```
    """
    for node_id, outcome in _raw_outcomes(tree):
        resolution = outcome.get("resolution")
        if resolution == "escalate" or not isinstance(resolution, str):
            continue
        for key in ("queue", "sla_hours"):
            if key in outcome:
                yield Finding.at(tree.path, tree.source.key_pos("nodes", node_id, "outcome", key),
                                 f"`{key}` on outcome `{node_id}`, which does not escalate "
                                 f"(resolution: {resolution})",
                                 f"remove `{key}`, or set `resolution: escalate` if the case "
                                 "goes to a specialist queue")

