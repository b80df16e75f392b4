"""Telling a stale Snakemake lock from a run that is going on.

Snakemake locks the working directory while it runs. A run killed before it ends leaves the
lock behind, and the next run stops on it. A lock is stale when no process still works in
that directory: no other ``snakemake`` and no ``searchtrail`` step (a killed run's steps
may outlive it for a moment). Processes are looked up in ``/proc``; where there is none
(not Linux), no lock is called stale and Snakemake's own message stands.
"""

from __future__ import annotations

import os
from pathlib import Path

LOCKS = Path(".snakemake") / "locks"


def _working_here(directory: Path) -> bool:
    """Whether another process than this one and its ancestors runs snakemake or a
    searchtrail step in ``directory``."""
    proc = Path("/proc")
    mine = {os.getpid()}
    parent = os.getppid()
    while parent > 1 and parent not in mine:
        mine.add(parent)
        try:
            stat = (proc / str(parent) / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    target = directory.resolve()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        try:
            if (entry / "cwd").readlink().resolve() != target:
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"snakemake" in command or b"searchtrail" in command:
            return True
    return False


def stale_lock(directory: Path) -> bool:
    """True when ``directory`` holds a Snakemake lock that no running process holds."""
    locks = directory / LOCKS
    if not Path("/proc/self").exists() or not locks.is_dir():
        return False
    if not any(locks.glob("*.lock")):
        return False
    return not _working_here(directory)
