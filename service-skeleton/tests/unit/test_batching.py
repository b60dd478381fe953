"""IterationBatch: the calls of one loop iteration reach `run` together; an error of the batch
reaches every waiting call, a cancellation cancels them; a later iteration is a new batch."""

from __future__ import annotations

import asyncio

import pytest

from app.core.batching import Batch, IterationBatch


async def test_calls_of_one_iteration_share_a_batch() -> None:
    seen: list[list[int]] = []

    async def run(batch: Batch[int, int]) -> None:
        seen.append([item for item, _ in batch])
        for item, future in batch:
            future.set_result(item * 10)

    batch: IterationBatch[int, int] = IterationBatch(run)
    assert await asyncio.gather(batch.submit(1), batch.submit(2), batch.submit(3)) == [10, 20, 30]
    assert await batch.submit(4) == 40
    assert seen == [[1, 2, 3], [4]]


async def test_an_error_reaches_every_call_and_a_cancellation_cancels_them() -> None:
    outcome: list[BaseException] = [RuntimeError("down")]

    async def run(batch: Batch[int, int]) -> None:
        raise outcome[0]

    batch: IterationBatch[int, int] = IterationBatch(run)
    results = await asyncio.gather(batch.submit(1), batch.submit(2), return_exceptions=True)
    assert [str(r) for r in results] == ["down", "down"]

    outcome[0] = asyncio.CancelledError()
    calls = [asyncio.ensure_future(batch.submit(n)) for n in range(2)]
    await asyncio.wait(calls, timeout=5)
    assert all(call.cancelled() for call in calls)


async def test_a_call_cancelled_by_its_request_does_not_stop_the_others() -> None:
    release = asyncio.Event()

    async def run(batch: Batch[int, int]) -> None:
        await release.wait()
        for item, future in batch:
            if not future.done():
                future.set_result(item)

    batch: IterationBatch[int, int] = IterationBatch(run)
    first, second = asyncio.ensure_future(batch.submit(1)), asyncio.ensure_future(batch.submit(2))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert await second == 2
    with pytest.raises(asyncio.CancelledError):
        await first
