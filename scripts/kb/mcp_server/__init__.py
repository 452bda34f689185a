"""`kb mcp`: the published knowledge base over the Model Context Protocol, built on `kb.client`.

Tools (JSON Schemas for inputs and outputs come from the signatures and the client's result
types): `search`, `get_article`, `list_trees`, `route`, `walk_tree`, `get_macro`. Resources:
`kb://articles/{id}` (Markdown) and `kb://trees/{id}` (the tree as the bundle has it). The server
holds nothing but one verified bundle, so it serves exactly what the agent exports contain.
`get_article`, `get_macro` and `walk_tree` take an optional `locale` (`pt-BR`): the answer's
`locale` and `fallback` say whether the text is in it or, when the translation is missing or
stale, in its source language (a stale translation is never served; see `kb.client.client`).
A bad argument is a tool error with the client's message; the server goes on. Every answer
takes milliseconds, so the tools run on the event loop rather than hopping to a worker thread;
over HTTP, worker processes share the load (`kb.mcp_server.http`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, TypeAdapter

from kb.client import (
    ArticleView,
    Client,
    ClientError,
    MacroView,
    RouteResult,
    SearchResult,
    TreeSummary,
    WalkResult,
)

NAME = "payments-kb"
INSTRUCTIONS = (
    "The payments support knowledge base (UPI, Pix, cards, refunds, disputes, account takeover, "
    "KYC). Find the decision tree for a case with route (the customer's message) or list_trees, "
    "then call walk_tree with every fact "
    "known so far until it returns an outcome; follow the outcome (its resolution, who handles "
    "it, its queue and SLA) and any raised safety signal, and cite the outcome's article. Use "
    "search and get_article for questions no tree covers, and get_macro for reply texts. Pass "
    "the customer's `locale` (pt-BR for Brazil) to get_macro and walk_tree: when the answer's "
    "`fallback` is not empty, the text is the source, not in that language.")

#: caps on what a caller may send
MAX_TEXT = 500
MAX_ID = 200
MAX_FACTS = 100

Id = Annotated[str, Field(min_length=1, max_length=MAX_ID)]
Filter = Annotated[str | None, Field(max_length=40)]
Locale = Annotated[str | None, Field(
    min_length=2, max_length=35,
    description="BCP 47 language tag (e.g. pt-BR) to answer in when a current translation "
                "exists; the answer's `locale` and `fallback` say what was served")]
FactValue = bool | int | float | Annotated[str, Field(max_length=MAX_ID)]
T = TypeVar("T")
READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


def _answer(call: Callable[[], T]) -> T:
    """The client's answer, or its refusal as a tool error (a clear message, never a crash)."""
    try:
        return call()
    except ClientError as exc:
        raise ToolError(str(exc)) from None


def build_server(client: Client) -> MCPServer:
    server: MCPServer = MCPServer(NAME, instructions=INSTRUCTIONS, log_level="WARNING")

    @server.tool(annotations=READ_ONLY)
    async def search(query: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)],
               market: Filter = None, product: Filter = None,
               limit: Annotated[int, Field(ge=1, le=20)] = 5) -> list[SearchResult]:
        """Article sections that answer a question, best first, with a snippet and the URL of
        the section on the specialists' site. `market` (IN, BR) and `product` (upi, pix,
        cards, ...) narrow the search."""
        return _answer(lambda: client.search(query, market=market, product=product,
                                             limit=limit))

    @server.tool(annotations=READ_ONLY)
    async def get_article(id: Id, section: Annotated[str | None, Field(max_length=MAX_ID)] = None,
                          locale: Locale = None) -> ArticleView:
        """An article's Markdown (or one section's text, by the anchor of a search result), in
        `locale` when a current translation exists (else the source, with `fallback`)."""
        return _answer(lambda: client.article(id, section, locale))

    listing = TreeListing(client)

    @server.tool(annotations=READ_ONLY)
    async def list_trees(market: Filter = None, product: Filter = None,
                         limit: Annotated[int, Field(ge=1, le=1000)] = 100,
                         ) -> Annotated[CallToolResult, list[TreeSummary]]:
        """The decision trees (the first `limit`, by id), with what each decides and its first
        question; `market` and `product` narrow the list."""
        return listing.answer(_answer(lambda: client.trees(market=market,
                                                           product=product)[:limit]))

    @server.tool(annotations=READ_ONLY)
    async def route(message: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)],
              market: Filter = None,
              limit: Annotated[int, Field(ge=1, le=20)] = 5) -> RouteResult:
        """Which decision tree applies to a customer's message: the trees it matches, best
        first, with scores and the tree examples that matched, and the one that applies
        (`tree_id`), or `no_tree` when none does. `market` (IN, BR) narrows the trees."""
        return _answer(lambda: client.route(message, market=market, limit=limit))

    @server.tool(annotations=READ_ONLY)
    async def walk_tree(tree: Id,
                  facts: Annotated[dict[Annotated[str, Field(max_length=MAX_ID)], FactValue],
                                   Field(max_length=MAX_FACTS)] | None = None,
                  locale: Locale = None) -> WalkResult:
        """Walk a decision tree with every fact known so far (stateless: send them all each
        time). Returns the next question (fact, question, type, options, min, max, unit) or
        the outcome (resolution, handled_by, queue, SLA, cited article, macro text in `locale`
        when a current translation exists, guidance), and the safety signals raised."""
        return _answer(lambda: client.walk(tree, facts or {}, locale))

    @server.tool(annotations=READ_ONLY)
    async def get_macro(id: Id, locale: Locale = None) -> MacroView:
        """A reply macro's text, to send to the customer once its placeholders are filled, in
        `locale` when a current translation exists (else the source, with `fallback`)."""
        return _answer(lambda: client.macro(id, locale))

    @server.resource("kb://articles/{id}", mime_type="text/markdown",
                     description="An article's Markdown")
    def article_resource(id: str) -> str:
        return _resource(lambda: client.article(id).text)

    @server.resource("kb://trees/{id}", mime_type="application/json",
                     description="A decision tree as the bundle has it")
    def tree_resource(id: str) -> str:
        return _resource(lambda: json.dumps(client.tree(id), ensure_ascii=False, indent=1))

    return server


class TreeListing:
    """`list_trees` answers made of each tree's summary serialised once, as the SDK would
    (structured content, and its JSON as the text for clients that read only text): a listing
    of a hundred trees joins them instead of serialising each anew. The SDK still validates
    the structured content against the tool's output schema."""

    def __init__(self, client: Client) -> None:
        adapter = TypeAdapter(TreeSummary)
        self._structured: dict[str, dict[str, Any]] = {
            tree.id: adapter.dump_python(tree, mode="json", by_alias=True)
            for tree in client.trees()}
        self._text = {tree_id: json.dumps(summary, ensure_ascii=False)
                      for tree_id, summary in self._structured.items()}

    def answer(self, trees: list[TreeSummary]) -> CallToolResult:
        text = '{"result": [' + ", ".join(self._text[t.id] for t in trees) + "]}"
        return CallToolResult(content=[TextContent(type="text", text=text)],
                              structured_content={"result": [dict(self._structured[t.id])
                                                             for t in trees]})


def _resource(read: Callable[[], str]) -> str:
    try:
        return read()
    except ClientError as exc:
        raise ResourceNotFoundError(str(exc)) from None


def serve(client: Client, *, http: bool = False, host: str = "127.0.0.1",
          port: int = 8765, workers: int = 1) -> None:
    """Serve over stdio, or over Streamable HTTP at http://host:port/mcp by `workers` processes
    (see `kb.mcp_server.http`); ServeError when it cannot."""
    server = build_server(client)
    if not http:
        server.run()
        return
    from kb.mcp_server.http import listening_socket, serve_app

    sock = listening_socket(host, port)
    app = server.streamable_http_app(stateless_http=True, json_response=True, host=host)
    serve_app(app, sock, workers)


__all__ = ["build_server", "serve"]
