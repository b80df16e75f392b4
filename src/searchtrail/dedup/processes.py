"""The processes that help one deduplication: where they come from, and starting their
source early.

A helper process (a reader of one more input file, the normaliser of the titles) is made by
a *fork server*: a fresh Python process, started once, that makes each helper as a copy of
itself. The copy has the fork server's imports already and none of the threads or locks of
the command's own process (Arrow's thread pool, a writer thread), which a copy of the
command itself could inherit half taken. Where the system has no fork server (Windows),
each helper is a fresh Python process of its own (``spawn``), which imports what it needs.

``searchtrail dedup`` starts the fork server before it imports anything large
(:func:`start_early`), so that the server imports the reading and matching code on the
second core while the command imports the same on the first: a helper is then ready in
milliseconds instead of half a second. This module imports nothing but the standard library,
so that starting the server costs the command nothing.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import types
from collections.abc import Iterator, Sequence
from multiprocessing.context import ForkServerContext, SpawnContext
from pathlib import Path
from typing import Final

PARALLEL_ABOVE: Final = 20_000_000
"""Bytes of input above which files are read in parallel processes."""

PRELOAD: Final = ("searchtrail.dedup.files",)
"""What the fork server imports before it makes a helper: the readers and the matching
code (the titles' normaliser is among what ``files`` imports)."""


class _State:
    started_early = False
    unnamed = 0
    program: types.ModuleType | None = None
    lock = threading.Lock()


_state = _State()


def forkserver_available() -> bool:
    """The system can start a fork server (Linux and macOS; not Windows)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def context() -> ForkServerContext | SpawnContext:
    """Where helper processes come from: the fork server, or fresh processes where there is
    none."""
    if forkserver_available():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def large(paths: Sequence[Path], above: int | None = None) -> bool:
    """The files hold more than ``above`` bytes (default :data:`PARALLEL_ABOVE`): enough to
    be read by more than one process. A file that cannot be opened counts as empty (its
    reader reports it)."""
    size = 0
    for path in paths:
        try:
            size += path.stat().st_size
        except OSError:
            continue
    return size > (PARALLEL_ABOVE if above is None else above)


@contextlib.contextmanager
def program_unnamed() -> Iterator[None]:
    """While helpers are started: the running program's main module is not named to them.

    A helper needs only searchtrail's own code, but multiprocessing has each new process
    import the program's main module again (as ``__mp_main__``), which runs all of a script
    that does not keep its top level under ``if __name__ == "__main__":`` (a Snakemake
    script, a notebook's export, a benchmark): the script would read and deduplicate once
    more in every helper, or stop it. So, while a helper is started, the main module is a
    blank one. Threads that start helpers at once share one blank module; the program's
    own comes back when the last of them is done."""
    with _state.lock:
        if _state.unnamed == 0:
            _state.program = sys.modules["__main__"]
            sys.modules["__main__"] = types.ModuleType("__main__")
        _state.unnamed += 1
    try:
        yield
    finally:
        with _state.lock:
            _state.unnamed -= 1
            if _state.unnamed == 0 and _state.program is not None:
                sys.modules["__main__"] = _state.program
                _state.program = None


def watch_parent() -> None:
    """In a helper: end it at once when the process that made it ends, however that ends
    (killed, out of memory). A helper left alone would read on, and with the fork server it
    would keep open the output of the command, so that whoever reads that output (a pipe to
    ``tee``, a workflow's log) would wait for ever. The parent's end of a pipe that only it
    holds closes when it ends, which a thread here waits for."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def wait() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=wait, name="watch-parent", daemon=True).start()


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """Ctrl-C ignored while a process is started, which inherits that: the fork server
    imports its preloaded code before it sets itself to ignore Ctrl-C, and would print a
    traceback of its own when interrupted then (the command stops by itself)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def start_early(paths: Sequence[Path]) -> bool:
    """Start the fork server, with :data:`PRELOAD` imported in it, when the inputs are large
    enough to be read by more than one process (:data:`PARALLEL_ABOVE` bytes) on a machine
    of more than one core; return whether it was started. The server imports on its own;
    this returns at once."""
    if _state.started_early:
        return True
    if not forkserver_available() or (os.cpu_count() or 1) < 2 or not large(paths):
        return False
    from multiprocessing import forkserver  # noqa: PLC0415  (not on Windows)

    forkserver.set_forkserver_preload(list(PRELOAD))
    with program_unnamed(), _interrupts_ignored():
        forkserver.ensure_running()
    _state.started_early = True
    return True


def started_early() -> bool:
    """The fork server was started by :func:`start_early` with the code preloaded: a helper
    is ready at once."""
    return _state.started_early


def stop() -> None:
    """Stop the fork server that :func:`start_early` started, once the run needs no more
    helpers: it holds the code it imported (about 0.1 GB), which the rest of a large run
    can use better. (A server searchtrail did not start is left alone.) The standard
    library has no public call for this; its fork server's own ``_stop`` (which its tests
    use, there since Python 3.8) is called when present, and the server is otherwise left
    to end with the command."""
    if not _state.started_early:
        return
    from multiprocessing import forkserver  # noqa: PLC0415  (not on Windows)

    stop_server = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if callable(stop_server):
        stop_server()
    _state.started_early = False
