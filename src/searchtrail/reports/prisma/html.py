"""The PRISMA report page: one self-contained HTML file that opens from disk, offline.

It holds the flow diagram (inline SVG), the records per source with each source's searches
(every source line in the diagram links to its section), the review's questions and limits,
the record files, and the inputs the numbers were computed from with their SHA-256 hashes.
No script, style sheet or font is fetched from anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from searchtrail import __version__
from searchtrail.counts.model import ReviewCounts, SearchCounts, StageRow
from searchtrail.counts.number import Count
from searchtrail.reports.words import (
    NOT_RECORDED,
    NOT_REPORTED,
    describe,
    number,
    searches_phrase,
    unstated,
    xml,
)
from searchtrail.searchlog import Review, Search

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1280px;
       padding: 1.5rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
.subtitle { color: #555; margin-top: 0; }
nav a { margin-right: 1rem; }
.diagram { overflow-x: auto; border: 1px solid #ddd; padding: 0.5rem; background: #fff; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #f2f2f2; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; border-top: 2px solid #888; }
.unknown { font-style: italic; color: #8a4b00; }
details { margin: 0.4rem 0; border: 1px solid #ddd; padding: 0.3rem 0.6rem; }
details:target, details[open] { background: #fbfbf3; }
summary { cursor: pointer; }
pre.query { white-space: pre-wrap; margin: 0; font-family: inherit; }
footer { margin-top: 2.5rem; color: #555; font-size: 0.85rem; }
code { font-size: 0.85rem; }
"""

# Opens the <details> a link points at (the diagram's source lines link to them).
_SCRIPT = """
function openTarget() {
  var id = decodeURIComponent(location.hash.slice(1));
  var el = id && document.getElementById(id);
  if (el && el.tagName === "DETAILS") { el.open = true; el.scrollIntoView(); }
}
window.addEventListener("hashchange", openTarget);
window.addEventListener("DOMContentLoaded", openTarget);
"""


def _n(value: int | None) -> str:
    if value is None:
        return f'<td class="n unknown">{NOT_REPORTED}</td>'
    return f'<td class="n">{number(value)}</td>'


def _sum(count: Count | None) -> str:
    if count is None:
        return f'<td class="n">{NOT_RECORDED}</td>'
    return _n(count.value)


def _search_rows(searches: Sequence[Search], numbers: dict[str, SearchCounts]) -> str:
    rows = []
    for s in searches:
        found = numbers[s.id]
        identified = _n(found.identified)
        for_assessment = (
            _n(found.for_assessment)
            if found.for_assessment_recorded
            else f'<td class="n">{NOT_RECORDED}</td>'
        )
        rows.append(
            "<tr>"
            f"<td><code>{xml(s.id)}</code></td>"
            f"<td>{xml(s.date)}</td>"
            f"<td>{xml(s.platform)}</td>"
            f"<td>{xml(s.method)}</td>"
            f'<td><pre class="query">{xml(s.query)}</pre></td>'
            f"<td>{xml('; '.join(s.limits))}</td>"
            f"{identified}{for_assessment}"
            f"<td>{xml(s.note)}</td>"
            "</tr>"
        )
    return "\n".join(rows)


def _dedup_section(counts: ReviewCounts) -> str:
    records = counts.records
    if not records.sources:
        return ""
    rows = "".join(
        "<tr>"
        f"<td>{xml(s.source)}</td>"
        f'<td class="n">{number(s.read)}</td><td class="n">{number(s.skipped)}</td>'
        f'<td class="n">{number(s.duplicates_within)}</td>'
        f'<td class="n">{number(s.publications)}</td>'
        f'<td class="n">{number(s.found_only_here)}</td>'
        f'<td class="n">{number(s.found_elsewhere)}</td>'
        "</tr>"
        for s in records.sources
    )
    total = (
        '<tr class="total"><td>All sources</td>'
        f'<td class="n">{number(records.records)}</td>'
        f'<td class="n">{number(records.skipped)}</td>'
        f'<td class="n">{number(records.within_source)}</td>'
        f'<td class="n">{number(records.publications)}</td><td></td><td></td></tr>'
    )
    return (
        '<h2 id="records">Records and duplicates</h2>'
        f"<p>{number(records.records)} records read, {number(records.skipped)} skipped as "
        f"unreadable; {number(records.publications)} unique publications after removing "
        f"{number(records.removed)} duplicates ({number(records.within_source)} within a "
        f"source, {number(records.across_sources)} across sources; "
        f"{number(records.by_identifier)} by DOI or PubMed id, "
        f"{number(records.by_fuzzy_rule)} by fuzzy rules, {number(records.by_person)} by "
        f"people's verdicts). {number(records.linked_pairs)} pairs are linked as versions of "
        f"one work; {number(records.open_questions)} questions in "
        "<code>screening/duplicates.csv</code> wait for an answer. Details: "
        "<code>reports/duplicates.md</code>, <code>reports/dedup/</code>.</p>"
        "<table><tr><th>Source</th><th>Read</th><th>Skipped</th><th>Duplicates within</th>"
        "<th>Publications</th><th>Found only here</th><th>Found elsewhere</th></tr>"
        f"{rows}{total}</table>"
    )


def _stage_cell(count: Count) -> str:
    if count.pending:
        return "pending"
    return "–" if count.value is None else number(count.value)


def _stage_row(row: StageRow, *, css: str = "") -> str:
    return (
        f"<tr{css}>"
        f"<td>{xml(row.name)}</td>"
        f'<td class="n">{number(row.exported)}</td>'
        f'<td class="n">{number(row.publications)}</td>'
        f'<td class="n">{"" if row.only_here is None else number(row.only_here)}</td>'
        f'<td class="n">{_stage_cell(row.screened)}</td>'
        f'<td class="n">{_stage_cell(row.sought)}</td>'
        f'<td class="n">{_stage_cell(row.assessed)}</td>'
        f'<td class="n">{_stage_cell(row.included)}</td>'
        f'<td class="n">{_stage_cell(row.included_studies)}</td>'
        f'<td class="n">{"" if row.share is None else f"{row.share:.0%}"}</td>'
        "</tr>"
    )


def _stages_section(counts: ReviewCounts) -> str:
    table = counts.stages
    if not table.sources:
        return ""
    rows = "".join(_stage_row(row) for row in table.sources)
    rows += _stage_row(table.total, css=' class="total"')
    return (
        '<h2 id="stages">Sources through every stage</h2>'
        "<p>Publications (duplicate groups) each source found, and how many of them reached "
        "each stage, counted as the diagram counts them; a publication found by several "
        "sources counts for each, and once in the last line. Screening on title and "
        "abstract applies to databases and registers only (–). Every publication with its "
        "decisions: <code>reports/flow.csv</code>.</p>"
        "<table><tr><th>Source</th><th>Exported</th><th>Publications</th><th>Only here</th>"
        "<th>Screened</th><th>Sought</th><th>Assessed</th><th>Included reports</th>"
        f"<th>Included studies</th><th>Share</th></tr>{rows}</table>"
    )


def render_html(
    review: Review,
    counts: ReviewCounts,
    *,
    svg: str,
    source_anchors: dict[str, str],
    footnotes: Sequence[str] = (),
) -> str:
    """The report page. ``svg`` is the diagram without XML declaration; ``source_anchors``
    gives the element id of each source's section (the diagram links to them)."""
    meta = review.metadata
    numbers = {s.id: s for s in counts.searches}
    by_source: dict[str, list[Search]] = {}
    for search in review.searches:
        by_source.setdefault(search.source, []).append(search)

    source_rows = []
    for source in counts.sources:
        anchor = source_anchors[source.source]
        source_rows.append(
            "<tr>"
            f'<td><a href="#{xml(anchor)}">{xml(source.source)}</a></td>'
            f"<td>{xml(', '.join(k.replace('_', ' ') for k in source.kinds))}</td>"
            f"<td>{xml(', '.join(source.countries))}</td>"
            f'<td class="n">{source.searches}</td>'
            f'<td class="n">{source.identified.unstated}</td>'
            f"{_n(source.identified.value)}{_sum(source.for_assessment)}"
            f'<td class="n">{unstated(source.for_assessment)}</td>'
            "</tr>"
        )
    source_rows.append(
        '<tr class="total"><td>Total</td><td></td><td></td>'
        f'<td class="n">{counts.search_count}</td>'
        f'<td class="n">{counts.identified.unstated}</td>'
        f"{_n(counts.identified.value)}{_sum(counts.for_assessment)}"
        f'<td class="n">{unstated(counts.for_assessment)}</td></tr>'
    )

    search_head = (
        "<tr><th>Id</th><th>Date</th><th>Platform</th><th>Method</th><th>Query</th>"
        "<th>Limits</th><th>Identified</th><th>For assessment</th><th>Note</th></tr>"
    )
    source_sections = []
    for source in counts.sources:
        source_sections.append(
            f'<details id="{xml(source_anchors[source.source])}">'
            f"<summary><strong>{xml(source.source)}</strong>: {searches_phrase(source.searches)}; "
            f"identified {xml(describe(source.identified))}; for assessment "
            f"{xml(describe(source.for_assessment))}</summary>"
            f"<table>{search_head}{_search_rows(by_source[source.source], numbers)}</table>"
            "</details>"
        )

    questions = []
    for q in review.questions:
        pico = [
            ("Population", q.population),
            ("Intervention", q.intervention),
            ("Comparison", q.comparison),
            ("Outcomes", "; ".join(q.outcomes)),
        ]
        pico_rows = "".join(
            f"<tr><th>{label}</th><td>{xml(value)}</td></tr>" for label, value in pico if value
        )
        translation = f'<p class="subtitle">{xml(q.translation)}</p>' if q.translation else ""
        questions.append(
            f"<h3>{xml(q.id)}. {xml(q.text)}</h3>{translation}"
            + (f"<table>{pico_rows}</table>" if pico_rows else "")
        )
    limits = meta.get("limits", {})
    limit_items = []
    if "publication_years" in limits:
        years = limits["publication_years"]
        limit_items.append(f"Publication years: {years['from']}–{years['to']}")
    for key, label in (("countries", "Countries"), ("languages", "Languages"), ("other", "Other")):
        if limits.get(key):
            limit_items.append(f"{label}: {'; '.join(limits[key])}")
    limits_html = "".join(f"<li>{xml(item)}</li>" for item in limit_items)

    read = {r.id: number(r.records.read) for r in counts.record_files}
    record_rows = "".join(
        "<tr>"
        f"<td><code>{xml(r.id)}</code></td>"
        f"<td>{xml('; '.join(r.files))}</td>"
        f"<td>{xml(r.holds.replace('_', ' '))}</td>"
        f'<td class="n">{read.get(r.id, "")}</td>'
        f"<td>{'yes' if r.complete else 'no (partial)'}</td>"
        f"<td>{xml(r.note)}</td>"
        "</tr>"
        for r in review.record_files
    )
    record_section = (
        '<h2 id="record-files">Record files</h2>'
        "<table><tr><th>Id</th><th>Files</th><th>Holds</th><th>Records</th><th>Complete</th>"
        f"<th>Note</th></tr>{record_rows}</table>"
        if review.record_files
        else ""
    )
    dedup_section = _dedup_section(counts)
    inputs = "".join(
        f"<li><code>{xml(name)}</code> sha256 <code>{xml(digest)}</code></li>"
        for name, digest in counts.inputs.items()
    )
    notes = "".join(f"<p>{xml(note)}</p>" for note in footnotes)
    stages_section = _stages_section(counts)
    subtitle = meta.get("title_translation")
    subtitle_html = f'<p class="subtitle">{xml(subtitle)}</p>' if subtitle else ""
    language = xml(meta.get("language", "en"))
    sections = [
        ("diagram", "Flow diagram"),
        ("sources", "Records per source"),
        ("questions", "Questions and limits"),
        *([("record-files", "Record files")] if review.record_files else []),
        *([("records", "Records and duplicates")] if dedup_section else []),
        *([("stages", "Sources through every stage")] if stages_section else []),
        ("inputs", "Inputs"),
    ]
    nav = "".join(f'<a href="#{anchor}">{label}</a>' for anchor, label in sections)

    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="searchtrail {xml(__version__)}">
<title>PRISMA 2020 flow diagram: {xml(review.title)}</title>
<style>{_STYLE}</style>
<script>{_SCRIPT}</script>
</head>
<body>
<header>
<h1 lang="{language}">{xml(review.title)}</h1>
{subtitle_html}
<nav>{nav}</nav>
</header>
<main>
<h2 id="diagram">PRISMA 2020 flow diagram</h2>
<div class="diagram">
{svg}
</div>
{notes}
<h2 id="sources">Records per source</h2>
<p>Identified and for assessment are sums of the counts the search log states; searches that
state no number are counted in the column “without count” and are not in the sums. Open a
source to see its searches.</p>
<table>
<tr><th>Source</th><th>Kind</th><th>Country</th><th>Searches</th><th>Without count</th>
<th>Identified</th><th>For assessment</th><th>Without for-assessment count</th></tr>
{chr(10).join(source_rows)}
</table>
{chr(10).join(source_sections)}
<h2 id="questions">Questions and limits</h2>
<div lang="{language}">{"".join(questions)}</div>
{f'<h3>Limits</h3><ul lang="{language}">{limits_html}</ul>' if limits_html else ""}
{record_section}
{dedup_section}
{stages_section}
<h2 id="inputs">Inputs</h2>
<ul>{inputs}</ul>
</main>
<footer>Made by searchtrail {xml(__version__)}. Every number on this page is read from
<code>reports/data/counts.json</code>; a number the search log does not state is shown as
“{NOT_REPORTED}”, never as zero.</footer>
</body>
</html>
"""
