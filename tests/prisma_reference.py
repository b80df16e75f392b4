"""A second count of a review, written from docs/counting.md alone, to test the package's.

Deliberately simple: it reads the review directory itself (``searches/log.yaml``, the RIS
exports and record files, ``screening/*.csv``), follows every publication through the
stages by the tables of docs/counting.md, and adds up each number in the most direct way.
It imports nothing from ``searchtrail``.

One simplification stands in for the deduplication: the reviews it is used on (written by
``tests/reviews.py``) give every publication its own DOI, shared by all its records, and
no two publications look alike, so a publication is the set of records with one DOI.

A count is an :class:`N`: a number, with the searches that state none beside it, or
pending; ``pending`` names the file (or ``export``) the stage waits for. Stage-table cells
may wait for more than one file: then ``pending`` lists them, separated by ``|``.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATABASE_KINDS = ("database", "register")
BOX_KINDS = {
    "database_results": "database",
    "register_results": "register",
    "website_results": "website",
    "organisation_results": "organisation",
    "citations_results": "citation_search",
    "other_results": "other",
}

EXPORTS = "export"
REMOVED = "screening/removed.csv"
TITLE_ABSTRACT = "screening/title_abstract.csv"
RETRIEVAL = "screening/retrieval.csv"
FULL_TEXT = "screening/full_text.csv"
STUDIES = "screening/studies.csv"

PART_EXPORTED = "taken forward by searches with exported records"
PART_STATED = "stated in the log by searches without exported records"
PART_OUTSIDE = "found outside the searches"


# --- counts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class N:
    """A count: ``value`` the known sum (None: no part states one), ``unstated`` the searches
    that state none, ``pending`` the file(s) the stage waits for."""

    value: int | None
    unstated: int = 0
    pending: str | None = None

    @property
    def nonzero(self) -> bool:
        return self.pending is not None or self.unstated > 0 or bool(self.value)


def stated(values: Iterable[int | None]) -> N:
    """The sum of counts searches state (None: a search that states none)."""
    items = list(values)
    known = [v for v in items if v is not None]
    if not items:
        return N(0)
    return N(sum(known) if known else None, len(items) - len(known))


def plus(*parts: N) -> N:
    """A sum: pending when a part is, else the known numbers with the unstated beside them."""
    for part in parts:
        if part.pending is not None:
            return N(None, 0, part.pending)
    known = [p.value for p in parts if p.value is not None]
    if not parts:
        return N(0)
    return N(sum(known) if known else None, sum(p.unstated for p in parts))


def waiting(token: str | None, number: int) -> N:
    """``number`` unless the stage waits for ``token``."""
    return N(None, 0, token) if token else N(number)


# --- the review as read from its files ------------------------------------------------------


@dataclass
class Origin:
    """A search with an export, or a record file: where records come from."""

    id: str
    source: str
    """The log's source for a search; ``record file <id>`` for a record file."""
    kind: str
    """The search's kind, or ``record file``."""
    round: int
    holds: str
    column: str
    """databases, other or outside."""
    complete: bool
    covers: tuple[str, ...]
    is_search: bool
    dois: list[str]
    pmids: list[str] = field(default_factory=list)


@dataclass
class Search:
    id: str
    source: str
    kind: str
    round: int
    date: str
    identified: int | None
    for_assessment: int | None
    for_assessment_given: bool
    export: Origin | None


@dataclass
class Publication:
    doi: str
    records: list[tuple[Origin, int]] = field(default_factory=list)
    round: int = 1
    column: str = "other"
    removed: str | None = None
    title_abstract: str | None = None
    retrieved: str | None = None
    full_text: str | None = None
    reason: str | None = None
    study: str | None = None
    taken_forward: bool = False
    flags: dict[str, int | str] = field(default_factory=dict)
    """screened, sought, assessed, included: 0 or 1, or the pending token."""

    @property
    def origins(self) -> set[str]:
        return {origin.id for origin, _ in self.records}

    @property
    def sources(self) -> set[str]:
        return {origin.source for origin, _ in self.records}

    @property
    def has_retrieval_or_full_text(self) -> bool:
        return self.retrieved is not None or self.full_text is not None

    @property
    def was_retrieved(self) -> bool:
        return self.retrieved == "yes" or self.full_text is not None


def _count(value: Any) -> int | None:
    return None if value == "unknown" else int(value)


def read_ris(path: Path) -> list[tuple[str, str]]:
    """The DOI and PubMed id of every record of an RIS file (a record starts with
    ``TY  -``; the reviews write a PubMed id as ``AN`` with ``DP  - NLM``)."""
    records: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("TY  -"):
            records.append(["", ""])
        elif line.startswith("DO  -"):
            records[-1][0] = line[6:].strip().lower()
        elif line.startswith("AN  -"):
            records[-1][1] = line[6:].strip()
    return [(doi, pmid) for doi, pmid in records]


def record_ids(origin: Origin) -> list[str]:
    """The id of each record of an origin, in order, as docs/screening.md says: the origin's
    id and the record's PubMed id, with ``~2``, ``~3`` for later copies of one record."""
    seen: Counter[str] = Counter()
    ids: list[str] = []
    for pmid in origin.pmids:
        base = f"{origin.id}:pmid-{pmid}"
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}~{seen[base]}")
    return ids


def _files(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


@dataclass
class Review:
    directory: Path
    searches: list[Search]
    record_files: list[Origin]
    reasons: list[str]
    decisions: dict[str, list[dict[str, str]]]
    """Stage -> rows; a stage is present when its file exists."""

    @property
    def origins(self) -> list[Origin]:
        return [s.export for s in self.searches if s.export] + self.record_files

    def has(self, stage: str) -> bool:
        return stage in self.decisions

    @property
    def rounds(self) -> list[int]:
        return sorted({s.round for s in self.searches} | {f.round for f in self.record_files})


def read_review(directory: Path) -> Review:
    log = yaml.safe_load((directory / "searches/log.yaml").read_text(encoding="utf-8"))
    meta = yaml.safe_load((directory / "searches/review.yaml").read_text(encoding="utf-8"))
    searches: list[Search] = []
    for entry in log["searches"]:
        kind = entry["kind"]
        round_number = int(entry.get("round", 1))
        export = None
        if "export" in entry:
            rows = [r for f in _files(entry["export"]["files"]) for r in read_ris(directory / f)]
            export = Origin(
                id=entry["id"],
                source=entry["source"],
                kind=kind,
                round=round_number,
                holds=entry["export"]["holds"],
                column="databases" if kind in DATABASE_KINDS else "other",
                complete=True,
                covers=(entry["id"],),
                is_search=True,
                dois=[doi for doi, _ in rows],
                pmids=[pmid for _, pmid in rows],
            )
        searches.append(
            Search(
                id=entry["id"],
                source=entry["source"],
                kind=kind,
                round=round_number,
                date=str(entry["date"]),
                identified=_count(entry["identified"]),
                for_assessment=_count(entry.get("for_assessment", "unknown")),
                for_assessment_given="for_assessment" in entry,
                export=export,
            )
        )
    by_id = {s.id: s for s in searches}
    record_files: list[Origin] = []
    for entry in log.get("record_files", []):
        covers = tuple(entry["searches"])  # the generated reviews list them (never "all")
        if "round" in entry:
            round_number = int(entry["round"])
        elif covers:
            round_number = min(by_id[c].round for c in covers)
        else:
            round_number = 1
        if not covers:
            column = "outside"
        elif all(by_id[c].kind in DATABASE_KINDS for c in covers):
            column = "databases"
        else:
            column = "other"
        rows = [r for f in _files(entry["files"]) for r in read_ris(directory / f)]
        record_files.append(
            Origin(
                id=entry["id"],
                source=f"record file {entry['id']}",
                kind="record file",
                round=round_number,
                holds=entry["holds"],
                column=column,
                complete=bool(entry.get("complete", True)),
                covers=covers,
                is_search=False,
                dois=[doi for doi, _ in rows],
                pmids=[pmid for _, pmid in rows],
            )
        )
    decisions: dict[str, list[dict[str, str]]] = {}
    for stage in ("removed", "title_abstract", "retrieval", "full_text", "studies"):
        path = directory / f"screening/{stage}.csv"
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                decisions[stage] = list(csv.DictReader(handle))
    return Review(directory, searches, record_files, meta.get("exclusion_reasons", []), decisions)


# --- where each publication stands -----------------------------------------------------------


def publications(review: Review) -> dict[str, Publication]:
    """Every publication with its records, round, column and decisions."""
    pubs: dict[str, Publication] = {}
    by_record: dict[str, Publication] = {}
    for origin in review.origins:
        for position, (doi, record) in enumerate(
            zip(origin.dois, record_ids(origin), strict=True), start=1
        ):
            pub = pubs.setdefault(doi, Publication(doi))
            pub.records.append((origin, position))
            by_record[record] = pub
    for pub in pubs.values():
        pub.round = min(origin.round for origin, _ in pub.records)
        first = [origin for origin, _ in pub.records if origin.round == pub.round]
        columns = {origin.column for origin in first}
        pub.column = (
            "databases" if "databases" in columns else "other" if "other" in columns else "outside"
        )
    stage_field = {
        "removed": ("removed", "removed_by"),
        "title_abstract": ("title_abstract", "decision"),
        "retrieval": ("retrieved", "retrieved"),
        "full_text": ("full_text", "decision"),
        "studies": ("study", "study_id"),
    }
    for stage, rows in review.decisions.items():
        attribute, column = stage_field[stage]
        for row in rows:
            pub = by_record[row["record_id"]]
            setattr(pub, attribute, row[column])
            if stage == "full_text" and row[column] == "exclude":
                pub.reason = row["reason"]
    for pub in pubs.values():
        first = [origin for origin, _ in pub.records if origin.round == pub.round]
        pub.taken_forward = pub.column != "databases" and (
            any(origin.holds in ("for_assessment", "included") for origin in first)
            or pub.has_retrieval_or_full_text
        )
    return pubs


@dataclass
class Stages:
    """The pending token of each stage of one round and column (None: not pending)."""

    exports: str | None = None
    removal: str | None = None
    screening: str | None = None
    retrieval: str | None = None
    eligibility: str | None = None


def database_stages(review: Review, r: int, members: list[Publication]) -> Stages:
    databases = [s for s in review.searches if s.round == r and s.kind in DATABASE_KINDS]
    exports = (
        EXPORTS if any(not s.export or s.export.holds != "identified" for s in databases) else None
    )
    removal_file = review.has("removed") or review.has("title_abstract")
    removal = exports or (REMOVED if members and not removal_file else None)
    screened = [p for p in members if not p.removed]
    screening = removal or (
        TITLE_ABSTRACT if screened and not review.has("title_abstract") else None
    )
    sought = [p for p in screened if p.title_abstract == "include"]
    retrieval_file = review.has("retrieval") or review.has("full_text")
    retrieval = screening or (RETRIEVAL if sought and not retrieval_file else None)
    retrieved = [p for p in sought if p.was_retrieved]
    eligibility = retrieval or (FULL_TEXT if retrieved and not review.has("full_text") else None)
    return Stages(exports, removal, screening, retrieval, eligibility)


def exported_search(review: Review, search: Search) -> bool:
    """Whether a search's records are exported: its own export, or a complete record file
    of its round covering it."""
    return bool(search.export) or any(
        f.round == search.round and f.complete and search.id in f.covers
        for f in review.record_files
    )


def part_two_searches(review: Review, r: int) -> list[Search]:
    """The round's other-methods searches without exported records (a complete record file
    covering a search counts as its export)."""
    covered = {
        c for f in review.record_files if f.round == r and f.complete and f.covers for c in f.covers
    }
    return [
        s
        for s in review.searches
        if s.round == r and s.kind not in DATABASE_KINDS and not s.export and s.id not in covered
    ]


def other_stages(review: Review, r: int, sought: list[Publication], stated_part: N) -> Stages:
    retrieval_file = review.has("retrieval") or review.has("full_text")
    reached = bool(sought) or stated_part.nonzero
    retrieval = RETRIEVAL if reached and not retrieval_file else None
    retrieved = [p for p in sought if p.was_retrieved]
    eligibility = retrieval or (FULL_TEXT if retrieved and not review.has("full_text") else None)
    return Stages(retrieval=retrieval, eligibility=eligibility)


def set_flags(review: Review, pubs: dict[str, Publication]) -> None:
    """Each publication's four flags: screened, sought, assessed, included."""
    for r in review.rounds:
        db = [p for p in pubs.values() if p.round == r and p.column == "databases"]
        stages = database_stages(review, r, db)
        for p in db:
            p.flags = {
                "screened": stages.removal or int(not p.removed),
                "sought": stages.screening or int(p.title_abstract == "include"),
                "assessed": stages.retrieval or int(p.was_retrieved),
                "included": stages.eligibility or int(p.full_text == "include"),
            }
        other = [p for p in pubs.values() if p.round == r and p.column != "databases"]
        sought = [p for p in other if p.taken_forward]
        part = stated(s.for_assessment for s in part_two_searches(review, r))
        ostages = other_stages(review, r, sought, part)
        for p in other:
            p.flags = {
                "screened": 0,
                "sought": int(p.taken_forward),
                "assessed": ostages.retrieval or int(p.was_retrieved),
                "included": ostages.eligibility or int(p.full_text == "include"),
            }


def tally(values: Iterable[int | str]) -> N:
    """Flags summed; pending when one is (naming every file they wait for)."""
    items = list(values)
    tokens = sorted({v for v in items if isinstance(v, str)})
    if tokens:
        return N(None, 0, "|".join(tokens))
    return N(sum(int(v) for v in items))


# --- the numbers ------------------------------------------------------------------------------


@dataclass
class Diagram:
    round: int
    databases_column: bool
    other_column: bool
    previous_column: bool
    boxes: dict[str, N]
    breakdown: dict[str, list[tuple[str, N]]]
    awaiting: dict[str, N]
    reasons: dict[str, list[tuple[str, int]]]
    sought_parts: list[tuple[str, N]]
    """The parts shown as lines: those present, when there are two or more."""
    parts: dict[str, N]
    """All three parts, 0 or not."""
    other_seen_elsewhere: int


@dataclass
class Row:
    name: str
    exported: int
    publications: int
    only_here: int | None
    screened: N
    sought: N
    assessed: N
    included: N
    included_studies: N
    share: float | None


@dataclass
class Reference:
    searches: dict[str, dict[str, Any]]
    record_files: dict[str, dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    identified: N
    for_assessment: N | None
    records: dict[str, Any]
    diagrams: dict[int, Diagram]
    stage_sources: dict[str, Row]
    stage_searches: dict[str, Row]
    stage_total: Row
    updates: dict[str, dict[str, Any]]
    rounds: dict[int, tuple[int, str, str]]


def _export_numbers(origin: Origin, pubs: dict[str, Publication], documented: int | None) -> dict:
    distinct = set(origin.dois)
    only_here = sum(1 for d in distinct if pubs[d].origins == {origin.id})
    return {
        "files": 1,
        "holds": origin.holds,
        "in_file": len(origin.dois),
        "read": len(origin.dois),
        "skipped": 0,
        "publications": len(distinct),
        "duplicates_within": len(origin.dois) - len(distinct),
        "found_only_here": only_here,
        "documented": documented,
    }


def search_numbers(s: Search, pubs: dict[str, Publication]) -> dict[str, Any]:
    if s.identified is not None:
        identified, identified_from = s.identified, "log"
    elif s.export and s.export.holds == "identified":
        identified, identified_from = len(s.export.dois), "export"
    else:
        identified, identified_from = None, "unknown"
    if s.for_assessment is not None:
        for_assessment, for_assessment_from = s.for_assessment, "log"
    elif s.for_assessment_given and s.export and s.export.holds == "for_assessment":
        for_assessment, for_assessment_from = len(s.export.dois), "export"
    elif not s.for_assessment_given and s.kind in DATABASE_KINDS:
        for_assessment, for_assessment_from = None, "not recorded"
    else:
        for_assessment, for_assessment_from = None, "unknown"
    numbers: dict[str, Any] = {
        "source": s.source,
        "kind": s.kind,
        "round": s.round,
        "identified": identified,
        "identified_from": identified_from,
        "for_assessment": for_assessment,
        "for_assessment_from": for_assessment_from,
        "export": None,
    }
    if s.export:
        documented = s.identified if s.export.holds == "identified" else s.for_assessment
        numbers["export"] = _export_numbers(s.export, pubs, documented)
    return numbers


def record_numbers(review: Review, pubs: dict[str, Publication]) -> dict[str, Any]:
    sources: dict[str, list[Origin]] = {}
    for origin in review.origins:
        sources.setdefault(origin.source, []).append(origin)
    rows = {}
    found_by: dict[str, set[str]] = {name: set() for name in sources}
    for name, origins in sources.items():
        dois = [d for o in origins for d in o.dois]
        found_by[name] = set(dois)
        only = sum(1 for d in set(dois) if pubs[d].sources == {name})
        rows[name] = {
            "kind": origins[0].kind,
            "origins": tuple(sorted(o.id for o in origins)),
            "in_file": len(dois),
            "read": len(dois),
            "skipped": 0,
            "duplicates_within": len(dois) - len(set(dois)),
            "publications": len(set(dois)),
            "found_only_here": only,
            "found_elsewhere": len(set(dois)) - only,
        }
    records = sum(len(o.dois) for o in review.origins)
    overlap = {(a, b): len(found_by[a] & found_by[b]) for a in sources for b in sources}
    intersections = Counter(tuple(sorted(p.sources)) for p in pubs.values())
    within = sum(row["duplicates_within"] for row in rows.values())
    across = sum(len(p.sources) - 1 for p in pubs.values())
    return {
        "search_files": sum(1 for s in review.searches if s.export),
        "record_files": len(review.record_files),
        "in_file": records,
        "records": records,
        "skipped": 0,
        "publications": len(pubs),
        "removed": records - len(pubs),
        "within_source": within,
        "across_sources": across,
        "sources": rows,
        "overlap": overlap,
        "intersections": dict(intersections),
    }


def _count_of(pubs: Iterable[Publication], status: str, attribute: str) -> int:
    return sum(1 for p in pubs if getattr(p, attribute) == status)


def _reasons(review: Review, excluded: list[Publication]) -> list[tuple[str, int]]:
    counts = Counter(p.reason for p in excluded)
    return [(reason, counts[reason]) for reason in review.reasons if counts[reason]]


def diagram(review: Review, pubs: dict[str, Publication], r: int) -> Diagram:
    searches = [s for s in review.searches if s.round == r]
    boxes: dict[str, N] = {}
    breakdown: dict[str, list[tuple[str, N]]] = {}
    awaiting: dict[str, N] = {}
    reasons: dict[str, list[tuple[str, int]]] = {}

    # identification
    identified = {s.id: search_numbers(s, pubs)["identified"] for s in searches}
    for box, kind in BOX_KINDS.items():
        lines: list[tuple[str, N]] = []
        for source in dict.fromkeys(s.source for s in searches if s.kind == kind):
            own = [s for s in searches if s.source == source and s.kind == kind]
            lines.append((source, stated(identified[s.id] for s in own)))
        if box == "other_results":
            for f in review.record_files:
                if f.round == r and not f.covers:
                    lines.append((f.source, N(len(f.dois))))
        breakdown[box] = lines
        boxes[box] = plus(*(n for _, n in lines))

    # databases and registers
    members = [p for p in pubs.values() if p.round == r and p.column == "databases"]
    st = database_stages(review, r, members)
    database_records = sum(
        len(s.export.dois)
        for s in searches
        if s.kind in DATABASE_KINDS and s.export and s.export.holds == "identified"
    )
    screened = [p for p in members if not p.removed]
    sought = [p for p in screened if p.title_abstract == "include"]
    retrieved = [p for p in sought if p.was_retrieved]
    boxes["duplicates"] = waiting(st.exports, database_records - len(members))
    boxes["excluded_automatic"] = waiting(st.removal, _count_of(members, "automation", "removed"))
    boxes["excluded_other"] = waiting(st.removal, _count_of(members, "other", "removed"))
    boxes["records_screened"] = waiting(st.removal, len(screened))
    boxes["records_excluded"] = waiting(
        st.screening, _count_of(screened, "exclude", "title_abstract")
    )
    boxes["dbr_sought_reports"] = waiting(st.screening, len(sought))
    boxes["dbr_notretrieved_reports"] = waiting(st.retrieval, _count_of(sought, "no", "retrieved"))
    boxes["dbr_assessed"] = waiting(st.retrieval, len(retrieved))
    excluded = [p for p in retrieved if p.full_text == "exclude"]
    boxes["dbr_excluded"] = waiting(st.eligibility, len(excluded))
    boxes["dbr_included"] = waiting(st.eligibility, _count_of(retrieved, "include", "full_text"))
    if not st.screening:
        awaiting["records_screened"] = N(sum(1 for p in screened if not p.title_abstract))
    if not st.retrieval:
        awaiting["dbr_sought_reports"] = N(
            sum(1 for p in sought if not p.has_retrieval_or_full_text)
        )
    if not st.eligibility:
        awaiting["dbr_assessed"] = N(sum(1 for p in retrieved if not p.full_text))
        reasons["dbr_excluded"] = _reasons(review, excluded)

    # other methods
    other = [p for p in pubs.values() if p.round == r and p.column != "databases"]
    taken = [p for p in other if p.taken_forward]

    def exported_here(origin: Origin) -> bool:
        if origin.round != r:
            return False
        if origin.is_search:
            return origin.kind not in DATABASE_KINDS
        return origin.complete and bool(origin.covers) and origin.column == "other"

    part_one = [p for p in taken if any(exported_here(o) for o, _ in p.records)]
    part_three = [p for p in taken if p.column == "outside" and p not in part_one]
    part_two_pubs = [p for p in taken if p not in part_one and p not in part_three]
    part_two = stated(s.for_assessment for s in part_two_searches(review, r))
    ost = other_stages(review, r, taken, part_two)
    parts = [
        (PART_EXPORTED, N(len(part_one))),
        (PART_STATED, part_two),
        (PART_OUTSIDE, N(len(part_three))),
    ]
    # docs/counting.md: a part is present when the round has what it counts from, even
    # when its number is 0; the parts are listed when two or more are present.
    present = {
        PART_EXPORTED: any(
            s.kind not in DATABASE_KINDS and s.round == r and exported_search(review, s)
            for s in review.searches
        ),
        PART_STATED: bool(part_two_searches(review, r)),
        PART_OUTSIDE: bool(part_three)
        or any(f.round == r and not f.covers for f in review.record_files),
    }
    shown = [(name, n) for name, n in parts if present[name]]
    o_retrieved = [p for p in taken if p.was_retrieved]
    o_excluded = [p for p in o_retrieved if p.full_text == "exclude"]
    boxes["other_sought_reports"] = plus(*(n for name, n in parts if present[name]))
    boxes["other_notretrieved_reports"] = waiting(
        ost.retrieval, _count_of(taken, "no", "retrieved")
    )
    boxes["other_assessed"] = waiting(ost.retrieval, len(o_retrieved))
    boxes["other_excluded"] = waiting(ost.eligibility, len(o_excluded))
    boxes["other_included"] = waiting(
        ost.eligibility, _count_of(o_retrieved, "include", "full_text")
    )
    if not ost.retrieval:
        waiting_one_three = sum(
            1 for p in part_one + part_three if not p.has_retrieval_or_full_text
        )
        decided_two = sum(1 for p in part_two_pubs if p.has_retrieval_or_full_text)
        rest = max(0, (part_two.value or 0) - decided_two)
        awaiting["other_sought_reports"] = N(waiting_one_three + rest, part_two.unstated)
    if not ost.eligibility:
        awaiting["other_assessed"] = N(sum(1 for p in o_retrieved if not p.full_text))
        reasons["other_excluded"] = _reasons(review, o_excluded)

    def took_forward_here(p: Publication) -> bool:
        return any(
            o.round == r and o.column != "databases" and o.holds in ("for_assessment", "included")
            for o, _ in p.records
        )

    elsewhere = sum(
        1
        for p in pubs.values()
        if (p.round < r or (p.round == r and p.column == "databases")) and took_forward_here(p)
    )

    # included
    boxes["new_reports"] = plus(boxes["dbr_included"], boxes["other_included"])
    earlier = [p for p in pubs.values() if p.round < r]
    boxes["previous_reports"] = tally(p.flags["included"] for p in earlier)
    boxes["total_reports"] = plus(boxes["previous_reports"], boxes["new_reports"])
    studies_pending = boxes["new_reports"].pending or boxes["previous_reports"].pending
    if not studies_pending and not review.has("studies") and boxes["total_reports"].value:
        studies_pending = STUDIES
    new_studies = {p.study for p in pubs.values() if p.round == r and p.flags["included"] == 1}
    old_studies = {p.study for p in earlier if p.flags["included"] == 1}
    boxes["new_studies"] = waiting(studies_pending, len(new_studies - old_studies))
    boxes["previous_studies"] = waiting(studies_pending, len(old_studies))
    boxes["total_studies"] = waiting(studies_pending, len(new_studies | old_studies))
    boxes["new_reports_of_earlier_studies"] = waiting(
        studies_pending,
        sum(
            1
            for p in pubs.values()
            if p.round == r and p.flags["included"] == 1 and p.study in old_studies
        ),
    )

    has_outside_file = any(f.round == r and not f.covers for f in review.record_files)
    return Diagram(
        round=r,
        databases_column=any(s.kind in DATABASE_KINDS for s in searches) or bool(members),
        other_column=any(s.kind not in DATABASE_KINDS for s in searches)
        or bool(other)
        or has_outside_file,
        previous_column=r > 1,
        boxes=boxes,
        breakdown=breakdown,
        awaiting={k: v for k, v in awaiting.items() if v.nonzero},
        reasons={k: v for k, v in reasons.items() if v},
        sought_parts=shown if len(shown) >= 2 else [],
        parts=dict(parts),
        other_seen_elsewhere=elsewhere,
    )


def stage_row(
    review: Review,
    name: str,
    found: list[Publication],
    exported: int,
    only_here: int | None,
    databases_origin: bool,
) -> Row:
    included = tally(p.flags["included"] for p in found)
    if included.pending:
        studies = included
    elif included.value and not review.has("studies"):
        studies = N(None, 0, STUDIES)
    else:
        studies = N(len({p.study for p in found if p.flags["included"] == 1}))
    return Row(
        name=name,
        exported=exported,
        publications=len(found),
        only_here=only_here,
        screened=tally(p.flags["screened"] for p in found) if databases_origin else N(None),
        sought=tally(p.flags["sought"] for p in found),
        assessed=tally(p.flags["assessed"] for p in found),
        included=included,
        included_studies=studies,
        share=None,
    )


def _share(row: Row, total: Row) -> float | None:
    if row.included.pending or total.included.pending or not total.included.value:
        return None
    return (row.included.value or 0) / total.included.value


def count(directory: Path) -> Reference:
    """Every number of the review in ``directory``, by docs/counting.md."""
    review = read_review(directory)
    pubs = publications(review)
    set_flags(review, pubs)

    searches = {s.id: search_numbers(s, pubs) for s in review.searches}
    record_files = {
        f.id: {
            "name": f.source,
            "round": f.round,
            "holds": f.holds,
            "complete": f.complete,
            "searches": f.covers,
            "records": _export_numbers(f, pubs, None),
        }
        for f in review.record_files
    }
    sources: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(s.source for s in review.searches):
        own = [s for s in review.searches if s.source == name]
        recorded = [
            searches[s.id] for s in own if searches[s.id]["for_assessment_from"] != "not recorded"
        ]
        sources[name] = {
            "kinds": {s.kind for s in own},
            "search_ids": tuple(s.id for s in own),
            "identified": stated(searches[s.id]["identified"] for s in own),
            "for_assessment": stated(n["for_assessment"] for n in recorded) if recorded else None,
            "identified_from_exports": sum(
                1 for s in own if searches[s.id]["identified_from"] == "export"
            ),
        }
    all_recorded = [n for n in searches.values() if n["for_assessment_from"] != "not recorded"]

    # stage tables
    def databases_origin(origin: Origin) -> bool:
        return origin.column == "databases"

    stage_sources: dict[str, Row] = {}
    by_source: dict[str, list[Origin]] = {}
    for origin in review.origins:
        by_source.setdefault(origin.source, []).append(origin)
    for name, origins in by_source.items():
        found = [p for p in pubs.values() if name in p.sources]
        stage_sources[name] = stage_row(
            review,
            name,
            found,
            sum(len(o.dois) for o in origins),
            sum(1 for p in found if p.sources == {name}),
            any(databases_origin(o) for o in origins),
        )
    stage_searches: dict[str, Row] = {}
    for origin in review.origins:
        found = [p for p in pubs.values() if origin.id in p.origins]
        stage_searches[origin.id] = stage_row(
            review,
            origin.id,
            found,
            len(origin.dois),
            sum(1 for p in found if p.origins == {origin.id}),
            databases_origin(origin),
        )
    total = stage_row(
        review,
        "All sources",
        list(pubs.values()),
        sum(len(o.dois) for o in review.origins),
        None,
        any(databases_origin(o) for o in review.origins),
    )
    for row in [*stage_sources.values(), *stage_searches.values()]:
        row.share = _share(row, total)
    total.share = _share(total, total)

    updates: dict[str, dict[str, Any]] = {}
    for s in review.searches:
        if s.round < 2 or not s.export:
            continue
        found = set(s.export.dois)
        before = [t for t in review.searches if t.source == s.source and t.round < s.round]
        if not before or any(not t.export for t in before):
            gone = None
        else:
            gone = len({d for t in before if t.export for d in t.export.dois} - found)
        updates[s.id] = {
            "source": s.source,
            "round": s.round,
            "records": len(s.export.dois),
            "publications": len(found),
            "new": sum(1 for d in found if pubs[d].round == s.round),
            "seen_before": sum(1 for d in found if pubs[d].round < s.round),
            "no_longer_found": gone,
        }
    rounds = {}
    for r in sorted({s.round for s in review.searches}):
        dates = [s.date for s in review.searches if s.round == r]
        rounds[r] = (len(dates), min(dates), max(dates))

    return Reference(
        searches=searches,
        record_files=record_files,
        sources=sources,
        identified=stated(n["identified"] for n in searches.values()),
        for_assessment=stated(n["for_assessment"] for n in all_recorded) if all_recorded else None,
        records=record_numbers(review, pubs),
        diagrams={r: diagram(review, pubs, r) for r in review.rounds},
        stage_sources=stage_sources,
        stage_searches=stage_searches,
        stage_total=total,
        updates=updates,
        rounds=rounds,
    )
