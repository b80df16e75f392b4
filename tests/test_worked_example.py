"""The worked example in examples/parenting, followed by hand from search to inclusion.

The review searched MEDLINE, Embase and PsycINFO, Google Scholar and reference lists in
March 2024 (round 1) and reran MEDLINE and Embase in March 2025 (round 2). These are its
records (an id is ``<search>:<key>``: ``pmid-…`` for a PubMed record, ``an-…`` for an
EBSCOhost accession, otherwise first author, year and a hash of what the record says) and
the publications they are:

======================  =================================================================
publication             records
======================  =================================================================
A  PT-Nord trial        medline-1:pmid-30811234, embase-1:larsen2019-5386c5,
   (Larsen 2019)        psycinfo-1:an-2019-18765-002 (no DOI),
                        medline-2:pmid-30811234, embase-2:larsen2019-5386c5
B  Olsen 2020           medline-1:pmid-32045678, embase-1:olsen2020-b7ebe1,
                        medline-2:pmid-32045678
C  Berg 2018 (SR)       medline-1:pmid-29876543, psycinfo-1:an-2018-01234-003
D  Dahl 2021            medline-1:pmid-33987654, web-1:dahl2021-e839a2 (Google Scholar
                        found it too)
E  Nilsen 2017          medline-1:pmid-28123456
F  Hansen 2022          medline-1:pmid-35234567 (a protocol)
G  Larsen 2018          embase-1:larsen2018-fd0b66 (conference abstract of A: linked to A,
                        not merged)
H  Moen 2020            embase-1:moen2020-e6d05b, psycinfo-1:an-2020-33321-007
I  Strand 2008          embase-1:strand2008-f9553d
J  Lie 2021             psycinfo-1:an-2021-44551-001
K  Larsen 2021          web-1:larsen2021-fa6d4a (follow-up report of the PT-Nord trial)
L  Solberg 2016         cit-1:solberg2016-99f7d1
M  Aas 2015             cit-1:aas2015-ed0b41
N  Vik 2024             medline-2:pmid-38712345, embase-2:vik2024-b09c0f
O  Ek 2024              medline-2:pmid-38823456
P  Ruud 2024            embase-2:ruud2024-1feb9b
======================  =================================================================

Decisions (screening/*.csv): F removed by an automation tool, I removed for another reason
(before the year limit); at title/abstract C, E, J (round 1) and O (round 2) excluded, A, B,
D, G, H (round 1) and N, P (round 2) included; G and M not retrieved; at full text A, B, K,
N included, D excluded (wrong study design), H (wrong outcomes), L (wrong population), P
(wrong intervention). Studies: A and K are the PT-Nord trial, B is Olsen 2020, N Vik 2024.

Round 1 alone (the review before its update):

- databases: 6 + 5 + 4 = 15 records identified; 10 publications (A B C D E F G H I J), so
  15 − 10 = 5 duplicates removed; 1 removed by automation (F), 1 for other reasons (I);
  10 − 2 = 8 screened; 3 excluded (C E J); 5 sought (A B D G H); 1 not retrieved (G);
  4 assessed (A B D H); 2 excluded (D: wrong study design, H: wrong outcomes); 2 included.
- other methods: 250 + 40 identified; 4 records taken forward, of which
  web-1:dahl2021-e839a2 is D, already in the databases column, so 3 reports sought
  (K L M); 1 not retrieved (M);
  2 assessed (K L); 1 excluded (L: wrong population); 1 included (K).
- included: 3 reports (A B K) of 2 studies (PT-Nord, Olsen 2020).

Round 2 (the updated review): 4 + 3 = 7 records identified; 3 new publications (N O P), so
7 − 3 = 4 duplicates removed (the round-2 records of A and B were seen in round 1, and
embase-2:vik2024-b09c0f duplicates medline-2:pmid-38712345); 3 screened; 1 excluded (O);
2 sought; 0 not retrieved; 2 assessed; 1 excluded (P: wrong intervention); 1 new report of
1 new study (Vik 2024).
Previous version: 2 studies, 3 reports; total: 3 studies, 4 reports. A and B, found again
in round 2, keep their round-1 decisions and are not screened again.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from searchtrail.errors import CountMismatchError, ReviewError
from tests.conftest import EXAMPLE, REPO, drop_rows, run_counts_steps, run_records_steps

ROUND_2 = ("medline-2", "embase-2")


def snakemake(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-c1", "-s", str(REPO / "Snakefile"),
         "--directory", str(directory)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def prisma(directory: Path) -> dict[str, str]:
    return {row["data"]: row["n"] for row in table(directory / "reports/PRISMA.csv")}


def round_one_only(target: Path) -> Path:
    """The example as it was before its update: round-2 searches and decisions left out."""
    shutil.copytree(EXAMPLE, target)
    log = target / "searches/log.yaml"
    text = log.read_text(encoding="utf-8")
    log.write_text(text[: text.index("  # Round 2")], encoding="utf-8")
    for path in (target / "screening").glob("*.csv"):
        drop_rows(path, *ROUND_2)
    for name in ROUND_2:
        (target / f"searches/exports/{name}.{'nbib' if 'medline' in name else 'ris'}").unlink()
    return target


@pytest.fixture(scope="module")
def updated(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("example") / "parenting"
    shutil.copytree(EXAMPLE, target)
    result = snakemake(target)
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Path:
    target = round_one_only(tmp_path_factory.mktemp("example") / "parenting")
    result = snakemake(target)
    assert result.returncode == 0, result.stderr
    return target


@pytest.mark.pipeline
def test_round_one_diagram_numbers(original):
    n = prisma(original)
    assert n["database_results"] == "15"
    assert n["database_specific_results"] == "MEDLINE, 6; Embase, 5; PsycINFO, 4"
    assert (n["duplicates"], n["excluded_automatic"], n["excluded_other"]) == ("5", "1", "1")
    assert (n["records_screened"], n["records_excluded"]) == ("8", "3")
    assert (n["dbr_sought_reports"], n["dbr_notretrieved_reports"]) == ("5", "1")
    assert n["dbr_assessed"] == "4"
    # Reasons in the order the review lists them.
    assert n["dbr_excluded"] == "Wrong study design, 1; Wrong outcomes, 1"
    assert (n["website_results"], n["citations_results"]) == ("250", "40")
    assert (n["other_sought_reports"], n["other_notretrieved_reports"]) == ("3", "1")
    assert (n["other_assessed"], n["other_excluded"]) == ("2", "Wrong population, 1")
    assert (n["new_studies"], n["new_reports"]) == ("2", "3")
    assert (n["previous_studies"], n["previous_reports"]) == ("0", "0")
    svg = (original / "reports/prisma.svg").read_text(encoding="utf-8")
    assert "Previous studies" not in svg
    assert "Wrong study design (n = 1)" in svg
    assert "Reports sought for retrieval (n = 3)" in svg


@pytest.mark.pipeline
def test_round_two_uses_the_updated_review_form(updated):
    n = prisma(updated)
    assert n["database_results"] == "7"
    assert n["database_specific_results"] == "MEDLINE, 4; Embase, 3"
    assert (n["duplicates"], n["excluded_automatic"], n["excluded_other"]) == ("4", "0", "0")
    assert (n["records_screened"], n["records_excluded"], n["dbr_sought_reports"]) == (
        "3",
        "1",
        "2",
    )
    assert (n["dbr_notretrieved_reports"], n["dbr_assessed"]) == ("0", "2")
    assert n["dbr_excluded"] == "Wrong intervention, 1"
    assert (n["previous_studies"], n["previous_reports"]) == ("2", "3")
    assert (n["new_studies"], n["new_reports"]) == ("1", "1")
    assert (n["total_studies"], n["total_reports"]) == ("3", "4")
    svg = (updated / "reports/prisma.svg").read_text(encoding="utf-8")
    # Long labels wrap onto a second line in the box.
    assert ">Studies included in previous version of review</text>" in svg
    assert ">Total studies included in review (n = 3)</text>" in svg
    assert "via other methods" not in svg  # round 2 used no other methods


@pytest.mark.pipeline
def test_the_original_reviews_diagram_survives_the_update(updated, original):
    """The updated review still writes round 1's diagram: the one the original review
    published, number for number."""
    before = (original / "reports/PRISMA.csv").read_bytes()
    assert (updated / "reports/round-1/PRISMA.csv").read_bytes() == before
    svg = (updated / "reports/round-1/prisma.svg").read_text(encoding="utf-8")
    assert "Search round 1 of 2" in svg
    assert "Previous studies" not in svg


@pytest.mark.pipeline
def test_second_round_new_and_seen_records_and_nothing_rescreened(updated):
    rounds = {row["search"]: row for row in table(updated / "reports/rounds.csv")}
    assert rounds["medline-2"]["records"] == "4"
    medline, embase = rounds["medline-2"], rounds["embase-2"]
    assert (medline["new_publications"], medline["seen_in_earlier_round"]) == ("2", "2")
    # MEDLINE found C, D, E and F in round 1 but not in round 2.
    assert rounds["medline-2"]["earlier_publications_no_longer_found"] == "4"
    assert (embase["new_publications"], embase["seen_in_earlier_round"]) == ("2", "1")
    assert rounds["embase-2"]["earlier_publications_no_longer_found"] == "4"
    flow = {row["record_id"]: row for row in table(updated / "reports/flow.csv")}
    trial = flow["medline-1:pmid-30811234"]
    assert "medline-2" in trial["searches"]
    assert trial["searches"].endswith("embase-2")
    assert trial["round"] == "1"
    assert trial["status"] == "included"
    # Its decisions are the round-1 rows; the round-2 records have none of their own.
    assert trial["decided_in"] == (
        "screening/title_abstract.csv:2; screening/retrieval.csv:4; screening/full_text.csv:2; "
        "screening/studies.csv:2"
    )
    screened = {row["record_id"] for row in table(updated / "screening/title_abstract.csv")}
    assert not screened & {
        "medline-2:pmid-30811234",
        "medline-2:pmid-32045678",
        "embase-2:larsen2019-5386c5",
        "embase-2:vik2024-b09c0f",
    }
    assert flow["medline-2:pmid-38712345"]["round"] == "2"
    assert flow["medline-2:pmid-38712345"]["status"] == "included"


@pytest.mark.pipeline
def test_per_source_table_through_every_stage(updated):
    rows = {row["name"]: row for row in table(updated / "reports/stages.csv")}
    wanted = ("exported", "publications", "found_only_here", "screened", "sought", "assessed",
              "included_reports", "included_studies", "share_of_included")  # fmt: skip
    got = {name: tuple(row[c] for c in wanted) for name, row in rows.items()}
    # MEDLINE: A B C D E F N O; only MEDLINE found E, F and O; F was removed before
    # screening; A B D N were sought and assessed; A B N included (3 of the 4 included
    # reports A B K N).
    assert got["MEDLINE"] == ("10", "8", "3", "7", "4", "4", "3", "3", "0.7500")
    # Embase: A B G H I N P; only Embase: G I P; I removed; G not retrieved.
    assert got["Embase"] == ("8", "7", "3", "6", "6", "5", "3", "3", "0.7500")
    assert got["PsycINFO"] == ("4", "4", "1", "4", "2", "2", "1", "1", "0.2500")
    # Other methods are not screened on title and abstract: no number there.
    assert got["Google Scholar"] == ("2", "2", "1", "", "2", "2", "1", "1", "0.2500")
    assert got["Reference lists of included studies"] == (
        "2", "2", "2", "", "2", "1", "0", "0", "0.0000",
    )  # fmt: skip
    # Every publication once: A to P (16); screened 8 + 3 (rounds 1 and 2, as the two
    # diagrams say); sought A B D G H, N P, K L M; assessed A B D H, N P, K L; included
    # A B K N, of 3 studies.
    assert got["All sources"] == ("26", "16", "", "11", "10", "8", "4", "3", "1.0000")
    text = (updated / "reports/stages.md").read_text(encoding="utf-8")
    assert "Sources that found no included report: Reference lists of included studies." in text
    assert (updated / "reports/stages.svg").read_text(encoding="utf-8").startswith("<?xml")


@pytest.mark.pipeline
def test_search_table_shows_each_rounds_dates(updated):
    text = (updated / "reports/searches.md").read_text(encoding="utf-8")
    assert "## Round 1 (searched 2024-03-04 to 2024-06-01)" in text
    assert "## Round 2 (searched 2025-03-10)" in text


# --- mistakes in the decision files stop the run -------------------------------------------


@pytest.fixture
def stepped(tmp_path) -> Path:
    """A copy of the example with the records and duplicates steps done."""
    target = tmp_path / "parenting"
    shutil.copytree(EXAMPLE, target)
    run_records_steps(target)
    return target


def counts_of(directory: Path):
    return run_counts_steps(directory)


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def test_decisions_on_the_example_add_up(stepped):
    counts = counts_of(stepped)
    assert counts.diagram.boxes["total_reports"].value == 4
    assert counts.diagram.awaiting == {}


def test_a_decision_naming_an_unknown_record_stops_the_run(stepped):
    append(
        stepped / "screening/title_abstract.csv", "medline-1:pmid-30811243,include,KL,2024-03-12,"
    )
    with pytest.raises(ReviewError) as caught:
        counts_of(stepped)
    message = str(caught.value)
    assert "screening/title_abstract.csv:13: record medline-1:pmid-30811243" in message
    assert "no record has the id 'medline-1:pmid-30811243'" in message


def test_a_reason_not_in_the_reviews_list_stops_the_run(stepped):
    path = stepped / "screening/full_text.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Wrong outcomes", "Wrong outcome"), "utf-8"
    )
    with pytest.raises(ReviewError) as caught:
        counts_of(stepped)
    message = str(caught.value)
    assert (
        "screening/full_text.csv:5: record psycinfo-1:an-2020-33321-007: field 'reason'" in message
    )
    assert "(did you mean 'Wrong outcomes'?)" in message
    assert "Wrong population; Wrong intervention; Wrong study design; Wrong outcomes" in message


def test_conflicting_decisions_for_one_publication_stop_the_run(stepped):
    # psycinfo-1:an-2019-18765-002 is the PT-Nord trial, included on its MEDLINE record at line 2.
    append(
        stepped / "screening/title_abstract.csv",
        "psycinfo-1:an-2019-18765-002,exclude,PH,2024-03-13,",
    )
    with pytest.raises(ReviewError) as caught:
        counts_of(stepped)
    message = str(caught.value)
    assert "screening/title_abstract.csv:13: record psycinfo-1:an-2019-18765-002" in message
    assert (
        "line 2 decides 'include' for medline-1:pmid-30811234, a duplicate of this record"
        in message
    )


def test_a_decision_that_skips_a_stage_stops_the_run(stepped):
    # medline-1:pmid-29876543 was excluded at title/abstract; it cannot be assessed in full text.
    append(stepped / "screening/full_text.csv", "medline-1:pmid-29876543,include,,KL,2024-04-22,")
    with pytest.raises(ReviewError, match="excluded at title/abstract screening"):
        counts_of(stepped)


def test_an_exclusion_without_a_reason_stops_the_run(stepped):
    append(stepped / "screening/full_text.csv", "medline-2:pmid-38712345,exclude,,KL,2025-04-02,")
    with pytest.raises(ReviewError, match="an exclusion needs a reason"):
        counts_of(stepped)


def test_arithmetic_that_does_not_add_up_stops_the_run(stepped):
    # The log says MEDLINE found 7 records in round 2; its export holds 4.
    log = stepped / "searches/log.yaml"
    text = log.read_text(encoding="utf-8")
    start = text.index("  - id: medline-2")
    log.write_text(
        text[:start] + text[start:].replace("identified: 4", "identified: 7", 1), "utf-8"
    )
    with pytest.raises(CountMismatchError) as caught:
        counts_of(stepped)
    message = str(caught.value)
    assert (
        "PRISMA box 'Records screened' (round 2): identified 10 − removed before screening 4"
        in message
    )
    assert "= 6, but 3 records were screened" in message
    assert "medline-2: log 7, export 4" in message


def test_more_decisions_than_reports_sought_stop_the_run(tmp_path):
    """A search without an export counts by the number its log states; records of it in a
    partial record file are part of that number, so more of them with decisions than the
    log says were taken forward cannot be."""
    target = round_one_only(tmp_path / "parenting")
    log = target / "searches/log.yaml"
    text = log.read_text(encoding="utf-8")
    text = text.replace(
        "    export:\n      files: searches/exports/web-1.ris\n      holds: for_assessment\n", ""
    )
    text = text.replace("for_assessment: 2\n", "for_assessment: 0\n", 1)  # web-1
    text += (
        "record_files:\n  - id: web-list\n    files: searches/exports/web-1.ris\n"
        "    holds: for_assessment\n    searches: [web-1]\n    complete: false\n"
    )
    log.write_text(text, encoding="utf-8")
    for path in (target / "screening").glob("*.csv"):
        path.write_text(path.read_text("utf-8").replace("web-1:", "web-list:"), "utf-8")
    run_records_steps(target)
    with pytest.raises(CountMismatchError) as caught:
        counts_of(target)
    assert (
        "PRISMA box 'Reports sought for retrieval' (other methods, round 1): the log states 0 "
        "reports taken forward by the searches without exported records (web-1), but 1 of "
        "their records (record file web-list) have retrieval or eligibility decisions"
    ) in str(caught.value)


def test_the_command_line_reports_decision_mistakes_without_a_traceback(stepped):
    append(
        stepped / "screening/title_abstract.csv", "medline-1:pmid-30811243,include,KL,2024-03-12,"
    )
    result = subprocess.run(
        [sys.executable, "-m", "searchtrail", "stage", "screening", str(stepped)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "no record has the id 'medline-1:pmid-30811243'" in result.stderr


def test_the_flow_table_follows_one_record_from_search_to_inclusion(stepped):
    counts_of(stepped)
    rows = list(csv.DictReader(io.StringIO((stepped / "reports/flow.csv").read_text("utf-8"))))
    by_id = {row["record_id"]: row for row in rows}
    olsen = by_id["medline-1:pmid-32045678"]
    assert olsen["sources"] == "MEDLINE; Embase"
    assert (olsen["title_abstract"], olsen["full_text"], olsen["study"]) == (
        "include",
        "include",
        "Olsen 2020",
    )
    assert by_id["embase-1:larsen2018-fd0b66"]["status"] == "not retrieved"
    assert by_id["medline-1:pmid-35234567"]["status"] == "removed by automation tool"
    assert len(rows) == 16  # publications A to P


def test_a_decision_word_the_schema_does_not_allow_names_its_line(stepped):
    append(stepped / "screening/retrieval.csv", "medline-1:pmid-32045678,perhaps,AL,2024-04-02,")
    with pytest.raises(ReviewError) as caught:
        counts_of(stepped)
    message = str(caught.value)
    assert "screening/retrieval.csv:5: record medline-1:pmid-32045678: field 'retrieved'" in message
    assert "value 'perhaps' is not allowed" in message
    assert "expected yes or no" in message


def test_stages_nobody_has_reached_are_pending_not_zero(tmp_path):
    """Round 1 half done: title/abstract screening with one record left, nothing later."""
    target = round_one_only(tmp_path / "parenting")
    for name in ("retrieval", "full_text", "studies"):
        (target / f"screening/{name}.csv").unlink()
    path = target / "screening/title_abstract.csv"
    drop_rows(path, "psycinfo-1:an-2021-44551-001,")
    run_records_steps(target)
    prisma = counts_of(target).diagram
    boxes, awaiting = prisma.boxes, prisma.awaiting
    assert boxes["records_screened"].value == 8
    assert boxes["records_excluded"].value == 2  # C and E; J is not screened yet
    assert awaiting["records_screened"].value == 1
    assert boxes["dbr_sought_reports"].value == 5
    for box in ("dbr_notretrieved_reports", "dbr_assessed", "dbr_excluded", "other_assessed",
                "other_excluded", "new_reports", "new_studies"):  # fmt: skip
        assert boxes[box].pending, box
        assert boxes[box].value is None, box
    assert boxes["other_sought_reports"].value == 3


SUMMARY = (
    "TY  - GEN\nAU  - Larsen, Kari M.\nTI  - Group parent training for children with conduct "
    "problems: a randomised trial in Norwegian child welfare services\nPY  - 2019\n"
    "UR  - https://www.example.org/pt-nord-summary\nER  - \n"
)


def with_a_web_summary(target: Path) -> Path:
    """The example with a web page summarising the PT-Nord trial among Google Scholar's
    records taken forward (web-1:larsen2019-22310a): a record the machine asks people about."""
    web = target / "searches/exports/web-1.ris"
    web.write_text(web.read_text(encoding="utf-8") + "\n" + SUMMARY, encoding="utf-8")
    log = target / "searches/log.yaml"
    log.write_text(
        log.read_text(encoding="utf-8").replace(
            "identified: 250\n    for_assessment: 2", "identified: 250\n    for_assessment: 3"
        ),
        encoding="utf-8",
    )
    return target


@pytest.mark.pipeline
def test_the_duplicate_question_loop_through_the_pipeline(tmp_path):
    """A web page with only the PT-Nord trial's title, author and year: the machine asks,
    a person answers, the next run merges it and never asks again."""
    target = with_a_web_summary(round_one_only(tmp_path / "parenting"))
    first = snakemake(target)
    assert first.returncode == 0, first.stderr
    questions = table(target / "screening/duplicates.csv")
    # One question for the whole group of the trial's five records, not one per record.
    assert [(q["record_a"], q["record_b"], q["verdict"]) for q in questions] == [
        ("medline-1:pmid-30811234", "web-1:larsen2019-22310a", "")
    ]
    flow = {row["record_id"]: row for row in table(target / "reports/flow.csv")}
    assert flow["web-1:larsen2019-22310a"]["status"] == "awaiting retrieval"
    path = target / "screening/duplicates.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "medline-1:pmid-30811234,web-1:larsen2019-22310a,,",
            "medline-1:pmid-30811234,web-1:larsen2019-22310a,duplicate,",
        ),
        encoding="utf-8",
    )
    second = snakemake(target)
    assert second.returncode == 0, second.stderr
    groups = {
        row["record_id"]: row["duplicate_group"]
        for row in table(target / "reports/dedup/groups.csv")
    }
    assert groups["web-1:larsen2019-22310a"] == groups["medline-1:pmid-30811234"]
    assert len(table(target / "screening/duplicates.csv")) == 1  # nothing asked again
    text = (target / "reports/duplicates.md").read_text(encoding="utf-8")
    assert "people's verdicts applied: 1" in text
    flow = {row["record_id"]: row for row in table(target / "reports/flow.csv")}
    assert "web-1:larsen2019-22310a" not in flow  # it is part of the trial's group now
    assert "web-1" in flow["medline-1:pmid-30811234"]["searches"]


def test_counts_that_do_not_add_up_are_refused_when_read(stepped):
    """counts.json is checked box by box whenever a report reads it."""
    import json

    from searchtrail.counts.store import from_json

    counts_of(stepped)
    path = stepped / "reports/data/counts.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert from_json(path.read_text(encoding="utf-8")).diagram.boxes["total_reports"].value == 4
    data["diagram"]["boxes"]["dbr_assessed"]["n"] = 5  # sought 2, not retrieved 0
    data["earlier"][0]["boxes"]["total_studies"]["n"] = 3  # previous 0 + new 2
    with pytest.raises(CountMismatchError) as caught:
        from_json(json.dumps(data))
    message = str(caught.value)
    assert (
        "PRISMA box dbr_sought_reports (round 2): 2, but dbr_notretrieved_reports 0 + dbr_assessed 5"
        in message
    )
    assert (
        "PRISMA box total_studies (round 1): 3, but previous_studies 0 + new_studies 2" in message
    )
