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
import os
import sys
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


_state = _State()


def forkserver_available() -> bool:
    """The system can start a fork server (Linux and macOS; not Windows)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def context() -> ForkServerContext | SpawnContext:
    """Where helper processes come from: the fork server, or fresh processes where there is
    none."""
    if forkserver_available():
        from multiprocessing import forkserver  # noqa: PLC0415  (not on Windows)

        # Before the server starts: it imports our code, not the program's ``__main__``.
        forkserver.set_forkserver_preload(list(PRELOAD))
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def program_unnamed() -> Iterator[None]:
    """While helpers are started: the running program's main module is not named to them.

    A helper needs only searchtrail's own code, but multiprocessing has each new process
    import the program's main module again (as ``__mp_main__``), which runs all of a script
    that does not keep its top level under ``if __name__ == "__main__":`` (a Snakemake
    script, a notebook's export, a benchmark): the script would read and deduplicate once
    more in every helper, or stop it. So, while a helper is started, the main module is a
    blank one."""
    program = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = program


def start_early(paths: Sequence[Path]) -> bool:
    """Start the fork server, with :data:`PRELOAD` imported in it, when the inputs are large
    enough to be read by more than one process (:data:`PARALLEL_ABOVE` bytes) on a machine
    of more than one core; return whether it was started. The server imports on its own;
    this returns at once."""
    if _state.started_early:
        return True
    if not forkserver_available() or (os.cpu_count() or 1) < 2:
        return False
    size = 0
    for path in paths:
        try:
            size += path.stat().st_size
        except OSError:
            continue  # the reader reports a file it cannot open
    if size <= PARALLEL_ABOVE:
        return False
    from multiprocessing import forkserver  # noqa: PLC0415  (not on Windows)

    context()  # sets what the server imports
    forkserver.ensure_running()
    _state.started_early = True
    return True


def started_early() -> bool:
    """The fork server was started by :func:`start_early` with the code preloaded: a helper
    is ready at once."""
    return _state.started_early


def stop() -> None:
    """Stop the fork server, once the run needs no more helpers: it holds the code it
    imported (about 0.1 GB), which the rest of a large run can use better. The standard
    library has no public call for this; its fork server's own ``_stop`` (which its tests
    use, there since Python 3.8) is called when present, and the server is otherwise left
    to end with the command."""
    if not forkserver_available():
        return
    from multiprocessing import forkserver  # noqa: PLC0415  (not on Windows)

    stop_server = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if callable(stop_server):
        stop_server()
    _state.started_early = False
