"""Every number in every report, read back from the rendered files and held against the model.

:func:`assert_reports_match` renders a review's reports from its counts, parses the numbers
out of each file as a reader would find them (the diagram's box texts, the HTML page, the
PRISMA2020 template CSV, the Markdown and CSV tables) and checks that each equals the
number in :class:`~searchtrail.counts.model.ReviewCounts`. It reads the files; it does not
ask the renderers how they wrote them. The diagram is read in the review's report language,
with the label table (``labels.yaml``) as its dictionary.
"""

from __future__ import annotations

import csv
import io
import re
import string
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from html.parser import HTMLParser

from searchtrail.counts.model import Diagram, ReviewCounts, StageRow
from searchtrail.counts.number import Count
from searchtrail.reports import render_reports, render_round
from searchtrail.reports.language import NO_BREAK, Words, label_text, report_language
from searchtrail.searchlog import Review

SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = r"\d{1,3}(?:[,. ]\d{3})+|\d+"
"""A number as any report language writes it: 9331, 9,331, 9 331, 9.331."""


def _digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _pattern(template: str, **groups: str) -> str:
    """A label's text as a regular expression, its placeholders replaced by ``groups``."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal.replace(NO_BREAK, " ")))
        if name:
            parts.append(groups[name])
    return "".join(parts)


class Wording:
    """How the diagram writes labels and counts in one language, as patterns to read it by."""

    def __init__(self, language: str = "en") -> None:
        self.words = Words(language)
        searches = "|".join(
            _pattern(label_text(key, language), n=r"\d+")
            for key in ("searches.other", "searches.one")
        )
        number, stated = f"(?P<n>{_NUMBER})", f"(?P<s>{searches})"
        self.n_forms = [
            _pattern(label_text("count.n_unstated", language), n=number, searches=stated),
            _pattern(label_text("count.n", language), n=number),
            _pattern(label_text("count.n_not_reported_searches", language), searches=stated),
            _pattern(label_text("count.n_not_reported", language)),
        ]
        self.any_n = "|".join(re.sub(r"\(\?P<\w+>", "(?:", form) for form in self.n_forms)
        self.pending = _pattern(label_text("count.pending_reason", language), reason="")
        self.awaiting = _pattern(label_text("count.awaiting", language), n=f"({_NUMBER})")

    def parse_n(self, phrase: str) -> Count:
        """'n = 1,234' -> Count(1234); 'n = 5 + 2 searches with no count' -> Count(5, 2);
        'n not reported, 2 searches' -> Count(None, 2) (in this language)."""
        for form in self.n_forms:
            found = re.fullmatch(form, phrase)
            if found:
                n, stated = found.groupdict().get("n"), found.groupdict().get("s")
                unstated = int(re.findall(r"\d+", stated)[0]) if stated else 0
                return Count(None if n is None else _digits(n), unstated)
        raise AssertionError(f"not a count: {phrase!r}")


def parse_n(phrase: str, language: str = "en") -> Count:
    """A count as the diagram of ``language`` writes it, read back (:meth:`Wording.parse_n`)."""
    return Wording(language).parse_n(phrase)


def _comparable(count: Count) -> tuple[int | None, int, bool]:
    return (count.value, count.unstated, bool(count.pending))


class Mismatches(list[str]):
    """What disagrees, as messages."""

    def check(self, where: str, shown: object, model: object) -> None:
        if shown != model:
            self.append(f"{where}: the report shows {shown!r}, the model has {model!r}")


# --- the diagram -------------------------------------------------------------------------------


def box_texts(svg: str) -> dict[str, str]:
    """Each box's text, its wrapped lines joined with spaces."""
    root = ET.fromstring(svg.split("\n", 1)[1] if svg.startswith("<?xml") else svg)
    return {
        group.get("id", "")[4:]: " ".join("".join(t.itertext()) for t in group.iter(f"{SVG}text"))
        for group in root.iter(f"{SVG}g")
        if group.get("id", "").startswith("box-")
    }


def _shown(text: str, label: str, wording: Wording) -> Count | None:
    """The count a box shows for ``label``: a number, or pending; None when absent."""
    if re.search(re.escape(label) + " " + wording.pending, text):
        return Count.waiting("shown as pending")
    found = re.search(re.escape(label) + rf" \(({wording.any_n})\)", text)
    return wording.parse_n(found.group(1)) if found else None


def _expected_lines(diagram: Diagram, words: Words) -> dict[str, list[tuple[str, Count]]]:
    """Per drawn box, the labelled counts it must show."""
    boxes = diagram.boxes
    lines: dict[str, list[tuple[str, Count]]] = {}
    groups = {
        "database_results": (
            ("database_results", "group.databases"),
            ("register_results", "group.registers"),
        ),
        "website_results": (
            ("website_results", "group.websites"),
            ("organisation_results", "group.organisations"),
            ("citations_results", "group.citations"),
            ("other_results", "group.other_sources"),
        ),
    }
    for box, members in groups.items():
        found = []
        for key, label in members:
            if diagram.breakdown.get(key):
                found.append((words.label(label), boxes[key]))
                found.extend((words.source_name(s), n) for s, n in diagram.breakdown[key])
        lines[box] = found
    lines["duplicates"] = [
        (words.label("box.duplicates"), boxes["duplicates"]),
        (words.label("box.automation"), boxes["excluded_automatic"]),
        (words.label("box.removed_other"), boxes["excluded_other"]),
    ]
    for key, label in (
        ("records_screened", "box.records_screened"),
        ("records_excluded", "box.records_excluded"),
        ("dbr_sought_reports", "box.reports_sought"),
        ("dbr_notretrieved_reports", "box.reports_not_retrieved"),
        ("dbr_assessed", "box.reports_assessed"),
        ("dbr_excluded", "box.reports_excluded"),
        ("other_notretrieved_reports", "box.reports_not_retrieved"),
        ("other_assessed", "box.reports_assessed"),
        ("other_excluded", "box.reports_excluded"),
    ):
        lines[key] = [(words.label(label), boxes[key])]
    lines["other_sought_reports"] = [
        (words.label("box.reports_sought"), boxes["other_sought_reports"]),
        *((words.phrase(part), n) for part, n in diagram.sought_parts),
    ]
    for key in ("dbr_excluded", "other_excluded"):
        lines[key].extend((reason, Count(n)) for reason, n in diagram.reasons.get(key, ()))
    new = "box.new_studies" if diagram.previous_column else "box.studies_included"
    reports = "box.new_reports" if diagram.previous_column else "box.reports_included"
    lines["new_studies"] = [
        (words.label(new), boxes["new_studies"]),
        (words.label(reports), boxes["new_reports"]),
    ]
    if diagram.previous_column:
        lines["previous_studies"] = [
            (words.label("box.previous_studies"), boxes["previous_studies"]),
            (words.label("box.previous_reports"), boxes["previous_reports"]),
        ]
        lines["total_studies"] = [
            (words.label("box.total_studies"), boxes["total_studies"]),
            (words.label("box.total_reports"), boxes["total_reports"]),
        ]
    return lines


def check_diagram(
    svg: str, diagram: Diagram, where: str, found: Mismatches, wording: Wording | None = None
) -> None:
    wording = wording or Wording()
    texts = box_texts(svg)
    for key, expected in _expected_lines(diagram, wording.words).items():
        if key.startswith(("database", "duplicates", "records_", "dbr_")):
            present = diagram.databases_column
        elif key.startswith(("website", "other_")):
            present = diagram.other_column
        else:
            present = True
        if not present:
            found.check(f"{where}: box {key} drawn", key in texts, False)
            continue
        text = texts.get(key)
        if text is None:
            found.append(f"{where}: box {key} is not drawn")
            continue
        position = 0
        for label, count in expected:
            shown = _shown(text[position:], label, wording)
            if shown is None:
                found.append(f"{where}: box {key} shows no number for {label!r}: {text!r}")
                continue
            found.check(f"{where}: box {key}, {label}", _comparable(shown), _comparable(count))
            position = text.index(label, position) + len(label)
        waiting = diagram.awaiting.get(key)
        if waiting is not None and waiting.value is not None:
            shown_waiting = re.search(wording.awaiting, text)
            found.check(
                f"{where}: box {key}, awaiting",
                _digits(shown_waiting.group(1)) if shown_waiting else None,
                waiting.value,
            )


def check_template(text: str, diagram: Diagram, where: str, found: Mismatches) -> None:
    rows = {row["data"]: row for row in csv.DictReader(io.StringIO(text)) if row["data"] != "NA"}
    lists = {
        "database_specific_results": "database_results",
        "register_specific_results": "register_results",
    }
    for data, row in rows.items():
        if data in lists:
            items = diagram.breakdown.get(lists[data], ())
            expected = "; ".join(f"{name}, {_cell(count)}" for name, count in items) or "NA"
            found.check(f"{where}: {data}", row["n"], expected)
        elif data in ("dbr_excluded", "other_excluded") and diagram.reasons.get(data):
            if diagram.boxes[data].pending:
                found.check(f"{where}: {data}", row["n"], "NA")
            else:
                expected = "; ".join(f"{r}, {n}" for r, n in diagram.reasons[data])
                found.check(f"{where}: {data}", row["n"], expected)
        elif data in diagram.boxes:
            found.check(f"{where}: {data}", row["n"], _cell(diagram.boxes[data]))
        elif data in ("identification", "screening", "included"):
            continue
        else:
            found.append(f"{where}: row {data} has no number in the model")
        found.check(f"{where}: {data} box text", ") (" in row["boxtext"], False)
    found.check(
        f"{where}: other_results row",
        "other_results" in rows,
        bool(diagram.breakdown["other_results"]),
    )


def _cell(count: Count) -> str:
    return "NA" if count.pending or count.value is None else str(count.value)


# --- tables ------------------------------------------------------------------------------------


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _md_tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table: its rows (header first), cells stripped of emphasis."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip().strip("*") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if not all(set(c) <= {"-", ":"} for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def _num(value: int | None) -> str:
    return "" if value is None else str(value)


def _md_num(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _stage_csv(count: Count) -> str:
    return "" if count.pending or count.value is None else str(count.value)


def _stage_md(count: Count) -> str:
    if count.pending:
        return "pending"
    return "–" if count.value is None else f"{count.value:,}"


def _stage_cells(row: StageRow, *, md: bool) -> list[str]:
    stage = _stage_md if md else _stage_csv
    number = _md_num if md else _num
    return [
        number(row.exported),
        number(row.publications),
        _num(row.only_here),
        *(stage(c) for c in (row.screened, row.sought, row.assessed, row.included)),
        stage(row.included_studies),
    ]


def check_stage_tables(reports: dict[str, str], counts: ReviewCounts, found: Mismatches) -> None:
    table = counts.stages
    for key, rows in (("stages_csv", table.sources), ("stages_by_search_csv", table.searches)):
        shown = _csv(reports[key])
        expected = [*rows, table.total] if rows else []
        found.check(f"{key}: rows", [r["name"] for r in shown], [r.name for r in expected])
        for got, row in zip(shown, expected, strict=False):
            cells = [got[c] for c in ("exported", "publications", "found_only_here", "screened",
                                      "sought", "assessed", "included_reports", "included_studies")]  # fmt: skip
            found.check(f"{key}: {row.name}", cells, _stage_cells(row, md=False))
            share = "" if row.share is None else f"{row.share:.4f}"
            found.check(f"{key}: {row.name} share", got["share_of_included"], share)
    if not table.sources:
        return
    markdown = _md_tables(reports["stages_md"])
    for md_table, rows in zip(markdown, (table.sources, table.searches), strict=True):
        for got, row in zip(md_table[1:], [*rows, table.total], strict=True):
            found.check(f"stages.md: {row.name}", got[1:9], _stage_cells(row, md=True))


def check_source_tables(reports: dict[str, str], counts: ReviewCounts, found: Mismatches) -> None:
    records = {s.source: s for s in counts.records.sources}
    for got in _csv(reports["sources_csv"]):
        source = counts.source(got["source"])
        found.check(f"sources.csv {source.source}: searches", got["searches"], str(source.searches))
        found.check(f"sources.csv {source.source}: identified",
                    (got["identified"], got["searches_without_count"]),
                    (_num(source.identified.value), str(source.identified.unstated)))  # fmt: skip
        expected_fa = _num(source.for_assessment.value) if source.for_assessment else ""
        found.check(
            f"sources.csv {source.source}: for assessment", got["for_assessment"], expected_fa
        )
        rec = records.get(source.source)
        cells = [got[c] for c in ("records_exported", "records_read", "records_skipped",
                                  "duplicates_within_source", "publications", "found_only_here",
                                  "found_elsewhere")]  # fmt: skip
        expected = (
            [
                str(v)
                for v in (
                    rec.in_file,
                    rec.read,
                    rec.skipped,
                    rec.duplicates_within,
                    rec.publications,
                    rec.found_only_here,
                    rec.found_elsewhere,
                )
            ]
            if rec
            else [""] * 7
        )
        found.check(f"sources.csv {source.source}: records", cells, expected)
    tables = _md_tables(reports["sources_md"])
    total = tables[0][-1]
    found.check("sources.md total", total[3:6], [
        str(len(counts.searches)), str(counts.identified.unstated),
        _md_num(counts.identified.value) if counts.identified.value is not None else "not reported",
    ])  # fmt: skip
    if counts.records.sources:
        body = tables[1][1:]
        for got, rec in zip(body, counts.records.sources, strict=False):
            found.check(f"sources.md records {rec.source}", got[1:], [
                _md_num(rec.read), _md_num(rec.skipped), _md_num(rec.duplicates_within),
                _md_num(rec.publications), _md_num(rec.found_only_here),
                _md_num(rec.found_elsewhere),
            ])  # fmt: skip
        d = counts.records
        found.check("sources.md records total", body[-1][1:5], [
            _md_num(d.records), _md_num(d.skipped), _md_num(d.within_source), _md_num(d.publications),
        ])  # fmt: skip


def check_search_table(reports: dict[str, str], counts: ReviewCounts, found: Mismatches) -> None:
    for got in _csv(reports["searches_csv"]):
        search = counts.search(got["id"])
        found.check(f"searches.csv {search.id}: identified",
                    (got["identified"], got["identified_from"]),
                    (_num(search.identified), search.identified_from))  # fmt: skip
        found.check(f"searches.csv {search.id}: for assessment",
                    (got["for_assessment"], got["for_assessment_from"]),
                    (_num(search.for_assessment), search.for_assessment_from))  # fmt: skip
        e = search.export
        cells = [got[c] for c in ("records_in_file", "records_read", "records_skipped",
                                  "publications", "duplicates_within_search", "found_only_here")]  # fmt: skip
        expected = (
            [
                str(v)
                for v in (
                    e.in_file,
                    e.read,
                    e.skipped,
                    e.publications,
                    e.duplicates_within,
                    e.found_only_here,
                )
            ]
            if e
            else [""] * 6
        )
        found.check(f"searches.csv {search.id}: export", cells, expected)


def check_duplicates(reports: dict[str, str], counts: ReviewCounts, found: Mismatches) -> None:
    d = counts.records
    if not d.sources:
        return
    text = reports["duplicates_md"]
    for label, value in (
        ("within one source", d.within_source),
        ("across sources", d.across_sources),
        ("by the same DOI or PubMed id", d.by_identifier),
        ("by people's verdicts (screening/duplicates.csv)", d.by_person),
    ):
        shown = re.search(re.escape(label) + r" \| ([\d,]+) \|", text)
        found.check(f"duplicates.md: {label}", _digits(shown.group(1)) if shown else None, value)
    shown = re.search(r"\*\*([\d,]+) unique publications\*\*; ([\d,]+) duplicates removed", text)
    found.check("duplicates.md: publications, removed",
                (_digits(shown.group(1)), _digits(shown.group(2))) if shown else None,
                (d.publications, d.removed))  # fmt: skip
    names = [s.source for s in d.sources]
    cells = {(a, b): n for a, b, n in d.overlap}
    matrix = _csv(reports["overlap_csv"])
    found.check("overlap.csv: sources", [r["source"] for r in matrix], names)
    for got in matrix:
        for b in names:
            found.check(
                f"overlap.csv {got['source']} × {b}", got[b], str(cells[(got["source"], b)])
            )
    contribution = _md_tables(reports["overlap_md"])[1][1:]
    for got, s in zip(contribution, d.sources, strict=True):
        found.check(f"overlap.md {s.source}", got[1:], [
            _md_num(s.read), _md_num(s.duplicates_within), _md_num(s.publications),
            _md_num(s.found_only_here), _md_num(s.found_elsewhere),
        ])  # fmt: skip
    upset = reports["overlap_svg"]
    for members, n in d.intersections[:30]:
        title = f"<title>{' + '.join(members)}: {n:,}</title>"
        found.check(f"overlap.svg bar {members}", title in _unescape(upset), True)


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&quot;", '"').replace("&#x27;", "'")


def check_rounds(reports: dict[str, str], counts: ReviewCounts, found: Mismatches) -> None:
    shown = _csv(reports["rounds_csv"])
    found.check(
        "rounds.csv: searches", [r["search"] for r in shown], [u.search for u in counts.updates]
    )
    for got, row in zip(shown, counts.updates, strict=False):
        cells = [got[c] for c in ("records", "publications", "new_publications",
                                  "seen_in_earlier_round", "earlier_publications_no_longer_found")]  # fmt: skip
        found.check(f"rounds.csv {row.search}", cells, [
            str(row.records), str(row.publications), str(row.new), str(row.seen_before),
            _num(row.no_longer_found),
        ])  # fmt: skip


class _Cells(HTMLParser):
    """The text of every table row of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Sequence[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def check_page(
    html: str, counts: ReviewCounts, found: Mismatches, wording: Wording | None = None
) -> None:
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    check_diagram(svg, counts.diagram, "prisma.html diagram", found, wording)
    parser = _Cells()
    parser.feed(html)
    by_name = {row[0]: row for row in parser.rows if row}
    for row in (*counts.stages.sources, counts.stages.total):
        got = by_name.get(row.name)
        if got is None or len(got) < 9:
            continue
        found.check(f"prisma.html stages {row.name}", got[1:9], _stage_cells(row, md=True))


def check_flow(
    reports: dict[str, str], counts: ReviewCounts, found: Mismatches, flow_csv: str | None
) -> None:
    if flow_csv is None:
        return
    shown = _csv(flow_csv)
    found.check("flow.csv: publications", len(shown), counts.records.publications)
    included = counts.stages.total.included
    if included.is_exact:
        found.check(
            "flow.csv: included", sum(1 for r in shown if r["status"] == "included"), included.value
        )


def assert_reports_match(
    counts: ReviewCounts, review: Review, *, flow_csv: str | None = None
) -> None:
    """Render every report of ``review`` from ``counts`` and check each number against them."""
    found = Mismatches()
    wording = Wording(report_language(review))
    reports = render_reports(review, counts)
    check_diagram(reports["prisma_svg"], counts.diagram, "prisma.svg", found, wording)
    check_template(reports["prisma_csv"], counts.diagram, "PRISMA.csv", found)
    check_page(reports["prisma_html"], counts, found, wording)
    for diagram in counts.earlier:
        earlier = render_round(review, counts, diagram.round)
        where = f"round-{diagram.round}/prisma.svg"
        check_diagram(earlier["prisma_svg"], diagram, where, found, wording)
        check_template(earlier["prisma_csv"], diagram, f"round-{diagram.round}/PRISMA.csv", found)
    check_stage_tables(reports, counts, found)
    check_source_tables(reports, counts, found)
    check_search_table(reports, counts, found)
    check_duplicates(reports, counts, found)
    check_rounds(reports, counts, found)
    check_flow(reports, counts, found, flow_csv)
    assert not found, "\n".join(found)


__all__ = ["Wording", "assert_reports_match", "box_texts", "parse_n"]
