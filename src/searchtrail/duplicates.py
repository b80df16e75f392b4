"""Deduplicating a review's records, with the people's verdicts in ``screening/``.

Records from database and register searches are preferred as the record a group keeps,
then records from other searches, then records from record files; within that, the most
complete record is kept. The step writes the groups, the compared pairs and the merged
unique records, and adds the pairs it is uncertain about to ``screening/duplicates.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from searchtrail.dedup.engine import DedupResult, Verdict, deduplicate
from searchtrail.dedup.verdicts import VERDICTS_FILE, questions, read_verdicts
from searchtrail.searchlog import DATABASE_KINDS, Review

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
    """2 for records of database and register searches, 1 for other searches, 0 for record
    files."""
    rank = {s.id: (2 if s.kind in DATABASE_KINDS else 1) for s in review.searches}
    return np.asarray([rank.get(str(origin), 0) for origin in origins], dtype=np.int64)


def dedup_review(
    review: Review,
    records: pd.DataFrame,
    verdicts_text: str | None,
    *,
    verdicts_file: str = VERDICTS_FILE,
    progress: Callable[[str], None] | None = None,
) -> ReviewDedup:
    """Deduplicate ``records`` (the review's records table) applying the verdicts file's
    answers; return groups and the new questions for the verdicts file."""
    verdicts: list[Verdict] = []
    rows: list[dict[str, str]] = []
    if verdicts_text is not None:
        verdicts, rows = read_verdicts(
            verdicts_text, file=verdicts_file, known_ids=records["record_id"].astype(str)
        )
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
