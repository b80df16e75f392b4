"""Export readers given damaged, mislabelled or unusual files: every record in a file is
read or reported (file, line, what is wrong), nothing is merged, dropped or mangled without
a word, and a file the readers cannot use stops with an error naming it.

Each test is one case of the hostile-input review (its id in brackets), written as a small
realistic export; the rules are stated in docs/records.md.
"""

from __future__ import annotations

import gzip
import io
import logging
import shutil
import zipfile
from pathlib import Path

import pytest

from searchtrail.errors import ReviewError
from searchtrail.records import detect_format, read_export, standardise
from searchtrail.records.review import import_review
from searchtrail.searchlog import load_review
from tests.conftest import DATA

SOLBERG = (
    "AU  - Solberg, Lars\n"
    "TI  - Parent training for adolescents with antisocial behaviour: a randomised trial\n"
    "T2  - Journal of Adolescence\n"
    "PY  - 2016\n"
    "VL  - 49\n"
    "SP  - 55-64\n"
    "DO  - 10.1016/j.adolescence.2016.02.010\n"
    "ER  - \n"
)
AAS = (
    "TY  - RPRT\n"
    "AU  - Aas, Helge\n"
    "TI  - Parent training in Norwegian child welfare: an evaluation report\n"
    "PY  - 2015\n"
    "PB  - Norwegian Institute of Public Health\n"
    "ER  - \n"
)
CITATIONS = f"TY  - JOUR\n{SOLBERG}\n{AAS}"


def export(tmp_path: Path, text: str | bytes, name: str = "cit-1.ris") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def read(tmp_path: Path, text: str | bytes, name: str = "cit-1.ris", **options):
    parsed = read_export(export(tmp_path, text, name), f"searches/exports/{name}", **options)
    return parsed, [standardise(r.fields, parsed.format) for r in parsed.records]


def problems(tmp_path: Path, text: str | bytes, name: str = "cit-1.ris", **options) -> str:
    with pytest.raises(ReviewError) as caught:
        read(tmp_path, text, name, **options)
    message = str(caught.value)
    assert "Traceback" not in message
    return message


# --- 1. Telling the format ------------------------------------------------------------------


def test_ris_whose_first_record_lost_its_ty_line_is_ris_with_that_record_reported(tmp_path):
    """[r10] ``AU  - Solberg, Lars`` has a comma: it once made the file a 13-row table."""
    parsed, records = read(tmp_path, f"{SOLBERG}\n{AAS}")
    assert parsed.format == "ris"
    assert [r["title"] for r in records] == [
        "Parent training in Norwegian child welfare: an evaluation report"
    ]
    [failure] = parsed.failures
    assert (failure.file, failure.line) == ("searches/exports/cit-1.ris", 1)
    assert "with no TY line" in failure.message
    assert parsed.in_file == 2


def test_ris_after_an_ovid_search_strategy_is_ris(tmp_path):
    """[r18] Ovid writes the database and search strategy before the records."""
    preamble = (
        "Database: Ovid MEDLINE(R) ALL <1946 to March 01, 2024>\n"
        "Search Strategy:\n"
        "--------------------------------------------------------------------------------\n"
        "1     parent training.mp. (1234)\n"
        "2     exp Conduct Disorder/ (10456)\n"
        "3     1 and 2 (212)\n"
        "***************************\n\n"
    )
    parsed, records = read(tmp_path, preamble + CITATIONS)
    assert (parsed.format, len(records), parsed.in_file, parsed.failures) == ("ris", 2, 2, [])
    assert records[0]["journal"] == "Journal of Adolescence"
    assert any("line(s) outside records skipped" in note for note in parsed.notes)


def test_text_with_commas_is_not_a_table(tmp_path):
    """A file no reader can claim stops, naming the file and what was looked for."""
    notes = (
        "Search of the Bufdir guideline library, 3 March 2024, by KL\n"
        "No records found; searched again on 5 March, same result\n"
    )
    message = problems(tmp_path, notes, "cit-1.txt")
    assert "searches/exports/cit-1.txt:1: the format cannot be told" in message
    assert "RIS tag lines" in message
    assert "a table whose header names known columns" in message
    assert "'format:'" in message


def test_a_table_is_told_by_a_known_column_or_by_rows_as_wide_as_its_header():
    assert detect_format("Title,Authors,Year\nParent training,Aas H,2015\n") == "csv"
    assert detect_format("Creators;Periodical;Pg\nAas H;Tidsskr;12\nBerg O;Barn;7\n") == "csv"
    assert detect_format("AU  - Solberg, Lars\nER  - \n\nTY  - JOUR\nER  - \n") == "ris"


# --- 2. A named format the content contradicts ----------------------------------------------


@pytest.mark.parametrize("named", ["bibtex", "nbib", "refer", "csv"])
def test_a_format_named_in_the_log_that_the_content_contradicts_stops(tmp_path, named):
    """[en4, en5] ``format: bibtex`` or ``format: nbib`` on a RIS file read 0 records."""
    message = problems(tmp_path, CITATIONS, format_name=named)
    assert "searches/exports/cit-1.ris" in message
    assert f"the search log names the format {named!r}" in message
    assert "the file's content is RIS" in message
    assert "correct 'format:' to 'ris' or leave it out" in message


def test_a_named_format_that_finds_no_record_in_a_table_stops(tmp_path):
    table = "Title,Authors,Year,DOI\nParent training for adolescents,Solberg L,2016,10.1/x\n"
    message = problems(tmp_path, table, "cit-1.csv", format_name="bibtex")
    assert "no record in that format was found" in message
    assert "a table (CSV/TSV)" in message


def test_a_file_with_no_record_structure_may_hold_no_record(tmp_path):
    parsed, _ = read(tmp_path, "Title,Authors,Year\n", "cit-1.csv")
    assert (parsed.format, parsed.in_file, parsed.records) == ("csv", 0, [])


# --- 3. PubMed: a record without PMID ---------------------------------------------------------

NBIB = """PMID- 30811234
OWN - NLM
DP  - 2019 Apr
TI  - Group parent training for children with conduct problems: a randomised trial in
      Norwegian child welfare services.
FAU - Larsen, Kari M
AU  - Larsen KM
JT  - Journal of child psychology and psychiatry, and allied disciplines

OWN - NLM
STAT- MEDLINE
DP  - 2017 Mar
TI  - Group training for parents with attention deficits: effects on adult functioning.
FAU - Nilsen, Hege
AU  - Nilsen H
JT  - Journal of attention disorders

PMID- 35234567
DP  - 2022 Feb
TI  - Parent training delivered online for children with conduct problems: protocol for a
      randomised trial.
FAU - Hansen, Mari
AU  - Hansen M
JT  - JMIR research protocols
"""


def test_nbib_record_without_pmid_is_a_record_of_its_own(tmp_path):
    """[n02] It was glued onto the record before it."""
    parsed, records = read(tmp_path, NBIB, "medline-1.nbib")
    assert parsed.format == "nbib"
    assert (len(records), parsed.in_file) == (3, 3)
    assert [r["authors"] for r in records] == ["Larsen, Kari M", "Nilsen, Hege", "Hansen, Mari"]
    assert records[1]["title"].startswith("Group training for parents with attention deficits")
    assert records[1]["pmid"] == ""
    assert [r.line for r in parsed.records] == [1, 10, 18]
    assert "record(s) without a PMID line (line 10)" in parsed.notes


def test_nbib_records_without_a_blank_line_are_told_apart_by_their_pmid(tmp_path):
    """PubMed writes PMID first in every record: a PMID line inside a record starts the next,
    also after a record that has none."""
    joined = NBIB.replace("\n\nPMID- 35234567", "\nPMID- 35234567")
    parsed, records = read(tmp_path, joined, "medline-1.nbib")
    assert [r["pmid"] for r in records] == ["30811234", "", "35234567"]
    assert [r["authors"] for r in records] == ["Larsen, Kari M", "Nilsen, Hege", "Hansen, Mari"]
    assert parsed.in_file == 3
    assert "record(s) with no blank line before them, told by their PMID line (line 17)" in (
        parsed.notes
    )


# --- 4. Refer: records without a blank line between them ------------------------------------


def test_refer_records_without_a_blank_line_are_two_records(tmp_path):
    """[rf2] Aas became Solberg's second author and the Aas record disappeared."""
    text = (
        "%0 Journal Article\n%A Solberg, Lars\n"
        "%T Parent training for adolescents with antisocial behaviour: a randomised trial\n"
        "%D 2016\n"
        "%0 Report\n%A Aas, Helge\n"
        "%T Parent training in Norwegian child welfare: an evaluation report\n%D 2015\n"
    )
    parsed, records = read(tmp_path, text, "cit-1.txt")
    assert parsed.format == "refer"
    assert (len(records), parsed.in_file) == (2, 2)
    assert [r["authors"] for r in records] == ["Solberg, Lars", "Aas, Helge"]
    assert [r["type"] for r in records] == ["Journal Article", "Report"]
    assert [r.line for r in parsed.records] == [1, 5]
    assert any("told by a second %0 line (line 5)" in note for note in parsed.notes)


def test_refer_records_that_begin_with_their_title_keep_it_when_split(tmp_path):
    """AIS eLibrary writes %T before %0; the title before the second %0 is the next record's."""
    text = (
        "%T How trust leads to commitment on microsourcing platforms\n%0 Journal Article\n"
        "%A Guo, Wenbo\n%D 2021\n"
        "%T Platform work and wellbeing\n%0 Journal Article\n%A Liang, Chen\n%D 2018\n"
    )
    parsed, records = read(tmp_path, text, "cit-1.txt")
    assert [(r["title"], r["authors"]) for r in records] == [
        ("How trust leads to commitment on microsourcing platforms", "Guo, Wenbo"),
        ("Platform work and wellbeing", "Liang, Chen"),
    ]
    assert [r.line for r in parsed.records] == [1, 5]


# --- 5. Web of Science: a record without PT -------------------------------------------------


def test_web_of_science_record_without_pt_is_read_and_counted(tmp_path):
    """[w01] It was dropped, and not counted either."""
    text = (
        "FN Clarivate Analytics Web of Science\nVR 1.0\n"
        "PT J\nAU Solberg, L\nAF Solberg, Lars\n"
        "TI Parent training for adolescents with antisocial behaviour: a randomised\n   trial\n"
        "SO JOURNAL OF ADOLESCENCE\nPY 2016\nUT WOS:000375000000001\nER\n\n"
        "AU Aas, H\nTI Parent training in Norwegian child welfare: an evaluation report\n"
        "PY 2015\nUT WOS:000375000000002\nER\n\nEF\n"
    )
    parsed, records = read(tmp_path, text, "cit-1.txt")
    assert parsed.format == "wos"
    assert (len(records), parsed.in_file) == (2, 2)
    assert records[1]["title"] == "Parent training in Norwegian child welfare: an evaluation report"
    assert records[1]["ids"] == "wos:000375000000002"
    assert "record(s) without a PT line (line 13)" in parsed.notes


# --- 6. RIS tags written with one space -----------------------------------------------------


def test_ris_tag_with_one_space_is_a_tag_line(tmp_path):
    """[r20] ``TI - title`` was glued onto the author line; the title stayed empty."""
    text = CITATIONS.replace("TI  - ", "TI - ").replace(
        "PY  - 2016\n",
        "PY  - 2016\nAB  - Group training lowered conduct problems; on follow-up the\n"
        "IQ - scores were higher in the trained group.\n",
    )
    parsed, records = read(tmp_path, text)
    assert [r["title"] for r in records] == [
        "Parent training for adolescents with antisocial behaviour: a randomised trial",
        "Parent training in Norwegian child welfare: an evaluation report",
    ]
    assert [r["authors"] for r in records] == ["Solberg, Lars", "Aas, Helge"]
    # With one space only a tag of the RIS specification counts: IQ is abstract text.
    assert records[0]["abstract"].endswith("IQ - scores were higher in the trained group.")
    assert "tag line(s) with one space before the hyphen read as tags (lines 3, 15)" in (
        parsed.notes
    )


# --- 7. BibTeX: macros, concatenation, broken entries ---------------------------------------


def test_bibtex_string_macros_and_concatenation_are_expanded(tmp_path):
    """[b02] journal was 'jad', the title '"Parent training" # " for adolescents"'."""
    text = (
        '@string{jad = "Journal of Adolescence"}\n'
        '@String{JCPP = "Journal of Child Psychology " # "and Psychiatry"}\n'
        "@comment{ this is ignored @article{x, title={no}} }\n"
        '@article{solberg2016, author = "Solberg, Lars",\n'
        '  title = "Parent training" # " for adolescents",\n'
        "  journal = jad, year = 2016, month = mar}\n"
        "@article{larsen2019, author = {Larsen, Kari M.}, title = {Group parent training},\n"
        "  journal = jcpp, volume = 60, note = {See } # nosuchmacro}\n"
    )
    parsed, records = read(tmp_path, text, "cit-1.bib")
    assert (parsed.format, len(records), parsed.in_file) == ("bibtex", 2, 2)
    assert records[0]["journal"] == "Journal of Adolescence"
    assert records[0]["title"] == "Parent training for adolescents"
    assert dict(parsed.records[0].fields)["month"] == "mar"
    assert records[1]["journal"] == "Journal of Child Psychology and Psychiatry"
    assert dict(parsed.records[1].fields)["note"] == "See nosuchmacro"
    assert any(
        "field 'note' names the string 'nosuchmacro'" in note and "line 7" in note
        for note in parsed.notes
    )


def test_bibtex_unbalanced_brace_names_its_line_and_reason_quietly(tmp_path, caplog):
    """[b01] bibtexparser printed its own log lines, then 'the entry cannot be read: ;'."""
    text = (
        "@article{solberg2016,\n  author = {Solberg, Lars},\n"
        "  title = {Parent training {for adolescents},\n  year = {2016}\n}\n"
        "@misc{aas2015, title={Parent training in Norwegian child welfare}, year={2015},"
        " author={Aas, Helge}}\n"
    )
    with caplog.at_level(logging.DEBUG):
        parsed, records = read(tmp_path, text, "cit-1.bib")
    assert [r["authors"] for r in records] == ["Aas, Helge"]
    [failure] = parsed.failures
    assert (failure.file, failure.line) == ("searches/exports/cit-1.bib", 1)
    assert "Was still looking for field-value closing" in failure.message
    assert "reading stopped at line 6" in failure.message
    assert [r for r in caplog.records if r.name.startswith("bibtexparser")] == []


def test_bibtex_entry_repeating_a_key_is_read_and_reported(tmp_path):
    text = (
        "@article{aas2015, title={Parent training in Norwegian child welfare}, year={2015}}\n"
        "@techreport{aas2015, title={Parent training: an evaluation report}, year={2015}}\n"
    )
    parsed, records = read(tmp_path, text, "cit-1.bib")
    assert [r["title"] for r in records] == [
        "Parent training in Norwegian child welfare",
        "Parent training: an evaluation report",
    ]
    assert (parsed.in_file, parsed.failures) == (2, [])
    assert "entry at line 2 repeats the key 'aas2015' of an earlier entry" in parsed.notes


# --- 8. EndNote XML encodings ---------------------------------------------------------------

XML = """<?xml version="1.0" encoding="{encoding}"?>
<xml><records>
<record><ref-type name="Report">27</ref-type><contributors><authors><author>Åås, Helge</author>\
</authors></contributors><titles><title>Parent training in Norwegian child welfare – an \
evaluation report</title></titles><dates><year>2015</year></dates></record>
</records></xml>
"""


def test_endnote_xml_declared_latin_1_is_read_as_latin_1(tmp_path):
    """[x05] "Åås" became "ÃÃ¥s": decoded as cp1252, then decoded again by the parser."""
    data = XML.format(encoding="ISO-8859-1").replace(" – ", ": ").encode("latin-1")
    parsed, records = read(tmp_path, data, "cit-1.xml")
    assert parsed.encoding == "iso8859-1"
    assert records[0]["authors"] == "Åås, Helge"
    assert records[0]["title"] == "Parent training in Norwegian child welfare: an evaluation report"


def test_endnote_xml_in_utf_16_declaring_utf_16_is_read(tmp_path):
    """[x04] What EndNote writes was refused: "encoding specified in XML declaration is
    incorrect"."""
    data = "\ufeff".encode("utf-16-le") + XML.format(encoding="UTF-16").encode("utf-16-le")
    parsed, records = read(tmp_path, data, "cit-1.xml")
    assert parsed.encoding == "utf-16"
    assert records[0]["authors"] == "Åås, Helge"
    assert records[0]["title"].endswith("welfare – an evaluation report")


def test_endnote_xml_declared_latin_1_with_windows_bytes_reads_them_as_windows(tmp_path):
    data = XML.format(encoding="ISO-8859-1").encode("cp1252")  # the dash is 0x96
    parsed, records = read(tmp_path, data, "cit-1.xml")
    assert records[0]["title"].endswith("welfare – an evaluation report")
    assert any("read as Windows-1252" in note for note in parsed.notes)


def test_endnote_xml_in_utf_8_declared_latin_1_stops(tmp_path):
    data = XML.format(encoding="ISO-8859-1").encode("utf-8")
    message = problems(tmp_path, data, "cit-1.xml")
    assert "searches/exports/cit-1.xml:3" in message
    assert "the XML declaration says ISO-8859-1, but the bytes are UTF-8" in message


# --- 9. Records with no field besides their type --------------------------------------------

TYPE_ONLY = f"{AAS}\nTY  - JOUR\nER  - \n\nTY  - ELEC\nN1  - \nER  - \n"


def test_records_with_only_a_type_are_reported_not_read(tmp_path):
    """[nt1] ``TY``/``ER`` records were accepted as publications."""
    parsed, records = read(tmp_path, TYPE_ONLY)
    assert [r["authors"] for r in records] == ["Aas, Helge"]
    assert [(f.line, f.entry) for f in parsed.failures] == [
        (8, "record at line 8"),
        (11, "record at line 11"),
    ]
    assert "holds no field besides its type" in parsed.failures[0].message
    assert parsed.in_file == 3


def review_with_export(tmp_path: Path, text: str, *, extra: str = "") -> Path:
    directory = tmp_path / "review"
    (directory / "searches/exports").mkdir(parents=True)
    shutil.copy(DATA / "two_columns/searches/review.yaml", directory / "searches/review.yaml")
    (directory / "searches/exports/web-1.ris").write_text(text, encoding="utf-8")
    (directory / "searches/log.yaml").write_text(
        "searches:\n  - id: web-1\n    source: Google Scholar\n    kind: website\n"
        '    date: "2024-03-06"\n    query: parent training\n    identified: 250\n'
        "    for_assessment: 3\n    export:\n      files: searches/exports/web-1.ris\n"
        f"      holds: for_assessment\n{extra}",
        encoding="utf-8",
    )
    return directory


def test_records_with_only_a_type_stop_the_import_or_are_skipped_and_counted(tmp_path):
    directory = review_with_export(tmp_path, TYPE_ONLY)
    with pytest.raises(ReviewError) as caught:
        import_review(load_review(directory), directory)
    assert "searches/exports/web-1.ris:8: record at line 8" in str(caught.value)
    assert "skip_unreadable: true" in str(caught.value)

    directory = review_with_export(
        tmp_path / "skip", TYPE_ONLY, extra="      skip_unreadable: true\n"
    )
    records, [summary] = import_review(load_review(directory), directory)
    assert len(records) == 1
    assert (summary.in_file, summary.read, len(summary.skipped)) == (3, 1, 2)


# --- 10. A preamble of any length -----------------------------------------------------------

OVID_HEADER = (
    "Database: Ovid MEDLINE(R) ALL <1946 to March 01, 2024>\n"
    "Search Strategy:\n"
    "--------------------------------------------------------------------------------\n"
)
# One Ovid search line of about 1.2 KB: 60 of them pass the 64 KB window in 60 lines.
LONG_SEARCH = "".join(f"parent{n}* or " for n in range(1, 91)) + "caregiver*.ti,ab. (12345)"
LONG_STRATEGY = OVID_HEADER + "".join(f"{n}     {LONG_SEARCH}\n" for n in range(1, 61))
# 520 short numbered lines pass the 500-line window in under 20 KB.
MANY_LINES_STRATEGY = OVID_HEADER + "".join(
    f"{n}     (parent* adj3 training).ti,ab. (12345)\n" for n in range(1, 521)
)
STRATEGY_END = "\n***************************\n\n"


@pytest.mark.parametrize(
    "strategy", [LONG_STRATEGY, MANY_LINES_STRATEGY], ids=["over-64-KB", "over-500-lines"]
)
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_ris_after_a_search_strategy_longer_than_the_window_is_ris(tmp_path, strategy, line_end):
    """[f07c, f07e, f07f] The records were past the window, and the strategy's lines, which
    hold one comma each (``.ti,ab.``), were read as a table: 4 records became 114 rows."""
    assert len(strategy) > 65536 or strategy.count("\n") > 500
    text = (strategy + STRATEGY_END + CITATIONS).replace("\n", line_end)
    assert detect_format(text) == "ris"
    parsed, records = read(tmp_path, text)
    assert (parsed.format, len(records), parsed.in_file, parsed.failures) == ("ris", 2, 2, [])
    assert [r["authors"] for r in records] == ["Solberg, Lars", "Aas, Helge"]
    skipped = strategy.count("\n") + 1  # the strategy and the row of asterisks
    assert f"{skipped} line(s) outside records skipped" in parsed.notes[0]


def test_a_search_strategy_is_never_a_table_header(tmp_path):
    """The table fallback refuses a "header" that is a line of a strategy, whatever follows."""
    short = OVID_HEADER + "1     parent*.ti,ab. (12)\n2     caregiver*.ti,ab. (34)\n"
    for strategy in (short, LONG_STRATEGY, LONG_STRATEGY[LONG_STRATEGY.index("1     ") :]):
        assert detect_format(strategy) is None
    message = problems(tmp_path, short, format_name="csv")
    assert "searches/exports/cit-1.ris:1" in message
    assert "the first line is a line of a database's search strategy" in message


@pytest.mark.parametrize("strategy", [OVID_HEADER, LONG_STRATEGY], ids=["short", "long"])
def test_a_file_holding_only_a_search_strategy_says_so(tmp_path, strategy):
    message = problems(tmp_path, strategy)
    assert "searches/exports/cit-1.ris:1" in message
    assert "it holds only a database's preamble" in message
    assert "and no record" in message
    parsed, _ = read(tmp_path, strategy, format_name="ris")
    assert (parsed.format, parsed.in_file, parsed.records) == ("ris", 0, [])


def test_a_line_between_a_long_strategy_and_the_records_is_named(tmp_path):
    text = LONG_STRATEGY + "\nExported by the library, not a record\n\nTitle,Year\nA,2020\n"
    message = problems(tmp_path, text)
    assert "searches/exports/cit-1.ris:65:" in message
    assert "lines 1-64 are a database's preamble" in message
    assert "line 65 after it, 'Exported by the library, not a record'" in message
    assert "does not begin a RIS record" in message


# --- 11. PubMed with a preamble ------------------------------------------------------------


def test_nbib_after_a_text_preamble_is_nbib(tmp_path):
    """[f10] Two blank lines and ``Search: parent training`` before the first PMID line: the
    file was said to hold no 'PMID- ' line."""
    text = "\n\nSearch: parent training\n\n" + NBIB
    parsed, records = read(tmp_path, text, "medline-1.nbib")
    assert (parsed.format, len(records), parsed.in_file) == ("nbib", 3, 3)
    assert [r["pmid"] for r in records] == ["30811234", "", "35234567"]
    assert "1 line(s) outside records skipped (line 3)" in parsed.notes


def test_nbib_after_a_search_strategy_longer_than_the_window_is_nbib(tmp_path):
    parsed, records = read(tmp_path, LONG_STRATEGY + "\n" + NBIB, "medline-1.nbib")
    assert (parsed.format, len(records), parsed.in_file) == ("nbib", 3, 3)


def test_nbib_after_prose_says_which_line_stands_before_the_first_record(tmp_path):
    notes = "".join(f"Note {n} on how the search was run and who ran it\n" for n in range(1, 9))
    text = notes + "\nPMID- 30811234\nTI  - Group parent training.\nAU  - Larsen KM\n"
    message = problems(tmp_path, text, "medline-1.nbib")
    assert "searches/exports/medline-1.nbib:1:" in message
    assert "line 1, 'Note 1 on how the search was run and who ran it', stands before" in message
    assert "the first record (line 10, 'PMID- 30811234')" in message
    # With mostly PubMed lines, a short note of unknown shape is skipped and reported.
    parsed, records = read(tmp_path, "My notes\n\n" + NBIB, "medline-1.nbib")
    assert (parsed.format, len(records)) == ("nbib", 3)
    assert "1 line(s) outside records skipped (line 1)" in parsed.notes


# --- 12. Files that are not text ------------------------------------------------------------


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


@pytest.mark.parametrize(
    ("data", "what", "advice"),
    [
        (XLSX, "an Excel workbook (.xlsx, a ZIP archive)", "save the sheet as CSV"),
        (
            zipped({"word/document.xml": b"<w:document/>"}),
            "a Word document (.docx, a ZIP archive)",
            "export the records from the database",
        ),
        (
            zipped({"cit-1.ris": CITATIONS.encode()}),
            "a ZIP archive holding 'cit-1.ris'",
            "unzip it and name the export(s) inside",
        ),
        (XLSX[:40], "a ZIP archive (or an Excel/Word file", "export the records"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document", "export the records"),
        (gzip.compress(CITATIONS.encode()), "a gzip-compressed file", "decompress it"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "an old Microsoft Office file (an Excel .xls or Word .doc)",
            "save the sheet as CSV",
        ),
    ],
    ids=["xlsx", "docx", "zip", "broken-zip", "pdf", "gzip", "xls"],
)
def test_a_binary_file_is_named_for_what_it_is(tmp_path, data, what, advice):
    """[f03, f04] A workbook renamed .ris gave "cannot decode byte 0xf4 at offset 10"."""
    for options in ({}, {"encoding": "utf-8"}, {"format_name": "ris"}):
        message = problems(tmp_path, data, **options)
        assert f"searches/exports/cit-1.ris:1: the file is {what}" in message
        assert "not a text export" in message
        assert advice in message
        assert "cannot decode" not in message
