"""A number as far as it is known: the building block of every count."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Count:
    """A number as far as it is known.

    ``value`` is the sum of the numbers that are known (``None`` when none is); ``unstated``
    is how many searches contribute no number; ``pending`` says why a stage has no number
    yet (the review directory lacks the data for it).
    """

    value: int | None
    unstated: int = 0
    pending: str | None = None

    @classmethod
    def of(cls, values: Iterable[int | None]) -> Count:
        """Sum counts stated by searches; ``None`` stands for a search that states none."""
        items = list(values)
        stated = [value for value in items if value is not None]
        unstated = len(items) - len(stated)
        if not items:
            return cls(0)
        return cls(sum(stated) if stated else None, unstated)

    @classmethod
    def waiting(cls, reason: str) -> Count:
        """A count that cannot be made yet, and why."""
        return cls(None, 0, reason)

    @property
    def is_exact(self) -> bool:
        """True when the number is known completely."""
        return self.pending is None and self.value is not None and self.unstated == 0

    def __add__(self, other: Count) -> Count:
        pending = self.pending or other.pending
        if pending:
            return Count.waiting(pending)
        both_unknown = self.value is None and other.value is None
        value = None if both_unknown else (self.value or 0) + (other.value or 0)
        return Count(value, self.unstated + other.unstated)

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``counts.json``."""
        return {"n": self.value, "searches_without_count": self.unstated, "pending": self.pending}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Count:
        """Inverse of :meth:`to_json`."""
        return cls(data["n"], data["searches_without_count"], data["pending"])


def total(counts: Iterable[Count]) -> Count:
    """Sum of several counts. An empty sum is an exact 0; a sum none of whose parts states a
    number states none either (not reported, never 0)."""
    result: Count | None = None
    for count in counts:
        result = count if result is None else result + count
    return Count(0) if result is None else result


def exact(count: Count | None) -> int | None:
    """The number when it is known completely, else None."""
    if count is None or not count.is_exact:
        return None
    return count.value
