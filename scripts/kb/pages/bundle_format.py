"""The bundle format page for agent developers (`agents/bundle-format.md`).

The prose says what a reader may rely on; the field reference is rendered from the shipped
JSON Schema's descriptions, so the page and the schema never disagree; the Python example is the
file `kb/export/walk_example.py` verbatim, which the tests execute.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

from kb.export import bundle_schema
from kb.export.llms_txt import BUNDLE_FORMAT_PAGE
from kb.model import KnowledgeBase
from kb.pages import GeneratedPage, page_generator

__all__ = ["BUNDLE_FORMAT_PAGE", "REFERENCE_SECTIONS", "bundle_format_markdown",
           "walk_example_source"]

#: the schema parts the field reference shows, in order: (heading, `$defs` name or '' for the top)
REFERENCE_SECTIONS = (
    ("The bundle", ""),
    ("Build", "build"),
    ("Articles", "article"),
    ("Article sections", "section"),
    ("Article links", "link"),
    ("Article sources", "source"),
    ("Macro placeholders", "placeholder"),
    ("Article translations", "translation"),
    ("Trees", "tree"),
    ("Facts", "fact"),
    ("Question nodes", "question"),
    ("Branches", "branch"),
    ("Outcome nodes", "outcome_node"),
    ("Outcomes", "outcome"),
    ("Outcome deadlines", "deadline"),
    ("References", "ref"),
    ("Safety policies", "policy"),
)

#: `$defs` shown as a plain type name rather than as an object of their own
_SIMPLE_DEFS = {
    "id": "id (string)", "node_id": "node id (string)", "anchor": "anchor (string)",
    "url": "URL (string)", "date": "date (string)", "sha256": "sha256 (string)",
    "scalar": "string, number or boolean", "when": "scalar, list or comparisons",
    "locale": "locale (string)",
}

_OBJECT_DEFS = {"build": "build", "article": "article", "section": "section", "link": "link",
                "source": "source", "tree": "tree", "fact": "fact", "node": "node",
                "question": "question node",
                "branch": "branch", "outcome_node": "outcome node", "outcome": "outcome",
                "ref": "reference", "policy": "policy", "placeholder": "placeholder",
                "translation": "translation", "deadline": "deadline"}


EXPORT_FILES = (
    ("kb-bundle.json",
     "every exported article and decision tree as one versioned JSON document (this page)"),
    ("kb-bundle.schema.json", "the JSON Schema (2020-12) that `kb-bundle.json` validates against"),
    ("kb-chunks.jsonl", "one retrieval chunk per article section, one JSON object per line"),
    ("llms.txt", "an index of the exported content in the llms.txt convention"),
    ("llms-full.txt", "the exported articles in full and every exported tree as text"),
)

CHUNK_FIELDS = (
    ("id", "`<article-id>#<anchor>`, or `<article-id>` for text before the first heading; "
           "unique"),
    ("article", "the article's id (its full entry is in the bundle)"),
    ("anchor", "the section's anchor on the article's page (an empty string for text before "
               "the first heading)"),
    ("heading_path", "the headings from the top of the page down to this section"),
    ("text", "the section's plain text"),
    ("url", "the section's URL relative to the site root, with `#anchor`"),
    ("metadata", "the article's `title`, `type`, `visibility`, `status`, `superseded_by`, "
                 "`owner`, `reviewed`, `markets`, `products` and `tags`, for filtering"),
)


def walk_example_source() -> str:
    """The Python example shown on the page, exactly as shipped in `kb/export/walk_example.py`."""
    return resources.files("kb.export").joinpath("walk_example.py").read_text(encoding="utf-8")


@page_generator
def bundle_format_page(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    yield GeneratedPage(BUNDLE_FORMAT_PAGE, bundle_format_markdown())


def bundle_format_markdown() -> str:
    schema: dict[str, Any] = json.loads(bundle_schema())
    intro = _INTRO.replace("{files}", _table(("File", "What it is"), EXPORT_FILES))
    lines = [*intro.strip("\n").splitlines(), ""]
    lines += ["```python", walk_example_source().rstrip("\n"), "```", ""]
    lines += [*_AFTER_EXAMPLE.strip("\n").splitlines(), ""]
    lines += ["## Field reference", "",
              "Generated from `kb-bundle.schema.json`, the JSON Schema (2020-12) that every "
              "bundle validates against. Required fields are always present; optional ones are "
              "left out when the source has no value.", ""]
    for heading, name in REFERENCE_SECTIONS:
        part = schema if not name else schema["$defs"][name]
        lines += [f"### {heading}", "", _cell(str(part.get("description", ""))), ""]
        lines += _field_table(part)
        lines.append("")
    chunks = _CHUNKS.replace("{chunk_fields}", _table(("Field", "Meaning"), CHUNK_FIELDS))
    lines += [*chunks.strip("\n").splitlines(), ""]
    return "\n".join(lines)


def _field_table(part: Mapping[str, Any]) -> list[str]:
    rows = ["| Field | Type | Required | Meaning |", "| --- | --- | --- | --- |"]
    for name, spec, required in _fields(part):
        rows.append(f"| `{name}` | {_type(spec)} | {'yes' if required else 'no'} "
                    f"| {_cell(_describe(spec))} |")
    return rows


def _fields(part: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any, bool]]:
    """(dotted name, schema, required) of every property, nested inline objects flattened."""
    required = set(part.get("required", ()))
    for name, spec in part.get("properties", {}).items():
        yield prefix + name, spec, name in required
        if spec.get("type") == "object" and "properties" in spec:
            yield from _fields(spec, f"{prefix}{name}.")


def _describe(spec: Mapping[str, Any]) -> str:
    text = str(spec.get("description", ""))
    if not text and "$ref" in spec:
        return ""
    return text


def _type(spec: Mapping[str, Any]) -> str:
    if "$ref" in spec:
        name = str(spec["$ref"]).rsplit("/", 1)[-1]
        return _SIMPLE_DEFS.get(name, f"{_OBJECT_DEFS.get(name, name)} object")
    if "const" in spec:
        return f"`{json.dumps(spec['const'])}`"
    if "enum" in spec:
        return " or ".join(f"`{v}`" for v in spec["enum"])
    if "anyOf" in spec:
        return " or ".join(_type(s) for s in spec["anyOf"])
    kind = spec.get("type")
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    if kind == "array":
        return f"list of {_type(spec.get('items', {}))}"
    if kind == "object":
        values = spec.get("additionalProperties")
        if isinstance(values, Mapping):
            return f"mapping of id to {_type(values)}"
        return "object"
    return str(kind or "any")


def _table(header: tuple[str, str], rows: tuple[tuple[str, str], ...]) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "| --- | --- |"]
    lines += [f"| `{name}` | {_cell(meaning)} |" for name, meaning in rows]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


_INTRO = """
# Bundle format for agent developers

Every build of the site writes the agent exports at the site root, next to `index.html`:

{files}

The bundle reads `{"format": "kb-bundle", "version": 1, "build": {...}, "articles": [...],
"trees": [...]}`. The version changes only when a change would break a reader; new optional
fields may appear within a version, so ignore fields you do not know.

## What is in it, and what never is

- **Articles** that are `public` (may be quoted to customers) or `internal` (may be used, never
  quoted), and `published` or `deprecated`. A deprecated article names its successor in
  `superseded_by`: prefer the successor.
- **Decision trees** that are `internal` and `published` or `deprecated`.
- **Never** anything `restricted` (humans only) or `draft`, in any export file. No exported
  item refers to one either: ids of such items are left out of `related` and `links`,
  `superseded_by` becomes null, a link to one in an article's Markdown (in any form: inline,
  reference, HTML anchor) is reduced to its text and an image to its alt text, an autolink to
  one is left out, and an outcome's `macro` that is not exported is left out.
- **Never** an HTML comment: comments are stripped from every article's Markdown.

Articles and trees are sorted by `id`. Every URL is relative to the site root (`upi/failed-debit/`,
`upi/failed-debit/#reversal-timelines`, `trees/upi-debited-not-credited/`); join it onto
`build.site.url`, or onto wherever you fetched the bundle from.

## Determinism and hashes

Building twice from the same sources gives byte-identical files. Nothing in them comes from the
wall clock: `build.time` is `SOURCE_DATE_EPOCH` when set, else the time of the git commit the
sources came from (`build.commit`), else 1970-01-01T00:00:00Z.

Every article and tree carries `sha256`: the SHA-256 of the item's canonical JSON without its
`sha256` key, where canonical JSON is what Python's
`json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` gives, encoded as
UTF-8. An item whose hash is unchanged since your last sync is unchanged; `build.content_sha256`
changes only when some item does. To check an item:

```python
import hashlib, json

def item_sha256(item):
    body = {k: v for k, v in item.items() if k != "sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
```

## Trees and branch semantics

A tree has `facts` (what it needs to know, each with a question and a type), a `start` node and
`nodes`, exactly as the author wrote them. A **question node** has `ask` (a fact id), `branches`
and perhaps `default`; an **outcome node** has `outcome` and ends the walk. For example:

```json
"age": {
  "ask": "hours_since_payment",
  "branches": [{"when": {"lt": 48}, "next": "wait-for-reversal"}],
  "default": "raise-dispute"
},
"wait-for-reversal": {
  "outcome": {
    "title": "Wait for the automatic reversal",
    "resolution": "inform",
    "handled_by": "ai",
    "article": {
      "id": "upi-failed-debit",
      "anchor": "reversal-timelines",
      "url": "upi/failed-debit/#reversal-timelines",
      "title": "UPI payment debited but not credited"
    },
    "macro": {
      "id": "reply-upi-reversal-pending",
      "anchor": "",
      "url": "replies/reply-upi-reversal-pending/",
      "title": "Reply: UPI reversal pending"
    }
  }
}
```

Walk from `start`; at each question node take the value of the fact it asks and:

- `"when": <scalar>` holds when it equals the value. A boolean equals only a boolean (`true` is
  never `1`); numbers compare as numbers (`48` equals `48.0`); a string equals the same string.
- `"when": [a, b, ...]` holds when any element equals the value.
- `"when": {"lt": n, "lte": n, "gt": n, "gte": n}` (any of these keys) holds when every
  comparison holds; it never holds for a value that is not a number.
- Branches are tried **in order**; the first that holds gives `next`. When none holds, go to
  `default`; without a default the walk is stuck (the linter proves every published tree has no
  such gap for valid fact values, and no cycles).
- Boolean facts take only `true`/`false`; a choice fact takes only its `options`; a number fact
  takes numbers within `min` and `max` when given.

An outcome says what happens (`resolution`: `inform`, `resolve` or `escalate`), who handles it
(`handled_by`: `ai` or `specialist`), the specialist `queue` and `sla_hours` for an escalation,
the `article` section behind it and perhaps an approved customer reply (`macro`), both resolved
to the id, anchor, URL and title of an exported article, and `guidance` in Markdown.

## Walking a tree in Python

The walk below follows these rules exactly and needs nothing but the standard library; it is the
same code the knowledge base's own tests run against every labeled case, which must reach the
outcome that `kb test` reaches. Save it as `walk_bundle.py`:
"""

_AFTER_EXAMPLE = """
Run it as `python walk_bundle.py kb-bundle.json upi-debited-not-credited debited=true
app_status=failed reversal_status=not-reversed payment_type=p2p days_since_payment=3
complaint_raised=false`, or import it and call `walk(trees[tree_id], facts)` with facts your
agent has gathered: a `Stuck` error names the fact the walk needs next.
"""

_CHUNKS = """
## Retrieval chunks: `kb-chunks.jsonl`

One JSON object per line, one per article section that has text, in bundle order:

{chunk_fields}

Filter on `metadata.visibility` before quoting: only `public` text may be shown to a customer.
"""
