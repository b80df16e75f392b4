"""Work on a sequence of items in threads, the results taken in the items' order.

Reading a large export is array operations (NumPy's and Arrow's) on one piece of it at a
time, and those run outside Python's interpreter lock: two pieces read in two threads take
little more than half the time of one after the other. Where files are read in several
processes, one a core, a reader uses a second thread only while another reader has no file
left (:func:`cores_shared`): more threads than cores would only hold more pieces in memory
at once."""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Final, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PIECE_THREADS: Final = min(2, os.cpu_count() or 1)
"""Pieces of one file read at once, at most. Alone on the machine, one file of a
million-record corpus's five (336 MB of RIS) was read in 2.3 s with two threads against
3.0-4.0 s with one, the same records; a third thread finds no third core on a machine of
two, and a machine of more cores reads more files at once."""


def _alone() -> int:
    return PIECE_THREADS - 1


_SPARE: Final[contextvars.ContextVar[Callable[[], int]]] = contextvars.ContextVar(
    "spare", default=_alone
)
"""How many more threads than one the reading in this thread may use now, as the
:func:`cores_shared` block it is in tells it (each thread has its own)."""


@contextlib.contextmanager
def cores_shared(spare: Callable[[], int]) -> Iterator[None]:
    """While in the block, :func:`each_in_order` called in this thread asks ``spare`` how
    many threads beyond one it may use (asked before each item: other readers may be done
    by then)."""
    token = _SPARE.set(spare)
    try:
        yield
    finally:
        _SPARE.reset(token)


def spare_cores(readers: int, done: int) -> int:
    """The threads beyond one that each of the ``readers - done`` readers still reading may
    use, the machine's cores shared among them (none while every core has a reader)."""
    reading = max(readers - done, 1)
    return max((os.cpu_count() or 1) - reading, 0) // reading


def in_order(
    pool: ThreadPoolExecutor,
    function: Callable[[T], R],
    items: Iterable[T],
    *,
    ahead: int | Callable[[], int],
) -> Iterator[R]:
    """``function`` of each item, in order, made by ``pool`` at most ``ahead`` at a time (a
    number, or a function asked before each item is started). The caller may stop early:
    at most ``ahead`` items are then made in vain."""
    most = ahead if callable(ahead) else lambda: ahead
    running: deque[Future[R]] = deque()
    for item in items:
        while running and len(running) >= max(most(), 1):
            yield running.popleft().result()
        running.append(pool.submit(function, item))
    while running:
        yield running.popleft().result()


def each_in_order(function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """``function`` of each item, in order, in up to :data:`PIECE_THREADS` threads as the
    cores allow (:func:`cores_shared`); in this thread alone on a machine of one core."""
    if PIECE_THREADS < 2:
        yield from map(function, items)
        return
    with ThreadPoolExecutor(max_workers=PIECE_THREADS) as pool:
        yield from in_order(
            pool, function, items, ahead=lambda: 1 + min(_SPARE.get()(), PIECE_THREADS - 1)
        )
