"""searchtrail: search logs, exports and screening decisions turned into reproducible
PRISMA 2020 counts, flow diagrams and PRISMA-S search tables."""

from __future__ import annotations

__version__ = "0.1.0"

from searchtrail.errors import CountMismatchError, Problem, ReviewError
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
