"""`kb.mcp_server.http`: the listening socket the workers share."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from kb.mcp_server.http import listening_socket


def test_connections_on_the_shared_socket_send_small_answers_at_once() -> None:
    """Nagle's algorithm is off on every accepted connection: with it on, each small answer
    waits for the client's delayed ACK (tens of milliseconds a call)."""
    sock = listening_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted = writer.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(connected, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            value = await asyncio.wait_for(seen, 10)
            writer.close()
            return value
    # A thread of its own: a browser test's event loop may still be running in this one.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, accepted_nodelay()).result(timeout=30) != 0

