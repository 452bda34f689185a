"""Load on `kb mcp --http`: concurrent MCP clients (the official SDK's) each running mixed calls.

    python scripts/bench/mcp_load.py --sizes 0,5000 --clients 50 --calls 200

Size 0 is the shipped knowledge base; any other size is the synthetic KB of `scripts/bench` with
that many articles. For each, it builds the bundle, starts the server on 127.0.0.1, runs the
clients at once (each call waits for the previous one of its client: a closed loop),
and prints p50/p95/p99 latency per tool, errors, throughput, the server's memory (PSS of all
its processes together) and the CPU seconds the server and the clients spent (the machine's
load average beside them: on a shared machine, CPU per call compares runs where latency cannot).
`--pause-ms` makes each client pause after each answer, as an agent does while its model thinks;
`--workers` sets the server's processes; `--client-processes` shares the clients out between
processes of their own; `--work DIR` keeps the generated KBs and bundles for the next run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

if not __package__:  # run as a file: put scripts/ on the path so `bench` imports as a package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from bench import generator
from bench.measurement import process_memory, process_tree

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
    out = work / f"exports-{size}"
    if (out / "kb-bundle.json").is_file():  # built by an earlier run into the same --work
        return out / "kb-bundle.json"
    root = REPO
    if size:
        root = work / f"kb-{size}"
        generator.generate(root, size, 1, generator.DEFAULT_TODAY)
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


@dataclass(frozen=True, slots=True)
class ClientsRun:
    """What one process of clients measured: latencies (ms) per tool, errors, its CPU seconds,
    and when its clients started and ended (wall clock, seconds)."""

    timings: dict[str, list[float]]
    errors: list[str]
    cpu: float
    started: float
    ended: float


def run_clients(url: str, plans: Sequence[Sequence[Call]], pause: float,
                processes: int) -> list[ClientsRun]:
    """Every plan run by its own client at once: here, or shared out between `processes`
    processes of their own (so the clients are not held to one core)."""
    if processes <= 1:
        return [clients_here(url, plans, pause)]
    shares = [plans[i::processes] for i in range(processes)]
    # spawned rather than forked: the caller may have threads (a test's)
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        return pool.starmap(clients_here, [(url, share, pause) for share in shares])


def clients_here(url: str, plans: Sequence[Sequence[Call]], pause: float) -> ClientsRun:
    """The clients of `plans` at once in this process, on one event loop."""
    timings: dict[str, list[float]] = {}
    errors: list[str] = []

    async def everyone() -> None:
        await asyncio.gather(*(one_client(url, plan, timings, errors, pause) for plan in plans))
    cpu, started = own_cpu(), time.time()
    asyncio.run(everyone())
    return ClientsRun(timings, errors, own_cpu() - cpu, started, time.time())


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_size(size: int, args: argparse.Namespace, work: Path, out: TextIO) -> dict[str, Any]:
    bundle_path = bundle_of(size, work)
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workers = ["--workers", str(args.workers)] if args.workers else []
    server = subprocess.Popen([KB, "mcp", "--http", "--port", str(port), "--bundle",
                               str(bundle_path), *workers], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, server)
        idle_kib, kind = tree_memory(server.pid)
        rng = random.Random(args.seed)
        plans = [calls_for(bundle, args.calls, rng) for _ in range(args.clients)]
        url = f"http://127.0.0.1:{port}/mcp"
        server_cpu, load = tree_cpu(server.pid), os.getloadavg()[0]
        runs = run_clients(url, plans, args.pause_ms / 1000, args.client_processes)
        server_cpu = tree_cpu(server.pid) - server_cpu
        load = max(load, os.getloadavg()[0])
        timings: dict[str, list[float]] = {}
        for run in runs:
            for tool, values in run.timings.items():
                timings.setdefault(tool, []).extend(values)
        errors = [error for run in runs for error in run.errors]
        clients_cpu = sum(run.cpu for run in runs)
        seconds = max(run.ended for run in runs) - min(run.started for run in runs)
        busy_kib, _ = tree_memory(server.pid)
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
    print(f"  CPU: server {server_cpu:.1f} s ({server_cpu / calls * 1000:.2f} ms a call), "
          f"clients {clients_cpu:.1f} s in {args.client_processes} process"
          f"{'es' if args.client_processes > 1 else ''} "
          f"({clients_cpu / max(server_cpu + clients_cpu, 1e-9):.0%} of the two); load average "
          f"{load:.2f} on {os.cpu_count()} CPUs", file=out)
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


def tree_cpu(pid: int) -> float:
    """User + system CPU seconds of `pid` and its live descendants so far (from /proc)."""
    ticks = 0
    for each in process_tree(pid):
        try:
            with open(f"/proc/{each}/stat", encoding="ascii") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """User + system CPU seconds of this process (the clients) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def tree_memory(pid: int) -> tuple[int, str]:
    """(KiB, measure) of `pid` and its descendants (its workers), summed: PSS where readable."""
    sizes = [process_memory(each) for each in process_tree(pid)]
    return sum(kib for kib, _ in sizes), "+".join(sorted({m for _, m in sizes if m}))


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
    parser.add_argument("--client-processes", type=int, default=1,
                        help="processes the clients are shared out between (default 1: all in "
                             "this one, on one event loop)")
    parser.add_argument("--workers", type=int,
                        help="the server's worker processes (default: kb mcp's own default)")
    parser.add_argument("--work", type=Path,
                        help="keep the knowledge bases and bundles in this folder and reuse "
                             "those already there (default: a temporary folder)")
    args = parser.parse_args(argv)
    print(f"kb mcp under load, {dt.datetime.now(dt.UTC):%Y-%m-%d}", file=out)
    with tempfile.TemporaryDirectory(prefix="kb-mcp-load-") as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        results = [run_size(int(s), args, work, out) for s in args.sizes.split(",")]
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
