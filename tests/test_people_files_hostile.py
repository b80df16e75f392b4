"""The files people edit, as people and their spreadsheets really leave them: a column
named twice, headers in another case, a file that is a link to a shared copy or readable by
the team, a workbook among the stages, Excel's "Unicode text" and ``sep=`` line, decisions
spelled ``Included``, a date written the Nordic way, a reason not in the review's list.
searchtrail either reads such a file exactly or stops naming it, and never loses a cell."""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from searchtrail.cli import main
from searchtrail.errors import ReviewError
from searchtrail.fileio import PREVIOUS, VERSIONS_KEPT, write_text
from searchtrail.pipeline import assess
from searchtrail.sheets import parse_sheet, read_sheet
from tests.conftest import drop_rows, run_records_steps
from tests.test_people_files import dataclass_without_inputs, minimal_xlsx
from tests.test_screening_import import RAYYAN, ROUND_2_SCREENING, run_import
from tests.test_worked_example import EXAMPLE, round_one_only

EXPORTS = EXAMPLE / "searches" / "exports"
AAS_TITLE = "Parent training in Łódź and Norwegian child welfare: an evaluation report"
AAS_PAIR = (
    f"TY  - RPRT\nAU  - Aas, Helge\nTI  - {AAS_TITLE}\nPY  - 2015\n"
    "PB  - Norwegian Institute of Public Health\nUR  - https://www.fhi.no/report-2015\n"
    f"ER  - \n\nTY  - THES\nAU  - Aas, Helge\nAU  - Berg, Ola\nTI  - {AAS_TITLE}\nPY  - 2015\n"
    "PB  - University of Bergen\nUR  - https://bora.uib.no/thesis-2015\nER  - \n"
)
"""A report and the thesis behind it, with one title and year: a pair the machine asks
people about, titled with letters Windows-1252 does not have."""


def report_and_thesis(folder: Path) -> tuple[str, str]:
    """The two records of :data:`AAS_PAIR` in a file each, as two sources give them."""
    report, thesis = AAS_PAIR.split("\n\n")
    (folder / "report.ris").write_text(report + "\n", encoding="utf-8")
    (folder / "thesis.ris").write_text(thesis, encoding="utf-8")
    return "report.ris", "thesis.ris"


@pytest.fixture
def review(example) -> Path:
    """The worked example after the records steps, its round-2 decisions not yet made: an
    import has something to add."""
    drop_rows(example / "screening/title_abstract.csv", *ROUND_2_SCREENING)
    for name in ("full_text", "studies", "retrieval"):
        drop_rows(example / f"screening/{name}.csv", "medline-2:pmid-38712345,")
    drop_rows(example / "screening/full_text.csv", "embase-2:ruud2024-1feb9b,")
    run_records_steps(example)
    return example


def rayyan(tmp_path: Path) -> Path:
    export = tmp_path / "articles.csv"
    shutil.copy(RAYYAN, export)
    return export


def table_bytes(
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\n",
    first: str = "",
    quoting: int = csv.QUOTE_MINIMAL,
) -> bytes:
    """A table as a spreadsheet program saves it (``first``: a line before the header)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting).writerows(rows)
    return (first + buffer.getvalue()).encode(encoding)


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


# --- 1. a column named twice -------------------------------------------------------------------


def test_a_decision_file_with_a_column_named_twice_stops_the_run(example, capsys):
    """Two reviewers' decisions in two columns both called ``decision``: which one counts
    cannot be known, so the run stops naming both columns instead of counting the last."""
    path = example / "screening/title_abstract.csv"
    rows = rows_of(path)
    rows[0].append("Decision ")
    for row in rows[1:]:
        row.append("exclude")
    path.write_bytes(table_bytes(rows))
    assert main(["validate", str(example)]) == 1
    err = capsys.readouterr().err
    assert "screening/title_abstract.csv:1: the header names the column 'decision' twice" in err
    assert "columns 2 and 6 (B and F in a spreadsheet)" in err
    assert "each column named once" in err
    assert "Traceback" not in err


def test_a_verdicts_file_with_a_column_named_twice_is_never_rewritten(example, capsys):
    """A Windows-1252 verdicts file with two ``note`` columns: the step that adds questions
    stops naming them, and the person's notes stay byte for byte."""
    verdicts = example / "screening/duplicates.csv"
    mine = (
        "record_a,record_b,verdict,note,title_a,note\r\n"
        "medline-1:pmid-30811234,embase-1:larsen2018-fd0b66,not duplicate,checked by Kåre,,"
        "PH agreed – see e-mail\r\n"
    ).encode("cp1252")
    verdicts.write_bytes(mine)
    assert main(["stage", "records", str(example)]) == 0
    assert main(["stage", "dedup", str(example), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "screening/duplicates.csv:1: the header names the column 'note' twice" in err
    assert "columns 4 and 6" in err
    assert verdicts.read_bytes() == mine


def test_repeated_names_are_compared_without_case_or_spaces_and_unnamed_columns_may_repeat():
    with pytest.raises(ReviewError) as caught:
        parse_sheet(
            "record_id;decision; Note ;note\nmedline-1:pmid-30811234;include;a;b\n",
            file="screening/title_abstract.csv",
        )
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.value) == (
        "screening/title_abstract.csv",
        1,
        "'note'",
    )
    assert "the column 'Note' twice: columns 3 and 4" in problem.message
    # Excel leaves columns without a heading after the last one: they are no names.
    sheet = parse_sheet(
        "record_id,decision,note,,\nmedline-1:pmid-30811234,include,Åse,,\n", file="x.csv"
    )
    assert sheet.rows[0].cells["note"] == "Åse"


def test_a_workbook_with_a_column_named_twice_is_refused(tmp_path):
    path = tmp_path / "full_text.xlsx"
    minimal_xlsx(
        path,
        [["record_id", "decision", "reason", "Reason"], ["medline-1:pmid-1", "exclude", "a", "b"]],
    )
    with pytest.raises(ReviewError, match=r"'reason' twice: columns 3 and 4"):
        read_sheet(path, file="screening/full_text.xlsx")


# --- 2. names in another case ----------------------------------------------------------------


def test_column_names_are_read_without_case_or_spaces(example):
    """` Record_ID , Decision ` is record_id, decision: the same counts."""
    before = assess(example).counts
    path = example / "screening/title_abstract.csv"
    rows = rows_of(path)
    rows[0] = [" Record_ID ", " Decision ", "Reviewer", "Date", "Note"]
    path.write_bytes(table_bytes(rows))
    after = assess(example).counts
    assert after == dataclass_without_inputs(before, after)


def test_an_import_adds_rows_under_the_files_own_header_in_any_case(review, tmp_path):
    path = review / "screening/title_abstract.csv"
    header = "Record_ID,Decision,Reviewer,Date,Note\n"
    text = path.read_text("utf-8")
    path.write_text(header + text.split("\n", 1)[1], "utf-8")
    before = path.read_bytes()
    result = run_import(review, rayyan(tmp_path), "--tool", "rayyan", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert "2 decisions added" in result.stdout
    data = path.read_bytes()
    assert data.startswith(before)
    added = list(csv.reader(io.StringIO(data[len(before) :].decode("utf-8"))))
    assert added == [
        ["medline-2:pmid-38712345", "include", "Kari;Per", "", ""],
        ["medline-2:pmid-38823456", "exclude", "Kari;Per", "", ""],
    ]


def test_an_import_into_a_file_without_a_record_id_column_is_refused(review, tmp_path):
    """A header saying ``ID`` where the review reads ``record_id``: no second set of
    columns is added; the import stops showing the header it found."""
    path = review / "screening/title_abstract.csv"
    text = path.read_text("utf-8")
    path.write_text(
        "ID;Decision;Reviewer;Date;Note\n" + text.split("\n", 1)[1].replace(",", ";"), "utf-8"
    )
    before = path.read_bytes()
    result = run_import(review, rayyan(tmp_path), "--tool", "rayyan", "--stage", "title_abstract")
    assert result.returncode == 1
    assert "screening/title_abstract.csv:1: the header lacks record_id" in result.stderr
    assert "'ID;Decision;Reviewer;Date;Note'" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


# --- 3. permissions and links ------------------------------------------------------------------


def test_a_decision_file_linked_to_a_shared_copy_is_written_through_keeping_its_mode(
    review, tmp_path
):
    """The team keeps full_text decisions in a shared folder, readable by the group; the
    review links to it. An import adds to the shared copy, which stays group-readable."""
    shared = tmp_path / "shared" / "title_abstract.csv"
    shared.parent.mkdir()
    path = review / "screening/title_abstract.csv"
    shutil.move(path, shared)
    path.symlink_to(shared)
    shared.chmod(0o664)
    original = shared.read_bytes()
    result = run_import(review, rayyan(tmp_path), "--tool", "rayyan", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert path.is_symlink()
    assert path.resolve() == shared.resolve()
    assert shared.read_bytes().startswith(original)
    assert b"medline-2:pmid-38712345,include" in shared.read_bytes()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    assert (review / "screening" / PREVIOUS / "title_abstract.csv").read_bytes() == original
    assert not list(shared.parent.glob(".*.tmp"))


def test_a_new_file_gets_the_umasks_mode_and_a_rewritten_one_keeps_its_own(tmp_path):
    old = os.umask(0o027)
    try:
        fresh = tmp_path / "screening" / "duplicates.csv"
        write_text(fresh, "record_a,record_b,verdict\n")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o640
        fresh.chmod(0o664)
        write_text(fresh, "record_a,record_b,verdict,note\n", backup=True)
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o664
    finally:
        os.umask(old)


# --- 4. migrate ----------------------------------------------------------------------------


def positional(directory: Path) -> dict[str, str]:
    """Every record id of the review -> ``<origin>:<position>``, as ids used to be."""
    records = pd.read_parquet(
        directory / "reports/data/records.parquet", columns=["record_id", "origin_id", "position"]
    )
    return {
        r: f"{o}:{p}"
        for r, o, p in zip(
            records["record_id"], records["origin_id"], records["position"], strict=True
        )
    }


Saver = Callable[[list[list[str]]], bytes]
SAVED_AS: dict[str, Saver] = {
    # Excel's "Unicode text": UTF-16 with its mark, tabs, CR LF between rows.
    "title_abstract.csv": lambda rows: table_bytes(
        rows, delimiter="\t", encoding="utf-16", newline="\r\n"
    ),
    # Excel in a Nordic locale, with its sep= line, every cell quoted.
    "full_text.csv": lambda rows: table_bytes(
        rows,
        delimiter=";",
        encoding="cp1252",
        newline="\r\n",
        first="sep=;\r\n",
        quoting=csv.QUOTE_ALL,
    ),
    "retrieval.csv": lambda rows: table_bytes(rows, encoding="utf-8-sig"),
    "removed.csv": table_bytes,
    "studies.csv": table_bytes,
}


@pytest.fixture
def positional_review(tmp_path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """Round 1 of the worked example with its decisions saved as spreadsheets save them,
    with a blank row, a note over two lines and Nordic letters; the ids as ids used to be.
    Returns the review, each file as it should be after the migration, and as it is."""
    target = round_one_only(tmp_path / "parenting")
    run_records_steps(target)
    mapping = positional(target)
    expected, written = {}, {}
    for name, save in SAVED_AS.items():
        path = target / "screening" / name
        rows = rows_of(path)
        if name == "title_abstract.csv":
            rows.insert(3, ["", "", "", "", ""])
            rows[5][4] = "Åse: a systematic review;\nits reference list goes to citation searching"
        old = [[mapping.get(cell, cell) if i == 0 else cell for i, cell in enumerate(row)]
               for row in rows]  # fmt: skip
        expected[name], written[name] = save(rows), save(old)
        assert expected[name] != written[name]
        path.write_bytes(written[name])
    return target, expected, written


def test_migrate_changes_only_the_ids_in_every_encoding_and_form(positional_review, capsys):
    """UTF-16 with tabs and CR LF, Windows-1252 with ``sep=;`` and every cell quoted, UTF-8
    with its mark: each file gets back, byte for byte, its form with the records' ids,
    blank row and two-line note included."""
    target, expected, written = positional_review
    assert main(["screening", "migrate", str(target)]) == 0
    assert "screening/title_abstract.csv: 8 id(s) rewritten" in capsys.readouterr().out
    for name, data in expected.items():
        assert (target / "screening" / name).read_bytes() == data, name
        assert (target / "screening" / PREVIOUS / name).read_bytes() == written[name], name
    assert main(["validate", str(target)]) == 0


def test_migrate_with_a_workbook_among_the_stages_changes_no_file(positional_review, capsys):
    target, _, written = positional_review
    studies = target / "screening/studies.csv"
    minimal_xlsx(target / "screening/studies.xlsx", rows_of(studies))
    studies.unlink()
    del written["studies.csv"]
    assert main(["screening", "migrate", str(target)]) == 1
    err = capsys.readouterr().err
    assert "no file was changed" in err
    assert "screening/studies.xlsx: 3 ids name a position; save the workbook as CSV" in err
    for name, data in written.items():
        assert (target / "screening" / name).read_bytes() == data, name
    assert not (target / "screening" / PREVIOUS).exists()


# --- 5. import ------------------------------------------------------------------------------


def test_decisions_spelled_as_people_write_them_are_the_same_decisions(example, tmp_path):
    """A title/abstract file that says ``Included`` and ``Excluded``: importing the same
    decisions adds nothing and reports no contradiction."""
    path = example / "screening/title_abstract.csv"
    text = (
        path.read_text("utf-8")
        .replace(",include,", ",Included,")
        .replace(",exclude,", ",Excluded,")
    )
    path.write_text(text, "utf-8")
    run_records_steps(example)
    export = tmp_path / "decisions.csv"
    export.write_text(
        "doi,decision\n10.1111/jcpp.13012,include\n10.1111/jcpp.13934,yes\n", encoding="utf-8"
    )
    result = run_import(example, export, "--tool", "csv", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert "0 decisions added" in result.stdout
    assert "2 already there" in result.stdout
    assert "contradict" not in result.stdout
    assert path.read_text("utf-8") == text


@pytest.mark.parametrize(
    ("date", "why"),
    [("12.03.2025", "is not written YYYY-MM-DD"), ("2025-02-30", "is not a real date")],
    ids=["nordic", "impossible"],
)
def test_an_import_with_a_date_that_is_not_one_writes_nothing(review, tmp_path, date, why):
    path = review / "screening/title_abstract.csv"
    before = path.read_bytes()
    result = run_import(
        review, rayyan(tmp_path), "--tool", "rayyan", "--stage", "title_abstract", "--date", date
    )
    assert result.returncode == 1
    assert f"--date: field 'date': {date!r} {why}" in result.stderr or (
        f"--date: field 'date': {date} {why}" in result.stderr
    )
    assert "a real date written YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_an_exclusion_reason_the_review_does_not_list_is_refused_not_written(review, tmp_path):
    """Rayyan's reasons are the team's own words. One matches a reason of the review but
    for case, and is written as the review spells it; one matches none and is listed with
    the closest reason, not written, so the review still validates."""
    title_abstract = review / "screening/title_abstract.csv"
    title_abstract.write_text(
        title_abstract.read_text("utf-8")
        + "medline-2:pmid-38712345,include,KL;PH,2025-03-14,\n"
        + "embase-2:ruud2024-1feb9b,include,KL;PH,2025-03-14,\n",
        "utf-8",
    )
    export = tmp_path / "full_text_decisions.csv"
    export.write_text(
        "doi,decision,reason,reviewer\n"
        "10.1111/JCPP.13934,exclude,wrong design,Kari\n"
        "10.1016/j.chiabu.2024.106650,exclude,wrong intervention,Kari\n",
        encoding="utf-8",
    )
    result = run_import(review, export, "--tool", "csv", "--stage", "full_text")
    assert result.returncode == 0, result.stderr
    assert "1 decisions added" in result.stdout
    assert "1 rows of" in result.stdout
    assert (
        "full_text_decisions.csv:2: the reason 'wrong design' is not in the review's "
        "exclusion_reasons (did you mean 'Wrong study design'?)"
    ) in result.stdout
    rows = {r["record_id"]: r for r in csv.DictReader(io.StringIO(
        (review / "screening/full_text.csv").read_text("utf-8")))}  # fmt: skip
    assert "medline-2:pmid-38712345" not in rows
    assert rows["embase-2:ruud2024-1feb9b"]["reason"] == "Wrong intervention"
    assert main(["validate", str(review)]) == 0


# --- 6. dedup --verdicts and its advice --------------------------------------------------------


def run_dedup(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "searchtrail", "dedup", *args, "--quiet"],
        capture_output=True, text=True, check=False, cwd=cwd,
    )  # fmt: skip


def test_a_workbook_of_verdicts_is_never_overwritten(tmp_path):
    """The records hold a pair to ask about; the team keeps its verdicts in a workbook."""
    files = report_and_thesis(tmp_path)
    book = tmp_path / "verdicts.xlsx"
    minimal_xlsx(book, [["record_a", "record_b", "verdict", "note"]])
    before = book.read_bytes()
    result = run_dedup(*files, "--out", "out", "--verdicts", "verdicts.xlsx", cwd=tmp_path)
    assert result.returncode == 1
    assert "verdicts.xlsx: field '--verdicts': it is a workbook; keep verdicts in CSV" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert book.read_bytes() == before
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("verdicts", ["out/groups.csv", "out/./pairs.csv"])
def test_a_verdicts_file_that_is_an_output_is_refused_before_anything_is_written(
    tmp_path, verdicts
):
    files = report_and_thesis(tmp_path)
    result = run_dedup(*files, "--out", "out", "--verdicts", verdicts, cwd=tmp_path)
    assert result.returncode == 1
    assert "which this run writes" in result.stderr
    assert not (tmp_path / "out").exists()


def test_repeated_own_ids_are_met_with_the_advice_to_name_records_by_key(tmp_path):
    """The worked example's two Embase rounds both hold the record with RIS ID L2001234567:
    the advice is --ids key (which follows the record), never --ids position."""
    for name in ("embase-1.ris", "embase-2.ris"):
        shutil.copy(EXPORTS / name, tmp_path / name)
    refused = run_dedup("embase-1.ris", "embase-2.ris", "--out", "out", cwd=tmp_path)
    assert refused.returncode == 1
    assert "or use --ids key" in refused.stderr
    assert "--ids position" not in refused.stderr
    keyed = run_dedup("embase-1.ris", "embase-2.ris", "--out", "out", "--ids", "key", cwd=tmp_path)
    assert keyed.returncode == 0, keyed.stderr
    # A report and a thesis with one title, author and year share a key: --ids key tells
    # them apart by what they say, as a review does.
    (tmp_path / "aas.ris").write_text(AAS_PAIR, encoding="utf-8")
    pair = run_dedup("aas.ris", "--out", "aas", "--ids", "key", cwd=tmp_path)
    assert pair.returncode == 0, pair.stderr
    groups = pd.read_csv(tmp_path / "aas/groups.csv")
    assert groups["record_id"].str.startswith("aas.ris:aas2015-").all()
    assert groups["record_id"].nunique() == 2


# --- 7. encodings and Excel's sep= line --------------------------------------------------------


def test_a_decision_file_that_cannot_be_decoded_is_to_be_saved_as_utf8(example, capsys):
    """UTF-8 with its mark, and one note typed in a Windows-1252 program afterwards."""
    path = example / "screening/title_abstract.csv"
    text = path.read_text("utf-8").replace("adults with ADHD", "adults with ADHD; résumé")
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8").replace("é".encode(), b"\xe9"))
    assert main(["validate", str(example)]) == 1
    err = capsys.readouterr().err
    assert "screening/title_abstract.csv:6: cannot decode byte 0xe9" in err
    assert "save the table again as UTF-8" in err
    assert "search log" not in err


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_excels_sep_line_names_the_delimiter_and_is_kept(review, tmp_path, delimiter):
    path = review / "screening/title_abstract.csv"
    rows = rows_of(path)
    before = assess(review).counts
    original = table_bytes(rows, delimiter=delimiter, newline="\r\n", first=f"sep={delimiter}\r\n")
    path.write_bytes(original)
    after = assess(review).counts
    assert after == dataclass_without_inputs(before, after)
    result = run_import(review, rayyan(tmp_path), "--tool", "rayyan", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    data = path.read_bytes()
    assert data.startswith(original)
    assert data[len(original) :].startswith(
        f"medline-2:pmid-38712345{delimiter}include{delimiter}Kari;Per".encode()
        if delimiter == ","
        else b'medline-2:pmid-38712345;include;"Kari;Per"'
    )
    assert read_sheet(path).rows[-1].cells["record_id"] == "medline-2:pmid-38823456"


def test_a_verdicts_file_in_windows_1252_that_cannot_hold_a_new_question_keeps_every_character(
    example,
):
    """A question about two reports titled with Polish letters cannot be written in
    Windows-1252: the file becomes UTF-8 with its mark, with the person's rows, semicolons
    and line ends as they were."""
    (example / "searches/exports/cit-1.ris").write_text(AAS_PAIR, encoding="utf-8")
    for name in ("full_text", "retrieval"):
        drop_rows(example / f"screening/{name}.csv", "cit-1:")
    verdicts = example / "screening/duplicates.csv"
    mine = (
        "record_a;record_b;verdict;note;title_a\r\n"
        "medline-1:pmid-30811234;embase-1:larsen2018-fd0b66;not duplicate;Åse sa nei;\r\n"
    )
    verdicts.write_bytes(mine.encode("cp1252"))
    assert main(["stage", "records", str(example)]) == 0
    assert main(["stage", "dedup", str(example), "--quiet"]) == 0
    data = verdicts.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    text = data[3:].decode("utf-8")
    assert text.startswith(mine)
    assert AAS_TITLE in text
    assert text.endswith("\r\n")


# --- 8. earlier versions -----------------------------------------------------------------------


def test_a_persons_original_survives_two_imports_and_stays_utf16(review, tmp_path):
    """Excel's "Unicode text" (UTF-16, tabs): two imports add rows in UTF-16 after the
    person's; the version before each is kept, the person's own among them."""
    path = review / "screening/title_abstract.csv"
    original = table_bytes(rows_of(path), delimiter="\t", encoding="utf-16", newline="\r\n")
    path.write_bytes(original)
    first = run_import(review, rayyan(tmp_path), "--tool", "rayyan", "--stage", "title_abstract")
    assert first.returncode == 0, first.stderr
    after_first = path.read_bytes()
    assert after_first.startswith(original)
    export = tmp_path / "ruud.csv"
    export.write_text("doi,decision\n10.1016/j.chiabu.2024.106650,include\n", "utf-8")
    second = run_import(review, export, "--tool", "csv", "--stage", "title_abstract")
    assert second.returncode == 0, second.stderr
    data = path.read_bytes()
    assert data.startswith(after_first)
    assert "embase-2:ruud2024-1feb9b\tinclude" in data.decode("utf-16")
    previous = review / "screening" / PREVIOUS
    assert (previous / "title_abstract.csv").read_bytes() == after_first
    assert (previous / "title_abstract.csv.1").read_bytes() == original


def test_the_last_five_versions_are_kept_and_a_repeated_one_only_once(tmp_path):
    path = tmp_path / "screening" / "duplicates.csv"
    versions = [f"record_a,record_b,verdict\nmedline-1:pmid-{n},web-1:x,\n" for n in range(8)]
    for text in versions:
        write_text(path, text, backup=True)
    previous = tmp_path / "screening" / PREVIOUS
    kept = [previous / "duplicates.csv"] + [
        previous / f"duplicates.csv.{n}" for n in range(1, VERSIONS_KEPT)
    ]
    assert [p.read_text("utf-8") for p in kept] == versions[-2:-7:-1]
    assert sorted(p.name for p in previous.iterdir()) == sorted(p.name for p in kept)
    write_text(path, versions[-1], backup=True)  # the same text again: no version is lost
    assert [p.read_text("utf-8") for p in kept] == versions[-2:-7:-1]
