"""KB703: a safety policy that no outcome could satisfy, or that names an unknown queue."""

from __future__ import annotations

from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.rules.trees.values import did_you_mean
from kb.lint.runner import LintContext


@rule("KB703", "policy-definition", scope="kb", local=True)
def policy_definition(ctx: LintContext) -> Iterator[Finding]:
    """A safety policy names an unknown queue, or asks for what no outcome can be.

    What it checks:
        Every queue a policy allows is a queue of the configuration (`mkdocs.yml`); a policy that
        allows queues or sets `max_sla_hours` allows the `escalate` resolution (only escalations
        carry a queue and an SLA).
    Why it matters:
        A policy no outcome can satisfy fails every tree that raises its signal, which teaches
        authors to ignore the proof; a misspelt queue does the same and points nowhere.
    Bad:
        ```yaml
        policies:
          fraud-loss:
            title: Money lost to fraud
            why: A fraud loss needs the fraud team within hours.
            resolutions: [inform]
            queues: [fraud-responce]
        ```
    Good:
        ```yaml
        policies:
          fraud-loss:
            title: Money lost to fraud
            why: A fraud loss needs the fraud team within hours.
            resolutions: [escalate]
            queues: [fraud-response]
        ```
    """
    policy_set = ctx.kb.policy_set
    if policy_set is None:
        return
    queues = ctx.kb.config.queues
    doc = policy_set.source
    for policy in policy_set.policies.values():
        for i, queue in enumerate(policy.queues):
            if queue not in queues:
                yield Finding.at(policy_set.path, doc.pos("policies", policy.id, "queues", i),
                                 f"policy `{policy.id}` allows queue `{queue}`, which is not a "
                                 "configured queue" + did_you_mean(queue, queues),
                                 "use one of: " + ", ".join(queues))
        routed = [key for key, given in (("queues", bool(policy.queues)),
                                         ("max_sla_hours", policy.max_sla_hours is not None))
                  if given]
        if routed and policy.resolutions and "escalate" not in policy.resolutions:
            names = " and ".join(f"`{k}`" for k in routed)
            yield Finding.at(policy_set.path, doc.key_pos("policies", policy.id, "resolutions"),
                             f"policy `{policy.id}` requires {names} but does not allow the "
                             "`escalate` resolution: no outcome can satisfy it",
                             f"add `escalate` to `resolutions`, or remove {names}")
