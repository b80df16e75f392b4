"""Reading column by column (records.columnar) gives the table the line readers give.

Every RIS, MEDLINE and Web of Science file of the test data (and of the shared export
benchmark, when it is beside the repository) is read both ways, and so are many variants of
them with the quirks real exports have (CR LF, blank lines, continued lines, lines outside
records, missing end marks, one-line author lists, DOIs only in links, ...): where the
column reader takes a file, the records table must be the same, value for value.
"""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path
from typing import Final
from unittest import mock

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from searchtrail.errors import ReviewError
from searchtrail.records import columnar, reader, tagged
from searchtrail.records.identifiers import _split
from searchtrail.records.identifiers import typed as type_of
from searchtrail.records.reader import read_export
from searchtrail.records.table import RecordColumns

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "exports"
SHARED = REPO.parent / "shared" / "benchmarks"
SUFFIXES = (".ris", ".txt", ".nbib", ".ciw", ".isi", ".medline", ".csv", ".tsv")


def _tagged_files() -> list[Path]:
    roots = [DATA, SHARED / "exports", SHARED / "dedup"]
    files = [
        path
        for root in roots
        if root.exists()
        for path in sorted(root.rglob("*"))
        if path.suffix.lower() in SUFFIXES and path.is_file()
    ]
    return [path for path in files if _format(path) in columnar.FORMATS | columnar.TABLE_FORMATS]


def _format(path: Path) -> str | None:
    try:
        return read_export(path, path.name).format
    except ReviewError:  # a file no reader takes is not this test's concern
        return None


def _table(path: Path, *, by_column: bool) -> tuple[pd.DataFrame, object]:
    parsed = read_export(path, path.name, by_column=by_column)
    summary = (parsed.format, parsed.encoding, parsed.in_file, parsed.notes, parsed.failures)
    columns = RecordColumns()
    columns.add(parsed, origin_id="search")
    return columns.frame(), summary


def _same_both_ways(path: Path) -> bool:
    """Assert that both readings give the same table; return whether the column reader
    took the file."""
    taken = read_export(path, path.name, by_column=True).columns is not None
    by_line, line_summary = _table(path, by_column=False)
    by_column, column_summary = _table(path, by_column=True)
    assert column_summary == line_summary
    pd.testing.assert_frame_equal(by_column, by_line)
    return taken


FILES = _tagged_files()


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(p.parents[1])) for p in FILES])
def test_an_export_reads_the_same_by_column(path: Path) -> None:
    _same_both_ways(path)


def test_a_file_cut_into_pieces_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large file is read a piece of whole records at a time: with pieces of a few
    hundred characters, every file is cut many times, and reads the same (files up to
    200 kB: larger ones would be cut into thousands of pieces)."""
    monkeypatch.setattr(columnar, "PIECE", 300)
    cut = 0
    for path in (path for path in FILES if path.stat().st_size < 200_000):
        found = read_export(path, path.name, by_column=True).columns
        cut += found is not None and len(found.pieces) > 2
        _same_both_ways(path)
    assert cut >= 3


def test_the_column_reader_takes_plain_exports_of_each_format() -> None:
    taken = {path.name for path in FILES if _same_both_ways(path)}
    assert {"pubmed.nbib", "wos_plain.txt", "ovid_psycinfo.ris"} <= taken


def test_a_format_the_search_log_names_is_read_by_column_when_the_file_shows_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A review's log may name the export's format: a file that shows that format is read
    column by column from its bytes (never decoded whole), the same as without the name;
    a file that shows another format is read whole, which says the two disagree; a log that
    names the columns of the fields has each record standardised one by one."""
    paths = (DATA / "pubmed.nbib", DATA / "wos_plain.txt", DATA / "ovid_psycinfo.ris")
    formats = [_format(path) for path in paths]
    unnamed = [read_export(path, path.name, by_column=True).in_file for path in paths]
    mapped = read_export(paths[0], paths[0].name, columns={"title": "TI"}, by_column=True)
    assert mapped.columns is None
    assert len(mapped.records) == unnamed[0]
    with pytest.raises(ReviewError, match="ris"):
        read_export(paths[0], paths[0].name, format_name="ris", by_column=True)

    def whole(*args: object, **kwargs: object) -> object:
        raise AssertionError("the whole text was decoded")

    monkeypatch.setattr(reader, "decode", whole)
    for path, told, count in zip(paths, formats, unnamed, strict=True):
        named = read_export(path, path.name, format_name=told, by_column=True)
        assert named.columns is not None
        assert len(named.columns) == count


RIS = """\
TY  - JOUR
AU  - Larsen, Ingrid M.
AU  - Okafor, Chidi
TI  - Group parent training and child
      conduct problems
PY  - 2021
T2  - Child Development
VL  - 92
IS  - 4
SP  - 1320
EP  - 35
DO  - 10.1111/cdev.13562
AN  - 33651234
DB  - MEDLINE
AB  - An abstract.
ER  -

TY  - JOUR
AU  - Smith J; Jones K
TI  - A second   title
PY  - n.d.
Y1  - 2019/05/01
UR  - https://doi.org/10.1000/xyz.1
SN  - 1234-5678; 978-3-16-148410-0
ER  -
"""


_INSERTED: Final = {
    "blank": "",
    "spaces": "   ",
    "continued": "      continued text",
    "stray": "Link to the full text",
    "and": "AU  - and Brown, K",
    "one space": "TI - one space before the hyphen",
    "lower": "ab  - lower-case tag",
}
"""Quirks that are a line put in somewhere."""
_APPENDED: Final = {"tab": "\t", "accent": " Cafe\u0301", "quote": ' "quoted" \\ back'}
"""Quirks that are text put at the end of a line."""


def _variants(text: str, rng: random.Random) -> list[str]:
    """Texts made from ``text`` by one quirk each, several times over."""
    lines = text.split("\n")

    def edit(kind: str) -> str:
        changed = list(lines)
        at = rng.randrange(len(changed))
        if kind in ("crlf", "bare cr"):
            return ("\r\n" if kind == "crlf" else "\r").join(changed)
        if kind in _INSERTED:
            changed.insert(at, _INSERTED[kind])
        elif kind in _APPENDED:
            changed[at] += _APPENDED[kind]
        elif kind == "drop":
            del changed[at]
        elif kind == "drop tag":  # every line of one tag: a field the record lacks
            tag = changed[at][:4]
            changed = [line for line in changed if line[:4] != tag] or changed
        elif kind == "duplicate":
            changed.insert(at, changed[at])
        elif kind == "nbsp":
            changed[at] = changed[at].replace(" ", "\u00a0", 1)
        return "\n".join(changed)

    kinds = (
        "crlf", "bare cr", "blank", "spaces", "continued", "stray", "drop", "drop tag", "duplicate",
        "and", "one space", "lower", "tab", "accent", "quote", "nbsp",
    )  # fmt: skip
    return [edit(rng.choice(kinds)) for _ in range(80)]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(None, id="ris-sample"),
        pytest.param(DATA / "pubmed.nbib", id="pubmed.nbib"),
        pytest.param(DATA / "wos_plain.txt", id="wos_plain.txt"),
        pytest.param(DATA / "ovid_psycinfo.ris", id="ovid_psycinfo.ris"),
        pytest.param(DATA / "eric.nbib", id="eric.nbib"),
        pytest.param(DATA / "scopus.csv", id="scopus.csv"),
    ],
)
def test_variants_with_quirks_read_the_same_by_column(source: Path | None, tmp_path: Path) -> None:
    text = RIS if source is None else source.read_text(encoding="utf-8-sig")
    rng = random.Random(7)
    suffix = ".ris" if source is None else source.suffix
    taken = 0
    for number, variant in enumerate(_variants(text, rng)):
        path = tmp_path / f"variant{number}{suffix}"
        path.write_bytes(variant.encode())
        try:
            read_export(path, path.name)
        except ReviewError:  # a variant no reader takes is fine either way
            continue
        taken += _same_both_ways(path)
    assert taken > 0  # the column reader took some of the variants


def test_records_needing_the_whole_record_are_standardised_by_the_fields_module(
    tmp_path: Path,
) -> None:
    """The sample's second record has its year only in Y1, its DOI only in a link and its
    authors in one line: the column reader takes the file and the values are those the
    fields module gives."""
    path = tmp_path / "sample.ris"
    path.write_text(RIS, encoding="utf-8")
    assert read_export(path, path.name, by_column=True).columns is not None
    table, _ = _table(path, by_column=True)
    second = table.iloc[1]
    assert second["year"] == "2019"
    assert second["doi"] == "10.1000/xyz.1"
    assert second["authors"] == "Smith J\nJones K"
    assert second["title"] == "A second title"
    assert (second["issn"], second["isbn"]) == ("1234-5678", "978-3-16-148410-0")
    first = table.iloc[0]
    assert first["title"] == "Group parent training and child\nconduct problems".replace("\n", " ")
    assert first["pages"] == "1320-35"
    assert first["ids"] == "pmid:33651234"
    assert first["pmid"] == "33651234"
    _same_both_ways(path)


def test_a_file_beyond_the_plain_shape_is_left_to_the_line_reader(tmp_path: Path) -> None:
    path = tmp_path / "no_end.ris"
    path.write_text(RIS.replace("ER  -\n\nTY", "TY", 1), encoding="utf-8")
    parsed = read_export(path, path.name, by_column=True)
    assert parsed.columns is None
    assert len(parsed.records) == 2
    assert any("without ER" in note for note in parsed.notes)


def test_the_white_space_the_column_reader_knows_is_pythons() -> None:
    every = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    assert every == columnar._WHITESPACE


WOS = """\
FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Larsen, IM
TI Group parent training
SO CHILD DEVELOPMENT
PY 2021
EP 1335
AR e13562
ER

PT J
AU Okafor, C
TI Conduct problems
SO CHILD DEVELOPMENT
PY 2020
EP 44
ER

PT J
AU Okafor, C
TI Conduct problems again
SO CHILD DEVELOPMENT
PY 2020
BP 40
EP 44
ER

EF
"""


def test_web_of_science_pages_without_a_first_page(tmp_path: Path) -> None:
    """Web of Science's pages are BP-EP, or BP alone, or else the article number (AR): an
    end page alone is not the pages."""
    path = tmp_path / "pages.txt"
    path.write_text(WOS, encoding="utf-8")
    assert read_export(path, path.name, by_column=True).columns is not None
    table, _ = _table(path, by_column=True)
    assert list(table["pages"]) == ["e13562", "", "40-44"]
    _same_both_ways(path)


SCOPUS = """\
Authors,Author full names,Title,Year,Source title,Volume,Page start,Page end,Art. No.,DOI,EID
"Larsen I.M., Okafor C.",,Group parent training,2021,Child Dev,92,1320,1335,,10.1111/x.1,2-s2.0-85100000001
"Larsen I.M.; Okafor C.",,A second title,2020,Child Development,91,,,e44,,2-s2.0-85100000002
"Larsen I.M. and Okafor C., Lee K.",,A third title,2019,Child Development,90,12,,,,
"Larsen I.M., and Okafor C.",,A fourth title,2019,Child Development,90,,18,,,
"Larsen I.M., Okafor C.","Larsen, Ingrid M. (57190000001); Okafor, Chidi (57190000002)",A fifth,2018,CD,89,1,9,,,
Smith J,,A sixth title,2018,Child Development,89,,,,,
"Ng K.,  , Lee M.",,A seventh title,2017,Child Development,88,,,,,
"""


def test_scopus_author_lists_read_the_same_by_column(tmp_path: Path) -> None:
    """A one-line author list is split at its commas, unless it is split otherwise (";",
    " and ") or a part begins with "and"; the full names, where given, are the authors."""
    path = tmp_path / "scopus.csv"
    path.write_text(SCOPUS, encoding="utf-8")
    assert read_export(path, path.name, by_column=True).columns is not None
    table, _ = _table(path, by_column=True)
    assert table["authors"].iloc[0] == "Larsen I.M.\nOkafor C."
    assert table["authors"].iloc[4] == "Larsen, Ingrid M.\nOkafor, Chidi"
    assert table["authors"].iloc[6] == "Ng K.\nLee M."
    assert list(table["pages"]) == ["1320-1335", "e44", "12", "", "1-9", "", ""]
    _same_both_ways(path)


_CELL_CHARACTERS: Final = 'ab ,\t"\n\ré\u0301–\x1c\u3000'
"""Characters that matter to a table's cells: delimiters, quotes, line breaks, white space
of ASCII and of other scripts, letters in and out of composed form."""


@given(
    st.lists(st.lists(st.text(_CELL_CHARACTERS, max_size=6), min_size=1, max_size=4), max_size=6),
    st.sampled_from([",", "\t"]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
@example([['"a"b'], ['x"']], ",", "\n", False)  # a quote inside an unquoted cell
@example([['"a" b,c']], ",", "\n", False)  # text after a closing quote
@example([['a"b,c"']], ",", "\n", False)  # a quote that would open inside a cell
@example([["", ""], ["  ", "\u3000"], ['""""', "b"]], ",", "\r\n", True)
def test_a_table_read_from_its_bytes_has_the_cells_the_csv_reader_reads(
    rows: list[list[str]], delimiter: str, end: str, written: bool
) -> None:
    """Written by the csv module (quoted where needed) or joined as they are (quotes where
    the plain kind of quoting has none): where the rows are read from the table's bytes,
    they are those the CSV reader reads from its text, in NFC, at the same lines."""
    import csv
    import io

    from searchtrail.decoding import composed
    from searchtrail.records import csv_bytes, delimited

    header = delimiter.join(["Title", "Authors", "Year"]) + end
    if written:
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=delimiter, lineterminator=end).writerows(rows)
        body = out.getvalue()
    else:
        body = end.join(delimiter.join(row) for row in rows)
    text = composed(header + body)
    data = (header + body).encode()
    found = csv_bytes.split_table(data, len(header), delimiter, ["Title", "Authors", "Year"], 2)
    plain = "\0" not in body and body.count("\r") == body.count("\r\n")
    plain &= not any("".join(row[3:]).strip() for row in rows)  # none beyond the header
    if written and plain:
        assert found is not None
    if found is None:
        return
    table = delimited.Table(text, file="table.csv")
    expected = columnar.from_table(table.header, table.rows())
    assert not table.failures
    assert found.records() == expected.records()
    assert len(found) == table.in_file
    with mock.patch.object(columnar, "PIECE", 7):  # cut after nearly every row
        cut = csv_bytes.split_table(data, len(header), delimiter, ["Title", "Authors", "Year"], 2)
    assert cut is not None
    assert cut.records() == expected.records()


def test_a_table_in_utf8_is_read_from_its_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    def text_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the table was read from its text")

    monkeypatch.setattr(reader, "read_table_columns", text_read)
    parsed = read_export(DATA / "scopus.csv", "scopus.csv", by_column=True)
    assert parsed.columns is not None
    assert parsed.format == "scopus-csv"
    assert len(parsed.columns) == parsed.in_file > 0
    monkeypatch.undo()
    _same_both_ways(DATA / "scopus.csv")


def test_author_cells_of_several_lines_read_the_same_by_column(tmp_path: Path) -> None:
    """A table's author cell of several lines, with CR LF or white space around its line
    breaks, gives its authors stripped, as the line reader gives them."""
    path = tmp_path / "authors.csv"
    rows = ['A,"D\r\ny",2021', 'B,"D\r\n\r\ny",2021', 'C,"D \ny",2021', 'E,"D\n\u3000y",2021']
    path.write_bytes(("Title,Authors,Year\r\n" + "\r\n".join(rows) + "\r\n").encode())
    table, _ = _table(path, by_column=True)
    assert list(table["authors"]) == ["D\ny"] * 4
    _same_both_ways(path)


def test_a_header_cell_beyond_the_first_megabyte_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "long_header.csv"
    path.write_bytes(
        b'Title,"Abstract\n' + b"x" * (1 << 20) + b'\nmore",Year\n' + b"A,B,2020\n" * 3
    )
    assert read_export(path, path.name, by_column=True).in_file == 3
    _same_both_ways(path)


def test_a_large_table_is_given_to_the_csv_reader_a_piece_at_a_time() -> None:
    """The lines a table's rows are read from, taken a piece at a time, are those a file
    opened with newline="" gives (LF, CR LF and a bare CR end a line; other separators
    such as U+2028 do not), wherever the pieces are cut."""
    import io

    from searchtrail.records.delimited import _text_lines

    rng = random.Random(3)
    parts = ["a", "b,c", '"q\nr"', "\r\n", "\n", "\r", "\u2028", "\x85", "é", " "]
    for _ in range(200):
        text = "".join(rng.choice(parts) for _ in range(rng.randrange(0, 40)))
        whole = list(io.StringIO(text, newline=""))
        for piece in (1, 2, 5, 1000):
            assert list(_text_lines(text, piece)) == whole


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_an_export_in_another_encoding_reads_the_same_by_column(
    encoding: str, tmp_path: Path
) -> None:
    """A file that is not plain UTF-8 (Windows-1252 with a letter UTF-8 cannot read,
    UTF-16, UTF-8 with its byte-order mark) is read by column as the line reader reads
    it, encoding named the same."""
    text = RIS.replace("An abstract.", "Un résumé, ça va.") * 3
    path = tmp_path / "other.ris"
    path.write_bytes(text.encode(encoding))
    _same_both_ways(path)
    assert (
        read_export(path, path.name, by_column=True).encoding
        == read_export(path, path.name).encoding
    )


def test_a_column_name_with_quotes_is_kept_as_written_by_column(tmp_path: Path) -> None:
    """A table's column names go into each record's original fields (JSON) escaped as the
    values are: a quote or a backslash in a header is kept as written."""
    path = tmp_path / "odd.csv"
    path.write_text(
        'Title,Year,"Note ""quoted"" \\\\ back"\nA title,2020,"x ""y"" \\\\ z"\n', encoding="utf-8"
    )
    assert read_export(path, path.name, by_column=True).columns is not None
    table, _ = _table(path, by_column=True)
    assert '["Note \\"quoted\\" \\\\\\\\ back","x \\"y\\" \\\\\\\\ z"]' in table["raw"].iloc[0]
    _same_both_ways(path)


# --- the lines of a piece, told by their bytes ---------------------------------------------

_LINE_CHARACTERS: Final = "AZ09az -\t\x0b\x1c\x85\xa0\u2003\u3000é\u0301ÅĞЖ中\U0001f600\r"
"""Characters that matter to the tests of a line's shape: capitals, digits, the hyphen,
white space of ASCII and of other scripts, letters of one to four bytes in UTF-8, a
combining accent, and CR."""


def _lines_of(texts: list[str], end: str = "\n", last: bool = True) -> columnar._Lines:
    """The lines of ``texts`` joined by ``end`` (and ended by it, with ``last``)."""
    data = end.join(texts) + (end if last and texts else "")
    lines = columnar._Lines.of(data.encode("utf-8"))
    assert lines is not None
    return lines


@given(
    st.lists(st.text(_LINE_CHARACTERS, max_size=12).map(lambda t: t.replace("\r", "")), max_size=8),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
@example(
    ["éA  - x", "中 -", "AB  -é", "AB  -", "A   - x", "ABCD- x", "AB-", "ER\u3000", "ER\t "],
    "\r\n",
    False,
)
@example(["A0\x85 ", "ER\u3000 "], "\n", False)  # white space of two bytes, then a space
def test_lines_are_told_apart_by_their_bytes_as_the_readers_patterns_tell_them(
    texts: list[str], end: str, last: bool
) -> None:
    # The line readers' patterns, applied to each line's text (in NFC, as the readers see it).
    lines = _lines_of(texts, end, last)
    if not last and texts and not texts[-1]:
        texts = texts[:-1]  # a text that ends in a line break has no empty line after it
    composed = [unicodedata.normalize("NFC", text) for text in texts]
    assert lines.texts(np.ones(len(lines), dtype=bool)) == composed
    ris_tags, ris_any = columnar._ris_heads(lines)
    assert ris_tags.tolist() == [bool(re.match(r"[A-Z][A-Z0-9]  -", t)) for t in composed]
    assert ris_any.tolist() == [bool(re.match(r"..  ?-", t)) for t in composed]
    nbib_tags, letters, hyphen = columnar._nbib_heads(lines)
    expected = [tagged._NBIB_TAG.match(t) or tagged._NBIB_TAG_EMPTY.match(t) for t in composed]
    assert nbib_tags.tolist() == [bool(found) for found in expected]
    for index, found in enumerate(expected):
        if found:
            assert letters[index] == len(found.group(1))
            assert composed[index][hyphen[index]] == "-"
    wos = [
        (t[2:3] == " " and t[:2].isascii() and t[:2].isalnum() and t[:2].isupper()
        and t[:1].isalpha())
        or (not t.startswith(" ") and bool(tagged._WOS_TAG.match(t.rstrip())))
        for t in composed
    ]  # fmt: skip
    assert columnar._wos_heads(lines).tolist() == wos


@given(
    st.lists(st.text(_LINE_CHARACTERS, max_size=12), max_size=8), st.sampled_from(["\n", "\r\n"])
)
def test_values_are_stripped_as_python_strips_them(texts: list[str], end: str) -> None:
    texts = [text.replace("\r", "") for text in texts]
    lines = _lines_of(texts, end)
    start, end = lines.stripped(lines.start, lines.end)
    every = lines.text(start, end).to_pylist()
    assert every == [unicodedata.normalize("NFC", text).strip() for text in texts]


def test_only_the_lines_not_in_composed_form_change() -> None:
    texts = ["TY  - JOUR", "AU  - Ha\u030angsen, A\u030a.", "TI  - Tr\u00e6ning", "", "ER  - "]
    data = "\r\n".join(texts).encode("utf-8")
    lines = columnar._Lines.of(data)
    assert lines is not None
    assert lines.data == "\r\n".join(unicodedata.normalize("NFC", t) for t in texts).encode()
    every = lines.texts(np.ones(len(lines), dtype=bool))
    assert every == [unicodedata.normalize("NFC", text) for text in texts]
    assert lines.head[1].tobytes() == "AU  - Hå".encode()
    assert lines.head[3].tolist() == [0] * columnar._HEAD


def _composing_seconds() -> set[int]:
    """Every character that may join the one before it in Unicode's composition: the second
    of each canonical decomposition into two (from the whole character database), and the
    vowels and final consonants of Hangul, which compose by rule."""
    seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    return seconds


def test_the_characters_taken_without_decoding_are_composed_whatever_comes_before() -> None:
    plain = np.flatnonzero(columnar._plain_characters())
    assert len(plain) > 4000  # the Latin, Greek, Cyrillic letters and the punctuation
    assert {0xE9, 0x416, 0x2013, 0x2019, 0x25AA} <= set(plain.tolist())
    # Unicode's quick check: in NFC whatever the order when each character is allowed there
    # and none may combine with the one before it.
    assert all(unicodedata.is_normalized("NFC", chr(code)) for code in plain.tolist())
    assert all(unicodedata.combining(chr(code)) == 0 for code in plain.tolist())
    assert not set(plain.tolist()) & _composing_seconds()
    # Not taken: combining marks, characters NFC replaces (EN QUAD, GREEK QUESTION MARK, OHM
    # SIGN), ASCII.
    assert not {0x301, 0x338, 0x2000, 0x37E, 0x2126, 0x41} & set(plain.tolist())


_BYTES_OF_TEXT: Final = [
    *(c.encode() for c in "AZaz09 -\t\ré\u0301Å\u0374ЖΩ–’\u2000\u2126▪中\u1161가\U0001f600"),
    *(bytes([b]) for b in (0x80, 0xBF, 0xC0, 0xC1, 0xC3, 0xE2, 0xED, 0xF0, 0xF5, 0xFF)),
    b"\xe0\x80\x80",  # three bytes for what needs one
    b"\xed\xa0\x80",  # a surrogate
    b"\xe2\x80",  # a character cut short
]
"""Pieces of text outside ASCII, well formed (letters of one to four bytes, in NFC or not,
combining, Hangul that composes) or not UTF-8 (stray, overlong, surrogate, cut short)."""


@given(
    st.lists(st.lists(st.sampled_from(_BYTES_OF_TEXT), max_size=10).map(b"".join), max_size=6),
    st.sampled_from([b"\n", b"\r\n"]),
)
@example([b"A\xc3\xa9\xa9"], b"\n")  # a continuation byte too many
@example([b"\xc3\xc3\xa9"], b"\n")  # a first byte where a continuation should be
@example([b"\xe0\x83\xa9"], b"\n")  # "\xe9" in three bytes
@example([b"\xc3", b"\xa9"], b"\n")  # a letter broken by the line break
@example([b"e\xcc\x81\xe2\x80\x93"], b"\r\n")  # a combining accent before a dash
def test_a_piece_is_read_as_its_decoded_lines_in_nfc_or_not_at_all(
    raw: list[bytes], end: bytes
) -> None:
    data = end.join(line.replace(b"\r", b"") for line in raw)
    lines = columnar._Lines.of(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        assert lines is None
        return
    assert lines is not None
    expected = [unicodedata.normalize("NFC", line) for line in text.split(end.decode())]
    if not expected[-1]:
        expected.pop()  # a text that ends in a line break has no empty line after it
    assert lines.texts(np.ones(len(lines), dtype=bool)) == expected


@given(st.binary(max_size=40))
def test_the_bytes_outside_ascii_are_found_by_words_as_one_by_one(data: bytes) -> None:
    every = np.frombuffer(data, np.uint8)
    assert columnar._outside_ascii(data).tolist() == np.flatnonzero(every >= 0x80).tolist()


def test_a_piece_that_is_not_utf8_or_breaks_lines_with_a_bare_cr_is_not_read_here() -> None:
    assert columnar._Lines.of("TY  - JOUR\nTI  - Tr\u00e6ning\n".encode("cp1252")) is None
    assert columnar._Lines.of(b"TY  - JOUR\rTI  - Title\r\n") is None


_ID_CHARACTERS: Final = "0123456789WOSwos:;,.\n /-PMIDpmidEIDeid2-s0CN10.x()é٣"
"""Characters of identifiers and of the text around them (an Arabic-Indic digit too)."""


@given(
    st.sampled_from(["pmid", "wos", "text", "eid", "pmcid", "central", "cdsr", "eric"]),
    st.lists(
        st.one_of(
            st.text(_ID_CHARACTERS, max_size=30),
            st.from_regex(r"\A(WOS:|wos:)?[0-9]{8,16}\.?\Z"),
            st.from_regex(r"\A(PMID: ?)?[0-9]{1,9}\Z"),
        ),
        max_size=6,
    ),
)
@example("wos", ["WOS:12345678", "WOS:000123456789012", "wos:000123456789012.", "000123456789012"])
def test_identifiers_told_in_arrow_are_those_typed_would_give(holds: str, raws: list[str]) -> None:
    known = columnar._told(pa.array(raws, pa.large_string()), holds)
    for raw, told in zip(raws, known, strict=True):
        if told is None:
            continue  # left to ``typed``
        typed = [kind for part in _split(raw, holds) if (kind := type_of(part, holds))]
        assert [told] == typed if told else typed == []


@pytest.mark.parametrize("space", ["\u00a0", "\u0085", "\u2028", "\u3000", "\t "])
def test_a_web_of_science_tag_alone_before_white_space_of_any_script_reads_the_same(
    tmp_path: Path, space: str
) -> None:
    path = tmp_path / "tag_alone.txt"
    path.write_text(
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI A title\nDE\u00a0\n"
        f"AU Smith, J\nPY 2020\nER{space}\n\nEF\n",
        encoding="utf-8",
    )
    parsed = read_export(path, path.name, by_column=True)
    assert parsed.columns is not None
    assert _same_both_ways(path)
