"""The pipeline's stages on a large review: wall time and peak memory of each stage.

Builds a review directory from a generated corpus (``generate_corpus.py``): one database
search per export file (its number identified left ``unknown``, so it is counted from the
export), a website search with counts only, and, once the records are deduplicated,
screening decisions for most publications (title/abstract, retrieval, full text with
reasons, studies), some left undecided. Then runs each stage as the workflow does, in a
process of its own, and reports its wall time and peak resident memory.

    .venv/bin/python benchmarks/generate_corpus.py --records 80000 --out benchmarks/corpora/80k
    .venv/bin/python benchmarks/review_scale.py --corpus benchmarks/corpora/80k \\
        --out benchmarks/corpora/80k-review

Results: ``benchmarks/results/review_scale.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

RESULTS = Path(__file__).resolve().parent / "results"
REASONS = ["Wrong population", "Wrong intervention", "Wrong study design"]
STAGE_RUNNER = (
    "import resource, sys\n"
    "from searchtrail.cli import main\n"
    "status = main(['stage', sys.argv[1], sys.argv[2], '--quiet'])\n"
    "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print(f'peak_kib={peak}', file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def write_review(corpus: Path, out: Path) -> None:
    """The review directory: searches, exports, no decisions yet."""
    if out.exists():
        shutil.rmtree(out)
    exports = out / "searches" / "exports"
    exports.mkdir(parents=True)
    searches = []
    for path in sorted(corpus.iterdir()):
        if path.name == "truth.csv" or path.is_dir():
            continue
        shutil.copy(path, exports / path.name)
        searches.append(
            {
                "id": path.stem.replace("_", "-"),
                "source": path.stem.split("_")[0].upper(),
                "kind": "database",
                "date": "2025-03-01",
                "query": f"the strategy run in {path.stem}",
                "identified": "unknown",
                "note": "Not written down; the export holds every record found.",
                "export": {"files": f"searches/exports/{path.name}", "holds": "identified"},
            }
        )
    searches.append(
        {
            "id": "web-1",
            "source": "Google Scholar",
            "kind": "website",
            "date": "2025-03-02",
            "query": "a few words",
            "identified": 1000,
            "for_assessment": 12,
        }
    )
    (out / "searches" / "log.yaml").write_text(
        yaml.safe_dump({"searches": searches}, sort_keys=False), encoding="utf-8"
    )
    review = {
        "title": "A generated review at scale",
        "questions": [{"id": "Q1", "text": "Does it scale?"}],
        "exclusion_reasons": REASONS,
    }
    (out / "searches" / "review.yaml").write_text(
        yaml.safe_dump(review, sort_keys=False), encoding="utf-8"
    )


def write_decisions(out: Path, seed: int) -> dict[str, int]:
    """Decisions for the publications: 90 % screened, 10 % of those included, and so on."""
    groups = pd.read_parquet(out / "reports" / "data" / "groups.parquet")
    kept = groups.loc[groups["kept"].astype(bool), "record_id"].astype(str).tolist()
    chance = random.Random(seed)  # noqa: S311 - reproducible decisions, not secrets
    files: dict[str, list[list[str]]] = {
        name: [] for name in ("removed", "title_abstract", "retrieval", "full_text", "studies")
    }
    for record in kept:
        roll = chance.random()
        if roll < 0.02:
            files["removed"].append([record, "automation", "classifier"])
            continue
        if roll < 0.10:
            continue  # awaiting screening
        include = chance.random() < 0.10
        files["title_abstract"].append([record, "include" if include else "exclude"])
        if not include:
            continue
        if chance.random() < 0.05:
            files["retrieval"].append([record, "no"])
            continue
        if chance.random() < 0.10:
            continue  # awaiting retrieval
        if chance.random() < 0.7:
            files["full_text"].append([record, "exclude", chance.choice(REASONS)])
        else:
            files["full_text"].append([record, "include", ""])
            files["studies"].append([record, f"study {chance.randrange(len(kept) // 40 + 1)}"])
    headers = {
        "removed": ["record_id", "removed_by", "reason"],
        "title_abstract": ["record_id", "decision"],
        "retrieval": ["record_id", "retrieved"],
        "full_text": ["record_id", "decision", "reason"],
        "studies": ["record_id", "study_id"],
    }
    (out / "screening").mkdir(exist_ok=True)
    for name, rows in files.items():
        with (out / "screening" / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(headers[name])
            writer.writerows(rows)
    return {name: len(rows) for name, rows in files.items()}


def run_stage(stage: str, review: Path) -> dict[str, float]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", STAGE_RUNNER, stage, str(review)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"stage {stage} failed:\n{result.stderr}")
    peak = next(
        int(line.split("=")[1])
        for line in result.stderr.splitlines()
        if line.startswith("peak_kib=")
    )
    return {"seconds": round(seconds, 2), "peak_gb": round(peak / 1024 / 1024, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, required=True, help="a generated corpus directory")
    parser.add_argument("--out", type=Path, required=True, help="where to build the review")
    parser.add_argument(
        "--seed", type=int, default=2020, help="seed of the decisions (default 2020)"
    )
    args = parser.parse_args()
    write_review(args.corpus, args.out)
    stages: dict[str, dict[str, float]] = {}
    for stage in ("records", "dedup"):
        stages[stage] = run_stage(stage, args.out)
    decisions = write_decisions(args.out, args.seed)
    for stage in ("screening", "counts", "reports"):
        stages[stage] = run_stage(stage, args.out)
    counts = json.loads((args.out / "reports" / "data" / "counts.json").read_text(encoding="utf-8"))
    summary = {
        "corpus": str(args.corpus),
        "records": counts["records"]["records"],
        "publications": counts["records"]["publications"],
        "decisions": decisions,
        "stages": stages,
        "total_seconds": round(sum(s["seconds"] for s in stages.values()), 2),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "review_scale.json").write_text(
        json.dumps(summary, indent=2) + "\n", encoding="utf-8"
    )
    lines = [
        "# The pipeline's stages on a large review",
        "",
        f"{summary['records']:,} records, {summary['publications']:,} publications; decisions: "
        + ", ".join(f"{name} {n:,}" for name, n in decisions.items()),
        "",
        "| stage | seconds | peak memory (GB) |",
        "| --- | ---: | ---: |",
        *(f"| {name} | {s['seconds']} | {s['peak_gb']} |" for name, s in stages.items()),
        f"| all | {summary['total_seconds']} | |",
        "",
    ]
    (RESULTS / "review_scale.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
