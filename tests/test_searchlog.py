"""The search log format: the seed transcription and every validation error."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchtrail.errors import Problem, ReviewError
from searchtrail.searchlog import LOG_FILE, load_review, parse_review
from tests.conftest import TWO_COLUMNS

LOG_TEXT = (TWO_COLUMNS / LOG_FILE).read_text(encoding="utf-8")
REVIEW_TEXT = (TWO_COLUMNS / "searches/review.yaml").read_text(encoding="utf-8")


def problems_after(
    review_copy, replace: list[tuple[str, str]], *, log: bool = True
) -> list[Problem]:
    """Apply text replacements to the two-column review and return the problems found."""
    directory: Path = review_copy(TWO_COLUMNS)
    path = directory / (LOG_FILE if log else "searches/review.yaml")
    text = path.read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReviewError) as caught:
        load_review(directory)
    return list(caught.value.problems)


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    position = -1
    for _ in range(occurrence):
        position = text.index(fragment, position + 1)
    return text.count("\n", 0, position) + 1


# --- the seed review -------------------------------------------------------------------------


def test_seed_review_has_every_search_of_the_document(seed_review):
    assert len(seed_review.searches) == 57
    per_source: dict[str, int] = {}
    for search in seed_review.searches:
        per_source[search.source] = per_source.get(search.source, 0) + 1
    assert per_source == {
        "Google Scholar": 6,
        "Helsedirektoratet": 3,
        "NICE": 7,
        "Socialstyrelsen Sweden": 5,
        "Kunnskapsguiden": 10,
        "SBU": 2,
        "MFoF": 2,
        "IVO": 1,
        "FORTE": 2,
        "regeringen.se": 5,
        "SFBUP": 1,
        "Socialstyrelsen Denmark": 9,
        "regeringen.dk": 1,
        "VIVE": 2,
        "Snowballing": 1,
    }


def test_seed_keeps_unknown_counts_unknown_and_real_zeros_zero(seed_review):
    by_id = {s.id: s for s in seed_review.searches}
    # "gir ingen nye relevante treff": count not reported, nothing new forward.
    assert by_id["gs-02"].identified is None
    assert by_id["gs-02"].for_assessment == 0
    assert "ingen nye relevante treff" in by_id["gs-02"].note
    # "gir 0 treff": a stated zero.
    assert by_id["nice-06"].identified == 0
    # "gir 10 treff hvorav ingen relevante": 10 identified, 0 forward.
    assert (by_id["sos-dk-07"].identified, by_id["sos-dk-07"].for_assessment) == (10, 0)
    # "gir en mengde treff som ikke oppgis ved antall".
    assert by_id["regdk-01"].identified is None
    # Snowballing: nothing stated at all.
    assert by_id["snowball-01"].kind == "citation_search"
    assert (by_id["snowball-01"].identified, by_id["snowball-01"].for_assessment) == (None, None)
    for search in seed_review.searches:
        if search.identified is None or search.for_assessment is None:
            assert search.note, search.id
        assert search.log_text, search.id


def test_seed_metadata_has_both_questions_and_the_limits(seed_review):
    assert [q.id for q in seed_review.questions] == ["Q1", "Q2"]
    assert "arena" in seed_review.questions[0].text
    assert "12 uker" in seed_review.questions[1].intervention
    limits = seed_review.metadata["limits"]
    assert limits["publication_years"] == {"from": 2000, "to": 2020}
    assert limits["countries"] == ["Norge", "nordiske landene", "England/Storbritannia"]


def test_seed_record_files(seed_review):
    treffliste, included = seed_review.record_files
    assert (treffliste.holds, treffliste.complete, treffliste.searches) == (
        "for_assessment",
        False,
        "all",
    )
    assert "partial" in treffliste.note
    assert (included.holds, included.searches) == ("included", ())


def test_queries_keep_their_lines(two_column_review):
    medline = two_column_review.search("medline-1")
    assert medline.query.splitlines()[0] == "1. exp Parenting/ or parent*.ti,ab."
    assert len(medline.query.splitlines()) == 4


# --- validation errors ------------------------------------------------------------------------


def test_for_assessment_larger_than_identified(review_copy):
    [problem] = problems_after(
        review_copy,
        [("identified: 1560\n    for_assessment: 4", "identified: 3\n    for_assessment: 4")],
    )
    assert problem.file == "searches/log.yaml"
    assert problem.line == line_of(LOG_TEXT, "for_assessment: 4")
    assert problem.entry == "search 'web-1'"
    assert problem.field == "for_assessment"
    assert "more than the 3 identified" in problem.message


def test_duplicate_ids(review_copy):
    [problem] = problems_after(review_copy, [("id: embase-1", "id: medline-1")])
    assert problem.field == "id"
    assert problem.line == line_of(LOG_TEXT, "id: embase-1")
    assert f"already used by the search at line {line_of(LOG_TEXT, '- id: medline-1')}" in str(
        problem
    )


def test_negative_count(review_copy):
    [problem] = problems_after(review_copy, [("identified: 388", "identified: -388")])
    assert problem.entry == "search 'embase-1'"
    assert problem.field == "identified"
    assert problem.value == "-388"
    assert "negative" in problem.message


def test_unknown_kind_suggests_the_closest(review_copy):
    [problem] = problems_after(review_copy, [("kind: register", "kind: registry")])
    assert problem.field == "kind"
    assert "did you mean 'register'?" in problem.message
    assert "database, register, website" in problem.expected


def test_misspelt_field_is_reported_with_the_missing_one(review_copy):
    problems = problems_after(review_copy, [("identified: 23", "identifed: 23")])
    messages = sorted(p.message for p in problems)
    assert messages == [
        "required field 'identified' is missing",
        "unknown field 'identifed' (did you mean 'identified'?)",
    ]
    assert all(p.entry == "search 'ctgov-1'" for p in problems)


def test_number_with_thousands_separator(review_copy):
    [problem] = problems_after(review_copy, [("identified: 1560", "identified: 1,560")])
    assert "no thousands separators" in problem.message


def test_unknown_count_needs_a_note(review_copy):
    [problem] = problems_after(
        review_copy,
        [("    note: The hit count was not written down before the export was made.\n", "")],
    )
    assert problem.entry == "search 'psycinfo-1'"
    assert problem.field == "note"
    assert "identified is unknown but no note says why" in problem.message


def test_other_methods_need_for_assessment(review_copy):
    [problem] = problems_after(review_copy, [("    for_assessment: 2\n", "")])
    assert problem.entry == "search 'cit-1'"
    assert "citation_search search needs for_assessment" in problem.message


def test_impossible_date(review_copy):
    [problem] = problems_after(review_copy, [('date: "2024-03-06"', 'date: "2024-02-30"')])
    assert problem.field == "date"
    assert "not a real date" in problem.message


def test_date_in_the_wrong_form(review_copy):
    [problem] = problems_after(review_copy, [('date: "2024-03-06"', 'date: "06.03.2024"')])
    assert problem.field == "date"
    assert "YYYY-MM-DD" in problem.expected


def test_export_outside_the_review_directory(review_copy):
    [problem] = problems_after(
        review_copy, [("files: searches/exports/medline-1.ris", "files: ../medline-1.ris")]
    )
    assert problem.entry == "search 'medline-1'"
    assert problem.field == "export.files"
    assert problem.value == "'../medline-1.ris'"
    assert "outside the review directory" in problem.message


def test_absolute_export_path(review_copy):
    [problem] = problems_after(
        review_copy, [("files: searches/exports/medline-1.ris", "files: /tmp/medline-1.ris")]
    )
    assert "absolute" in problem.message


def test_missing_export_file(review_copy):
    [problem] = problems_after(
        review_copy,
        [("files: searches/exports/medline-1.ris", "files: searches/exports/medline.ris")],
    )
    assert problem.line == line_of(LOG_TEXT, "files: searches/exports/medline-1.ris")
    assert problem.message == "no such file"


def test_export_through_a_link_out_of_the_directory(review_copy, tmp_path):
    directory = review_copy(TWO_COLUMNS)
    outside = tmp_path / "outside.ris"
    outside.write_text("TY  - JOUR\nER  - \n", encoding="utf-8")
    (directory / "searches/exports/medline-1.ris").unlink()
    (directory / "searches/exports/medline-1.ris").symlink_to(outside)
    with pytest.raises(ReviewError, match="leads outside the review directory"):
        load_review(directory)


def test_same_file_for_two_searches(review_copy):
    [problem] = problems_after(
        review_copy,
        [
            (
                "    identified: 388\n",
                "    identified: 388\n    export:\n      files: searches/exports/medline-1.ris\n"
                "      holds: identified\n",
            )
        ],
    )
    assert problem.entry == "search 'embase-1'"
    assert "already listed by search 'medline-1'" in problem.message


def test_round_gap(review_copy):
    [problem] = problems_after(
        review_copy, [("    identified: 31\n", "    identified: 31\n    round: 3\n")]
    )
    assert problem.field == "round"
    assert "round 2 has no searches" in problem.message


def test_record_file_naming_an_unknown_search(review_copy):
    addition = (
        "record_files:\n  - id: forward\n    files: searches/exports/medline-1.ris\n"
        "    holds: for_assessment\n    searches: [web-1, web-2]\n    complete: true\n"
    )
    problems = problems_after(
        review_copy, [("    for_assessment: 2\n", "    for_assessment: 2\n" + addition)]
    )
    unknown = [p for p in problems if p.field == "searches"]
    assert len(unknown) == 1
    assert "no search has the id 'web-2' (did you mean 'web-1'?)" in unknown[0].message


def test_review_years_in_the_wrong_order(review_copy):
    [problem] = problems_after(review_copy, [("from: 2010", "from: 2030")], log=False)
    assert problem.file == "searches/review.yaml"
    assert problem.field == "limits.publication_years"


def test_every_problem_is_reported_in_one_run(review_copy):
    problems = problems_after(
        review_copy,
        [
            ("kind: register", "kind: registry"),
            ("identified: 388", "identified: -388"),
            ("identified: 1560\n    for_assessment: 4", "identified: 3\n    for_assessment: 4"),
            ("files: searches/exports/medline-1.ris", "files: searches/exports/gone.ris"),
        ],
    )
    assert {p.entry for p in problems} == {
        "search 'ctgov-1'",
        "search 'embase-1'",
        "search 'web-1'",
        "search 'medline-1'",
    }
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_missing_files_are_named(tmp_path):
    with pytest.raises(ReviewError) as caught:
        load_review(tmp_path)
    assert {p.file for p in caught.value.problems} == {"searches/review.yaml", "searches/log.yaml"}
    assert "does not exist" in str(caught.value)


def test_empty_log(tmp_path):
    with pytest.raises(ReviewError, match="the file is empty"):
        parse_review(REVIEW_TEXT, "")


def test_log_that_is_not_a_mapping():
    with pytest.raises(ReviewError) as caught:
        parse_review(REVIEW_TEXT, "- just\n- a list\n")
    assert "searches/log.yaml:1" in str(caught.value)


def test_error_message_reads_as_one_line_per_problem(review_copy):
    directory = review_copy(TWO_COLUMNS)
    path = directory / LOG_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("kind: register", "kind: registry"), "utf-8"
    )
    with pytest.raises(ReviewError) as caught:
        load_review(directory)
    text = str(caught.value)
    assert text.splitlines()[0] == "1 problem found in the review's files:"
    line = line_of(LOG_TEXT, "kind: register")
    assert text.splitlines()[1].startswith(
        f"  - searches/log.yaml:{line}: search 'ctgov-1': field 'kind': "
    )
