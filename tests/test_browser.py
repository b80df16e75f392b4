"""The report page in a real browser: headless Chromium, driven by Playwright, opening the
worked example's ``reports/prisma.html`` from disk.

Every number that opens a list is clicked and its list compared with ``reports/flow.csv``
(read here on its own, by the definitions in docs/counting.md); a record's trail is followed
from a list to its export line and back to the boxes it is counted in; the diagram's texts
are measured against their boxes; the page and its print layout are photographed into
``tests/artifacts/browser/`` (kept by CI).

The tests need Chromium (Debian's ``chromium`` package) and the ``playwright`` package. They
are skipped when either is missing, unless ``SEARCHTRAIL_BROWSER=required`` (as in CI),
when that is a failure.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from searchtrail.pipeline import (
    stage_counts,
    stage_dedup,
    stage_records,
    stage_reports,
    stage_screening,
)

from .conftest import EXAMPLE, REPO

ARTIFACTS = REPO / "tests" / "artifacts" / "browser"


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worked example with every stage run, as the pipeline runs it."""
    target = tmp_path_factory.mktemp("browser") / "parenting"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("reports"))
    for stage in (stage_records, stage_dedup, stage_screening, stage_counts, stage_reports):
        stage(target)
    return target


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed review (the repository's own searches/, in Norwegian) with every stage run."""
    target = tmp_path_factory.mktemp("browser") / "seed"
    for folder in ("searches", "screening"):
        shutil.copytree(REPO / folder, target / folder)
    for stage in (stage_records, stage_dedup, stage_screening, stage_counts, stage_reports):
        stage(target)
    return target


@pytest.fixture
def page(browser: Any, worked: Path) -> Iterator[Any]:
    """The report page, opened from disk; fails the test on any script error."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.goto((worked / "reports" / "prisma.html").as_uri())
    yield opened
    context.close()
    assert errors == []


# --- flow.csv, read on its own ----------------------------------------------------------------

SOUGHT = {
    "awaiting retrieval",
    "not retrieved",
    "awaiting eligibility assessment",
    "excluded at eligibility",
    "included",
}
ASSESSED = {"awaiting eligibility assessment", "excluded at eligibility", "included"}
REMOVED = {"removed by automation tool", "removed for other reasons"}


def flow_rows(directory: Path) -> list[dict[str, str]]:
    with (directory / "reports" / "flow.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def expected(rows: list[dict[str, str]], key: str) -> set[str] | None:
    """The duplicate groups flow.csv puts behind the number ``key`` opens (None: this test
    does not derive that number from flow.csv)."""
    latest = str(max(int(r["round"]) for r in rows))
    databases = [r for r in rows if r["column"] == "databases"]
    if key.startswith(("src.", "tot.")):
        if key.startswith("tot."):
            mine, column = rows, key.removeprefix("tot.")
        else:
            source, column = key.removeprefix("src.").rsplit(".", 1)
            mine = [r for r in rows if source in r["sources"].split("; ")]
        only = key.startswith("src.") and key.removeprefix("src.").rsplit(".", 1)[0]
        tests = {
            "exported": lambda r: True,
            "publications": lambda r: True,
            "only_here": lambda r: r["sources"].split("; ") == [only],
            "screened": lambda r: r["column"] == "databases" and r["status"] not in REMOVED,
            "sought": lambda r: r["status"] in SOUGHT,
            "assessed": lambda r: r["status"] in ASSESSED,
            "included": lambda r: r["status"] == "included",
            "included_studies": lambda r: r["status"] == "included",
        }
        if column not in tests:
            return None
        return {r["duplicate_group"] for r in mine if tests[column](r)}
    prefix = f"r{latest}.box."
    if not key.startswith(prefix):
        return None
    box = key.removeprefix(prefix)
    new = [r for r in databases if r["round"] == latest]
    boxes = {
        "records_screened": [r for r in new if r["status"] not in REMOVED],
        "records_excluded": [r for r in new if r["status"] == "excluded at screening"],
        "dbr_sought_reports": [r for r in new if r["status"] in SOUGHT],
        "dbr_notretrieved_reports": [r for r in new if r["status"] == "not retrieved"],
        "dbr_assessed": [r for r in new if r["status"] in ASSESSED],
        "dbr_excluded": [r for r in new if r["status"] == "excluded at eligibility"],
        "new_reports": [r for r in rows if r["round"] == latest and r["status"] == "included"],
        "previous_reports": [r for r in rows if r["round"] < latest and r["status"] == "included"],
        "total_reports": [r for r in rows if r["status"] == "included"],
    }
    if box not in boxes:
        return None
    return {r["duplicate_group"] for r in boxes[box]}


def listed_groups(page: Any) -> set[str]:
    """The duplicate groups the open list shows, after showing all of it."""
    page.wait_for_selector("#browser:not([hidden]) .shown")
    more = page.locator("#browser button.more")
    while more.is_visible():
        more.click()
    return set(
        page.locator("#browser tr[data-group]").evaluate_all(
            "rows => rows.map(r => r.dataset.group)"
        )
    )


# --- the tests ------------------------------------------------------------------------------------


def test_every_number_that_opens_a_list_lists_flow_csv_publications(
    page: Any, worked: Path
) -> None:
    rows = flow_rows(worked)
    keys = page.locator("[data-list]").evaluate_all("els => els.map(e => e.dataset.list)")
    checked = 0
    for key in dict.fromkeys(keys):
        want = expected(rows, key)
        if want is None:
            continue
        page.locator(f'[data-list="{key}"]').first.click()
        got = listed_groups(page)
        assert got == want, key
        shown_n = page.locator("#browser .list-n strong").inner_text()
        assert shown_n.startswith("n = ")
        checked += 1
        page.locator("#browser-close").click()
    # the per-source table alone has 5 sources x 5 derived columns, plus the total line
    assert checked >= 30


def test_permalink_opens_the_list_and_filtering_narrows_it(page: Any, worked: Path) -> None:
    page.goto((worked / "reports" / "prisma.html").as_uri() + "#list=tot.publications")
    groups = listed_groups(page)
    assert groups == {r["duplicate_group"] for r in flow_rows(worked)}
    page.locator("#browser .filter").fill("norwegian")
    page.wait_for_timeout(100)
    narrowed = set(
        page.locator("#browser tr[data-group]").evaluate_all(
            "rows => rows.map(r => r.dataset.group)"
        )
    )
    titles = page.locator("#browser tr[data-group] .pub-title").all_inner_texts()
    assert narrowed
    assert narrowed < groups
    assert all("norwegian" in t.lower() for t in titles)


def test_a_records_trail_from_a_box_to_its_export_line_and_back(page: Any, worked: Path) -> None:
    rows = {r["duplicate_group"]: r for r in flow_rows(worked)}
    page.locator('[data-list="tot.included"]').first.click()
    page.wait_for_selector("#browser tr[data-group]")
    first = page.locator("#browser tr[data-group]").first
    group = first.get_attribute("data-group")
    first.locator("a.pub-title").click()
    page.wait_for_selector("#browser .trail-records")
    assert page.url.endswith(f"#record={rows[group]['record_id']}")
    # 1. every record of its group, with the file and line it was read from
    records = page.locator("#browser .trail-records tr[data-record]")
    wheres = records.locator("td.where").all_inner_texts()
    ids = records.evaluate_all("rows => rows.map(r => r.dataset.record)")
    with (worked / "reports/dedup/groups.csv").open(encoding="utf-8", newline="") as handle:
        groups_csv = list(csv.DictReader(handle))
    group_column = next(c for c in groups_csv[0] if "group" in c)
    in_group = {r["record_id"] for r in groups_csv if r[group_column] == group}
    assert set(ids) == in_group or (len(ids) == 1 and rows[group]["record_id"] in ids)
    for record_id, where in zip(ids, wheres, strict=True):
        file, line = where.rsplit(":", 1)
        text = (worked / file).read_text(encoding="utf-8", errors="replace").splitlines()
        assert int(line) >= 1
        assert text[int(line) - 1].strip(), (record_id, where)
    # 3. the decisions, with the files and lines they were read from
    decided = page.locator("#browser dl.decisions").inner_text()
    for where in rows[group]["decided_in"].split("; "):
        assert where in decided
    # 4. the boxes it is counted in, each opening its list again
    boxes = page.locator("#browser ul.boxes a")
    assert boxes.count() >= 1
    boxes.first.click()
    assert group in listed_groups(page)


def test_a_record_permalink_opens_its_publication(page: Any, worked: Path) -> None:
    row = flow_rows(worked)[0]
    page.goto((worked / "reports" / "prisma.html").as_uri() + f"#record={row['record_id']}")
    page.wait_for_selector("#browser .trail-records")
    focused = page.locator("#browser tr.focus").get_attribute("data-record")
    assert focused == row["record_id"]


def printed_pages(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each page of a printed PDF: its width, height and text."""
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf)
    pages = []
    for index in range(len(document)):
        sheet = document[index]
        width, height = sheet.get_size()
        pages.append((width, height, sheet.get_textpage().get_text_range()))
    return pages


def test_screenshots_of_the_page_and_its_print_layout(page: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page.png"), full_page=True)
    page.locator('[data-list="tot.included"]').first.click()
    page.wait_for_selector("#browser tr[data-group]")
    page.screenshot(path=str(ARTIFACTS / "list.png"))
    page.locator("#browser-close").click()
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "print.png"), full_page=True)
    for paper in ("A4", "Letter"):
        pdf = page.pdf(path=str(ARTIFACTS / f"print-{paper.lower()}.pdf"), format=paper)
        first, second = printed_pages(pdf)[:2]
        # the diagram alone on the first page, turned to landscape (it is wider than tall)
        width, height, text = first
        assert width > height
        assert "Records identified from" in text
        assert "Legend" not in text
        assert "Legend" in second[2]
    # tables fit the printed page: nothing wider than the body
    overflow = page.evaluate(
        "() => Array.from(document.querySelectorAll('main table')).filter("
        "t => t.scrollWidth > document.body.clientWidth + 1).length"
    )
    assert overflow == 0


def outside_their_boxes(page: Any) -> list[str]:
    """The diagram's lines that do not lie inside their box's rectangle, as the browser lays
    them out with the fonts it has (the phase bars' rotated labels inside their bars)."""
    found: list[str] = page.evaluate(
        """() => {
        const found = [];
        for (const box of document.querySelectorAll('.diagram svg g[id^="box-"], .diagram svg g.phase')) {
          const rect = box.querySelector('rect');
          if (!rect) continue;
          const r = rect.getBoundingClientRect();
          for (const text of box.querySelectorAll('text')) {
            const t = text.getBoundingClientRect();
            if (t.left < r.left - 0.5 || t.right > r.right + 0.5 ||
                t.top < r.top - 0.5 || t.bottom > r.bottom + 0.5) {
              found.push((box.id || 'phase') + ': ' + text.textContent);
            }
          }
        }
        return found;
      }"""
    )
    return found


def test_no_text_of_the_diagram_leaves_its_box(page: Any) -> None:
    assert outside_their_boxes(page) == []
    boxes = page.locator('.diagram svg g[id^="box-"]').count()
    assert boxes >= 10


def test_a_box_of_the_diagram_opens_its_list(page: Any, worked: Path) -> None:
    rows = flow_rows(worked)
    latest = max(int(r["round"]) for r in rows)
    key = f"r{latest}.box.records_screened"
    page.locator(f'.diagram svg [data-list="{key}"]').first.click()
    assert listed_groups(page) == expected(rows, key)
    assert page.url.endswith("#list=" + key)


def test_the_seed_review_page_speaks_norwegian(browser: Any, seed: Path) -> None:
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    page.goto((seed / "reports" / "prisma.html").as_uri())
    assert page.get_attribute("html", "lang") == "nb"
    assert page.get_attribute(".diagram svg", "lang") == "nb"
    diagram = page.locator(".diagram svg").inner_html()
    assert "Referanser identifisert fra:" in diagram
    assert "Records identified from" not in diagram
    assert page.locator("h2#diagram").inner_text() != "PRISMA 2020 flow diagram"
    assert outside_their_boxes(page) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".diagram").screenshot(path=str(ARTIFACTS / "seed-diagram-nb.png"))
    context.close()
