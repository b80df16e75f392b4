"""Every number in every report equals the counts' number, on the reviews the project ships
and on those the counting tests build."""

from __future__ import annotations

import pytest

from searchtrail.pipeline import assess
from tests import test_counting
from tests.conftest import REPO, TWO_COLUMNS
from tests.report_numbers import assert_reports_match
from tests.test_worked_example import EXAMPLE, round_one_only


@pytest.mark.parametrize("directory", [REPO, EXAMPLE, TWO_COLUMNS], ids=["seed", "example", "two"])
def test_shipped_reviews(directory):
    checked = assess(directory)
    assert_reports_match(checked.counts, checked.review)


def test_the_example_before_its_update(tmp_path):
    checked = assess(round_one_only(tmp_path / "parenting"))
    assert_reports_match(checked.counts, checked.review)


@pytest.mark.parametrize(
    "make",
    [test_counting.other_methods_review, test_counting.database_review],
    ids=["other-methods", "databases"],
)
def test_built_reviews(make, tmp_path):
    checked = assess(make().write(tmp_path))
    assert_reports_match(checked.counts, checked.review)


def test_the_checker_notices_a_report_that_shows_another_number(monkeypatch):
    """Reports rendered from counts with one number changed in each table do not pass."""
    import dataclasses

    from searchtrail.counts.number import Count
    from searchtrail.reports import render_reports
    from tests import report_numbers

    checked = assess(EXAMPLE)
    counts = checked.counts
    boxes = {**counts.diagram.boxes, "dbr_assessed": Count(7)}
    stages = counts.stages
    medline = dataclasses.replace(stages.sources[0], sought=Count(9))
    records = counts.records
    embase = dataclasses.replace(records.sources[1], duplicates_within=5)
    wrong = dataclasses.replace(
        counts,
        diagram=dataclasses.replace(counts.diagram, boxes=boxes),
        stages=dataclasses.replace(stages, sources=(medline, *stages.sources[1:])),
        records=dataclasses.replace(
            records, sources=(records.sources[0], embase, *records.sources[2:])
        ),
    )
    monkeypatch.setattr(report_numbers, "render_reports", lambda r, _: render_reports(r, wrong))
    with pytest.raises(AssertionError) as caught:
        assert_reports_match(counts, checked.review)
    message = str(caught.value)
    for where in (
        "prisma.svg: box dbr_assessed",
        "PRISMA.csv: dbr_assessed",
        "prisma.html diagram: box dbr_assessed",
        "stages_csv: MEDLINE",
        "stages.md: MEDLINE",
        "prisma.html stages MEDLINE",
        "sources.csv Embase: records",
        "sources.md records Embase",
        "overlap.md Embase",
    ):
        assert where in message, where
