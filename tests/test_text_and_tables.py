"""Wording of counts, escaping, and the search and per-source tables."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from searchtrail.counts.number import Count
from searchtrail.errors import CountMismatchError
from searchtrail.reports.searches import SEARCH_COLUMNS, searches_csv, searches_md
from searchtrail.reports.sources import sources_csv, sources_md
from searchtrail.reports.words import anchors, describe, md, n_phrase, xml
from tests.conftest import counts_of


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (Count(9331), "9,331"),
        (Count(9331, 13), "9,331 + 13 searches with no count"),
        (Count(45, 1), "45 + 1 search with no count"),
        (Count(None, 2), "not reported (2 searches)"),
        (Count.waiting("needs screening"), "pending"),
    ],
)
def test_describe(count, words):
    assert describe(count) == words


def test_n_phrase():
    assert n_phrase(Count(1239)) == "n = 1,239"
    assert n_phrase(Count(None, 1)) == "n not reported, 1 search"


def test_markdown_escaping_keeps_queries_literal():
    assert md("family intervention* OR child welfare program*") == (
        r"family intervention\* OR child welfare program\*"
    )
    assert md("a | b") == r"a \| b"
    assert md("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert md("1. exp Child/\n2. parent_*") == r"1. exp Child/<br>2. parent\_\*"
    assert md("[link](http://x)") == r"\[link\](http://x)"


def test_xml_escaping_drops_control_characters():
    assert xml('a < b & "c"\x07') == "a &lt; b &amp; &quot;c&quot;"


def test_anchors_are_unique_and_stable():
    assert anchors(["NICE", "nice", "Socialstyrelsen Sweden"], "source") == {
        "NICE": "source-nice",
        "nice": "source-nice-2",
        "Socialstyrelsen Sweden": "source-socialstyrelsen-sweden",
    }


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_sources_csv_has_the_seed_numbers(seed_review, seed_counts):
    rows = {row["source"]: row for row in read_csv(sources_csv(seed_review, seed_counts))}
    assert rows["NICE"] == {
        "source": "NICE",
        "kind": "organisation",
        "country": "United Kingdom",
        "searches": "7",
        "searches_without_count": "0",
        "identified": "1239",
        "for_assessment": "29",
        "searches_without_for_assessment": "0",
        # NICE's searches name no export file, so there are no record numbers.
        "searches_counted_from_export": "0",
        "records_exported": "",
        "records_read": "",
        "records_skipped": "",
        "duplicates_within_source": "",
        "publications": "",
        "found_only_here": "",
        "found_elsewhere": "",
        "reconciliation": "",
    }
    # A source none of whose searches states a count has an empty identified cell.
    assert rows["MFoF"]["identified"] == ""
    assert rows["MFoF"]["searches_without_count"] == "2"
    assert rows["Snowballing"]["for_assessment"] == ""
    assert len(rows) == 15


def test_sources_markdown_has_a_total_line(seed_review, seed_counts):
    text = sources_md(seed_review, seed_counts)
    total = next(line for line in text.splitlines() if line.startswith("| **Total**"))
    assert total == "| **Total** |  |  | **57** | **13** | **9,331** | **45** | **4** |"
    assert "| MFoF | organisation | Sweden | 2 | 2 | *not reported* | 0 | 1 |" in text


def test_search_table_csv_round_trips_multiline_queries(two_column_review):
    counts = counts_of(two_column_review)
    rows = read_csv(searches_csv(two_column_review, counts))
    assert tuple(rows[0]) == SEARCH_COLUMNS
    medline = rows[0]
    assert medline["query"] == two_column_review.search("medline-1").query
    assert medline["export_files"] == "searches/exports/medline-1.ris"
    psycinfo = rows[2]
    assert psycinfo["identified"] == ""
    assert psycinfo["note"].startswith("The hit count was not written down")


def test_search_table_markdown_lists_every_search(seed_review, seed_counts):
    text = searches_md(seed_review, seed_counts)
    rows = [
        line
        for line in text.splitlines()
        if line.startswith("| ") and line[2:5] not in ("Id ", "---")
    ]
    assert len(rows) == 57
    assert any(r.startswith("| nice-07 | NICE |") and "| 711 | 8 |" in r for r in rows)
    assert "## Round" not in text


def test_search_table_groups_rounds(two_column_review):
    searches = list(two_column_review.searches)
    searches[-1] = dataclasses.replace(searches[-1], round=2)
    review = dataclasses.replace(two_column_review, searches=tuple(searches))
    text = searches_md(review, counts_of(review))
    assert "## Round 1 (searched 2024-03-04 to 2024-03-06)" in text
    assert "## Round 2 (searched 2024-06-01)" in text


def test_tables_refuse_counts_from_another_log(seed_review, two_column_review):
    other = counts_of(two_column_review)
    with pytest.raises(CountMismatchError, match="another version of the search log"):
        searches_csv(seed_review, other)


def test_not_recorded_is_not_unknown(two_column_review):
    counts = counts_of(two_column_review)
    rows = {row["source"]: row for row in read_csv(sources_csv(two_column_review, counts))}
    assert rows["MEDLINE"]["for_assessment"] == ""
    assert rows["MEDLINE"]["searches_without_for_assessment"] == "0"
    text = sources_md(two_column_review, counts)
    assert "| MEDLINE | database | International | 1 | 0 | 412 | — | 0 |" in text
    assert "| PsycINFO | database |  | 1 | 1 | *not reported* | — | 0 |" in text
