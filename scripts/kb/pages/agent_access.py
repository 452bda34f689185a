"""The page for agent developers who attach live (`agents/live-access.md`): `kb.client`, `kb mcp`
with a configuration snippet, its tools, and the search's measured quality.

The figures are computed while the site is built, from the labeled queries in
`evaluation/search-queries.yaml` (when the knowledge base has them) against the same bundle and
search the agents get.
"""

from __future__ import annotations

from collections.abc import Iterator

from kb.client.evaluation import evaluate_client_search
from kb.model import KnowledgeBase
from kb.pages import GeneratedPage, agents_client, page_generator
from kb.quality.search_eval import SEARCH_QUERIES, evaluation_markdown

LIVE_ACCESS_PAGE = "agents/live-access.md"

#: the server's tools, as the page presents them
TOOLS = (
    ("search", "article sections for a question, best first: section id, title, URL with "
               "anchor, snippet, score; `market` and `product` narrow it"),
    ("get_article", "an article's Markdown, or one section's text (`section`: the anchor of a "
                    "search result)"),
    ("list_trees", "the decision trees, with what each decides and its first question"),
    ("route", "which decision tree applies to a customer's message: trees ranked with scores "
              "and the examples that matched, or `no_tree` when none applies"),
    ("walk_tree", "the next question of a tree given every fact known so far, or its outcome "
                  "(resolution, who handles it, queue, SLA, cited article section, the macro's "
                  "text, guidance), with any safety signal the answers raised"),
    ("get_macro", "a reply macro's text, in the customer's `locale` when translated"),
)

_INTRO = """\
# Live access for agents: MCP server and Python client

An AI agent can read this knowledge base live instead of loading `kb-bundle.json` itself.
Both ways below serve exactly the agent bundle: restricted and draft items are not in it, so no
tool, resource, search snippet or error message can show them. The bundle's format version, its
schema and every item's sha256 are checked before anything is served; a changed or truncated
bundle is refused.

## The MCP server

`kb mcp` serves over stdio (an agent starts it) or, with `--http`, over Streamable HTTP at
`http://127.0.0.1:8765/mcp` (bound to this machine unless `--host` says otherwise). It builds the
bundle of the checkout in memory, or serves a built one with `--bundle site/kb-bundle.json`.
Over HTTP it is stateless, so it answers from several processes that share the loaded bundle
(`--workers N`, one per CPU by default) and replaces one that dies.

To attach it to an MCP-capable agent, add it to the agent's MCP server configuration:

```json
{
  "mcpServers": {
    "payments-kb": {
      "command": "kb",
      "args": ["mcp", "--bundle", "site/kb-bundle.json"]
    }
  }
}
```

or, for a server already running with `kb mcp --http`, point the agent at its URL
(`{"type": "streamable-http", "url": "http://127.0.0.1:8765/mcp"}` in most agents' settings).

{tools}

Articles and trees are also resources: `kb://articles/{id}` (Markdown) and `kb://trees/{id}`
(the tree as the bundle has it). A bad argument (an unknown id, a string for a number, an option
the fact does not have) comes back as a tool error naming what is accepted.

`walk_tree` is stateless: send every fact known so far with each call, so any server can
answer any step of a conversation. Follow a raised safety signal: the team's policy says who
must handle such a case, whatever the outcome.

## The Python client

```python
from kb.client import Client

kb = Client.from_bundle("site/kb-bundle.json")   # or Client.from_repo(".")
for hit in kb.search("money debited but not received", market="IN"):
    print(hit.score, hit.title, hit.heading, hit.url)
step = kb.walk("upi-debited-not-credited", {"debited": True})
while not step.done:
    question = step.question                      # fact, question, type, options, min, max
    ...                                           # ask the customer, add the answer, walk again
print(step.outcome.title, step.outcome.article.url, step.signals)
```

`kb.article(id, section=None)`, `kb.macro(id)` and `kb.trees(market=, product=)` read the rest.
`article`, `macro` and `walk` (and the tools `get_article`, `get_macro`, `walk_tree`) take a
`locale` such as `pt-BR`: a current translation is served in it; when the translation is missing
or stale, the source is served and `fallback` says why (a stale translation is never served).
Errors are `kb.client.ClientError`: `BundleError` for a bundle that cannot be trusted,
`NotFound`, and `FactError` for a fact the tree does not accept.
"""


@page_generator
def agent_access_pages(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    tools = "\n".join(["| tool | what it answers |", "| --- | --- |",
                       *(f"| `{name}` | {what} |" for name, what in TOOLS)])
    yield GeneratedPage(LIVE_ACCESS_PAGE, _INTRO.replace("{tools}", tools) + "\n"
                        + search_quality_markdown(kb))


def search_quality_markdown(kb: KnowledgeBase) -> str:
    path = kb.config.root / SEARCH_QUERIES
    heading = "## Search quality\n\n"
    if not path.is_file():
        return heading + f"No labeled search queries (`{SEARCH_QUERIES}`) yet.\n"
    client = agents_client(kb)
    _, report = evaluate_client_search(client, path)
    return (heading + "Measured while this site was built, on the labeled queries of "
            f"`{SEARCH_QUERIES}` as customers and specialists phrase them (misspellings, "
            "Hinglish and Portuguese included). A query counts as found at *k* when one of the "
            "sections that answer it is among the first *k* results; MRR is the mean of 1/rank "
            "of the first answer. Only the `test` split is reported: the `tune` split is the "
            "one the search's field weights, chunking and glossary were chosen on. Reproduce "
            "with `kb eval-search`.\n\n" + evaluation_markdown(report) + "\n")
