"""The files `kb new` writes: each passes `kb lint` as written (a draft, reviewed today)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kb.when import as_yaml


@dataclass(frozen=True, slots=True)
class Front:
    """What the author chose: the metadata every new article or tree carries."""

    id: str
    title: str
    summary: str
    owner: str
    markets: tuple[str, ...]
    products: tuple[str, ...]
    reviewed: dt.date


def _text(value: str) -> str:
    """Free text as a YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _flow(values: Iterable[str]) -> str:
    return "[" + ", ".join(as_yaml(v) for v in values) + "]"


def _metadata(front: Front, extra: Mapping[str, str]) -> str:
    lines = {"id": front.id, "title": _text(front.title), "summary": _text(front.summary),
             **extra, "status": "draft", "owner": front.owner,
             "reviewed": front.reviewed.isoformat(), "markets": _flow(front.markets),
             "products": _flow(front.products)}
    return "".join(f"{key}: {value}\n" for key, value in lines.items())


def article_text(front: Front, article_type: str, visibility: str) -> str:
    head = _metadata(front, {"type": article_type, "visibility": visibility})
    if article_type == "macro":
        head += ("placeholders:\n  customer_name:\n    type: text\n"
                 "    description: The customer's first name, as it appears on their account.\n"
                 "    example: \"Ana\"\n")
        body = (f"# {front.title}\n\nHello {{{{customer_name}}}},\n\n{front.summary}\n\n"
                "Write the reply in plain language; keep the placeholders in double braces.\n")
    else:
        body = (f"# {front.title}\n\n{front.summary}\n\n"
                "## When this applies\n\nThe situation, the customer's words for it, and the "
                "markets and products it covers.\n\n"
                "## What to do\n\nThe steps in order, with the figures and their sources.\n")
    return f"---\n{head}---\n{body}"


def tree_text(front: Front, article: str) -> str:
    """A minimal valid tree: one yes-or-no question and two outcomes citing `article`."""
    return (_metadata(front, {"visibility": "internal"}) + f"""start: first-question
facts:
  first_answer:
    question: {_text(f"The first question to ask about: {front.title}?")}
    type: boolean
nodes:
  first-question:
    ask: first_answer
    branches:
      - {{when: true, next: answer-yes}}
      - {{when: false, next: answer-no}}
  answer-yes:
    outcome:
      title: What to do when the answer is yes
      resolution: inform
      handled_by: ai
      article: {article}
  answer-no:
    outcome:
      title: What to do when the answer is no
      resolution: resolve
      handled_by: specialist
      article: {article}
""")


def cases_text(tree: str, cases: Iterable[tuple[str, Mapping[str, object]]]) -> str:
    """A cases file with one case per (expected outcome, facts that walk to it)."""
    lines = [f"tree: {tree}", "cases:"]
    for number, (outcome, facts) in enumerate(cases, start=1):
        shown = ", ".join(f"{k}: {as_yaml(v)}" for k, v in facts.items())
        lines += [f"  - id: {tree}-{number:03d}",
                  f"    description: {_text(f'A walk that ends at {outcome}.')}",
                  f"    facts: {{{shown}}}",
                  f"    expected: {outcome}"]
    return "\n".join(lines) + "\n"
