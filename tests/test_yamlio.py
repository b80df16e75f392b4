"""YAML loading: line numbers, duplicate keys and the YAML 1.1 traps."""

from __future__ import annotations

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
