"""`kb serve`: preview the site with live reload (`mkdocs serve` as a subprocess).

The kb plugin loads and lints the KB on every rebuild: a lint error stops that rebuild and is
printed, and the server keeps the last good pages. Edits to articles, trees and case files
trigger a rebuild. Warnings do not stop a preview unless `--strict` is given.

By default a rebuild renders only the pages whose source changed (`mkdocs serve --dirty`; the
kb plugin rewrites a generated page's source only when its content changes, so an edited tree
re-renders its own page and the pages listing it), which keeps an edit's preview to seconds on
a knowledge base of thousands of articles. The other pages keep their nav until the next full
build: `--full` rebuilds every page each time (as `--strict` does, since MkDocs warns about
every partial rebuild).
"""

from __future__ import annotations

import argparse
import subprocess
from typing import TextIO

from kb.child import dies_with_parent, stop, terminate_as_interrupt
from kb.commands._shared import EXIT_CONTENT, EXIT_OK, config_from_args, mkdocs_command

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="preview the site with live reload")
    p.add_argument("--dev-addr", default="localhost:8000", metavar="HOST:PORT",
                   help="address to serve on (default: localhost:8000)")
    p.add_argument("--strict", action="store_true",
                   help="warnings stop a rebuild too (implies --full)")
    p.add_argument("--full", action="store_true",
                   help="rebuild every page on each change, not just the changed ones")
    p.set_defaults(run=cmd_serve)


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    """Run the server until it exits or we are stopped; 1 when it could not start or build."""
    config = config_from_args(args)
    command, env = mkdocs_command("serve", config.root, "--dev-addr", args.dev_addr,
                                  "--strict" if args.strict else "--no-strict")
    if not (args.full or args.strict):
        command.append("--dirty")
    print(f"kb serve: http://{args.dev_addr}/ (Ctrl+C stops)", file=out, flush=True)
    child = subprocess.Popen(command, cwd=config.root, env=env, preexec_fn=dies_with_parent())
    try:
        with terminate_as_interrupt():
            code = child.wait()
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        stop(child)
    return EXIT_OK if code == 0 else EXIT_CONTENT
