"""Spreadsheet and CSV exports of the databases read directly, and the trial registers'
exports: Web of Science and Embase workbooks, Lens, Dimensions, OpenAlex, Publish or Perish,
ClinicalTrials.gov and WHO ICTRP.

The CSV fixtures in tests/data/exports/tables/ follow each exporter's documented column
layout (see the README there); ``wos_excel.xls`` is a workbook in Web of Science's Excel
layout. The ``.xlsx`` and ``.ods`` workbooks are written here by :func:`xlsx` and :func:`ods`,
from the rows each test gives.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from searchtrail.dedup.engine import deduplicate
from searchtrail.dedup.files import read_files
from searchtrail.errors import ReviewError
from searchtrail.records import detect_format, read_export, standardise
from searchtrail.records.identity import record_key
from searchtrail.records.reader import binary_kind
from searchtrail.records.review import import_review
from searchtrail.searchlog import load_review
from tests.conftest import DATA

TABLES = DATA / "exports" / "tables"


def read(path: Path, **options):
    parsed = read_export(path, path.name, **options)
    return parsed, [standardise(r.fields, parsed.format) for r in parsed.records]


def raw(parsed, index: int, name: str) -> str:
    return next(value for tag, value in parsed.records[index].fields if tag == name)


# --- workbooks written for the tests -----------------------------------------------------

Cell = str | int | float | dt.date | None


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_cell(reference: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        serial = (value - dt.date(1899, 12, 30)).days
        return f'<c r="{reference}" s="1"><v>{serial}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def xlsx(sheets: dict[str, list[list[Cell]]]) -> bytes:
    """An Excel workbook (Office Open XML) with these sheets; a date cell is formatted as a
    date (number format 14), as Excel writes one."""
    names = list(sheets)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for n in range(1, len(names) + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            "<sheets>"
            + "".join(
                f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
                for n, name in enumerate(names, start=1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/'
                f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(names) + 1)
            )
            + '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" xfId="0"/>'
            '<xf numFmtId="14" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'
        ),
    }
    for n, rows in enumerate(sheets.values(), start=1):
        body = "".join(
            f'<row r="{r}">'
            + "".join(_xlsx_cell(f"{_column(c)}{r}", value) for c, value in enumerate(row))
            + "</row>"
            for r, row in enumerate(rows, start=1)
        )
        parts[f"xl/worksheets/sheet{n}.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{body}</sheetData></worksheet>"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def ods(rows: list[list[Cell]], sheet: str = "Sheet1") -> bytes:
    """An OpenDocument spreadsheet with one sheet of these rows."""

    def cell(value: Cell) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(value) for value in row) + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet)}">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
        'vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


EMBASE_HEADER = [
    "Title",
    "Original Title",
    "Author Names",
    "Correspondence Address",
    "Source",
    "Abstract",
    "Emtree Medical Index Terms",
    "keywords",
    "Clinical Trial Numbers",
    "Embase Accession ID",
    "Medline PMID",
    "Open URL Link",
    "Date of Publication",
    "Publication Year",
]
EMBASE_ROWS: list[list[Cell]] = [
    EMBASE_HEADER,
    [
        "Group parent training and child conduct problems: a randomized trial in community clinics",
        None,
        "Larsen I.M., Okafor C.",
        "I.M. Larsen, University of Oslo, Oslo, Norway",
        "Child Development (2021) 92:4 (1320-1335)",
        "Parent training is the first-line treatment for conduct problems in young children.",
        "parent training; conduct disorder; child",
        "parent training",
        "NCT02870000",
        2011234567,
        33512345,
        "http://resolver.example.org/?sid=EMBASE&issn=00093920&id=doi:10.1111%2Fcdev.13562",
        dt.date(2021, 7, 14),
        2021,
    ],
    [None] * len(EMBASE_HEADER),  # a blank row is not a record
    [
        "Incredible Years in Norwegian child welfare services: a two-year follow-up",
        None,
        "Hansen S., Berg P.",
        None,
        "Nordic Journal of Child Welfare (2019) 7:1 (45-60)",
        None,
        None,
        None,
        None,
        2001987654,
        None,
        None,
        dt.date(2019, 3, 1),
        2019,
    ],
]


# --- 1. workbooks ------------------------------------------------------------------------


def test_web_of_science_excel_export_xls():
    parsed, records = read(TABLES / "wos_excel.xls")
    assert (parsed.format, parsed.encoding) == ("wos-excel", "xls")
    assert (len(parsed.records), parsed.in_file, parsed.failures) == (3, 3, [])
    first = records[0]
    assert first["title"].startswith("Group parent training and child conduct problems")
    assert first["authors"] == "Larsen, Ingrid M.\nOkafor, Chidi"
    assert (first["year"], first["volume"], first["issue"], first["pages"]) == (
        "2021",
        "92",
        "4",
        "1320-1335",
    )
    assert first["issn"] == "0009-3920\n1467-8624"
    assert first["ids"] == "wos:000654321000012\npmid:33512345"
    # Numbers are read as the sheet shows them: never 2021.0 or 33512345.0.
    assert raw(parsed, 0, "Publication Year") == "2021"
    assert raw(parsed, 0, "Pubmed Id") == "33512345"
    # A record's line is its row in the sheet; its key is its Web of Science accession.
    assert [r.line for r in parsed.records] == [2, 3, 4]
    assert record_key(first) == "wos-000654321000012"
    assert records[2]["isbn"] == "978-82-15-03456-7"


def test_embase_excel_export_xlsx_dates_and_numbers_as_text(tmp_path):
    path = tmp_path / "embase-1.xlsx"
    path.write_bytes(xlsx({"Embase export": EMBASE_ROWS}))
    parsed, records = read(path)
    assert (parsed.format, parsed.encoding) == ("embase-csv", "xlsx")
    assert (len(parsed.records), parsed.in_file) == (2, 2)
    assert [r.line for r in parsed.records] == [2, 4]
    first = records[0]
    assert first["authors"] == "Larsen I.M.\nOkafor C."
    assert (first["journal"], first["year"], first["volume"], first["pages"]) == (
        "Child Development",
        "2021",
        "92",
        "1320-1335",
    )
    assert first["doi"] == "10.1111/cdev.13562"
    assert first["ids"] == "pmid:33512345\nembase:2011234567"
    assert raw(parsed, 0, "Date of Publication") == "2021-07-14"
    assert raw(parsed, 0, "Publication Year") == "2021"
    assert raw(parsed, 0, "Embase Accession ID") == "2011234567"


def test_web_of_science_excel_export_xlsx(tmp_path):
    header = ["Publication Type", "Authors", "Author Full Names", "Article Title"]
    header += ["Source Title", "Publication Year", "Volume", "UT (Unique WOS ID)"]
    rows: list[list[Cell]] = [
        header,
        ["J", "Strand, L", "Strand, Lars", "Cold-water immersion after exercise",
         "SCAND J MED SCI SPOR", 2019, 29, "WOS:000455555500012"],
    ]  # fmt: skip
    path = tmp_path / "savedrecs.xlsx"
    path.write_bytes(xlsx({"savedrecs": rows}))
    parsed, records = read(path)
    assert (parsed.format, len(records)) == ("wos-excel", 1)
    assert (records[0]["year"], records[0]["volume"]) == ("2019", "29")
    assert records[0]["ids"] == "wos:000455555500012"


def test_the_sheet_with_the_header_is_read_and_a_title_row_above_it_is_passed(tmp_path):
    summary: list[list[Cell]] = [["Search"], ["parent training AND child welfare"], ["Hits", 2]]
    records_sheet: list[list[Cell]] = [
        ["Exported from the database on 2026-10-02"],
        ["Title", "Authors", "Year", "Journal", "DOI"],
        ["Foreldretrening i barnevernet", "Dahl, Kari; Strand, Lars", 2019, None, None],
        ["Parent training at home", "Berg, Ola", 2020, "Child Development", "10.1111/cdev.1"],
    ]
    path = tmp_path / "records.xlsx"
    path.write_bytes(xlsx({"Summary": summary, "Records": records_sheet}))
    parsed, records = read(path)
    assert (parsed.format, len(records), [r.line for r in parsed.records]) == ("csv", 2, [3, 4])
    assert records[0]["authors"] == "Dahl, Kari\nStrand, Lars"
    assert records[1]["year"] == "2020"
    assert any("'Records'" in note and "row 2" in note for note in parsed.notes)
    assert any("'Summary'" in note for note in parsed.notes)


def test_an_opendocument_spreadsheet_with_known_columns(tmp_path):
    path = tmp_path / "records.ods"
    path.write_bytes(
        ods([["Title", "Authors", "Year"], ["Parent training at home", "Berg, Ola", 2020]])
    )
    parsed, records = read(path)
    assert (parsed.format, parsed.encoding, len(records)) == ("csv", "ods", 1)
    assert records[0]["year"] == "2020"


def test_a_workbook_is_told_from_its_content_not_its_name(tmp_path):
    path = tmp_path / "embase-1.ris"
    path.write_bytes(xlsx({"Sheet1": EMBASE_ROWS}))
    parsed, _ = read(path)
    assert (parsed.format, len(parsed.records)) == ("embase-csv", 2)
    # The log's word for the table's layout wins; a format that is not a table is refused.
    assert read(path, format_name="csv")[0].format == "embase-csv"
    with pytest.raises(ReviewError, match=r"names the format 'ris'.*workbook"):
        read(path, format_name="ris")


def test_a_workbook_without_a_table_of_records_is_still_refused(tmp_path):
    path = tmp_path / "cit-1.ris"
    path.write_bytes(xlsx({"Notes": [["Notes from the search"], ["call the librarian"]]}))
    with pytest.raises(ReviewError) as caught:
        read_export(path, "searches/exports/cit-1.ris")
    message = str(caught.value)
    assert "the file is an Excel workbook (.xlsx, a ZIP archive)" in message
    assert "save the sheet as CSV" in message
    assert binary_kind(path.read_bytes()) is not None
    assert binary_kind(xlsx({"Sheet1": EMBASE_ROWS})) is None


def test_a_workbook_row_past_the_header_is_reported_with_its_row(tmp_path):
    rows: list[list[Cell]] = [["Title", "Year"], ["First", 2020], ["Second", 2021, "stray"]]
    path = tmp_path / "rows.xlsx"
    path.write_bytes(xlsx({"Sheet1": rows}))
    parsed, _ = read(path)
    assert (len(parsed.records), parsed.in_file) == (1, 2)
    [failure] = parsed.failures
    assert failure.line == 3
    assert "beyond the last column" in failure.message


# --- 2. CSV exports of scholarly databases -----------------------------------------------


def test_lens_csv():
    parsed, records = read(TABLES / "lens.csv")
    assert (parsed.format, len(records), parsed.in_file) == ("lens-csv", 3, 3)
    first = records[0]
    assert first["authors"] == "Ingrid M. Larsen\nChidi Okafor"
    assert (first["journal"], first["year"], first["pages"]) == (
        "Child development",
        "2021",
        "1320-1335",
    )
    assert first["issn"] == "0009-3920\n1467-8624"
    assert first["ids"] == "lens:012-345-678-901-23X\npmid:33512345"
    assert record_key(first) == "lens-012-345-678-901-23x"
    assert first["url"] == "https://doi.org/10.1111/cdev.13562"


def test_dimensions_csv_with_its_note_above_the_header():
    text = (TABLES / "dimensions.csv").read_text(encoding="utf-8")
    assert text.startswith('"About the data: Exported on')
    assert detect_format(text) == "csv"
    parsed, records = read(TABLES / "dimensions.csv")
    assert (parsed.format, len(records), parsed.in_file) == ("dimensions-csv", 2, 2)
    assert [r.line for r in parsed.records] == [3, 4]
    assert any("About the data" in note for note in parsed.notes)
    first = records[0]
    assert first["authors"] == "Larsen, Ingrid M.\nOkafor, Chidi"
    assert (first["journal"], first["year"], first["pages"]) == (
        "Child Development",
        "2021",
        "1320-1335",
    )
    assert first["ids"] == "dimensions:pub.1134567890\npmid:33512345"
    assert (records[1]["journal"], records[1]["isbn"]) == ("Barnevern i Norge", "978-82-15-03456-7")


def test_openalex_csv():
    parsed, records = read(TABLES / "openalex.csv")
    assert (parsed.format, len(records)) == ("openalex-csv", 2)
    first = records[0]
    assert first["authors"] == "Ingrid M. Larsen\nChidi Okafor"
    assert (first["journal"], first["year"], first["volume"], first["pages"]) == (
        "Child Development",
        "2021",
        "92",
        "1320-1335",
    )
    assert first["doi"] == "10.1111/cdev.13562"
    assert first["issn"] == "0009-3920\n1467-8624"
    assert first["ids"] == "openalex:W3124567890\npmid:33512345"
    assert first["keywords"] == "Parent training\nConduct problems\nChild\nParenting"


def test_publish_or_perish_csv():
    parsed, records = read(TABLES / "publish_or_perish.csv")
    assert (parsed.format, len(records), parsed.failures) == ("pop-csv", 3, [])
    assert records[0]["authors"] == "IM Larsen\nC Okafor"
    assert (records[0]["journal"], records[0]["year"], records[0]["pages"]) == (
        "Child development",
        "2021",
        "1320-1335",
    )
    assert records[0]["doi"] == "10.1111/cdev.13562"
    assert (records[1]["type"], records[2]["authors"]) == ("BOOK", "S Hansen")


# --- 3. trial registers -------------------------------------------------------------------


def test_clinicaltrials_gov_csv_current_and_classic_site():
    current, records = read(TABLES / "ctgov.csv")
    assert (current.format, len(records)) == ("ctgov-csv", 2)
    first = records[0]
    assert first["title"] == (
        "Group Parent Training for Children With Conduct Problems in Community Clinics"
    )
    assert (first["journal"], first["year"], first["publisher"]) == (
        "ClinicalTrials.gov",
        "2016",
        "University of Oslo",
    )
    assert first["url"] == "https://clinicaltrials.gov/study/NCT02870000"
    assert first["ids"] == "nct:NCT02870000"
    assert record_key(first) == "nct-nct02870000"
    assert first["type"] == "trial registration (interventional)"
    assert first["keywords"].split("\n")[:2] == [
        "Conduct Disorder",
        "Oppositional Defiant Disorder",
    ]
    classic, old = read(TABLES / "ctgov_classic.csv")
    assert (classic.format, len(old)) == ("ctgov-csv", 2)
    assert (old[0]["ids"], old[0]["year"]) == ("nct:NCT02870000", "2016")
    assert old[0]["url"] == "https://ClinicalTrials.gov/show/NCT02870000"


def test_who_ictrp_csv_register_ids_become_accessions():
    parsed, records = read(TABLES / "ictrp.csv")
    assert (parsed.format, len(records), parsed.in_file) == ("ictrp-csv", 8, 8)
    assert [r["ids"] for r in records] == [
        "nct:NCT02870000",
        "isrctn:ISRCTN12345678",
        "actrn:ACTRN12619000123456",
        "euctr:EUCTR2015-001234-56-NO",
        "chictr:CHICTR2000029308",
        "drks:DRKS00012345",
        "ctri:CTRI/2020/03/024000",
        "trial:JPRN-UMIN000012345",
    ]
    assert [record_key(r) for r in records][-2:] == [
        "ctri-ctri-2020-03-024000",
        "trial-jprn-umin000012345",
    ]
    assert (records[0]["journal"], records[0]["year"]) == ("ClinicalTrials.gov", "2016")
    assert records[1]["url"] == "https://www.isrctn.com/ISRCTN12345678"
    assert records[2]["keywords"] == "Child behaviour problems\nParenting\nTriple P"


def test_ictrp_columns_with_underscores_as_in_its_xml(tmp_path):
    path = tmp_path / "ictrp.csv"
    path.write_text(
        "TrialID,Public_title,Scientific_title,Date_registration3,Source_Register,web_address\n"
        "ISRCTN12345678,Parent training by telephone,A randomised trial,20170403,ISRCTN,"
        "https://www.isrctn.com/ISRCTN12345678\n",
        encoding="utf-8",
    )
    parsed, records = read(path)
    assert (parsed.format, records[0]["year"], records[0]["ids"]) == (
        "ictrp-csv",
        "2017",
        "isrctn:ISRCTN12345678",
    )
    assert records[0]["title"] == "Parent training by telephone"


def test_register_exports_merge_one_registration_and_never_an_article(tmp_path):
    article = tmp_path / "medline-1.ris"
    article.write_text(
        "TY  - JOUR\nTI  - Group Parent Training for Children With Conduct Problems in "
        "Community Clinics\nAU  - Larsen, Ingrid M.\nPY  - 2016\nT2  - Child Development\n"
        "ER  - \n",
        encoding="utf-8",
    )
    paths = [TABLES / "ctgov.csv", TABLES / "ctgov_classic.csv", TABLES / "ictrp.csv", article]
    records, _ = read_files(paths, ids="key")
    result = deduplicate(records)
    group = dict(zip(result.record_ids, result.group_ids, strict=True))
    same = {
        group[f"{name}:nct-nct02870000"] for name in ("ctgov.csv", "ctgov_classic.csv", "ictrp.csv")
    }
    assert len(same) == 1
    [article_id] = [rid for rid in result.record_ids if rid.startswith("medline-1.ris:")]
    assert group[article_id] not in same
    # 2 + 2 + 8 register records and one article: NCT02870000 is one registration.
    assert (len(records), result.groups) == (13, 11)


def test_exports_of_one_article_from_several_databases_merge():
    paths = [TABLES / name for name in ("lens.csv", "openalex.csv", "dimensions.csv")]
    records, _ = read_files([*paths, TABLES / "wos_excel.xls"], ids="key")
    result = deduplicate(records)
    group = dict(zip(result.record_ids, result.group_ids, strict=True))
    assert (
        group["lens.csv:lens-012-345-678-901-23x"]
        == group["openalex.csv:openalex-w3124567890"]
        == group["dimensions.csv:dimensions-pub-1134567890"]
        == group["wos_excel.xls:wos-000654321000012"]
    )


# --- detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "profile"),
    [
        ("lens.csv", "lens-csv"),
        ("dimensions.csv", "dimensions-csv"),
        ("openalex.csv", "openalex-csv"),
        ("publish_or_perish.csv", "pop-csv"),
        ("ctgov.csv", "ctgov-csv"),
        ("ctgov_classic.csv", "ctgov-csv"),
        ("ictrp.csv", "ictrp-csv"),
    ],
)
def test_each_layout_is_told_from_its_header_not_its_name(tmp_path, name, profile):
    disguised = tmp_path / "export.txt"
    shutil.copy(TABLES / name, disguised)
    assert read_export(disguised, "export.txt").format == profile
    assert detect_format(disguised.read_text(encoding="utf-8")) == "csv"


# --- 4. registers' XML and JSON exports ----------------------------------------------------


def test_who_ictrp_xml_export():
    parsed, records = read(TABLES / "ictrp.xml")
    assert (parsed.format, len(records), parsed.in_file) == ("ictrp-xml", 3, 3)
    assert [r.line for r in parsed.records] == [3, 32, 48]
    assert [r["ids"] for r in records] == [
        "nct:NCT02870000",
        "isrctn:ISRCTN12345678",
        "drks:DRKS00012345",
    ]
    assert (records[0]["year"], records[0]["journal"], records[0]["publisher"]) == (
        "2016",
        "ClinicalTrials.gov",
        "University of Oslo",
    )
    assert records[1]["keywords"].endswith("Telephone-assisted parent training & booklet")


def test_a_broken_ictrp_trial_costs_only_itself(tmp_path):
    text = (TABLES / "ictrp.xml").read_text(encoding="utf-8")
    path = tmp_path / "ictrp.xml"
    path.write_text(text.replace("&amp; booklet", "& booklet"), encoding="utf-8")
    parsed, records = read(path)
    assert (len(records), parsed.in_file) == (2, 3)
    [failure] = parsed.failures
    assert failure.line == 32
    assert "XML is broken" in failure.message


def test_clinicaltrials_gov_json_from_the_api_and_the_site(tmp_path):
    parsed, records = read(TABLES / "ctgov.json")
    assert (parsed.format, len(records), [r.line for r in parsed.records]) == (
        "ctgov-json",
        2,
        [3, 51],
    )
    first = records[0]
    assert first["title"] == (
        "Group Parent Training for Children With Conduct Problems in Community Clinics"
    )
    assert (first["ids"], first["year"], first["publisher"]) == (
        "nct:NCT02870000",
        "2016",
        "University of Oslo",
    )
    assert first["url"] == "https://clinicaltrials.gov/study/NCT02870000"
    assert first["keywords"].split("\n") == [
        "Conduct Disorder",
        "Oppositional Defiant Disorder",
        "parent training",
        "Group parent training",
        "Usual care",
    ]
    # The site's download is an array of the same studies.
    studies = json.loads((TABLES / "ctgov.json").read_text(encoding="utf-8"))["studies"]
    path = tmp_path / "ctg-studies.json"
    path.write_text(json.dumps(studies, indent=2), encoding="utf-8")
    array, again = read(path)
    assert (array.format, [r["ids"] for r in again]) == (
        "ctgov-json",
        ["nct:NCT02870000", "nct:NCT03456789"],
    )


def test_one_registration_in_every_register_export_is_one_record():
    names = ("ctgov.csv", "ctgov_classic.csv", "ictrp.csv", "ictrp.xml", "ctgov.json")
    records, _ = read_files([TABLES / name for name in names], ids="key")
    result = deduplicate(records)
    group = dict(zip(result.record_ids, result.group_ids, strict=True))
    assert len({group[f"{name}:nct-nct02870000"] for name in names}) == 1
    assert group["ctgov_classic.csv:nct-nct03456789"] == group["ctgov.json:nct-nct03456789"]


def test_a_review_imports_a_workbook_and_a_register_export(tmp_path):
    directory = tmp_path / "review"
    exports = directory / "searches" / "exports"
    exports.mkdir(parents=True)
    shutil.copy(DATA / "two_columns/searches/review.yaml", directory / "searches/review.yaml")
    shutil.copy(TABLES / "wos_excel.xls", exports / "wos-1.xls")
    shutil.copy(TABLES / "ictrp.csv", exports / "ictrp-1.csv")
    (directory / "searches/log.yaml").write_text(
        "searches:\n"
        '  - id: wos-1\n    source: Web of Science\n    kind: database\n    date: "2026"\n'
        "    query: x\n    identified: 3\n    export:\n      files: searches/exports/wos-1.xls\n"
        "      holds: identified\n"
        '  - id: ictrp-1\n    source: WHO ICTRP\n    kind: register\n    date: "2026"\n'
        "    query: x\n    identified: 8\n    export:\n      files: searches/exports/ictrp-1.csv\n"
        "      holds: identified\n",
        encoding="utf-8",
    )
    records, imports = import_review(load_review(directory), directory)
    assert [(summary.in_file, summary.read) for summary in imports] == [(3, 3), (8, 8)]
    ids = list(records["record_id"])
    assert ids[:3] == [
        "wos-1:wos-000654321000012",
        "wos-1:wos-000461234500004",
        "wos-1:wos-000501234500001",
    ]
    assert ids[3:5] == ["ictrp-1:nct-nct02870000", "ictrp-1:isrctn-isrctn12345678"]
    assert list(records["format"].unique()) == ["wos-excel", "ictrp-csv"]


def test_scopus_csv_with_the_current_columns(tmp_path):
    header = (
        "Authors,Author full names,Author(s) ID,Title,Year,Source title,Volume,Issue,Art. No.,"
        "Page start,Page end,Page count,Cited by,DOI,Link,Affiliations,Abstract,Author Keywords,"
        "Index Keywords,Publisher,ISSN,PubMed ID,Language of Original Document,"
        "Abbreviated Source Title,Document Type,Publication Stage,Open Access,Source,EID"
    )
    row = (
        '"Larsen I.M.; Okafor C.","Larsen, Ingrid M. (57200000001); Okafor, Chidi '
        '(57200000002)","57200000001; 57200000002","Group parent training",2021,'
        '"Child Development",92,4,,1320,1335,16,14,10.1111/cdev.13562,'
        "https://www.scopus.com/inward/record.uri?eid=2-s2.0-85100000000,Univ Oslo,An abstract.,"
        "parent training,child,Wiley,00093920,33512345,English,Child Dev.,Article,Final,,Scopus,"
        "2-s2.0-85100000000"
    )
    path = tmp_path / "scopus.csv"
    path.write_text(f"\ufeff{header}\n{row}\n", encoding="utf-8")
    parsed, records = read(path)
    assert parsed.format == "scopus-csv"
    assert records[0]["authors"] == "Larsen, Ingrid M.\nOkafor, Chidi"
    assert (records[0]["pages"], records[0]["ids"]) == (
        "1320-1335",
        "pmid:33512345\neid:2-s2.0-85100000000",
    )
