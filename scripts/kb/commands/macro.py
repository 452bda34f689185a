"""`kb macro render ID --locale TAG --set name=value ...`: a macro's reply, filled and formatted
for the customer's locale."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from kb.commands._shared import EXIT_OK, UsageError, load_kb
from kb.macros import RenderError, render_macro


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("macro", help="work with reply macros")
    actions = p.add_subparsers(dest="action", required=True)
    render = actions.add_parser("render", help="print a macro's reply with its placeholders "
                                               "filled, in the customer's language")
    render.add_argument("macro", metavar="ID", help="macro id")
    render.add_argument("--locale", default="en", help="BCP 47 tag: en, en-IN, pt-BR ...")
    render.add_argument("--set", dest="values", nargs="*", default=[], metavar="NAME=VALUE",
                        help="placeholder values: dates as YYYY-MM-DD, money as `1234.56 BRL` "
                             "(or the amount alone when the macro fixes its currency), "
                             "durations as 48h, 5d")
    render.set_defaults(run=cmd_render)


def cmd_render(args: argparse.Namespace, out: TextIO) -> int:
    values: dict[str, str] = {}
    for pair in args.values:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--set takes name=value pairs, not `{pair}`")
        values[name] = raw
    kb = load_kb(args).kb
    try:
        rendered = render_macro(kb, args.macro, args.locale, values)
    except RenderError as exc:
        raise UsageError(str(exc)) from None
    if rendered.stale:
        print(f"kb: warning: the {rendered.locale} version ({rendered.macro.path}) is stale: "
              "its source changed since it was translated", file=sys.stderr)
    out.write(rendered.markdown)
    return EXIT_OK
