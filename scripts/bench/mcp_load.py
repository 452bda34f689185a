"""Load on `kb mcp --http`: concurrent MCP clients (the official SDK's) each running mixed calls.

    python scripts/bench/mcp_load.py --sizes 0,5000 --clients 50 --calls 200

Size 0 is the shipped knowledge base; any other size is the synthetic KB of `scripts/bench` with
that many articles. For each, it builds the bundle, starts the server on 127.0.0.1, runs the
clients at once (each call waits for the previous one of its client: a closed loop),
and prints p50/p95/p99 latency per tool, errors, throughput, and the server's memory.
`--pause-ms` makes each client pause after each answer, as an agent does while its model thinks.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

if not __package__:  # run as a file: put scripts/ on the path so `bench` imports as a package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from bench import generator
from bench.measurement import process_memory

REPO = Path(__file__).resolve().parents[2]
KB = str(Path(sys.executable).with_name("kb"))
#: the mix of calls: tool -> share of the calls
MIX = {"search": 0.4, "walk_tree": 0.3, "get_article": 0.1, "list_trees": 0.1, "get_macro": 0.1}
QUERIES = ("money debited not received", "refund timeline upi", "pix golpe devolucao",
           "chargeback reason code", "sim swap otp shared", "kyc verification failed",
           "merchant refund not credited", "wrong upi id", "med request 80 days",
           "compensation per day delay")


def bundle_of(size: int, work: Path) -> Path:
    """kb-bundle.json of the shipped KB (size 0) or of a synthetic KB of `size` articles."""
    root = REPO
    if size:
        root = work / f"kb-{size}"
        generator.generate(root, size, 1, generator.DEFAULT_TODAY)
    out = work / f"exports-{size}"
    subprocess.run([KB, "--root", str(root), "export", "--no-cache", "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out / "kb-bundle.json"


Call = tuple[str, dict[str, Any]]


def calls_for(bundle: dict[str, Any], count: int, rng: random.Random) -> list[Call]:
    """`count` mixed calls with arguments valid for `bundle` (walks of every depth)."""
    articles = [a["id"] for a in bundle["articles"]]
    macros = [a["id"] for a in bundle["articles"] if a["type"] == "macro"] or articles
    trees = bundle["trees"]
    tools, weights = zip(*MIX.items(), strict=True)
    plan = []
    for tool in rng.choices(tools, weights, k=count):
        if tool == "search":
            plan.append((tool, {"query": rng.choice(QUERIES), "limit": 5}))
        elif tool == "walk_tree":
            tree = rng.choice(trees)
            plan.append((tool, {"tree": tree["id"], "facts": _some_facts(tree, rng)}))
        elif tool == "get_article":
            plan.append((tool, {"id": rng.choice(articles)}))
        elif tool == "get_macro":
            plan.append((tool, {"id": rng.choice(macros)}))
        else:
            plan.append((tool, {}))
    return plan


def _some_facts(tree: dict[str, Any], rng: random.Random) -> dict[str, object]:
    facts: dict[str, object] = {}
    for name, fact in tree["facts"].items():
        if rng.random() < 0.3:
            continue
        if fact["type"] == "boolean":
            facts[name] = rng.random() < 0.5
        elif fact["type"] == "choice":
            facts[name] = rng.choice(fact["options"])
        else:
            low = int(fact.get("min") or 0)
            high = fact.get("max")
            facts[name] = rng.randint(low, int(high) if high is not None else low + 100)
    return facts


async def one_client(url: str, plan: Sequence[Call], timings: dict[str, list[float]],
                     errors: list[str], pause: float = 0.0) -> None:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        for tool, arguments in plan:
            start = time.perf_counter()
            try:
                result = await session.call_tool(tool, arguments)
                if result.is_error and tool != "walk_tree":
                    errors.append(f"{tool}: {result.content[0].text[:100]}")  # type: ignore[union-attr]
            except Exception as exc:  # a failed call is counted, not fatal to the run
                errors.append(f"{tool}: {type(exc).__name__}: {exc}"[:160])
            timings.setdefault(tool, []).append((time.perf_counter() - start) * 1000)
            if pause:
                await asyncio.sleep(pause)


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_size(size: int, args: argparse.Namespace, work: Path, out: TextIO) -> dict[str, Any]:
    bundle_path = bundle_of(size, work)
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([KB, "mcp", "--http", "--port", str(port), "--bundle",
                               str(bundle_path)], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, server)
        idle_kib, kind = process_memory(server.pid)
        rng = random.Random(args.seed)
        plans = [calls_for(bundle, args.calls, rng) for _ in range(args.clients)]
        timings: dict[str, list[float]] = {}
        errors: list[str] = []
        url = f"http://127.0.0.1:{port}/mcp"

        async def everyone() -> None:
            await asyncio.gather(*(one_client(url, plan, timings, errors, args.pause_ms / 1000)
                                   for plan in plans))
        start = time.perf_counter()
        asyncio.run(everyone())
        seconds = time.perf_counter() - start
        busy_kib, _ = process_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    label = "shipped KB" if size == 0 else f"{size} articles"
    calls = sum(len(v) for v in timings.values())
    print(f"\n{label}: {len(bundle['articles'])} articles, {len(bundle['trees'])} trees; "
          f"{args.clients} clients x {args.calls} calls"
          f"{f' ({args.pause_ms:g} ms apart)' if args.pause_ms else ''} in {seconds:.1f} s "
          f"({calls / seconds:.0f} calls/s), {len(errors)} errors; server memory "
          f"{idle_kib / 1024:.0f} MiB idle, {busy_kib / 1024:.0f} MiB after ({kind})", file=out)
    print(f"  {'tool':<12} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}", file=out)
    rows = {}
    for tool in MIX:
        values = timings.get(tool, [])
        if values:
            rows[tool] = {"calls": len(values), "p50": statistics.median(values),
                          "p95": percentile(values, 95), "p99": percentile(values, 99)}
            print(f"  {tool:<12} {len(values):>6} {rows[tool]['p50']:>8.1f} "
                  f"{rows[tool]['p95']:>8.1f} {rows[tool]['p99']:>8.1f}", file=out)
    for error in errors[:5]:
        print(f"  error: {error}", file=out)
    return {"size": size, "errors": len(errors), "tools": rows, "seconds": seconds,
            "memory_kib": busy_kib}


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"kb mcp did not start (exit {server.poll()})") from None
            time.sleep(0.2)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,5000",
                        help="0 for the shipped KB, else synthetic articles (default 0,5000)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--calls", type=int, default=200, help="calls per client")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pause-ms", type=float, default=0.0,
                        help="each client's pause after each answer, as an agent's model takes "
                             "its turn (default 0: back to back)")
    args = parser.parse_args(argv)
    print(f"kb mcp under load, {dt.datetime.now(dt.UTC):%Y-%m-%d}", file=out)
    with tempfile.TemporaryDirectory(prefix="kb-mcp-load-") as work:
        results = [run_size(int(s), args, Path(work), out) for s in args.sizes.split(",")]
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
