"""Speed and peak memory of import + deduplication, side by side with bib-dedupe.

Usage::

    python benchmarks/speed.py [--sizes 80000 1000000] [--runs 3]
                               [--bib-dedupe-python PATH] [--out benchmarks/results]

For each size, a corpus is generated (``generate_corpus.py``, seed 2020) into
``benchmarks/corpora/`` unless it is already there, and ``searchtrail dedup`` is run on its
five export files ``--runs`` times. Each run is timed from start to exit, with the stages
read off its progress messages (read, deduplicate, write), and its peak memory is the
largest total resident memory of the command and its helper processes (readers, the titles'
process, the fork server), sampled every 50 ms. The total counts memory the helpers share
with the fork server (its imported code, ~0.1 GB) once per process, so it overstates the
memory in use a little rather than understating it.
Medians are reported. Each run's output is removed before the next run starts, so that no
run works beside an earlier run's files in the system's file cache. The first run's groups
are scored against the corpus's truth as in ``dedup_accuracy.py`` (``missed``: duplicate
records not removed, ``fn``).

With ``--bib-dedupe-python`` (the Python of an environment where bib-dedupe is installed),
bib-dedupe deduplicates the same records (read by searchtrail into the table bib-dedupe
expects) once per size up to ``--bib-dedupe-max`` records, and the ratio of the times is
reported: bib-dedupe's time (prep, block, match, cluster) against searchtrail's deduplicate
stages and against its whole run.

Beside each size, the machine's state just before its runs: ``machine_loop_s``, the seconds a
plain Python loop of ten million additions takes (the speed of a core), and
``machine_fresh_gb_s``, how many gigabytes of memory a second the process can take fresh from
the system and fill (the speed of its first touches of new memory, which a virtual machine
may serve from its host, and which every stage of a large run pays). On the machine the
figures come from, the second moved between 0.13 and 3 GB/s within minutes, and a million
records took 58-95 s on one day; compare figures only with their probes alongside, and
releases only in runs that alternate in the same minutes.

Stages, from the command's progress lines: ``start`` (interpreter and imports), ``read``
(every file parsed into the records table, in parallel processes above 20 MB),
``normalise``, ``candidates``, ``compare``, ``group`` (verdicts, groups, the kept record),
``write`` (the five output files); ``deduplicate`` is normalise to group.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from searchtrail.dedup.files import read_files

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from dedup_accuracy import score  # noqa: E402
from generate_corpus import FILES, generate  # noqa: E402

STAGE = re.compile(r"^\[\s*([0-9.]+)s\] (.*)$")


def corpus(size: int) -> Path:
    folder = (
        HERE / "corpora" / (f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}m")
    )
    if not (folder / "truth.csv").exists():
        print(f"generating {size:,} records into {folder}", file=sys.stderr)
        generate(size, folder, seed=2020)
    return folder


def machine() -> dict[str, float]:
    """How fast this machine is at the moment: a core (``loop_s``) and fresh memory
    (``fresh_gb_s``, 512 MB taken and filled)."""
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    loop = time.perf_counter() - started
    started = time.perf_counter()
    fresh = np.ones(1 << 26)
    fill = time.perf_counter() - started
    return {
        "machine_loop_s": round(loop, 2),
        "machine_fresh_gb_s": round(fresh.nbytes / fill / 1e9, 2),
    }


def run_once(folder: Path, out: Path) -> dict[str, float]:
    files = [str(folder / name) for name in FILES.values()]
    command = [
        sys.executable, "-m", "searchtrail", "dedup", *files, "--out", str(out), "--ids", "position"
    ]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def watch() -> None:
        try:
            parent = psutil.Process(process.pid)
            while process.poll() is None:
                total = parent.memory_info().rss
                for child in parent.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        total += child.memory_info().rss
                peak[0] = max(peak[0], total)
                time.sleep(0.05)
        except psutil.Error:
            return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    watcher.join()
    if process.returncode != 0:
        raise RuntimeError(stderr)
    marks = {}
    for line in stderr.splitlines():
        found = STAGE.match(line)
        if found:
            marks.setdefault(found.group(2).split(" ")[0], float(found.group(1)))
    # The progress lines mark where each stage begins; the run's own clock starts once the
    # command has loaded, so what precedes it (interpreter and imports) is "start".
    order = [
        ("read", None),
        ("normalise", "normalising"),
        ("candidates", "finding"),
        ("compare", "comparing"),
        ("group", "applying"),
        ("write", next((label for label in marks if label[:1].isdigit()), None)),
        ("end", "done"),
    ]
    starts = [0.0 if label is None else marks[label] for _, label in order]
    stages = {
        name: round(end - start, 3)
        for (name, _), start, end in zip(order[:-1], starts[:-1], starts[1:], strict=True)
    }
    return {
        "seconds": seconds,
        "start": seconds - marks["done"],
        **stages,
        "deduplicate": marks[order[5][1]] - marks["normalising"],  # type: ignore[index]
        "peak_gb": peak[0] / 1e9,
    }


def scored(folder: Path, out: Path) -> dict[str, float]:
    """The groups ``searchtrail dedup`` wrote in ``out``, scored against the corpus's truth
    (the records kept are those in ``unique.csv``)."""
    groups = pd.read_csv(out / "groups.csv", dtype=str)
    truth = pd.read_csv(folder / "truth.csv", dtype=str)
    kept = pd.read_csv(out / "unique.csv", dtype=str, usecols=["record_id"])
    kept_ids = set(kept["record_id"])
    return score(
        list(groups["record_id"]),
        list(groups["duplicate_group"]),
        [r in kept_ids for r in groups["record_id"]],
        dict(zip(truth["record_id"], truth["duplicate_group"], strict=True)),
    )


def bib_dedupe(python: str, folder: Path, work: Path) -> dict[str, float]:
    records, _ = read_files([folder / name for name in FILES.values()], ids="position")
    table = pd.DataFrame(
        {
            "ID": records["record_id"],
            "ENTRYTYPE": "article",
            "title": records["title"],
            "author": records["authors"].str.replace("\n", " and ", regex=False),
            "year": records["year"],
            "journal": records["journal"],
            "volume": records["volume"],
            "number": records["issue"],
            "pages": records["pages"],
            "doi": records["doi"],
            "abstract": records["abstract"],
        }
    )
    source = work / "bib_dedupe_records.csv"
    table.to_csv(source, index=False)
    groups = work / "bib_dedupe_groups.csv"
    result = subprocess.run(
        [python, str(HERE / "run_bib_dedupe.py"), str(source), str(groups)],
        capture_output=True,
        text=True,
        check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    predicted = pd.read_csv(groups, dtype=str)
    truth = pd.read_csv(folder / "truth.csv", dtype=str)
    truth_map = dict(zip(truth["record_id"], truth["duplicate_group"], strict=True))
    # bib-dedupe keeps one record per group; which one does not matter for scoring.
    kept = ~predicted["duplicate_group"].duplicated()
    accuracy = score(
        list(predicted["record_id"]), list(predicted["duplicate_group"]), list(kept), truth_map
    )
    return {
        "seconds": outcome["seconds"],
        "missed": int(accuracy["fn"]),
        **{k: accuracy[k] for k in ("sensitivity", "false_merges")},
    }


def markdown_table(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> list[str]:
    """``rows`` as the lines of a Markdown table of ``columns`` (a cell a row lacks is
    empty)."""
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[80_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bib-dedupe-python", help="Python of an environment with bib-dedupe")
    parser.add_argument(
        "--bib-dedupe-max", type=int, default=100_000, help="largest size to run bib-dedupe on"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    results = []
    for size in args.sizes:
        folder = corpus(size)
        state = machine()
        print(f"{size:>9,} records, the machine: {state}", file=sys.stderr)
        runs = []
        with tempfile.TemporaryDirectory() as work:
            for attempt in range(args.runs):
                out = Path(work) / f"run{attempt}"
                outcome = run_once(folder, out)
                runs.append(outcome)
                print(f"{size:>9,} records, run {attempt + 1}: {outcome}", file=sys.stderr)
                if attempt == 0:
                    accuracy = scored(folder, out)
                # Every run starts as the first did: no earlier run's output in the
                # system's file cache (a million records write 3.4 GB).
                shutil.rmtree(out)
            row = {
                "records": size,
                "runs": len(runs),
                **{
                    f"median_{key}": round(statistics.median(r[key] for r in runs), 2)
                    for key in runs[0]
                },
                "max_peak_gb": round(max(r["peak_gb"] for r in runs), 2),
                "sensitivity": round(accuracy["sensitivity"], 4),
                "missed": int(accuracy["fn"]),
                "false_merges": accuracy["false_merges"],
                **state,
            }
            if args.bib_dedupe_python and size <= args.bib_dedupe_max:
                other = bib_dedupe(args.bib_dedupe_python, folder, Path(work))
                row["bib_dedupe_seconds"] = other["seconds"]
                row["bib_dedupe_sensitivity"] = round(other["sensitivity"], 4)
                row["bib_dedupe_missed"] = other["missed"]
                row["bib_dedupe_false_merges"] = other["false_merges"]
                row["ratio_deduplicate"] = round(other["seconds"] / row["median_deduplicate"], 1)
                row["ratio_whole_run"] = round(other["seconds"] / row["median_seconds"], 1)
        results.append(row)
        print(json.dumps(row), file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "speed.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    columns = sorted(
        {key for row in results for key in row},
        key=lambda k: list(results[0]).index(k) if k in results[0] else 99,
    )
    lines = markdown_table(results, columns)
    (args.out / "speed.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
