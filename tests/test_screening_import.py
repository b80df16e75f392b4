"""Importing decisions from screening tools' exports into screening/*.csv."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from searchtrail.errors import ReviewError
from searchtrail.screening.tools import read_tool_export
from searchtrail.sheets import parse_sheet
from tests.conftest import DATA, EXAMPLE, drop_rows, run_counts_steps, run_records_steps

ROUND_2_SCREENING = (
    "medline-2:pmid-38712345",
    "medline-2:pmid-38823456",
    "embase-2:ruud2024-1feb9b",
)

# Rayyan's articles.csv for the round-2 title/abstract screening of the worked example.
# Rayyan keeps its own keys; the records are found by DOI or title. The last two rows
# are a disagreement between the reviewers and a record that is not in the review.
RAYYAN = DATA / "screening" / "rayyan_articles.csv"


@pytest.fixture
def review(tmp_path) -> Path:
    """The worked example after the records steps, without its round-2 screening rows."""
    target = tmp_path / "parenting"
    shutil.copytree(EXAMPLE, target)
    path = target / "screening/title_abstract.csv"
    drop_rows(path, *ROUND_2_SCREENING)
    for name in ("full_text", "studies", "retrieval"):
        path = target / f"screening/{name}.csv"
        drop_rows(path, "medline-2:pmid-38712345,")
    path = target / "screening/full_text.csv"
    drop_rows(path, "embase-2:ruud2024-1feb9b,")
    run_records_steps(target)
    return target


def run_import(review: Path, export: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "searchtrail", "screening", "import", str(review), str(export),
         *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def decisions(review: Path, stage: str) -> dict[str, dict[str, str]]:
    with (review / f"screening/{stage}.csv").open(encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row for row in csv.DictReader(handle)}


def test_rayyan_labels_become_title_abstract_decisions(review, tmp_path):
    export = tmp_path / "articles.csv"
    shutil.copy(RAYYAN, export)
    result = run_import(
        review, export, "--tool", "rayyan", "--stage", "title_abstract", "--date", "2025-03-14"
    )
    assert result.returncode == 0, result.stderr
    assert "2 decisions added" in result.stdout
    assert "articles.csv:4: reviewers' labels included, maybe" in result.stdout
    assert "articles.csv:5: no record with its id, DOI or title" in result.stdout
    rows = decisions(review, "title_abstract")
    # Vik 2024 matched by DOI (a case-different form), Ek 2024 by title.
    assert rows["medline-2:pmid-38712345"]["decision"] == "include"
    assert rows["medline-2:pmid-38712345"]["reviewer"] == "Kari;Per"
    assert rows["medline-2:pmid-38712345"]["date"] == "2025-03-14"
    assert rows["medline-2:pmid-38823456"]["decision"] == "exclude"
    assert "embase-2:ruud2024-1feb9b" not in rows  # the disagreement stays with the team
    assert rows["medline-1:pmid-30811234"]["decision"] == "include"  # earlier rows are kept
    # A second import adds nothing and says so.
    again = run_import(review, export, "--tool", "rayyan", "--stage", "title_abstract")
    assert "0 decisions added" in again.stdout
    assert "2 already there" in again.stdout
    # The pipeline takes the imported decisions: Ruud 2024 is still awaiting screening.
    counts = run_counts_steps(review)
    assert counts.diagram.boxes["records_excluded"].value == 1
    assert counts.diagram.awaiting["records_screened"].value == 1


def test_asreview_labels_match_by_title_and_skip_unlabelled(review, tmp_path):
    export = tmp_path / "asreview.csv"
    export.write_text(
        "record_id,title,abstract,doi,included,asreview_ranking\n"
        "0,Brief group parent training in primary care for children with conduct problems: "
        "a cluster randomised trial,,,1,1\n"
        "1,Screen time and behaviour problems in preschool children: a cohort study,,,0,2\n"
        "2,Parent-child interaction therapy for children in foster care: a randomised trial,"
        ",,,3\n",
        encoding="utf-8",
    )
    result = run_import(review, export, "--tool", "asreview", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert "2 decisions added" in result.stdout
    assert "asreview.csv:4: not labelled in ASReview" in result.stdout
    rows = decisions(review, "title_abstract")
    assert (
        rows["medline-2:pmid-38712345"]["decision"],
        rows["medline-2:pmid-38823456"]["decision"],
    ) == (
        "include",
        "exclude",
    )


def test_covidence_list_with_a_given_decision_and_reason(review, tmp_path):
    export = tmp_path / "review_1234_excluded_csv.csv"
    export.write_text(
        '"Title","Authors","Abstract","Published Year","Journal","DOI","Covidence #"\n'
        '"Parent-child interaction therapy for children in foster care: a randomised trial",'
        '"Ruud T.","",2024,"Child Abuse and Neglect","10.1016/j.chiabu.2024.106650","#412"\n',
        encoding="utf-8",
    )
    # Full-text assessment needs the title/abstract include first.
    path = review / "screening/title_abstract.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "embase-2:ruud2024-1feb9b,include,KL,2025-03-14,\n",
        "utf-8",
    )
    result = run_import(
        review, export, "--tool", "covidence", "--stage", "full_text", "--decision", "exclude",
        "--reason", "Wrong intervention",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = decisions(review, "full_text")
    assert rows["embase-2:ruud2024-1feb9b"]["decision"] == "exclude"
    assert rows["embase-2:ruud2024-1feb9b"]["reason"] == "Wrong intervention"
    missing = run_import(review, export, "--tool", "covidence", "--stage", "full_text")
    assert missing.returncode == 1
    assert "--decision include or --decision exclude" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_an_import_that_contradicts_the_file_is_reported_not_written(review, tmp_path):
    export = tmp_path / "decisions.csv"
    export.write_text(
        "doi,decision\n10.1111/jcpp.13012,exclude\n10.1111/jcpp.13934,yes\n", encoding="utf-8"
    )
    result = run_import(review, export, "--tool", "csv", "--stage", "title_abstract")
    assert result.returncode == 0, result.stderr
    assert "1 decisions added" in result.stdout
    assert "decisions.csv:2: the file already says 'include' for this record" in result.stdout
    assert decisions(review, "title_abstract")["medline-1:pmid-30811234"]["decision"] == "include"


def test_plain_csv_without_a_decision_column_is_refused():
    with pytest.raises(ReviewError, match="the header lacks the decision column"):
        read_tool_export(parse_sheet("title,doi\nA,10.1/x\n", file="mine.csv"), "csv")


def test_import_before_the_pipeline_ran_says_what_to_do(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "parenting")
    export = tmp_path / "x.csv"
    export.write_text("doi,decision\n10.1/x,include\n", encoding="utf-8")
    result = run_import(tmp_path / "parenting", export, "--tool", "csv", "--stage", "full_text")
    assert result.returncode == 1
    assert "run the pipeline on the review first" in result.stderr
