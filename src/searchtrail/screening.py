"""People's decisions after deduplication, and where each record stands in the flow.

Decision files live in ``screening/``, one CSV table per stage (documented, with examples, in
``docs/screening.md``; rows are checked against ``schemas/screening.schema.yaml``):

=============================  ===========================================================
file                           rows
=============================  ===========================================================
``removed.csv``                record_id, removed_by (automation | other), reason
``title_abstract.csv``         record_id, decision (include | exclude)
``retrieval.csv``              record_id, retrieved (yes | no)
``full_text.csv``              record_id, decision (include | exclude), reason
``studies.csv``                record_id, study_id
=============================  ===========================================================

Every file is optional; a stage without decisions is *pending*, never zero. Decisions name
records by their ids from the dedup stage, and a decision for any record of a duplicate
group applies to the group. The unit that moves through the flow is the group (a record
after deduplication; a *report* once it is sought for retrieval).

A group belongs to the databases-and-registers column when one of its records comes from a
database or register search, otherwise to the other-methods column; it is *new* in the
earliest search round one of its records comes from. Records of later rounds that join a
group seen earlier carry that group's decisions: nothing is screened twice.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.schemas import schema_problems
from searchtrail.searchlog import DATABASE_KINDS, Review
from searchtrail.yamlio import Path_, YamlDocument

Stage = Literal["removed", "title_abstract", "retrieval", "full_text", "studies"]
STAGES: Final[tuple[Stage, ...]] = (
    "removed",
    "title_abstract",
    "retrieval",
    "full_text",
    "studies",
)
FILES: Final[dict[Stage, str]] = {stage: f"screening/{stage}.csv" for stage in STAGES}
COLUMNS: Final[dict[Stage, tuple[str, ...]]] = {
    "removed": ("record_id", "removed_by", "reason", "reviewer", "date", "note"),
    "title_abstract": ("record_id", "decision", "reviewer", "date", "note"),
    "retrieval": ("record_id", "retrieved", "reviewer", "date", "note"),
    "full_text": ("record_id", "decision", "reason", "reviewer", "date", "note"),
    "studies": ("record_id", "study_id", "note"),
}
_VALUE_COLUMN: Final[dict[Stage, str]] = {
    "removed": "removed_by",
    "title_abstract": "decision",
    "retrieval": "retrieved",
    "full_text": "decision",
    "studies": "study_id",
}
# Spellings people and tools use for the same decision.
_SYNONYMS: Final[dict[str, str]] = {
    "included": "include",
    "excluded": "exclude",
    "y": "yes",
    "n": "no",
    "retrieved": "yes",
    "not retrieved": "no",
    "automatic": "automation",
    "automated": "automation",
}

DATABASES: Final = "databases"
OTHER: Final = "other"
OUTSIDE: Final = "outside"
Column = Literal["databases", "other", "outside"]

# Where a group stands, from removal before screening to inclusion.
REMOVED_AUTOMATION: Final = "removed by automation tool"
REMOVED_OTHER: Final = "removed for other reasons"
UNREADABLE: Final = "unreadable"
AWAITING_SCREENING: Final = "awaiting screening"
EXCLUDED_SCREENING: Final = "excluded at screening"
NOT_SOUGHT: Final = "not taken forward"
AWAITING_RETRIEVAL: Final = "awaiting retrieval"
NOT_RETRIEVED: Final = "not retrieved"
AWAITING_ELIGIBILITY: Final = "awaiting eligibility assessment"
EXCLUDED_ELIGIBILITY: Final = "excluded at eligibility"
INCLUDED: Final = "included"
NOT_IN_FLOW: Final = "outside the searches"
SOUGHT: Final = frozenset(
    {AWAITING_RETRIEVAL, NOT_RETRIEVED, AWAITING_ELIGIBILITY, EXCLUDED_ELIGIBILITY, INCLUDED}
)
ASSESSED: Final = frozenset({AWAITING_ELIGIBILITY, EXCLUDED_ELIGIBILITY, INCLUDED})


@dataclass(frozen=True)
class Decision:
    """One row of a decision file."""

    stage: Stage
    record_id: str
    value: str
    reason: str
    reviewer: str
    date: str
    note: str
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Decisions:
    """Every decision file of a review, read and checked row by row."""

    rows: dict[Stage, tuple[Decision, ...]] = field(default_factory=dict)

    def present(self, stage: Stage) -> bool:
        """True when the review has a file for ``stage``."""
        return stage in self.rows

    def of(self, stage: Stage) -> tuple[Decision, ...]:
        return self.rows.get(stage, ())


def read_decisions(directory: Path, review: Review) -> Decisions:
    """Read every decision file in ``directory/screening``; raise :class:`ReviewError` with
    every problem in them (schema, unknown exclusion reasons) at once."""
    rows: dict[Stage, tuple[Decision, ...]] = {}
    problems: list[Problem] = []
    for stage in STAGES:
        path = directory / FILES[stage]
        if not path.exists():
            continue
        found, wrong = parse_decisions(
            path.read_text(encoding="utf-8-sig"), stage, review, file=FILES[stage]
        )
        rows[stage] = found
        problems.extend(wrong)
    if problems:
        raise ReviewError(problems)
    return Decisions(rows)


def parse_decisions(
    text: str, stage: Stage, review: Review, *, file: str
) -> tuple[tuple[Decision, ...], list[Problem]]:
    """Parse one decision file's text: its decisions and the problems found in it."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    required = ("record_id", _VALUE_COLUMN[stage])
    missing = [name for name in required if name not in header]
    if missing:
        return (), [
            Problem(
                file,
                1,
                None,
                None,
                show_value(", ".join(header)),
                f"a header with the columns {', '.join(COLUMNS[stage])}",
                f"the header lacks {', '.join(missing)}",
            )
        ]
    data: list[dict[str, str]] = []
    lines: dict[Path_, int] = {}
    line = reader.line_num
    for raw in reader:
        start, line = line + 1, reader.line_num
        row = {
            (key or "").strip(): (value or "").strip()
            for key, value in raw.items()
            if key is not None
        }
        if not any(row.values()):
            continue
        wanted = {name: row.get(name, "") for name in COLUMNS[stage] if name in header}
        value_column = _VALUE_COLUMN[stage]
        if stage != "studies":
            lowered = wanted[value_column].lower()
            wanted[value_column] = _SYNONYMS.get(lowered, lowered)
        # Optional columns left empty are simply absent.
        wanted = {k: v for k, v in wanted.items() if v or k in required}
        index = len(data)
        lines[(index,)] = start
        for name in wanted:
            lines[(index, name)] = start
        data.append(wanted)
    document = YamlDocument(file=file, data=data, lines=lines)

    def entry(path: Path_) -> tuple[str | None, int]:
        if path and isinstance(path[0], int) and path[0] < len(data):
            return f"record {data[path[0]].get('record_id', '?')!s}", 1
        return None, 0

    problems = schema_problems(document, "screening", entry, rows=stage)
    reasons = review.exclusion_reasons
    decisions = []
    for index, row in enumerate(data):
        start = lines[(index,)]
        reason = row.get("reason", "")
        if stage == "full_text" and row.get("decision") == "exclude" and reason not in reasons:
            if not reasons:
                expected = "exclusion_reasons listed in searches/review.yaml"
                message = "the review defines no exclusion reasons to choose from"
            else:
                close = difflib.get_close_matches(reason, reasons, n=1, cutoff=0.5)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                expected = "one of the exclusion_reasons in searches/review.yaml: " + "; ".join(
                    reasons
                )
                message = (
                    f"the reason {show_value(reason)} is not in the review's list{hint}"
                    if reason
                    else "an exclusion needs a reason"
                )
            problems.append(
                Problem(
                    file,
                    start,
                    f"record {row.get('record_id', '?')}",
                    "reason",
                    show_value(reason),
                    expected,
                    message,
                )
            )
        decisions.append(
            Decision(
                stage=stage,
                record_id=row.get("record_id", ""),
                value=row.get(_VALUE_COLUMN[stage], ""),
                reason=reason,
                reviewer=row.get("reviewer", ""),
                date=row.get("date", ""),
                note=row.get("note", ""),
                file=file,
                line=start,
            )
        )
    return tuple(decisions), problems


# --- where every group stands --------------------------------------------------------------


@dataclass(frozen=True)
class GroupStatus:
    """One duplicate group (a record after deduplication) on its way through the flow."""

    group: str
    record_id: str
    """The record the group kept."""
    column: Column
    round: int
    sources: tuple[str, ...]
    origins: tuple[str, ...]
    status: str
    removed: str = ""
    screening: str = ""
    retrieval: str = ""
    eligibility: str = ""
    reason: str = ""
    study: str = ""
    sought: bool = False
    decided_in: tuple[str, ...] = ()
    """Where its decisions are written (file:line)."""


@dataclass(frozen=True)
class Flow:
    """Where every group stands."""

    groups: tuple[GroupStatus, ...]
    decisions: Decisions
    studies_mapped: bool

    def table(self) -> pd.DataFrame:
        """One row per group, for ``reports/flow.csv``."""
        return pd.DataFrame(
            [
                {
                    "duplicate_group": g.group,
                    "record_id": g.record_id,
                    "column": g.column,
                    "round": g.round,
                    "sources": "; ".join(g.sources),
                    "searches": "; ".join(g.origins),
                    "status": g.status,
                    "removed_before_screening": g.removed,
                    "title_abstract": g.screening,
                    "retrieval": g.retrieval,
                    "full_text": g.eligibility,
                    "exclusion_reason": g.reason,
                    "study": g.study,
                    "decided_in": "; ".join(g.decided_in),
                }
                for g in self.groups
            ],
            columns=[
                "duplicate_group", "record_id", "column", "round", "sources", "searches",
                "status", "removed_before_screening", "title_abstract", "retrieval",
                "full_text", "exclusion_reason", "study", "decided_in",
            ],
        )  # fmt: skip


def _origin_facts(review: Review) -> dict[str, tuple[frozenset[str], int | None, str]]:
    """For each search and record file: the kinds of the searches its records come from,
    their earliest round, and the source name."""
    names = review.origin_sources()
    facts: dict[str, tuple[frozenset[str], int | None, str]] = {
        s.id: (frozenset({s.kind}), s.round, names[s.id]) for s in review.searches
    }
    for record_file in review.record_files:
        covered = (
            list(review.searches)
            if record_file.searches == "all"
            else [s for s in review.searches if s.id in record_file.searches]
        )
        facts[record_file.id] = (
            frozenset(s.kind for s in covered),
            min((s.round for s in covered), default=None),
            names[record_file.id],
        )
    return facts


def compute_flow(
    review: Review,
    groups: pd.DataFrame,
    decisions: Decisions,
) -> Flow:
    """Place every duplicate group in the flow; raise :class:`ReviewError` for decisions that
    name unknown records, contradict each other, or skip a stage.

    ``groups`` has record_id, origin_id, duplicate_group and kept for every record read.
    """
    facts = _origin_facts(review)
    holds = review.origin_holds()
    group_of: dict[str, str] = dict(
        zip(
            groups["record_id"].astype(str),
            groups["duplicate_group"].astype(str),
            strict=True,
        )
    )
    members: dict[str, list[tuple[str, str]]] = {}
    kept: dict[str, str] = {}
    for record_id, origin, group, is_kept in zip(
        groups["record_id"].astype(str),
        groups["origin_id"].astype(str),
        groups["duplicate_group"].astype(str),
        groups["kept"],
        strict=True,
    ):
        members.setdefault(group, []).append((record_id, origin))
        if is_kept:
            kept[group] = record_id

    problems: list[Problem] = []
    by_stage: dict[Stage, dict[str, Decision]] = {}
    for stage in STAGES:
        chosen: dict[str, Decision] = {}
        for decision in decisions.of(stage):
            target = group_of.get(decision.record_id)
            if target is None:
                problems.append(
                    Problem(
                        decision.file,
                        decision.line,
                        f"record {decision.record_id}",
                        "record_id",
                        show_value(decision.record_id),
                        "the id of a record in this review (reports/dedup/groups.csv)",
                        f"no record has the id {show_value(decision.record_id)}",
                    )
                )
                continue
            earlier = chosen.get(target)
            if earlier is None:
                chosen[target] = decision
            elif (earlier.value, earlier.reason) != (decision.value, decision.reason):
                same = (
                    "the same record"
                    if earlier.record_id == decision.record_id
                    else f"{earlier.record_id}, a duplicate of this record"
                )
                problems.append(
                    Problem(
                        decision.file,
                        decision.line,
                        f"record {decision.record_id}",
                        _VALUE_COLUMN[stage],
                        show_value(_shown(decision)),
                        "one decision per record (and per duplicate group)",
                        f"line {earlier.line} decides {show_value(_shown(earlier))} for {same}",
                    )
                )
        by_stage[stage] = chosen

    statuses = []
    for group in sorted(members):
        names = members[group]
        kinds = [facts.get(origin, (frozenset(), None, ""))[0] for _, origin in names]
        column: Column
        if any(k and k <= DATABASE_KINDS for k in kinds):
            column = DATABASES
        elif any(k for k in kinds):
            column = OTHER
        else:
            column = OUTSIDE
        rounds = [facts.get(origin, (frozenset(), None, ""))[1] for _, origin in names]
        known_rounds = [r for r in rounds if r is not None]
        first_round = min(known_rounds) if known_rounds else 1
        sources = tuple(dict.fromkeys(facts.get(o, (frozenset(), None, o))[2] for _, o in names))
        origins = tuple(dict.fromkeys(o for _, o in names))
        picked = {stage: by_stage[stage].get(group) for stage in STAGES}
        status, wrong = _walk(
            column,
            picked,
            decisions,
            forwarded=any(holds.get(o) in ("for_assessment", "included") for o in origins),
        )
        problems.extend(wrong)
        removed, screening, retrieval, eligibility, study = (
            picked["removed"],
            picked["title_abstract"],
            picked["retrieval"],
            picked["full_text"],
            picked["studies"],
        )
        statuses.append(
            GroupStatus(
                group=group,
                record_id=kept.get(group, names[0][0]),
                column=column,
                round=first_round,
                sources=sources,
                origins=origins,
                status=status,
                removed=removed.value if removed else "",
                screening=screening.value if screening else "",
                retrieval=retrieval.value if retrieval else "",
                eligibility=eligibility.value if eligibility else "",
                reason=(eligibility.reason if eligibility else "")
                or (removed.reason if removed else ""),
                study=study.value if study else "",
                sought=status in SOUGHT,
                decided_in=tuple(d.where for d in picked.values() if d is not None),
            )
        )
    if problems:
        raise ReviewError(problems, summary="screening decisions that cannot be used")
    flow = Flow(tuple(statuses), decisions, decisions.present("studies"))
    _check_studies(flow, decisions)
    return flow


def _shown(decision: Decision) -> str:
    return f"{decision.value}: {decision.reason}" if decision.reason else decision.value


def _walk(
    column: Column,
    picked: Mapping[Stage, Decision | None],
    decisions: Decisions,
    *,
    forwarded: bool,
) -> tuple[str, list[Problem]]:
    """The status a group's decisions give it, and the decisions that skip or contradict a
    stage."""
    removed = picked["removed"]
    screening = picked["title_abstract"]
    retrieval = picked["retrieval"]
    eligibility = picked["full_text"]
    study = picked["studies"]
    problems: list[Problem] = []

    def refuse(decision: Decision, why: str, expected: str) -> None:
        problems.append(
            Problem(
                decision.file,
                decision.line,
                f"record {decision.record_id}",
                _VALUE_COLUMN[decision.stage],
                show_value(_shown(decision)),
                expected,
                why,
            )
        )

    later = [d for d in (screening, retrieval, eligibility, study) if d is not None]
    if removed is not None:
        for decision in later:
            refuse(
                decision,
                f"the record was removed before screening ({removed.where})",
                "no decisions after a record is removed",
            )
        status = REMOVED_AUTOMATION if removed.value == "automation" else REMOVED_OTHER
        return status, problems

    if column == DATABASES:
        if screening is None:
            for decision in later:
                refuse(
                    decision,
                    "the record has no title/abstract screening decision",
                    f"an include in {FILES['title_abstract']} first",
                )
            return AWAITING_SCREENING, problems
        if screening.value == "exclude":
            for decision in later[1:]:
                refuse(
                    decision,
                    f"the record was excluded at title/abstract screening ({screening.where})",
                    "no decisions after an exclusion",
                )
            return EXCLUDED_SCREENING, problems
    else:  # other methods, or a reference from outside the searches
        if screening is not None:
            refuse(
                screening,
                "the record comes from other methods (websites, organisations, citation "
                "searching), whose reports go straight to retrieval",
                f"decisions for it in {FILES['retrieval']} or {FILES['full_text']}",
            )
        sought = forwarded or retrieval is not None or eligibility is not None
        if not sought:
            for decision in later:
                if decision is not screening:
                    refuse(
                        decision,
                        "the record was not taken forward for assessment",
                        "decisions only for records taken forward",
                    )
            return (NOT_IN_FLOW if column == OUTSIDE else NOT_SOUGHT), problems

    if retrieval is not None and retrieval.value == "no":
        for after in (eligibility, study):
            if after is not None:
                refuse(
                    after,
                    f"the report was not retrieved ({retrieval.where})",
                    "no eligibility decision for a report not retrieved",
                )
        return NOT_RETRIEVED, problems
    if eligibility is None:
        if study is not None:
            refuse(
                study,
                "the report has no full-text decision",
                f"an include in {FILES['full_text']}",
            )
        return (AWAITING_ELIGIBILITY if retrieval is not None else AWAITING_RETRIEVAL), problems
    if eligibility.value == "exclude":
        if study is not None:
            refuse(
                study,
                f"the report was excluded at eligibility ({eligibility.where})",
                "studies only for included reports",
            )
        return EXCLUDED_ELIGIBILITY, problems
    return INCLUDED, problems


def _check_studies(flow: Flow, decisions: Decisions) -> None:
    if not decisions.present("studies"):
        return
    unmapped = [g for g in flow.groups if g.status == INCLUDED and not g.study]
    if unmapped:
        raise ReviewError(
            [
                Problem(
                    FILES["studies"],
                    None,
                    f"record {g.record_id}",
                    "study_id",
                    None,
                    "a study for every included report",
                    f"the included report {g.record_id} (group {g.group}) names no study",
                )
                for g in unmapped
            ]
        )
