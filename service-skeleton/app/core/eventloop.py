"""`new_event_loop`: uvicorn's event loop — uvloop, whose TCP servers accept every waiting
connection each time the listening socket is ready.

Why: libuv (uvloop's engine) accepts ONE connection per loop iteration since 1.45 (libuv commit
6c692ad1, "unix: don't accept() connections in a loop"). When the service is saturated a loop
iteration lasts tens of milliseconds, so a burst of new connections waits in the kernel's accept
queue, each one iteration behind the last: in bench/service, 256 connections opened against a
busy worker were accepted over 3-4 s and their first requests timed out, while asyncio's own loop
(which accepts up to `backlog` connections per wake-up) took them all within about 50 ms. That
is what a new pod sees when the load balancer opens its connections to it, or any pod when a
client reconnects under load. Here the listening socket is asyncio-style (accept until the queue
is empty, at most `backlog` at a time) and each accepted socket is handed to uvloop
(`connect_accepted_socket`), so reading and writing stay libuv's.

TLS servers (and any `ssl_*` argument), Unix sockets, and a socket that reports another family
stay uvloop's own: uvicorn's `--fd` wraps even a TCP descriptor as AF_UNIX, so `--fd` gets plain
uvloop. With several workers sharing one socket, the worker that wakes first takes the whole
burst, as with asyncio's loop; the skeleton runs one worker per pod.

Use: `uvicorn app.asgi:app --loop app.core.eventloop:new_event_loop` (the Dockerfile does; uvicorn
>= 0.36 takes a loop factory as `module:callable`).
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Callable, Iterable
from typing import Any

import uvloop

from app.core.log import get_logger

_log = get_logger("app.eventloop")

# Out of descriptors or memory: stop accepting for this long (asyncio's loop waits the same 1 s)
# rather than spin on a socket that stays readable.
ACCEPT_RETRY_DELAY = 1.0
_RESOURCE_ERRORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})

ProtocolFactory = Callable[[], asyncio.BaseProtocol]


class AcceptingLoop(uvloop.Loop):
    async def create_server(  # type: ignore[override]
        self,
        protocol_factory: ProtocolFactory,
        host: str | Iterable[str] | None = None,
        port: int | None = None,
        *,
        family: int = socket.AF_UNSPEC,
        flags: int = socket.AI_PASSIVE,
        sock: socket.socket | None = None,
        backlog: int = 100,
        ssl: Any = None,
        reuse_address: bool | None = None,
        reuse_port: bool | None = None,
        start_serving: bool = True,
        **tls: Any,
    ) -> asyncio.AbstractServer:
        if ssl is not None or tls or (sock is not None and sock.family not in (socket.AF_INET, socket.AF_INET6)):
            uv: Any = super()  # uvloop's overloads type host/port and sock apart
            own: asyncio.AbstractServer = await uv.create_server(
                protocol_factory, host, port, family=family, flags=flags, sock=sock, backlog=backlog,
                ssl=ssl, reuse_address=reuse_address, reuse_port=reuse_port, start_serving=start_serving, **tls,
            )  # fmt: skip
            return own
        if sock is not None:
            if host is not None or port is not None:
                raise ValueError("host/port and sock can not be specified at the same time")
            if sock.type != socket.SOCK_STREAM:
                raise ValueError(f"a stream socket was expected, got {sock!r}")
            sockets = [sock]
        else:
            sockets = await self._bind(host, port, family, flags, reuse_address, reuse_port)
        server = AcceptingServer(self, sockets, protocol_factory, backlog)
        if start_serving:
            await server.start_serving()
        return server

    async def _bind(
        self,
        host: str | Iterable[str] | None,
        port: int | None,
        family: int,
        flags: int,
        reuse_address: bool | None,
        reuse_port: bool | None,
    ) -> list[socket.socket]:
        """Listening sockets for every address `host` resolves to, bound as asyncio binds them."""
        hosts: list[str | None] = [host] if host is None or isinstance(host, str) else list(host)
        addresses: list[tuple[socket.AddressFamily, socket.SocketKind, int, Any]] = []
        for name in hosts:
            found = await self.getaddrinfo(name or None, port, family=family, type=socket.SOCK_STREAM, flags=flags)
            for af, kind, proto, _, address in found:
                if (af, kind, proto, address) not in addresses:
                    addresses.append((af, kind, proto, address))
        sockets: list[socket.socket] = []
        try:
            for af, kind, proto, address in addresses:
                try:
                    sock = socket.socket(af, kind, proto)
                except OSError:
                    continue  # a family this kernel lacks (IPv6 disabled): the others still listen
                sockets.append(sock)
                if reuse_address is not False:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if reuse_port:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                if af == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                try:
                    sock.bind(address)
                except OSError as exc:
                    raise OSError(exc.errno, f"error while attempting to bind on address {address!r}: {exc.strerror}") from None
        except BaseException:
            for sock in sockets:
                sock.close()
            raise
        if not sockets:
            raise OSError(errno.EAFNOSUPPORT, f"no socket could be made for any address of {host!r}")
        return sockets


class AcceptingServer(asyncio.AbstractServer):
    """Listens on `sockets`; on each wake-up accepts every waiting connection (at most `backlog`).

    Connections belong to their protocol once made (uvicorn tracks and closes its own);
    `wait_closed` waits for the connections still being set up."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, sockets: list[socket.socket], protocol_factory: ProtocolFactory, backlog: int
    ) -> None:
        self._loop = loop
        self._sockets = sockets
        self._protocol_factory = protocol_factory
        self._backlog = max(backlog, 1)
        self._serving = False
        self._closed = False
        self._setting_up: set[asyncio.Task[Any]] = set()  # the loop keeps only weak references to tasks
        self._serving_forever: asyncio.Future[None] | None = None

    @property
    def sockets(self) -> tuple[socket.socket, ...]:
        return () if self._closed else tuple(self._sockets)

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def is_serving(self) -> bool:
        return self._serving

    async def start_serving(self) -> None:
        if self._serving or self._closed:
            return
        self._serving = True
        try:
            for sock in self._sockets:
                sock.setblocking(False)
                sock.listen(self._backlog)
                self._loop.add_reader(sock.fileno(), self._accept, sock)
        except BaseException:
            self.close()  # not half listening: every socket closed
            raise

    def _accept(self, sock: socket.socket) -> None:
        for _ in range(self._backlog):
            try:
                conn, _ = sock.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return  # the queue is empty (or the connection went away before it was taken)
            except OSError as exc:
                if exc.errno not in _RESOURCE_ERRORS:
                    raise
                _log.warning("accept_paused", reason=exc.strerror, retry_in_seconds=ACCEPT_RETRY_DELAY)
                self._loop.remove_reader(sock.fileno())
                self._loop.call_later(ACCEPT_RETRY_DELAY, self._resume, sock)
                return
            conn.setblocking(False)
            task = self._loop.create_task(self._connect(conn))
            self._setting_up.add(task)
            task.add_done_callback(self._set_up)

    async def _connect(self, conn: socket.socket) -> None:
        """Give `conn` its protocol, unless the server closed meanwhile (uvicorn has already told
        its connections to finish: a new one would hold shutdown up). Until uvloop's transport owns
        the socket, closing it on failure is ours."""
        if self._closed:
            conn.close()
            return
        try:
            protocol = self._protocol_factory()
        except BaseException:
            conn.close()
            raise
        await self._loop.connect_accepted_socket(lambda: protocol, conn)

    def _resume(self, sock: socket.socket) -> None:
        if self._serving and sock.fileno() != -1:
            self._loop.add_reader(sock.fileno(), self._accept, sock)

    def _set_up(self, task: asyncio.Task[Any]) -> None:
        self._setting_up.discard(task)
        error = None if task.cancelled() else task.exception()
        if error is not None:
            _log.warning("connection_setup_failed", error=repr(error))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for sock in self._sockets:
            if self._serving and sock.fileno() != -1:
                self._loop.remove_reader(sock.fileno())
            sock.close()
        self._serving = False
        if self._serving_forever is not None and not self._serving_forever.done():
            self._serving_forever.cancel()

    async def wait_closed(self) -> None:
        if self._setting_up:
            await asyncio.wait(set(self._setting_up))

    async def serve_forever(self) -> None:
        if self._serving_forever is not None:
            raise RuntimeError("serve_forever is already being awaited")
        if self._closed:
            raise RuntimeError("the server is closed")
        await self.start_serving()
        self._serving_forever = self._loop.create_future()
        try:
            await self._serving_forever
        except asyncio.CancelledError:
            self.close()
            await self.wait_closed()
            raise
        finally:
            self._serving_forever = None

    async def __aenter__(self) -> AcceptingServer:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()
        await self.wait_closed()


def new_event_loop() -> AcceptingLoop:
    """uvicorn's `--loop app.core.eventloop:new_event_loop`."""
    return AcceptingLoop()
