"""Real vendor text exports from public repositories (``tests/data/exports/real``, sources in
its README): ProQuest's plain text with ProQuest Dissertations & Theses' labels and its
bibliography, Journals@Ovid's fielded text, and Ovid's tagged "Direct Export"; and the
general rules those files showed, on written examples."""

from __future__ import annotations

from pathlib import Path

from searchtrail.records import detect_format, read_export, standardise
from searchtrail.records.model import ParsedFile
from tests.conftest import DATA

REAL = DATA / "exports" / "real"


def read(name: str) -> tuple[ParsedFile, list[dict[str, str]]]:
    parsed = read_export(REAL / name, name)
    return parsed, [standardise(r.fields, parsed.format) for r in parsed.records]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- ProQuest plain text ----------------------------------------------------------------


def test_proquest_dissertations_labels_link_and_bibliography() -> None:
    parsed, records = read("proquest_dissertations_excerpt.txt")
    # The excerpt keeps documents 1-3 and 100 of the file's 100: the others are missing.
    assert (parsed.format, parsed.in_file, len(parsed.records), len(parsed.failures)) == (
        "proquest-text",
        100,
        4,
        96,
    )
    assert [r.line for r in parsed.records] == [218, 284, 346, 412]
    assert [r["title"] for r in records] == [
        "Entrenchment and the Kripke-Wittgenstein paradox",
        "The Potential Use of Skin-derived Precursors (SKPs) in Stem-cell Based Therapy for "
        "Hirschsprung's Disease",
        "Hume, Skepticism, and the Search for Foundations",
        "Anthrobiota: Human-microbe relationships on the edge of biological science",
    ]
    assert [r["authors"] for r in records] == [
        "Dorst, Chris",
        "Sun, Xiaoyun",
        "Andrew, James B.",
        "Benezra, Amber",
    ]
    assert {r["year"] for r in records} == {"2014"}
    assert {r["language"] for r in records} == {"English"}
    # The bare link under "Author:" is the record's URL, not an author.
    assert records[0]["url"] == (
        "http://search.proquest.com.proxy.lib.uwaterloo.ca/docview/1548716365?accountid=14906"
    )
    fields = dict(parsed.records[0].fields)
    assert fields["University location"] == "United States -- North Carolina"
    assert fields["Language"] == "English"
    assert fields["Identifier / keyword"].endswith("New riddle of induction")
    assert fields["Links"].count("http://") == 2  # a second link line stays in Links
    assert records[0]["isbn"] == "9781303940095"
    assert records[0]["ids"] == "an@proquest:1548716365"
    # The bibliography after the last document is neither a record nor contact lines.
    last = dict(parsed.records[-1].fields)
    assert last["University/institution"] == "The New School"
    bibliography, contact = parsed.notes
    assert "bibliography of the documents in the citation style BibTeX" in bibliography
    assert "not read as records" in bibliography
    assert "contact and copyright lines; lines 510, 511, 512" in contact


PROQUEST = """Report Information from ProQuest
____________________________________________________________

Document 1 of 1

A study of things

Author: Doe, Jane

https://www.proquest.com/docview/123456789

Abstract: Background: the first paragraph.

Methods Used: a paragraph that looks like a label.

Links: https://resolver.example.org/a

https://resolver.example.org/b

Degree granting body: Example University

Advisor: Roe, Richard

Title: A study of things

Publication year: 2020

Language: French

ProQuest document ID: 123456789

Bibliography

Citation style: APA 6th - American Psychological Association, 6th Edition

Doe, J. (2020). A study of things.

____________________________________________________________

Contact us at: https://www.proquest.com/
"""


def test_proquest_any_label_starts_a_field_outside_running_text(tmp_path: Path) -> None:
    parsed = read_export(write(tmp_path, "pq.txt", PROQUEST), "pq.txt")
    assert (parsed.format, parsed.in_file, len(parsed.records)) == ("proquest-text", 1, 1)
    fields = dict(parsed.records[0].fields)
    # Label-like paragraphs of an abstract stay in it; an unknown label after Links is a field.
    assert fields["Abstract"] == (
        "Background: the first paragraph.\n\nMethods Used: a paragraph that looks like a label."
    )
    assert fields["Links"] == "https://resolver.example.org/a\n\nhttps://resolver.example.org/b"
    assert fields["Degree granting body"] == "Example University"
    assert fields["Author"] == "Doe, Jane"
    assert fields["URL"] == "https://www.proquest.com/docview/123456789"
    # A bibliography without a rule before it ends the document all the same.
    assert "Citation style" not in fields
    assert fields["ProQuest document ID"] == "123456789"
    record = standardise(parsed.records[0].fields, parsed.format)
    assert (record["authors"], record["language"], record["year"]) == (
        "Doe, Jane",
        "French",
        "2020",
    )
    assert any("citation style APA 6th" in note for note in parsed.notes)
    assert any("contact and copyright lines" in note for note in parsed.notes)


# --- Journals@Ovid fielded text -----------------------------------------------------------


def test_journals_at_ovid_source_doi_and_numbered_authors() -> None:
    parsed, [record] = read("ovid_journals_test4.txt")
    assert (parsed.format, parsed.in_file, len(parsed.records)) == ("ovid-text", 1, 1)
    assert record["title"] == (
        "Cloud water interception and element deposition differ largely between Norway spruce "
        "stands along an elevation transect in Harz Mountains, Germany."
    )
    assert record["authors"].split("\n") == [
        "Kohler, Lars",
        "Leuschner, Christoph",
        "Hauck, Markus",
        "Hertel, Dietrich",
    ]
    assert (record["journal"], record["volume"], record["issue"], record["pages"]) == (
        "Ecohydrology",
        "8",
        "6",
        "1048-1064",
    )
    assert (record["year"], record["doi"], record["issn"], record["language"]) == (
        "2015",
        "10.1002/eco.1563",
        "1936-0584",
        "English",
    )
    assert record["keywords"].split("\n")[-1] == "throughfall"

    parsed, [record] = read("ovid_journals_test3.txt")
    assert (parsed.format, len(parsed.records)) == ("ovid-text", 1)
    assert record["authors"] == "Holstiege, Jakob\nMathes, Tim\nPieper, Dawid"
    assert record["doi"] == "10.1136/amiajnl-2014-002886"
    assert record["journal"] == "Journal of the American Medical Informatics Association"
    assert record["title"].endswith("a systematic review.")  # without Ovid's "[Review]"
    assert record["url"].startswith("http://ovidsp.ovid.com/ovidweb.cgi?")


# --- Ovid's tagged Direct Export ----------------------------------------------------------


def test_ovid_direct_export_for_citavi_and_endnote() -> None:
    for name, second in (
        ("ovid_direct_embase_citavi.ovd", 72),
        ("ovid_direct_embase_endnote.cgi", 75),
    ):
        parsed, records = read(name)
        assert (parsed.format, parsed.in_file, len(parsed.records), parsed.failures) == (
            "ovid-direct",
            2,
            2,
            [],
        )
        assert [r.line for r in parsed.records] == [1, second]
        first = records[0]
        assert first["title"] == (
            "Quality of life in patients with primary ciliary dyskinesia: A systematic review."
        )
        assert first["authors"].split("\n") == ["Behan L.", "Rubbo B.", "Lucas J.S.", "Galvin A.D."]
        assert (first["year"], first["journal"], first["volume"], first["issue"]) == (
            "2018",
            "BMC Proceedings",
            "12",
            "Supplement 3",
        )
        assert first["pages"] == ""  # "(no pagination)"
        assert (first["doi"], first["issn"], first["language"]) == (
            "10.1186/s12919-018-0099-8",
            "1753-6561",
            "English",
        )
        assert (first["ids"], first["type"], first["publisher"]) == (
            "embase:621381829",
            "Conference Abstract",
            "BioMed Central Ltd.",
        )
        assert first["abstract"].startswith("Background: As in most rare diseases")
        assert first["abstract"].endswith(
            "Interventions that ameliorate these issues need investigation."
        )
        assert "*quality of life" in first["keywords"].split("\n")
        assert records[1]["ids"] == "embase:621381823"
    # The institution's second line continues the IN field.
    fields = read_export(REAL / "ovid_direct_embase_citavi.ovd", "x").records[0].fields
    assert dict(fields)["IN"].split("\n")[1].startswith("(Behan, Galvin) School of Applied")


OVID_DIRECT = """<1. >
VN  - Ovid Technologies
DB  - Ovid MEDLINE(R) ALL
UI  - 33512345
AU  - Larsen IM
AU  - Okafor C
FA  - Larsen, Ingrid M
FA  - Okafor, Chidi
TI  - Group parent training and child conduct problems.
SO  - Child Development. 92(4):1320-1335, 2021 Jul.
IS  - 0009-3920 (Print)
LG  - English
DO  - https://dx.doi.org/10.1111/cdev.13562
YR  - 2021

<2. >

<3. >
VN  - Ovid Technologies
DB  - Embase
UI  - 2012345678
TI  - Home visits after birth.
SO  - Lancet. 391 (10127) (pp 1234-1245), 2018. Date of Publication: 31 Mar 2018.
AU  - Sorensen M.
YR  - 2018
"""


def test_ovid_direct_tags_by_database_and_a_record_without_tags(tmp_path: Path) -> None:
    strategy = "".join(f"{n}     parent*.ti,ab. ({n})\n" for n in range(1, 701))
    text = (
        "Database: Ovid MEDLINE(R) ALL <1946 to March 13, 2024>\nSearch Strategy:\n"
        + "-" * 40
        + "\n"
        + strategy
        + "\n"
        + OVID_DIRECT
    )
    assert detect_format(OVID_DIRECT) == detect_format(text) == "ovid-direct"
    parsed = read_export(write(tmp_path, "ovid.txt", text), "ovid.txt")
    assert (parsed.format, parsed.in_file, len(parsed.records)) == ("ovid-direct", 3, 2)
    [failure] = parsed.failures
    assert "no tag line after it" in failure.message
    assert "703 line(s) before the first record skipped" in parsed.notes[0]
    medline, embase = (standardise(r.fields, "ovid-direct") for r in parsed.records)
    assert (medline["ids"], medline["authors"]) == (
        "pmid:33512345",
        "Larsen, Ingrid M\nOkafor, Chidi",
    )
    assert (medline["journal"], medline["volume"], medline["issue"], medline["pages"]) == (
        "Child Development",
        "92",
        "4",
        "1320-1335",
    )
    assert (medline["doi"], medline["issn"]) == ("10.1111/cdev.13562", "0009-3920")
    assert embase["ids"] == "embase:2012345678"
    assert (embase["journal"], embase["volume"], embase["issue"], embase["pages"]) == (
        "Lancet",
        "391",
        "10127",
        "1234-1245",
    )


def test_ovid_direct_needs_ovids_version_line_and_no_ris_type() -> None:
    assert detect_format(OVID_DIRECT.replace("VN  - Ovid Technologies\n", "")) != "ovid-direct"
    ris = OVID_DIRECT.replace("VN  - Ovid", "TY  - JOUR\nVN  - Ovid") + "ER  - \n"
    assert detect_format(ris) == "ris"
