"""PubMed XML, Europe PMC (XML and JSON) and CSL-JSON exports, and reading on past a broken
record in XML and BibTeX files (docs/records.md). The fixtures are in
tests/data/exports/structured/ (their sources are named in the README there)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from searchtrail.errors import ReviewError
from searchtrail.records import bibtex, detect_format, read_export, standardise
from searchtrail.records.review import import_review
from searchtrail.searchlog import load_review
from tests.conftest import DATA

STRUCTURED = DATA / "exports" / "structured"


def read(path: Path, **options):
    parsed = read_export(path, path.name, **options)
    return parsed, [standardise(r.fields, parsed.format) for r in parsed.records]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def raw(parsed, index: int, tag: str) -> list[str]:
    return [value for name, value in parsed.records[index].fields if name == tag]


# --- PubMed XML ---------------------------------------------------------------------------


def test_pubmed_xml_from_efetch_is_read_with_its_fields():
    parsed, records = read(STRUCTURED / "biopython_pubmed2.xml")
    assert (parsed.format, parsed.in_file, len(parsed.records), parsed.failures) == (
        "pubmed-xml",
        2,
        2,
        [],
    )
    first, second = records
    assert (first["pmid"], first["doi"], first["year"]) == (
        "11748933",
        "10.1006/cryo.2001.2328",
        "2001",
    )
    assert first["title"].startswith("Is cryopreservation a homogeneous process?")
    assert first["authors"].split("\n")[:2] == ["Taddei, A R", "Barbato, F"]
    assert (first["journal"], first["volume"], first["issue"], first["pages"]) == (
        "Cryobiology",
        "42",
        "4",
        "244-55",
    )
    assert first["issn"] == "0011-2240"
    assert first["type"] == "Journal Article"
    assert "Cryopreservation/*methods" in first["keywords"].split("\n")
    assert raw(parsed, 0, "Journal/ISOAbbreviation") == ["Cryobiology"]
    assert raw(parsed, 0, "PublicationType") == [
        "Journal Article",
        "Research Support, Non-U.S. Gov't",
    ]
    assert second["ids"] == "pmid:11700088"
    assert second["journal"] == "Journal of magnetic resonance (San Diego, Calif. : 1997)"


def test_pubmed_xml_labelled_abstract_collective_author_and_own_ids_only():
    parsed, [record] = read(STRUCTURED / "biopython_pubmed4.xml")
    assert record["abstract"].startswith("OBJECTIVE: ")
    assert "RESULTS: " in record["abstract"]
    assert record["ids"] == "pmid:27797938\npmcid:PMC5442267"
    parsed, [record] = read(STRUCTURED / "biopython_pubmed7.xml")
    assert record["authors"].split("\n")[-1] == "Canadian Respiratory Research Network"
    # The reference list's ids belong to the works cited, not to this record.
    assert raw(parsed, 0, "ArticleId@pubmed") == ["29963580"]
    assert raw(parsed, 0, "ArticleId@doi") == ["10.1117/1.JMI.5.2.026002"]
    assert record["pages"] == "026002"
    assert raw(parsed, 0, "PubDate") == ["2018 Apr"]


def test_pubmed_xml_medline_date_page_range_suffix_and_book_articles():
    parsed, (article, book) = read(STRUCTURED / "pubmed_book_and_medlinedate.xml")
    assert (parsed.in_file, [r.line for r in parsed.records]) == (2, [4, 88])
    assert raw(parsed, 0, "PubDate") == ["1998 Nov-Dec"]
    assert article["year"] == "1998"
    assert article["pages"] == "1101-1112"  # no MedlinePgn: StartPage-EndPage
    assert article["title"] == (
        "Parent training for conduct problems in Norwegian child welfare: a randomized trial."
    )
    assert article["authors"].split("\n") == [
        "Øvreeide, Hege",
        "Larsen, KM Jr",
        "Norwegian Parent Training Study Group",
    ]
    assert article["abstract"].startswith("BACKGROUND: Conduct problems")
    assert "RESULTS: Problems fell more after training (P < 0.01)." in article["abstract"]
    assert raw(parsed, 0, "ArticleId@doi") == ["10.1111/1469-7610.00412"]
    assert "*Parents/education" in article["keywords"]
    assert (book["pmid"], book["title"], book["journal"], book["year"]) == (
        "20301456",
        "Fragile X Syndrome",
        "GeneReviews®",
        "1993",
    )
    assert book["authors"] == "Hunter, Jessica Ezzell"  # the chapter's author, not the editor
    assert raw(parsed, 1, "Editor") == ["Adam, Margaret P"]
    assert book["publisher"] == "University of Washington, Seattle"


def test_pubmed_xml_in_the_encoding_its_declaration_names(tmp_path):
    text = (STRUCTURED / "pubmed_book_and_medlinedate.xml").read_text(encoding="utf-8")
    latin = text.replace('<?xml version="1.0" ?>', '<?xml version="1.0" encoding="ISO-8859-1"?>')
    path = tmp_path / "latin.xml"
    path.write_bytes(latin.replace("®", "").encode("latin-1"))
    parsed, records = read(path)
    assert (parsed.encoding, records[0]["authors"].split("\n")[0]) == (
        "iso8859-1",
        "Øvreeide, Hege",
    )


def broken_pubmed(tmp_path: Path) -> Path:
    """Three records, the middle one with an unescaped '&' and a tag left open."""
    text = (STRUCTURED / "pubmed_book_and_medlinedate.xml").read_text(encoding="utf-8")
    head, rest = text.split("<PubmedArticle>", 1)
    article = "<PubmedArticle>" + rest.split("</PubmedArticle>", 1)[0] + "</PubmedArticle>\n"
    broken = (
        article.replace("10234567", "10234568")
        .replace("randomized</i> trial", "randomized trial & follow-up")
        .replace("<Volume>39</Volume>", "<Volume>39")
    )
    return write(tmp_path, "pubmed.xml", head + broken + "<PubmedArticle>" + rest)


def test_pubmed_xml_broken_record_is_reported_and_the_others_are_read(tmp_path):
    parsed, records = read(broken_pubmed(tmp_path))
    assert (parsed.in_file, len(parsed.records), len(parsed.failures)) == (3, 2, 1)
    assert [r["pmid"] for r in records] == ["10234567", "20301456"]
    [failure] = parsed.failures
    assert (failure.file, failure.line) == ("pubmed.xml", 4)
    # <Volume> is left open: the parser stops at </JournalIssue>, line 16.
    assert "its XML is broken: mismatched tag (parsing stopped at line 16)" in failure.message


def test_pubmed_xml_record_without_its_end_tag_is_reported(tmp_path):
    text = (STRUCTURED / "pubmed_book_and_medlinedate.xml").read_text(encoding="utf-8")
    cut = text.replace("</PubmedArticle>", "", 1)
    parsed, records = read(write(tmp_path, "cut.xml", cut))
    assert [r["pmid"] for r in records] == ["20301456"]
    [failure] = parsed.failures
    assert failure.line == 4
    assert "no </PubmedArticle> end tag before the next record (line 88)" in failure.message
    truncated = text[: text.index("<PubmedBookArticle>") + 200]
    parsed, records = read(write(tmp_path, "truncated.xml", truncated))
    assert (parsed.in_file, len(records)) == (2, 1)
    assert "before the end of the file" in parsed.failures[0].message
    assert "does not end with </PubmedArticleSet>" in parsed.notes[0]


def review_with(tmp_path: Path, source: Path, *, extra: str = "") -> Path:
    directory = tmp_path / "review"
    (directory / "searches/exports").mkdir(parents=True)
    shutil.copy(DATA / "two_columns/searches/review.yaml", directory / "searches/review.yaml")
    shutil.copy(source, directory / "searches/exports/medline.xml")
    (directory / "searches/log.yaml").write_text(
        'searches:\n  - id: db-1\n    source: MEDLINE\n    kind: database\n    date: "2024"\n'
        "    query: x\n    identified: 3\n    export:\n      files: searches/exports/medline.xml\n"
        f"      holds: identified\n{extra}",
        encoding="utf-8",
    )
    return directory


def test_a_broken_xml_record_stops_the_import_or_is_skipped_and_counted(tmp_path):
    source = broken_pubmed(tmp_path)
    directory = review_with(tmp_path / "a", source)
    with pytest.raises(ReviewError) as caught:
        import_review(load_review(directory), directory)
    assert "searches/exports/medline.xml:4" in str(caught.value)
    extra = "      format: pubmed-xml\n      skip_unreadable: true\n"
    directory = review_with(tmp_path / "b", source, extra=extra)
    records, [summary] = import_review(load_review(directory), directory)
    assert list(records["record_id"]) == ["db-1:pmid-10234567", "db-1:pmid-20301456"]
    assert (summary.in_file, summary.read, len(summary.skipped)) == (3, 2, 1)
    assert "searches/exports/medline.xml:4" in summary.skipped[0]


# --- Europe PMC ---------------------------------------------------------------------------


def test_europepmc_xml_and_json_give_the_same_records():
    xml, from_xml = read(STRUCTURED / "europepmc_core.xml")
    as_json, from_json = read(STRUCTURED / "europepmc_core.json")
    assert (xml.format, xml.in_file, len(xml.records)) == ("europepmc", 3, 3)
    assert (as_json.format, as_json.in_file, len(as_json.records)) == ("europepmc", 3, 3)
    assert [r.line for r in xml.records] == [15, 61, 80]
    assert [r.line for r in as_json.records] == [15, 138, 175]
    assert from_xml == from_json
    first, preprint, agricola = from_xml
    assert (first["pmid"], first["doi"], first["year"], first["pages"]) == (
        "33512345",
        "10.1111/cdev.13562",
        "2021",
        "1320-1335",
    )
    assert first["ids"] == "pmid:33512345\npmcid:PMC8012345"
    assert (first["journal"], first["volume"], first["issue"]) == ("Child development", "92", "4")
    # The author string keeps the group in its place among the people.
    assert first["authors"].split("\n") == [
        "Larsen IM",
        "Okafor C",
        "Norwegian Parent Training Study Group",
    ]
    assert first["issn"] == "0009-3920\n1467-8624"
    assert "Parent training" in first["keywords"].split("\n")
    assert (preprint["type"], preprint["doi"], preprint["pmid"]) == (
        "Preprint",
        "10.31234/osf.io/abc12",
        "",
    )
    assert preprint["authors"] == "Sørensen M\nMüller K"
    assert (agricola["journal"], agricola["issn"], agricola["year"]) == (
        "Journal of agromedicine",
        "1059-924X",
        "2019",
    )


def test_europepmc_broken_result_is_reported_and_namespaced_elements_are_read(tmp_path):
    text = (STRUCTURED / "europepmc_core.xml").read_text(encoding="utf-8")
    text = text.replace("<pageInfo>44-51</pageInfo>", "<pageInfo>44-51</pageinfo>")
    text = text.replace("<pubModel>Preprint</pubModel>", "<slx:link>x</slx:link>")
    parsed, records = read(write(tmp_path, "epmc.xml", text))
    assert [r["title"][:10] for r in records] == ["Group pare", "Home visit"]
    assert raw(parsed, 1, "link") == ["x"]  # slx: is declared on the root element only
    [failure] = parsed.failures
    assert failure.line == 80
    assert "mismatched tag" in failure.message


def test_europepmc_json_results_without_their_wrapper_and_broken_json(tmp_path):
    data = json.loads((STRUCTURED / "europepmc_core.json").read_text(encoding="utf-8"))
    results = data["resultList"]["result"]
    path = write(tmp_path, "results.json", json.dumps(results, indent=1))
    assert detect_format(path.read_text(encoding="utf-8")) == "europepmc"
    _, records = read(path)
    assert [r["pmid"] for r in records] == ["33512345", "", ""]
    broken = json.dumps(data, indent=1).replace('"pubYear": "2022"', '"pubYear": 2022"')
    with pytest.raises(ReviewError) as caught:
        read(write(tmp_path, "broken.json", broken))
    [problem] = caught.value.problems
    assert problem.line == broken[: broken.index('2022"')].count("\n") + 1
    assert "the JSON cannot be read" in problem.message


# --- CSL-JSON -----------------------------------------------------------------------------


def test_csl_json_from_zotero():
    parsed, (article, chapter, report) = read(STRUCTURED / "zotero_csl.json")
    assert (parsed.format, parsed.in_file, [r.line for r in parsed.records]) == (
        "csl-json",
        3,
        [2, 41, 77],
    )
    assert article["authors"].split("\n") == [
        "Larsen, Ingrid M.",
        "Okafor, Chidi",
        "Norwegian Parent Training Study Group",
    ]
    assert raw(parsed, 0, "issued") == ["2021-07"]
    assert (article["year"], article["journal"], article["pages"], article["doi"]) == (
        "2021",
        "Child Development",
        "1320-1335",
        "10.1111/cdev.13562",
    )
    assert article["ids"] == "pmid:33512345\npmcid:PMC8012345"
    assert (chapter["authors"], chapter["year"], chapter["isbn"]) == (
        "van Gogh, Vincent",
        "2018",
        "978-82-15-03456-7",
    )
    assert raw(parsed, 1, "editor") == ["Ogden, Terje"]
    assert raw(parsed, 1, "accessed") == ["2024-03-05"]
    assert (report["authors"], report["year"], report["publisher"]) == (
        "Folkehelseinstituttet",
        "2019",
        "Folkehelseinstituttet",
    )


def test_csl_json_item_that_is_not_an_object_is_reported(tmp_path):
    items = json.loads((STRUCTURED / "zotero_csl.json").read_text(encoding="utf-8"))
    text = json.dumps([items[0], "a stray string", items[2]], indent=2)
    parsed, records = read(write(tmp_path, "csl.json", text))
    assert (parsed.in_file, len(records)) == (3, 2)
    [failure] = parsed.failures
    assert "item 2 of the array is a str" in failure.message
    assert failure.line == text[: text.index('"a stray')].count("\n") + 1


def test_csl_json_item_with_only_its_type_and_id_is_reported(tmp_path):
    items = json.loads((STRUCTURED / "zotero_csl.json").read_text(encoding="utf-8"))
    text = json.dumps([items[0], {"id": "item-2", "type": "article-journal"}], indent=2)
    parsed, records = read(write(tmp_path, "csl.json", text))
    assert (parsed.in_file, len(records)) == (2, 1)
    [failure] = parsed.failures
    assert "holds no field besides its type (id, type)" in failure.message


# --- telling the formats ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("biopython_pubmed2.xml", "pubmed-xml"),
        ("pubmed_book_and_medlinedate.xml", "pubmed-xml"),
        ("europepmc_core.xml", "europepmc"),
        ("europepmc_core.json", "europepmc"),
        ("zotero_csl.json", "csl-json"),
    ],
)
def test_formats_are_told_from_content(tmp_path, name, expected):
    text = (STRUCTURED / name).read_text(encoding="utf-8")
    assert detect_format(text) == expected
    # Not from the file's name.
    assert read(write(tmp_path, "export.txt", text))[0].format == expected


def test_other_json_and_xml_are_not_claimed():
    assert detect_format("[1, 2, 3]\n") is None
    assert detect_format('{"name": "x", "items": []}\n') is None
    endnote = (DATA / "exports" / "endnote.xml").read_text(encoding="utf-8")
    assert detect_format(endnote) == "endnote-xml"


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("biopython_pubmed2.xml", "endnote-xml"),
        ("biopython_pubmed2.xml", "ris"),
        ("zotero_csl.json", "europepmc"),
        ("europepmc_core.json", "csl-json"),
    ],
)
def test_a_named_format_the_content_contradicts_stops(tmp_path, name, named):
    with pytest.raises(ReviewError) as caught:
        read(STRUCTURED / name, format_name=named)
    assert f"the search log names the format {named!r}" in str(caught.value)


# --- reading on past a broken record --------------------------------------------------------


def entry(key: str, keywords: str) -> str:
    return (
        f"@article{{{key},\n  author = {{Berg, Ola}},\n  title = {{Parent training {key}}},\n"
        f"  keywords = {{{keywords}}},\n  year = {{2016}},\n  doi = {{10.1000/{key}}}\n}}\n\n"
    )


SCRAPED_OPEN = "parent training; {Figure 2: outcomes at 12 months"
SCRAPED_CLOSE = "parent training; outcomes} at 12 months} (see table"


@pytest.mark.parametrize(
    ("keywords", "stopped"),
    [(SCRAPED_OPEN, "reading stopped at line 17"), (SCRAPED_CLOSE, "'}' on line 12")],
)
def test_bibtex_unbalanced_braces_in_one_field_cost_only_that_entry(tmp_path, keywords, stopped):
    text = entry("a", "family") + entry("b", keywords) + entry("c", "child") + entry("d", "welfare")
    parsed, records = read(write(tmp_path, "vendor.bib", text))
    assert parsed.in_file == 4
    # Every other entry is read whole: nothing of the broken one is glued onto them.
    assert [(r["doi"], r["year"], r["keywords"]) for r in records] == [
        ("10.1000/a", "2016", "family"),
        ("10.1000/c", "2016", "child"),
        ("10.1000/d", "2016", "welfare"),
    ]
    [failure] = parsed.failures
    assert (failure.file, failure.line) == ("vendor.bib", 9)
    assert stopped in failure.message


def test_bibtex_is_read_entry_by_entry_when_the_parser_fails_on_the_whole_file(
    tmp_path, monkeypatch
):
    real = bibtex.parse_string

    def fails_on_many(text: str, **options):
        if text.count("@article") > 1:
            raise RuntimeError("parser state")
        if "{c}" in text:
            raise RuntimeError("cannot read this one")
        return real(text, **options)

    monkeypatch.setattr(bibtex, "parse_string", fails_on_many)
    text = "@string{ja = {Journal of Adolescence}}\n" + "".join(
        entry(key, "k") for key in "abcd"
    ).replace("title = {Parent training c}", "title = {c}").replace("year = {2016}", "journal = ja")
    parsed, records = read(write(tmp_path, "parts.bib", text))
    assert [r["doi"] for r in records] == ["10.1000/a", "10.1000/b", "10.1000/d"]
    assert [r.line for r in parsed.records] == [2, 10, 26]
    assert records[0]["journal"] == "Journal of Adolescence"  # macros defined before still hold
    [failure] = parsed.failures
    assert failure.line == 18
    assert "cannot read this one" in failure.message


def test_endnote_xml_broken_record_is_reported_and_the_others_are_read(tmp_path):
    text = (DATA / "exports" / "endnote.xml").read_text(encoding="utf-8")
    broken = text.replace("</record><record>", "</record>\n<record>").replace(
        "Hansen, Per", "Hansen & Per", 1
    )
    parsed, records = read(write(tmp_path, "endnote.xml", broken))
    assert parsed.in_file == len(records) + 1
    assert [failure.line for failure in parsed.failures] == [2]
    assert "not well-formed" in parsed.failures[0].message
    assert "read one by one" in parsed.notes[0]
    whole, _ = read(DATA / "exports" / "endnote.xml")
    assert records[0] == standardise(whole.records[0].fields, "endnote-xml")
