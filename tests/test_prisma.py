"""The PRISMA 2020 diagram (SVG), the report page (HTML) and PRISMA.csv."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import xml.etree.ElementTree as ET

import pytest

from searchtrail.reports.prisma import build_prisma_reports
from searchtrail.reports.prisma.diagram import PAD_X, render_svg
from searchtrail.reports.prisma.template import COLUMNS
from searchtrail.reports.prisma.textwidth import text_width, wrap
from tests.conftest import counts_of

SVG = "{http://www.w3.org/2000/svg}"

# The data names of the PRISMA2020 R package's template CSV, in its order.
TEMPLATE_DATA = [
    "NA", "previous_studies", "previous_reports", "NA", "database_results",
    "database_specific_results", "register_results", "register_specific_results", "NA",
    "website_results", "organisation_results", "citations_results", "duplicates",
    "excluded_automatic", "excluded_other", "records_screened", "records_excluded",
    "dbr_sought_reports", "dbr_notretrieved_reports", "other_sought_reports",
    "other_notretrieved_reports", "dbr_assessed", "dbr_excluded", "other_assessed",
    "other_excluded", "new_studies", "new_reports", "total_studies", "total_reports",
    "identification", "screening", "included",
]  # fmt: skip


def in_language(review, language: str):
    """``review`` with its reports asked for in ``language`` (``report_language``)."""
    return dataclasses.replace(review, metadata={**review.metadata, "report_language": language})


@pytest.fixture(scope="module")
def seed_reports(seed_review, seed_counts):
    """The seed review's reports in English (its own language is Norwegian; the diagram in
    Norwegian is checked in test_language.py)."""
    return build_prisma_reports(in_language(seed_review, "en"), seed_counts)


@pytest.fixture(scope="module")
def two_column_reports(two_column_review):
    return build_prisma_reports(two_column_review, counts_of(two_column_review))


def box_texts(svg: str) -> dict[str, str]:
    """The text of each box, its wrapped lines joined with spaces."""
    root = ET.fromstring(svg.split("\n", 1)[1] if svg.startswith("<?xml") else svg)
    texts = {}
    for group in root.iter(f"{SVG}g"):
        key = group.get("id", "")
        if key.startswith("box-"):
            texts[key[4:]] = " ".join("".join(t.itertext()) for t in group.iter(f"{SVG}text"))
    return texts


def test_seed_diagram_has_the_other_methods_column_only(seed_reports):
    texts = box_texts(seed_reports.svg)
    assert "database_results" not in texts
    assert "othstud" in texts
    identification = texts["website_results"]
    assert "Websites (n = 5,932 + 4 searches with no count)" in identification
    assert "Organisations (n = 3,399 + 8 searches with no count)" in identification
    assert "NICE (n = 1,239)" in identification
    assert "MFoF (n not reported, 2 searches)" in identification
    assert "Citation searching (n not reported, 1 search)" in identification
    # The box names its parts: the log's 45 + 4 unknown, and NICE NG76 from outside the
    # searches; of them, 13 have decisions, so at least 33 await one.
    assert texts["other_sought_reports"] == (
        "Reports sought for retrieval (n = 46 + 4 searches with no count) "
        "stated in the log by searches without exported records (n = 45 + 4 searches with no "
        "count) found outside the searches (n = 1) awaiting a decision: 33 or more"
    )
    assert "Other sources (n = 1) record file included (n = 1)" in identification
    # Decisions for the twelve listed references and NG76 (screening/full_text.csv).
    assert texts["other_assessed"] == "Reports assessed for eligibility (n = 13)"
    assert texts["other_excluded"] == (
        "Reports excluded (n = 12) Does not answer the review questions (n = 12)"
    )
    assert texts["new_studies"] == (
        "Studies included in review (n = 1) Reports of included studies (n = 1)"
    )


def test_two_column_diagram_has_both_columns(two_column_reports):
    texts = box_texts(two_column_reports.svg)
    assert {"newstud", "othstud", "database_results", "duplicates", "records_screened"} <= set(
        texts
    )
    assert "Databases (n = 800 + 1 search with no count)" in texts["database_results"]
    assert "PsycINFO (n not reported, 1 search)" in texts["database_results"]
    assert "Registers (n = 23)" in texts["database_results"]
    assert "Duplicate records removed pending" in texts["duplicates"]


def test_every_line_fits_its_box(seed_reports, two_column_reports):
    for svg in (seed_reports.svg, two_column_reports.svg):
        root = ET.fromstring(svg.split("\n", 1)[1])
        for group in root.iter(f"{SVG}g"):
            rect = group.find(f"{SVG}rect")
            if rect is None or not group.get("id", "").startswith("box-"):
                continue
            left = float(rect.get("x"))
            right = left + float(rect.get("width"))
            for text in group.iter(f"{SVG}text"):
                content = "".join(text.itertext())
                bold = text.get("font-weight") == "bold"
                size = float(text.get("font-size", "11"))
                width = text_width(content, size, bold=bold)
                centred = text.get("text-anchor") == "middle"
                x = float(text.get("x")) - (width / 2 if centred else 0)
                assert left + PAD_X - 0.5 <= x, (group.get("id"), content)
                assert x + width <= right - PAD_X + 0.5, (group.get("id"), content)


def test_source_lines_link_to_the_html_sections(seed_reports):
    links = re.findall(r'<a href="([^"]+)">', seed_reports.svg)
    assert "prisma.html#source-google-scholar" in links
    assert "prisma.html#source-socialstyrelsen-denmark" in links
    ids = set(re.findall(r'<details id="([^"]+)"', seed_reports.html))
    inline_links = set(re.findall(r'<a href="#(source-[^"]+)"', seed_reports.html))
    assert len(ids) == 15
    assert inline_links == ids


def test_text_from_inputs_is_escaped(two_column_review):
    hostile = '<script>alert("x")</script> & Co'
    searches = list(two_column_review.searches)
    searches[0] = dataclasses.replace(searches[0], source=hostile, query="a < b")
    review = dataclasses.replace(two_column_review, title=hostile, searches=tuple(searches))
    reports = build_prisma_reports(review, counts_of(review))
    assert "<script>alert" not in reports.svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in reports.svg
    ET.fromstring(reports.svg.split("\n", 1)[1])  # still well-formed
    assert reports.html.count("<script>") == 1  # only the page's own script
    assert "a &lt; b" in reports.html
    rows = list(csv.reader(io.StringIO(reports.csv)))
    assert all(len(row) == len(COLUMNS) for row in rows)


def test_html_page_needs_no_network(seed_reports):
    html = seed_reports.html
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)
    assert "<link" not in html
    assert "@import" not in html
    assert "<svg" in html
    assert "<?xml" not in html


def test_html_page_shows_every_search(seed_reports, seed_review):
    for search in seed_review.searches:
        assert f"<code>{search.id}</code>" in seed_reports.html


def test_prisma_csv_follows_the_template(seed_reports, two_column_reports):
    rows = list(csv.reader(io.StringIO(two_column_reports.csv)))
    assert tuple(rows[0]) == COLUMNS
    assert [row[0] for row in rows[1:]] == TEMPLATE_DATA
    # The seed review has records from outside its searches: the template's optional
    # "other sources" row follows citation searching.
    seed = [row[0] for row in csv.reader(io.StringIO(seed_reports.csv))][1:]
    at = TEMPLATE_DATA.index("citations_results") + 1
    assert seed == [*TEMPLATE_DATA[:at], "other_results", *TEMPLATE_DATA[at:]]


def test_prisma_csv_seed_numbers(seed_reports):
    rows = {row["data"]: row for row in csv.DictReader(io.StringIO(seed_reports.csv))}
    assert rows["website_results"]["n"] == "5932"
    assert rows["website_results"]["boxtext"] == "Websites (plus 4 searches with no count)"
    assert rows["organisation_results"]["n"] == "3399"
    assert "NICE: 1,239" in rows["organisation_results"]["tooltips"]
    assert rows["citations_results"]["n"] == "NA"
    # 45 stated by the searches (4 state none) and NICE NG76 from outside them.
    assert rows["other_sought_reports"]["n"] == "46"
    assert rows["other_sought_reports"]["boxtext"] == (
        "Reports sought for retrieval (plus 4 searches with no count; awaiting a decision: "
        "33 or more)"
    )
    # No database searches: nothing passed through that column.
    assert rows["records_screened"]["n"] == "0"
    assert rows["database_results"]["n"] == "0"


def test_prisma_csv_lists_databases_in_template_form(two_column_reports):
    rows = {row["data"]: row for row in csv.DictReader(io.StringIO(two_column_reports.csv))}
    assert rows["database_specific_results"]["n"] == "MEDLINE, 412; Embase, 388; PsycINFO, NA"
    assert rows["register_specific_results"]["n"] == "ClinicalTrials.gov, 23"
    assert rows["database_results"]["n"] == "800"


def test_wrap_breaks_long_words_and_keeps_everything():
    text = "https://www.scie-socialcareonline.org.uk/early-identification-assessment-of-needs"
    lines = wrap(f"See {text} now", 120, 11)
    assert "".join(lines).replace(" ", "") == f"See{text}now"
    assert all(text_width(line, 11) <= 120 for line in lines)


def test_svg_output_is_stable(two_column_review):
    counts = counts_of(two_column_review)
    first = build_prisma_reports(two_column_review, counts)
    second = build_prisma_reports(two_column_review, counts)
    assert first == second


def test_empty_footnotes_give_a_smaller_diagram():
    from searchtrail.reports.prisma.diagram import BoxSpec, Line

    spec = [BoxSpec("new_studies", "other", "included", (Line("Studies included in review"),))]
    plain = render_svg(spec, title="t")
    noted = render_svg(spec, title="t", footnotes=["a note"])
    height = lambda svg: float(re.search(r'height="([0-9.]+)"', svg).group(1))  # noqa: E731
    assert height(noted) > height(plain)
