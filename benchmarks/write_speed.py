"""Writing speed per core: the three files of unique records, against a plain loop that
writes the same records' fields with no rule applied (the floor).

Usage::

    python benchmarks/write_speed.py [--size 80000] [--runs 5] [--out benchmarks/results]

The generated corpus of ``--size`` records (``generate_corpus.py``, seed 2020, made into
``benchmarks/corpora/`` unless it is there) is read and deduplicated as ``searchtrail
dedup`` does (records named by their position), and its unique records are then written
``--runs`` times each way; the fastest run is reported (the machine's other work only ever
slows a run down). The process is held to one core (``os.sched_setaffinity``, where the
system has it), the writer's disk thread included, so that the figures are those of one
core.

- ``unique.csv``, ``unique.ris``, ``unique.json``: each file alone, by the function that
  writes it (``write_unique_csv``, ``write_unique_ris``, ``write_unique_json``); ``all
  three``: ``write_unique_files`` with one worker, each part of the merged table taken once
  for the three.
- The floor for each file: the merged table's values as Python strings (made before the
  clock starts), written by a loop that puts each record's fields in the file's form with
  nothing checked: ``csv.writer`` over the rows; ``TAG  - value`` lines, one author and one
  keyword a line; a JSON object of ``"key": "value"`` members written with f-strings, no
  value escaped and no name split. Every byte is written to a file in the same folder.

Output: ``results/write_speed.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from searchtrail.dedup.engine import deduplicate
from searchtrail.dedup.files import read_files
from searchtrail.dedup.handoff import write_unique_files, write_unique_json
from searchtrail.dedup.output import (
    UniqueRecords,
    unique_csv_columns,
    write_unique_csv,
    write_unique_ris,
)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_corpus import FILES  # noqa: E402
from speed import corpus, markdown_table  # noqa: E402

RIS_TAGS = (
    ("title", "TI"), ("year", "PY"), ("journal", "T2"), ("volume", "VL"), ("issue", "IS"),
    ("pages", "SP"), ("doi", "DO"), ("pmid", "AN"), ("issn", "SN"), ("isbn", "SN"),
    ("url", "UR"), ("abstract", "AB"), ("language", "LA"), ("publisher", "PB"),
)  # fmt: skip
"""The RIS floor's one-value fields and their tags (authors and keywords are one a line)."""

JSON_KEYS = (
    ("title", "title"), ("journal", "container-title"), ("volume", "volume"),
    ("issue", "issue"), ("pages", "page"), ("doi", "DOI"), ("pmid", "PMID"), ("issn", "ISSN"),
    ("isbn", "ISBN"), ("url", "URL"), ("abstract", "abstract"), ("keywords", "keyword"),
    ("language", "language"), ("publisher", "publisher"),
)  # fmt: skip
"""The CSL-JSON floor's members."""


def _fastest(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def floor_csv(rows: list[dict[str, str]], path: Path) -> None:
    columns = unique_csv_columns()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(columns)
        writer.writerows([row[name] for name in columns] for row in rows)


def floor_ris(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            lines = [f"TY  - {row['type'] or 'JOUR'}", f"ID  - {row['record_id']}"]
            lines.extend(f"AU  - {name}" for name in row["authors"].split("\n") if name)
            lines.extend(f"{tag}  - {row[name]}" for name, tag in RIS_TAGS if row[name])
            lines.extend(f"KW  - {word}" for word in row["keywords"].split("\n") if word)
            lines.append(f"N1  - searchtrail duplicate group {row['duplicate_group']}")
            handle.write("\n".join(lines) + "\nER  - \n\n")


def floor_json(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        lead = "\n"
        for row in rows:
            members = [f'"id": "{row["record_id"]}"', f'"type": "{row["type"]}"']
            names = [f'{{"literal": "{name}"}}' for name in row["authors"].split("\n") if name]
            if names:
                members.append(f'"author": [{", ".join(names)}]')
            members.extend(f'"{key}": "{row[name]}"' for name, key in JSON_KEYS if row[name])
            members.append(f'"note": "searchtrail duplicate group {row["duplicate_group"]}"')
            handle.write(f"{lead}{{{', '.join(members)}}}")
            lead = ",\n"
        handle.write("\n]\n")


def measure(size: int, runs: int) -> dict[str, object]:
    folder = corpus(size)
    records, skipped = read_files([folder / name for name in FILES.values()], ids="position")
    if skipped:
        raise SystemExit(f"records skipped while reading {folder}: {skipped}")
    merged = UniqueRecords(records, deduplicate(records))
    rows = merged.frame().astype(str).to_dict("records")
    rows_count = len(rows)
    report: dict[str, object] = {"records": len(records), "unique_records": rows_count}
    table: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as work:
        out = Path(work)
        ours = {
            "unique.csv": lambda: write_unique_csv(merged, out / "unique.csv"),
            "unique.ris": lambda: write_unique_ris(merged, out / "unique.ris"),
            "unique.json": lambda: write_unique_json(merged, out / "unique.json"),
            "all three": lambda: write_unique_files(merged, out, workers=1),
        }
        floors = {
            "unique.csv": lambda: floor_csv(rows, out / "floor.csv"),
            "unique.ris": lambda: floor_ris(rows, out / "floor.ris"),
            "unique.json": lambda: floor_json(rows, out / "floor.json"),
        }
        floor_seconds: dict[str, float] = {}
        megabytes: dict[str, float] = {}
        for name, write in ours.items():
            seconds = _fastest(runs, write)
            if name in floors:
                megabytes[name] = (out / name).stat().st_size / 1e6
                floor_seconds[name] = _fastest(runs, floors[name])
                floor, size_mb = floor_seconds[name], megabytes[name]
            else:  # the three files in one pass, against the three loops
                floor, size_mb = sum(floor_seconds.values()), sum(megabytes.values())
            row = {
                "file": name,
                "seconds": round(seconds, 3),
                "records_per_s": round(rows_count / seconds),
                "megabytes": round(size_mb, 1),
                "floor_seconds": round(floor, 3),
                "floor_records_per_s": round(rows_count / floor),
                "over_floor": round(seconds / floor, 2),
            }
            table.append(row)
            print(row, file=sys.stderr)
    report["files"] = table
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=80_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    report = measure(args.size, args.runs)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "write_speed.json").write_text(json.dumps(report, indent=2) + "\n")
    files = report["files"]
    assert isinstance(files, list)
    columns = list(files[0])
    lines = [
        f"# Writing speed, one core ({report['records']:,}-record corpus, "
        f"{report['unique_records']:,} unique records, fastest of {args.runs} runs)",
        "",
        *markdown_table(files, columns),
        "",
    ]
    (args.out / "write_speed.md").write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
