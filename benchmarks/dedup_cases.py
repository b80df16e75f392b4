"""Deduplication on bib-dedupe's own labelled pairs of hard cases.

Usage::

    python benchmarks/dedup_cases.py [CASES.json] [--out benchmarks/results]
                                     [--bib-dedupe-python PATH]

``CASES.json`` (default: ``benchmarks/data/bib_dedupe_test_cases.json``, its copy from
CoLRev-Environment/bib-dedupe at b7b5cf3, MIT licence) is bib-dedupe's
``tests/test_cases.json`` (schema ``dedupe_test_cases/v1``:
each case two records in CoLRev's fields, ``record_a`` and ``record_b``, whether they are one
publication, ``expected_duplicate``, and a note). Each pair is written as RIS with the
mapping of ``labelled_sets.py`` (the form the labelled sets of bib-dedupe's benchmark are
scored in), read back by searchtrail's reader, and deduplicated on its own. A case agrees
when the two records are merged exactly when they are one publication. A pair left to a
person (*uncertain*) or reported as versions of one work (*linked version*) is not merged:
it counts against a case that expects a duplicate, and is named in the table.

With ``--bib-dedupe-python`` (the Python of an environment where bib-dedupe is installed),
bib-dedupe decides each pair too, from the records in its own fields
(``run_bib_dedupe.py --cases``).

Writes ``dedup_cases.md`` and ``dedup_cases.json`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from searchtrail.dedup.engine import deduplicate
from searchtrail.records import read_export, standardise

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labelled_sets import BIB_DEDUPE_FIELDS, ENTRY_TYPES, ris_record

CASES = Path(__file__).resolve().parent / "data" / "bib_dedupe_test_cases.json"


def _ris(record_id: str, record: dict[str, Any]) -> str:
    row = {key: "" if value is None else str(value) for key, value in record.items()}
    authors = [a.strip() for a in " ".join(row.get("author", "").split()).split(" and ")]
    fields = [("AU", author) for author in authors if author]
    fields += [(tag, row.get(key, "")) for tag, key in BIB_DEDUPE_FIELDS]
    return ris_record(record_id, ENTRY_TYPES.get(row.get("ENTRYTYPE", ""), "GEN"), fields)


def decide_case(case: dict[str, Any], folder: Path) -> dict[str, Any]:
    """searchtrail's decision on one case's two records."""
    path = folder / f"{case['id']}.ris"
    path.write_text(_ris("a", case["record_a"]) + "\n" + _ris("b", case["record_b"]), "utf-8")
    parsed = read_export(path, path.name)
    frame = pd.DataFrame([standardise(r.fields, parsed.format) for r in parsed.records])
    frame["record_id"] = frame["own_id"]
    result = deduplicate(frame, workers=1)
    pairs = list(result.pairs.itertuples())
    decision, reason = (pairs[0].decision, pairs[0].reason) if pairs else ("not compared", "")
    merged = result.groups == 1
    return {
        "case": case["id"],
        "expected_duplicate": bool(case["expected_duplicate"]),
        "merged": merged,
        "agrees": merged == bool(case["expected_duplicate"]),
        "decision": decision,
        "reason": reason,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "cases", type=Path, nargs="?", default=CASES, help="bib-dedupe's tests/test_cases.json"
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--bib-dedupe-python", type=Path)
    args = parser.parse_args(argv)
    document = json.loads(args.cases.read_text(encoding="utf-8"))
    if document.get("schema") != "dedupe_test_cases/v1":
        raise SystemExit(
            f"{args.cases}: schema {document.get('schema')!r}; expected 'dedupe_test_cases/v1' "
            "(bib-dedupe's tests/test_cases.json)"
        )
    with tempfile.TemporaryDirectory() as scratch:
        rows = [decide_case(case, Path(scratch)) for case in document["cases"]]
        if args.bib_dedupe_python:
            theirs = Path(scratch) / "bib_dedupe.json"
            runner = Path(__file__).parent / "run_bib_dedupe.py"
            subprocess.run(
                [str(args.bib_dedupe_python), str(runner), "--cases", str(args.cases), str(theirs)],
                check=True,
            )
            merged = json.loads(theirs.read_text(encoding="utf-8"))
            for row in rows:
                row["bib_dedupe_merged"] = merged[row["case"]]
                row["bib_dedupe_agrees"] = merged[row["case"]] is row["expected_duplicate"]
    agree = sum(row["agrees"] for row in rows)
    false_merges = sum(row["merged"] and not row["expected_duplicate"] for row in rows)
    lines = [f"searchtrail: {agree} of {len(rows)} cases agree, {false_merges} false merges."]
    columns = ["case", "one publication", "merged", "agrees", "decision", "reason"]
    if args.bib_dedupe_python:
        theirs_agree = sum(row["bib_dedupe_agrees"] for row in rows)
        theirs_false = sum(
            row["bib_dedupe_merged"] is True and not row["expected_duplicate"] for row in rows
        )
        lines.append(
            f"bib-dedupe: {theirs_agree} of {len(rows)} cases agree, {theirs_false} false merges."
        )
        columns += ["bib-dedupe merged", "bib-dedupe agrees"]
    keys = ["case", "expected_duplicate", "merged", "agrees", "decision", "reason"]
    if args.bib_dedupe_python:
        keys += ["bib_dedupe_merged", "bib_dedupe_agrees"]
    lines += [
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(str(row[key]) for key in keys) + " |" for row in rows),
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "dedup_cases.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = {"cases": len(rows), "agree": agree, "false_merges": false_merges, "rows": rows}
    (args.out / "dedup_cases.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
