"""Counting the records in record files named by the search log."""

from __future__ import annotations

from pathlib import Path

import rispy

from searchtrail.errors import Problem, ReviewError


def count_records(path: Path, name: str) -> int:
    """Number of records in the RIS file at ``path`` (``name`` is how the log names it)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReviewError(
            [
                Problem(
                    name, None, None, None, None, "UTF-8 text", f"cannot decode byte {error.start}"
                )
            ]
        ) from error
    try:
        return len(rispy.loads(text))
    except Exception as error:  # rispy raises plain exceptions on malformed input
        raise ReviewError(
            [
                Problem(
                    name, None, None, None, None, "a RIS file (records from TY to ER)", str(error)
                )
            ]
        ) from error
