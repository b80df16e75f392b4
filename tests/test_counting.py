"""The counting rules of docs/counting.md, each on a small review built for it.

Every review here goes through the pipeline's five stages (records, dedup, screening,
counts, reports) and the assertions read the report files people read.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from searchtrail.cli import main
from searchtrail.counts import verify
from searchtrail.counts.number import Count
from searchtrail.errors import CountMismatchError, ReviewError
from searchtrail.pipeline import assess
from tests.conftest import REPO
from tests.reviews import ReviewFiles, build, prisma, record_id, rows
from tests.test_worked_example import EXAMPLE, round_one_only, with_a_web_summary


def by(key: str, items: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {item[key]: item for item in items}


# --- other methods: each report counted once ------------------------------------------------


def other_methods_review() -> ReviewFiles:
    """Publication 0 is found by MEDLINE and taken forward from Google Scholar too;
    publication 2 by Google Scholar and by citation searching; a second website search
    states its count only."""
    review = ReviewFiles()
    review.search("medline-1", export=[0, 1], identified=2)
    review.search("web-1", "website", source="Google Scholar", identified=100,
                  for_assessment=2, export=[0, 2], holds="for_assessment")  # fmt: skip
    review.search("web-2", "website", source="Bing", identified=50, for_assessment=2)
    review.search("cit-1", "citation_search", source="Reference lists", identified=20,
                  for_assessment=2, export=[2, 3], holds="for_assessment")  # fmt: skip
    review.decide("title_abstract", record_id("medline-1", 0), "include")
    review.decide("title_abstract", record_id("medline-1", 1), "exclude")
    review.decide("full_text", record_id("medline-1", 0), "include", "")
    review.decide("full_text", record_id("cit-1", 2), "include", "")
    return review


def test_other_methods_count_each_report_once(tmp_path):
    """Distinct publications from the exports (2 and 3; 0 is counted in the databases
    column) plus the stated count of the search without an export (2): 4, not the log's
    2 + 2 + 2. Of them, publication 2 has a decision: 1 + 2 await one."""
    reports = build(other_methods_review().write(tmp_path))
    n = prisma(reports)
    assert n["other_sought_reports"]["n"] == "4"
    assert n["other_sought_reports"]["boxtext"] == (
        "Reports sought for retrieval (awaiting a decision: 3)"
    )
    assert n["other_sought_reports"]["tooltips"] == (
        "taken forward by searches with exported records: 2; stated in the log by searches "
        "without exported records: 2"
    )
    assert (n["other_notretrieved_reports"]["n"], n["other_assessed"]["n"]) == ("0", "1")
    svg = reports["reports/prisma.svg"]
    assert "1 report(s) that other methods took forward in this round were also found" in svg
    flow = by("record_id", rows(reports["reports/flow.csv"]))
    assert flow[record_id("medline-1", 0)]["status"] == "included"  # publication 0, once


def test_a_database_search_without_a_count_takes_it_from_its_full_export(tmp_path):
    """The log states no number for MEDLINE but its export holds every record it found:
    the number identified is the export's, and the column adds up."""
    review = ReviewFiles()
    review.search("medline-1", export=[0, 1, 2])
    review.search("embase-1", identified=2, export=[2, 3])
    review.screening["removed"] = []
    reports = build(review.write(tmp_path))
    n = prisma(reports)
    assert n["database_results"]["n"] == "5"
    assert n["database_specific_results"]["n"] == "MEDLINE, 3; EMBASE, 2"
    assert (n["duplicates"]["n"], n["records_screened"]["n"]) == ("1", "4")
    searches = by("id", rows(reports["reports/searches.csv"]))
    assert (searches["medline-1"]["identified"], searches["medline-1"]["identified_from"]) == (
        "3",
        "export",
    )
    assert searches["embase-1"]["identified_from"] == "log"
    sources = by("source", rows(reports["reports/sources.csv"]))
    assert (
        sources["MEDLINE"]["identified"],
        sources["MEDLINE"]["searches_counted_from_export"],
    ) == (
        "3",
        "1",
    )
    assert "counted from the export (3 records)" in reports["reports/searches.md"]
    assert "(medline-1); their exports hold every record" in reports["reports/prisma.svg"]


def test_duplicates_within_a_source_are_within_whichever_record_is_kept(tmp_path):
    """MEDLINE holds publication 0 twice; Embase's record of it is the most complete, so
    the group keeps Embase's. One duplicate is within MEDLINE, one across sources."""
    review = ReviewFiles()
    review.search("medline-1", identified=3, export=[0, 0, 1])
    review.search("embase-1", identified=1, export=[0], abstracts=[0])
    reports = build(review.write(tmp_path))
    groups = rows(reports["reports/flow.csv"])
    assert {g["record_id"] for g in groups} == {record_id("embase-1", 0), record_id("medline-1", 1)}
    sources = by("source", rows(reports["reports/sources.csv"]))
    assert sources["MEDLINE"]["duplicates_within_source"] == "1"
    assert sources["EMBASE"]["duplicates_within_source"] == "0"
    assert (sources["MEDLINE"]["found_elsewhere"], sources["EMBASE"]["found_elsewhere"]) == (
        "1",
        "1",
    )
    text = reports["reports/duplicates.md"]
    assert "| within one source | 1 |" in text
    assert "| across sources | 1 |" in text


def test_a_search_update_never_moves_a_publications_kept_record(tmp_path):
    """Round 2 finds publication 0 again, in a more complete record: the group keeps its
    round-1 record, so the ids in the decision files and reports stay as they were."""
    review = ReviewFiles()
    review.search("medline-1", identified=2, export=[0, 1])
    review.decide("title_abstract", record_id("medline-1", 0), "include")
    review.decide("title_abstract", record_id("medline-1", 1), "exclude")
    review.decide("full_text", record_id("medline-1", 0), "include", "")
    review.decide("studies", record_id("medline-1", 0), "Trial 1")
    directory = review.write(tmp_path / "review")
    before = by("duplicate_group", rows(build(directory)["reports/flow.csv"]))
    review.search("medline-2", identified=2, export=[0, 2], abstracts=[0, 2], round_number=2)
    after = by("duplicate_group", rows(build(review.write(directory))["reports/flow.csv"]))
    for group, row in before.items():
        assert after[group]["record_id"] == row["record_id"]
    assert after[next(iter(before))]["searches"] == "medline-1; medline-2"


def test_the_seed_reviews_boxes_are_the_sum_of_their_lines(seed_review, seed_counts):
    """46 + 4 reports sought: the log's 45 + 4 searches with no count, and NICE NG76,
    found outside the searches, each a line of the box; NG76 is also a line of its own in
    identification ("Other sources")."""
    from searchtrail.reports.prisma import build_prisma_reports
    from tests.test_prisma import box_texts, in_language

    texts = box_texts(build_prisma_reports(in_language(seed_review, "en"), seed_counts).svg)
    sought = texts["other_sought_reports"]
    numbers = [int(n.replace(",", "")) for n in re.findall(r"n = ([\d,]+)", sought)]
    assert numbers == [46, 45, 1]
    assert "Other sources (n = 1) record file included (n = 1)" in texts["website_results"]
    assert seed_counts.identified == Count(9331, 13)
    assert seed_counts.for_assessment == Count(45, 4)


# --- wording that says one thing --------------------------------------------------------------


def database_review() -> ReviewFiles:
    review = ReviewFiles()
    review.search("medline-1", identified=3, export=[0, 1, 2])
    return review


def test_removal_before_screening_is_pending_until_the_review_says(tmp_path):
    """Without screening/removed.csv and without title/abstract decisions nobody has said
    what was removed before screening: those boxes, and what follows, are pending, in the
    diagram and in the stage table alike."""
    reports = build(database_review().write(tmp_path))
    n = prisma(reports)
    for box in ("excluded_automatic", "excluded_other", "records_screened"):
        assert n[box]["n"] == "NA", box
        assert "pending: needs the records removed before screening" in n[box]["boxtext"]
    assert n["duplicates"]["n"] == "0"
    stages = by("name", rows(reports["reports/stages.csv"]))
    assert stages["MEDLINE"]["screened"] == ""
    assert "*pending*" in reports["reports/stages.md"]


def test_screened_means_the_same_in_the_diagram_and_the_stage_table(tmp_path):
    """A removed.csv with only its header says nothing was removed: three records go to
    screening, and the stage table says three were screened, as the diagram does."""
    review = database_review()
    review.screening["removed"] = []
    reports = build(review.write(tmp_path))
    n = prisma(reports)
    assert (n["excluded_automatic"]["n"], n["records_screened"]["n"]) == ("0", "3")
    assert n["records_excluded"]["n"] == "NA"  # nobody has screened yet
    stages = by("name", rows(reports["reports/stages.csv"]))
    assert stages["MEDLINE"]["screened"] == stages["All sources"]["screened"] == "3"


def test_the_template_text_names_each_incompleteness_once(seed_counts, seed_review):
    from searchtrail.reports.prisma import build_prisma_reports

    csv_text = build_prisma_reports(seed_review, seed_counts).csv
    for row in rows(csv_text):
        assert ") (" not in row["boxtext"], row["data"]
        assert row["boxtext"].count("(plus") <= 1, row["data"]


def test_the_seed_reviews_overlap_lists_its_record_files(tmp_path):
    shutil.copytree(REPO / "searches", tmp_path / "searches")
    shutil.copytree(REPO / "screening", tmp_path / "screening")
    reports = build(tmp_path)
    overlap = reports["reports/overlap.md"]
    assert "no records to deduplicate" not in overlap
    assert "| record file treffliste | 12 | 0 |" in overlap
    assert (
        "13 records read from 0 export file(s) and 2 record file(s)"
        in (reports["reports/duplicates.md"])
    )


# --- every invariant checked ---------------------------------------------------------------------


def test_assessed_is_excluded_plus_included_plus_awaiting():
    counts = assess(EXAMPLE).counts
    verify(counts)
    boxes = dict(counts.diagram.boxes)
    boxes["dbr_excluded"] = Count(0)
    broken = dataclasses.replace(
        counts,
        diagram=dataclasses.replace(
            counts.diagram, boxes=boxes, reasons={**counts.diagram.reasons, "dbr_excluded": ()}
        ),
    )
    with pytest.raises(CountMismatchError) as caught:
        verify(broken)
    assert (
        "PRISMA box dbr_assessed (round 2): 2, but dbr_excluded 0 + dbr_included 1 + awaiting 0 = 1"
    ) in str(caught.value)


# --- validate runs the pipeline's checks ---------------------------------------------------------


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def test_validate_stops_where_the_pipeline_would_on_an_export_count(example, capsys):
    log = example / "searches/log.yaml"
    text = log.read_text(encoding="utf-8")
    start = text.index("  - id: medline-2")
    log.write_text(text[:start] + text[start:].replace("identified: 4", "identified: 7", 1))
    assert main(["validate", str(example)]) == 1
    err = capsys.readouterr().err
    assert (
        "searches/log.yaml:60: search 'medline-2': field 'identified': the log says 7 records "
        "were identified, but the export holds 4: the databases column of round 2 would not "
        "add up; expected the number of records the search found: its export "
        "(searches/exports/medline-2.nbib) holds 4"
    ) in err
    assert "Traceback" not in err


def test_validate_reports_the_records_and_the_decisions_at_once(example, capsys):
    """A count the export contradicts, a decision word the schema refuses and an exclusion
    reason the review does not list, in one run."""
    log = example / "searches/log.yaml"
    log.write_text(log.read_text(encoding="utf-8").replace("identified: 6", "identified: 9", 1))
    append(example / "screening/retrieval.csv", "medline-1:pmid-32045678,perhaps,AL,2024-04-02,")
    path = example / "screening/full_text.csv"
    path.write_text(path.read_text("utf-8").replace("Wrong outcomes", "Wrong outcome"), "utf-8")
    assert main(["validate", str(example)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("3 problems found in the review's files:")
    assert "search 'medline-1': field 'identified'" in err
    assert "screening/retrieval.csv:5: record medline-2" not in err
    assert "screening/retrieval.csv:5: record medline-1:pmid-32045678: field 'retrieved'" in err
    assert "(did you mean 'Wrong outcomes'?)" in err


def test_validate_stops_on_an_unknown_record(example, capsys):
    append(
        example / "screening/title_abstract.csv", "medline-1:pmid-30811243,include,KL,2024-03-12,"
    )
    assert main(["validate", str(example)]) == 1
    assert "no record has the id 'medline-1:pmid-30811243'" in capsys.readouterr().err


def test_validate_stops_on_conflicting_decisions_in_one_group(example, capsys):
    append(
        example / "screening/title_abstract.csv",
        "psycinfo-1:an-2019-18765-002,exclude,PH,2024-03-13,",
    )
    assert main(["validate", str(example)]) == 1
    assert (
        "line 2 decides 'include' for medline-1:pmid-30811234, a duplicate"
        in capsys.readouterr().err
    )


def test_validate_and_the_pipeline_agree_on_a_clean_review(example, capsys):
    assert main(["validate", str(example)]) == 0
    out = capsys.readouterr().out
    assert "records: 26 read, 16 publications after deduplication; the counts add up." in out
    assert "screening/: 28 decisions in 5 files; no problems found." in out


# --- errors that point at the cause --------------------------------------------------------------


def test_a_decision_held_up_by_an_open_duplicate_question_names_the_question(tmp_path):
    """A web page with the PT-Nord trial's title, author and year is asked about, not
    merged. Someone names its study as if it were merged: the error names the question."""
    target = with_a_web_summary(round_one_only(tmp_path / "parenting"))
    append(target / "screening/studies.csv", "web-1:larsen2019-22310a,PT-Nord trial,")
    with pytest.raises(ReviewError) as caught:
        assess(target)
    message = str(caught.value)
    assert "screening/studies.csv:5: record web-1:larsen2019-22310a" in message
    assert (
        "the report has no full-text decision; web-1:larsen2019-22310a is in an unanswered duplicate question "
        "with medline-1:pmid-30811234, which has a decision there (screening/full_text.csv:2) "
        "(screening/duplicates.csv:2): if they are one publication, answer 'duplicate' there"
    ) in message


def test_removal_is_for_database_records_only(tmp_path):
    review = other_methods_review()
    review.decide("removed", record_id("cit-1", 3), "other", "not in the review's years")
    with pytest.raises(ReviewError, match="removal before screening applies to records from"):
        assess(review.write(tmp_path))


def test_an_export_of_what_was_taken_forward_cannot_hold_more_than_was(tmp_path):
    """Google Scholar took 1 record forward, says the log, but the export of what it took
    forward holds 2 (a careless export, or a file that lost its structure and was read as
    something else): the other-methods column would count both, so the run stops."""
    review = other_methods_review()
    review.searches[1]["for_assessment"] = 1
    with pytest.raises(ReviewError) as caught:
        assess(review.write(tmp_path))
    message = str(caught.value)
    assert "searches/log.yaml" in message
    assert "search 'web-1': field 'for_assessment'" in message
    assert "the log says 1 records were taken forward, but the export that holds them has 2" in (
        message
    )
