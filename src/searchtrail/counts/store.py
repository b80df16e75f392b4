"""``counts.json``: every number of a review, written once and read back by every report.

The file mirrors :class:`~searchtrail.counts.model.ReviewCounts` field by field (a count is
``{"n": ..., "searches_without_count": ..., "pending": ...}``). Reading it back rebuilds the
same typed model and verifies it, so a file edited by hand, or made by another version,
is refused rather than rendered.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any, Final

from searchtrail.counts.model import ReviewCounts
from searchtrail.counts.number import Count
from searchtrail.counts.verify import verify

FORMAT: Final = "searchtrail-counts/4"


def to_json(counts: ReviewCounts) -> str:
    """The counts as stable, human-readable JSON."""
    data = {"format": FORMAT, **_dump(counts)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def from_json(text: str) -> ReviewCounts:
    """Read counts written by :func:`to_json`, and verify that they add up."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError(f"counts file has format {data.get('format')!r}; expected {FORMAT!r}")
    counts = _load(ReviewCounts, {k: v for k, v in data.items() if k != "format"})
    verify(counts)
    return typing.cast(ReviewCounts, counts)


def _dump(value: Any) -> Any:
    if isinstance(value, Count):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_dump(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _dump(item) for key, item in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _load(kind: Any, data: Any) -> Any:
    if kind is Count:
        return Count.from_json(data)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(
            **{f.name: _load(hints[f.name], data[f.name]) for f in dataclasses.fields(kind)}
        )
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        return _load(next(a for a in args if a is not type(None)), data)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], item) for item in data)
        return tuple(_load(a, item) for a, item in zip(args, data, strict=True))
    if origin is dict:
        return {key: _load(args[1], item) for key, item in data.items()}
    if kind is float and isinstance(data, int):
        return float(data)
    return data
