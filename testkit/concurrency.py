"""Racing real work in threads, with nothing lost: what a thread raised fails the test, and so does a
thread that never finished."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import connections

T = TypeVar("T")
_UNSET = object()


def run_at_once(*calls: Callable[[], T], timeout: float = 30.0) -> list[T]:
    """Run each call in a thread of its own, all released together by a barrier; their results in the
    order of the calls.

    Each thread closes its database connections when done. If any call raised, this raises (the
    first error as the cause, every error in the message); a thread still running after `timeout`
    seconds fails the test rather than being left behind.
    """
    barrier = threading.Barrier(len(calls))
    results: list[object] = [_UNSET] * len(calls)
    errors: list[tuple[int, BaseException]] = []

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = call()
        except BaseException as error:  # handed to the main thread below
            errors.append((index, error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    alive = [index for index, thread in enumerate(threads) if thread.is_alive()]
    assert not alive, f"calls {alive} still running after {timeout} s"
    if errors:
        raise AssertionError(f"{len(errors)} of {len(calls)} calls raised: {errors!r}") from errors[0][1]
    return results  # type: ignore[return-value]
