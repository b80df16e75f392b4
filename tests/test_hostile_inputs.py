"""Inputs made to break things, or made carelessly: each ends in a clear error naming the
file, line and value, or in a report that shows it harmlessly; never a traceback, a hang, a
file lost or a wrong number."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from searchtrail.cli import main
from searchtrail.errors import ReviewError
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
        ("searches/../../elsewhere.ris", "the path leads outside the review directory"),
        ("screening/title_abstract.csv", "the path is inside screening/, where people's"),
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


@pytest.mark.parametrize(
    "listed",
    [
        "[searches/exports/medline-1.ris, searches/exports/medline-1.ris]",
        "[searches/exports/medline-1.ris, ./searches//exports/medline-1.ris]",
    ],
)
def test_a_file_listed_twice_in_one_list_is_refused(listed, review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    edit_log(directory, "files: searches/exports/medline-1.ris", f"files: {listed}")
    assert main(["validate", str(directory)]) == 1
    assert "the file is already listed in this list; its records would be counted twice" in (
        capsys.readouterr().err
    )


def test_a_path_through_its_own_folder_is_inside_the_review(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    edit_log(
        directory,
        "files: searches/exports/medline-1.ris",
        "files: searches/exports/../exports/medline-1.ris",
    )
    assert main(["validate", str(directory)]) == 0, capsys.readouterr().err


def test_a_link_loop_is_named_not_followed(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    (directory / "searches/exports/loop.ris").symlink_to("loop.ris")
    edit_log(directory, "files: searches/exports/medline-1.ris", "files: searches/exports/loop.ris")
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "searches/exports/loop.ris" in err
    assert "the path cannot be followed" in err
    assert "Traceback" not in err


def test_a_link_out_of_reports_into_the_review_is_refused(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    (directory / "reports").mkdir()
    (directory / "reports/kept.ris").write_text("TY  - JOUR\nER  - \n", encoding="utf-8")
    (directory / "searches/exports/link.ris").symlink_to("../../reports/kept.ris")
    edit_log(directory, "files: searches/exports/medline-1.ris", "files: searches/exports/link.ris")
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "the path is inside reports/" in err
    assert "(it leads there through a link)" in err


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


def test_names_saved_with_decomposed_letters_are_the_names_people_mean(tmp_path):
    """macOS saves "Å" as "A" and a combining ring. A study, an exclusion reason and a
    source written so in one file and composed in another are one study, one reason, one
    source."""
    from unicodedata import normalize

    from tests.reviews import record_id

    nfd = lambda text: normalize("NFD", text)  # noqa: E731
    review = ReviewFiles()
    review.search("embase-1", source="Émbase", identified=2, export=[0, 1])
    review.search("embase-2", source=nfd("Émbase"), identified=1, export=[2])
    for key, origin in ((0, "embase-1"), (1, "embase-1"), (2, "embase-2")):
        review.decide("title_abstract", record_id(origin, key), "include")
    review.decide("full_text", record_id("embase-1", 0), "include", "")
    review.decide("full_text", record_id("embase-1", 1), "include", "")
    review.decide("full_text", record_id("embase-2", 2), "exclude", nfd("Wrong population"))
    review.decide("studies", record_id("embase-1", 0), "Nordlys-Åsen trial")
    review.decide("studies", record_id("embase-1", 1), nfd("Nordlys-Åsen trial"))
    counts = assess(review.write(tmp_path)).counts
    assert [source.source for source in counts.sources] == ["Émbase"]
    assert counts.diagram.boxes["new_studies"].value == 1
    assert counts.diagram.boxes["new_reports"].value == 2


def test_an_encoding_nobody_has_is_named_as_such(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    edit_log(
        directory,
        "files: searches/exports/medline-1.ris\n",
        "files: searches/exports/medline-1.ris\n      encoding: klingon\n",
    )
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "field 'export.encoding': no encoding is called 'klingon'" in err
    assert "expected an encoding name such as utf-8" in err


def test_a_log_that_is_a_list_asks_for_fields(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    (directory / "searches/log.yaml").write_text("- medline-1\n- embase-1\n", encoding="utf-8")
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "searches/log.yaml:1: value ['medline-1', 'embase-1'] is not valid" in err
    assert "expected a mapping of fields (name: value)" in err


def test_an_overlong_value_is_shortened_and_its_limit_given(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    path = directory / "searches/review.yaml"
    path.write_text(
        path.read_text("utf-8") + "exclusion_reasons:\n  - " + "W" * 20_000 + "\n", "utf-8"
    )
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "is 20,000 characters long; expected at most 200 characters" in err
    assert len(err) < 1000


@pytest.mark.parametrize("stage", ["dedup", "screening", "counts", "reports"])
def test_a_stage_run_before_the_ones_it_reads_says_which_to_run(stage, review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    assert main(["stage", stage, str(directory)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "it is missing: rerun the pipeline, or `searchtrail stage" in err


def test_a_damaged_table_of_an_earlier_stage_says_what_to_rerun(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    assert main(["stage", "records", str(directory), "--quiet"]) == 0
    (directory / OUTPUTS["records"]["records"]).write_bytes(b"PAR1 not a table")
    assert main(["stage", "dedup", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "reports/data/records.parquet: it cannot be read (ArrowInvalid" in err
    assert "`searchtrail stage records`, to write it anew" in err


def test_init_refuses_a_file_for_a_folder_and_a_title_the_review_cannot_hold(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path / "notes.txt")]) == 1
    assert "it is a file, not a folder" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert main(["init", str(tmp_path / "review"), "--title", "T" * 501]) == 1
    assert "the title is 501 characters long" in capsys.readouterr().err
    assert not (tmp_path / "review").exists()


def test_a_utf8_export_declared_as_latin_1_is_refused_not_garbled(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    export = directory / "searches/exports/medline-1.ris"
    export.write_text(export.read_text("utf-8").replace("TI  - ", "TI  - Ødegård: ", 1), "utf-8")
    edit_log(
        directory,
        "files: searches/exports/medline-1.ris\n",
        "files: searches/exports/medline-1.ris\n      encoding: latin-1\n",
    )
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "searches/exports/medline-1.ris: field 'encoding': the file is UTF-8" in err
    assert "leave 'encoding:' out" in err


def test_a_utf8_export_declared_as_utf_16_is_refused_not_garbled(review_copy, capsys):
    directory = review_copy(TWO_COLUMNS)
    edit_log(
        directory,
        "files: searches/exports/medline-1.ris\n",
        "files: searches/exports/medline-1.ris\n      encoding: utf-16\n",
    )
    assert main(["validate", str(directory)]) == 1
    assert "field 'encoding': the file is not UTF-16" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("study.csv", "screening/studies.csv (or .tsv"),
        ("full_text.CSV", "screening/full_text.csv (or .tsv"),
        ("duplicates.xlsx", "screening/duplicates.csv"),
    ],
)
def test_a_table_searchtrail_would_not_read_is_named_not_ignored(name, meant, tmp_path, capsys):
    """Verdicts saved as a workbook, or decisions in a misnamed file, would count for
    nothing; a table with a name of its own (notes.csv) is the team's business."""
    review = ReviewFiles()
    review.search("medline-1", identified=2, export=[0, 1])
    directory = review.write(tmp_path)
    (directory / "screening").mkdir(exist_ok=True)
    (directory / "screening/notes.csv").write_text("who,what\nKL,read the protocol\n", "utf-8")
    assert main(["validate", str(directory)]) == 0
    (directory / "screening" / name).write_text("record_id,decision\n", encoding="utf-8")
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert f"screening/{name}: searchtrail does not read this file" in err
    assert f"expected the file searchtrail reads: {meant}" in err


def test_a_file_made_read_only_or_a_folder_in_the_way_stops_before_anything_is_written(
    tmp_path, capsys
):
    """Someone made a decision file read-only, or left a folder where searchtrail keeps a
    file's last version: the command stops at once, and no other file is half-changed."""
    from searchtrail.fileio import PREVIOUS, write_text

    target = tmp_path / "screening/title_abstract.csv"
    target.parent.mkdir()
    target.write_text("record_id,decision\n", encoding="utf-8")
    target.chmod(0o444)
    with pytest.raises(ReviewError, match="the file is read-only"):
        write_text(target, "record_id,decision\nx,include\n", backup=True)
    assert target.read_text(encoding="utf-8") == "record_id,decision\n"
    target.chmod(0o644)
    (target.parent / PREVIOUS / target.name).mkdir(parents=True)
    with pytest.raises(ReviewError, match="where searchtrail keeps the last version"):
        write_text(target, "record_id,decision\nx,include\n", backup=True)


def test_a_backup_is_as_private_as_its_file(tmp_path):
    from searchtrail.fileio import PREVIOUS, write_text

    target = tmp_path / "duplicates.csv"
    target.write_text("record_a,record_b,verdict\n", encoding="utf-8")
    target.chmod(0o600)
    write_text(target, "record_a,record_b,verdict\na,b,\n", backup=True)
    assert (
        target.stat().st_mode & 0o777,
        (tmp_path / PREVIOUS / target.name).stat().st_mode & 0o777,
    ) == (0o600, 0o600)


def test_a_stage_whose_reader_stops_reading_still_does_its_work(review_copy):
    """`searchtrail stage dedup R 2>&1 | head -1`: head goes away after one line; the
    stage's progress messages then go nowhere, and its files are written all the same."""
    import subprocess
    import sys

    directory = review_copy(TWO_COLUMNS)
    assert main(["stage", "records", str(directory), "--quiet"]) == 0
    shown = subprocess.run(
        f"'{sys.executable}' -m searchtrail stage dedup '{directory}' 2>&1 | head -c 1",
        shell=True, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert len(shown.stdout) == 1
    for name in OUTPUTS["dedup"].values():
        assert (directory / name).is_file(), name
