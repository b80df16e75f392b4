"""The PRISMA report page: one self-contained HTML file that opens from disk, offline.

It holds the flow diagram (inline SVG), the records per source with each source's searches
(every source line in the diagram links to its section), the review's questions and limits,
the record files, and the inputs the numbers were computed from with their SHA-256 hashes.
Every number with a list behind it opens that list (the page's records browser,
``page.js``, with the data :mod:`searchtrail.reports.browse` packs into the page), and each
publication opens its trail. No script, style sheet or font is fetched from anywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from importlib.resources import files
from typing import Final

from searchtrail import __version__
from searchtrail.counts.model import ReviewCounts, SearchCounts, StageRow
from searchtrail.counts.number import Count
from searchtrail.reports.language import Words, report_language, words
from searchtrail.reports.words import (
    NOT_RECORDED,
    NOT_REPORTED,
    awaiting_phrase,
    describe,
    number,
    reconciliation,
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

_BROWSER_STYLE = files("searchtrail.reports.prisma").joinpath("page.css").read_text("utf-8")
_BROWSER_SCRIPT = files("searchtrail.reports.prisma").joinpath("page.js").read_text("utf-8")

PAGE_WORDS = {
    "records": "Records",
    "permalink": "Link to this view",
    "no_data": "This page holds no record data, or the browser cannot unpack it "
    "(it needs DecompressionStream: Chrome 80, Firefox 113, Safari 16.4 or later).",
    "no_list": "No list behind",
    "no_publication": "No publication",
    "no_record": "No record",
    "unit_publications": "publications",
    "unit_records": "records",
    "unit_studies": "studies",
    "unit_publications_one": "publication",
    "unit_records_one": "record",
    "unit_studies_one": "study",
    "empty_list": "Nothing is counted here.",
    "not_reported": "not reported",
    "outside_parts": "Part of this number has no records behind it:",
    "filter": "Filter: words from title, authors, ids, sources, decision",
    "status": "Status",
    "any_status": "any status",
    "col_publication": "Publication",
    "col_year": "Year",
    "col_sources": "Sources",
    "col_records": "Records",
    "col_study": "Study",
    "col_status": "Where it stands",
    "col_decided": "Decisions read from",
    "show_more": "Show more",
    "showing": "{shown} of {total} shown",
    "untitled": "(no title)",
    "et_al": "et al.",
    "within_stated": "listed by a record file; counted within the log's stated number",
    "trail_records": "Records, as exported",
    "col_record": "Record",
    "col_search": "Search or record file",
    "col_where": "File:line",
    "col_fields": "As the export gives it",
    "col_group_role": "In its group",
    "kept": "kept",
    "merge_identifier": "merged: same identifier",
    "merge_fuzzy": "merged: same citation (rules)",
    "merge_manual": "merged: a person's verdict",
    "trail_group": "Duplicate group",
    "single_record": "One record: nothing was merged into it.",
    "no_pairs": "No compared pair is kept for this group.",
    "col_pair": "Records compared",
    "col_decision": "Decision",
    "col_by": "Decided by",
    "col_scores": "How the records compare",
    "other_group": "one record in another group",
    "by_machine": "the rules",
    "by_person": "a person (screening/duplicates.csv)",
    "trail_decisions": "Decisions",
    "stage_removed": "Removed before screening",
    "stage_screening": "Title and abstract",
    "stage_retrieval": "Retrieval",
    "stage_eligibility": "Full text",
    "reason": "Reason",
    "study": "Study",
    "read_from": "Read from",
    "no_decision": "no decision yet",
    "trail_boxes": "Counted in",
    "column": "column",
    "round": "round",
    "find_results": "Publications matching",
    "nothing_found": "Nothing found.",
}
"""The words of the records browser, handed to page.js."""


def _n(value: int | None) -> str:
    if value is None:
        return f'<td class="n unknown">{NOT_REPORTED}</td>'
    return f'<td class="n">{number(value)}</td>'


def _sum(count: Count | None) -> str:
    if count is None:
        return f'<td class="n">{NOT_RECORDED}</td>'
    return _n(count.value)


def _search_rows(
    searches: Sequence[Search], numbers: dict[str, SearchCounts], lists: Collection[str]
) -> str:
    rows = []
    for s in searches:
        found = numbers[s.id]
        exported = (
            opens(number(found.export.in_file), f"sea.{s.id}.exported", lists)
            if found.export is not None
            else NOT_RECORDED
        )
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
            f'<td class="n">{exported}</td>'
            f"<td>{xml(s.note)}</td>"
            "</tr>"
        )
    return "\n".join(rows)


def _dedup_section(counts: ReviewCounts, said: Words, lists: Collection[str]) -> str:
    records = counts.records
    if not records.sources:
        return ""
    rows = "".join(
        "<tr>"
        f"<td>{xml(s.source)}</td>"
        f'<td class="n">{number(s.read)}</td><td class="n">{number(s.skipped)}</td>'
        f'<td class="n">{number(s.duplicates_within)}</td>'
        f'<td class="n">{opens(number(s.publications), f"src.{s.source}.publications", lists)}</td>'
        f'<td class="n">{opens(number(s.found_only_here), f"src.{s.source}.only_here", lists)}</td>'
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
        f'<h2 lang="{xml(said.language)}" id="records">{xml(said.label("heading.records_and_duplicates"))}</h2>'
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


def opens(text: str, key: str, lists: Collection[str]) -> str:
    """``text`` (already escaped) as a link that opens the list ``key``, when there is one."""
    if key not in lists:
        return text
    return f'<a class="opens" href="#list={xml(key)}" data-list="{xml(key)}">{text}</a>'


def _stage_cell(count: Count, key: str, lists: Collection[str]) -> str:
    if count.pending:
        return '<span class="pending">pending</span>'
    if count.value is None:
        return "–"
    return opens(number(count.value), key, lists)


def _stage_row(row: StageRow, prefix: str, lists: Collection[str], *, css: str = "") -> str:
    def cell(column: str, value: int | Count | None) -> str:
        if value is None:
            return '<td class="n"></td>'
        count = value if isinstance(value, Count) else Count(value)
        return f'<td class="n">{_stage_cell(count, f"{prefix}.{column}", lists)}</td>'

    return (
        f"<tr{css}>"
        f"<td>{xml(row.name)}</td>"
        f"{cell('exported', row.exported)}"
        f"{cell('publications', row.publications)}"
        f"{cell('only_here', row.only_here)}"
        f"{cell('screened', row.screened)}"
        f"{cell('sought', row.sought)}"
        f"{cell('assessed', row.assessed)}"
        f"{cell('included', row.included)}"
        f"{cell('included_studies', row.included_studies)}"
        f'<td class="n">{"" if row.share is None else f"{row.share:.0%}"}</td>'
        "</tr>"
    )


def _stages_section(counts: ReviewCounts, lists: Collection[str], said: Words) -> str:
    table = counts.stages
    if not table.sources:
        return ""
    rows = "".join(_stage_row(row, f"src.{row.name}", lists) for row in table.sources)
    rows += _stage_row(table.total, "tot", lists, css=' class="total"')
    return (
        f'<h2 lang="{xml(said.language)}" id="stages">{xml(said.label("heading.sources_every_stage"))}</h2>'
        "<p>Publications (duplicate groups) each source found, and how many of them reached "
        "each stage, counted as the diagram counts them; a publication found by several "
        "sources counts for each, and once in the last line. Screening on title and "
        "abstract applies to databases and registers only (–). Every publication with its "
        "decisions: <code>reports/flow.csv</code>.</p>"
        "<table><tr><th>Source</th><th>Exported</th><th>Publications</th><th>Only here</th>"
        "<th>Screened</th><th>Sought</th><th>Assessed</th><th>Included reports</th>"
        f"<th>Included studies</th><th>Share</th></tr>{rows}</table>"
    )


NEXT_FILE: Final = {
    "records_screened": "screening/title_abstract.csv",
    "dbr_sought_reports": "screening/retrieval.csv",
    "other_sought_reports": "screening/retrieval.csv",
    "dbr_assessed": "screening/full_text.csv",
    "other_assessed": "screening/full_text.csv",
}
"""Where the decisions go that the records or reports awaiting in a box need."""


def _open_questions(
    counts: ReviewCounts, said: Words, lists: Collection[str], labels: Mapping[str, str]
) -> str:
    """What still needs a person, at the top of the page: unanswered duplicate questions,
    records awaiting a decision (in every round), and searches whose export disagrees with
    the log."""
    items = []
    questions = counts.records.open_questions
    if questions:
        items.append(
            f"{number(questions)} duplicate question{'' if questions == 1 else 's'} wait "
            "for an answer in <code>screening/duplicates.csv</code>: answer them side by "
            'side on <a href="duplicates.html">duplicates.html</a> and apply the saved file '
            "with <code>searchtrail screening verdicts</code>. The records stay apart until "
            "someone answers."
        )
    for diagram in (*counts.earlier, counts.diagram):
        for box, waiting in diagram.awaiting.items():
            key = f"r{diagram.round}.wait.{box}"
            name = labels.get(f"r{diagram.round}.box.{box}", box.replace("_", " "))
            stated = (
                " Reports the log states for searches without exported records can be "
                "decided once a record file lists them."
                if box == "other_sought_reports"
                else ""
            )
            items.append(
                f"{opens(awaiting_phrase(waiting), key, lists)} in “{xml(name)}” await a "
                f"decision: add it to <code>{NEXT_FILE.get(box, 'screening/')}</code>.{stated}"
            )
    for search in counts.searches:
        text = reconciliation(search)
        if text:
            items.append(
                f"Search <code>{xml(search.id)}</code>: {xml(text)}. Check the export and "
                "the counts in <code>searches/log.yaml</code>."
            )
    if not items:
        return ""
    entries = "".join(f"<li>{item}</li>" for item in items)
    heading = xml(said.label("heading.open_questions"))
    return (
        f'<section class="open" id="open-questions"><h2 lang="{xml(said.language)}">'
        f"{heading}</h2><ul>{entries}</ul></section>"
    )


LEGEND = (
    ("–", "the number does not apply here: other methods skip title and abstract screening"),
    (NOT_RECORDED, "the log keeps no such number for that kind of search (a search that "
     "records only what it took forward, for example)"),
    ("pending", "the review directory does not hold the data for that stage yet; no number is "
     "guessed"),
    (NOT_REPORTED, "the search log states no number; never counted as zero"),
    ("+ N searches with no count", "the number is the sum of the stated ones; N searches state "
     "none, so the true number is at least that"),
    ("awaiting a decision", "records or reports with no decision for the next stage yet"),
    ("underlined number", "opens the publications it was counted from"),
)  # fmt: skip


def _legend(said: Words, lists: Collection[str]) -> str:
    shown = LEGEND if lists else LEGEND[:-1]
    rows = "".join(f"<dt>{xml(mark)}</dt><dd>{xml(meaning)}</dd>" for mark, meaning in shown)
    heading = xml(said.label("heading.legend"))
    return (
        f'<h2 lang="{xml(said.language)}" id="legend">{heading}</h2><dl class="legend">{rows}</dl>'
    )


def _downloads(said: Words) -> str:
    """Links to the diagram's files, which the reports stage writes beside the page."""
    links = " · ".join(
        f'<a href="{name}" download>{xml(label)}</a>'
        for name, label in (
            ("prisma.svg", "SVG"),
            ("prisma.png", "PNG (300 dpi)"),
            ("prisma.pdf", "PDF"),
            ("PRISMA.csv", "PRISMA.csv (PRISMA2020 R package and app)"),
        )
    )
    return f'<p class="downloads">{xml(said.label("heading.download"))}: {links}</p>'


def _is_wide(svg: str) -> bool:
    """Whether the diagram is wider than tall (it is then printed on a landscape page)."""
    found = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    if found is None:
        return False
    return float(found.group(1)) > float(found.group(2))


def _plots_section(plots: Sequence[tuple[str, str, str]], said: Words) -> str:
    """The plots, each inline with its caption (each is also a file under reports/)."""
    if not plots:
        return ""
    figures = "".join(
        f'<figure id="{xml(anchor)}">{svg}<figcaption>{xml(caption)}</figcaption></figure>'
        for anchor, caption, svg in plots
    )
    heading = xml(said.label("heading.plots"))
    return f'<h2 lang="{xml(said.language)}" id="plots">{heading}</h2><div class="plots">{figures}</div>'


def _browser(data: str | None) -> str:
    """The records browser: the panel, its words, the packed data (when there is any) and
    the script, which also opens the source section a link of the diagram points at."""
    packed = (
        ""
        if data is None
        else f'<script type="application/octet-stream" id="records-data">\n{data}\n</script>\n'
    )
    page_words = json.dumps(PAGE_WORDS, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return f"""<aside id="browser" class="browser" hidden tabindex="-1" aria-labelledby="browser-title">
<div class="browser-head"><h2 id="browser-title"></h2>
<a id="browser-link" href="#"></a>
<button type="button" id="browser-close" aria-label="Close">×</button></div>
<div id="browser-body"></div>
</aside>
<script type="application/json" id="page-words">{page_words}</script>
{packed}<script>{_BROWSER_SCRIPT}</script>"""


_FINDER = (
    '<form id="find-record" class="finder" role="search"><input type="search" '
    'aria-label="Find a record" placeholder="Find a record: id, group or words of its title">'
    '<button type="submit">Find</button></form>'
)


def render_html(
    review: Review,
    counts: ReviewCounts,
    *,
    svg: str,
    source_anchors: dict[str, str],
    footnotes: Sequence[str] = (),
    data: str | None = None,
    lists: Collection[str] = (),
    plots: Sequence[tuple[str, str, str]] = (),
    figures: bool = False,
    labels: Mapping[str, str] | None = None,
    round_page: bool = False,
) -> str:
    """The report page. ``svg`` is the diagram without XML declaration; ``source_anchors``
    gives the element id of each source's section (the diagram links to them); ``data`` is
    the packed records (:func:`searchtrail.reports.browse.embedded`) and ``lists`` the keys of
    the lists in it, which the page's numbers open. A ``round_page`` (an earlier round of an
    updated review) shows its diagram only, and sends the reader to the review's page for
    the tables."""
    meta = review.metadata
    said = words(report_language(review))
    labels = labels or {}
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
        "<th>Limits</th><th>Identified</th><th>For assessment</th><th>Exported records</th>"
        "<th>Note</th></tr>"
    )
    source_sections = []
    for source in counts.sources:
        source_sections.append(
            f'<details id="{xml(source_anchors[source.source])}">'
            f"<summary><strong>{xml(source.source)}</strong>: {searches_phrase(source.searches)}; "
            f"identified {xml(describe(source.identified))}; for assessment "
            f"{xml(describe(source.for_assessment))}</summary>"
            f"<table>{search_head}{_search_rows(by_source[source.source], numbers, lists)}</table>"
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
        f'<h2 lang="{xml(said.language)}" id="record-files">{xml(said.label("heading.record_files"))}</h2>'
        "<table><tr><th>Id</th><th>Files</th><th>Holds</th><th>Records</th><th>Complete</th>"
        f"<th>Note</th></tr>{record_rows}</table>"
        if review.record_files
        else ""
    )
    dedup_section = _dedup_section(counts, said, lists)
    inputs = "".join(
        f"<li><code>{xml(name)}</code> sha256 <code>{xml(digest)}</code></li>"
        for name, digest in counts.inputs.items()
    )
    notes = "".join(f'<p lang="{xml(said.language)}">{xml(note)}</p>' for note in footnotes)
    stages_section = _stages_section(counts, lists, said)
    subtitle = meta.get("title_translation")
    subtitle_html = f'<p class="subtitle">{xml(subtitle)}</p>' if subtitle else ""
    language = xml(meta.get("language", "en"))
    sections = [
        ("diagram", said.label("heading.flow_diagram")),
        ("sources", said.label("heading.records_per_source")),
        ("questions", said.label("heading.questions")),
        *([("record-files", said.label("heading.record_files"))] if review.record_files else []),
        *([("records", said.label("heading.records_and_duplicates"))] if dedup_section else []),
        *([("stages", said.label("heading.sources_every_stage"))] if stages_section else []),
        *([("plots", said.label("heading.plots"))] if plots else []),
        ("inputs", said.label("heading.inputs")),
    ]
    nav = "".join(f'<a href="#{anchor}">{label}</a>' for anchor, label in sections)

    if round_page:
        latest = counts.latest_round
        nav = ""
        body = (
            f"<p>The latest round (round {latest}), the tables of the whole review and the "
            "publications behind every number are on the review's page, "
            '<a href="../prisma.html">prisma.html</a>.</p>'
        )
    else:
        body = _review_body(
            said=said,
            language=language,
            source_rows=source_rows,
            source_sections=source_sections,
            questions=questions,
            limits_html=limits_html,
            record_section=record_section,
            dedup_section=dedup_section,
            stages_section=stages_section,
            plots=plots,
            inputs=inputs,
        )
    return f"""<!DOCTYPE html>
<html lang="{xml(said.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="searchtrail {xml(__version__)}">
<title>PRISMA 2020 flow diagram: {xml(review.title)}</title>
<style>{_STYLE}{_BROWSER_STYLE}</style>
</head>
<body>
<header>
<h1 lang="{language}">{xml(review.title)}</h1>
{subtitle_html}
<nav>{nav}</nav>
{_FINDER if data is not None else ""}
</header>
<main lang="en">
{"" if round_page else _open_questions(counts, said, lists, labels)}
<section class="diagram-page{" wide" if _is_wide(svg) else ""}">
<h2 lang="{xml(said.language)}" id="diagram">{xml(said.label("heading.prisma_diagram"))}</h2>
<div class="diagram">
{svg}
</div>
{_downloads(said) if figures else ""}
{notes}
</section>
{_legend(said, lists)}
{body}
</main>
<footer>Made by searchtrail {xml(__version__)}. Every number on this page is read from
<code>reports/data/counts.json</code>; a number the search log does not state is shown as
“{NOT_REPORTED}”, never as zero.</footer>
{_browser(data)}
</body>
</html>
"""


def _review_body(
    *,
    said: Words,
    language: str,
    source_rows: Sequence[str],
    source_sections: Sequence[str],
    questions: Sequence[str],
    limits_html: str,
    record_section: str,
    dedup_section: str,
    stages_section: str,
    plots: Sequence[tuple[str, str, str]],
    inputs: str,
) -> str:
    """The main page below the diagram: the tables of the whole review."""
    return f"""<h2 lang="{xml(said.language)}" id="sources">{xml(said.label("heading.records_per_source"))}</h2>
<p>Identified and for assessment are sums of the counts the search log states; searches that
state no number are counted in the column “without count” and are not in the sums. Open a
source to see its searches.</p>
<table>
<tr><th>Source</th><th>Kind</th><th>Country</th><th>Searches</th><th>Without count</th>
<th>Identified</th><th>For assessment</th><th>Without for-assessment count</th></tr>
{chr(10).join(source_rows)}
</table>
{chr(10).join(source_sections)}
<h2 lang="{xml(said.language)}" id="questions">{xml(said.label("heading.questions"))}</h2>
<div lang="{language}">{"".join(questions)}</div>
{f'<h3>{xml(said.label("heading.limits"))}</h3><ul lang="{language}">{limits_html}</ul>' if limits_html else ""}
{record_section}
{dedup_section}
{stages_section}
{_plots_section(plots, said)}
<h2 lang="{xml(said.language)}" id="inputs">{xml(said.label("heading.inputs"))}</h2>
<ul>{inputs}</ul>"""
