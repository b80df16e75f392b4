"""The report plots (UpSet, overlap heatmap, stages, rounds): the numbers written on their
marks are the counts' numbers, every text fits inside the drawing, a plot with nothing to
draw says why in a message that fits, and the same counts give the same bytes."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from searchtrail.counts.model import IDENTIFICATION_BOXES, ReviewCounts
from searchtrail.counts.number import Count, total
from searchtrail.counts.store import from_json, to_json
from searchtrail.layout import OUTPUTS
from searchtrail.pipeline import assess
from searchtrail.reports import render_figures, render_reports
from searchtrail.reports.duplicates import overlap_heatmap_svg, upset_svg
from searchtrail.reports.plots import contrast, luminance
from searchtrail.reports.prisma.textwidth import text_width
from searchtrail.reports.stages import rounds_svg, stages_svg
from searchtrail.reports.words import visible
from searchtrail.searchlog import Review
from tests.conftest import EXAMPLE, REPO
from tests.reviews import ReviewFiles, build, record_id

SVG = "{http://www.w3.org/2000/svg}"
PLOTS: dict[str, Callable[..., str]] = {
    "overlap_svg": upset_svg,
    "overlap_heatmap_svg": overlap_heatmap_svg,
    "stages_svg": stages_svg,
    "rounds_svg": rounds_svg,
}
# Letters reach this far above and below the baseline, in em, in DejaVu Sans (the widest of
# the fonts the plots name, the one text_width measures).
ASCENT, DESCENT = 0.93, 0.24

HOSTILE = "<b>\"Med\" & 'Line'</b>\u202e"
LONG = " ".join(["A source with a very long name that goes on"] * 4)


def updated_review() -> ReviewFiles:
    """Two rounds; a source whose name is markup, one with a very long name, a search that
    states no count; nobody has screened anything yet (every later stage is pending)."""
    review = ReviewFiles(title="Plots <script>alert(1)</script> & co. " * 4)
    review.search("medline-1", source=HOSTILE, identified=4, export=[0, 1, 2, 3])
    review.search("embase-1", source="Embase", identified=3, export=[2, 3, 4])
    review.search("web-1", "website", source=LONG, identified="unknown", for_assessment=0)
    review.search("medline-2", source=HOSTILE, identified=3, round_number=2, export=[2, 5, 6])
    review.search("cit-2", "citation_search", source="Reference lists", identified=2,
                  for_assessment=2, round_number=2, export=[6, 7], holds="for_assessment")  # fmt: skip
    return review


def screened_review() -> ReviewFiles:
    """Two databases, all records screened; one included."""
    review = ReviewFiles()
    review.search("medline-1", identified=3, export=[0, 1, 2])
    review.search("embase-1", identified=2, export=[1, 3])
    review.screening["removed"] = []
    for key in (0, 1, 2):
        review.decide(
            "title_abstract", record_id("medline-1", key), "exclude" if key else "include"
        )
    review.decide("title_abstract", record_id("embase-1", 3), "exclude")
    review.decide("full_text", record_id("medline-1", 0), "include", "")
    review.decide("studies", record_id("medline-1", 0), "S1")
    return review


def no_records() -> ReviewFiles:
    review = ReviewFiles()
    review.search("web-1", "website", source="Helsebiblioteket", identified=10, for_assessment=0)
    return review


def one_source() -> ReviewFiles:
    review = ReviewFiles()
    review.search("medline-1", identified=3, export=[0, 1, 2])
    return review


@dataclass(frozen=True)
class Case:
    review: Review
    counts: ReviewCounts


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Case]:
    made: dict[str, Case] = {}
    for name, directory in (("seed", REPO), ("example", EXAMPLE)):
        checked = assess(directory)
        made[name] = Case(checked.review, checked.counts)
    for name, make in (
        ("updated", updated_review),
        ("screened", screened_review),
        ("no-records", no_records),
        ("one-source", one_source),
    ):
        checked = assess(make().write(tmp_path_factory.mktemp(name)))
        made[name] = Case(checked.review, checked.counts)
    return made


CASES = ("seed", "example", "updated", "screened", "no-records", "one-source")


# --- reading an SVG back ------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.removeprefix('<?xml version="1.0" encoding="UTF-8"?>\n'))


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def marks(svg: str, kind: str) -> list[tuple[str, list[str]]]:
    """Each mark of a kind: its title, and the texts written on or beside it."""
    found = []
    for group in parse(svg).iter(f"{SVG}g"):
        if group.get("class") != kind:
            continue
        title = group.find(f"{SVG}title")
        texts = [text_of(t) for t in group.iter(f"{SVG}text")]
        found.append((text_of(title) if title is not None else "", texts))
    return found


def overflows(svg: str) -> list[str]:
    """Every text that reaches outside the drawing, measured in the widest font."""
    root = parse(svg)
    width, height = float(root.get("width", 0)), float(root.get("height", 0))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    wrong = []
    for element in root.iter(f"{SVG}text"):
        content = text_of(element)
        x, y = float(element.get("x", 0)), float(element.get("y", 0))
        size = float(element.get("font-size", 0))
        assert size > 0, content
        length = text_width(content, size, bold=element.get("font-weight") == "bold")
        if element.get("transform"):
            assert element.get("transform") == f"rotate(-90 {element.get('x')} {element.get('y')})"
            box = (x - ASCENT * size, y - length, x + DESCENT * size, y)
        else:
            anchor = element.get("text-anchor", "start")
            left = {"start": x, "middle": x - length / 2, "end": x - length}[anchor]
            box = (left, y - ASCENT * size, left + length, y + DESCENT * size)
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
            wrong.append(f"{content!r} at {box} in {width} × {height}")
    return wrong


def label(count: Count | int) -> str:
    """A count as the test expects to read it beside a bar."""
    if isinstance(count, int):
        return f"{count:,}"
    if count.pending:
        return "pending"
    assert count.value is not None, count
    assert not count.unstated, count
    return f"{count.value:,}"


# --- every plot ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("plot", PLOTS)
def test_every_text_fits_inside_the_drawing(cases, case, plot):
    c = cases[case]
    svg = PLOTS[plot](c.review, c.counts)
    assert not overflows(svg)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("plot", PLOTS)
def test_same_counts_give_the_same_bytes(cases, case, plot):
    """Rendered twice, and from counts read back from counts.json: byte-identical."""
    c = cases[case]
    first = PLOTS[plot](c.review, c.counts)
    assert PLOTS[plot](c.review, from_json(to_json(c.counts))) == first
    assert PLOTS[plot](c.review, c.counts) == first


@pytest.mark.parametrize("plot", PLOTS)
def test_each_plot_can_be_placed_inline_in_a_page(cases, plot):
    c = cases["example"]
    document = PLOTS[plot](c.review, c.counts)
    inline = PLOTS[plot](c.review, c.counts, xml_declaration=False)
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    assert inline.startswith("<svg ")
    assert document.endswith(inline)
    ids = re.findall(r'\bid="([^"]+)"', inline)
    assert len(ids) == 1, "one id per plot, so that several plots can share a page"


def test_the_plots_have_ids_of_their_own(cases):
    c = cases["example"]
    ids = [re.findall(r'\bid="([^"]+)"', plot(c.review, c.counts))[0] for plot in PLOTS.values()]
    assert len(set(ids)) == len(ids)


def test_the_reports_stage_writes_each_plot(cases):
    c = cases["example"]
    reports = render_reports(c.review, c.counts)
    figures = render_figures(reports["prisma_svg"])
    assert set(reports) | set(figures) == set(OUTPUTS["reports"])
    for key, plot in PLOTS.items():
        assert OUTPUTS["reports"][key].endswith(".svg")
        assert reports[key] == plot(c.review, c.counts)
    assert OUTPUTS["reports"]["overlap_heatmap_svg"] == "reports/overlap_heatmap.svg"
    assert OUTPUTS["reports"]["rounds_svg"] == "reports/rounds.svg"


@pytest.mark.parametrize("plot", PLOTS)
def test_input_text_is_escaped(cases, plot):
    c = cases["updated"]
    svg = PLOTS[plot](c.review, c.counts)
    parse(svg)  # well-formed
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "\u202e" not in svg  # the direction override is written out as its code
    if plot != "rounds_svg":
        assert "&lt;b&gt;&quot;Med&quot; &amp; &#x27;Line&#x27;&lt;/b&gt;[U+202E]" in svg


# --- the numbers on the marks -------------------------------------------------------------


@pytest.mark.parametrize("case", ["seed", "example", "updated", "screened"])
def test_upset_bars_carry_the_counts_numbers(cases, case):
    c = cases[case]
    d = c.counts.records
    svg = upset_svg(c.review, c.counts, limit=5)
    shown = marks(svg, "combination")
    expected = [(visible(f"{' + '.join(m)}: {n:,}"), [f"{n:,}"]) for m, n in d.intersections[:5]]
    assert shown == expected
    sizes = marks(svg, "source")
    assert sizes == [
        (visible(f"{s.source}: {s.publications:,}"), [f"{s.publications:,}"]) for s in d.sources
    ]
    if len(d.intersections) > 5:
        assert f"The 5 largest of {len(d.intersections)} combinations are shown." in svg


def test_upset_says_when_no_publication_was_found_twice(cases):
    c = cases["seed"]
    assert all(len(m) == 1 for m, _ in c.counts.records.intersections)
    assert "No publication was found by more than one source." in upset_svg(c.review, c.counts)


@pytest.mark.parametrize("case", ["seed", "example", "updated", "screened"])
def test_heatmap_cells_carry_the_overlap_and_its_share_of_the_row(cases, case):
    c = cases[case]
    d = c.counts.records
    names = [s.source for s in d.sources]
    pairs = {(a, b): n for a, b, n in d.overlap}
    # The overlap matrix is the sum of the combinations holding both sources.
    for a in names:
        for b in names:
            assert pairs[(a, b)] == sum(n for m, n in d.intersections if a in m and b in m)
    cells = marks(overlap_heatmap_svg(c.review, c.counts), "cell")
    assert len(cells) == len(names) ** 2
    for (title, texts), (a, b) in zip(cells, [(a, b) for a in names for b in names], strict=True):
        n, own = pairs[(a, b)], pairs[(a, a)]
        if a == b:
            assert texts == [f"{n:,}"]
            assert title == visible(f"{a}: {n:,} publications")
            continue
        percent = 100 * n / own
        share = texts[1]
        assert texts[0] == f"{n:,}"
        if n in (0, own):
            assert share == f"{percent:.0f}%"
        else:
            assert share not in {"0%", "100%"}
            assert share in ("<1%", ">99%") or abs(int(share[:-1]) - percent) <= 0.5
        assert title.startswith(visible(f"{a} and {b}: {n:,} publications, {share} of "))


def test_heatmap_numbers_read_well_on_every_cell(cases):
    """Text on a cell has a contrast ratio of at least 4.5 with the cell's colour."""
    svg = overlap_heatmap_svg(cases["example"].review, cases["example"].counts)
    root = parse(svg)
    checked = 0
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "cell":
            continue
        fill = group.find(f"{SVG}rect").get("fill")
        for text in group.iter(f"{SVG}text"):
            assert contrast(text.get("fill", "#1b1b1b"), fill) >= 4.5, (fill, text_of(text))
            checked += 1
    assert checked


def test_heatmap_darker_means_a_larger_share(cases):
    root = parse(overlap_heatmap_svg(cases["example"].review, cases["example"].counts))
    seen: dict[str, float] = {}
    for group in root.iter(f"{SVG}g"):
        texts = [text_of(t) for t in group.iter(f"{SVG}text")]
        if group.get("class") == "cell" and len(texts) == 2 and texts[1][0].isdigit():
            seen[texts[1]] = luminance(group.find(f"{SVG}rect").get("fill"))
    ranked = sorted(seen, key=lambda share: int(share[:-1]))
    assert len(ranked) >= 3
    assert [seen[s] for s in ranked] == sorted(seen.values(), reverse=True)


@pytest.mark.parametrize("case", ["seed", "example", "updated", "screened"])
def test_stage_bars_carry_the_counts_numbers(cases, case):
    c = cases[case]
    rows = [*c.counts.stages.sources, c.counts.stages.total]
    stages = (
        ("exported", "records exported"),
        ("publications", "publications (unique)"),
        ("screened", "screened"),
        ("sought", "sought for retrieval"),
        ("assessed", "assessed for eligibility"),
        ("included", "included reports"),
    )
    expected = []
    for row in rows:
        for stage, words in stages:
            count = getattr(row, stage)
            skipped = stage == "screened" and count == Count(None)
            shown = "not screened (other methods)" if skipped else label(count)
            expected.append((visible(f"{row.name}, {words}: {shown}"), [shown]))
    assert marks(stages_svg(c.review, c.counts), "bar") == expected


def test_a_stage_nobody_has_reached_is_pending_never_zero(cases):
    c = cases["updated"]
    svg = stages_svg(c.review, c.counts)
    bars = dict(marks(svg, "bar"))
    medline = c.counts.stages.sources[0]
    assert medline.screened.pending
    assert medline.included.pending
    assert bars[visible(f"{HOSTILE}, screened: pending")] == ["pending"]
    assert bars[visible(f"{HOSTILE}, included reports: pending")] == ["pending"]
    assert not any(texts == ["0"] for title, texts in marks(svg, "bar") if "pending" in title)
    written = " ".join(text_of(t) for t in parse(svg).iter(f"{SVG}text"))
    assert f"Pending: {medline.screened.pending}" in written


def test_round_bars_carry_each_rounds_numbers(cases):
    c = cases["example"]
    diagrams = {d.round: d for d in (*c.counts.earlier, c.counts.diagram)}
    bars = dict(marks(rounds_svg(c.review, c.counts), "bar"))
    assert len(c.counts.rounds) == 2
    for summary in c.counts.rounds:
        d = diagrams[summary.round]
        n = summary.round
        identified = total(d.boxes[box] for box in IDENTIFICATION_BOXES)
        assert bars[f"Round {n}, records identified: {label(identified)}"] == [label(identified)]
        screened = label(d.boxes["records_screened"])
        assert bars[f"Round {n}, new records screened: {screened}"] == [screened]
        included = label(d.boxes["new_reports"])
        assert bars[f"Round {n}, new reports included: {included}"] == [included]
        for box in IDENTIFICATION_BOXES:
            for name, count in d.breakdown.get(box, ()):
                key = f"Round {n}, records identified by {name}: {label(count)}"
                assert bars[key] == [label(count)]
    assert bars["Round 2, records identified by PsycINFO: not searched in this round"] == [
        "not searched in this round"
    ]
    svg = rounds_svg(c.review, c.counts)
    for summary in c.counts.rounds:
        span = (
            summary.first_date
            if summary.first_date == summary.last_date
            else f"{summary.first_date} to {summary.last_date}"
        )
        assert f"Round {summary.round}: {span}, {summary.searches} searches" in svg


def test_a_round_with_a_search_without_a_count_says_so(cases):
    c = cases["updated"]
    bars = dict(marks(rounds_svg(c.review, c.counts), "bar"))
    identified = total(c.counts.earlier[0].boxes[box] for box in IDENTIFICATION_BOXES)
    assert (identified.value, identified.unstated) == (7, 1)
    assert bars["Round 1, records identified: 7 + 1 search with no count"] == [
        "7 + 1 search with no count"
    ]
    assert bars[f"Round 1, records identified by {LONG}: not reported (1 search)"] == [
        "not reported (1 search)"
    ]


# --- plots with nothing to draw -----------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "plot", "message"),
    [
        ("seed", "rounds_svg", "One search round (57 searches, 2020): the searches have not"),
        ("no-records", "overlap_svg", "No search in the log names an export file"),
        ("no-records", "overlap_heatmap_svg", "No search in the log names an export file"),
        ("no-records", "stages_svg", "No records yet: the search log names no exported"),
        ("one-source", "overlap_svg", "Only one source has records (MEDLINE: 3 publications)"),
        ("one-source", "overlap_heatmap_svg", "Only one source has records (MEDLINE: 3"),
        ("screened", "rounds_svg", "One search round (2 searches, 2024-03-01 to 2024-03-02)"),
    ],
)
def test_a_plot_with_nothing_to_draw_says_why_and_fits(cases, case, plot, message):
    c = cases[case]
    svg = PLOTS[plot](c.review, c.counts)
    written = " ".join(text_of(t) for t in parse(svg).iter(f"{SVG}text"))
    assert message in written
    assert not overflows(svg)
    assert float(parse(svg).get("width", 0)) <= 500


def test_the_overflow_check_notices_a_text_that_does_not_fit():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40" viewBox="0 0 100 40">'
        '<text x="10" y="20" font-size="12">A caption far too long for this drawing</text></svg>'
    )
    assert overflows(svg)


def test_the_reports_stage_writes_the_same_plots(cases, tmp_path):
    """The plots of the shipped example, as the reports stage writes them to disk."""
    target = tmp_path / "parenting"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("reports"))
    written = build(target)
    c = cases["example"]
    for key, plot in PLOTS.items():
        assert written[OUTPUTS["reports"][key]] == plot(c.review, c.counts)
    assert Path(target / OUTPUTS["reports"]["rounds_svg"]).exists()


@pytest.mark.parametrize("plot", ["overlap_svg", "overlap_heatmap_svg"])
def test_the_one_source_message_carries_its_number(cases, plot):
    c = cases["one-source"]
    (only,) = c.counts.records.sources
    ((title, texts),) = marks(PLOTS[plot](c.review, c.counts), "source")
    assert title == f"{only.source}: {only.publications:,}"
    assert f"({only.source}: {only.publications:,} publications)" in " ".join(texts)
