"""searchtrail: search logs, exports and screening decisions turned into reproducible
PRISMA 2020 counts, flow diagrams and PRISMA-S search tables."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from searchtrail.errors import CountMismatchError, Problem, ReviewError

if TYPE_CHECKING:
    from searchtrail.searchlog import Review, Search, load_review, parse_review

__all__ = [
    "CountMismatchError",
    "Problem",
    "Review",
    "ReviewError",
    "Search",
    "__version__",
    "load_review",
    "parse_review",
]

_FROM_SEARCH_LOG = frozenset({"Review", "Search", "load_review", "parse_review"})


def __getattr__(name: str) -> Any:
    """The search log's names, imported when first asked for: a command that reads exports
    only (``searchtrail dedup`` and its read workers) does not load the log's schema."""
    if name in _FROM_SEARCH_LOG:
        return getattr(importlib.import_module("searchtrail.searchlog"), name)
    raise AttributeError(f"module 'searchtrail' has no attribute {name!r}")
