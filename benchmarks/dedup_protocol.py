"""An honest evaluation protocol for deduplication: frozen rules, bib-dedupe, leave-one-set-out.

Usage::

    python3 -m venv /tmp/bibdedupe-venv
    /tmp/bibdedupe-venv/bin/pip install bib-dedupe==0.11.0
    .venv/bin/python benchmarks/dedup_protocol.py --bib-dedupe-python /tmp/bibdedupe-venv/bin/python

Options: ``--data DIR`` (default ``../shared/benchmarks/dedup``), ``--out DIR`` (default
``benchmarks/results``), no ``--bib-dedupe-python`` to leave bib-dedupe out. It takes a few
minutes (the grid is 120 settings × the sets, seven in the shared folder; bib-dedupe about a minute). Nothing is random:
the engine and bib-dedupe are deterministic, and ties in the tuning are broken by a fixed
order (closest to today's values), so the same data give the same figures.

Three parts, all scored by ``dedup_accuracy.score`` (per record as bib-dedupe counts, per
pair, false merges as groups holding more than one publication, false pairs, and here also
the records wrongly merged: in each false-merged group, the records outside its largest
publication):

1. **Frozen rules.** searchtrail's rules as they are in ``src/`` on every set, and
   bib-dedupe (prep, block, match, cluster via ``run_bib_dedupe.py``) on the same sets.
   bib-dedupe reads each set's ``records.csv`` (the source fields, as in its own benchmark),
   with the columns renamed to those it expects; ``sweep_tafenoquine`` has no
   ``records.csv``, so its table is built from searchtrail's reading of the RIS file, as
   ``speed.py`` does.
   In the examples of pairs bib-dedupe joins and searchtrail does not, newlines in fields
   are shown as ``/``.
2. **Leave-one-set-out.** Three of the similarity cut-offs in
   ``searchtrail.dedup.decide.Evidence`` are tuned (see :data:`GRID`). For each held-out set,
   the setting chosen is the one with the highest pooled per-record sensitivity on the
   other sets subject to zero false merges on them (ties: the setting nearest today's
   values, then the lower index in the grid); the held-out set is then scored with it.
3. Results in ``results/dedup_protocol.json`` and ``.md``, with the provenance of the rules
   scored (the searchtrail package imported, its git commit, whether ``dedup/`` differs from
   it, a SHA-256 of ``dedup/*.py``).

To score the rules of a commit rather than the working tree (others may be editing
``src/``), put that commit's ``src`` first on the path::

    rm -rf /tmp/searchtrail-head && mkdir -p /tmp/searchtrail-head
    git archive HEAD src | tar -x -C /tmp/searchtrail-head
    PYTHONPATH=/tmp/searchtrail-head/src .venv/bin/python benchmarks/dedup_protocol.py \
        --bib-dedupe-python /tmp/bibdedupe-venv/bin/python

(The provenance then shows the package under ``/tmp``; its commit is not recorded, as the
copy is not a git tree, but the hash identifies the rules.)

The cut-offs are literals inside ``Evidence.of``; ``src/`` is not edited. The engine calls
``Evidence.of`` at run time, so :func:`thresholds` replaces it in-process
(``unittest.mock.patch.object``) by a wrapper that calls the original and recomputes the
three evidence masks with the given cut-offs. With today's values the wrapper must give the
original masks exactly; the script checks that on every pair of every set and stops if the
formulas in ``src/`` have changed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd

import searchtrail

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_accuracy import DEFAULT_DATA, load, score, sets

from searchtrail.dedup import decide as decide_module
from searchtrail.dedup.engine import deduplicate

HERE = Path(__file__).resolve().parent
GIT = shutil.which("git") or "git"

# Today's values, as written in decide.Evidence.of.
DEFAULTS = {"close_title": 88, "same_title": 97, "authors": 80}
GRID = {
    # close_title: title >= t or title_tokens >= t + 7 (today 88 / 95). Used by the rules
    # "same citation", "title, volume and page", "title and page range" and by the
    # linked/uncertain tests.
    "close_title": (70, 80, 84, 88, 92, 95),
    # same_title: title >= s or (title >= s - 7 and title_tokens >= s) (today 97 / 90 / 97).
    # Used by the rules on title, authors and journal / first page / volume, conference paper.
    "same_title": (90, 94, 97, 99),
    # authors_ok: authors >= a or first_author >= a + 5 or author_words >= a + 10
    # (today 80 / 85 / 90). Used by every fuzzy rule.
    "authors": (60, 70, 80, 90, 95),
}
SCORE_KEYS = (
    "records", "removable", "removed", "tp", "fn", "fp", "false_merges", "true_pairs",
    "pairs_found", "false_pairs", "wrongly_merged_records",
)  # fmt: skip


def provenance() -> dict[str, object]:
    """Which rules were scored: the searchtrail imported, its git commit, a hash of dedup/."""
    package = Path(searchtrail.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted((package / "dedup").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())

    def git(*command: str) -> str:
        done = subprocess.run(
            [GIT, *command], cwd=package, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    commit = git("rev-parse", "HEAD")
    return {
        "searchtrail": str(package),
        "commit": commit or None,
        "dedup_changed_since_commit": (
            bool(git("status", "--porcelain", "--", "dedup")) if commit else None
        ),
        "dedup_sha256": digest.hexdigest(),
    }


def _masks(c: object, close_title: int, same_title: int, authors: int) -> dict[str, np.ndarray]:
    return {
        "close_title": (c.title >= close_title) | (c.title_tokens >= close_title + 7),
        "same_title": (c.title >= same_title)
        | ((c.title >= same_title - 7) & (c.title_tokens >= same_title)),
        "authors_ok": (c.authors >= authors)
        | (c.first_author >= authors + 5)
        | (c.author_words >= authors + 10),
    }


@contextlib.contextmanager
def thresholds(close_title: int, same_title: int, authors: int) -> Iterator[None]:
    """Run the engine with these cut-offs (in-process; ``src/`` is untouched)."""
    original = decide_module.Evidence.of.__func__

    def of(cls: type, c: object) -> object:
        evidence = original(cls, c)
        today = _masks(c, **DEFAULTS)
        for name, mask in today.items():
            if not np.array_equal(mask, getattr(evidence, name)):
                raise RuntimeError(
                    f"decide.Evidence.{name} is no longer computed as this script assumes; "
                    "update _masks() to match src/searchtrail/dedup/decide.py"
                )
        return dataclasses.replace(evidence, **_masks(c, close_title, same_title, authors))

    with mock.patch.object(decide_module.Evidence, "of", classmethod(of)):
        yield


def full_score(
    record_ids: list[str], predicted: list[str], kept: list[bool], truth: dict[str, str]
) -> dict[str, float]:
    row = score(record_ids, predicted, kept, truth)
    groups: dict[str, list[str]] = defaultdict(list)
    for record_id, group in zip(record_ids, predicted, strict=True):
        groups[group].append(truth[record_id])
    row["wrongly_merged_records"] = sum(
        len(members) - Counter(members).most_common(1)[0][1] for members in groups.values()
    )
    return row


def pooled(rows: list[dict], name: str = "pooled") -> dict:
    total = {"set": name, **{k: int(sum(r[k] for r in rows)) for k in SCORE_KEYS}}
    tp_pairs = total["pairs_found"] - total["false_pairs"]
    total["sensitivity"] = total["tp"] / (total["tp"] + total["fn"])
    total["pair_sensitivity"] = tp_pairs / total["true_pairs"]
    total["pair_precision"] = tp_pairs / total["pairs_found"] if total["pairs_found"] else 1.0
    return total


def run_searchtrail(frames: dict, truths: dict, setting: dict | None = None) -> dict[str, dict]:
    rows = {}
    with thresholds(**(setting or DEFAULTS)):
        for name, frame in frames.items():
            result = deduplicate(frame.copy())
            rows[name] = {
                "set": name,
                **full_score(
                    result.record_ids, list(result.group_ids), list(result.kept), truths[name]
                ),
                "uncertain_pairs": int((result.pairs["decision"] == "uncertain").sum()),
                "groups": dict(zip(result.record_ids, result.group_ids, strict=True)),
                "pairs": {
                    frozenset((a, b)): f"{decision}: {reason}"
                    for a, b, decision, reason in zip(
                        result.pairs["record_a"],
                        result.pairs["record_b"],
                        result.pairs["decision"],
                        result.pairs["reason"],
                        strict=True,
                    )
                },
            }
    return rows


def bib_dedupe_table(data: Path, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table bib-dedupe reads: the set's records.csv, else searchtrail's reading."""
    columns = ["ID", "ENTRYTYPE", "title", "author", "year", "journal", "booktitle"]
    columns += ["volume", "number", "pages", "doi", "abstract"]
    source = data / f"{name}.records.csv"
    if source.exists():
        table = pd.read_csv(source, dtype=str, keep_default_na=False)
        table = table.rename(columns={"record_id": "ID"})
        if "number" not in table and "issue" in table:
            table = table.rename(columns={"issue": "number"})
    else:
        table = pd.DataFrame(
            {
                "ID": frame["record_id"],
                "title": frame["title"],
                "author": frame["authors"].str.replace("\n", " and ", regex=False),
                "year": frame["year"],
                "journal": frame["journal"],
                "volume": frame["volume"],
                "number": frame["issue"],
                "pages": frame["pages"],
                "doi": frame["doi"],
                "abstract": frame["abstract"],
            }
        )
    if "ENTRYTYPE" not in table:
        table["ENTRYTYPE"] = "article"
    table["ENTRYTYPE"] = table["ENTRYTYPE"].replace("", "article")
    for column in columns:
        if column not in table:
            table[column] = ""
    return table[columns].fillna("")


def run_bib_dedupe(python: str, data: Path, frames: dict, truths: dict) -> dict[str, dict]:
    rows = {}
    with tempfile.TemporaryDirectory() as work:
        for name, frame in frames.items():
            source = Path(work) / f"{name}.csv"
            groups = Path(work) / f"{name}.groups.csv"
            bib_dedupe_table(data, name, frame).to_csv(source, index=False)
            outcome = subprocess.run(
                [python, str(HERE / "run_bib_dedupe.py"), str(source), str(groups)],
                capture_output=True,
                text=True,
                check=True,
            )
            seconds = json.loads(outcome.stdout.strip().splitlines()[-1])["seconds"]
            predicted = pd.read_csv(groups, dtype=str, keep_default_na=False)
            # bib-dedupe keeps one record per group; which one does not matter for scoring.
            kept = ~predicted["duplicate_group"].duplicated()
            rows[name] = {
                "set": name,
                **full_score(
                    list(predicted["record_id"]),
                    list(predicted["duplicate_group"]),
                    list(kept),
                    truths[name],
                ),
                "seconds": seconds,
                "groups": dict(
                    zip(predicted["record_id"], predicted["duplicate_group"], strict=True)
                ),
            }
            print(f"bib-dedupe {name:25} {rows[name]['sensitivity']:.4f}", file=sys.stderr)
    return rows


def missed_pairs(truth: dict[str, str], ours: dict[str, str], theirs: dict[str, str]) -> list:
    """True duplicate pairs bib-dedupe puts together and searchtrail does not."""
    members: dict[str, list[str]] = defaultdict(list)
    for record_id, group in truth.items():
        members[group].append(record_id)
    found = []
    for ids in members.values():
        for a, b in itertools.combinations(sorted(ids), 2):
            if theirs[a] == theirs[b] and ours[a] != ours[b]:
                found.append((a, b))
    return found


def strip(rows: list[dict]) -> list[dict]:
    """The score rows without the groups and pair decisions kept for the examples."""
    return [{k: v for k, v in r.items() if k not in ("groups", "pairs")} for r in rows]


def distance(setting: dict) -> int:
    return sum(abs(setting[k] - DEFAULTS[k]) for k in DEFAULTS)


def loso(grid_rows: list[tuple[dict, dict[str, dict]]]) -> list[dict]:
    chosen = []
    names = list(grid_rows[0][1])
    for held_out in names:
        best = None
        for index, (setting, rows) in enumerate(grid_rows):
            train = [rows[s] for s in names if s != held_out]
            if any(r["false_merges"] for r in train):
                continue
            key = (-pooled(train)["sensitivity"], distance(setting), index)
            if best is None or key < best[0]:
                best = (key, setting, rows)
        assert best is not None, "no setting without false merges on the training sets"
        (neg_sensitivity, _, _), setting, rows = best
        chosen.append(
            {
                **{k: v for k, v in rows[held_out].items() if k not in ("groups", "pairs")},
                "setting": setting,
                "train_sensitivity": -neg_sensitivity,
            }
        )
    return chosen


COLUMNS = (
    "set", "records", "removable", "tp", "fn", "fp", "sensitivity", "false_merges",
    "wrongly_merged_records", "pair_sensitivity", "pair_precision", "false_pairs",
)  # fmt: skip


def table(rows: list[dict], columns: tuple[str, ...] = COLUMNS) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = []
        for c in columns:
            value = row.get(c, "")
            if isinstance(value, float):
                cells.append(f"{value:.4f}")
            elif isinstance(value, dict):
                cells.append("/".join(str(value[k]) for k in DEFAULTS))
            else:
                cells.append(str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--bib-dedupe-python", help="Python of an environment with bib-dedupe")
    args = parser.parse_args(argv)

    names = sets(args.data)
    frames, truths = {}, {}
    for name in names:
        frames[name], truths[name] = load(args.data, name)

    frozen = run_searchtrail(frames, truths)
    for name, row in frozen.items():
        print(f"searchtrail {name:25} {row['sensitivity']:.4f}", file=sys.stderr)
    bib = (
        run_bib_dedupe(args.bib_dedupe_python, args.data, frames, truths)
        if (args.bib_dedupe_python)
        else {}
    )

    settings = [
        dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())
    ]
    grid_rows = []
    for n, setting in enumerate(settings):
        grid_rows.append((setting, run_searchtrail(frames, truths, setting)))
        if n % 25 == 24:
            print(f"grid {n + 1}/{len(settings)}", file=sys.stderr)
    held_out = loso(grid_rows)

    # Where bib-dedupe is ahead: the true pairs it joins that searchtrail leaves apart.
    ahead = {}
    for name in names:
        if name in bib and bib[name]["sensitivity"] > frozen[name]["sensitivity"]:
            records = frames[name].set_index("record_id")
            examples = []
            for a, b in missed_pairs(truths[name], frozen[name]["groups"], bib[name]["groups"]):
                why = frozen[name]["pairs"].get(frozenset((a, b)), "not a candidate pair")
                examples.append(
                    {"searchtrail": why}
                    | {
                        record: {
                            k: str(records.at[record, k])[:120].replace("\n", " / ")
                            for k in ("title", "authors", "year", "journal", "volume", "pages")
                        }
                        | {"doi": str(records.at[record, "doi"])}
                        for record in (a, b)
                    }
                )
            ahead[name] = examples

    frozen_rows = strip([frozen[s] for s in names])
    bib_rows = strip([bib[s] for s in names]) if bib else []
    result = {
        "provenance": provenance(),
        "defaults": DEFAULTS,
        "grid": GRID,
        "frozen": {"searchtrail": [*frozen_rows, pooled(frozen_rows)]},
        "leave_one_set_out": [*held_out, pooled(held_out)],
        "grid_results": [
            {
                "setting": setting,
                "per_set": {
                    s: {k: rows[s][k] for k in ("sensitivity", "false_merges", "tp", "fn")}
                    for s in names
                },
            }
            for setting, rows in grid_rows
        ],
        "bib_dedupe_ahead": ahead,
    }
    if bib:
        result["frozen"]["bib_dedupe"] = [*bib_rows, pooled(bib_rows)]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "dedup_protocol.json").write_text(
        json.dumps(result, indent=2, default=float, ensure_ascii=False) + "\n", encoding="utf-8"
    )

    md = ["# Deduplication: evaluation protocol", ""]
    md += [f"Rules scored: `{json.dumps(result['provenance'])}`", ""]
    md += ["## Frozen rules: searchtrail", "", *table(result["frozen"]["searchtrail"])]
    if bib:
        md += ["", "## Frozen: bib-dedupe 0.11.0, same scorer", ""]
        md += table(result["frozen"]["bib_dedupe"])
        side = ("set", "searchtrail", "bib-dedupe", "searchtrail FM", "bib-dedupe FM")
        md += ["", "### Side by side (per-record sensitivity, false merges)", ""]
        md += ["| " + " | ".join(side) + " |", "|" + "---|" * len(side)]
        for ours, theirs in zip(
            result["frozen"]["searchtrail"], result["frozen"]["bib_dedupe"], strict=True
        ):
            md.append(
                f"| {ours['set']} | {ours['sensitivity']:.4f} | {theirs['sensitivity']:.4f} | "
                f"{ours['false_merges']} | {theirs['false_merges']} |"
            )
    md += ["", "## Leave-one-set-out (held-out set scored with cut-offs tuned on the others)"]
    md += [
        "",
        "setting = close_title/same_title/authors; today "
        + "/".join(str(v) for v in DEFAULTS.values())
        + "",
        "",
    ]
    md += table(
        result["leave_one_set_out"], (*COLUMNS[:1], "setting", "train_sensitivity", *COLUMNS[1:])
    )
    md += ["", "## Each cut-off alone (the other two at today's values), all sets pooled", ""]
    md += ["| cut-off | value | sensitivity | false merges | sets with false merges |"]
    md += ["|---|---|---|---|---|"]
    for name in GRID:
        for setting, rows in grid_rows:
            if any(setting[k] != DEFAULTS[k] for k in GRID if k != name):
                continue
            total = pooled(list(rows.values()))
            bad = ", ".join(s for s in names if rows[s]["false_merges"]) or "-"
            mark = " (today)" if setting[name] == DEFAULTS[name] else ""
            md.append(
                f"| {name} | {setting[name]}{mark} | {total['sensitivity']:.4f} | "
                f"{total['false_merges']} | {bad} |"
            )
    if ahead:
        md += [
            "",
            "## Sets where bib-dedupe is ahead: true pairs it joins and searchtrail does not",
        ]
        for name, examples in ahead.items():
            md += ["", f"### {name} ({len(examples)} pairs)", ""]
            for pair in examples:
                md.append(f"- searchtrail's decision: {pair['searchtrail']}")
                for record, fields in pair.items():
                    if record == "searchtrail":
                        continue
                    md.append(f"- `{record}`: " + "; ".join(f"{k}={v}" for k, v in fields.items()))
                md.append("")
    (args.out / "dedup_protocol.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
