"""The review's flow at the publication level: the one model every count is taken from.

:func:`build_flow` joins what the earlier stages wrote (the records each search and record
file held, the duplicate groups, and where the screening stage placed every publication)
into a :class:`Flow`. It decides, once, for every publication and every stage, whether the
publication reached that stage (``True``/``False``), or whether that is not known yet
because the stage is *pending* (``None``): the review directory does not hold the decisions
for it. Every box of the diagram, every cell of the per-source and per-search tables and
every per-round number counts these same flags, so no two reports can count a stage
differently.

When a stage is pending, per search round and PRISMA column:

- databases and registers: everything after identification is pending until every database
  and register search of the round has the export of all its records; removal before
  screening until the review has ``screening/removed.csv`` or title/abstract decisions (a
  review that screens without ``removed.csv`` removed nothing); title/abstract screening
  until ``title_abstract.csv`` exists;
- both columns: retrieval until ``retrieval.csv`` or ``full_text.csv`` exists (a full-text
  decision implies retrieval); eligibility until ``full_text.csv`` exists;
- a stage that nobody reached (no publication, no stated count) is never pending: it is 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

import pandas as pd

from searchtrail.records.review import FileImport
from searchtrail.screening.placement import (
    ASSESSED,
    INCLUDED,
    REMOVED_AUTOMATION,
    REMOVED_OTHER,
    SOUGHT,
    Placed,
    Placement,
)
from searchtrail.searchlog import (
    DATABASE_KINDS,
    DATABASES,
    OTHER,
    OUTSIDE,
    Column,
    Origin,
    Review,
    Search,
)

NEEDS_REMOVAL: Final = (
    "needs the records removed before screening (screening/removed.csv; a file with only "
    "its header says none were) or title/abstract decisions"
)
NEEDS_SCREENING: Final = "needs title/abstract screening decisions (screening/title_abstract.csv)"
NEEDS_RETRIEVAL: Final = (
    "needs retrieval or full-text decisions (screening/retrieval.csv, screening/full_text.csv)"
)
NEEDS_ELIGIBILITY: Final = "needs full-text eligibility decisions (screening/full_text.csv)"
NEEDS_STUDIES: Final = "needs the reports' studies (screening/studies.csv)"


def needs_exports(round_number: int, missing: int, searches: int) -> str:
    """Why the databases column of a round has no numbers after identification."""
    return (
        f"needs the export of all identified records of every database and register search "
        f"of round {round_number} ({missing} of {searches} {'has' if missing == 1 else 'have'} "
        "none)"
    )


@dataclass(frozen=True)
class OriginRecords:
    """What the files of one search's export (or of one record file) held."""

    origin: Origin
    files: int
    in_file: int
    """Records in the files, by the format's own counting rule."""
    read: int
    skipped: int
    """Records that could not be read and were skipped as the log allows."""
    unreadable: tuple[str, ...] = ()
    """Where each skipped record is and why it could not be read (file, line, reason)."""


@dataclass(frozen=True)
class Publication:
    """One publication (a duplicate group) and the stages it reached.

    ``screened``, ``sought``, ``assessed`` and ``included`` are ``None`` while the stage is
    pending for the publication's round and column; ``screened`` is ``False`` for
    publications of the other-methods column, which skip title/abstract screening.
    """

    group: str
    record_id: str
    round: int
    column: Column
    status: str
    removed: str
    reason: str
    study: str
    records: Mapping[str, int]
    """How many of its records each search or record file holds."""
    screened: bool | None
    sought: bool | None
    assessed: bool | None
    included: bool | None

    @property
    def origins(self) -> frozenset[str]:
        """The searches and record files that found it."""
        return frozenset(self.records)


@dataclass(frozen=True)
class Stages:
    """Per stage, why it is pending (``None``: not pending) for one round and column."""

    exports: str | None = None
    removal: str | None = None
    screening: str | None = None
    retrieval: str | None = None
    eligibility: str | None = None


@dataclass(frozen=True)
class Flow:
    """Every publication of the review with the stages it reached, and its records."""

    origins: Mapping[str, Origin]
    records: Mapping[str, OriginRecords]
    """The searches and record files that have records, by id."""
    publications: tuple[Publication, ...]
    stages: Mapping[tuple[int, Column], Stages]
    decision_files: frozenset[str]
    removed_by_kind: Mapping[str, int]
    """Records merged into another record's group, by how they were linked (identifier,
    fuzzy, manual)."""
    dedup: Mapping[str, Any]
    """The dedup stage's summary: pair decisions, verdicts, open questions, splits."""

    @cached_property
    def by_origin(self) -> dict[str, tuple[Publication, ...]]:
        """The publications each search or record file found."""
        found: dict[str, list[Publication]] = {}
        for publication in self.publications:
            for origin in publication.records:
                found.setdefault(origin, []).append(publication)
        return {origin: tuple(items) for origin, items in found.items()}

    def stage(self, round_number: int, column: Column) -> Stages:
        """The pending stages of one round and column (none when it has no publication)."""
        return self.stages.get((round_number, _lane(column)), Stages())

    def pending_reason(self, publication: Publication, flag: str) -> str | None:
        """Why ``flag`` (screened, sought, assessed, included) is unknown for a publication."""
        stages = self.stage(publication.round, publication.column)
        chain = {
            "screened": (stages.exports, stages.removal),
            "sought": (stages.exports, stages.removal, stages.screening),
            "assessed": (stages.exports, stages.removal, stages.screening, stages.retrieval),
            "included": (
                stages.exports,
                stages.removal,
                stages.screening,
                stages.retrieval,
                stages.eligibility,
            ),
        }[flag]
        return next((reason for reason in chain if reason), None)


def _lane(column: Column) -> Column:
    """Records found outside the searches are counted with the other methods."""
    return OTHER if column == OUTSIDE else column


def origin_records(review: Review, imports: Iterable[FileImport]) -> dict[str, OriginRecords]:
    """The records of every search export and record file, summed over its files."""
    origins = {o.id: o for o in review.origins()}
    grouped: dict[str, list[FileImport]] = {}
    for item in imports:
        grouped.setdefault(item.origin_id, []).append(item)
    return {
        origin_id: OriginRecords(
            origin=origins[origin_id],
            files=len(items),
            in_file=sum(i.in_file for i in items),
            read=sum(i.read for i in items),
            skipped=sum(len(i.skipped) for i in items),
            unreadable=tuple(problem for i in items for problem in i.skipped),
        )
        for origin_id, items in grouped.items()
        if origin_id in origins
    }


def build_flow(
    review: Review,
    imports: Sequence[FileImport],
    groups: pd.DataFrame,
    placement: Placement,
    dedup: Mapping[str, Any],
) -> Flow:
    """The flow model from the records stage's imports, the dedup stage's groups and summary
    and the screening stage's placement."""
    origins = {o.id: o for o in review.origins()}
    records = origin_records(review, imports)
    membership: dict[str, dict[str, int]] = {}
    sizes = groups.groupby(["duplicate_group", "origin_id"], sort=False).size()
    for group, origin, size in zip(
        sizes.index.get_level_values(0),
        sizes.index.get_level_values(1),
        sizes.to_numpy(),
        strict=True,
    ):
        membership.setdefault(str(group), {})[str(origin)] = int(size)
    merged = groups.loc[~groups["kept"].astype(bool), "merge_kind"].astype(str)
    removed_by_kind = {str(k): int(n) for k, n in Counter(merged).items()}
    files = frozenset(placement.decision_files)

    placed = placement.publications
    stages = _stages(review, records, placed, files)
    publications = []
    for p in placed:
        state = stages.get((p.round, _lane(p.column)), Stages())
        publications.append(
            Publication(
                group=p.group,
                record_id=p.record_id,
                round=p.round,
                column=p.column,
                status=p.status,
                removed=p.removed if p.status in (REMOVED_AUTOMATION, REMOVED_OTHER) else "",
                reason=p.reason,
                study=p.study,
                records=membership.get(p.group, {}),
                **_flags(p.column, p.status, state),
            )
        )
    return Flow(
        origins=origins,
        records=records,
        publications=tuple(publications),
        stages=stages,
        decision_files=files,
        removed_by_kind=removed_by_kind,
        dedup=dedup,
    )


def _flags(column: Column, status: str, state: Stages) -> dict[str, bool | None]:
    """The stages a publication with ``status`` reached, given its round's pending stages."""
    databases = column == DATABASES
    after_removal = state.exports or state.removal
    after_screening = after_removal or (state.screening if databases else None)
    after_retrieval = after_screening or state.retrieval
    after_eligibility = after_retrieval or state.eligibility
    removed = status in (REMOVED_AUTOMATION, REMOVED_OTHER)
    return {
        "screened": (None if after_removal else not removed) if databases else False,
        "sought": None if after_screening else status in SOUGHT,
        "assessed": None if after_retrieval else status in ASSESSED,
        "included": None if after_eligibility else status == INCLUDED,
    }


def has_own_records(search: Search, review: Review, records: Mapping[str, OriginRecords]) -> bool:
    """Whether a search's reports can be counted from records: it has an export, or a
    complete record file covers it. Otherwise its stated counts stand for its records."""
    if search.id in records:
        return True
    return any(
        not o.is_search and o.complete and o.id in records and search.id in o.searches
        for o in review.origins()
    )


def _stages(
    review: Review,
    records: Mapping[str, OriginRecords],
    placed: Iterable[Placed],
    files: frozenset[str],
) -> dict[tuple[int, Column], Stages]:
    """Which stages are pending, per round and column."""
    by_lane: dict[tuple[int, Column], list[Placed]] = {}
    for p in placed:
        by_lane.setdefault((p.round, _lane(p.column)), []).append(p)
    retrieval_files = bool(files & {"retrieval", "full_text"})
    found: dict[tuple[int, Column], Stages] = {}
    for number in review.rounds or (1,):
        databases = [s for s in review.searches if s.round == number and s.kind in DATABASE_KINDS]
        members = by_lane.get((number, DATABASES), [])
        if databases or members:
            missing = [
                s
                for s in databases
                if s.export is None or s.export.holds != "identified" or s.id not in records
            ]
            exports = needs_exports(number, len(missing), len(databases)) if missing else None
            removal = (
                NEEDS_REMOVAL if members and not files & {"removed", "title_abstract"} else None
            )
            screened = [p for p in members if p.status not in (REMOVED_AUTOMATION, REMOVED_OTHER)]
            screening = NEEDS_SCREENING if screened and "title_abstract" not in files else None
            sought = [p for p in screened if p.status in SOUGHT]
            found[(number, DATABASES)] = Stages(
                exports=exports,
                removal=removal,
                screening=screening,
                **_later(sought, retrieval_files, "full_text" in files),
            )
        others = [s for s in review.searches if s.round == number and s.kind not in DATABASE_KINDS]
        members = by_lane.get((number, OTHER), [])
        stated = any(
            s.for_assessment is None or s.for_assessment > 0
            for s in others
            if not has_own_records(s, review, records)
        )
        if others or members:
            sought = [p for p in members if p.status in SOUGHT]
            found[(number, OTHER)] = Stages(
                **_later(sought, retrieval_files, "full_text" in files, stated=stated)
            )
    return found


def _later(
    sought: Sequence[Placed],
    retrieval_files: bool,
    eligibility_file: bool,
    *,
    stated: bool = False,
) -> dict[str, str | None]:
    retrieval = NEEDS_RETRIEVAL if (sought or stated) and not retrieval_files else None
    assessed = [p for p in sought if p.status in ASSESSED]
    eligibility = NEEDS_ELIGIBILITY if assessed and not eligibility_file else None
    return {"retrieval": retrieval, "eligibility": eligibility}
