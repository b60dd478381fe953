"""app.core.eventloop: a burst of connections waiting in the accept queue is taken in one wake-up
(plain uvloop takes one per loop iteration), uvicorn serves through the loop, accepting pauses
and resumes when descriptors run out, closing stops listening, TLS/Unix servers stay uvloop's;
and the edges a review found: a connection accepted as the server closes, a failing protocol
factory, a datagram socket, a kernel without IPv6, a socket that cannot listen."""

from __future__ import annotations

import asyncio
import errno
import gc
import http.client
import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import uvloop

from app.core import eventloop
from app.core.eventloop import AcceptingLoop, AcceptingServer, new_event_loop

BURST = 48  # connections waiting before the loop runs (under the backlog of 128)


class Counting(asyncio.Protocol):
    made = 0

    def __init__(self, all_made: asyncio.Event) -> None:
        self.all_made = all_made

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        Counting.made += 1
        if Counting.made == BURST:
            self.all_made.set()


def iterations_to_take_a_burst(make_loop: Callable[[], asyncio.AbstractEventLoop]) -> int:
    """Open BURST connections while the loop is not running (the kernel completes them into the
    accept queue), then count the loop iterations until every one reached its protocol."""
    Counting.made = 0
    loop = make_loop()
    with ExitStack() as stack:
        stack.callback(loop.close)
        all_made = asyncio.Event()  # 3.10+: bound to the loop on first use
        server = loop.run_until_complete(loop.create_server(lambda: Counting(all_made), "127.0.0.1", 0, backlog=128))
        stack.callback(lambda: loop.run_until_complete(server.wait_closed()))
        stack.callback(server.close)
        port = server.sockets[0].getsockname()[1]
        for _ in range(BURST):
            stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=5))
        iterations = 0

        def tick() -> None:  # runs once per loop iteration while the loop waits
            nonlocal iterations
            iterations += 1
            if not all_made.is_set():
                loop.call_soon(tick)

        async def take_burst() -> None:
            loop.call_soon(tick)
            await asyncio.wait_for(all_made.wait(), timeout=10)

        loop.run_until_complete(take_burst())
        assert Counting.made == BURST
        return iterations


def test_a_burst_of_waiting_connections_is_taken_in_one_wake_up() -> None:
    # Accepted in the first iteration, connected to their protocol in the next.
    assert iterations_to_take_a_burst(new_event_loop) <= 3


def test_plain_uvloop_takes_one_connection_per_iteration() -> None:
    # Why the module exists (libuv >= 1.45); if this fails, libuv accepts in a loop again and
    # app.core.eventloop can go.
    assert iterations_to_take_a_burst(uvloop.new_event_loop) >= BURST // 2


async def ok_app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    if scope["type"] != "http":
        return
    body = type(asyncio.get_running_loop()).__name__.encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def loop() -> Iterator[AcceptingLoop]:
    loop = new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def uvicorn_server() -> Iterator[uvicorn.Server]:
    config = uvicorn.Config(
        ok_app, host="127.0.0.1", port=0, loop="app.core.eventloop:new_event_loop", lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        assert server.started, "uvicorn did not start"
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive(), "uvicorn did not shut down"


def test_uvicorn_serves_through_the_loop_and_shuts_down(uvicorn_server: uvicorn.Server) -> None:
    (listening,) = uvicorn_server.servers
    assert isinstance(listening, AcceptingServer)
    port = listening.sockets[0].getsockname()[1]
    for _ in range(3):  # a new connection each time
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/")
        response = conn.getresponse()
        assert (response.status, response.read()) == (200, b"AcceptingLoop")
        conn.close()


class RunsOutOfDescriptorsOnce(socket.socket):
    """A listening socket whose first accept() fails as it does when the process has no free descriptor."""

    accepts = 0

    def accept(self) -> tuple[socket.socket, Any]:
        RunsOutOfDescriptorsOnce.accepts += 1
        if RunsOutOfDescriptorsOnce.accepts == 1:
            raise OSError(errno.EMFILE, "Too many open files")
        return super().accept()


def test_accepting_pauses_when_out_of_descriptors_and_resumes(loop: AcceptingLoop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eventloop, "ACCEPT_RETRY_DELAY", 0.05)
    RunsOutOfDescriptorsOnce.accepts = 0
    listener = RunsOutOfDescriptorsOnce(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    made = asyncio.Event()

    class Made(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            made.set()

    async def scenario() -> float:
        server = await loop.create_server(Made, sock=listener)
        with socket.create_connection(listener.getsockname(), timeout=5):
            started = loop.time()
            await asyncio.wait_for(made.wait(), timeout=5)
            waited = loop.time() - started
        server.close()
        await server.wait_closed()
        return waited

    waited = loop.run_until_complete(scenario())
    assert RunsOutOfDescriptorsOnce.accepts >= 2  # the failure, then the accept after the pause
    assert waited >= 0.04  # it waited for the pause instead of spinning on a readable socket


def test_a_closed_server_stops_listening(loop: AcceptingLoop) -> None:
    async def scenario() -> tuple[int, socket.socket]:
        server = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0)
        assert server.is_serving()
        sock = server.sockets[0]
        port = sock.getsockname()[1]
        server.close()
        await server.wait_closed()
        assert not server.is_serving()
        return port, sock

    port, sock = loop.run_until_complete(scenario())
    assert sock.fileno() == -1
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)


def test_binding_a_taken_port_says_which_address(loop: AcceptingLoop) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=r"error while attempting to bind on address \('127.0.0.1', \d+\)"):
            loop.run_until_complete(loop.create_server(asyncio.Protocol, "127.0.0.1", port, reuse_address=False))


def test_unix_socket_servers_stay_uvloops(loop: AcceptingLoop, tmp_path: Path) -> None:
    assert isinstance(loop, AcceptingLoop)
    path = str(tmp_path / "s.sock")

    async def scenario() -> asyncio.AbstractServer:
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.bind(path)
        server = await loop.create_server(asyncio.Protocol, sock=unix)
        server.close()
        await server.wait_closed()
        return server

    server = loop.run_until_complete(scenario())
    assert not isinstance(server, AcceptingServer)


def test_a_connection_accepted_as_the_server_closes_is_closed_not_served(loop: AcceptingLoop) -> None:
    made: list[asyncio.BaseProtocol] = []

    def factory() -> asyncio.Protocol:
        protocol = asyncio.Protocol()
        made.append(protocol)
        return protocol

    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0, start_serving=False))
    assert isinstance(server, AcceptingServer)
    listener = server.sockets[0]
    listener.listen(8)
    listener.setblocking(False)
    with socket.create_connection(listener.getsockname(), timeout=5) as client:
        server._accept(listener)  # accepted in the iteration that closes the server, before its setup runs
        server.close()
        loop.run_until_complete(server.wait_closed())
        assert made == []
        assert client.recv(1) == b""  # closed by the server, not left open


def test_a_failing_protocol_factory_closes_the_accepted_socket(loop: AcceptingLoop) -> None:
    def factory() -> asyncio.Protocol:
        raise RuntimeError("no protocol today")

    async def scenario() -> bytes:
        server = await loop.create_server(factory, "127.0.0.1", 0)
        with socket.create_connection(server.sockets[0].getsockname(), timeout=5) as client:
            client.setblocking(False)
            answer = await asyncio.wait_for(loop.sock_recv(client, 1), timeout=5)
        server.close()
        await server.wait_closed()
        return answer

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert loop.run_until_complete(scenario()) == b""
        gc.collect()
    # Closed by the server, not left for the garbage collector to find.
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_a_datagram_socket_is_refused(loop: AcceptingLoop) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        with pytest.raises(ValueError, match="stream socket"):
            loop.run_until_complete(loop.create_server(asyncio.Protocol, sock=udp))


class NoIPv6(socket.socket):
    """As on a kernel booted with IPv6 disabled."""

    def __init__(self, family: int = -1, *args: Any, **kwargs: Any) -> None:
        if family == socket.AF_INET6:
            raise OSError(errno.EAFNOSUPPORT, "Address family not supported by protocol")
        super().__init__(family, *args, **kwargs)


def test_a_family_the_kernel_lacks_is_skipped(loop: AcceptingLoop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "socket", NoIPv6)

    async def families(host: str | list[str]) -> set[int]:
        server = await loop.create_server(asyncio.Protocol, host, 0)
        found = {sock.family for sock in server.sockets}
        server.close()
        await server.wait_closed()
        return found

    assert loop.run_until_complete(families(["127.0.0.1", "::1"])) == {socket.AF_INET}
    with pytest.raises(OSError, match="no socket could be made"):
        loop.run_until_complete(families("::1"))


class CannotListen(socket.socket):
    def listen(self, backlog: int = 0) -> None:
        raise OSError(errno.EADDRINUSE, "Address already in use")


def test_a_server_that_cannot_listen_is_closed_not_half_open(loop: AcceptingLoop) -> None:
    listener = CannotListen(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    with pytest.raises(OSError, match="in use"):
        loop.run_until_complete(loop.create_server(asyncio.Protocol, sock=listener))
    assert listener.fileno() == -1
