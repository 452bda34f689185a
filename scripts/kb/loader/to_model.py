"""From strictly parsed YAML to model objects, leniently: wrong-typed values become empty defaults.

The metadata rules report wrong shapes from the raw `YamlDoc` kept on each object; this module
only has to never fail on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kb.model import (
    Annotation,
    Article,
    Body,
    Branch,
    Case,
    CaseSet,
    Deadline,
    Example,
    Fact,
    Metadata,
    Node,
    Outcome,
    Placeholder,
    Policy,
    PolicySet,
    Routing,
    Signal,
    Source,
    Translation,
    Tree,
    YamlDoc,
)
from kb.translations import content_hash, slots_in
from kb.when import is_number


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strs(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _number(value: object) -> float | None:
    return value if is_number(value) else None


def _date(value: object) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _mapping(value: object) -> Mapping[object, object]:
    return value if isinstance(value, dict) else {}


def metadata(raw: Mapping[object, object]) -> Metadata:
    return Metadata(
        id=_str(raw.get("id")),
        title=_str(raw.get("title")),
        summary=_str(raw.get("summary")),
        visibility=_str(raw.get("visibility")),
        status=_str(raw.get("status")),
        owner=_str(raw.get("owner")),
        reviewed=_date(raw.get("reviewed")),
        markets=_strs(raw.get("markets")),
        products=_strs(raw.get("products")),
        tags=_strs(raw.get("tags")),
        related=_strs(raw.get("related")),
        superseded_by=_str(raw.get("superseded_by")),
        effective_from=_date(raw.get("effective_from")),
        effective_until=_date(raw.get("effective_until")),
    )


def _sources(value: object) -> tuple[Source, ...]:
    entries = value if isinstance(value, list) else []
    found = []
    for i, entry in enumerate(entries):
        raw = _mapping(entry)
        found.append(Source(title=_str(raw.get("title")), type=_str(raw.get("type")),
                            url=_str(raw.get("url")), circular=_str(raw.get("circular")),
                            checked=_date(raw.get("checked")), index=i))
    return tuple(found)


def article(path: str, doc: YamlDoc, body: Body) -> Article:
    raw = _mapping(doc.value)
    meta = metadata(raw)
    return Article(path=path, meta=meta, type=_str(raw.get("type")), body=body, source=doc,
                   translation=_translation(raw), placeholders=_placeholders(raw),
                   content_hash=content_hash(meta.title, body.markdown),
                   slots=slots_in(body.markdown), sources=_sources(raw.get("sources")))


def _translation(raw: Mapping[object, object]) -> Translation | None:
    of = _str(raw.get("translation_of"))
    if not of:
        return None
    return Translation(of=of, locale=_str(raw.get("locale")),
                       source_hash=_str(raw.get("source_hash")))


def _placeholders(raw: Mapping[object, object]) -> tuple[Placeholder, ...]:
    found: list[Placeholder] = []
    for name, spec in _mapping(raw.get("placeholders")).items():
        if not isinstance(name, str):
            continue
        fields = _mapping(spec)
        found.append(Placeholder(name=name, type=_str(fields.get("type")),
                                 description=_str(fields.get("description")),
                                 example=_str(fields.get("example")),
                                 values=_strs(fields.get("values")),
                                 currency=_str(fields.get("currency"))))
    return tuple(found)


def _outcome(raw: Mapping[object, object]) -> Outcome:
    ref = _str(raw.get("article"))
    article_id, _, anchor = ref.partition("#")
    return Outcome(
        title=_str(raw.get("title")),
        resolution=_str(raw.get("resolution")),
        handled_by=_str(raw.get("handled_by")),
        article=article_id,
        anchor=anchor,
        guidance=_str(raw.get("guidance")),
        macro=_str(raw.get("macro")),
        queue=_str(raw.get("queue")),
        sla_hours=_number(raw.get("sla_hours")),
        deadline=_deadline(raw.get("deadline")),
    )


def _deadline(value: object) -> Deadline | None:
    """An outcome's `deadline`: `days` is a number, or a mapping from the `by` fact's options
    to numbers (the number-valued entries kept)."""
    if not isinstance(value, dict):
        return None
    days = value.get("days")
    days_by = {str(k): float(v) for k, v in days.items() if is_number(v)} \
        if isinstance(days, dict) else {}
    return Deadline(label=_str(value.get("label")), since=_str(value.get("since")),
                    days=_number(days), by=_str(value.get("by")), days_by=days_by,
                    fills=_str(value.get("fills")), start_fills=_str(value.get("start_fills")))


def _options(raw: object) -> tuple[tuple[str, ...], dict[str, str]]:
    """A choice fact's option values, and the labels of those that have one
    (`- pending` or `- {value: pending, label: Pending in the app}`)."""
    values: list[str] = []
    labels: dict[str, str] = {}
    for item in raw if isinstance(raw, list) else ():
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            values.append(str(item))
        elif isinstance(item, dict) and isinstance(item.get("value"), str):
            values.append(item["value"])
            if isinstance(item.get("label"), str) and item["label"].strip():
                labels[item["value"]] = item["label"].strip()
    return tuple(values), labels


def tree(path: str, doc: YamlDoc) -> Tree:
    raw = _mapping(doc.value)
    facts: dict[str, Fact] = {}
    for fact_id, fact_raw in _mapping(raw.get("facts")).items():
        if not isinstance(fact_id, str):
            continue
        f = _mapping(fact_raw)
        options, labels = _options(f.get("options"))
        facts[fact_id] = Fact(
            id=fact_id,
            question=_str(f.get("question")),
            type=_str(f.get("type")),
            options=options,
            min=_number(f.get("min")),
            max=_number(f.get("max")),
            unit=_str(f.get("unit")),
            pos=doc.key_pos("facts", fact_id),
            signals=tuple(Signal(signal_id, when, doc.key_pos("facts", fact_id, "signals",
                                                              signal_id))
                          for signal_id, when in _mapping(f.get("signals")).items()
                          if isinstance(signal_id, str)),
            labels=labels,
        )
    nodes: dict[str, Node] = {}
    for node_id, node_raw in _mapping(raw.get("nodes")).items():
        if not isinstance(node_id, str):
            continue
        n = _mapping(node_raw)
        path_ = ("nodes", node_id)
        outcome_raw = n.get("outcome")
        if isinstance(outcome_raw, dict):
            nodes[node_id] = Node(node_id, doc.key_pos(*path_), path_,
                                  outcome=_outcome(outcome_raw))
            continue
        branches: list[Branch] = []
        raw_branches = n.get("branches")
        for i, b in enumerate(raw_branches if isinstance(raw_branches, list) else []):
            bm = _mapping(b)
            branches.append(Branch(when=bm.get("when"), next=_str(bm.get("next")),
                                   pos=doc.pos(*path_, "branches", i), index=i))
        default = _str(n.get("default"))
        nodes[node_id] = Node(
            node_id, doc.key_pos(*path_), path_, ask=_str(n.get("ask")),
            branches=tuple(branches), default=default,
            default_pos=doc.pos(*path_, "default") if default else None,
        )
    return Tree(path=path, meta=metadata(raw), start=_str(raw.get("start")), facts=facts,
                nodes=nodes, source=doc, routing=_routing(raw, doc))


def _routing(raw: Mapping[object, object], doc: YamlDoc) -> Routing:
    examples = raw.get("examples")
    not_for = raw.get("not_for")
    return Routing(
        applies_when=_str(raw.get("applies_when")),
        examples=tuple(Example(m, doc.pos("examples", i))
                       for i, m in enumerate(examples if isinstance(examples, list) else [])
                       if isinstance(m, str)),
        not_for=tuple(Example(_str(_mapping(m).get("message")), doc.pos("not_for", i),
                              _str(_mapping(m).get("tree")))
                      for i, m in enumerate(not_for if isinstance(not_for, list) else [])),
    )


def case_set(path: str, doc: YamlDoc) -> CaseSet:
    raw = _mapping(doc.value)
    cases: list[Case] = []
    raw_cases = raw.get("cases")
    for i, c in enumerate(raw_cases if isinstance(raw_cases, list) else []):
        cm = _mapping(c)
        annotations: list[Annotation] = []
        raw_ann = cm.get("annotations")
        for j, a in enumerate(raw_ann if isinstance(raw_ann, list) else []):
            am = _mapping(a)
            annotations.append(Annotation(by=_str(am.get("by")), outcome=_str(am.get("outcome")),
                                          note=_str(am.get("note")),
                                          pos=doc.pos("cases", i, "annotations", j)))
        facts = {k: v for k, v in _mapping(cm.get("facts")).items() if isinstance(k, str)}
        cases.append(Case(id=_str(cm.get("id")), description=_str(cm.get("description")),
                          facts=facts, expected=_str(cm.get("expected")),
                          annotations=tuple(annotations), pos=doc.pos("cases", i),
                          path=("cases", i)))
    return CaseSet(path=path, tree=_str(raw.get("tree")), cases=tuple(cases), source=doc)


def policy_set(path: str, doc: YamlDoc) -> PolicySet:
    raw = _mapping(doc.value)
    policies: dict[str, Policy] = {}
    for signal_id, policy_raw in _mapping(raw.get("policies")).items():
        if not isinstance(signal_id, str):
            continue
        p = _mapping(policy_raw)
        policies[signal_id] = Policy(
            id=signal_id,
            title=_str(p.get("title")),
            why=_str(p.get("why")),
            resolutions=_strs(p.get("resolutions")),
            handled_by=_strs(p.get("handled_by")),
            queues=_strs(p.get("queues")),
            max_sla_hours=_number(p.get("max_sla_hours")),
            ask_before_ai=p.get("ask_before_ai") is True,
            pos=doc.key_pos("policies", signal_id),
        )
    return PolicySet(path=path, policies=policies, source=doc)
