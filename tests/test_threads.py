"""Pieces worked on in threads: results in order, as many at once as the cores allow."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from searchtrail import threads
from searchtrail.dedup import files


class _Watch:
    """A function that records how many of its calls run at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0
        self.started: list[int] = []

    def __call__(self, item: int) -> int:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.started.append(item)
        time.sleep(0.02)
        with self.lock:
            self.now -= 1
        return item * item


needs_two = pytest.mark.skipif(threads.PIECE_THREADS < 2, reason="a machine of one core")


@needs_two
def test_pieces_are_worked_on_two_at_a_time_when_the_reader_is_alone():
    watch = _Watch()
    assert list(threads.each_in_order(watch, range(8))) == [k * k for k in range(8)]
    assert watch.most == 2


@needs_two
def test_a_reader_works_on_one_piece_at_a_time_while_every_other_reader_reads():
    watch = _Watch()
    with threads.cores_shared(lambda: 0):
        assert list(threads.each_in_order(watch, range(6))) == [k * k for k in range(6)]
    assert watch.most == 1
    # Outside the block, the reader is alone again.
    watch = _Watch()
    list(threads.each_in_order(watch, range(6)))
    assert watch.most == 2


@needs_two
def test_a_reader_takes_a_second_thread_once_another_reader_is_done():
    """The cores are asked about before each piece: a reader that finished its files
    frees a core for the pieces still to come."""
    watch = _Watch()
    done = threading.Event()

    def spare() -> int:
        return 1 if done.is_set() else 0

    def work(item: int) -> int:
        if item == 3:
            done.set()
        return watch(item)

    with threads.cores_shared(spare):
        assert list(threads.each_in_order(work, range(10))) == [k * k for k in range(10)]
    assert watch.most == 2


def test_a_caller_that_stops_early_leaves_at_most_the_items_ahead_made_in_vain():
    watch = _Watch()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for result in threads.in_order(pool, watch, range(100), ahead=2):
            if result == 4:  # the third item
                break
    assert sorted(watch.started) == [0, 1, 2, 3]


def test_readers_say_when_they_have_no_file_left(tmp_path):
    assert files._readers_done(tmp_path) == 0
    (tmp_path / "0.claim").touch()
    (tmp_path / "0.json").write_text("{}")
    assert files._readers_done(tmp_path) == 0
    files._done_reading(tmp_path)
    assert files._readers_done(tmp_path) == 1
    (tmp_path / "12345.done").touch()  # another process's
    assert files._readers_done(tmp_path) == 2
