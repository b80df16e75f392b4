"""Vendors' text exports beyond RIS: ERIC in MEDLINE tags, ProQuest plain text, Ovid's
fielded display, the Cochrane Library's text and RIS exports, RefWorks tagged format."""

from __future__ import annotations

import pytest

from searchtrail.errors import ReviewError
from searchtrail.records import detect_format, read_export, standardise
from searchtrail.records.identity import record_key
from tests.conftest import DATA

EXPORTS = DATA / "exports"


def read(name: str, **options):
    parsed = read_export(EXPORTS / name, name, **options)
    return parsed, [standardise(r.fields, parsed.format) for r in parsed.records]


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- ERIC in MEDLINE tags ---------------------------------------------------------------


def test_eric_records_in_medline_tags_are_read_with_their_eric_number():
    parsed, records = read("eric.nbib")
    assert (parsed.format, len(parsed.records), parsed.in_file, parsed.failures) == (
        "nbib",
        3,
        3,
        [],
    )
    # ERIC records have no PMID: that is what they are, not a quirk to report.
    assert not any("PMID" in note for note in parsed.notes)
    first, report, third = records
    assert first["ids"] == "eric:EJ1294512"
    assert record_key(first) == "eric-ej1294512"
    assert record_key(report) == "eric-ed612345"
    assert first["title"].startswith("Parent Training Programs for Families")
    assert first["authors"] == "Solberg, Lars\nHansen, Kari M."
    assert (first["journal"], first["volume"], first["pages"], first["year"]) == (
        "Children and Youth Services Review",
        "121",
        "105862",
        "2021",
    )
    # ERIC writes the DOI as a URL in AID, and "ISSN-"/"ISBN-" before the numbers.
    assert first["doi"] == "10.1016/j.childyouth.2020.105862"
    assert first["issn"] == "0190-7409"
    assert report["isbn"] == "978-82-8406-123-4"
    assert first["keywords"].split("\n")[:2] == ["Parent Education", "Child Welfare"]
    assert first["abstract"].startswith("This study examined the effects")
    assert (third["volume"], third["issue"], third["pages"]) == ("45", "3", "301-318")


def test_eric_is_told_from_its_tags_not_the_file_name(tmp_path):
    path = write(tmp_path, "export.txt", (EXPORTS / "eric.nbib").read_text(encoding="utf-8"))
    assert read_export(path, "export.txt").format == "nbib"


def test_eric_accession_descriptors_and_citation_line_in_other_tags(tmp_path):
    """AN for the accession, DE/ID for descriptors and identifiers, IS/IB for the ISSN and
    ISBN, PY for the year, SO alone for the journal, volume, issue and pages."""
    text = (
        "OWN - ERIC\nAN  - EJ1187654\nTI  - Kinship Care in Scandinavia\nAU  - Nilsen, Kari\n"
        "SO  - Child & Family Social Work, v24 n2 p211-219 May 2019\nPY  - 2019\n"
        "AB  - Kinship foster care is growing.\nDE  - Foster Care\nDE  - Kinship\n"
        "ID  - Norway\nIS  - ISSN-1356-7500\n"
        # a second record with no blank line before it: its OWN line starts it
        "OWN - ERIC\nAN  - ED598765\nTI  - Guide for Foster Parents\nPY  - 2018\n"
        "IB  - ISBN-978-0-12-345678-9\n"
    )
    parsed = read_export(write(tmp_path, "eric.txt", text), "eric.txt")
    assert (parsed.format, len(parsed.records)) == ("nbib", 2)
    assert any("told by their OWN line (line 12)" in note for note in parsed.notes)
    article, guide = (standardise(r.fields, "nbib") for r in parsed.records)
    assert record_key(article) == "eric-ej1187654"
    assert (article["journal"], article["volume"], article["issue"], article["pages"]) == (
        "Child & Family Social Work",
        "24",
        "2",
        "211-219",
    )
    assert article["year"] == "2019"
    assert article["keywords"] == "Foster Care\nKinship\nNorway"
    assert article["issn"] == "1356-7500"
    assert (guide["ids"], guide["isbn"]) == ("eric:ED598765", "978-0-12-345678-9")


# --- ProQuest plain text ----------------------------------------------------------------


def test_proquest_text_reads_documents_not_the_table_of_contents():
    parsed, records = read("proquest.txt")
    assert (parsed.format, len(parsed.records), parsed.in_file, parsed.failures) == (
        "proquest-text",
        3,
        3,
        [],
    )
    assert [r.line for r in parsed.records] == [17, 81, 131]
    first, second, thesis = records
    assert first["title"].startswith("Group parent training and child conduct problems")
    assert first["authors"] == "Larsen, Ingrid M\nOkafor, Chidi"
    assert (first["journal"], first["volume"], first["issue"], first["pages"]) == (
        "Child Development",
        "92",
        "4",
        "1320-1335",
    )
    assert (first["year"], first["doi"], first["issn"]) == (
        "2021",
        "10.1111/cdev.13562",
        "00093920\n14678624",
    )
    # A paragraph of the abstract that begins "Results:" is abstract text, not a field.
    assert first["abstract"].endswith("had fewer conduct problems after 12 months.")
    assert first["keywords"].split("\n") == [
        "Parent training",
        "Conduct disorder",
        "Children",
        "Randomized controlled trials",
    ]
    assert record_key(first) == "an-2551234567"  # ProQuest's own document id
    assert "an@apa-psycinfo:2021-39011-001" in second["ids"]
    assert (thesis["type"], thesis["isbn"]) == ("Dissertation/Thesis", "9781392345678")
    # The contact lines after the last document are not part of it.
    fields = dict(parsed.records[2].fields)
    assert fields["Database"] == "ProQuest Dissertations & Theses Global"
    assert any("after the documents skipped" in note for note in parsed.notes)


def test_proquest_document_missing_from_the_numbering_is_reported(tmp_path):
    text = (EXPORTS / "proquest.txt").read_text(encoding="utf-8")
    start = text.index("Document 2 of 3")
    end = text.index("Document 3 of 3")
    path = write(tmp_path, "pq.txt", text[:start] + text[end:])
    parsed = read_export(path, "pq.txt")
    assert (len(parsed.records), parsed.in_file) == (2, 3)
    [failure] = parsed.failures
    assert "document 2 of 3 is missing from the file" in failure.message
    assert "between line 17 (document 1) and line" in failure.message


def test_proquest_with_a_table_of_contents_longer_than_the_window(tmp_path):
    text = (EXPORTS / "proquest.txt").read_text(encoding="utf-8")
    long_toc = "".join(f"{n}. A title of some length for entry {n}\n\n" for n in range(1, 3001))
    text = text.replace("Table of contents\n\n", "Table of contents\n\n" + long_toc, 1)
    path = write(tmp_path, "pq.txt", text)
    parsed = read_export(path, "pq.txt")
    assert (parsed.format, len(parsed.records)) == ("proquest-text", 3)
    assert any("table of contents lists 3003" in note for note in parsed.notes)


# --- Ovid fielded display -----------------------------------------------------------------


def test_ovid_fielded_text_with_its_search_strategy():
    parsed, records = read("ovid_medline.txt")
    assert (parsed.format, len(parsed.records), parsed.in_file) == ("ovid-text", 3, 3)
    assert "8 line(s) before the first record skipped" in parsed.notes[0]
    first, second, third = records
    assert first["ids"] == "pmid:33512345"
    assert record_key(first) == "pmid-33512345"
    assert first["authors"] == "Larsen, Ingrid M\nOkafor, Chidi"
    assert first["title"] == (
        "Group parent training and child conduct problems: a randomized trial in community clinics."
    )
    assert (first["journal"], first["volume"], first["issue"], first["pages"]) == (
        "Child Development",
        "92",
        "4",
        "1320-1335",
    )
    assert first["doi"] == "10.1111/cdev.13562"
    assert first["issn"] == "0009-3920\n1467-8624"
    assert first["type"] == "Journal Article; Randomized Controlled Trial"
    assert dict(parsed.records[0].fields)["Authors"] == "Larsen IM\nOkafor C"
    assert (second["pages"], second["language"]) == ("V03200178", "Danish")
    assert (third["authors"], third["volume"], third["issue"], third["pages"]) == (
        "Berg O",
        "97",
        "",
        "104123",
    )


def test_ovid_text_numbered_with_dots_after_a_long_search_strategy(tmp_path):
    text = (EXPORTS / "ovid_medline.txt").read_text(encoding="utf-8")
    strategy = "".join(f"{n}     (parent* adj3 train*).ti,ab. ({n * 7})\n" for n in range(5, 1505))
    text = text.replace("***************************", strategy, 1)
    for n in (1, 2, 3):
        text = text.replace(f"<{n}>\n", f"{n}.\n", 1)
    parsed = read_export(write(tmp_path, "ovid.txt", text), "ovid.txt")
    assert (parsed.format, len(parsed.records)) == ("ovid-text", 3)
    assert standardise(parsed.records[2].fields, "ovid-text")["pmid"] == "31001122"


# --- Cochrane Library ---------------------------------------------------------------------


def test_cochrane_text_with_trial_register_records_and_a_review():
    parsed, records = read("cochrane_central.txt")
    assert (parsed.format, len(parsed.records), parsed.in_file, parsed.failures) == (
        "cochrane-text",
        4,
        4,
        [],
    )
    trial, registered, ictrp, review = records
    # The Embase cross-reference stays in the record's fields, but is no identifier: it
    # would outrank the CENTRAL id as the record's key.
    assert trial["ids"].split("\n") == ["central:CN-02245678", "pmid:33512345"]
    assert record_key(trial) == "central-cn-02245678"
    assert ("XR", "EMBASE 2011234567") in parsed.records[0].fields
    assert (trial["pmid"], trial["doi"], trial["pages"]) == (
        "33512345",
        "10.1111/cdev.13562",
        "1320-1335",
    )
    assert trial["authors"] == "Larsen IM\nOkafor C"
    assert trial["keywords"] == "Child\n*Conduct Disorder [therapy]\n*Parenting"
    assert registered["ids"] == "central:CN-02101234\nnct:NCT03456789"
    assert record_key(registered) == "central-cn-02101234"
    assert registered["type"] == "Trial registry record"
    # A CENTRAL record's own DOI (in its Cochrane Library address) is not the publication's.
    assert registered["doi"] == ""
    assert registered["journal"] == ""
    assert registered["abstract"].endswith(
        "Intervention: Behavioral: Incredible Years parent training"
    )
    assert ictrp["ids"] == "central:CN-01987654\nisrctn:ISRCTN12345678"
    assert (review["ids"], review["doi"]) == ("cdsr:CD012345", "10.1002/14651858.CD012345.pub2")


def test_cochrane_record_missing_from_the_numbering_is_reported(tmp_path):
    text = (EXPORTS / "cochrane_central.txt").read_text(encoding="utf-8")
    start, end = text.index("Record #3 of 4"), text.index("Record #4 of 4")
    parsed = read_export(write(tmp_path, "c.txt", text[:start] + text[end:]), "c.txt")
    assert (len(parsed.records), parsed.in_file) == (3, 4)
    [failure] = parsed.failures
    assert "record 3 of 4 is missing from the file" in failure.message


def test_cochrane_ris_export_reads_with_the_ris_reader():
    parsed, records = read("cochrane_central.ris")
    assert (parsed.format, len(parsed.records), parsed.in_file, parsed.failures) == (
        "ris",
        3,
        3,
        [],
    )
    trial, registered, review = records
    assert record_key(trial) == "central-cn-02245678"
    assert (trial["pages"], trial["doi"]) == ("1320-1335", "10.1111/cdev.13562")
    assert registered["ids"] == "central:CN-02101234"
    assert registered["doi"] == ""
    assert (review["ids"], review["doi"]) == ("cdsr:CD012345", "10.1002/14651858.CD012345.pub2")


# --- RefWorks -----------------------------------------------------------------------------


def test_refworks_tagged_format():
    parsed, records = read("refworks.txt")
    assert (parsed.format, len(parsed.records), parsed.in_file, parsed.failures) == (
        "refworks",
        2,
        2,
        [],
    )
    # RefWorks' header and its legend of tags ("RT=Reference Type", ...) are no record.
    assert parsed.notes == ["RefWorks' header and tag legend skipped (lines 1-34)"]
    assert parsed.records[0].line == 39
    article, book = records
    assert (article["ids"], record_key(article)) == ("pmid:33512345", "pmid-33512345")
    assert article["type"] == "Journal Article"
    assert article["authors"] == "Larsen, Ingrid M.\nOkafor, Chidi"
    assert (article["journal"], article["year"], article["volume"], article["issue"]) == (
        "Child Development",
        "2021",
        "92",
        "4",
    )
    assert (article["pages"], article["doi"], article["issn"]) == (
        "1320-1335",
        "10.1111/cdev.13562",
        "0009-3920",
    )
    assert article["keywords"] == "parent training\nconduct problems"
    assert (book["type"], book["publisher"], book["isbn"]) == (
        "Book, Whole",
        "Universitetsforlaget",
        "978-82-15-03123-4",
    )


def test_refworks_records_without_blank_lines_and_a_block_that_is_no_record(tmp_path):
    text = (
        "RT Journal Article\nT1 First\nYR 2020\nRT Journal Article\nT1 Second\nAB An abstract\n"
        "that runs on\n\nnot a tagged line\nnor this\n"
    )
    parsed = read_export(write(tmp_path, "rw.txt", text), "rw.txt")
    assert (parsed.format, len(parsed.records), parsed.in_file) == ("refworks", 2, 3)
    assert dict(parsed.records[1].fields)["AB"] == "An abstract\nthat runs on"
    [failure] = parsed.failures
    assert (failure.line, failure.entry) == (9, "lines 9-10")


# --- detection and the log's word -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("proquest.txt", "proquest-text"),
        ("ovid_medline.txt", "ovid-text"),
        ("cochrane_central.txt", "cochrane-text"),
        ("cochrane_central.ris", "ris"),
        ("refworks.txt", "refworks"),
        ("eric.nbib", "nbib"),
    ],
)
def test_formats_are_told_from_content(name, expected):
    assert detect_format((EXPORTS / name).read_text(encoding="utf-8")) == expected


@pytest.mark.parametrize(
    ("name", "named", "shown"),
    [
        ("refworks.txt", "nbib", "RefWorks tagged text"),
        ("proquest.txt", "ris", "ProQuest plain text"),
        ("cochrane_central.txt", "refer", "Cochrane Library plain text"),
        ("ovid_medline.txt", "ris", "Ovid's fielded display text"),
        ("jstor_header.ris", "refworks", "RIS"),
        ("pubmed.nbib", "cochrane-text", "PubMed"),
    ],
)
def test_a_format_the_content_contradicts_is_refused(name, named, shown):
    with pytest.raises(ReviewError, match=f"names the format '{named}'.*content is {shown}"):
        read_export(EXPORTS / name, name, format_name=named)


# --- in a review ------------------------------------------------------------------------


def test_a_document_the_proquest_file_lost_stops_the_import_or_is_counted_as_skipped(tmp_path):
    from searchtrail.records.review import import_review
    from searchtrail.searchlog import load_review
    from tests.test_records import review_with_export

    text = (EXPORTS / "proquest.txt").read_text(encoding="utf-8")
    lost = text[: text.index("Document 2 of 3")] + text[text.index("Document 3 of 3") :]
    directory = review_with_export(tmp_path / "a", lost)
    with pytest.raises(ReviewError, match="document 2 of 3 is missing from the file"):
        import_review(load_review(directory), directory)
    directory = review_with_export(tmp_path / "b", lost, extra="      skip_unreadable: true\n")
    log = directory / "searches/log.yaml"  # ProQuest said it found 3
    log.write_text(
        log.read_text(encoding="utf-8").replace("identified: 2", "identified: 3"), encoding="utf-8"
    )
    records, [summary] = import_review(load_review(directory), directory)
    assert list(records["record_id"]) == ["db-1:an-2551234567", "db-1:an-2371234501"]
    assert (summary.format, summary.in_file, summary.read, len(summary.skipped)) == (
        "proquest-text",
        3,
        2,
        1,
    )
