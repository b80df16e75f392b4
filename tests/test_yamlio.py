"""YAML loading: line numbers, duplicate keys and the YAML 1.1 traps."""

from __future__ import annotations

import pytest

from searchtrail.yamlio import load_yaml


def test_norway_and_yes_stay_strings_while_true_is_boolean():
    document = load_yaml("country: NO\nanswer: yes\nflag: true\noff: off\n", file="x.yaml")
    assert document.data == {"country": "NO", "answer": "yes", "flag": True, "off": "off"}


def test_dates_are_kept_as_written():
    document = load_yaml('date: 2020-05-12\nyear: 2020\nquoted: "2020"\n', file="x.yaml")
    assert document.data == {"date": "2020-05-12", "year": 2020, "quoted": "2020"}


def test_every_value_knows_its_line():
    text = "searches:\n  - id: a\n    identified: 3\n  - id: b\n    identified: 4\n"
    document = load_yaml(text, file="log.yaml")
    assert document.line(("searches", 0)) == 2
    assert document.line(("searches", 1, "identified")) == 5
    # A path that does not exist falls back to the nearest enclosing value.
    assert document.line(("searches", 1, "note")) == 4


def test_duplicate_key_is_a_problem_not_an_overwrite():
    text = "searches:\n  - id: a\n    identified: 3\n    identified: 30\n"
    document = load_yaml(text, file="log.yaml")
    assert document.data["searches"][0]["identified"] == 3
    [problem] = document.problems
    assert problem.line == 4
    assert problem.field == "identified"
    assert "appears twice" in problem.message


def test_syntax_error_names_the_line():
    document = load_yaml("searches:\n  - id: a\n   identified: [3\n", file="log.yaml")
    [problem] = document.problems
    assert problem.file == "log.yaml"
    assert problem.line is not None
    assert problem.line >= 3
    assert "not valid YAML" in problem.message


def test_block_scalar_query_keeps_its_lines():
    text = "query: |\n  1. exp Child/\n  2. parent*.ti,ab.\n"
    assert load_yaml(text, file="x.yaml").data == {"query": "1. exp Child/\n2. parent*.ti,ab.\n"}


@pytest.mark.parametrize(
    "written", ["012", "0x10", "0b101", "0o17", "1:20", "1_000", "1,000", "+23", "-0", "23.0"]
)
def test_a_count_in_another_number_form_is_refused_with_its_line(written, review_copy, capsys):
    """YAML 1.1 reads 012 as 10, 1:20 as 80, 1_000 as 1000; +23 and 23.0 are 23 to a
    program, -0 is 0: a count is written as a plain decimal, digits only."""
    from searchtrail.cli import main
    from tests.conftest import TWO_COLUMNS

    directory = review_copy(TWO_COLUMNS)
    log = directory / "searches/log.yaml"
    log.write_text(
        log.read_text("utf-8").replace("identified: 23", f"identified: {written}"), "utf-8"
    )
    assert main(["validate", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "searches/log.yaml:39: search 'ctgov-1': field 'identified': value " in err
    assert written in err
    assert "expected a whole number of records (0 or more) or the word unknown" in err


def test_plain_numbers_still_load():
    document = load_yaml("a: 12\nb: 0\nc: -3\nd: 1.5\ne: 2020-01-01\n", file="x.yaml")
    assert document.data == {"a": 12, "b": 0, "c": -3, "d": 1.5, "e": "2020-01-01"}


@pytest.mark.parametrize(
    "text", ["a: !!int 0x10\n", "a: !!python/object/apply:os.system [ls]\n", "a: !local 3\n"]
)
def test_a_tag_is_refused_before_anything_is_built(text):
    """A tag makes YAML build a value of its choosing (!!int 0x10 is 16): refused."""
    document = load_yaml(text, file="x.yaml")
    assert document.data is None
    [problem] = document.problems
    assert problem.line == 1
    assert "the file uses a YAML tag (" in problem.message


def test_an_alias_is_refused_before_it_can_expand():
    """Seven levels of nine aliases would be 4.8 million values."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdef", "bcdefg", strict=True)
    )
    document = load_yaml(bomb, file="searches/log.yaml")
    assert document.data is None
    [problem] = document.problems
    assert (problem.line, problem.message) == (
        2,
        "the file uses a YAML alias (*a): write the value out where it is needed",
    )


def test_deep_nesting_is_refused_not_a_crash():
    document = load_yaml("searches: " + "[" * 20000 + "]" * 20000 + "\n", file="log.yaml")
    assert [p.message for p in document.problems] == ["values are nested more than 50 levels deep"]


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x0c", "\x07"])
def test_a_control_character_is_named_with_its_line(character):
    document = load_yaml(f"title: one\nquery: a{character}b\n", file="searches/log.yaml")
    [problem] = document.problems
    assert problem.line == 2
    assert f"U+{ord(character):04X}, which YAML does not allow" in problem.message


def test_a_log_saved_as_utf_16_without_a_mark_is_read(review_copy):
    from searchtrail.searchlog import load_review
    from tests.conftest import TWO_COLUMNS

    directory = review_copy(TWO_COLUMNS)
    log = directory / "searches/log.yaml"
    log.write_bytes(log.read_text("utf-8").encode("utf-16-le"))
    assert len(load_review(directory).searches) == 6
