"""The package's counts against a second, independent count (tests/prisma_reference.py),
on random small reviews.

Each generated review is valid by docs/counting.md and docs/screening.md: the generator
works out every publication's round and column itself (from the docs' definitions) and
writes only decisions the docs allow for it. The package must accept the review and give
every number the reference gives. ``SEARCHTRAIL_DIFFERENTIAL_EXAMPLES`` sets the number of
reviews (300 by default).
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchtrail.counts.model import Diagram, ReviewCounts, StageRow
from searchtrail.counts.number import Count
from searchtrail.errors import CountMismatchError, ReviewError
from searchtrail.pipeline import assess
from tests import prisma_reference as reference
from tests.prisma_reference import N
from tests.report_numbers import assert_reports_match
from tests.reviews import REASONS, ReviewFiles, record_id

EXAMPLES = int(os.environ.get("SEARCHTRAIL_DIFFERENTIAL_EXAMPLES", "300"))

DATABASE_KINDS = ("database", "register")
SOURCES = {
    "database": ("MEDLINE", "Embase", "PsycINFO"),
    "register": ("CENTRAL", "ClinicalTrials.gov"),
    "website": ("Google Scholar", "Bing"),
    "organisation": ("NICE", "SBU"),
    "citation_search": ("Reference lists",),
    "other": ("Experts",),
}
STAGES = ("removed", "title_abstract", "retrieval", "full_text", "studies")
STUDY_NAMES = ("Trial A", "Trial B", "Trial C")


# --- the generator ---------------------------------------------------------------------------


@dataclass
class Origin:
    """Where the generator put records: a search's export or a record file."""

    id: str
    round: int
    column: str  # databases, other, outside
    holds: str
    keys: list[int]


class Generated:
    """A review to write, with a short description of it for failure reports."""

    def __init__(self, files: ReviewFiles) -> None:
        self.files = files
        self.lines: list[str] = []

    def __repr__(self) -> str:
        return "review:\n  " + "\n  ".join(self.lines)


def _count(draw: Any, low: int, high: int) -> int | str:
    """A count the log states, or ``unknown``."""
    return draw(st.one_of(st.integers(low, high), st.just("unknown")))


@st.composite
def reviews(draw: Any) -> Generated:
    rounds = draw(st.integers(1, 2))
    works = draw(st.integers(1, 12))
    pool = st.integers(0, works - 1)
    generated = Generated(ReviewFiles())
    review = generated.files
    origins: list[Origin] = []
    fresh = works  # keys no search shares: the records of partial record files
    number = 0
    for r in range(1, rounds + 1):
        for _ in range(draw(st.integers(1, 4))):
            number += 1
            sid = f"s{number}-{r}"
            kind = draw(st.sampled_from(tuple(SOURCES)))
            source = draw(st.sampled_from(SOURCES[kind]))
            keys: list[int] | None = None
            holds = "identified"
            identified: int | str
            for_assessment: int | str | None = None
            partial: list[int] = []
            complete: list[int] = []
            if kind in DATABASE_KINDS:
                mode = draw(st.sampled_from(("export",) * 5 + ("counts",)))
                if mode == "export":
                    keys = draw(st.lists(pool, min_size=1, max_size=5))
                    identified = draw(st.sampled_from((len(keys), "unknown")))
                    if draw(st.integers(0, 3)) == 3:
                        for_assessment = _count(draw, 0, len(keys))
                else:
                    identified = _count(draw, 1, 40)
                    if draw(st.integers(0, 3)) == 3:
                        high = identified if isinstance(identified, int) else 40
                        for_assessment = _count(draw, 0, high)
            else:
                mode = draw(st.sampled_from(("for_assessment", "identified", "counts")))
                if mode == "for_assessment":
                    keys = draw(st.lists(pool, min_size=1, max_size=5))
                    holds = "for_assessment"
                    # the log may document more than the export holds (a note, not an error)
                    for_assessment = draw(
                        st.sampled_from((len(keys), len(keys), "unknown", len(keys) + 2))
                    )
                    least = for_assessment if isinstance(for_assessment, int) else len(keys)
                    identified = _count(draw, least, least + 30)
                elif mode == "identified":
                    keys = draw(st.lists(pool, min_size=1, max_size=5))
                    identified = draw(st.sampled_from((len(keys), len(keys), "unknown", 9)))
                    for_assessment = _count(draw, 0, len(keys))
                else:
                    identified = _count(draw, 0, 40)
                    high = identified if isinstance(identified, int) else 40
                    for_assessment = _count(draw, 0, high)
                    attached = draw(st.sampled_from(("none", "partial", "partial", "complete")))
                    if attached == "partial" and for_assessment != 0:
                        most = min(3, for_assessment) if isinstance(for_assessment, int) else 3
                        size = draw(st.integers(1, most))
                        partial = list(range(fresh, fresh + size))
                        fresh += size
                    elif attached == "complete":
                        complete = draw(st.lists(pool, min_size=1, max_size=3))
            review.search(
                sid,
                kind,
                source=source,
                identified=identified,
                for_assessment=for_assessment,
                round_number=r,
                export=keys,
                holds=holds,
            )
            generated.lines.append(
                f"search {sid} round {r} {kind} {source!r}: identified {identified}, "
                f"for_assessment {for_assessment}"
                + (f", export holds {holds}: {keys}" if keys is not None else ", no export")
            )
            if keys is not None:
                column = "databases" if kind in DATABASE_KINDS else "other"
                origins.append(Origin(sid, r, column, holds, keys))
            if partial:
                fid = f"partial{number}"
                given_round = draw(st.sampled_from((None, r)))
                review.record_file(
                    fid,
                    partial,
                    holds="for_assessment",
                    searches=[sid],
                    complete=False,
                    round_number=given_round,
                )
                origins.append(Origin(fid, r, "other", "for_assessment", partial))
                generated.lines.append(
                    f"record file {fid} (round {given_round}) complete: false, "
                    f"holds for_assessment, searches [{sid}]: {partial}"
                )
            if complete:
                fid = f"complete{number}"
                review.record_file(
                    fid, complete, holds="for_assessment", searches=[sid], complete=True
                )
                origins.append(Origin(fid, r, "other", "for_assessment", complete))
                generated.lines.append(
                    f"record file {fid} complete: true, holds for_assessment, "
                    f"searches [{sid}]: {complete}"
                )
    if draw(st.integers(0, 2)) == 2:
        keys = draw(st.lists(pool, min_size=1, max_size=3))
        holds = draw(st.sampled_from(("for_assessment", "included", "included", "identified")))
        given_round = draw(st.sampled_from((None, *range(1, rounds + 1))))
        complete = draw(st.booleans())
        review.record_file(
            "outside",
            keys,
            holds=holds,
            searches=[],
            complete=complete,
            round_number=given_round,
        )
        origins.append(Origin("outside", given_round or 1, "outside", holds, keys))
        generated.lines.append(
            f"record file outside (round {given_round}) complete: {complete}, holds {holds}, "
            f"searches []: {keys}"
        )
    _decide(draw, generated, origins)
    return generated


def _decide(draw: Any, generated: Generated, origins: list[Origin]) -> None:
    """Decisions the docs allow, for publications placed by the docs' definitions."""
    review = generated.files
    records: dict[int, list[tuple[Origin, str]]] = {}
    for origin in origins:
        copies: Counter[int] = Counter()
        for key in origin.keys:
            copies[key] += 1
            records.setdefault(key, []).append((origin, record_id(origin.id, key, copies[key])))
    present = {stage: draw(st.sampled_from((True, True, True, False))) for stage in STAGES}
    rows: list[str] = []

    def write(stage: str, ids: list[str], *values: str) -> None:
        record = draw(st.sampled_from(ids))
        review.decide(stage, record, *values)
        rows.append(f"{stage}: {record} {' '.join(values)}".rstrip())
        others = [i for i in ids if i != record]
        if others and draw(st.integers(0, 3)) == 3:
            again = draw(st.sampled_from(others))
            review.decide(stage, again, *values)
            rows.append(f"{stage}: {again} {' '.join(values)}   (the same again)".rstrip())

    for key in sorted(records):
        found = records[key]
        first_round = min(origin.round for origin, _ in found)
        columns = {origin.column for origin, _ in found if origin.round == first_round}
        databases = "databases" in columns
        ids = [record for _, record in found]
        if databases:
            options = ["none"]
            if present["removed"]:
                options += ["automation", "other"]
            if present["title_abstract"]:
                options += ["exclude", "include", "include", "include"]
            choice = draw(st.sampled_from(options))
            if choice in ("automation", "other"):
                write("removed", ids, choice, "a reason")
                continue
            if choice == "exclude":
                write("title_abstract", ids, "exclude")
                continue
            if choice == "none":
                continue
            write("title_abstract", ids, "include")
        later = ["none"]
        if present["retrieval"]:
            later += ["no", "yes"]
        if present["full_text"]:
            later += ["full_text", "full_text"]
        choice = draw(st.sampled_from(later))
        if choice == "no":
            write("retrieval", ids, "no")
            continue
        if choice == "yes":
            write("retrieval", ids, "yes")
            if not (present["full_text"] and draw(st.booleans())):
                continue
        elif choice == "none":
            continue
        if draw(st.booleans()):
            write("full_text", ids, "include", "")
            if present["studies"]:
                write("studies", ids, draw(st.sampled_from(STUDY_NAMES)))
        else:
            write("full_text", ids, "exclude", draw(st.sampled_from(REASONS)))
    for stage in STAGES:
        if present[stage]:
            review.screening.setdefault(stage, [])
    files = [stage for stage in STAGES if present[stage]]
    generated.lines.append(f"screening files: {', '.join(files) or 'none'}")
    generated.lines.extend(rows)


# --- the comparison --------------------------------------------------------------------------


def show(count: Count | N | None) -> str:
    if count is None:
        return "None"
    if count.pending:
        return f"pending ({count.pending})"
    text = "–" if count.value is None else str(count.value)
    return f"{text} + {count.unstated} unstated" if count.unstated else text


class Problems(list[str]):
    def number(self, where: str, expected: N | None, got: Count | None) -> None:
        if expected is None or got is None:
            if expected is not got:
                self.append(f"{where}: reference {show(expected)}, package {show(got)}")
            return
        if expected.pending:
            tokens = expected.pending.split("|")
            if got.pending is None or not any(t in got.pending for t in tokens):
                self.append(f"{where}: reference {show(expected)}, package {show(got)}")
        elif got.pending is not None or (got.value, got.unstated) != (
            expected.value,
            expected.unstated,
        ):
            self.append(f"{where}: reference {show(expected)}, package {show(got)}")

    def same(self, where: str, expected: Any, got: Any) -> None:
        if expected != got:
            self.append(f"{where}: reference {expected!r}, package {got!r}")


def _fields(obj: Any, names: str) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names.split()}


EXPORT_FIELDS = (
    "files holds in_file read skipped publications duplicates_within found_only_here documented"
)


def compare_searches(ref: reference.Reference, counts: ReviewCounts, found: Problems) -> None:
    found.same("search ids", set(ref.searches), {s.id for s in counts.searches})
    for s in counts.searches:
        exp = ref.searches.get(s.id)
        if exp is None:
            continue
        got = _fields(
            s, "source kind round identified identified_from for_assessment for_assessment_from"
        )
        for name, value in got.items():
            found.same(f"search {s.id} {name}", exp[name], value)
        got_export = None if s.export is None else _fields(s.export, EXPORT_FIELDS)
        found.same(f"search {s.id} export", exp["export"], got_export)
    found.same("record files", set(ref.record_files), {f.id for f in counts.record_files})
    for f in counts.record_files:
        exp = ref.record_files.get(f.id)
        if exp is None:
            continue
        got = _fields(f, "name round holds complete searches")
        got["records"] = _fields(f.records, EXPORT_FIELDS)
        for name, value in got.items():
            found.same(f"record file {f.id} {name}", exp[name], value)
    found.same("sources", list(ref.sources), [s.source for s in counts.sources])
    for source in counts.sources:
        exp = ref.sources.get(source.source)
        if exp is None:
            continue
        where = f"source {source.source!r}"
        found.same(f"{where} kinds", exp["kinds"], set(source.kinds))
        found.same(f"{where} search_ids", exp["search_ids"], source.search_ids)
        found.number(f"{where} identified", exp["identified"], source.identified)
        found.number(f"{where} for_assessment", exp["for_assessment"], source.for_assessment)
        found.same(
            f"{where} identified_from_exports",
            exp["identified_from_exports"],
            source.identified_from_exports,
        )
    found.number("total identified", ref.identified, counts.identified)
    found.number("total for_assessment", ref.for_assessment, counts.for_assessment)


def compare_records(ref: reference.Reference, counts: ReviewCounts, found: Problems) -> None:
    records = counts.records
    exp = ref.records
    names = "search_files record_files in_file records skipped publications removed "
    names += "within_source across_sources"
    for name, value in _fields(records, names).items():
        found.same(f"records {name}", exp[name], value)
    found.same(
        "records by identifier + fuzzy rule + person",
        records.removed,
        records.by_identifier + records.by_fuzzy_rule + records.by_person,
    )
    rows = {row.source: row for row in records.sources}
    found.same("record sources", set(exp["sources"]), set(rows))
    row_fields = "kind in_file read skipped duplicates_within publications found_only_here "
    row_fields += "found_elsewhere"
    for name, row in rows.items():
        if name not in exp["sources"]:
            continue
        got = _fields(row, row_fields)
        got["origins"] = tuple(sorted(row.origins))
        for key, value in got.items():
            found.same(f"record source {name!r} {key}", exp["sources"][name][key], value)
    found.same("overlap", exp["overlap"], {(a, b): n for a, b, n in records.overlap})
    found.same(
        "intersections",
        exp["intersections"],
        {tuple(sorted(k)): n for k, n in records.intersections},
    )


def _awaiting(awaiting: dict[str, Count]) -> dict[str, Count]:
    return {
        box: n
        for box, n in awaiting.items()
        if not (n.value == 0 and not n.unstated and not n.pending)
    }


def compare_diagram(exp: reference.Diagram, got: Diagram, found: Problems) -> None:
    where = f"round {got.round}"
    for name in ("databases_column", "other_column", "previous_column", "other_seen_elsewhere"):
        found.same(f"{where} {name}", getattr(exp, name), getattr(got, name))
    found.same(f"{where} box names", set(exp.boxes), set(got.boxes))
    for box, count in got.boxes.items():
        if box in exp.boxes:
            found.number(f"{where} {box}", exp.boxes[box], count)
    found.same(f"{where} breakdown boxes", set(exp.breakdown), set(got.breakdown))
    for box, lines in got.breakdown.items():
        mine = dict(exp.breakdown.get(box, []))
        found.same(f"{where} {box} lines", list(mine), [name for name, _ in lines])
        for name, count in lines:
            found.number(f"{where} {box} line {name!r}", mine.get(name), count)
    awaiting = _awaiting(got.awaiting)
    found.same(f"{where} awaiting boxes", set(exp.awaiting), set(awaiting))
    for box, count in awaiting.items():
        found.number(f"{where} awaiting {box}", exp.awaiting.get(box), count)
    reasons = {box: list(items) for box, items in got.reasons.items() if items}
    found.same(f"{where} reasons", exp.reasons, reasons)
    # docs/counting.md: the parts present, each a line of the box when two or more are.
    found.same(
        f"{where} sought parts",
        [(name, (n.value, n.unstated)) for name, n in exp.sought_parts],
        [(name, (n.value, n.unstated)) for name, n in got.sought_parts],
    )


def compare_row(where: str, exp: reference.Row, got: StageRow, found: Problems) -> None:
    for name in ("exported", "publications", "only_here"):
        found.same(f"{where} {name}", getattr(exp, name), getattr(got, name))
    for name in ("screened", "sought", "assessed", "included", "included_studies"):
        found.number(f"{where} {name}", getattr(exp, name), getattr(got, name))
    if (exp.share is None) != (got.share is None) or (
        exp.share is not None and got.share is not None and abs(exp.share - got.share) > 1e-9
    ):
        found.append(f"{where} share: reference {exp.share}, package {got.share}")


def compare_stages(ref: reference.Reference, counts: ReviewCounts, found: Problems) -> None:
    for label, mine, theirs in (
        ("stage source", ref.stage_sources, counts.stages.sources),
        ("stage search", ref.stage_searches, counts.stages.searches),
    ):
        rows = {row.name: row for row in theirs}
        found.same(f"{label} rows", set(mine), set(rows))
        for name, row in rows.items():
            if name in mine:
                compare_row(f"{label} {name!r}", mine[name], row, found)
    compare_row("stage total", ref.stage_total, counts.stages.total, found)


def compare_updates(ref: reference.Reference, counts: ReviewCounts, found: Problems) -> None:
    rows = {row.search: row for row in counts.updates}
    found.same("updates", set(ref.updates), set(rows))
    for search, row in rows.items():
        if search not in ref.updates:
            continue
        got = _fields(row, "source round records publications new seen_before no_longer_found")
        for name, value in got.items():
            found.same(f"update {search} {name}", ref.updates[search][name], value)
    found.same(
        "rounds",
        ref.rounds,
        {r.round: (r.searches, r.first_date, r.last_date) for r in counts.rounds},
    )


def compare(ref: reference.Reference, counts: ReviewCounts) -> dict[str, Problems]:
    """Every difference, by the part of the counts it is in."""
    found = {name: Problems() for name in ("searches", "records", "diagrams", "stages", "updates")}
    compare_searches(ref, counts, found["searches"])
    compare_records(ref, counts, found["records"])
    diagrams = {d.round: d for d in (*counts.earlier, counts.diagram)}
    found["diagrams"].same("diagram rounds", sorted(ref.diagrams), sorted(diagrams))
    found["diagrams"].same("latest diagram", max(ref.diagrams), counts.diagram.round)
    for number, diagram in diagrams.items():
        if number in ref.diagrams:
            compare_diagram(ref.diagrams[number], diagram, found["diagrams"])
    compare_stages(ref, counts, found["stages"])
    compare_updates(ref, counts, found["updates"])
    return found


def differ(problems: Problems) -> str:
    return "the package and the reference differ:\n" + "\n".join(problems)


# --- the property ------------------------------------------------------------------------------


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(reviews())
def test_the_package_counts_as_the_reference_does(generated: Generated) -> None:
    """One assertion per part of the counts, so that Hypothesis shrinks and reports each
    kind of difference on its own."""
    with tempfile.TemporaryDirectory() as tmp:
        directory = generated.files.write(Path(tmp))
        try:
            assessment = assess(directory)
        except (ReviewError, CountMismatchError) as error:
            raise AssertionError(
                f"the package refused a review valid by the docs:\n{error}"
            ) from None
        # Every number in every report, read back from the rendered files.
        assert_reports_match(assessment.counts, assessment.review)
        found = compare(reference.count(directory), assessment.counts)
    assert not found["searches"], differ(found["searches"])
    assert not found["records"], differ(found["records"])
    assert not found["diagrams"], differ(found["diagrams"])
    assert not found["stages"], differ(found["stages"])
    assert not found["updates"], differ(found["updates"])
