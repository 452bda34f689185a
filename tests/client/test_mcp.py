"""`kb mcp` through the official MCP SDK's client, over stdio and over Streamable HTTP."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from client_support import labeled_cases, shipped_client
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from export.export_support import GOLDEN_KB, HIDDEN_IDS, HIDDEN_WORDS, exports_of
from kbtest import REPO, edit

KB = str(Path(sys.executable).with_name("kb"))
TOOLS = {"search", "get_article", "list_trees", "route", "walk_tree", "get_macro"}

Session = Callable[[ClientSession], Awaitable[Any]]


@asynccontextmanager
async def stdio_session(*args: str, root: Path = REPO) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(command=KB, args=["--root", str(root), "mcp", *args],
                                   cwd=str(root))
    with open(os.devnull, "w") as quiet:
        async with stdio_client(params, errlog=quiet) as (read, write), \
                ClientSession(read, write) as session:
            await session.initialize()
            yield session


def run_async(main: Callable[[], Awaitable[Any]]) -> Any:
    """`anyio.run(main)` in a thread of its own: the browser tests' Playwright keeps an event
    loop running in the test thread for the whole session."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, main).result()


def over_stdio(body: Session, root: Path = REPO) -> Any:
    async def run() -> Any:
        async with stdio_session(root=root) as session:
            return await body(session)
    return run_async(run)


async def call(session: ClientSession, tool: str, **arguments: Any) -> Any:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content
    return result.structured_content


async def error_of(session: ClientSession, tool: str, **arguments: Any) -> str:
    result = await session.call_tool(tool, arguments)
    assert result.is_error
    return "\n".join(c.text for c in result.content)  # type: ignore[union-attr]


# --- tools ------------------------------------------------------------------------------------

def test_the_tools_have_input_and_output_schemas() -> None:
    async def body(session: ClientSession) -> Any:
        return (await session.list_tools()).tools
    tools = over_stdio(body)
    assert {t.name for t in tools} == TOOLS
    for tool in tools:
        assert tool.input_schema["type"] == "object" and tool.output_schema, tool.name
        assert tool.annotations is not None and tool.annotations.read_only_hint
    walk_tool = next(t for t in tools if t.name == "walk_tree")
    assert walk_tool.output_schema is not None
    assert {"question", "outcome", "signals", "path"} <= set(walk_tool.output_schema["properties"])


def test_search_get_article_and_macro() -> None:
    async def body(session: ClientSession) -> Any:
        found = await call(session, "search", query="upi debited not credited to merchant",
                           market="IN")
        top = found["result"][0]
        section = await call(session, "get_article", id=top["article_id"], section=top["anchor"])
        trees = await call(session, "list_trees", market="BR")
        macro_id = next(a["id"] for a in shipped_client().bundle["articles"]
                        if a["type"] == "macro")
        macro = await call(session, "get_macro", id=macro_id)
        return found["result"], section, trees["result"], macro
    found, section, trees, macro = over_stdio(body)
    assert "upi-failed-debit" in [r["article_id"] for r in found[:3]]
    assert section["section"] == found[0]["anchor"] and section["text"]
    assert trees and all("BR" in t["markets"] for t in trees)
    assert macro["markdown"]


def test_every_labeled_case_walks_to_its_outcome_through_walk_tree() -> None:
    cases = list(labeled_cases())

    async def body(session: ClientSession) -> list[tuple[str, str, list[str]]]:
        reached = []
        for tree, case in cases:
            known: dict[str, Any] = {}
            for _ in range(50):
                step = await call(session, "walk_tree", tree=tree.id, facts=known)
                if step["outcome"] is not None:
                    break
                fact = step["question"]["fact"]
                known[fact] = case.facts[fact]
            reached.append((case.expected, step["outcome"]["node"], step["path"]))
        return reached
    reached = over_stdio(body)
    assert len(reached) == len(cases) > 50
    for (expected, node, path), (tree, case) in zip(reached, cases, strict=True):
        assert node == expected, case.id
        assert tuple(path) == shipped_client().walk(tree.id, case.facts).path


def test_bad_arguments_are_tool_errors_and_the_server_goes_on() -> None:
    async def body(session: ClientSession) -> list[str]:
        errors = [
            await error_of(session, "walk_tree", tree="upi-debited-not-credited",
                           facts={"debited": "yes"}),
            await error_of(session, "walk_tree", tree="no-such-tree", facts={}),
            await error_of(session, "walk_tree", tree="upi-debited-not-credited",
                           facts={"debited": {"nested": True}}),
            await error_of(session, "search", query="refund", limit=0),
            await error_of(session, "search", query="x" * 5000),
            await error_of(session, "search"),
            await error_of(session, "get_article", id="upi-failed-debit", section="nope"),
            await error_of(session, "get_macro", id="upi-failed-debit"),
            await error_of(session, "list_trees", limit=0),
        ]
        still = await call(session, "search", query="refund timelines")
        assert still["result"]
        return errors
    errors = over_stdio(body)
    assert "fact `debited` takes true or false, not `yes`" in errors[0]
    assert "no decision tree `no-such-tree`" in errors[1]
    assert "has no section `nope`" in errors[6]
    assert "not a macro" in errors[7]
    assert all(errors)


def test_list_trees_answers_what_the_client_lists_in_one_block_of_json() -> None:
    async def body(session: ClientSession) -> Any:
        return (await session.call_tool("list_trees", {"market": "BR", "limit": 3}),
                await session.call_tool("list_trees", {}))
    some, every = over_stdio(body)
    for result, trees in ((some, shipped_client().trees(market="BR")[:3]),
                          (every, shipped_client().trees())):
        expected = json.loads(json.dumps([dataclasses.asdict(t) for t in trees]))
        assert result.structured_content == {"result": expected}
        assert [json.loads(c.text) for c in result.content] == [{"result": expected}]
    assert len(some.structured_content["result"]) == 3


def test_articles_and_trees_are_resources() -> None:
    async def body(session: ClientSession) -> Any:
        templates = (await session.list_resource_templates()).resource_templates
        article = await session.read_resource("kb://articles/upi-failed-debit")
        tree = await session.read_resource("kb://trees/upi-debited-not-credited")
        with pytest.raises(MCPError, match="no article `nope`"):
            await session.read_resource("kb://articles/nope")
        return templates, article.contents[0].text, tree.contents[0].text  # type: ignore[union-attr]
    templates, article, tree = over_stdio(body)
    assert {t.uri_template for t in templates} == {"kb://articles/{id}", "kb://trees/{id}"}
    assert article == shipped_client().article("upi-failed-debit").text
    assert json.loads(tree)["id"] == "upi-debited-not-credited"


# --- what it must never serve -----------------------------------------------------------------

def test_no_restricted_or_draft_item_in_any_answer(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(GOLDEN_KB, root)

    async def body(session: ClientSession) -> str:
        seen = []
        for word in (*HIDDEN_WORDS, *HIDDEN_IDS):
            seen.append(json.dumps((await session.call_tool(
                "search", {"query": word, "limit": 20})).structured_content))
            seen.append(json.dumps(await call(session, "route", message=word, limit=20)))
        for item in HIDDEN_IDS:
            for tool, args in (("get_article", {"id": item}), ("get_macro", {"id": item}),
                               ("walk_tree", {"tree": item, "facts": {}})):
                result = await session.call_tool(tool, args)
                assert result.is_error
                seen.append(result.content[0].text.replace(item, ""))  # type: ignore[union-attr]
            for uri in (f"kb://articles/{item}", f"kb://trees/{item}"):
                with pytest.raises(MCPError) as refused:
                    await session.read_resource(uri)
                seen.append(str(refused.value).replace(item, ""))
        trees = await call(session, "list_trees")
        seen.append(json.dumps(trees))
        for tree in trees["result"]:
            seen.append(json.dumps(await call(session, "walk_tree", tree=tree["id"], facts={})))
        seen.append(json.dumps([t.model_dump() for t in (await session.list_tools()).tools]))
        return "\n".join(seen).lower()
    served = over_stdio(body, root)
    assert "refund-triage" in served  # the exported tree is there
    # the exported tree's `not_for` names the restricted tree in its source: left out
    assert "many refunds went to one account" not in served
    for word in (*HIDDEN_WORDS, *HIDDEN_IDS):
        assert word.lower() not in served


def test_a_tampered_bundle_is_refused_at_start(tmp_path: Path) -> None:
    bundle = json.loads(exports_of(GOLDEN_KB)["kb-bundle.json"])
    bundle["trees"][0]["nodes"][bundle["trees"][0]["start"]]["branches"] = []
    path = tmp_path / "kb-bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    run = subprocess.run([KB, "mcp", "--bundle", str(path)], capture_output=True, text=True,
                         cwd=REPO, timeout=60, stdin=subprocess.DEVNULL)
    assert run.returncode == 2
    assert "does not match its sha256" in run.stderr and "Traceback" not in run.stderr


# --- Streamable HTTP --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class HttpServer:
    process: subprocess.Popen[str]
    url: str
    #: what it wrote to stderr, once it stopped
    err: str = ""


@contextmanager
def http_server(tmp_path: Path, *args: str) -> Iterator[HttpServer]:
    """`kb mcp --http` on a free port of 127.0.0.1 serving the shipped bundle; stopped
    (SIGTERM) on leaving."""
    port = free_port()
    bundle = tmp_path / "kb-bundle.json"
    bundle.write_bytes(exports_of(REPO)["kb-bundle.json"])
    server = subprocess.Popen([KB, "mcp", "--http", "--port", str(port), "--bundle", str(bundle),
                               *args], cwd=REPO, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        served = HttpServer(server, f"http://127.0.0.1:{port}/mcp")
        yield served
    finally:
        if server.poll() is None:
            server.terminate()
        _, err = server.communicate(timeout=30)
    served.err = err


async def http_calls(url: str) -> tuple[set[str], list[Any], Any, str, str]:
    """Over one official-SDK session: the tool names, a search, the walk of a labeled case
    (and the outcome it expects), a bad argument's error."""
    async with streamable_http_client(url) as (read, write), \
            ClientSession(read, write) as session:
        await session.initialize()
        names = {t.name for t in (await session.list_tools()).tools}
        found = await call(session, "search", query="pix med golpe", market="BR")
        tree, case = next(iter(labeled_cases()))
        walked = await call(session, "walk_tree", tree=tree.id, facts=dict(case.facts))
        bad = await error_of(session, "walk_tree", tree=tree.id, facts={"x": 1})
        return names, found["result"], walked, case.expected, bad


def assert_served(answer: tuple[set[str], list[Any], Any, str, str]) -> None:
    names, found, walked, expected, bad = answer
    assert names == TOOLS
    assert found and all(r["article_id"] for r in found)
    assert walked["outcome"]["node"] == expected
    assert "is not a fact of tree" in bad


def test_streamable_http_on_localhost(tmp_path: Path) -> None:
    with http_server(tmp_path, "--workers", "1") as served:
        assert_served(run_async(lambda: http_calls(served.url)))
        assert served.process.poll() is None
        assert workers_of(served.process.pid) == []
    assert f"{served.url} (1 worker)" in served.err


def workers_of(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
        return sorted(int(child) for child in f.read().split())


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")
def test_workers_answer_and_a_killed_worker_is_replaced(tmp_path: Path) -> None:
    with http_server(tmp_path, "--workers", "2") as served:
        server, url = served.process, served.url
        deadline = time.monotonic() + 30  # the port is open before the workers are forked
        while len(workers := workers_of(server.pid)) != 2:
            assert time.monotonic() < deadline, workers
            time.sleep(0.1)

        async def sessions() -> list[Any]:
            answers: list[Any] = []

            async def one() -> None:
                answers.append(await http_calls(url))
            async with anyio.create_task_group() as group:
                for _ in range(6):
                    group.start_soon(one)
            return answers
        for answer in run_async(sessions):
            assert_served(answer)
        time.sleep(1.1)  # older than MIN_LIFE: a worker that dies now is replaced
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while len(replaced := workers_of(server.pid)) != 2 or workers[0] in replaced:
            assert time.monotonic() < deadline, replaced
            time.sleep(0.1)
        assert workers[1] in replaced
        assert_served(run_async(lambda: http_calls(url)))
        assert server.poll() is None
        server.terminate()
        assert server.wait(timeout=30) == 0
    for pid in replaced:  # the workers stopped with the server
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    err = served.err
    assert f"worker {workers[0]} was killed by signal 9; starting another" in err
    assert "Traceback" not in err


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")
def test_a_server_stopped_as_it_forks_its_workers_leaves_none(tmp_path: Path) -> None:
    for _ in range(3):
        with http_server(tmp_path, "--workers", "4") as served:
            served.process.terminate()  # as soon as the port is open: workers are being forked
            forked = workers_of(served.process.pid) if served.process.poll() is None else []
            assert served.process.wait(timeout=30) == 0
        for pid in forked:
            assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()


def test_workers_need_http_and_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    run = subprocess.run([KB, "mcp", "--workers", "2"], capture_output=True, text=True,
                         cwd=REPO, timeout=60, stdin=subprocess.DEVNULL)
    assert run.returncode == 2 and "--workers applies to --http only" in run.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([KB, "mcp", "--http", "--port", str(port)], capture_output=True,
                             text=True, cwd=REPO, timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 2, run.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in run.stderr and "Traceback" not in run.stderr


# --- the agents' page -------------------------------------------------------------------------

def test_the_agents_page_names_the_servers_tools_and_the_measured_figures() -> None:
    from client_support import shipped_kb

    from kb.mcp_server import build_server
    from kb.pages.agent_access import TOOLS as PAGE_TOOLS
    from kb.pages.agent_access import search_quality_markdown

    served = run_async(build_server(shipped_client()).list_tools)
    assert {name for name, _ in PAGE_TOOLS} == {t.name for t in served} == TOOLS
    page = search_quality_markdown(shipped_kb())
    assert "| IN |" in page and "| BR |" in page and "| **overall** |" in page



# --- languages --------------------------------------------------------------------------------

def bundle_of_copy(tmp_path: Path, rel: str, old: str, new: str) -> Path:
    """A bundle file built from a copy of the golden KB with one edit (not linted)."""
    root = tmp_path / "kb"
    shutil.copytree(GOLDEN_KB, root)
    edit(root, rel, old, new)
    path = tmp_path / "kb-bundle.json"
    path.write_bytes(exports_of(root)["kb-bundle.json"])
    return path


def over_stdio_bundle(body: Session, bundle: Path) -> Any:
    async def run() -> Any:
        async with stdio_session("--bundle", str(bundle)) as session:
            return await body(session)
    return run_async(run)


def test_macros_and_walks_in_the_customers_language() -> None:
    client = shipped_client()
    tree, case = next((t, c) for t, c in labeled_cases() if "BR" in t.meta.markets
                      and (o := client.walk(t.id, c.facts).outcome) is not None
                      and o.macro is not None
                      and "BR" in client.article(o.macro.id).markets)
    macro_id = client.walk(tree.id, case.facts).outcome.macro.id  # type: ignore[union-attr]

    async def body(session: ClientSession) -> Any:
        tools = {t.name: t for t in (await session.list_tools()).tools}
        schemas = {name: tools[name].input_schema["properties"]
                   for name in ("get_article", "get_macro", "walk_tree")}
        macro = await call(session, "get_macro", id=macro_id, locale="pt-BR")
        english = await call(session, "get_macro", id=macro_id)
        walked = await call(session, "walk_tree", tree=tree.id, facts=dict(case.facts),
                            locale="pt-BR")
        article = await call(session, "get_article", id="upi-failed-debit", locale="pt-BR")
        unknown = [await error_of(session, "get_macro", id=macro_id, locale="fr"),
                   await error_of(session, "walk_tree", tree=tree.id, facts={}, locale="de"),
                   await error_of(session, "get_article", id=macro_id, locale="es-MX")]
        return schemas, macro, english, walked, article, unknown
    schemas, macro, english, walked, article, unknown = over_stdio(body)
    for schema in schemas.values():
        assert "locale" in schema and "BCP 47" in json.dumps(schema["locale"])
    portuguese = client.macro(macro_id, locale="pt-BR")
    assert portuguese.locale == "pt-BR"
    assert (macro["locale"], macro["fallback"], macro["markdown"]) == (
        "pt-BR", "", portuguese.markdown)
    assert english["locale"] == "en" and english["markdown"] != macro["markdown"]
    outcome = walked["outcome"]
    assert (outcome["macro_locale"], outcome["macro_fallback"]) == ("pt-BR", "")
    assert outcome["macro_text"] in portuguese.markdown
    assert (article["locale"], article["fallback"]) == ("en", "missing")
    for message, locale in zip(unknown, ("fr", "de", "es-MX"), strict=True):
        assert f"unknown locale `{locale}`; this knowledge base has en, pt-BR" in message


def test_a_stale_translation_is_not_served_as_current(tmp_path: Path) -> None:
    bundle = bundle_of_copy(tmp_path, "docs/replies/reply-refund.md", "within\n5 working days",
                            "within 3 working days")

    async def body(session: ClientSession) -> Any:
        return (await call(session, "get_macro", id="reply-refund", locale="pt-BR"),
                await call(session, "walk_tree", tree="refund-triage", locale="pt-BR",
                           facts={"arrived": False, "rail": "upi", "days": 2}))
    macro, walked = over_stdio_bundle(body, bundle)
    assert (macro["locale"], macro["fallback"]) == ("en", "stale")
    assert "within 3 working days" in macro["markdown"]
    outcome = walked["outcome"]
    assert (outcome["macro_locale"], outcome["macro_fallback"]) == ("en", "stale")
    assert "reembolso" not in json.dumps([macro, walked], ensure_ascii=False)


def test_a_restricted_sources_translation_is_never_served(tmp_path: Path) -> None:
    bundle = bundle_of_copy(tmp_path, "docs/replies/reply-refund.md", "visibility: public",
                            "visibility: restricted")

    async def body(session: ClientSession) -> str:
        seen = []
        for macro_id in ("reply-refund", "reply-refund-pt-br"):
            for args in ({"id": macro_id}, {"id": macro_id, "locale": "pt-BR"}):
                seen.append(await error_of(session, "get_macro", **args))
                seen.append(await error_of(session, "get_article", **args))
        found = await session.call_tool("search", {"query": "reembolso a caminho", "limit": 20})
        seen.append(json.dumps(found.structured_content, ensure_ascii=False))
        return "\n".join(seen)
    served = over_stdio_bundle(body, bundle)
    assert served.count("no article `reply-refund") == 8
    assert "reembolso está" not in served and "Resposta" not in served
