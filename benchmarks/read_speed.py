"""Reading speed per format and per core: the line readers, the column reader, and a plain
loop over the file's lines as the floor.

Usage::

    python benchmarks/read_speed.py [--size 80000] [--runs 5] [--out benchmarks/results]

Each export file of the generated corpus of ``--size`` records (``generate_corpus.py``, seed
2020, made into ``benchmarks/corpora/`` unless it is there) is read in this one process,
``--runs`` times each way, and the fastest run is reported (the machine's other work only
ever slows a run down). A read is what ``searchtrail dedup`` does with a file: decode it,
read its records, standardise their fields and make the records table (``read``: the
parse into records or columns alone; ``table``: standardising and the table, records named
by their position as ``speed.py`` runs ``searchtrail dedup``; ``column_parse``: the column
reader's parse timed in turns with the floor, and its ratio to it). The floor is
a loop that decodes the file and goes through its lines, counting the tag lines, with
nothing kept. Each file is read one piece at a time, as a reader does while another
reads beside it (:func:`searchtrail.threads.cores_shared`), so that the figures are those
of one core. Output: ``results/read_speed.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from searchtrail.records.reader import read_export
from searchtrail.records.table import RecordColumns, RecordIds
from searchtrail.threads import cores_shared

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from speed import corpus, markdown_table  # noqa: E402


def _fastest(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def _floor(path: Path) -> int:
    """Decode the file and go through its lines, counting those that look like tag lines."""
    count = 0
    with path.open(encoding="utf-8-sig", newline="") as lines:
        for line in lines:
            if line[2:3] in (" ", "-") or line[4:5] == "-":
                count += 1
    return count


def measure(path: Path, runs: int) -> dict[str, object]:
    def parse(by_column: bool) -> object:
        return read_export(path, path.name, by_column=by_column)

    def whole(by_column: bool) -> int:
        parsed = read_export(path, path.name, by_column=by_column)
        columns = RecordColumns()
        count = columns.add(
            parsed,
            origin_id=path.name,
            record_id=RecordIds("position", path.name),
            keep_raw=False,
            release=True,
        )
        columns.frame()
        return count

    records = whole(True)
    taken = read_export(path, path.name, by_column=True).columns is not None
    result: dict[str, object] = {
        "file": path.name,
        "format": read_export(path, path.name).format,
        "megabytes": round(path.stat().st_size / 1e6, 1),
        "records": records,
        "column_reader_takes_it": taken,
    }
    # The floor and the column reader's parse taken in turns, so that both see the machine
    # as it is at that moment (its speed varies by a third within an hour).
    floor, parsed = float("inf"), float("inf")
    for _ in range(runs):
        floor = min(floor, _fastest(1, lambda: _floor(path)))
        parsed = min(parsed, _fastest(1, lambda: parse(True)))
    for name, by_column in (("line", False), ("column", True)):
        read = _fastest(runs, lambda by_column=by_column: parse(by_column))
        total = _fastest(runs, lambda by_column=by_column: whole(by_column))
        result[f"{name}_read_s"] = round(read, 3)
        result[f"{name}_total_s"] = round(total, 3)
        result[f"{name}_records_per_s"] = round(records / total)
    result["floor_s"] = round(floor, 3)
    result["floor_records_per_s"] = round(records / floor)
    result["column_over_floor"] = round(float(result["column_total_s"]) / floor, 1)  # type: ignore[arg-type]
    result["column_parse_s"] = round(parsed, 3)
    result["column_parse_records_per_s"] = round(records / parsed)
    result["parse_over_floor"] = round(parsed / floor, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=80_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    folder = corpus(args.size)
    rows = []
    with cores_shared(lambda: 0):  # one piece at a time: one core
        for path in sorted(folder.iterdir()):
            if path.name == "truth.csv" or not path.is_file():
                continue
            rows.append(measure(path, args.runs))
            print(json.dumps(rows[-1]), file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    report = {"size": args.size, "runs": args.runs, "files": rows}
    (args.out / "read_speed.json").write_text(json.dumps(report, indent=2) + "\n")
    columns = [
        "file", "format", "megabytes", "records", "column_reader_takes_it",
        "line_read_s", "line_total_s", "line_records_per_s",
        "column_read_s", "column_total_s", "column_records_per_s",
        "floor_s", "floor_records_per_s", "column_over_floor",
        "column_parse_s", "column_parse_records_per_s", "parse_over_floor",
    ]  # fmt: skip
    lines = [
        f"# Reading speed, one core ({args.size:,}-record corpus, fastest of {args.runs} runs)",
        "",
        *markdown_table(rows, columns),
        "",
    ]
    (args.out / "read_speed.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
