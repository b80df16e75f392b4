"""Deduplicating export files directly: ``searchtrail dedup FILE... --out DIR``.

For people who want only deduplication (and for benchmarks). Records keep their own id
when the file gives one (RIS ``ID``, a CSV ``record_id`` or ``ID`` column) and otherwise get
``<file name>:<position>``.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
from pyarrow import feather

from searchtrail.dedup.engine import DedupResult, Verdict, deduplicate
from searchtrail.dedup.output import (
    audit_pairs,
    groups_table,
    merged_records,
    write_unique_csv,
    write_unique_ris,
)
from searchtrail.dedup.verdicts import questions, read_verdicts, verdicts_text
from searchtrail.errors import Problem, ReviewError
from searchtrail.records import table
from searchtrail.records.model import RawRecord
from searchtrail.records.reader import read_export

IdPolicy = Literal["own", "position"]


def _string_types(kind: pa.DataType) -> pd.api.extensions.ExtensionDtype | None:
    """Arrow strings read back as pandas' own string type (as the reader made them)."""
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pd.StringDtype(storage="pyarrow", na_value=float("nan"))
    return None


@dataclass
class DedupRun:
    """What a stand-alone run read and found."""

    records: pd.DataFrame
    result: DedupResult
    skipped: list[Problem]
    new_questions: int = 0


def release_memory() -> None:
    """Hand memory that a finished stage freed back to the system (the interpreter's and
    Arrow's allocators keep it otherwise), so the next stage starts from what is in use."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def _read_one(path: Path, ids: IdPolicy, keep_raw: bool) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read one file into a records table."""
    name = str(path)
    parsed = read_export(path, name)
    stem = path.name

    def make_id(_record: RawRecord, fields: dict[str, str], position: int) -> str:
        own = fields.get("own_id", "").strip()
        return own if ids == "own" and own else f"{stem}:{position}"

    gathered = table.RecordColumns()
    gathered.add(parsed, origin_id=stem, record_id=make_id, keep_raw=keep_raw)
    message = f"read {name}: {len(parsed.records):,} records ({parsed.format}, {parsed.encoding})"
    return gathered.frame(), parsed.failures, message


def _read_to_file(
    path: Path, ids: IdPolicy, keep_raw: bool, spool: Path
) -> tuple[Path, list[Problem], str]:
    """Read one file in a worker process and leave its records in an Arrow file in ``spool``:
    the parent maps that file instead of receiving a pickled copy of the table."""
    frame, failures, message = _read_one(path, ids, keep_raw)
    target = spool / f"{os.getpid()}-{time.monotonic_ns()}.arrow"
    feather.write_feather(frame, target, compression="uncompressed")
    return target, failures, message


def _read_to_file_task(
    task: tuple[Path, IdPolicy, bool, Path],
) -> tuple[Path, list[Problem], str]:
    return _read_to_file(*task)


def read_files(
    paths: Sequence[Path],
    *,
    ids: IdPolicy = "own",
    skip_unreadable: bool = False,
    keep_raw: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read every file into one records table; return it and the records skipped.

    Several large files are read in parallel, one process per core; each process reads one
    file and exits, so the memory a parser held is returned before the next file."""
    say = progress or (lambda _message: None)
    big = sum(path.stat().st_size for path in paths if path.exists()) > 20_000_000
    workers = min(len(paths), os.cpu_count() or 1) if big else 1
    results: list[tuple[pd.DataFrame, list[Problem], str]] = []
    if workers > 1:
        # Forked workers (no re-import of the caller's main module), one file each.
        context = multiprocessing.get_context("fork")
        with (
            tempfile.TemporaryDirectory(prefix="searchtrail-") as spool,
            context.Pool(processes=workers, maxtasksperchild=1) as pool,
        ):
            tasks = [(path, ids, keep_raw, Path(spool)) for path in paths]
            for target, failures, message in pool.imap(_read_to_file_task, tasks):
                arrow = feather.read_table(target, memory_map=False)
                frame = arrow.to_pandas(types_mapper=_string_types)
                del arrow
                target.unlink()
                results.append((frame, failures, message))
                say(message)
    else:
        for path in paths:
            results.append(_read_one(path, ids, keep_raw))
            say(results[-1][2])
    skipped: list[Problem] = []
    problems: list[Problem] = []
    for _, failures, _ in results:
        (skipped if skip_unreadable else problems).extend(failures)
    if problems:
        raise ReviewError(
            problems, summary="records that cannot be read (--skip-unreadable skips them)"
        )
    frames = [frame for frame, _, _ in results]
    del results
    records = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    del frames
    _check_unique_ids(records)
    return records, skipped


def _check_unique_ids(records: pd.DataFrame) -> None:
    repeated = records.loc[records["record_id"].duplicated(keep=False)]
    if repeated.empty:
        return
    problems = []
    for record_id, rows in list(repeated.groupby("record_id", sort=True))[:20]:
        first = rows.iloc[0]
        for _, row in rows.iloc[1:].iterrows():
            problems.append(
                Problem(
                    str(row["file"]),
                    int(row["line"]),
                    f"record {record_id}",
                    "ID",
                    repr(record_id),
                    "ids unique across the input files (or use --ids position)",
                    f"the id is also used at {first['file']}:{first['line']}",
                )
            )
    raise ReviewError(problems, summary="record ids are not unique")


def run(
    paths: Sequence[Path],
    out: Path,
    *,
    verdicts_file: Path | None = None,
    ids: IdPolicy = "own",
    skip_unreadable: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DedupRun:
    """Read, deduplicate and write ``out``/unique.ris, unique.csv, groups.csv, pairs.csv."""
    started = time.perf_counter()

    def say(message: str) -> None:
        if progress:
            progress(f"[{time.perf_counter() - started:7.1f}s] {message}")

    records, skipped = read_files(paths, ids=ids, skip_unreadable=skip_unreadable, progress=say)
    release_memory()
    verdicts: list[Verdict] = []
    rows: list[dict[str, str]] = []
    if verdicts_file is not None and verdicts_file.exists():
        verdicts, rows = read_verdicts(
            verdicts_file.read_text(encoding="utf-8-sig"),
            file=str(verdicts_file),
            known_ids=records["record_id"],
        )
        say(f"read {len(verdicts):,} verdicts from {verdicts_file}")
    result = deduplicate(records, verdicts, progress=say)
    release_memory()
    say(f"{len(records):,} records in {result.groups:,} groups; writing {out}")
    out.mkdir(parents=True, exist_ok=True)
    merged = merged_records(records, result)
    _write(out / "groups.csv", groups_table(result).to_csv(index=False, lineterminator="\n"))
    write_unique_csv(merged, out / "unique.csv")
    write_unique_ris(merged, out / "unique.ris")
    audit = audit_pairs(result)
    _write(out / "pairs.csv", audit.to_csv(index=False, lineterminator="\n"))
    new_questions = 0
    if verdicts_file is not None:
        new = questions(result, records, rows)
        new_questions = len(new)
        if new or not verdicts_file.exists():
            _write(verdicts_file, verdicts_text(rows, new))
    say("done")
    return DedupRun(records, result, skipped, new_questions)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
