"""`IterationBatch`: the calls made during one event-loop iteration, handled together by one task.

The rate-limit counts (one Redis script call), the cache's sets (one Redis pipeline) and the
reads of items by id (one SQL statement) all use it: a round trip costs the app more CPU than
what it carries, so the requests that are ready together share one. The flush is queued with
`call_soon` by the first call of an iteration, so it runs after every request ready in that
iteration has joined.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Batch = list[tuple[T, "asyncio.Future[R]"]]


class IterationBatch(Generic[T, R]):
    """`await batch.submit(item)` → the result `run` gives that item's future.

    `run(batch)` receives the (item, future) pairs of one iteration and settles every future
    still pending: a result, or `fail(batch, exc)`; a future already done was cancelled by its
    request and is left alone."""

    def __init__(self, run: Callable[[Batch[T, R]], Awaitable[None]]) -> None:
        self._run = run
        self._pending: Batch[T, R] = []
        self._running: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        if self._pending:
            # A batch is open, so this runs in the iteration of the loop that holds its futures.
            # Asking for the running loop again would cost a getpid() syscall on Python 3.11.
            loop = self._pending[0][1].get_loop()
        else:
            loop = asyncio.get_running_loop()
            loop.call_soon(self._flush, loop)
        future: asyncio.Future[R] = loop.create_future()
        self._pending.append((item, future))
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self._pending = self._pending, []
        task = loop.create_task(self._settle(batch))
        self._running.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._running.discard)

    async def _settle(self, batch: Batch[T, R]) -> None:
        try:
            await self._run(batch)
        except BaseException as exc:  # every waiting request gets it, none hangs
            fail(batch, exc)
            if not isinstance(exc, Exception):
                raise


def fail(batch: Batch[T, R], exc: BaseException) -> None:
    """Settle every pending future of `batch` with `exc` (cancelled, for a cancellation)."""
    for _, future in batch:
        if future.done():
            continue
        if isinstance(exc, Exception):
            future.set_exception(exc)
        else:
            future.cancel()
