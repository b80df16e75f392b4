"""The stand-alone dedup command's reading: parallel workers that never hang, nothing left
behind by a killed run, and inputs it will not overwrite or read twice."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchtrail.arrowtext import first_bytes
from searchtrail.dedup import output, processes
from searchtrail.dedup.engine import filled
from searchtrail.dedup.files import SLOWER_PER_BYTE, SPOOL, read_files, reading_order
from searchtrail.errors import ReviewError
from searchtrail.records.reader import read_export
from searchtrail.records.table import RecordColumns, RecordIds
from tests.conftest import DATA
from tests.test_dedup_vetoes import AGRIS_NO_JOURNAL_RIS

EXPORTS = DATA / "exports"
FILES = [
    EXPORTS / name for name in ("pubmed.nbib", "scopus.csv", "ovid_psycinfo.ris", "wos_plain.txt")
]


def _hung(_signal: int, _frame: object) -> None:
    raise TimeoutError("the parallel reader did not finish within 120 s")


def test_the_parallel_reader_finishes_every_time_and_reads_what_one_process_reads(tmp_path):
    """Each file in a worker process of its own, two at a time, twelve times over: every
    run finishes (an alarm fails the test instead of a hang) and gives the same table."""
    expected, _ = read_files(FILES, parallel_above=10**12)
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(120)
    try:
        for _ in range(12):
            records, skipped = read_files(FILES, parallel_above=0, spool=tmp_path)
            assert skipped == []
            assert records.equals(expected)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not (tmp_path / SPOOL).exists()


def test_files_are_taken_longest_to_read_first(tmp_path):
    """Readers take the files in order of their estimated reading time, so that the last
    ones taken are short: size, times :data:`SLOWER_PER_BYTE` for a format not read by
    column (BibTeX, a table not in UTF-8); equal estimates keep their order; a missing
    file comes last."""
    ris = (EXPORTS / "ovid_psycinfo.ris").read_bytes()
    small = tmp_path / "small.ris"
    small.write_bytes(ris)
    large = tmp_path / "large.ris"
    large.write_bytes(ris * 3)
    same = tmp_path / "same.ris"
    same.write_bytes(ris * 3)
    bibtex = tmp_path / "scopus.bib"
    bibtex.write_bytes((EXPORTS / "scopus.bib").read_bytes())
    header, rows = (EXPORTS / "scopus.csv").read_text(encoding="utf-8-sig").split("\n", 1)
    sheet = tmp_path / "sheet.csv"  # read by column, from its bytes
    sheet.write_text(header + "\n" + rows * 4, encoding="utf-8")
    windows = tmp_path / "windows.csv"  # read by the CSV reader
    windows.write_text(header + "\n" + rows.replace("e", "\u00e9") * 3, encoding="cp1252")
    missing = tmp_path / "missing.ris"
    paths = [missing, small, large, sheet, bibtex, same, windows]
    size = {path: path.stat().st_size for path in paths if path.exists()}
    # The BibTeX file and the table not in UTF-8 are smaller than the RIS file and the
    # table in UTF-8, but slower to read.
    assert size[bibtex] < size[small] < size[bibtex] * SLOWER_PER_BYTE < size[large]
    assert size[windows] < size[sheet] < size[windows] * SLOWER_PER_BYTE
    order = [paths[index].name for index in reading_order(paths)]
    expected = sorted(
        [large, same, small, sheet, bibtex, windows],
        key=lambda path: -size[path] * (1 if path in (large, same, small, sheet) else 2),
    )
    assert order == [path.name for path in expected] + ["missing.ris"]
    assert order.index("windows.csv") < order.index("sheet.csv")


def test_the_fork_server_started_early_reads_what_one_process_reads(tmp_path, monkeypatch):
    """The command line starts the fork server, with the reading code imported in it,
    before it imports that code itself; the workers it makes read what one process reads,
    and it is stopped when the run needs it no more."""
    expected, _ = read_files(FILES, parallel_above=10**12)
    monkeypatch.setattr(processes, "PARALLEL_ABOVE", 0)
    if not processes.start_early(FILES):
        pytest.skip("no fork server on this system, or a single core")
    try:
        assert processes.started_early()
        records, skipped = read_files(FILES, parallel_above=0, spool=tmp_path)
        assert skipped == []
        assert records.equals(expected)
    finally:
        processes.stop()
    assert not processes.started_early()


def test_a_spool_a_killed_run_left_is_cleared(tmp_path):
    left = tmp_path / SPOOL
    left.mkdir()
    (left / "0.arrow").write_bytes(b"half a table")
    records, _ = read_files(FILES[:2], parallel_above=0, spool=tmp_path)
    assert len(records) > 0
    assert not left.exists()


def test_a_worker_that_cannot_read_its_file_reports_it_as_the_reader_would(tmp_path):
    """A file with a damaged byte: the same error, naming the file and the byte, whether it
    was read in a worker process or in this one."""
    broken = tmp_path / "broken.ris"
    broken.write_bytes(b"TY  - JOUR\nTI  - caf\xc3\xa9 \xff\xfe broken\nER  - \n" * 3)
    with pytest.raises(ReviewError) as in_a_worker:
        read_files([broken, FILES[0]], parallel_above=0, spool=tmp_path)
    with pytest.raises(ReviewError) as here:
        read_files([broken, FILES[0]], parallel_above=10**12)
    assert str(in_a_worker.value) == str(here.value)
    assert "broken.ris" in str(here.value)


def dedup(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "searchtrail", "dedup", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_dedup_will_not_overwrite_its_own_input(tmp_path):
    out = tmp_path / "out"
    first = dedup(str(FILES[0]), "--out", str(out), "--quiet")
    assert first.returncode == 0, first.stderr
    before = (out / "unique.ris").read_bytes()
    again = dedup(str(out / "unique.ris"), str(FILES[1]), "--out", str(out), "--quiet")
    assert again.returncode == 1
    assert "which this run would overwrite" in again.stderr
    assert "Traceback" not in again.stderr
    assert (out / "unique.ris").read_bytes() == before


def test_dedup_will_not_read_one_file_twice(tmp_path):
    link = tmp_path / "same.nbib"
    link.symlink_to(FILES[0])
    result = dedup(str(FILES[0]), str(link), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 1
    assert "its records would be read twice" in result.stderr


def _run_both_ways(tmp_path, monkeypatch, *texts):
    """Write ``texts`` as export files a.ris, b.ris, ... and run ``searchtrail dedup`` on
    them, its files read one after the other and then in parallel; yield each run's output
    folder and outcome."""
    from searchtrail.dedup.files import run

    paths = [tmp_path / f"{chr(ord('a') + k)}.ris" for k in range(len(texts))]
    for path, text in zip(paths, texts, strict=True):
        path.write_text(text, encoding="utf-8")
    for parallel in (False, True):
        out = tmp_path / f"out-{parallel}"
        monkeypatch.setattr(processes, "PARALLEL_ABOVE", 0 if parallel else 10**12)
        yield out, run(paths, out, ids="position")


def test_abstracts_wait_aside_while_duplicates_are_found_and_come_back(tmp_path, monkeypatch):
    """The abstracts are set aside while duplicates are found (a mark of whether each is
    filled in their place) and put back for the unique records: a merged record takes the
    abstract of the member that has one, read in parallel or not, and the records returned
    hold every abstract as read; nothing is left in the output folder but the outputs."""
    import csv

    from searchtrail.dedup.files import ASIDE

    kept = (
        "TY  - JOUR\nAU  - Larsen, Ingrid M.\nTI  - Group parent training and child conduct\n"
        "PY  - 2021\nT2  - Child Development\nVL  - 92\nIS  - 4\nSP  - 1320\nEP  - 1335\n"
        "DO  - 10.1111/cdev.13562\nER  - \n"
    )
    other = (
        "TY  - JOUR\nAU  - Larsen, I. M.\nTI  - Group parent training and child conduct\n"
        "PY  - 2021\nT2  - Child Dev\nAB  - Parent training helps.\nER  - \n"
    )
    for out, outcome in _run_both_ways(tmp_path, monkeypatch, kept, other):
        assert list(outcome.records["abstract"]) == ["", "Parent training helps."]
        with (out / "unique.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == 1
        assert rows[0]["abstract"] == "Parent training helps."
        assert rows[0]["record_id"] == "a.ris:1"
        assert sorted(p.name for p in out.iterdir()) == sorted(
            ["unique.ris", "unique.csv", "unique.json", "groups.csv", "pairs.csv"]
        )
        assert not (out / ASIDE).exists()


# One MDPI article as EBSCO's Environment Index gives it (pages "N.PAG": no pagination), here
# as a tool written in R writes a file it read, an empty abstract as "NA"; and as Dimensions
# gives it, with its article number and abstract (CiteSource, commit ea6f159,
# vignettes/new_stage_data/envindex_100.ris record 16 and Dimensions_246.ris record 45,
# notes, links and the abstract's later sentences left out). And an AGRIS record as
# CiteSource wrote it (AGRIS_NO_JOURNAL_RIS, with its abstract "NA").
EBSCO_NO_PAGES_RIS = """TY  - JOUR
AU  - Alayan, Rahaf
AU  - Rotich, Brian
AU  - Lakner, Zolt\u00e1n
T1  - A Comprehensive Framework for Forest Restoration after Forest Fires in Theory and Practice: A Systematic Review.
JO  - Forests (19994907)
JF  - Forests (19994907)
Y1  - 2022/09//
VL  - 13
IS  - 9
M3  - Article
SP  - N.PAG
EP  - N.PAG
SN  - 19994907
AB  - NA
KW  - FOREST restoration
KW  - FOREST fires
KW  - POST-fire forests
DO  - 10.3390/f13091354
DP  - EBSCOhost
DB  - egh
ER  -
"""
DIMENSIONS_PAGES_RIS = """TY  - JOUR
AN  - pub.1150521318
TI  - A Comprehensive Framework for Forest Restoration after Forest Fires in Theory and Practice: A Systematic Review
AU  - Alayan, Rahaf
AU  - Rotich, Brian
AU  - Lakner, Zolt\u00e1n
PY  - 2022
JO  - Forests
VL  - 13
IS  - 9
SP  - 1354
DO  - 10.3390/f13091354
AB  - Incidences of forest fires have increased in recent decades largely as a result of climate change and human factors, resulting in great environmental and socioeconomic losses.
ER  -
"""  # noqa: E501
# Ovid MEDLINE's RIS with the journal's NLM id in IS (CiteSource, commit ea6f159,
# vignettes/new_stage_data/medline_84.ris record 18; authors between the first and the last,
# keywords and links left out).
OVID_NLM_ID_RIS = """TY  - JOUR
TI  - Wildfire smoke exposure during pregnancy and perinatal, obstetric, and early childhood health outcomes: A systematic review and meta-analysis.
AU  - Foo, Damien
AU  - Bell, Michelle L
T2  - Environmental research
PY  - 2024
DO  - 10.1016/j.envres.2023.117527
VL  - 241
IS  - ei2, 0147621
SP  - 117527
SN  - 1096-0953
DB  - Ovid MEDLINE(R)
ER  -
"""  # noqa: E501


def test_a_value_that_says_there_is_none_gives_way_in_the_merged_record(tmp_path, monkeypatch):
    """A merged record takes a real abstract and real pages from another copy rather than
    the kept record's "NA" and "N.PAG", and writes none where no copy has one; the records
    keep what they were exported with, read in parallel or not, and the merged table of the
    pipeline (abstracts in memory) is the same."""
    import csv

    from searchtrail.dedup.output import merged_records

    texts = (EBSCO_NO_PAGES_RIS, DIMENSIONS_PAGES_RIS, AGRIS_NO_JOURNAL_RIS, OVID_NLM_ID_RIS)
    for out, outcome in _run_both_ways(tmp_path, monkeypatch, *texts):
        assert outcome.records["abstract"].tolist()[:3:2] == ["NA", "NA"]
        assert outcome.records["pages"].tolist()[0] == "N.PAG-N.PAG"
        assert outcome.records["issue"].tolist()[3] == "ei2, 0147621"
        with (out / "unique.csv").open(encoding="utf-8") as handle:
            article, survey, smoke = csv.DictReader(handle)
        assert (smoke["volume"], smoke["issue"], smoke["issue_from"]) == ("241", "", "")
        assert article["record_id"] == "a.ris:1"  # the kept record: the more complete
        assert article["journal"] == "Forests (19994907)"
        assert article["abstract"].startswith("Incidences of forest fires")
        assert (article["abstract_from"], article["pages"], article["pages_from"]) == (
            "b.ris:1",
            "1354",
            "b.ris:1",
        )
        assert (survey["abstract"], survey["abstract_from"], survey["volume"]) == ("", "", "v. 40")
        ris = (out / "unique.ris").read_text(encoding="utf-8")
        assert "N.PAG" not in ris
        assert "AB  - NA" not in ris
        assert ris.count("AB  - ") == 1
        assert "IS  - ei2" not in ris
        items = json.loads((out / "unique.json").read_text(encoding="utf-8"))
        assert items[0]["page"] == "1354"
        assert "abstract" not in items[1]
        in_memory = merged_records(outcome.records, outcome.result)
        assert in_memory["abstract"].tolist() == [article["abstract"], "", ""]
        assert in_memory["pages"].tolist()[0] == "1354"
        assert in_memory["issue"].tolist() == ["9", "", ""]


def test_abstracts_set_aside_are_read_one_at_a_time_as_they_were_written(tmp_path):
    """Every abstract set aside reads back from its place in the files as it was, in the
    records' order across files and record batches: empty, missing, and text in any
    script."""
    from searchtrail.dedup.files import AsideTexts, _put_back, _set_aside

    texts = [
        ["Første avsnitt om barn.", None, "", "Ελληνικά και 中文 καὶ ∑ 12–14 µg"],
        [None],
        ["x" * 5000, "Last one."],
    ]
    batches = [[texts[0][:2], texts[0][2:]], [texts[1]], [texts[2]]]
    for index, parts in enumerate(batches):
        table = pa.Table.from_batches(
            [pa.record_batch({"abstract": pa.array(part, pa.large_string())}) for part in parts]
        )
        _set_aside(table, tmp_path / f"{index}.arrow")
    expected = [text or "" for part in texts for text in part]
    with AsideTexts(tmp_path, len(batches)) as aside:
        assert [aside[k] for k in range(len(expected))] == expected
        assert [aside[k] for k in (6, 0, 3)] == [expected[6], expected[0], expected[3]]
        assert aside.take(np.array([6, 3])).values.to_pylist() == [expected[6], expected[3]]
    frame = pd.DataFrame({"record_id": [str(k) for k in range(len(expected))]})
    assert _put_back(frame, tmp_path, len(batches)).fillna("").tolist() == expected


def test_more_files_than_a_process_may_open_at_once(tmp_path):
    """A run reads each file's abstracts set aside from their own file; it holds one of
    them open at a time, so 300 export files run under a limit of 200 open files (macOS
    lets a process open 256), and nothing is left in the output folder."""
    pytest.importorskip("resource")
    import resource

    summary = (
        "We followed 214 families for 3 years after group parent training and measured child "
        "conduct problems at 6, 12 and 36 months, with effects that held in 71 per cent."
    )
    for n in range(300):
        (tmp_path / f"export{n:03}.ris").write_text(
            f"TY  - JOUR\nAU  - Larsen, I. M.\nTI  - Study {n}\nPY  - 2021\n"
            f"T2  - Child Development\nVL  - 92\nAB  - {summary}\nER  - \n",
            encoding="utf-8",
        )
    files = sorted(str(path) for path in tmp_path.glob("*.ris"))
    out = tmp_path / "out"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (200, 200))

    result = subprocess.run(
        [sys.executable, "-m", "searchtrail", "dedup", *files, "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["unique.ris", "unique.csv", "unique.json", "groups.csv", "pairs.csv"]
    )


def test_abstracts_set_aside_still_decide_pairs(tmp_path, monkeypatch):
    """While the abstracts wait on disk, the few pairs that an abstract decides read them
    there: an article of a short title, exported once without its issue and pages, merges
    with its full record through their one abstract, read in parallel or not."""
    import csv

    summary = (
        "We followed 214 families for 3 years after group parent training and measured child "
        "conduct problems at 6, 12 and 36 months. Effects held at 36 months in 71 per cent of "
        "families, and were larger where both parents attended the group sessions."
    )
    full = (
        "TY  - JOUR\nAU  - Larsen, Ingrid M.\nAU  - Berg, Tor\nTI  - Conduct after training\n"
        "PY  - 2021\nT2  - Child Development\nVL  - 92\nIS  - 4\nSP  - 1320\nEP  - 1335\n"
        f"AB  - {summary}\nER  - \n"
    )
    bare = (
        "TY  - JOUR\nAU  - Larsen, I. M.\nAU  - Berg, T.\nTI  - Conduct after training\n"
        "PY  - 2021\nT2  - Child Development\nVL  - 92\n"
        f"AB  - {summary} © 2021 Society for Research in Child Development.\nER  - \n"
    )
    for out, _ in _run_both_ways(tmp_path, monkeypatch, full, bare):
        with (out / "pairs.csv").open(encoding="utf-8") as handle:
            [pair] = list(csv.DictReader(handle))
        assert (pair["decision"], pair["reason"]) == (
            "duplicate",
            "short title and the same abstract",
        )


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(
                st.sampled_from(
                    [" ", "\t", "\n", "\x0b", "\x1c", "\x85", "\xa0", "\u3000", "a", "-", "\u200b"]
                )
            ),
        ),
        max_size=12,
    )
)
def test_a_value_is_filled_when_it_holds_more_than_white_space_as_python_strips_it(values):
    """The mark an abstract set aside leaves, and every field's part of a record's
    completeness: white space is what Python's ``str.strip`` takes away (a zero-width space
    is not white space); null is empty."""
    expected = [value is not None and value.strip() != "" for value in values]
    assert filled(pa.array(values, pa.large_string())).tolist() == expected
    halves = pa.chunked_array([values[:3], values[3:]], pa.large_string())
    assert filled(halves).tolist() == expected
    for kind in (pa.string(), pa.large_string()):  # a slice starts inside its buffers
        assert filled(pa.array(["x", *values], kind)[1:]).tolist() == expected
    # The merged record's fields: there, a missing value counts as filled.
    merged = [value is None or value.strip() != "" for value in values]
    assert output._filled(pa.array(values, pa.large_string())).tolist() == merged
    assert output._filled(pa.array([" ", *values], pa.large_string())[1:]).tolist() == merged


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_first_bytes_are_read_from_each_values_own_place(kind):
    """The first byte of each value's UTF-8, -1 where there is none, in arrays that are
    slices of others and in chunked arrays."""
    values = ["Über", "", None, " a", "x", "\u3000y", "é"]
    expected = [-1 if not v else v.encode()[0] for v in values]
    assert first_bytes(pa.array(values, kind)).tolist() == expected
    assert first_bytes(pa.array(["z", "zz", *values], kind)[2:]).tolist() == expected
    chunked = pa.chunked_array([values[:2], [], values[2:]], kind)
    assert first_bytes(chunked).tolist() == expected
    assert first_bytes(pa.array([], kind)).tolist() == []
    assert first_bytes(pa.array([None, None], kind)).tolist() == [-1, -1]


@pytest.mark.parametrize("policy", ["own", "key", "position"])
def test_ids_of_a_file_read_by_column_are_those_given_record_by_record(policy):
    path = DATA / "exports" / "cochrane_central.ris"  # records with their own ID lines
    ids = RecordIds(policy, path.name)  # type: ignore[arg-type]

    def table(by_column: bool) -> list[str]:
        columns = RecordColumns()
        parsed = read_export(path, path.name, by_column=by_column)
        assert (parsed.columns is not None) == by_column
        columns.add(parsed, origin_id=path.name, record_id=ids)
        return columns.frame()["record_id"].tolist()

    by_column = table(True)
    assert by_column == table(False)
    if policy == "own":
        assert any(not name.startswith(f"{path.name}:") for name in by_column)


def test_a_script_that_does_not_guard_its_top_level_reads_in_parallel_once(tmp_path):
    """Helpers are started without the program's main module: a script (a Snakemake script,
    a notebook's export) that reads files at its top level, with no ``if __name__ ==
    "__main__":``, is not run again in each helper."""
    script = tmp_path / "script.py"
    script.write_text(
        "from pathlib import Path\n"
        "from searchtrail.dedup.files import read_files\n"
        f"paths = [Path(p) for p in {[str(f) for f in FILES]!r}]\n"
        f"records, _ = read_files(paths, parallel_above=0, spool=Path({str(tmp_path)!r}))\n"
        "print('read', len(records))\n",
        encoding="utf-8",
    )
    expected, _ = read_files(FILES, parallel_above=10**12)
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"read {len(expected)}"]


HELPER_PARENT = """
import sys, time
sys.path.insert(0, {folder!r})
from searchtrail.dedup import processes
from lingering import linger
helper = processes.context().Process(target=linger, daemon=True)
with processes.program_unnamed():
    helper.start()
print(helper.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="processes are looked up in /proc")
def test_a_helper_ends_when_the_command_that_made_it_is_killed(tmp_path):
    """A command killed outright (SIGKILL, the out-of-memory killer) runs no clean-up; its
    helpers end by themselves (:func:`processes.watch_parent`), so none goes on reading or
    holds the command's output open for whoever reads it."""
    (tmp_path / "lingering.py").write_text(
        "import time\n"
        "from searchtrail.dedup import processes\n\n\n"
        "def linger():\n"
        "    processes.watch_parent()\n"
        "    time.sleep(60)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", HELPER_PARENT.format(folder=str(tmp_path))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        helper = int(parent.stdout.readline())
        assert _alive(helper)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(helper) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(helper)
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()


def test_the_program_is_named_again_when_the_last_of_several_threads_has_started_its_helpers():
    program = sys.modules["__main__"]
    first, second = processes.program_unnamed(), processes.program_unnamed()
    first.__enter__()
    blank = sys.modules["__main__"]
    assert blank is not program
    second.__enter__()
    assert sys.modules["__main__"] is blank
    first.__exit__(None, None, None)  # the first thread is done before the second
    assert sys.modules["__main__"] is blank
    second.__exit__(None, None, None)
    assert sys.modules["__main__"] is program
