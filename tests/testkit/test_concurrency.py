"""testkit.concurrency: results in order, a thread's error or a hung thread fails the caller."""

from __future__ import annotations

import threading

import pytest

from testkit.concurrency import run_at_once


def test_results_come_back_in_the_order_of_the_calls_after_all_started_together():
    started = threading.Barrier(3, timeout=5)  # passes only if all three run at the same time

    def call(value: int):
        return lambda: (started.wait(), value)[1]

    assert run_at_once(call(1), call(2), call(3)) == [1, 2, 3]


def test_an_error_in_a_thread_is_raised_in_the_caller():
    def boom() -> None:
        raise ValueError("in the thread")

    with pytest.raises(AssertionError, match="1 of 2 calls raised") as caught:
        run_at_once(lambda: 1, boom)
    assert isinstance(caught.value.__cause__, ValueError)


def test_a_thread_that_does_not_finish_fails_the_caller():
    release = threading.Event()
    try:
        with pytest.raises(AssertionError, match=r"calls \[1\] still running"):
            run_at_once(lambda: 1, lambda: release.wait(10), timeout=0.5)
    finally:
        release.set()
