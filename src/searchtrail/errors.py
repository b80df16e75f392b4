"""Problems found in a review's files, reported all at once.

Every check in searchtrail collects :class:`Problem` objects instead of stopping at the
first one, so a person fixing a search log sees every mistake in one run. Each problem
names the file, the line where known, the entry (search id, record id, ...), the field,
the offending value and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one place of a review's input files."""

    file: str
    line: int | None
    entry: str | None
    field: str | None
    value: str | None
    expected: str
    message: str = ""

    @classmethod
    def of_file(cls, file: str, expected: str, message: str) -> Problem:
        """A problem with a whole file (or a path), not with one line or field of it."""
        return cls(file, None, None, None, None, expected, message)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.entry:
            parts.append(self.entry)
        if self.field:
            parts.append(f"field '{self.field}'")
        head = ": ".join(parts)
        if not self.message:
            what = f"value {self.value} is not valid" if self.value is not None else "problem"
        elif self.value is not None and self.value not in self.message:
            what = f"{self.message} (value {self.value})"
        else:
            what = self.message
        return f"{head}: {what}; expected {self.expected}"


def show_value(value: Any, limit: int = 60) -> str:
    """Render a value for an error message: quoted strings, shortened when long."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 1] + "…"
        return repr(text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null (empty)"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ReviewError(Exception):
    """The review's files cannot be used as they are.

    Raised with every problem found; ``str()`` lists them one per line so the command line
    and the workflow can print it as it is.
    """

    def __init__(self, problems: Iterable[Problem], *, summary: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems), key=_sort_key))
        count = len(self.problems)
        self.summary = summary or (
            f"{count} problem{'s' if count != 1 else ''} found in the review's files"
        )
        super().__init__(self.__str__())

    def __str__(self) -> str:
        lines = [f"{self.summary}:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)

    def __reduce__(self) -> tuple[type[ReviewError], tuple[tuple[Problem, ...], str]]:
        # Keeps the problems when the error crosses from a worker process.
        return (_rebuild_review_error, (self.problems, self.summary))  # type: ignore[return-value]


def _rebuild_review_error(problems: tuple[Problem, ...], summary: str) -> ReviewError:
    return ReviewError(problems, summary=summary)


class CountMismatchError(Exception):
    """Counts that must add up do not. The message names the box or table and the numbers."""

    def __init__(self, mismatches: Iterable[str]) -> None:
        self.mismatches = tuple(mismatches)
        lines = ["counts do not add up:"]
        lines.extend(f"  - {item}" for item in self.mismatches)
        super().__init__("\n".join(lines))


def _sort_key(problem: Problem) -> tuple[str, int, str, str, str]:
    return (
        problem.file,
        problem.line if problem.line is not None else 0,
        problem.entry or "",
        problem.field or "",
        problem.message,
    )
