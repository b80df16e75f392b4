"""Real table and JSON exports (tests/data/exports/real/, sources in the README there): a
header below a database's preamble, column names of reference managers and publishers, rows
that give nothing to count, JSON arrays read as tables, Europe PMC's response pages, and
CSL-JSON told by CSL's own marks (docs/records.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchtrail.errors import ReviewError
from searchtrail.records import detect_format, read_export, standardise
from searchtrail.records.delimited import header_index
from tests.conftest import DATA

REAL = DATA / "exports" / "real"
STRUCTURED = DATA / "exports" / "structured"


def read(path: Path, **options):
    parsed = read_export(path, path.name, **options)
    return parsed, [standardise(r.fields, parsed.format) for r in parsed.records]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- 1. A header below a database's preamble -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("embase_csv_search_query_above_header.csv", '\'"SEARCH QUERY","dinosaur:ti"\''),
        ("embase_csv_resaved_by_excel.csv", "'SEARCH QUERY;dinosaur:ti'"),
    ],
)
def test_embase_csv_with_its_search_query_above_the_header(name, shown):
    """Embase writes the search query, a rule and a blank line above its header; Excel keeps
    them when it saves the file again with ';'. The first was 'format cannot be told', the
    second 12 records with no field."""
    path = REAL / name
    assert detect_format(path.read_text(encoding="utf-8-sig")) == "csv"
    parsed, records = read(path)
    assert (parsed.format, parsed.in_file, len(records), parsed.failures) == (
        "embase-csv",
        10,
        10,
        [],
    )
    assert parsed.notes == [
        "lines 1-3 above the table's header (line 4) are not rows of the table (a "
        f"database's note or search query, {shown}): skipped"
    ]
    assert parsed.records[0].line == 5
    first = records[0]
    assert first["title"].startswith("Cellular structure of dinosaur scales")
    assert first["authors"] == "Yang Z.\nJiang B.\nXu J.\nMcNamara M.E."
    assert (first["year"], first["doi"], first["pmid"]) == (
        "2024",
        "10.1038/s41467-024-48400-3",
        "38773066",
    )
    assert first["journal"] == "Nature Communications"
    assert all(record["title"] and record["year"] for record in records)


def test_a_data_row_is_never_taken_for_the_header_of_a_table_with_unknown_columns():
    """A row below the first is a header only when it names two known columns and is wider
    than every line above it: a data row holding 'title' and 'doi' is not."""
    assert header_index(["Ref;Remark;Leaf", "R1;title;doi", "R2;x;7"]) is None
    assert header_index(['"SEARCH QUERY","x"', "----", "", "Title,Authors,Year"]) == 3
    assert header_index(["Title,Year", "A,2020"]) == 0


# --- 2. Rows that give nothing, and columns not understood -------------------------------


def test_a_row_that_gives_no_title_authors_year_or_identifier_is_reported():
    """abstrackr writes 'citations that are not yet labeled by anyone' as a row among the
    records: it was counted as a record."""
    parsed, records = read(REAL / "abstrackr.csv")
    assert (parsed.format, parsed.in_file, len(records)) == ("csv", 11, 10)
    [failure] = parsed.failures
    assert failure.line == 36
    assert "the row gives no title, authors, year or identifier" in failure.message
    assert "'(internal) id'" in failure.message
    assert records[0]["title"].startswith("A new small duckbilled dinosaur")
    assert records[0]["journal"] == "Sci Rep"


def test_a_table_none_of_whose_rows_gives_anything_is_refused(tmp_path):
    path = write(tmp_path, "manifest.csv", "file,format,encoding\na.ris,ris,utf-8\nb.csv,csv,x\n")
    with pytest.raises(ReviewError) as caught:
        read_export(path, "manifest.csv")
    message = str(caught.value)
    assert "manifest.csv:2: none of the table's 2 rows gives a title, authors, a year" in message
    assert "its columns ('file', 'format', 'encoding')" in message
    assert "'columns:' in the export entry" in message


def test_the_log_s_column_mapping_makes_a_row_usable(tmp_path):
    path = write(tmp_path, "custom.csv", "Ref;Heading;Creators\nR1;Parent training;Aas H\n")
    with pytest.raises(ReviewError):
        read_export(path, "custom.csv")
    parsed = read_export(path, "custom.csv", columns={"title": "Heading"})
    assert len(parsed.records) == 1


def test_a_table_whose_rows_mostly_give_no_title_says_so(tmp_path):
    path = write(tmp_path, "t.csv", "Heading,Year\nParent training,2019\nHome visits,2020\n")
    parsed, records = read(path)
    assert (len(records), parsed.failures) == (2, [])
    assert parsed.notes == [
        "2 of the table's 2 rows give no title: the columns of its header ('Heading', "
        "'Year') may not be understood; name the title's column with 'columns:' in the "
        "export entry of the search log (title: ...)"
    ]


def test_refworks_tab_delimited_columns():
    parsed, records = read(REAL / "refworks_tsv_excerpt.tsv")
    assert (parsed.format, parsed.in_file, len(records), parsed.notes) == ("csv", 3, 3, [])
    first = records[0]
    assert first["title"].startswith("The effect of intra-arterial angiotensin II")
    assert first["authors"].split("\n")[1:3] == [
        "Smits,Maarten L. J.",
        "Rosenbaum, Charlotte E. N. M.",
    ]
    assert first["journal"] == "Journal of Vascular and Interventional Radiology"
    assert (first["year"], first["doi"], first["type"]) == (
        "2014",
        "10.1016/j.jvir.2013.12.293",
        "Journal Article",
    )


def test_covidence_published_year():
    parsed, records = read(REAL / "covidence.csv")
    assert (parsed.format, len(records), parsed.notes) == ("csv", 10, [])
    assert [record["year"] for record in records[:3]] == ["2024", "2024", "2024"]
    assert all(record["year"] for record in records)
    assert records[0]["journal"] == "Nature Communications"


def test_springerlink_columns_and_its_run_together_authors():
    parsed, records = read(REAL / "springerlink.csv")
    assert (parsed.format, len(records)) == ("csv", 1)
    [record] = records
    assert (record["title"], record["journal"], record["doi"], record["year"]) == (
        "Publication tilte",
        "Nature",
        "10.1007/11111",
        "2000",
    )
    assert (record["volume"], record["issue"], record["type"]) == ("17", "3", "Article")
    # SpringerLink writes its authors with nothing between them: kept as written.
    assert record["authors"] == "Andy SmithTom Weber"


def test_google_scholar_csv_publication_is_the_journal():
    parsed, records = read(REAL / "google_scholar.csv")
    assert (parsed.format, len(records)) == ("csv", 10)
    assert records[0]["journal"] == "Biological Reviews"
    assert records[0]["authors"] == "Barrett, Paul M\nWillis, Katherine J"
    assert (records[0]["year"], records[0]["pages"]) == ("2001", "411-447")


# --- 3. JSON ---------------------------------------------------------------------------------


def test_reflib_json_is_a_table_not_csl_json():
    """RefLib's JSON has a "type" and a "title" but no CSL mark: read as CSL-JSON it lost its
    authors, year and DOI."""
    path = REAL / "reflib_json_excerpt.json"
    assert detect_format(path.read_text(encoding="utf-8")) == "json-table"
    parsed, records = read(path)
    assert (parsed.format, parsed.in_file, len(records), parsed.failures) == ("csv", 3, 3, [])
    assert [record.line for record in parsed.records] == [2, 31, 61]
    first = records[0]
    assert first["authors"].split("\n") == [
        "Shahtalebi, M. A.",
        "Asghari, G. R.",
        "Rahmani, F.",
        "Shafiee, F.",
        "Jahanian-Najafabadi, A.",
    ]
    assert (first["year"], first["doi"], first["journal"], first["type"]) == (
        "2018",
        "10.4103/abr.abr_99_17",
        "Adv Biomed Res",
        "journalArticle",
    )
    assert records[2]["pages"] == "401-7"
    # Named as a table in the log, it is still read as JSON.
    assert read_export(path, path.name, format_name="csv").format == "csv"


def test_csl_json_is_still_told_by_its_types_names_and_dates():
    assert detect_format((STRUCTURED / "zotero_csl.json").read_text(encoding="utf-8")) == (
        "csl-json"
    )
    item = '[{"id": "a", "title": "T", "author": [{"family": "Aas", "given": "H"}]}]'
    assert detect_format(item) == "csl-json"
    assert detect_format('[{"title": "T", "issued": {"date-parts": [[2020]]}}]') == "csl-json"
    assert detect_format('[{"type": "journalArticle", "title": "T"}]') == "json-table"


def test_publish_or_perish_json():
    path = REAL / "publish_or_perish_google_scholar.json"
    parsed, records = read(path)
    assert (parsed.format, parsed.encoding, parsed.in_file, len(records)) == (
        "pop-csv",
        "utf-8-sig",
        7,
        7,
    )
    first = records[0]
    assert first["title"].startswith("How Trust Leads to Commitment on Microsourcing")
    assert first["authors"] == "W Guo\nD Straub\nP Zhang\nZ Cai"
    assert (first["year"], first["journal"], first["volume"], first["pages"]) == (
        "2021",
        "MIS Quarterly",
        "",
        "",
    )
    assert first["url"].startswith("https://search.ebscohost.com/")
    assert records[-1]["doi"] == "10.1145/1125170.1125191"


def test_a_json_array_of_unknown_objects_is_refused_naming_its_keys(tmp_path):
    path = write(tmp_path, "x.json", '[{"name": "a", "colour": "b"}]\n')
    with pytest.raises(ReviewError) as caught:
        read_export(path, "x.json")
    message = str(caught.value)
    assert "x.json:1: the format cannot be told from the file's content: it is a JSON array" in (
        message
    )
    assert "keys ('name', 'colour') name fewer than two columns searchtrail knows" in message


def test_europepmc_json_response_pages_give_every_page_s_results():
    """An array of response pages was read as one empty record per page."""
    path = REAL / "europepmc_json_pages_excerpt.json"
    assert detect_format(path.read_text(encoding="utf-8")) == "europepmc"
    parsed, records = read(path)
    assert (parsed.format, parsed.in_file, len(records), parsed.failures) == (
        "europepmc",
        4,
        4,
        [],
    )
    assert [record.line for record in parsed.records] == [17, 46, 104, 139]
    assert [record["pmid"] for record in records] == [
        "39709209",
        "40498131",
        "40503739",
        "40457873",
    ]
    assert records[0]["title"].startswith("Abscopal response in a patient")
    assert records[-1]["journal"] == "Cancer Epidemiol Biomarkers Prev"
    assert all(record["title"] and record["year"] for record in records)
