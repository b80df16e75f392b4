"""The files people keep: never lost when a run is killed, read whatever spreadsheet saved
them, added to without touching their rows, and never able to run a formula."""

from __future__ import annotations

import csv
import io
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from searchtrail.cli import main
from searchtrail.fileio import PREVIOUS
from searchtrail.pipeline import assess
from tests.conftest import run_records_steps
from tests.reviews import ReviewFiles, build
from tests.test_screening_import import RAYYAN, run_import
from tests.test_worked_example import with_a_web_summary


@pytest.fixture
def import_review(example) -> Path:
    """The worked example with its records read and deduplicated, ready for an import."""
    run_records_steps(example)
    return example


# --- a kill at any moment loses nothing -------------------------------------------------------

REWRITE = """
import sys
from pathlib import Path
from searchtrail.fileio import write_text
path = Path(sys.argv[1])
versions = [sys.argv[2] * 400_000, sys.argv[3] * 400_000]
print("ready", flush=True)
n = 0
while True:
    write_text(path, versions[n % 2], backup=True)
    n += 1
"""


def test_a_file_rewritten_again_and_again_is_whole_at_every_kill(tmp_path):
    """A process rewrites a 4-8 MB file in a loop; killed at twenty moments, the file is
    always one of the two versions, whole, and the previous version is kept beside it."""
    path = tmp_path / "duplicates.csv"
    old, new = "record_a,record_b\n", "record_a,record_b,verdict\n"
    whole = {old * 400_000, new * 400_000}
    chance = random.Random(7)
    for _ in range(20):
        writer = subprocess.Popen(
            [sys.executable, "-c", REWRITE, str(path), old, new],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        writer.stdout.readline()
        time.sleep(chance.uniform(0.0, 0.4))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        if path.exists():
            assert path.read_text(encoding="utf-8") in whole
        backup = tmp_path / PREVIOUS / path.name
        if backup.exists():
            assert backup.read_text(encoding="utf-8") in whole


def test_the_dedup_step_killed_at_any_moment_loses_no_verdict(example):
    """A person's answer and notes in screening/duplicates.csv survive a kill at any moment
    of the step that adds questions to that file."""
    with_a_web_summary(example)
    verdicts = example / "screening/duplicates.csv"
    mine = 'medline-1:pmid-30811234,embase-1:larsen2018-fd0b66,not duplicate,"the abstract, not the trial"\n'
    verdicts.write_text("record_a,record_b,verdict,note\n" + mine, encoding="utf-8")
    assert main(["stage", "records", str(example)]) == 0
    chance = random.Random(11)
    for _ in range(8):
        step = subprocess.Popen(
            [sys.executable, "-m", "searchtrail", "stage", "dedup", str(example), "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(chance.uniform(0.2, 1.6))
        step.send_signal(signal.SIGKILL)
        step.wait()
        text = verdicts.read_text(encoding="utf-8")
        assert text.startswith("record_a,record_b,verdict,note\n" + mine)
    assert main(["stage", "dedup", str(example), "--quiet"]) == 0
    text = verdicts.read_text(encoding="utf-8")
    assert text.startswith("record_a,record_b,verdict,note\n" + mine)
    assert "medline-1:pmid-30811234,web-1:larsen2019-22310a,," in text  # the new question, once
    assert text.count("web-1:larsen2019-22310a") == 1
    assert (example / "screening" / PREVIOUS / "duplicates.csv").read_text("utf-8") == (
        "record_a,record_b,verdict,note\n" + mine
    )


# --- tables as spreadsheets save them ----------------------------------------------------------


def resave(path: Path, *, delimiter: str, encoding: str) -> None:
    """The file as a spreadsheet program would save it again."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "cp1252"), ("\t", "utf-16"), (",", "utf-8-sig"), (";", "utf-8")],
    ids=["excel-nordic-csv", "excel-unicode-text", "utf-8-bom", "semicolons"],
)
def test_decision_files_saved_by_excel_are_read_as_they_were(example, delimiter, encoding):
    before = assess(example).counts
    for path in (example / "screening").glob("*.csv"):
        resave(path, delimiter=delimiter, encoding=encoding)
    assert assess(example).counts == dataclass_without_inputs(before, assess(example).counts)


def dataclass_without_inputs(before, after):
    """``before`` with ``after``'s input hashes (resaving changes the files' bytes)."""
    import dataclasses

    return dataclasses.replace(before, inputs=after.inputs)


def minimal_xlsx(path: Path, rows: list[list[str]]) -> None:
    """A one-sheet workbook, as small as Excel's format allows (inline strings)."""

    def cell(ref: str, value: str) -> str:
        text = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    def column(i: int) -> str:
        return chr(ord("A") + i)

    body = "".join(
        f'<row r="{r}">' + "".join(cell(f"{column(i)}{r}", v) for i, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    main_ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlform'
            'ats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
            'xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlfo'
            'rmats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/works'
            'heets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.sprea'
            'dsheetml.worksheet+xml"/></Types>',
        )
        book.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/packa'
            f'ge/2006/relationships"><Relationship Id="rId1" Type="{rel_ns}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook {main_ns} xmlns:r="{rel_ns}"><sheets><sheet '
            'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/packa'
            f'ge/2006/relationships"><Relationship Id="rId1" Type="{rel_ns}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        book.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0"?><worksheet {main_ns}><sheetData>{body}</sheetData></worksheet>',
        )


def test_a_decision_file_kept_as_a_workbook_is_read(example):
    before = assess(example).counts.diagram.boxes
    path = example / "screening/full_text.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    path.unlink()
    minimal_xlsx(example / "screening/full_text.xlsx", rows)
    assert assess(example).counts.diagram.boxes == before


def test_two_files_for_one_stage_are_refused(example, capsys):
    shutil.copy(example / "screening/retrieval.csv", example / "screening/retrieval.tsv")
    assert main(["validate", str(example)]) == 1
    assert "screening/retrieval.csv holds them too: keep one of the two" in capsys.readouterr().err


def test_a_semicolon_verdicts_file_gets_its_questions_in_its_own_form(example):
    """Saved by Excel in a Nordic locale (Windows-1252, semicolons, CRLF): the questions
    are appended in that form, after the person's rows, which stay byte for byte."""
    with_a_web_summary(example)
    verdicts = example / "screening/duplicates.csv"
    mine = (
        "record_a;record_b;verdict;note\r\n"
        "medline-1:pmid-30811234;embase-1:larsen2018-fd0b66;not duplicate;Åse sa nei\r\n"
    )
    verdicts.write_bytes(mine.encode("cp1252"))
    assert main(["stage", "records", str(example)]) == 0
    assert main(["stage", "dedup", str(example), "--quiet"]) == 0
    data = verdicts.read_bytes()
    assert data.startswith(mine.encode("cp1252"))
    assert b"\r\nmedline-1:pmid-30811234;web-1:larsen2019-22310a;;" in data
    data.decode("cp1252")


# --- adding decisions keeps people's rows --------------------------------------------------------


def test_an_import_keeps_a_row_with_an_unquoted_comma_and_the_pipeline_names_it(
    import_review, tmp_path, capsys
):
    path = import_review / "screening/title_abstract.csv"
    row = "medline-1:pmid-30811234,include,KL,2024-03-12,a note, with a comma\n"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = row
    path.write_text("".join(lines), encoding="utf-8")
    before = path.read_bytes()
    export = tmp_path / "articles.csv"
    shutil.copy(RAYYAN, export)
    result = run_import(import_review, export, "--tool", "rayyan", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert path.read_bytes().startswith(before)
    assert main(["validate", str(import_review)]) == 1
    err = capsys.readouterr().err
    assert "screening/title_abstract.csv:2: the row has 6 cells but the header has 5 columns" in err
    assert "value holding a comma must be quoted" in err


def test_import_of_a_missing_file_or_a_folder_says_so(import_review, tmp_path):
    for target in (tmp_path / "nowhere.csv", tmp_path):
        result = run_import(import_review, target, "--tool", "csv", "--stage", "full_text")
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert "it is not a file" in result.stderr


def test_asreview_labels_it_never_writes_are_refused(import_review, tmp_path):
    export = tmp_path / "asreview.csv"
    export.write_text("record_id,title,included\nx,A,2\ny,B,-1\nz,C,0.5\nw,D,\n", "utf-8")
    result = run_import(import_review, export, "--tool", "asreview", "--stage", "title_abstract")
    assert result.returncode == 1
    for line, label in ((2, "'2'"), (3, "'-1'"), (4, "'0.5'")):
        assert f"asreview.csv:{line}: field 'included': the label {label} is none of these" in (
            result.stderr
        )


def test_impossible_dates_and_a_folder_for_a_file_are_refused(example, capsys):
    path = example / "screening/retrieval.csv"
    path.write_text(path.read_text("utf-8").replace("2024-04-02", "2024-13-45", 1), "utf-8")
    assert main(["validate", str(example)]) == 1
    assert "field 'date': 2024-13-45 is not a real date" in capsys.readouterr().err
    studies = example / "screening/studies.csv"
    studies.unlink()
    studies.mkdir()
    assert main(["validate", str(example)]) == 1
    err = capsys.readouterr().err
    assert "screening/studies.csv: it is not a file" in err
    assert "Traceback" not in err


# --- no formula runs ---------------------------------------------------------------------------


def test_no_csv_a_person_may_open_holds_a_formula(tmp_path):
    """Titles, queries, sources and notes that a spreadsheet would run land with a leading
    quote in every CSV; the Parquet and JSON data keep them as they were."""
    review = ReviewFiles(title='=HYPERLINK("http://evil")')
    review.search("medline-1", identified=2, export=[0, 1])
    review.search("web-1", "website", source="@SUM(1+1)", identified=9, for_assessment=1)
    review.searches[0]["query"] = "=cmd|' /C calc'!A0"
    review.searches[1]["note"] = "+1+1"
    review.searches[1]["for_assessment"] = "unknown"
    directory = review.write(tmp_path)
    export = directory / "searches/exports/medline-1.ris"
    export.write_text(
        export.read_text("utf-8").replace("TI  - ", "TI  - -2+3 ", 1), encoding="utf-8"
    )
    reports = build(directory)
    written = {name: text for name, text in reports.items() if name.endswith(".csv")}
    written["reports/dedup/unique.csv"] = (directory / "reports/dedup/unique.csv").read_text(
        "utf-8"
    )
    written["reports/dedup/pairs.csv"] = (directory / "reports/dedup/pairs.csv").read_text("utf-8")
    for name, text in written.items():
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (name, cell)
    searches = {r["id"]: r for r in csv.DictReader(io.StringIO(reports["reports/searches.csv"]))}
    assert searches["medline-1"]["query"] == "'=cmd|' /C calc'!A0"
    unique = list(csv.DictReader(io.StringIO(written["reports/dedup/unique.csv"])))
    assert any(row["title"].startswith("'-2+3 ") for row in unique)
    assert "-2+3 " in (directory / "reports/data/records.parquet").read_bytes().decode("latin-1")
