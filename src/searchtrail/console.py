"""What the command line prints while it works."""

from __future__ import annotations

import sys
from collections.abc import Callable


def progress(quiet: bool) -> Callable[[str], None]:
    """What prints a stage's progress messages (on standard error), or nothing with ``quiet``."""

    def say(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr, flush=True)

    return say
