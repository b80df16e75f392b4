"""Run bib-dedupe on a records table, for the side-by-side speed benchmark.

Usage (in an environment where bib-dedupe is installed, see benchmarks/README.md)::

    python benchmarks/run_bib_dedupe.py RECORDS.csv GROUPS_OUT.csv
    python benchmarks/run_bib_dedupe.py --cases CASES.json MERGED_OUT.json

With ``--cases`` (bib-dedupe's ``tests/test_cases.json``, for ``dedup_cases.py``), each
case's two records are deduplicated on their own, in bib-dedupe's own fields, and
MERGED_OUT.json maps each case id to whether they were merged (or to the error bib-dedupe
stopped with).

RECORDS.csv has the columns bib-dedupe reads (ID, ENTRYTYPE, title, author, year, journal,
volume, number, pages, doi, abstract); ``benchmarks/speed.py`` writes it from the same
corpus searchtrail reads. Prints one JSON line: the seconds bib-dedupe took (prep, block,
match and cluster, not reading the CSV) and the number of groups.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep


def merged_pair(case: dict[str, Any]) -> bool | str:
    """Whether bib-dedupe merges the two records of one case."""
    rows = []
    for name in ("record_a", "record_b"):
        record = {key: "" if value is None else str(value) for key, value in case[name].items()}
        rows.append({**record, "ID": name})
    try:
        groups = cluster(
            match(
                block(prep(pd.DataFrame(rows), verbosity_level=0), verbosity_level=0),
                verbosity_level=0,
            ),
            verbosity_level=0,
        )
    except Exception as error:  # reported for the case: where bib-dedupe stopped
        return f"{type(error).__name__}: {error}"
    return any({"record_a", "record_b"} <= set(members) for members in groups)


def main() -> int:
    if sys.argv[1] == "--cases":
        cases = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))["cases"]
        merged = {case["id"]: merged_pair(case) for case in cases}
        Path(sys.argv[3]).write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
        return 0
    records = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
    started = time.perf_counter()
    prepared = prep(records, verbosity_level=0)
    pairs = block(prepared, verbosity_level=0)
    matched = match(pairs, verbosity_level=0)
    groups = cluster(matched, verbosity_level=0)
    seconds = time.perf_counter() - started
    group_of = {record_id: f"b{n}" for n, members in enumerate(groups) for record_id in members}
    out = pd.DataFrame(
        {"record_id": records["ID"], "duplicate_group": [group_of.get(i, i) for i in records["ID"]]}
    )
    out.to_csv(sys.argv[2], index=False)
    print(
        json.dumps({"seconds": round(seconds, 2), "groups": int(out["duplicate_group"].nunique())})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
