"""Run bib-dedupe on a records table, for the side-by-side speed benchmark.

Usage (in an environment where bib-dedupe is installed, see benchmarks/README.md)::

    python benchmarks/run_bib_dedupe.py RECORDS.csv GROUPS_OUT.csv

RECORDS.csv has the columns bib-dedupe reads (ID, ENTRYTYPE, title, author, year, journal,
volume, number, pages, doi, abstract); ``benchmarks/speed.py`` writes it from the same
corpus searchtrail reads. Prints one JSON line: the seconds bib-dedupe took (prep, block,
match and cluster, not reading the CSV) and the number of groups.
"""

from __future__ import annotations

import json
import sys
import time

import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep


def main() -> int:
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
