"""Counting: per source, in total and per PRISMA box, and the cross-checks."""

from __future__ import annotations

import dataclasses
import json

import pytest

from searchtrail.counts import from_json, to_json, verify
from searchtrail.counts.number import Count, total
from searchtrail.errors import CountMismatchError
from tests.conftest import counts_of

# Summed by hand from document 003, one search at a time (None: no search of the source
# states a number). Columns: searches, identified, searches without a stated count,
# for_assessment, searches without a stated for_assessment.
SEED_BY_HAND = {
    # 3 + 5929; four searches say only "ingen (nye) relevante treff" or nothing at all.
    "Google Scholar": (6, 3 + 5929, 4, 0, 1),
    "Helsedirektoratet": (3, 1218 + 43, 1, 3 + 2, 1),
    "NICE": (7, 47 + 52 + 148 + 19 + 262 + 0 + 711, 0, 0 + 5 + 2 + 3 + 11 + 0 + 8, 0),
    "Socialstyrelsen Sweden": (5, 0 + 1 + 63 + 23, 1, 0, 0),
    "Kunnskapsguiden": (10, 0 + 0 + 0 + 13 + 20 + 30 + 20 + 72 + 6 + 71, 0, 2 + 2 + 1, 0),
    "SBU": (2, 22 + 4, 0, 0, 0),
    "MFoF": (2, None, 2, 0, 1),
    "IVO": (1, None, 1, 0, 0),
    "FORTE": (2, 294, 1, 0, 0),
    "regeringen.se": (5, 0 + 3 + 0 + 31 + 42, 0, 0, 0),
    "SFBUP": (1, None, 1, 0, 0),
    "Socialstyrelsen Denmark": (9, 0 + 1 + 1 + 0 + 19 + 10 + 10 + 10 + 10, 0, 1 + 2 + 1, 0),
    "regeringen.dk": (1, None, 1, 0, 0),
    "VIVE": (2, 0 + 123, 0, 2, 0),
    "Snowballing": (1, None, 1, None, 1),
}


def test_seed_per_source_counts_match_the_document(seed_counts):
    found = {
        s.source: (
            s.searches,
            s.identified.value,
            s.identified.unstated,
            s.for_assessment.value,
            s.for_assessment.unstated,
        )
        for s in seed_counts.sources
    }
    assert found == SEED_BY_HAND
    assert [s.source for s in seed_counts.sources] == list(SEED_BY_HAND)


def test_seed_totals(seed_counts):
    assert seed_counts.identified == Count(9331, 13)
    assert seed_counts.for_assessment == Count(45, 4)
    assert sum(v[1] or 0 for v in SEED_BY_HAND.values()) == 9331


def test_seed_prisma_boxes(seed_counts):
    prisma = seed_counts.diagram
    assert (prisma.databases_column, prisma.other_column, prisma.previous_column) == (
        False,
        True,
        False,
    )
    assert prisma.boxes["website_results"] == Count(5932, 4)
    assert prisma.boxes["organisation_results"] == Count(3399, 8)
    assert prisma.boxes["citations_results"] == Count(None, 1)
    assert prisma.boxes["database_results"] == Count(0)
    # 45 reports taken forward by the searches that state a number (four state none), and
    # NICE NG76, found outside the searches (record file 'included'): each a named part.
    assert prisma.boxes["other_sought_reports"] == Count(46, 4)
    assert prisma.sought_parts == (
        ("stated in the log by searches without exported records", Count(45, 4)),
        ("found outside the searches", Count(1)),
    )
    assert prisma.boxes["other_results"] == Count(1)
    assert prisma.breakdown["other_results"] == (("record file included", Count(1)),)
    # No database or register search: the column is absent and nothing passed through it.
    assert prisma.boxes["records_screened"] == Count(0)
    assert [name for name, _ in prisma.breakdown["website_results"]] == ["Google Scholar"]
    assert len(prisma.breakdown["organisation_results"]) == 13


def test_two_column_review_boxes(two_column_review):
    counts = counts_of(two_column_review)
    boxes = counts.diagram.boxes
    assert counts.diagram.databases_column
    assert counts.diagram.other_column
    assert boxes["database_results"] == Count(412 + 388, 1)
    assert boxes["register_results"] == Count(23)
    assert boxes["website_results"] == Count(1560)
    assert boxes["citations_results"] == Count(31)
    assert boxes["other_sought_reports"] == Count(4 + 2)
    assert dict(counts.diagram.breakdown["database_results"]) == {
        "MEDLINE": Count(412),
        "Embase": Count(388),
        "PsycINFO": Count(None, 1),
    }


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], Count(0)),
        ([0], Count(0)),
        ([None], Count(None, 1)),
        ([None, None], Count(None, 2)),
        ([3, None, 4], Count(7, 1)),
        ([0, None], Count(0, 1)),
    ],
)
def test_count_of_stated_values(values, expected):
    assert Count.of(values) == expected


def test_count_addition_keeps_unknowns_and_pending():
    assert Count(3, 1) + Count(None, 2) == Count(3, 3)
    assert Count(None, 1) + Count(None, 1) == Count(None, 2)
    assert (Count(3) + Count.waiting("needs screening")).pending == "needs screening"
    assert total([]) == Count(0)
    assert total([Count(1), Count(2, 1)]) == Count(3, 1)


def test_json_round_trip_is_exact(seed_counts):
    text = to_json(seed_counts)
    assert from_json(text) == seed_counts
    assert to_json(from_json(text)) == text


def test_verify_catches_a_source_that_does_not_add_up(seed_counts):
    broken_sources = list(seed_counts.sources)
    nice = broken_sources[2]
    broken_sources[2] = dataclasses.replace(nice, identified=Count(1240, 0))
    broken = dataclasses.replace(seed_counts, sources=tuple(broken_sources))
    with pytest.raises(CountMismatchError) as caught:
        verify(broken)
    message = str(caught.value)
    assert "source 'NICE', identified" in message
    assert "1239" in message
    assert "1240" in message


def test_verify_catches_a_box_that_does_not_add_up(seed_counts):
    boxes = dict(seed_counts.diagram.boxes)
    boxes["organisation_results"] = Count(3400, 8)
    broken = dataclasses.replace(
        seed_counts, diagram=dataclasses.replace(seed_counts.diagram, boxes=boxes)
    )
    with pytest.raises(CountMismatchError, match="box organisation_results, sum of its sources"):
        verify(broken)


def test_reading_edited_counts_fails(seed_counts):
    data = json.loads(to_json(seed_counts))
    data["identified"]["n"] = 9000
    with pytest.raises(CountMismatchError, match="identified, sum of the searches"):
        from_json(json.dumps(data))


def test_counts_format_is_checked(seed_counts):
    data = json.loads(to_json(seed_counts))
    data["format"] = "something-else/9"
    with pytest.raises(ValueError, match="format"):
        from_json(json.dumps(data))


def test_database_searches_without_for_assessment_stay_out_of_its_sums(two_column_review):
    counts = counts_of(two_column_review)
    medline = next(s for s in counts.searches if s.id == "medline-1")
    assert (medline.for_assessment, medline.for_assessment_recorded) == (None, False)
    assert counts.source("MEDLINE").for_assessment is None
    assert counts.source("Google Scholar").for_assessment == Count(4)
    # Only the website and citation searches record a number taken forward: 4 + 2.
    assert counts.for_assessment == Count(6)
    assert from_json(to_json(counts)) == counts
