"""Deduplicating a few hand-written records: the tables and calls the rule tests share."""

from __future__ import annotations

import pandas as pd

from searchtrail.dedup.engine import DedupResult, deduplicate
from searchtrail.records.fields import STANDARD_FIELDS


def records(*rows: dict[str, str]) -> pd.DataFrame:
    """A records table of ``rows`` (standard fields; a field not given is empty), numbered
    ``0``, ``1``, ... unless a row names its ``record_id``."""
    return pd.DataFrame(
        [
            {name: row.get(name, "") for name in ("record_id", "origin_id", *STANDARD_FIELDS)}
            | {"record_id": row.get("record_id", str(n))}
            for n, row in enumerate(rows)
        ]
    )


def deduplicated(*rows: dict[str, str]) -> DedupResult:
    return deduplicate(records(*rows), workers=1)


def decision(*rows: dict[str, str]) -> tuple[int, str, str]:
    """Groups, and the decision and reason of the one candidate pair."""
    result = deduplicated(*rows)
    [pair] = result.pairs.itertuples()
    return result.groups, pair.decision, pair.reason
