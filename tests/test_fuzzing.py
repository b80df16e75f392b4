"""Fuzzing: every reader, the YAML loader, the table reader, the normaliser and the
deduplication engine, fed text built from the pieces their formats are made of, broken and
shuffled. The only exception allowed is the project's own :class:`ReviewError`, which names
the file and line; anything else (a traceback a user would see) fails.

Each fuzzer runs a fixed number of examples, the same ones on every run (``derandomize``);
``SEARCHTRAIL_FUZZ_EXAMPLES`` raises the number for a longer search.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchtrail.dedup import normalise
from searchtrail.dedup.engine import deduplicate
from searchtrail.errors import ReviewError
from searchtrail.records import FORMATS, read_export, standardise
from searchtrail.sheets import parse_sheet
from searchtrail.yamlio import load_yaml

T = TypeVar("T")
EXAMPLES = int(os.environ.get("SEARCHTRAIL_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def attempt(call: Callable[[], T]) -> tuple[T | None, ReviewError | None]:
    """What ``call`` gives, or the project's own error it raised (any other escapes)."""
    try:
        return call(), None
    except ReviewError as error:
        return None, error


# Pieces of every format the readers know, and of what breaks them.
PIECES = (
    "TY  - JOUR", "TY  - ", "ER  - ", "AU  - Larsen, Kari", "TI  - A trial", "PY  - 2019",
    "SP  - 12", "EP  - 9", "DO  - 10.1000/x", "AN  - CN-01234567", "DB  - NLM", "IS  - ¹",
    "PMID- 123", "OWN - NLM", "FAU - Berg, Ola", "AID - 10.1/x [doi]", "FN Clarivate",
    "PT J", "AU Berg, O", "UT WOS:000123456789012", "ER", "EF", "%0 Journal Article",
    "%A Berg, Ola", "%T Title", "@article{key,", "title = {A {B} c}", "author = {A and B}",
    "}", "{", '<?xml version="1.0"?>', "<xml><records>", "<record>", "</record>",
    "<titles><title>T</title></titles>", "<![CDATA[<record>]]>", "<!-- <record> -->",
    '<xml xmlns="urn:x">', "</records></xml>", "title,authors,year,doi", "title;year",
    "title\tyear", '"quoted, cell"', '"open quote', "a,b,c,d,e", "1.", "Provider: JSTOR",
    "\ufeff", "\x00", "\r", "\t", "é", "ø", "∂", "=cmd", "\u202e", "", " ",
)  # fmt: skip
lines = st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=40)
texts = lines.map("\n".join) | st.text(max_size=300)


@FUZZ
@given(text=texts, format_name=st.sampled_from((None, *FORMATS)), raw=st.binary(max_size=64))
def test_every_reader_reads_or_says_what_is_wrong(tmp_path_factory, text, format_name, raw):
    path = tmp_path_factory.mktemp("fuzz") / "export.txt"
    path.write_bytes(text.encode("utf-8", "surrogatepass") + raw)
    parsed, error = attempt(lambda: read_export(path, "export.txt", format_name=format_name))
    if parsed is None:
        assert error is not None
        assert error.problems
        return
    # Conservation, as the pipeline checks it: every record the format's counting rule
    # finds in the file is read or reported as unreadable.
    assert parsed.in_file == len(parsed.records) + len(parsed.failures)
    for record in parsed.records:
        fields = standardise(record.fields, parsed.format)
        assert all(isinstance(value, str) for value in fields.values())


YAML_PIECES = (
    "searches:", "  - id: a", "    identified: 012", "    identified: 1:20", "    x: &a [1]",
    "    y: *a", "[[[[", "]]]]", "{a: {b: {c:", "key: value", "key: value", "- - -", "? x",
    "!!python/object:os.system", "'unterminated", '"\\x00"', "\t", "\x0c", "---", "...",
)  # fmt: skip


@FUZZ
@given(text=st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=10), max_size=30))
def test_the_yaml_loader_never_raises(text):
    document = load_yaml("\n".join(text), file="searches/log.yaml")
    for problem in document.problems:
        assert problem.file == "searches/log.yaml"


SHEET_PIECES = (
    "record_id,decision", "record_id;decision", "record_id\tdecision", "medline-1:1,include",
    'a,"b', '"a""b",c', "a,b,c,d", "", "\r\n", "\ufeff", '"', ";;;", "x\ty",
)  # fmt: skip


@FUZZ
@given(text=st.lists(st.sampled_from(SHEET_PIECES) | st.text(max_size=8), max_size=25))
def test_the_table_reader_reads_or_names_the_line(text):
    sheet, error = attempt(lambda: parse_sheet("\n".join(text), file="screening/x.csv"))
    if sheet is None:
        assert error is not None
        assert all(problem.line for problem in error.problems)
        return
    for row in sheet.rows:
        assert row.line >= 1
        assert set(row.cells) == set(sheet.header) or len(set(sheet.header)) < len(sheet.header)


NORMALISERS = (
    normalise.title,
    normalise.journal,
    normalise.doi,
    normalise.volume,
    normalise.issue,
    normalise.supplement,
    normalise.page_range,
    normalise.is_article_number,
    normalise.author_words,
    normalise.authors,
)


@FUZZ
@given(value=st.text(max_size=200) | st.sampled_from(PIECES))
def test_the_normaliser_takes_any_text(value):
    for function in NORMALISERS:
        function(value)
    normalise.title_numbers(normalise.title(value))


record = st.fixed_dictionaries(
    {
        "title": st.sampled_from(("A trial of parent training", "Part 1", "Part 2", "", "¹²³"))
        | st.text(max_size=30),
        "authors": st.sampled_from(("Larsen, Kari", "Berg O\nLie P", "")) | st.text(max_size=20),
        "year": st.sampled_from(("2019", "2020", "", "19", "abcd")),
        "journal": st.sampled_from(("J Child Psychol", "Lancet", "")) | st.text(max_size=10),
        "volume": st.sampled_from(("1", "12", "", "Suppl 1")),
        "issue": st.sampled_from(("1", "¹", "", "S2")),
        "pages": st.sampled_from(("12-19", "e123", "", "S27", "9-1")),
        "doi": st.sampled_from(("10.1000/x", "10.1000/y", "")),
        "ids": st.sampled_from(("pmid:1", "pmid:2", "central:CN-01234567", "", "pmid:1\nwos:1")),
        "type": st.sampled_from(("JOUR", "CONF", "Erratum", "")),
    }
)


@FUZZ
@given(records=st.lists(record, min_size=1, max_size=12))
def test_deduplication_takes_any_records(records):
    table = pd.DataFrame(records)
    table.insert(0, "record_id", [f"r:{n}" for n in range(len(records))])
    table["origin_id"] = "r"
    result = deduplicate(table, workers=1)
    assert len(result.record_ids) == len(records)
    assert int(result.kept.sum()) == result.groups


def test_the_fuzzers_use_real_files_too():
    """The pieces above come from real exports; one of each reads without a problem."""
    exports = Path(__file__).parent / "data" / "exports"
    files = sorted(p for p in exports.rglob("*") if p.is_file() and p.name != "README.md")
    assert len(files) >= 20
    for path in files:
        read_export(path, path.name)
