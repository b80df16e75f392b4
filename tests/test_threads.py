"""Pieces worked on in threads: results in order, as many at once as the cores allow."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


@needs_two
def test_a_reading_block_in_one_thread_does_not_set_another_threads_reading():
    """Each thread has its own say: a block another thread entered first and leaves while
    this one is in its own leaves this one's as it was."""
    inside = threading.Event()
    leave = threading.Event()

    def other() -> None:
        with threads.cores_shared(lambda: 100):
            inside.set()
            leave.wait(5)

    helper = threading.Thread(target=other)
    helper.start()
    inside.wait(5)
    with threads.cores_shared(lambda: 0):
        leave.set()
        helper.join(5)
        watch = _Watch()
        list(threads.each_in_order(watch, range(6)))
        assert watch.most == 1


@pytest.mark.parametrize(
    ("cores", "readers", "done", "spare"),
    [
        (2, 2, 0, 0),  # both readers read: one piece at a time each
        (2, 2, 1, 1),  # one is done: the other takes its core
        (8, 8, 1, 0),  # seven readers still share eight cores
        (8, 8, 4, 1),  # four readers, eight cores
        (4, 2, 0, 1),  # more cores than readers from the start
        (1, 1, 0, 0),
        (2, 1, 1, 1),  # a reader alone (its own mark counted too)
    ],
)
def test_a_reader_takes_a_second_thread_only_where_the_cores_outnumber_the_readers(
    monkeypatch, cores, readers, done, spare
):
    monkeypatch.setattr(threads.os, "cpu_count", lambda: cores)
    assert threads.spare_cores(readers, done) == spare


def test_the_command_says_when_it_has_no_file_left_to_read(tmp_path, monkeypatch):
    """The command's own mark, left once it has no file to claim, frees its core for the
    workers' pieces while it waits for them."""
    marked = []
    original = files._done_reading

    def mark(folder):
        marked.append(folder)
        original(folder)

    monkeypatch.setattr(files, "_done_reading", mark)
    paths = sorted((Path(__file__).parent / "data" / "exports").glob("*.ris"))[:2]
    records, _ = files.read_files(paths, parallel_above=0, spool=tmp_path)
    assert len(records) > 0
    assert marked == [tmp_path / files.SPOOL]
