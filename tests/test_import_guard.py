"""``searchtrail screening import`` writes only rows the review will take: what the person
saw goes in the ``title`` column and is checked against the record the row names, and the
rows to add are placed by the pipeline's own rules before anything is written."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from searchtrail.screening.decisions import parse_decisions
from searchtrail.screening.tools import appending, write_decisions
from searchtrail.searchlog import load_review
from searchtrail.sheets import read_sheet
from tests.conftest import drop_rows, run_records_steps
from tests.test_screening_import import EXAMPLE, run_import

VIK = "medline-2:pmid-38712345"
VIK_TITLE = (
    "Brief group parent training in primary care for children with conduct problems: "
    "a cluster randomised trial."
)
SCREEN_TIME = "medline-2:pmid-38823456"
SCREEN_TIME_TITLE = "Screen time and behaviour problems in preschool children: a cohort study."
RUUD = "embase-2:ruud2024-1feb9b"
ADHD = "medline-1:pmid-28123456"
"""Excluded at title/abstract screening in the worked example (adults with ADHD)."""
PT_NORD_FOLLOW_UP = "web-1:larsen2021-fa6d4a"
"""Found by a website search: other methods, which go straight to retrieval."""
PROTOCOL = "medline-1:pmid-35234567"
"""Removed before screening by an automation tool."""


@pytest.fixture
def review(tmp_path) -> Path:
    """The worked example after the records steps, with the title/abstract rows of Vik 2024
    and Screen time 2024 and Vik 2024's later rows still to be made."""
    target = tmp_path / "parenting"
    shutil.copytree(EXAMPLE, target)
    drop_rows(target / "screening/title_abstract.csv", f"{VIK},", f"{SCREEN_TIME},")
    for name in ("full_text", "studies"):
        drop_rows(target / f"screening/{name}.csv", f"{VIK},")
    run_records_steps(target)
    return target


def export(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tool.csv"
    path.write_text(text, encoding="utf-8")
    return path


def rows_of(review: Path, stage: str) -> dict[str, dict[str, str]]:
    with (review / f"screening/{stage}.csv").open(encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row for row in csv.DictReader(handle)}


def validate(review: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "searchtrail", "validate", str(review)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def with_title_column(review: Path) -> Path:
    """The title/abstract file with a ``title`` column, as a team keeps it to check ids."""
    path = review / "screening/title_abstract.csv"
    head, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(f"{head},title\n{rest}", encoding="utf-8")
    return path


# --- what the person saw ----------------------------------------------------------------


def test_a_row_whose_id_names_another_record_than_its_title_is_refused(review, tmp_path):
    """The tool's ids and titles out of step (t60): the id is Screen time 2024's, the title
    Vik 2024's. The decision is about one of them, and which cannot be known."""
    path = with_title_column(review)
    before = path.read_bytes()
    tool = export(tmp_path, f"record_id,title,decision\n{SCREEN_TIME},{VIK_TITLE},exclude\n")
    result = run_import(review, tool, "--tool", "csv", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert "0 decisions added" in result.stdout
    assert "1 rows of" in result.stdout
    assert "are refused" in result.stdout
    assert (
        "tool.csv:2: the tool shows the title 'Brief group parent training in primary care"
        in result.stdout
    )
    assert f"record {SCREEN_TIME} is 'Screen time and behaviour problems" in result.stdout
    assert path.read_bytes() == before


def test_a_row_found_by_doi_that_shows_another_title_is_refused(review, tmp_path):
    tool = export(tmp_path, f"doi,title,decision\n10.1111/jcpp.13934,{SCREEN_TIME_TITLE},yes\n")
    result = run_import(review, tool, "--tool", "csv", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert "0 decisions added" in result.stdout
    assert f"record {VIK} (found by its DOI) is 'Brief group parent training" in result.stdout
    assert VIK not in rows_of(review, "title_abstract")


def test_the_title_column_holds_the_title_the_tool_shows(review, tmp_path):
    """What the person saw, as the tool showed it (here in capitals, without the final
    full stop), not the record's title at the time of the import."""
    with_title_column(review)
    shown = "SCREEN TIME AND BEHAVIOUR PROBLEMS IN PRESCHOOL CHILDREN: A COHORT STUDY"
    tool = export(
        tmp_path,
        "record_id,title,decision\n"
        f"{SCREEN_TIME},{shown},exclude\n"
        f"{VIK},,include\n",  # the tool shows no title: the record's is written
    )
    result = run_import(review, tool, "--tool", "csv", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert "2 decisions added" in result.stdout, result.stdout
    rows = rows_of(review, "title_abstract")
    assert rows[SCREEN_TIME]["title"] == shown
    assert rows[VIK]["title"] == VIK_TITLE
    assert validate(review).returncode == 0


def test_a_row_found_by_doi_names_the_duplicate_whose_title_the_tool_shows(tmp_path):
    """Vik 2024 is in MEDLINE and Embase, here under titles that differ by a word. The tool
    shows Embase's: the row names the Embase record (any record of the publication will
    do), so that the title written is that record's, which the pipeline checks."""
    review = tmp_path / "parenting"
    shutil.copytree(EXAMPLE, review)
    embase = review / "searches/exports/embase-2.ris"
    medline_title = VIK_TITLE.removesuffix(".")
    embase_title = medline_title.replace("cluster randomised", "cluster-randomised controlled")
    text = embase.read_text(encoding="utf-8")
    assert medline_title.replace(": a", ": A") in text
    embase.write_text(text.replace(medline_title.replace(": a", ": A"), embase_title), "utf-8")
    drop_rows(review / "screening/title_abstract.csv", f"{VIK},")
    path = with_title_column(review)
    run_records_steps(review)
    tool = export(tmp_path, f"doi,title,decision\n10.1111/jcpp.13934,{embase_title},include\n")
    result = run_import(review, tool, "--tool", "csv", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert "1 decisions added" in result.stdout, result.stdout
    with path.open(encoding="utf-8", newline="") as handle:
        added = list(csv.DictReader(handle))[-1]
    assert added["record_id"].startswith("embase-2:vik2024-")
    assert added["title"] == embase_title
    checked = validate(review)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# --- the pipeline's placement rules -------------------------------------------------------


def test_a_full_text_decision_after_an_exclusion_is_refused_and_the_rest_written(review, tmp_path):
    """i32: a full-text include for a record excluded at title/abstract, and one for a
    report that was not retrieved, are refused with the pipeline's reasons; Vik 2024's
    full-text decision is written."""
    (review / "screening/title_abstract.csv").write_text(
        (review / "screening/title_abstract.csv").read_text("utf-8")
        + f"{VIK},include,KL;PH,2025-03-14,\n",
        encoding="utf-8",
    )
    tool = export(
        tmp_path,
        "record_id,decision,reason\n"
        f"{ADHD},include,\n"
        "cit-1:aas2015-ed0b41,include,\n"
        f"{VIK},exclude,Wrong outcomes\n",
    )
    result = run_import(review, tool, "--tool", "csv", "--stage", "full_text")
    assert result.returncode == 0, result.stderr
    assert "1 decisions added" in result.stdout, result.stdout
    assert "2 rows of" in result.stdout
    assert (
        "tool.csv:2: the record was excluded at title/abstract screening "
        "(screening/title_abstract.csv:" in result.stdout
    )
    assert "tool.csv:3: the report was not retrieved (screening/retrieval.csv:" in result.stdout
    rows = rows_of(review, "full_text")
    assert ADHD not in rows
    assert "cit-1:aas2015-ed0b41" not in rows
    assert rows[VIK]["reason"] == "Wrong outcomes"
    checked = validate(review)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_title_abstract_decision_for_a_website_report_is_refused(review, tmp_path):
    """i32b: reports found by other methods skip title/abstract screening, and a record
    removed before screening is not screened either."""
    tool = export(
        tmp_path,
        "record_id,decision\n"
        f"{PT_NORD_FOLLOW_UP},exclude\n"
        f"{SCREEN_TIME},exclude\n"
        f"{PROTOCOL},exclude\n",
    )
    result = run_import(review, tool, "--tool", "csv", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert "1 decisions added" in result.stdout, result.stdout
    assert "tool.csv:2: the record comes from other methods" in result.stdout
    assert "tool.csv:4: the record was removed before screening (screening/removed.csv:" in (
        result.stdout
    )
    rows = rows_of(review, "title_abstract")
    assert set(rows) & {PT_NORD_FOLLOW_UP, PROTOCOL} == set()
    assert rows[SCREEN_TIME]["decision"] == "exclude"


def test_an_exclusion_that_would_strand_a_later_decision_is_refused(review, tmp_path):
    """Ruud 2024's full-text decision was typed in before its title/abstract decision is
    imported; an exclusion from the tool would make the review refuse that row (for
    another reason than the missing decision), so it is not written."""
    drop_rows(review / "screening/title_abstract.csv", f"{RUUD},")
    tool = export(tmp_path, f"record_id,decision\n{RUUD},exclude\n{SCREEN_TIME},exclude\n")
    result = run_import(review, tool, "--tool", "csv", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert "1 decisions added" in result.stdout, result.stdout
    assert "tool.csv:2: with it, the review would refuse screening/full_text.csv:" in result.stdout
    assert f"(record {RUUD}): the record was excluded at title/abstract screening" in (
        result.stdout
    )
    assert RUUD not in rows_of(review, "title_abstract")
    # The include the team made is taken, and the review is whole again.
    tool = export(tmp_path, f"record_id,decision\n{RUUD},include\n")
    result = run_import(review, tool, "--tool", "csv", "--stage", "title_abstract")
    assert "1 decisions added" in result.stdout, result.stdout
    checked = validate(review)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_exclusion_reason_that_starts_with_a_formula_sign_is_read_back(review, tmp_path):
    """t56: the reason is written neutralised (``'-1 no control group``) and must be read
    back as the review lists it."""
    path = review / "searches/review.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  - Wrong outcomes\n", '  - Wrong outcomes\n  - "-1 no control group"\n'),
        encoding="utf-8",
    )
    assert "-1 no control group" in load_review(review).exclusion_reasons
    (review / "screening/title_abstract.csv").write_text(
        (review / "screening/title_abstract.csv").read_text("utf-8")
        + f"{VIK},include,KL;PH,2025-03-14,\n",
        encoding="utf-8",
    )
    tool = export(tmp_path, f"record_id,decision,reason\n{VIK},exclude,-1 no control group\n")
    result = run_import(review, tool, "--tool", "csv", "--stage", "full_text")
    assert "1 decisions added" in result.stdout, result.stdout
    checked = validate(review)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# --- earlier stages' files ----------------------------------------------------------------


@pytest.mark.parametrize("damaged", ["reports/data/groups.parquet", "reports/data/records.parquet"])
def test_a_damaged_file_of_an_earlier_stage_is_named(review, tmp_path, damaged):
    """st6: a cut-off Parquet file stops the import with what to rerun, not a traceback."""
    path = review / damaged
    path.write_bytes(path.read_bytes()[:100])
    tool = export(tmp_path, f"record_id,decision\n{SCREEN_TIME},exclude\n")
    result = run_import(review, tool, "--tool", "csv", "--stage", "title_abstract")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{damaged}: it cannot be read" in result.stderr
    assert "rerun the pipeline" in result.stderr
    assert SCREEN_TIME not in rows_of(review, "title_abstract")


# --- the lines new rows get ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "note"),
    [
        (
            "record_id,decision,reviewer,date,note\r\nmedline-1:pmid-30811234,include,,,\r\n",
            "a note\r\nover two lines",
        ),
        (
            "sep=;\nrecord_id;decision;note\nmedline-1:pmid-30811234;include;\n\n\n",
            "a note\nover two lines",
        ),
        (
            'record_id,decision,note\nmedline-1:pmid-30811234,include,"two\nlines"',
            "a note\nover two lines",
        ),
        ("record_id,decision,note\rmedline-1:pmid-30811234,include,\r", "a note"),
    ],
    ids=["crlf", "sep-line-and-blank-lines", "no-final-line-end", "cr-only"],
)
def test_new_rows_are_placed_on_the_lines_they_are_written_on(review, text, note):
    """The pipeline names a decision by its file and line; the rows checked before the
    write are named as the decision reader will read them after it."""
    path = review / "screening/title_abstract.csv"
    path.write_bytes(text.encode("utf-8"))
    existing = read_sheet(path, file="screening/title_abstract.csv")
    added = [
        {"record_id": SCREEN_TIME, "decision": "exclude", "note": note},
        {"record_id": VIK, "decision": "include", "note": ""},
    ]
    expected = appending(review, "title_abstract", existing).decisions("title_abstract", added)
    write_decisions(review, "title_abstract", existing, added)
    written, _ = parse_decisions(
        read_sheet(path, file="screening/title_abstract.csv"),
        "title_abstract",
        load_review(review),
    )
    assert [(d.record_id, d.line) for d in written[-2:]] == [
        (d.record_id, d.line) for d in expected
    ]
