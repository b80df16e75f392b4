"""Inputs made to break things, or made carelessly: each ends in a clear error naming the
file, line and value, or in a report that shows it harmlessly; never a traceback, a hang, a
file lost or a wrong number."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from searchtrail.cli import main
from searchtrail.layout import OUTPUTS
from searchtrail.pipeline import assess
from searchtrail.reports import render_reports
from searchtrail.reports.prisma.textwidth import text_width, wrap
from tests.conftest import TWO_COLUMNS
from tests.reviews import ReviewFiles


def _too_slow(_signal: int, _frame: object) -> None:
    raise TimeoutError("took more than 20 s")


@pytest.fixture
def alarm():
    """Fail a test that runs longer than 20 s instead of letting it hang CI."""
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_word_of_a_million_characters_wraps_in_time(alarm):
    lines = wrap("x" * 1_000_000, 200, 11)
    assert "".join(lines) == "x" * 1_000_000
    assert all(text_width(line, 11) <= 200 for line in lines)


def edit_log(directory: Path, old: str, new: str) -> None:
    log = directory / "searches/log.yaml"
    text = log.read_text(encoding="utf-8")
    assert old in text
    log.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_name_too_long_for_a_diagram_is_refused(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    edit_log(directory, "source: MEDLINE", "source: " + "M" * 108_000)
    assert main(["validate", str(directory)]) == 1
    assert "expected the name of the source searched, at most 200 characters" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("reports/medline.ris", "the path is inside reports/, which the pipeline writes"),
        ("searches/exports/med\\0line.ris", "the path holds a control character"),
        ("../elsewhere.ris", "the path leads outside the review directory"),
    ],
)
def test_export_paths_the_pipeline_could_not_use_safely(path, says, review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    edit_log(directory, "files: searches/exports/medline-1.ris", f'files: "{path}"')
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert says in err
    assert "Traceback" not in err


def test_one_file_under_two_names_is_counted_once_or_refused(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    (directory / "searches/exports/again.ris").symlink_to("medline-1.ris")
    edit_log(
        directory,
        "    identified: 388\n",
        "    identified: 2\n    export:\n      files: searches/exports/again.ris\n"
        "      holds: identified\n",
    )
    assert main(["validate", str(directory)]) == 1
    assert (
        "it is searches/exports/medline-1.ris under another name (a link); its records would be "
        "counted twice"
    ) in capsys.readouterr().err


def test_a_link_out_of_reports_into_the_review_is_refused(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    (directory / "reports").mkdir()
    (directory / "reports/kept.ris").write_text("TY  - JOUR\nER  - \n", encoding="utf-8")
    (directory / "searches/exports/link.ris").symlink_to("../../reports/kept.ris")
    edit_log(directory, "files: searches/exports/medline-1.ris", "files: searches/exports/link.ris")
    assert main(["validate", str(directory)]) == 1
    assert "the path leads into reports/" in capsys.readouterr().err


def test_validate_given_a_file_says_it_wants_a_folder(tmp_path, capsys):
    path = tmp_path / "log.yaml"
    path.write_text("searches: []\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "it is a file, not a folder; expected a review directory" in err


@pytest.mark.parametrize(
    "damage",
    ["", "{not json", '{"format": "searchtrail-counts/2"}', "[]", '{"format": 3}'],
    ids=["empty", "broken", "fields-missing", "a-list", "wrong-format"],
)
def test_reports_from_an_unreadable_counts_file_say_what_to_do(damage, review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    for stage in ("records", "dedup", "screening", "counts"):
        assert main(["stage", stage, str(directory), "--quiet"]) == 0
    (directory / OUTPUTS["counts"]["counts"]).write_text(damage, encoding="utf-8")
    assert main(["stage", "reports", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "counts.json" in err
    assert "rerun the pipeline" in err


def test_invisible_characters_are_shown_in_the_reports(tmp_path):
    """A source name written backwards with a right-to-left override, and a zero-width
    space: the reports show the codes, so a reader sees that the name is not what it
    looks like."""
    review = ReviewFiles(title="Parent\u200btraining")
    review.search("web-1", "website", source="elgooG\u202e", identified=4, for_assessment=1)
    directory = review.write(tmp_path)
    checked = assess(directory)
    reports = render_reports(checked.review, checked.counts)
    for key in ("prisma_svg", "prisma_html", "sources_md", "searches_md"):
        assert "\u202e" not in reports[key], key
        assert "\u200b" not in reports[key], key
    assert "elgooG[U+202E]" in reports["prisma_svg"]
    assert "Parent[U+200B]training" in reports["prisma_html"]


def test_a_review_file_that_is_a_folder_is_named(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    (directory / "searches/review.yaml").unlink()
    (directory / "searches/review.yaml").mkdir()
    assert main(["validate", str(directory)]) == 1
    assert "searches/review.yaml: it is not a file" in capsys.readouterr().err
