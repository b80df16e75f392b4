"""Reading exports: every format, each vendor quirk, each encoding."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from searchtrail.decoding import decode
from searchtrail.errors import ReviewError
from searchtrail.records import detect_format, read_export, standardise
from searchtrail.records.review import import_review
from searchtrail.searchlog import load_review
from tests.conftest import DATA, REPO

EXPORTS = DATA / "exports"
SHARED = REPO.parent / "shared" / "benchmarks" / "exports"


def read(name: str, **options):
    parsed = read_export(EXPORTS / name, name, **options)
    return parsed, [standardise(r.fields, parsed.format) for r in parsed.records]


def raw(parsed, index: int, tag: str) -> list[str]:
    return [value for name, value in parsed.records[index].fields if name == tag]


# --- RIS and its quirks -------------------------------------------------------------------


def test_ovid_numbering_link_lines_and_search_strategy_are_not_records():
    parsed, records = read("ovid_psycinfo.ris")
    assert (parsed.format, len(parsed.records), parsed.in_file) == ("ris", 2, 2)
    assert [r["own_id"] for r in records] == ["2021-44551-001", "2020-11873-004"]
    assert "8 line(s) outside records skipped" in parsed.notes[0]
    # Ovid writes NL after ER: it stays with the record it follows.
    assert raw(parsed, 0, "NL") == ["Child Dev"]
    # The search strategy's C1 tag line is not a record and not part of one.
    assert raw(parsed, 1, "C1") == []
    assert parsed.records[1].line == 31
    # A continued abstract keeps its line break verbatim; the standard field is one line.
    assert raw(parsed, 0, "N2")[0].endswith(
        "212 families\nto group training or usual care and followed them for 12 months."
    )
    assert records[0]["abstract"].count("\n") == 0
    assert records[0]["doi"] == "10.1111/cdev.13562"
    assert records[0]["pages"] == "1320-1335"


def test_ebsco_repeated_tags_one_field_authors_and_er_inside_the_abstract():
    parsed, records = read("ebsco_quirks.ris")
    assert len(parsed.records) == 3
    abstracts = raw(parsed, 0, "AB")
    assert len(abstracts) == 2  # both the English and the Norwegian abstract are kept
    assert "ER-positive tumours had better survival than" in abstracts[0]
    assert abstracts[0].endswith("ER  - negative tumours over ten years of follow-up.")
    assert raw(parsed, 0, "SN") == ["0284-186X", "1651-226X"]
    assert records[0]["authors"].split("\n") == ["Nilsen, Kari", "Hansen, Per", "Berg, Ola"]
    assert records[0]["issn"] == "0284-186X\n1651-226X"
    # The DOI after the blank line inside the record still belongs to it.
    assert records[0]["doi"] == "10.1080/0284186X.2019.1601262"
    # The last record has no ER: it ends at the end of the file, not lost.
    assert records[2]["title"] == "Survivorship after breast cancer in rural Norway"
    assert records[2]["publisher"] == "University of Tromsø"
    assert any("without ER" in note for note in parsed.notes)
    assert any("with text read as record text" in note for note in parsed.notes)


def test_jstor_header_lines_before_the_first_record():
    parsed, records = read("jstor_header.ris")
    assert len(parsed.records) == 1
    assert records[0]["pages"] == "512-530"
    assert parsed.records[0].line == 6


def test_wos_ris_bare_carriage_return_splits_repeated_values():
    parsed, _ = read("wos_bare_cr.ris")
    assert parsed.encoding == "utf-8-sig"
    assert raw(parsed, 0, "AD") == [
        "Univ Bergen, Dept Sport Sci, Bergen, Norway",
        "Haukeland Univ Hosp, Bergen, Norway",
    ]


def test_record_without_ty_cannot_be_read_and_names_its_lines(tmp_path):
    path = tmp_path / "broken.ris"
    path.write_text(
        "TY  - JOUR\nTI  - First\nER  - \n\nTI  - Second, its TY lost\nAU  - Berg, Ola\nER  - \n",
        encoding="utf-8",
    )
    parsed = read_export(path, "searches/exports/broken.ris")
    assert len(parsed.records) == 1
    [failure] = parsed.failures
    assert (failure.file, failure.line) == ("searches/exports/broken.ris", 5)
    assert "lines 5-6 hold a record" in failure.message


# --- other formats ------------------------------------------------------------------------


def test_pubmed_medline_format():
    parsed, records = read("pubmed.nbib")
    assert parsed.format == "nbib"
    first, second = records
    assert first["pmid"] == "33512345"
    assert (
        first["title"]
        == "Group parent training and child conduct problems: a randomized trial in community clinics."
    )
    assert first["authors"] == "Larsen, Ingrid M\nOkafor, Chidi"
    assert (first["journal"], first["volume"], first["issue"], first["pages"]) == (
        "Child development",
        "92",
        "4",
        "1320-35",
    )
    assert first["doi"] == "10.1111/cdev.13562"
    assert second["authors"] == "Sørensen, Mette"


def test_web_of_science_plain_text():
    parsed, records = read("wos_plain.txt")
    assert (parsed.format, len(records)) == ("wos", 1)
    assert records[0]["authors"] == "Larsen, Ingrid M.\nOkafor, Chidi"
    assert records[0]["title"].endswith("randomized trial in community clinics")
    assert records[0]["pages"] == "1320-1335"


def test_bibtex_space_in_field_names_repeated_fields_and_latex():
    parsed, records = read("scopus.bib")
    assert parsed.format == "bibtex"
    assert [name for name, _ in parsed.records[0].fields].count("funding_details") == 2
    assert "funding_text 1" in dict(parsed.records[0].fields)
    assert records[1]["authors"] == "Sørensen, M.\nMüller, K."
    assert records[1]["journal"] == "Ugeskrift for Læger"
    assert records[1]["title"] == "Home visits after birth: a Danish cohort study"
    # The original fields keep the LaTeX as written.
    assert dict(parsed.records[1].fields)["author"] == 'S{\\o}rensen, M. and M{\\"u}ller, K.'


def test_endnote_xml_style_wrappers_and_entities():
    parsed, records = read("endnote.xml")
    assert (parsed.format, len(records)) == ("endnote-xml", 2)
    assert records[0]["authors"] == "Larsen, I. M.\nOkafor, C."
    assert records[0]["journal"] == "Child Dev"
    assert records[0]["type"] == "Journal Article"
    assert records[1]["publisher"] == "University of Tromsø"


def test_endnote_xml_is_read_with_a_hardened_parser(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<xml><records><record><titles><title>&b;</title></titles></record></records></xml>",
        encoding="utf-8",
    )
    with pytest.raises(ReviewError, match="the XML cannot be read"):
        read_export(path, "bomb.xml")


def test_refer_tagged_records_starting_with_title():
    parsed, records = read("refer.txt")
    assert (parsed.format, len(records)) == ("refer", 2)
    assert records[0]["type"] == "Journal Article"
    assert records[0]["journal"] == "Information Systems Journal"
    assert records[1]["year"] == "2018"


def test_scopus_csv():
    parsed, records = read("scopus.csv")
    assert (parsed.format, parsed.encoding) == ("scopus-csv", "utf-8-sig")
    assert records[0]["authors"] == "Larsen I.M.\nOkafor C."
    assert records[0]["pages"] == "1320-1335"
    assert (
        records[0]["abstract"] == "Parent training is the first-line treatment, for young children."
    )


def test_web_of_science_tab_delimited_keeps_quotes_in_titles():
    parsed, records = read("wos_tab.txt")
    assert (parsed.format, len(records)) == ("wos-tab", 2)
    assert (
        records[0]["title"]
        == 'Cold-water immersion and "recovery" after exercise: a randomized trial'
    )
    assert records[0]["authors"] == "Strand, L\nDahl, E"


def test_generic_table_with_a_column_mapping():
    columns = {"authors": "Creators", "journal": "Periodical", "pages": "Pg", "doi": "Identifier"}
    parsed = read_export(EXPORTS / "custom.csv", "custom.csv")
    assert parsed.format == "csv"
    records = [standardise(r.fields, parsed.format, columns=columns) for r in parsed.records]
    assert records[0]["journal"] == "Child Development"
    assert records[0]["doi"] == "10.1111/cdev.13562"
    assert records[1]["volume"] == "101"


def test_table_row_with_cells_beyond_the_header(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("Title,Year\nFirst,2020\nSecond,2021,extra\n", encoding="utf-8")
    parsed = read_export(path, "rows.csv")
    assert len(parsed.records) == 1
    [failure] = parsed.failures
    assert failure.line == 3
    assert "beyond the last column" in failure.message


def test_format_is_told_from_content_not_name(tmp_path):
    disguised = tmp_path / "export.txt"
    shutil.copy(EXPORTS / "pubmed.nbib", disguised)
    assert read_export(disguised, "export.txt").format == "nbib"
    assert detect_format("\n\n1.\nTY  - JOUR\n") == "ris"
    assert detect_format("@article{key,\n title={x}}") == "bibtex"
    assert detect_format("just some prose") is None


def test_unknown_format_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some prose\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=r"notes\.txt:1: the format cannot be told"):
        read_export(path, "notes.txt")


# --- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-16-le", b"\xff\xfe", "utf-16"),
        ("utf-16-be", b"\xfe\xff", "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),
        ("cp1252", b"", "cp1252"),
    ],
)
def test_encodings_are_recognised(tmp_path, encoding, bom, expected):
    text = (EXPORTS / "ebsco_quirks.ris").read_text(encoding="utf-8")
    path = tmp_path / "export.ris"
    path.write_bytes(bom + text.encode(encoding))
    parsed = read_export(path, "export.ris")
    assert parsed.encoding == expected
    records = [standardise(r.fields, parsed.format) for r in parsed.records]
    assert len(records) == 3
    assert records[2]["publisher"] == "University of Tromsø"


def test_named_encoding(tmp_path):
    path = tmp_path / "mac.ris"
    path.write_bytes("TY  - JOUR\nTI  - Tromsø\nER  - \n".encode("mac-roman"))
    parsed = read_export(path, "mac.ris", encoding="mac-roman")
    assert standardise(parsed.records[0].fields, "ris")["title"] == "Tromsø"


def test_undecodable_text_is_an_error_with_offset_and_line():
    data = "TY  - JOUR\nTI  - Tromsø\n".encode() + b"AB  - \x81broken\n"
    with pytest.raises(ReviewError) as caught:
        decode(data, file="searches/exports/x.ris")
    [problem] = caught.value.problems
    assert problem.file == "searches/exports/x.ris"
    assert problem.line == 3
    assert "cannot decode byte 0x81 at offset" in problem.message
    assert "encoding:" in problem.expected


# --- a review's exports -------------------------------------------------------------------


def review_with_export(tmp_path: Path, export: str, *, extra: str = "") -> Path:
    directory = tmp_path / "review"
    (directory / "searches/exports").mkdir(parents=True)
    shutil.copy(DATA / "two_columns/searches/review.yaml", directory / "searches/review.yaml")
    (directory / "searches/exports/db.ris").write_text(export, encoding="utf-8")
    (directory / "searches/log.yaml").write_text(
        'searches:\n  - id: db-1\n    source: MEDLINE\n    kind: database\n    date: "2024"\n'
        "    query: x\n    identified: 2\n    export:\n      files: searches/exports/db.ris\n"
        f"      holds: identified\n{extra}",
        encoding="utf-8",
    )
    return directory


BROKEN = "TY  - JOUR\nTI  - First\nER  - \n\nTI  - Second, its TY lost\nER  - \n"


def test_unreadable_record_stops_the_import(tmp_path):
    directory = review_with_export(tmp_path, BROKEN)
    with pytest.raises(ReviewError) as caught:
        import_review(load_review(directory), directory)
    assert "searches/exports/db.ris:5" in str(caught.value)
    assert "skip_unreadable: true" in str(caught.value)


def test_unreadable_record_can_be_skipped_and_is_counted(tmp_path):
    directory = review_with_export(tmp_path, BROKEN, extra="      skip_unreadable: true\n")
    records, imports = import_review(load_review(directory), directory)
    assert list(records["record_id"]) == ["db-1:anon-d38792"]  # no author, no year
    [summary] = imports
    # Two records in the file (one with its TY line, one recognised without): one read,
    # one skipped, none lost.
    assert (summary.in_file, summary.read) == (2, 1)
    assert len(summary.skipped) == 1
    assert "searches/exports/db.ris:5" in summary.skipped[0]


def test_records_keep_their_original_fields_and_provenance(tmp_path):
    text = (EXPORTS / "jstor_header.ris").read_text(encoding="utf-8")
    directory = review_with_export(tmp_path, text + "\n" + text)
    records, _ = import_review(load_review(directory), directory)
    row = records.iloc[0]
    assert (row["record_id"], row["origin_id"], row["position"], row["line"]) == (
        "db-1:okonkwo2016-8080da",
        "db-1",
        1,
        6,
    )
    assert records.iloc[1]["record_id"] == "db-1:okonkwo2016-8080da~2"  # the same again
    assert row["file"] == "searches/exports/db.ris"
    assert json.loads(row["raw"])[0] == ["TY", "JOUR"]


def test_a_database_export_the_log_contradicts_stops_the_import(tmp_path):
    """The log says MEDLINE found 2 records; its export, of every record found, holds 1."""
    directory = review_with_export(tmp_path, BROKEN.split("\n\n", 1)[0] + "\n")
    with pytest.raises(ReviewError) as caught:
        import_review(load_review(directory), directory)
    assert (
        "searches/log.yaml:2: search 'db-1': field 'identified': the log says 2 records were "
        "identified, but the export holds 1"
    ) in str(caught.value)


# --- the real export files ----------------------------------------------------------------


def manifest() -> list[dict[str, str]]:
    with (SHARED / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


needs_shared = pytest.mark.skipif(
    not (SHARED / "manifest.csv").exists(),
    reason="the shared export benchmark is not beside the repository",
)


@needs_shared
def test_every_real_export_imports_with_its_counted_records():
    wrong = []
    for row in manifest():
        parsed = read_export(SHARED / row["file"], row["file"])
        expected = int(row["expected_records"])
        if (len(parsed.records), parsed.in_file, len(parsed.failures)) != (expected, expected, 0):
            wrong.append((row["file"], expected, len(parsed.records), parsed.in_file))
    assert wrong == []
    assert len(manifest()) == 32


# The format each real export is read in; the tables' layouts by name, since new layouts (Lens,
# Dimensions, OpenAlex, the registers, ...) are told from headers too.
_REAL_FORMATS = {"wos-txt": "wos", "enw-xml": "endnote-xml", "other": "refer"}
_REAL_TABLES = {
    "wos_biosis_tabdelimited.txt": "wos-tab",
    "scopus.csv": "scopus-csv",
    "zotero.csv": "zotero-csv",
    "embase.csv": "embase-csv",
    "pubmed.csv": "pubmed-csv",
}


@needs_shared
def test_every_real_export_keeps_the_format_it_is_read_in():
    for row in manifest():
        expected = _REAL_TABLES.get(row["file"]) or _REAL_FORMATS.get(row["format"], row["format"])
        assert read_export(SHARED / row["file"], row["file"]).format == expected, row["file"]


@needs_shared
@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_real_exports_re_encoded(tmp_path, encoding):
    for name in ("endnote_pubmed.ris", "wos_plaintext.ciw", "scopus.csv", "zotero.bib"):
        text = decode((SHARED / name).read_bytes(), file=name)[0]
        path = tmp_path / name
        path.write_bytes(text.encode(encoding, errors="replace"))
        expected = int(next(r for r in manifest() if r["file"] == name)["expected_records"])
        assert len(read_export(path, name).records) == expected, name
