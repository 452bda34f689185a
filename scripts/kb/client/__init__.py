"""`kb.client`: the published knowledge base for AI agents, from Python.

    from kb.client import Client
    kb = Client.from_bundle("site/kb-bundle.json")      # or Client.from_repo(".")
    kb.search("money debited not received", market="IN")
    kb.walk("upi-debited-not-credited", {"payment_type": "p2p"})
    kb.route("paise kat gaye par merchant ko nahi mila")   # which tree applies
    kb.macro("reply-pix-scheduled-receipt", locale="pt-BR")  # a reply in Portuguese

`article`, `macro` and `walk` take a `locale`: a current translation is served in it; when the
translation is missing or stale the source is served, with `fallback` saying why (a stale
translation is never served as current; see `kb.client.client`).

It serves exactly what the bundle holds (restricted and draft items never enter a bundle), after
checking the bundle's format, schema and every hash. The MCP server (`kb mcp`) is built on it.
"""

from kb.client.client import (
    ArticleView,
    Client,
    MacroView,
    RouteResult,
    SearchResult,
    SectionInfo,
    TreeRoute,
    TreeSummary,
)
from kb.client.errors import BundleError, ClientError, FactError, NotFound
from kb.client.walker import Outcome, Question, RaisedSignal, Reference, WalkResult

__all__ = ["ArticleView", "BundleError", "Client", "ClientError", "FactError", "MacroView",
           "NotFound", "Outcome", "Question", "RaisedSignal", "Reference", "RouteResult",
           "SearchResult", "SectionInfo", "TreeRoute", "TreeSummary", "WalkResult"]
