"""Standard fields of real exports whose DOI, year, authors or PMID stand where the usual
field does not have them (files in tests/data/exports/real, sources in its README)."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchtrail.dedup.files import read_files
from searchtrail.records import read_export, standardise
from searchtrail.records.endnote_xml import read_endnote_xml
from searchtrail.records.fields import Standard
from searchtrail.records.model import ParsedFile
from searchtrail.records.ris import read_ris
from searchtrail.records.tagged import read_nbib, read_refer, read_wos
from tests.conftest import DATA

REAL = DATA / "exports" / "real"


def read(name: str) -> tuple[ParsedFile, list[Standard]]:
    parsed = read_export(REAL / name, name)
    return parsed, [standardise(r.fields, parsed.format) for r in parsed.records]


def read_both_ways(
    text: str, folder: Path, name: str = "records.ris", format_name: str = "ris"
) -> tuple[list[Standard], list[dict[str, str]]]:
    """An export file's records (a RIS file unless ``name`` and ``format_name`` say
    otherwise) read line by line and by column (as ``searchtrail dedup`` reads it), which
    must give the same fields."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    parsed = read_export(path, name)
    assert parsed.format == format_name
    lines = [standardise(r.fields, parsed.format) for r in parsed.records]
    columns, _ = read_files([path])
    return lines, columns.to_dict("records")


def ris(text: str) -> Standard:
    parsed = read_ris(text, file="x.ris", encoding="utf-8")
    return standardise(parsed.records[0].fields, "ris")


# --- 1. a DOI in a RIS link field -------------------------------------------------------


def test_ebscohost_doi_in_l3_is_the_records_doi() -> None:
    parsed, records = read("ebsco_cinahl_doi_in_l3.ris")
    assert (parsed.format, parsed.in_file, len(parsed.records)) == ("ris", 9, 9)
    assert [r["doi"] for r in records] == [
        "10.1371/journal.pone.0298242",
        "10.1371/journal.pone.0298957",
        "10.1080/08912963.2022.2069020",
        "10.4202/app.01004.2022",
        "10.1080/08912963.2021.2010191",
        "10.1371/journal.pone.0294901",
        "10.1186/s12915-022-01329-9",
        "10.1371/journal.pone.0262614",
        "10.4202/app.00797.2020",
    ]
    # The URL stays the database's page.
    assert records[0]["url"].startswith("https://search.ebscohost.com/login.aspx?")


def test_ebscohost_criminal_justice_abstracts_doi_in_l3() -> None:
    parsed, records = read("ebsco_criminal_justice_abstracts_excerpt.ris")
    assert (parsed.in_file, len(parsed.records)) == (3, 3)
    assert [r["doi"] for r in records] == [
        "10.1080/16066359.2020.1867111",
        "10.1007/s10899-020-09951-4",
        "10.1007/s10899-020-09954-1",
    ]


@pytest.mark.parametrize(
    "lines",
    [
        "L3  - 10.1000/abc.1",
        "L3  - doi:10.1000/abc.1",
        "L3  - DOI: 10.1000/abc.1",
        "L2  - https://doi.org/10.1000/abc.1",
        "LK  - http://dx.doi.org/10.1000/abc.1",
        "L4  - 10.1000/abc.1",
        "M3  - 10.1000/abc.1",
        "UR  - https://search.example.com/record/9\nUR  - https://doi.org/10.1000/abc.1",
    ],
)
def test_a_doi_alone_in_any_link_field_is_the_doi(lines: str) -> None:
    assert ris(f"TY  - JOUR\nTI  - A title\n{lines}\nER  - \n")["doi"] == "10.1000/abc.1"


def test_link_fields_give_no_doi_when_do_has_one_and_in_their_order_otherwise() -> None:
    both = "TY  - JOUR\nDO  - 10.1000/do\nL3  - 10.1000/l3\nER  - \n"
    assert ris(both)["doi"] == "10.1000/do"
    order = "TY  - JOUR\nL3  - 10.1000/l3\nL2  - https://doi.org/10.1000/l2\nER  - \n"
    assert ris(order)["doi"] == "10.1000/l2"  # M3, UR, L1, L2, LK, L3, L4


PUBLISHER_RIS = """TY  - JOUR
T1  - Diesel exhaust particles and asthma in urban children
A1  - Okafor, Chidi
A1  - Berg, Ingrid
Y1  - 2004
JF  - International Journal of Environmental Studies
JA  - Int. J. Environ. Stud.
VL  - 61
IS  - 4
SP  - 451
EP  - 463
PB  - Taylor and Francis Ltd.
SN  - 0020-7233
M3  - 10.1080/0020723042000189886
UR  - https://www.tandfonline.com/doi/abs/10.1080/0020723042000189886
ER  -

TY  - JOUR
T1  - Diesel exhaust and airway inflammation
A1  - Berg, Ingrid
Y1  - 2005
JF  - International Journal of Environmental Studies
VL  - 62
SP  - 12
EP  - 20
M3  - Article
UR  - https://doi.org/10.1080/0020723042000200001
ER  -
"""


def test_a_publishers_doi_in_the_type_of_work_field_is_the_doi_not_a_type(tmp_path) -> None:
    # Publishers' RIS (Taylor & Francis, SAGE, the Royal Society of Chemistry) and Mendeley
    # write the DOI in M3, RIS's type of work, and no DO; read line by line and by column.
    for read_as in read_both_ways(PUBLISHER_RIS, tmp_path):
        assert [r["doi"] for r in read_as] == [
            "10.1080/0020723042000189886",
            "10.1080/0020723042000200001",
        ]
        assert [r["type"] for r in read_as] == ["JOUR", "JOUR; Article"]


SCOPUS_RIS_ARTICLE_NUMBERS = """TY  - JOUR
AU  - Larsen, I.M.
TI  - Inhaled corticosteroids and pneumonia in COPD
PY  - 2024
T2  - PLoS ONE
VL  - 19
IS  - 5
C7  - e0301129
DO  - 10.1371/journal.pone.0301129
M3  - Article
ER  -

TY  - JOUR
AU  - Larsen, I.M.
TI  - Pneumonia after inhaled steroids: a register study
PY  - 2023
T2  - Respiratory Medicine
VL  - 210
C7  - 107171
SP  - 1
EP  - 9
M3  - Article
ER  -

TY  - CHAP
AU  - Larsen, I.M.
TI  - Inhaled therapy
PY  - 2022
T2  - Handbook of COPD
C7  - Revised chapter
M3  - Book Chapter
ER  -
"""


def test_a_ris_article_number_is_the_pages_of_a_record_without_pages(tmp_path) -> None:
    # Scopus's RIS gives an electronic article's number in C7 and no SP, where its CSV gives
    # "Art. No." and Web of Science "AR": the pages wherever no page is given, so the copies
    # of one record agree; C7 text that is no number is not taken.
    for read_as in read_both_ways(SCOPUS_RIS_ARTICLE_NUMBERS, tmp_path):
        assert [r["pages"] for r in read_as] == ["e0301129", "1-9", ""]


def test_endnotes_and_refers_type_of_work_follows_the_reference_type_as_in_ris() -> None:
    # One EndNote library exported as RIS (TY, M3), XML (ref-type, work-type) or tagged text
    # (%0, %9) gives one type, so its records are the same kinds of record in each.
    xml = (
        "<xml><records><record><ref-type name='Journal Article'>17</ref-type>"
        "<titles><title>Pneumonia in COPD</title></titles>"
        "<work-type><style face='normal'>Conference Abstract</style></work-type>"
        "</record></records></xml>"
    )
    parsed = read_endnote_xml(xml, file="x.xml", encoding="utf-8")
    assert standardise(parsed.records[0].fields, "endnote-xml")["type"] == (
        "Journal Article; Conference Abstract"
    )
    text = "%0 Journal Article\n%T Pneumonia in COPD\n%9 Conference Abstract\n"
    refer = read_refer(text, file="x.txt", encoding="utf-8")
    assert standardise(refer.records[0].fields, "refer")["type"] == (
        "Journal Article; Conference Abstract"
    )


def test_a_link_that_only_contains_a_doi_somewhere_is_not_taken_from_a_later_field() -> None:
    # A file path or a full-text link holding a DOI-like string is not a DOI field.
    text = "TY  - JOUR\nUR  - https://example.org/x\nL1  - internal-pdf://10.1000/abc.pdf\nER  - \n"
    assert ris(text)["doi"] == ""


# --- 2. an EndNote XML file written indented ----------------------------------------------


def test_pretty_printed_endnote_xml_authors_are_one_each() -> None:
    parsed, records = read("endnote_xml_pretty_printed.xml")
    assert (parsed.format, parsed.in_file, len(parsed.records)) == ("endnote-xml", 2, 2)
    assert [r["authors"] for r in records] == ["Chapman, A. G.", "Strohecker, H. F."]
    assert records[0]["title"].startswith("An ecological basis for reforestation")
    assert records[0]["year"] == "1937"
    assert records[0]["url"] == "<Go to ISI>://000200148800007"
    fields = dict(parsed.records[0].fields)
    assert fields["auth-address"] == "Cent States Forest Expt Stn, Columbus, OH USA"
    assert fields["database"] == "EndNote Ecology.enl"


def test_endnote_xml_keeps_endnotes_own_breaks_and_spaces_without_a_line_break() -> None:
    text = (
        "<xml><records><record><ref-type name='Journal Article'>17</ref-type>\n"
        "<auth-address>\n  <style>Dept A, Oslo.&#xD;Dept B,\n    Bergen.</style>\n"
        "</auth-address>\n"
        "<titles><title>Two  spaces&#xD;\n   after a break</title></titles>"
        "</record></records></xml>"
    )
    fields = dict(read_endnote_xml(text, file="x.xml", encoding="utf-8").records[0].fields)
    assert fields["auth-address"] == "Dept A, Oslo.\rDept B, Bergen."
    assert fields["titles/title"] == "Two  spaces\rafter a break"


# --- 3. a year where PY has none ----------------------------------------------------------


def test_web_of_science_plain_text_early_access_year_from_ey() -> None:
    parsed, records = read("wos_plaintext_early_access_excerpt.ciw")
    assert (parsed.format, parsed.in_file, len(parsed.records)) == ("wos", 2, 2)
    assert [r["year"] for r in records] == ["2019", "2019"]
    assert ("PY", "2019") not in parsed.records[1].fields  # EA JAN, EY 2019 and no PY


def test_web_of_science_plain_text_early_access_year_from_ea() -> None:
    text = "FN Clarivate\nVR 1.0\nPT J\nTI A title\nPD MAR\nEA MAR 2023\nER\n\nEF"
    parsed = read_wos(text, file="wos.txt", encoding="utf-8")
    assert standardise(parsed.records[0].fields, "wos")["year"] == "2023"


def test_web_of_science_ris_early_access_year_from_c6() -> None:
    parsed, records = read("wos_ris_early_access_excerpt.ris")
    assert (parsed.in_file, len(parsed.records)) == (3, 3)
    assert [r["year"] for r in records] == ["2019", "2022", "2021"]


@pytest.mark.parametrize(("c6", "year"), [("FEB 2022", "2022"), ("NIHMS1234567", "")])
def test_c6_gives_a_year_only_when_it_is_a_date(c6: str, year: str) -> None:
    assert ris(f"TY  - JOUR\nTI  - A title\nC6  - {c6}\nER  - \n")["year"] == year


def test_c6_is_not_taken_over_a_year_field() -> None:
    assert ris("TY  - JOUR\nPY  - 2021\nC6  - FEB 2022\nER  - \n")["year"] == "2021"


def test_web_of_science_bibtex_early_access_date_and_wrapped_author_fields() -> None:
    parsed, records = read("wos_bibtex_early_access_excerpt.bib")
    assert (parsed.format, parsed.in_file, len(parsed.records)) == ("bibtex", 4, 4)
    assert [r["year"] for r in records] == ["2018", "2022", "2021", "2020"]
    # Web of Science wraps a long author field over lines: only " and " separates.
    assert records[0]["authors"].split("\n") == [
        "Carneiro, Joao",
        "Conceicao, Luis",
        "Martinho, Diogo",
        "Marreiros, Goreti",
        "Novais, Paulo",
    ]


def test_trid_start_date_written_as_one_number() -> None:
    parsed, records = read("trid.ris")
    assert (parsed.in_file, len(parsed.records)) == (3, 3)
    assert [r["year"] for r in records] == ["2017", "2018", "2019"]


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("Start date: 20170812", "2017"),
        ("201708", "2017"),
        ("2017/08/12", "2017"),
        ("20171312", ""),  # no month 13: not a date
        ("123456789", ""),
    ],
)
def test_a_year_from_a_date_written_as_one_number(value: str, year: str) -> None:
    assert ris(f"TY  - JOUR\nPY  - {value}\nER  - \n")["year"] == year


def test_the_first_year_field_that_holds_a_year() -> None:
    assert ris("TY  - JOUR\nPY  - 99\nY1  - 2001/09/01/\nER  - \n")["year"] == "2001"


# --- 4. authors with a leading "and"; a PMID line without its space ------------------------


def test_abstrackr_authors_one_a_line_with_a_leading_and() -> None:
    _, records = read("abstrackr.csv")
    assert records[0]["authors"].split("\n") == [
        "Longrich, N.R.",
        "Pereda-Suberbiola, X.",
        "Bardet, N.",
        "Jalil, N.-E.",
    ]
    assert not any(name.startswith("and ") for r in records for name in r["authors"].split("\n"))


def test_a_leading_and_after_splitting_at_semicolons_is_a_separator() -> None:
    record = standardise([("authors", "Smith J; Jones K; and Lee M")], "csv")
    assert record["authors"].split("\n") == ["Smith J", "Jones K", "Lee M"]


def test_medline_pmid_line_without_the_space_after_the_hyphen() -> None:
    parsed, records = read("medline_pmid_without_space.txt")
    assert (parsed.format, parsed.in_file, len(parsed.records)) == ("nbib", 7, 7)
    assert [r["pmid"] for r in records] == [
        "20481061",
        "",
        "",
        "22664220",
        "22664238",
        "96578310",
        "45984220",
    ]
    assert [r.line for r in parsed.records] == [1, 56, 77, 87, 91, 95, 99]
    assert records[3]["doi"] == "10.1016/j.cpr.2005.02.002"


def test_only_a_pmid_of_digits_is_read_without_the_space() -> None:
    text = "PMID- 1\nTI  - A title\n\nPMID-2x\nTI  - Another\n"
    parsed = read_nbib(text, file="x.nbib", encoding="utf-8")
    assert [r.fields[0] for r in parsed.records] == [("PMID", "1"), ("TI", "Another")]
    assert "1 line(s) outside records skipped (line 4)" in parsed.notes[0]


# --- a generational suffix in a list of names split at commas ------------------------------

# Two records of a Scopus CSV export without full names (../shared/benchmarks/exports/
# scopus.csv, records 2 and 6, affiliations, abstracts and keywords cut short; the last name of the
# second given a "Jr." for the test): Scopus writes "Thompson F.R., III", the suffix after a
# comma as the names are separated.
SCOPUS_SUFFIX = (
    "\ufeffAuthors,Author(s) ID,Title,Year,Source title,Volume,Issue,Art. No.,Page start,"
    "Page end,Page count,Cited by,DOI,Link,Affiliations,Authors with affiliations,Abstract,"
    "Author Keywords,Document Type,Publication Stage,Access Type,Source,EID\n"
    '"Roach M.C., Thompson F.R., III, Jones-Farrand T.","57202399895;7202217448;57202402248;",'
    '"Effects of pine-oak woodland restoration on breeding bird densities in the Ozark-Ouachita'
    ' Interior Highlands",2019,"Forest Ecology and Management","437",,,"443","459",,,'
    '"10.1016/j.foreco.2018.12.057","https://www.scopus.com/inward/record.uri?eid=2-s2.0-850613'
    '42556","University of Missouri","Roach, M.C., University of Missouri","Restoration is '
    'underway.","Canopy cover; Distance sampling; Early successional","Article","Final",,'
    '"Scopus","2-s2.0-85061342556"\n'
    '"Matseur E.A., Thompson F.R., III, Dickerson B.E., Rumble M.A., Millspaugh J.J., Jr.",'
    '"57201340849;7202217448;55345208700;55899054300;7004625579;","Black-backed woodpecker '
    'abundance in the black hills",2018,"Journal of Wildlife Management","82","5",,"1039",'
    '"1048",,,"10.1002/jwmg.21450","https://www.scopus.com/inward/record.uri?eid=2-s2.0-850443'
    '80371","South Dakota State University","Matseur, E.A., South Dakota State University",'
    '"Woodpeckers.","Black Hills","Article","Final",,"Scopus","2-s2.0-85044380371"\n'
)


def test_a_generational_suffix_stays_with_its_name(tmp_path: Path) -> None:
    # "III" is not an author: the names are as many as Scopus's author ids, read line by
    # line and by column alike.
    lines, columns = read_both_ways(SCOPUS_SUFFIX, tmp_path, "scopus.csv", "scopus-csv")
    assert (
        [r["authors"] for r in lines]
        == [r["authors"] for r in columns]
        == [
            "Roach M.C.\nThompson F.R. III\nJones-Farrand T.",
            "Matseur E.A.\nThompson F.R. III\nDickerson B.E.\nRumble M.A.\nMillspaugh J.J. Jr.",
        ]
    )


# --- keywords listed in one cell --------------------------------------------------------

# The first record of Zotero's CSV export (../shared/benchmarks/exports/zotero.csv, its tags
# cut short): Zotero lists the tags in one cell, as Scopus does its keywords.
ZOTERO_TAGS = (
    "Key,Item Type,Publication Year,Author,Title,Publication Title,ISSN,DOI,Pages,Issue,"
    "Volume,Manual Tags,Automatic Tags\n"
    'ACSRAG7N,journalArticle,2022,"Rotter, Carina; Whittaker, Danielle; Rusbridge, Clare",'
    "Myoclonus in older Cavalier King Charles Spaniels.,Journal of veterinary internal "
    'medicine,1939-1676 0891-6640,10.1111/jvim.16404,1032-1038,3,36,"*Dog Diseases/diagnostic '
    'imaging; *Myoclonus/veterinary; Animals; Dogs; Humans; R&amp;D",\n'
)


def test_keywords_listed_in_one_cell_are_one_a_line(tmp_path: Path) -> None:
    # RIS writes a keyword a line (KW) and CSL-JSON a list: a cell's list is split at its
    # semicolons, not at an HTML entity's, line by line and by column alike.
    lines, columns = read_both_ways(ZOTERO_TAGS, tmp_path, "zotero.csv", "zotero-csv")
    assert lines[0]["keywords"] == columns[0]["keywords"]
    assert lines[0]["keywords"].split("\n") == [
        "*Dog Diseases/diagnostic imaging",
        "*Myoclonus/veterinary",
        "Animals",
        "Dogs",
        "Humans",
        "R&amp;D",
    ]
    lines, columns = read_both_ways(SCOPUS_SUFFIX, tmp_path, "scopus.csv", "scopus-csv")
    assert lines[0]["keywords"] == columns[0]["keywords"]
    assert columns[0]["keywords"].split("\n") == [
        "Canopy cover",
        "Distance sampling",
        "Early successional",
    ]


# --- an e-mail address after an author's name -------------------------------------------

# The first record of a BIOSIS Previews export in Web of Science's tab-delimited form
# (../shared/benchmarks/exports/wos_biosis_tabdelimited.txt, its columns cut to those
# shown): BIOSIS writes the corresponding author's e-mail address after the name.
BIOSIS_EMAIL = (
    "\ufeffPT\tAU\tTI\tSO\tPY\tVL\tIS\tBP\tEP\tDI\tUT\n"
    "J\tTingley, Morgan W. (morgan.tingley@uconn.edu) ; Stillman, Andrew N.; Wilkerson, "
    "Robert L.; Howell, Christine A.; Sawyer, Sarah C.; Siegel, Rodney B.\tCross-scale "
    "occupancy dynamics of a postfire specialist in response to variation across a fire "
    "regime\tJournal of Animal Ecology\t2018\t87\t5\t1484\t1496\t10.1111/1365-2656.12851\t"
    "BIOSIS:PREV201800796061\n"
)


def test_an_email_address_after_a_name_is_no_part_of_it(tmp_path: Path) -> None:
    lines, columns = read_both_ways(BIOSIS_EMAIL, tmp_path, "biosis.txt", "wos-tab")
    expected = "Tingley, Morgan W.\nStillman, Andrew N.\nWilkerson, Robert L.\nHowell, "
    expected += "Christine A.\nSawyer, Sarah C.\nSiegel, Rodney B."
    assert [r["authors"] for r in lines] == [r["authors"] for r in columns] == [expected]
    # One name a line with the address in it, as a RIS export of the same record gives it.
    ris = "TY  - JOUR\nAU  - Tingley, Morgan W. (morgan.tingley@uconn.edu)\nAU  - Siegel, "
    ris += "Rodney B.\nTI  - Cross-scale occupancy dynamics\nPY  - 2018\nER  - \n"
    line_read, column_read = read_both_ways(ris, tmp_path)
    assert (
        line_read[0]["authors"]
        == column_read[0]["authors"]
        == ("Tingley, Morgan W.\nSiegel, Rodney B.")
    )
