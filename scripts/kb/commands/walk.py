"""`kb walk`: walk a tree in the terminal, interactively or from --facts."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from kb.commands._shared import EXIT_CONTENT, EXIT_OK, UsageError, load_kb
from kb.model import KnowledgeBase, Tree
from kb.walk import parse_answer, walk
from kb.when import format_value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("walk", help="walk a tree in the terminal")
    p.add_argument("tree", help="tree id")
    p.add_argument("--facts", nargs="*", metavar="NAME=VALUE",
                   help="answer non-interactively and print the path")
    p.set_defaults(run=cmd_walk)


def cmd_walk(args: argparse.Namespace, out: TextIO) -> int:
    kb = load_kb(args).kb
    tree = kb.trees.get(args.tree)
    if tree is None:
        raise UsageError(f"no tree `{args.tree}`; trees: {', '.join(sorted(kb.trees))}")
    facts: dict[str, object] = {}
    for pair in args.facts or []:
        name, sep, raw = pair.partition("=")
        if not sep:
            raise UsageError(f"--facts takes name=value pairs, not `{pair}`")
        try:
            facts[name] = parse_answer(tree, name, raw)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    print(f"{tree.meta.title} ({tree.id})", file=out)
    interactive = args.facts is None
    while True:
        w = walk(tree, facts)
        if w.outcome or not w.missing or not interactive:
            break
        facts[w.missing] = _ask(tree, w.missing, out)
    for n, step in enumerate(w.steps, 1):
        question = tree.facts[step.fact].question if step.fact in tree.facts else step.fact
        print(f"{n}. {question} -> {format_value(step.value)}  [{step.node}]", file=out)
    if not w.outcome:
        print(f"stopped: {w.stuck}", file=out)
        if w.missing:
            print(f"  give it with --facts {w.missing}=VALUE", file=out)
        return EXIT_CONTENT
    _print_outcome(kb, tree, w.outcome, out)
    return EXIT_OK


def _ask(tree: Tree, fact_id: str, out: TextIO) -> object:
    fact = tree.facts[fact_id]
    if fact.type == "choice":
        choices = "  ".join(f"{i}) {fact.label(o)}" + (f" ({o})" if o in fact.labels else "")
                            for i, o in enumerate(fact.options, 1))
        prompt = f"{fact.question}\n  {choices}\n> "
    elif fact.type == "boolean":
        prompt = f"{fact.question} [true/false]\n> "
    else:
        bounds = []
        if fact.min is not None:
            bounds.append(f">= {format_value(fact.min)}")
        if fact.max is not None:
            bounds.append(f"<= {format_value(fact.max)}")
        unit = f" {fact.unit}" if fact.unit else ""
        prompt = f"{fact.question} (number{unit}{', ' if bounds else ''}{' '.join(bounds)})\n> "
    while True:
        print(prompt, end="", file=out, flush=True)
        line = sys.stdin.readline()
        if not line:
            raise UsageError("input ended before the walk reached an outcome")
        try:
            return parse_answer(tree, fact_id, line)
        except ValueError as exc:
            print(f"  {exc}", file=out)


def _print_outcome(kb: KnowledgeBase, tree: Tree, node_id: str, out: TextIO) -> None:
    outcome = tree.nodes[node_id].outcome
    assert outcome is not None
    print(f"\nOutcome: {outcome.title}  [{node_id}]", file=out)
    print(f"  resolution: {outcome.resolution}, handled by: {outcome.handled_by}", file=out)
    if outcome.queue:
        print(f"  queue: {outcome.queue}, SLA: {format_value(outcome.sla_hours)} hours", file=out)
    article = kb.articles.get(outcome.article)
    where = f"{outcome.article}#{outcome.anchor}" if outcome.anchor else outcome.article
    if article is not None:
        print(f"  article: {article.meta.title} ({article.path}"
              f"{'#' + outcome.anchor if outcome.anchor else ''})", file=out)
    else:
        print(f"  article: {where}", file=out)
    if outcome.macro:
        macro = kb.articles.get(outcome.macro)
        print(f"  reply: {macro.meta.title if macro else outcome.macro} ({outcome.macro})",
              file=out)
    if outcome.guidance:
        print("\n" + outcome.guidance.strip(), file=out)
