"""Deduplication accuracy on the labelled record sets.

Usage::

    python benchmarks/dedup_accuracy.py [--data DIR] [--out benchmarks/results]

Each set is a RIS file whose ``ID`` is the record id and a ``truth.csv`` naming each record's
true duplicate group. The records are read and deduplicated exactly as the pipeline does,
then scored two ways:

- per record (as bib-dedupe reports it): in each true group, a removed record is a true
  positive while some record of the group is kept; an extra kept record is a false negative;
  a group with no record kept (merged into another publication) counts one false positive;
- per pair: the pairs of records that share a predicted group, against the pairs that share
  a true group (sensitivity, precision, specificity over all pairs).

"False merges" are predicted groups holding records of more than one publication.
Uncertain pairs (left for people) count as not merged.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

from searchtrail.dedup.engine import deduplicate
from searchtrail.records import read_export, standardise

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "dedup"


def sets(data: Path) -> list[str]:
    """The labelled sets in ``data``: every ``<name>.ris`` with a ``<name>.truth.csv`` beside
    it, by name."""
    names = sorted(p.name.removesuffix(".truth.csv") for p in data.glob("*.truth.csv"))
    missing = [name for name in names if not (data / f"{name}.ris").is_file()]
    if missing or not names:
        raise SystemExit(
            f"{data}: expected labelled sets as <name>.ris beside <name>.truth.csv; "
            + (f"no RIS file for {', '.join(missing)}" if missing else "found none")
        )
    return names


def load(data: Path, name: str) -> tuple[pd.DataFrame, dict[str, str]]:
    parsed = read_export(data / f"{name}.ris", f"{name}.ris")
    rows = [standardise(r.fields, parsed.format) for r in parsed.records]
    frame = pd.DataFrame(rows)
    frame["record_id"] = frame["own_id"]
    truth = pd.read_csv(data / f"{name}.truth.csv", dtype=str)
    return frame, dict(zip(truth["record_id"], truth["duplicate_group"], strict=True))


def score(
    record_ids: list[str], predicted: list[str], kept: list[bool], truth: dict[str, str]
) -> dict[str, float]:
    true_groups: dict[str, list[int]] = defaultdict(list)
    for k, record_id in enumerate(record_ids):
        true_groups[truth[record_id]].append(k)
    tp = fn = fp = 0
    for members in true_groups.values():
        kept_here = sum(kept[k] for k in members)
        removed = len(members) - kept_here
        if kept_here:
            tp += removed
            fn += kept_here - 1
        else:
            fp += 1
            tp += removed - 1
    predicted_groups: dict[str, list[int]] = defaultdict(list)
    for k, group in enumerate(predicted):
        predicted_groups[group].append(k)
    false_merges = sum(
        1
        for members in predicted_groups.values()
        if len({truth[record_ids[k]] for k in members}) > 1
    )
    pairs_true = sum(len(m) * (len(m) - 1) // 2 for m in true_groups.values())
    pairs_found = tp_pairs = 0
    for members in predicted_groups.values():
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                pairs_found += 1
                tp_pairs += truth[record_ids[a]] == truth[record_ids[b]]
    fp_pairs = pairs_found - tp_pairs
    all_pairs = len(record_ids) * (len(record_ids) - 1) // 2
    negatives = all_pairs - pairs_true
    return {
        "records": len(record_ids),
        "removable": len(record_ids) - len(true_groups),
        "removed": len(record_ids) - sum(kept),
        "tp": tp,
        "fn": fn,
        "fp": fp,
        "sensitivity": tp / (tp + fn) if tp + fn else 1.0,
        "false_merges": false_merges,
        "true_pairs": pairs_true,
        "pairs_found": pairs_found,
        "false_pairs": fp_pairs,
        "pair_sensitivity": tp_pairs / pairs_true if pairs_true else 1.0,
        "pair_precision": tp_pairs / pairs_found if pairs_found else 1.0,
        "pair_specificity": (negatives - fp_pairs) / negatives if negatives else 1.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="folder of the labelled sets"
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    rows = []
    for name in sets(args.data):
        frame, truth = load(args.data, name)
        started = time.perf_counter()
        result = deduplicate(frame)
        seconds = time.perf_counter() - started
        row = {"set": name, **score(result.record_ids, result.group_ids, list(result.kept), truth)}
        row["uncertain_pairs"] = int((result.pairs["decision"] == "uncertain").sum())
        row["linked_pairs"] = int((result.pairs["decision"] == "linked version").sum())
        row["seconds"] = round(seconds, 2)
        rows.append(row)
        print(
            f"{name:25} sensitivity {row['sensitivity']:.4f}  false merges {row['false_merges']}  "
            f"pairs {row['pair_sensitivity']:.4f}/{row['pair_precision']:.4f}  {seconds:.1f}s",
            file=sys.stderr,
        )
    table = pd.DataFrame(rows)
    pooled = {
        "set": "pooled",
        "records": int(table["records"].sum()),
        "removable": int(table["removable"].sum()),
        "removed": int(table["removed"].sum()),
        "tp": int(table["tp"].sum()),
        "fn": int(table["fn"].sum()),
        "fp": int(table["fp"].sum()),
        "false_merges": int(table["false_merges"].sum()),
        "true_pairs": int(table["true_pairs"].sum()),
        "pairs_found": int(table["pairs_found"].sum()),
        "false_pairs": int(table["false_pairs"].sum()),
        "uncertain_pairs": int(table["uncertain_pairs"].sum()),
        "linked_pairs": int(table["linked_pairs"].sum()),
        "seconds": round(float(table["seconds"].sum()), 2),
    }
    pooled["sensitivity"] = pooled["tp"] / (pooled["tp"] + pooled["fn"])
    tp_pairs = pooled["pairs_found"] - pooled["false_pairs"]
    pooled["pair_sensitivity"] = tp_pairs / pooled["true_pairs"]
    pooled["pair_precision"] = tp_pairs / pooled["pairs_found"]
    pooled["pair_specificity"] = float("nan")
    table = pd.concat([table, pd.DataFrame([pooled])], ignore_index=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "dedup_accuracy.json").write_text(
        json.dumps(table.to_dict(orient="records"), indent=2, default=float) + "\n",
        encoding="utf-8",
    )
    columns = [
        "set", "records", "removable", "tp", "fn", "fp", "sensitivity", "false_merges",
        "pair_sensitivity", "pair_precision", "false_pairs", "uncertain_pairs", "linked_pairs",
        "seconds",
    ]  # fmt: skip
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in table.to_dict(orient="records"):
        cells = [
            f"{row[c]:.4f}" if isinstance(row[c], float) and c != "seconds" else str(row[c])
            for c in columns
        ]
        lines.append("| " + " | ".join(cells) + " |")
    (args.out / "dedup_accuracy.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if pooled["false_merges"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
