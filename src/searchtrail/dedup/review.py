"""The dedup stage: a review's records deduplicated, with people's verdicts in ``screening/``.

The record a group keeps is chosen, in this order: from the earliest search round (so a
publication found in round 1 keeps its round-1 record after any update, and the ids in the
screening files, ``flow.csv`` and earlier reports never shift); then from a database or
register search, then from another search, then from a record file; then the most complete
record. The step writes the groups, the compared pairs and the merged unique records, and
adds the pairs it is uncertain about to ``screening/duplicates.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from searchtrail.dedup.engine import DedupResult, Verdict, deduplicate
from searchtrail.dedup.verdicts import questions, read_verdicts
from searchtrail.records.identity import KnownRecords
from searchtrail.searchlog import DATABASES, Review
from searchtrail.sheets import Sheet

GROUP_COLUMNS = ("record_id", "origin_id", "duplicate_group", "kept", "merge_kind")


@dataclass
class ReviewDedup:
    """The outcome of deduplicating a review."""

    result: DedupResult
    groups: pd.DataFrame
    verdicts: list[Verdict]
    existing_rows: list[dict[str, str]]
    new_questions: list[dict[str, str]]


def priorities(review: Review, origins: pd.Series) -> np.ndarray:
    """How strongly each record is preferred as its group's kept record (higher first):
    earlier rounds before later ones, then database and register searches (2) before other
    searches (1) before record files (0)."""
    latest = max(review.rounds, default=1)
    rank = {
        o.id: (latest - o.round) * 3 + (0 if not o.is_search else 2 if o.column == DATABASES else 1)
        for o in review.origins()
    }
    return np.asarray([rank.get(str(origin), 0) for origin in origins], dtype=np.int64)


def dedup_review(
    review: Review,
    records: pd.DataFrame,
    verdicts_sheet: Sheet | None,
    *,
    progress: Callable[[str], None] | None = None,
) -> ReviewDedup:
    """Deduplicate ``records`` (the review's records table) applying the verdicts file's
    answers; return groups and the new questions for the verdicts file."""
    verdicts: list[Verdict] = []
    rows: list[dict[str, str]] = []
    if verdicts_sheet is not None:
        verdicts, rows = read_verdicts(verdicts_sheet, known=KnownRecords.of(records))
    result = deduplicate(
        records,
        verdicts,
        priority=priorities(review, records["origin_id"]),
        progress=progress,
    )
    groups = pd.DataFrame(
        {
            "record_id": result.record_ids,
            "origin_id": records["origin_id"].astype(str).tolist(),
            "duplicate_group": result.group_ids,
            "kept": result.kept,
            "merge_kind": result.merge_kind.astype(str),
        }
    )
    return ReviewDedup(result, groups, verdicts, rows, questions(result, records, rows))
