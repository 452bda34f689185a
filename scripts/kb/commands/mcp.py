"""`kb mcp`: serve the published knowledge base to AI agents over the Model Context Protocol."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from kb.commands._shared import EXIT_OK, UsageError, client_from_args


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "mcp", help="serve the knowledge base to AI agents over MCP (stdio or HTTP)",
        description="Serve search, articles, decision-tree walks and reply macros over the Model "
                    "Context Protocol: over stdio (for an agent that starts the server), or over "
                    "Streamable HTTP at http://HOST:PORT/mcp with --http. It serves exactly the "
                    "agent bundle: no restricted or draft item.")
    p.add_argument("--bundle", metavar="FILE",
                   help="serve this kb-bundle.json (checked first); default: build the bundle "
                        "of this checkout in memory")
    p.add_argument("--http", action="store_true", help="Streamable HTTP instead of stdio")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on with --http (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port with --http (default 8765)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="with --http, serve from N processes forked after the bundle is loaded, "
                        "sharing its memory and the port (default: one per CPU, at most 8)")
    p.set_defaults(run=cmd_mcp)


def cmd_mcp(args: argparse.Namespace, out: TextIO) -> int:
    from kb.mcp_server import serve
    from kb.mcp_server.http import ServeError, default_workers

    if not 0 < args.port < 65536:
        raise UsageError(f"--port takes 1 to 65535, not {args.port}")
    if args.workers is not None and not args.http:
        raise UsageError("--workers applies to --http only (over stdio, the agent starts the "
                         "server it talks to)")
    workers = default_workers() if args.workers is None else args.workers
    if not 0 < workers <= 64:
        raise UsageError(f"--workers takes 1 to 64, not {workers}")
    client = client_from_args(args)
    if args.http:
        counts = client.bundle["build"]["counts"]
        print(f"kb mcp: serving {counts['articles']} articles and {counts['trees']} trees at "
              f"http://{args.host}:{args.port}/mcp ({workers} worker"
              f"{'s' if workers > 1 else ''})", file=sys.stderr)
    try:
        serve(client, http=args.http, host=args.host, port=args.port, workers=workers)
    except ServeError as exc:
        raise UsageError(str(exc)) from None
    return EXIT_OK
