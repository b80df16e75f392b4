"""Deduplicating export files directly: ``searchtrail dedup FILE... --out DIR``.

For people who want only deduplication (and for benchmarks). Records keep their own id
when the file gives one (RIS ``ID``, a CSV ``record_id`` or ``ID`` column) and otherwise get
``<file name>:<key>`` (:mod:`searchtrail.records.identity`); ``--ids key`` always gives the
key, ``--ids position`` always ``<file name>:<position>``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import feather

from searchtrail import threads
from searchtrail.dedup import engine, processes
from searchtrail.dedup.engine import DedupResult, Verdict, deduplicate, filled
from searchtrail.dedup.handoff import write_unique_files
from searchtrail.dedup.output import NO_VALUE, UniqueRecords, write_groups_csv, write_pairs_csv
from searchtrail.dedup.prepare import TextColumn, take_texts
from searchtrail.dedup.verdicts import questions, read_verdicts, write_questions
from searchtrail.errors import Problem, ReviewError
from searchtrail.records import columnar, csv_bytes, table
from searchtrail.records.identity import KnownRecords
from searchtrail.records.reader import HEAD_CHARACTERS, detect_format, read_export
from searchtrail.records.table import IdPolicy
from searchtrail.sheets import WORKBOOKS, read_sheet

Read = tuple[pa.Table, list[Problem], str]
"""What reading one file gives: its records (Arrow), the records that cannot be read, and
a line of progress."""


@dataclass
class DedupRun:
    """What a stand-alone run read and found."""

    records: pd.DataFrame
    result: DedupResult
    skipped: list[Problem]
    new_questions: int = 0


def release_memory() -> None:
    """Hand memory that a finished stage freed back to the system, the interpreter's
    unreachable objects first (:func:`engine.release_memory` does the rest), so the next
    stage starts from what is in use."""
    gc.collect()
    engine.release_memory()


def _read_one(path: Path, ids: IdPolicy, keep_raw: bool, aside: Path | None = None) -> Read:
    """Read one file into a records table (its abstracts left in the Arrow file ``aside``,
    when given: :func:`_set_aside`)."""
    name = str(path)
    parsed = read_export(path, name, by_column=True)
    gathered = table.RecordColumns()
    count = gathered.add(
        parsed,
        origin_id=path.name,
        record_id=table.RecordIds(ids, path.name),
        keep_raw=keep_raw,
        release=True,
    )
    message = f"read {name}: {count:,} records ({parsed.format}, {parsed.encoding})"
    records = gathered.table()
    return (_set_aside(records, aside) if aside else records), parsed.failures, message


ASIDE = ".abstracts"
"""The folder, inside the output folder, where the abstracts wait while duplicates are
found (:func:`_set_aside`)."""
_FILLED = "abstract"
"""What stands for a filled abstract while the abstracts are set aside."""


def _set_aside(records: pa.Table, path: Path) -> pa.Table:
    """``records`` with their abstracts left in the Arrow file ``path`` and, in their place,
    a mark of whether each is filled: finding duplicates looks at nothing more of an abstract
    (a filled one makes its record more complete, :func:`~searchtrail.dedup.engine.completeness`),
    and the abstracts are most of the text a million records hold. :func:`_put_back`
    returns them before the unique records are written."""
    place = records.schema.get_field_index("abstract")
    abstracts = records.column(place)
    feather.write_feather(pa.table({"abstract": abstracts}), path, compression="uncompressed")
    says_none = pc.fill_null(pc.match_substring_regex(abstracts, NO_VALUE["abstract"]), False)
    marks = pc.if_else(
        pa.array(filled(abstracts)),
        # An abstract that says there is none is its own mark, so that the merged record
        # sees it as such (:data:`~searchtrail.dedup.output.NO_VALUE`).
        pc.if_else(says_none, abstracts, pa.scalar(_FILLED, pa.large_string())),
        pa.scalar("", pa.large_string()),
    )
    return records.set_column(place, "abstract", marks)


def _aside(folder: Path, index: int) -> Path:
    """Where the abstracts of file ``index`` are set aside."""
    return folder / f"{index}.arrow"


def _put_back(
    records: pd.DataFrame, folder: Path, files: int, rows: npt.NDArray[np.int64] | None = None
) -> pd.Series:
    """The abstracts of the ``files`` files set aside in ``folder``, as a column of
    ``records`` (only those of ``rows`` when given, the others empty: the unique records
    need only the abstracts they take, which saves holding the others while they are
    written)."""
    wanted = None
    if rows is not None:
        wanted = np.zeros(len(records), dtype=bool)
        wanted[rows] = True
    parts: list[pa.Array] = []
    start = 0
    for index in range(files):
        with pa.OSFile(str(_aside(folder, index))) as source:
            reader = pa.ipc.open_file(source)
            for number in range(reader.num_record_batches):
                part = reader.get_batch(number).column(0)
                size = len(part)
                if wanted is not None:
                    here = wanted[start : start + size]
                    taken = np.where(here, np.arange(size), -1)
                    part = pc.fill_null(part.take(pa.array(taken, mask=~here)), "")
                start += size
                parts.append(part)
    abstracts = table.to_frame(pa.table({"abstract": pa.chunked_array(parts, pa.large_string())}))
    del parts
    return abstracts["abstract"]


class AsideTexts:
    """The abstracts of the ``files`` files set aside in ``folder``, each read from its file
    when asked for (:class:`~searchtrail.dedup.prepare.Texts`): comparing duplicates reads
    the abstracts of a few records, a few thousand among a million. Only the offsets of
    the values are held (8 bytes a record); a value is read from its place in the file,
    with one file open at a time (a run may read hundreds of files, more than a system lets
    one process open). Neither the files nor a mapping of them are held in memory: a mapped
    page counts as the process's memory, and the system maps the pages around each one
    read."""

    def __init__(self, folder: Path, files: int) -> None:
        self._parts: list[tuple[Path, npt.NDArray[np.int64], int]] = []
        starts = [0]
        for index in range(files):
            path = _aside(folder, index)
            for offsets, position in _value_places(path):
                self._parts.append((path, offsets, position))
                starts.append(starts[-1] + len(offsets) - 1)
        self._starts = np.asarray(starts, dtype=np.int64)
        self._open: tuple[Path, BinaryIO] | None = None

    def __getitem__(self, index: int) -> str:
        part = int(np.searchsorted(self._starts, index, side="right")) - 1
        path, offsets, position = self._parts[part]
        row = int(index) - int(self._starts[part])
        start, end = int(offsets[row]), int(offsets[row + 1])
        if end <= start:
            return ""
        if self._open is None or self._open[0] != path:
            self.close()
            self._open = path, path.open("rb")
        handle = self._open[1]
        handle.seek(position + start)
        return handle.read(end - start).decode("utf-8")

    def take(self, rows: npt.NDArray[np.int64]) -> TextColumn:
        return take_texts(self, rows)

    def close(self) -> None:
        if self._open is not None:
            self._open[1].close()
            self._open = None

    def __enter__(self) -> AsideTexts:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _value_places(path: Path) -> Iterator[tuple[npt.NDArray[np.int64], int]]:
    """For each record batch of the Arrow file ``path`` (one large-string column): its
    values' offsets, and where in the file its values' bytes start. Where a buffer of a
    file mapped from the disk lies in the mapping is where it lies in the file."""
    with pa.memory_map(str(path)) as source:
        base = source.read_buffer(1).address  # the file's first byte, where the mapping starts
        reader = pa.ipc.open_file(source)
        for number in range(reader.num_record_batches):
            column = reader.get_batch(number).column(0)
            _, offsets, data = column.buffers()
            assert offsets is not None
            places = np.frombuffer(offsets, dtype=np.int64)
            places = places[column.offset : column.offset + len(column) + 1].copy()
            position = data.address - base if data is not None and data.size else 0
            del column, offsets, data
            yield places, position


SPOOL = ".reading"
"""The folder, inside the output folder, where worker processes leave what they read."""


@contextlib.contextmanager
def _spool(parent: Path, name: str = SPOOL) -> Iterator[Path]:
    """A spool folder ``name`` in ``parent``; one a killed run left behind is cleared first."""
    folder = parent / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _claim(folder: Path, index: int) -> bool:
    """Take file ``index`` to read, unless another reader took it first (the claim is a
    file created only if it does not exist, which the system does in one step)."""
    try:
        os.close(os.open(folder / f"{index}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _spooled(folder: Path, index: int) -> tuple[Path, Path]:
    """Where file ``index``'s records and what else a worker read of it are left."""
    return folder / f"{index}.arrow", folder / f"{index}.json"


def read_worker(
    spool: Path,
    aside: Path | None,
    ids: IdPolicy,
    keep_raw: bool,
    order: Sequence[int],
    paths: Sequence[Path],
    log: Path,
    readers: int,
) -> None:
    """A worker process (made by :func:`processes.context`): take the input files one at a
    time, in ``order`` (:func:`reading_order`), that no other reader has taken, and leave
    each one's records in an Arrow file in ``spool`` and what else the parent needs (records
    that cannot be read, a progress line, or the file's own error) in a JSON file beside it,
    written last under its final name. Its own output and errors go to ``log``; ``aside``
    is the folder where abstracts are set aside (None: they stay with the records);
    ``readers`` counts this one, the others and the parent (a reader with no file left
    frees its core for the others' pieces: :func:`threads.spare_cores`)."""
    processes.watch_parent()
    with log.open("wb") as errors:
        os.dup2(errors.fileno(), 1)
        os.dup2(errors.fileno(), 2)
    gc.freeze()  # what the imports made lives as long as the worker (as ``cli.program``)
    with _sharing_cores(spool, readers):
        for index in order:
            if not _claim(spool, index):
                continue
            target, meta_path = _spooled(spool, index)
            meta: dict[str, Any]
            try:
                records, failures, message = _read_one(
                    paths[index], ids, keep_raw, _aside(aside, index) if aside else None
                )
            except ReviewError as error:
                meta = {"error": [asdict(p) for p in error.problems], "summary": error.summary}
            else:
                feather.write_feather(records, target, compression="uncompressed")
                del records
                meta = {"failures": [asdict(p) for p in failures], "message": message}
            partial = meta_path.with_suffix(".part")
            partial.write_text(json.dumps(meta), encoding="utf-8")
            partial.replace(meta_path)
    _done_reading(spool)


def _sharing_cores(folder: Path, readers: int) -> contextlib.AbstractContextManager[None]:
    """The reading of one of ``readers`` readers sharing the spool ``folder``: a second
    thread for its pieces while the cores outnumber the readers still reading."""
    return threads.cores_shared(lambda: threads.spare_cores(readers, _readers_done(folder)))


def _done_reading(folder: Path) -> None:
    """Say that this reader has no file left to read (its core is free for another's
    threads: :func:`threads.cores_shared`)."""
    (folder / f"{os.getpid()}.done").touch()


def _readers_done(folder: Path) -> int:
    """How many readers have said they have no file left to read."""
    return sum(1 for _ in folder.glob("*.done"))


def _collect(folder: Path, index: int) -> Read:
    """What a worker read of file ``index``; its error raised here, as reading it in this
    process would have."""
    target, meta_path = _spooled(folder, index)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if "error" in meta:
        raise ReviewError([Problem(**p) for p in meta["error"]], summary=meta["summary"])
    records = feather.read_table(target, memory_map=False)
    target.unlink()
    return records, [Problem(**p) for p in meta["failures"]], meta["message"]


def _read_in_parallel(
    paths: Sequence[Path],
    ids: IdPolicy,
    keep_raw: bool,
    folder: Path,
    workers: int,
    say: Callable[[str], None],
    aside: Path | None,
) -> list[Read]:
    """Read the files with ``workers - 1`` worker processes and this one, each taking the
    next file no other has taken, in :func:`reading_order`; the results in file order."""
    logs = [folder / f"worker-{n}.log" for n in range(workers - 1)]
    order = reading_order(paths)
    helpers = [
        processes.context().Process(
            target=read_worker,
            args=(folder, aside, ids, keep_raw, order, list(paths), log, workers),
            daemon=True,
        )
        for log in logs
    ]
    with processes.program_unnamed():
        for helper in helpers:
            helper.start()
    here: dict[int, Read | ReviewError] = {}
    results: list[Read] = []

    def gather(wait: bool) -> None:
        """Take the results that are ready, in file order (waiting for them with ``wait``)."""
        while len(results) < len(paths):
            index = len(results)
            if index in here:
                read = here.pop(index)
                if isinstance(read, ReviewError):
                    raise read
            elif _spooled(folder, index)[1].exists():
                read = _collect(folder, index)
            elif wait and (folder / f"{index}.claim").exists():
                if not any(helper.is_alive() for helper in helpers):
                    _worker_failed(paths[index], helpers, logs)
                time.sleep(0.02)
                continue
            else:
                return
            results.append(read)
            say(read[2])

    try:
        with _sharing_cores(folder, workers):
            for index in order:
                if _claim(folder, index):
                    try:
                        here[index] = _read_one(
                            paths[index], ids, keep_raw, _aside(aside, index) if aside else None
                        )
                    except ReviewError as error:
                        here[index] = error
                gather(wait=False)
        _done_reading(folder)
        gather(wait=True)
    finally:
        for helper in helpers:
            if helper.is_alive():
                helper.kill()
            helper.join()
    return results


SLOWER_PER_BYTE: Final = 2
"""How many times as long a byte takes to read in a format not read column by column
(BibTeX, XML, a table not in UTF-8, ...) as in RIS, MEDLINE, Web of Science text or a CSV
table in UTF-8: the line readers read about 22,000 records a second on one core, those by
column 67,000-89,000 with as many bytes per record (``benchmarks/results/read_speed.md``),
and the other readers lie between."""


def reading_order(paths: Sequence[Path]) -> list[int]:
    """The files' numbers in the order readers take them: the longest to read first, so that
    the files taken last are short ones and no reader waits long for another at the end
    (longest first is the classic rule for sharing jobs between workers). A file's reading
    time is told from its size and, by its first bytes (:func:`detect_format`), whether its
    format is read column by column (:data:`SLOWER_PER_BYTE`). Files of equal estimate keep
    their order; a file that cannot be opened counts as empty (its reader reports it)."""

    def cost(index: int) -> int:
        path = paths[index]
        try:
            size = path.stat().st_size
            with path.open("rb") as handle:
                head = handle.read(HEAD_CHARACTERS)
        except OSError:
            return 0
        text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
        told = detect_format(text)
        utf8 = "\ufffd" not in text[:-1]  # the head may end inside a character
        by_column = told in columnar.FORMATS or (told in csv_bytes.FORMATS and utf8)
        return size if by_column else size * SLOWER_PER_BYTE

    return sorted(range(len(paths)), key=lambda index: -cost(index))


def _worker_failed(path: Path, helpers: Sequence[BaseProcess], logs: Sequence[Path]) -> None:
    """A worker took ``path`` and ended without leaving what it read."""
    details = [
        f"exit status {helper.exitcode}: "
        + log.read_text(encoding="utf-8", errors="replace").strip()[-2000:]
        for helper, log in zip(helpers, logs, strict=True)
        if helper.exitcode != 0
    ]
    raise RuntimeError(
        f"reading {path} failed in its worker process ({'; '.join(details) or 'no error shown'})"
    )


def read_files(
    paths: Sequence[Path],
    *,
    ids: IdPolicy = "own",
    skip_unreadable: bool = False,
    keep_raw: bool = False,
    progress: Callable[[str], None] | None = None,
    spool: Path | None = None,
    parallel_above: int | None = None,
    aside: Path | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read every file into one records table; return it and the records skipped. With
    ``aside`` (a folder), the abstracts are left there, a mark of whether each is filled in
    their place (:func:`_set_aside`; :func:`_put_back` returns them).

    Above ``parallel_above`` bytes (default :data:`processes.PARALLEL_ABOVE`), files are read in
    parallel by this process and a worker process per further core, each taking the next
    file no other has taken (in :func:`reading_order`). Each worker is made by the fork
    server (:mod:`~searchtrail.dedup.processes`), so nothing of this process's threads or
    locks is carried into it (a fork of this process could leave a child waiting for ever
    on a lock that another thread, Arrow's or a pool's, held at that moment). It leaves each
    file's records in an Arrow file in ``spool`` (default: the current folder's
    ``.reading``, cleared first if a killed run left it).

    A reader keeps the memory a parser freed for the next file it reads, and a worker hands
    it back to the system when it ends: handing it back after each file would have the
    system find and clear it again for the next, which costs seconds a gigabyte on a
    virtual machine whose host takes back the memory its guest frees. At a million records
    (5 files), the read took 12.9-16.9 s with memory handed back after each file, 10.1-13.3 s
    without; its peak rose from 1.9 to 2.3 GB, below that of normalising the records
    (2.7 GB), and the command hands back what is unused once all are read."""
    say = progress or (lambda _message: None)
    big = processes.large(paths, parallel_above)
    workers = min(len(paths), os.cpu_count() or 1) if big else 1
    results: list[Read] = []
    if workers > 1:
        with _spool(spool or Path.cwd()) as folder:
            results = _read_in_parallel(paths, ids, keep_raw, folder, workers, say, aside)
    else:
        for index, path in enumerate(paths):
            results.append(_read_one(path, ids, keep_raw, _aside(aside, index) if aside else None))
            say(results[-1][2])
    skipped: list[Problem] = []
    problems: list[Problem] = []
    for _, failures, _ in results:
        (skipped if skip_unreadable else problems).extend(failures)
    if problems:
        raise ReviewError(
            problems, summary="records that cannot be read (--skip-unreadable skips them)"
        )
    tables = [records for records, _, _ in results]
    del results
    records = table.to_frame(pa.concat_tables(tables) if len(tables) > 1 else tables[0])
    del tables
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
                    "ids unique across the input files (or use --ids key: records named by "
                    "their accession or a fingerprint of their content, which stay with them "
                    "when a file is exported again in another order)",
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
    keep_abstracts: bool = True,
) -> DedupRun:
    """Read, deduplicate and write ``out``/unique.ris, unique.csv, unique.json (CSL-JSON),
    groups.csv, pairs.csv. Without ``keep_abstracts``, the records returned have no
    ``abstract`` column (the command line, which does not use them, saves holding every
    abstract once more at the end)."""
    started = time.perf_counter()

    def say(message: str) -> None:
        if progress:
            progress(f"[{time.perf_counter() - started:7.1f}s] {message}")

    if verdicts_file is not None:
        _refuse_verdicts_file(verdicts_file, out)
    _refuse_overwriting_inputs(paths, out, verdicts_file)
    out.mkdir(parents=True, exist_ok=True)
    with _spool(out, ASIDE) as aside:
        return _run(paths, out, aside, verdicts_file, ids, skip_unreadable, say, keep_abstracts)


def _run(
    paths: Sequence[Path],
    out: Path,
    aside: Path,
    verdicts_file: Path | None,
    ids: IdPolicy,
    skip_unreadable: bool,
    say: Callable[[str], None],
    keep_abstracts: bool,
) -> DedupRun:
    records, skipped = read_files(
        paths, ids=ids, skip_unreadable=skip_unreadable, progress=say, spool=out, aside=aside
    )
    release_memory()
    verdicts: list[Verdict] = []
    rows: list[dict[str, str]] = []
    sheet = (
        read_sheet(verdicts_file) if verdicts_file is not None and verdicts_file.exists() else None
    )
    if sheet is not None:
        verdicts, rows = read_verdicts(sheet, known=KnownRecords.of(records))
        say(f"read {len(verdicts):,} verdicts from {verdicts_file}")
    try:
        with AsideTexts(aside, len(paths)) as abstracts:
            result = deduplicate(records, verdicts, progress=say, abstracts=abstracts)
    finally:
        processes.stop()  # the readers and the titles' process are done
    release_memory()
    say(f"{len(records):,} records in {result.groups:,} groups; writing {out}")
    merged = UniqueRecords(records, result)
    # The abstracts the unique records take are read back while groups.csv and pairs.csv
    # are written: reading them and taking them from their files is Arrow's work, outside
    # Python's interpreter lock, and the two files need none of them.
    with ThreadPoolExecutor(max_workers=1) as thread:
        taken = thread.submit(_put_back, records, aside, len(paths), merged.sources["abstract"])
        write_groups_csv(result, out / "groups.csv")
        write_pairs_csv(result, out / "pairs.csv")
        merged.take_values("abstract", taken.result())
    write_unique_files(merged, out)
    del merged
    release_memory()
    if keep_abstracts:
        records["abstract"] = _put_back(records, aside, len(paths)).array
    else:
        records = records.drop(columns="abstract")
    new_questions = 0
    if verdicts_file is not None:
        new = questions(result, records, rows)
        new_questions = len(new)
        if new or not verdicts_file.exists():
            write_questions(verdicts_file, sheet, new)
    say("done")
    return DedupRun(records, result, skipped, new_questions)


OUTPUT_FILES = ("unique.ris", "unique.csv", "unique.json", "groups.csv", "pairs.csv")


def _refuse_verdicts_file(verdicts_file: Path, out: Path) -> None:
    """Before anything is read or written: the verdicts file must be a CSV or TSV table
    (new questions are appended to it as text, and a workbook would be overwritten with
    it) and none of the files the run writes."""
    problems = []
    if verdicts_file.suffix.lower() in WORKBOOKS:
        problems.append(
            Problem(
                str(verdicts_file),
                None,
                None,
                "--verdicts",
                None,
                "a verdicts file in CSV (verdicts.csv): searchtrail adds questions to it as "
                "text and never writes a workbook",
                "it is a workbook; keep verdicts in CSV (in Excel: Save As, 'CSV UTF-8') "
                "and give that file",
            )
        )
    outputs = {(out / name).resolve(): name for name in OUTPUT_FILES}
    written = outputs.get(verdicts_file.resolve())
    if written is not None:
        problems.append(
            Problem(
                str(verdicts_file),
                None,
                None,
                "--verdicts",
                None,
                f"a verdicts file apart from what the command writes in {out}",
                f"it is the output {out / written}, which this run writes",
            )
        )
    if problems:
        raise ReviewError(problems, summary="a verdicts file this run cannot use")


def _refuse_overwriting_inputs(
    paths: Sequence[Path], out: Path, verdicts_file: Path | None
) -> None:
    """An input file that is also an output (or the verdicts file) would be overwritten."""
    written = {(out / name).resolve(): f"the output {out / name}" for name in OUTPUT_FILES}
    if verdicts_file is not None:
        written[verdicts_file.resolve()] = f"the verdicts file {verdicts_file}"
    problems = []
    seen: dict[Path, Path] = {}
    for path in paths:
        real = path.resolve()
        if real in written:
            problems.append(
                Problem.of_file(
                    str(path),
                    "an input file apart from what the command writes",
                    f"it is {written[real]}, which this run would overwrite",
                )
            )
        elif real in seen:
            problems.append(
                Problem.of_file(
                    str(path),
                    "each input file given once",
                    f"it is the same file as {seen[real]}; its records would be read twice",
                )
            )
        seen.setdefault(real, path)
    if problems:
        raise ReviewError(problems, summary="input files this run cannot use")
