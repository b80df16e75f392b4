"""``searchtrail`` and ``python -m searchtrail`` run the command line."""

import os
import sys


def program() -> int:
    """The command line run as a program of its own.

    numpy's OpenBLAS starts a thread per core when it loads, and each spins on its core for
    a while before it sleeps (about 0.1 s of a core per process). searchtrail does no linear
    algebra, so the command line and the processes it starts (read workers, the titles'
    process) ask OpenBLAS for no threads of its own, unless the environment says otherwise.
    This is set before numpy is first imported, which is why the command line is imported
    here and not at the top."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from searchtrail.cli import program as run  # noqa: PLC0415

    return run()


if __name__ == "__main__":  # a process started for a worker imports this module too
    sys.exit(program())
