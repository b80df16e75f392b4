"""The screening stage: where every publication stands after people's decisions.

The unit that moves through the flow is the publication: a duplicate group, a *record*
before screening and a *report* once it is sought for retrieval. A decision for any record
of a group applies to the group.

A publication is *new* in the earliest search round one of its records comes from, and
takes its PRISMA 2020 column from its records of that round: the databases-and-registers
column when one of them comes from a database or register search (or a record file of
such searches), otherwise the other-methods column, or *outside* when they all come from a
record file of records found outside the log's searches (those are shown among the other
methods). Records of later rounds that join a group seen earlier carry that group's
decisions: nothing is screened twice.

Statuses, from removal before screening to inclusion, and the decisions that give them:

- removed by automation tool / removed for other reasons: ``removed.csv``;
- awaiting screening, excluded at screening: ``title_abstract.csv`` (databases column only;
  other methods go straight to retrieval);
- not taken forward: an other-methods record from an export of every identified record that
  has no retrieval or full-text decision (it was not among those taken forward);
- awaiting retrieval, not retrieved: ``retrieval.csv``;
- awaiting eligibility assessment, excluded at eligibility, included: ``full_text.csv``
  (a full-text decision implies the report was retrieved);
- outside the searches: a record found outside the searches that was not taken forward.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Final

import pandas as pd

from searchtrail.dedup.verdicts import OpenQuestion
from searchtrail.errors import Problem, ReviewError, show_value
from searchtrail.layout import VERDICTS_FILE
from searchtrail.records.identity import KnownRecords
from searchtrail.screening.decisions import (
    FILES,
    STAGES,
    VALUE_COLUMN,
    Decision,
    Decisions,
    Stage,
)
from searchtrail.searchlog import DATABASES, OTHER, OUTSIDE, Column, Origin, Review

FORMAT: Final = "searchtrail-flow/1"

REMOVED_AUTOMATION: Final = "removed by automation tool"
REMOVED_OTHER: Final = "removed for other reasons"
AWAITING_SCREENING: Final = "awaiting screening"
EXCLUDED_SCREENING: Final = "excluded at screening"
NOT_SOUGHT: Final = "not taken forward"
AWAITING_RETRIEVAL: Final = "awaiting retrieval"
NOT_RETRIEVED: Final = "not retrieved"
AWAITING_ELIGIBILITY: Final = "awaiting eligibility assessment"
EXCLUDED_ELIGIBILITY: Final = "excluded at eligibility"
INCLUDED: Final = "included"
NOT_IN_FLOW: Final = "outside the searches"
STATUSES: Final = (
    REMOVED_AUTOMATION,
    REMOVED_OTHER,
    AWAITING_SCREENING,
    EXCLUDED_SCREENING,
    NOT_SOUGHT,
    NOT_IN_FLOW,
    AWAITING_RETRIEVAL,
    NOT_RETRIEVED,
    AWAITING_ELIGIBILITY,
    EXCLUDED_ELIGIBILITY,
    INCLUDED,
)
SOUGHT: Final = frozenset(
    {AWAITING_RETRIEVAL, NOT_RETRIEVED, AWAITING_ELIGIBILITY, EXCLUDED_ELIGIBILITY, INCLUDED}
)
"""Statuses of reports sought for retrieval."""
ASSESSED: Final = frozenset({AWAITING_ELIGIBILITY, EXCLUDED_ELIGIBILITY, INCLUDED})
"""Statuses of reports assessed for eligibility (retrieved)."""

FLOW_COLUMNS: Final = (
    "duplicate_group", "record_id", "column", "round", "sources", "searches", "status",
    "removed_before_screening", "title_abstract", "retrieval", "full_text",
    "exclusion_reason", "study", "decided_in",
)  # fmt: skip


@dataclass(frozen=True)
class Placed:
    """One publication (a duplicate group) and where it stands."""

    group: str
    record_id: str
    """The record the group kept."""
    column: Column
    round: int
    sources: tuple[str, ...]
    origins: tuple[str, ...]
    """The searches and record files whose records are in the group, in record order."""
    status: str
    removed: str = ""
    screening: str = ""
    retrieval: str = ""
    eligibility: str = ""
    reason: str = ""
    study: str = ""
    decided_in: tuple[str, ...] = ()
    """Where its decisions are written (file:line)."""


@dataclass(frozen=True)
class Placement:
    """Where every publication stands, and which decision files the review has."""

    publications: tuple[Placed, ...]
    decision_files: tuple[str, ...]
    """The stages (removed, title_abstract, ...) whose decision file exists."""

    def has(self, stage: str) -> bool:
        """True when the review has the decision file of ``stage``."""
        return stage in self.decision_files

    def table(self) -> pd.DataFrame:
        """One row per publication, for ``reports/flow.csv``."""
        return pd.DataFrame(
            [
                (
                    p.group,
                    p.record_id,
                    p.column,
                    p.round,
                    "; ".join(p.sources),
                    "; ".join(p.origins),
                    p.status,
                    p.removed,
                    p.screening,
                    p.retrieval,
                    p.eligibility,
                    p.reason,
                    p.study,
                    "; ".join(p.decided_in),
                )
                for p in self.publications
            ],
            columns=list(FLOW_COLUMNS),
        )

    def to_json(self) -> str:
        """The placement as stable JSON for the counts stage: one publication per line."""
        names = [f.name for f in fields(Placed)]
        lines = [
            _compact({name: _plain(getattr(p, name)) for name in names}) for p in self.publications
        ]
        head = _compact({"format": FORMAT, "decision_files": list(self.decision_files)})
        return head[:-1] + ',"publications":[\n' + ",\n".join(lines) + "\n]}\n"

    @classmethod
    def from_json(cls, text: str) -> Placement:
        """Inverse of :meth:`to_json`."""
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"flow file has format {data.get('format')!r}; expected {FORMAT!r}")
        return cls(
            tuple(
                Placed(
                    **{
                        **p,
                        "sources": tuple(p["sources"]),
                        "origins": tuple(p["origins"]),
                        "decided_in": tuple(p["decided_in"]),
                    }
                )
                for p in data["publications"]
            ),
            tuple(data["decision_files"]),
        )


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def place(
    review: Review,
    groups: pd.DataFrame,
    decisions: Decisions,
    open_questions: Sequence[OpenQuestion] = (),
    splits: Sequence[SplitNote] = (),
    known: KnownRecords | None = None,
) -> Placement:
    """Place every publication in the flow; raise :class:`ReviewError` for decisions that
    name unknown records, contradict each other, or skip a stage.

    ``groups`` has record_id, origin_id, duplicate_group and kept for every record read, in
    the records table's order; ``open_questions`` are the unanswered rows of the verdicts
    file and ``splits`` the pairs deduplication kept apart (a refused decision names the
    question or split that would explain it); ``known`` tells what an unknown id names
    (a position, as ids were once written) and each record's title, against which a
    decision's ``title`` (what the person saw), when written, is checked.
    """
    origins = {o.id: o for o in review.origins()}
    record_ids = groups["record_id"].astype(str).tolist()
    group_names = groups["duplicate_group"].astype(str).tolist()
    group_of = dict(zip(record_ids, group_names, strict=True))
    members: dict[str, list[tuple[str, str]]] = {}
    kept: dict[str, str] = {}
    for record_id, origin, group, is_kept in zip(
        record_ids,
        groups["origin_id"].astype(str),
        group_names,
        groups["kept"],
        strict=True,
    ):
        members.setdefault(group, []).append((record_id, origin))
        if is_kept:
            kept[group] = record_id

    problems: list[Problem] = []
    chosen = _one_per_group(decisions, group_of, problems, known or KnownRecords(frozenset()))
    hints = _Hints(open_questions, splits, group_of, chosen)
    placed = []
    for group in sorted(members):
        names = members[group]
        found_by = [origins[o] for _, o in names if o in origins]
        first_round = min((o.round for o in found_by), default=1)
        first = [o for o in found_by if o.round == first_round]
        column = _column(first)
        picked = {stage: chosen[stage].get(group) for stage in STAGES}
        forwarded = any(o.holds in ("for_assessment", "included") for o in first)
        status, refused = _walk(column, picked, forwarded=forwarded)
        problems.extend(hints.explain(problem, group) for problem in refused)
        removed, screening, retrieval, eligibility, study = (picked[stage] for stage in STAGES)
        placed.append(
            Placed(
                group=group,
                record_id=kept.get(group, names[0][0]),
                column=column,
                round=first_round,
                sources=tuple(
                    dict.fromkeys(origins[o].name if o in origins else o for _, o in names)
                ),
                origins=tuple(dict.fromkeys(o for _, o in names)),
                status=status,
                removed=removed.value if removed else "",
                screening=screening.value if screening else "",
                retrieval=retrieval.value if retrieval else "",
                eligibility=eligibility.value if eligibility else "",
                reason=(eligibility.reason if eligibility else "")
                or (removed.reason if removed else ""),
                study=study.value if study else "",
                decided_in=tuple(d.where for d in picked.values() if d is not None),
            )
        )
    if problems:
        raise ReviewError(problems, summary="screening decisions that cannot be used")
    placement = Placement(tuple(placed), tuple(s for s in STAGES if decisions.present(s)))
    _check_studies(placement)
    return placement


def _column(first: Iterable[Origin]) -> Column:
    columns = {o.column for o in first}
    if DATABASES in columns:
        return DATABASES
    if OTHER in columns:
        return OTHER
    return OUTSIDE


def _one_per_group(
    decisions: Decisions,
    group_of: Mapping[str, str],
    problems: list[Problem],
    known: KnownRecords,
) -> dict[Stage, dict[str, Decision]]:
    """Each stage's decision per group; unknown records, changed records and contradictions
    are problems."""
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
                        known.unknown(decision.record_id, "decisions"),
                    )
                )
                continue
            changed = known.changed(decision.record_id, decision.title, "decision")
            if changed:
                problems.append(
                    Problem(
                        decision.file,
                        decision.line,
                        f"record {decision.record_id}",
                        "title",
                        show_value(decision.title),
                        "the title of the record the decision was made on",
                        changed,
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
                        VALUE_COLUMN[stage],
                        show_value(_shown(decision)),
                        "one decision per record (and per duplicate group)",
                        f"line {earlier.line} decides {show_value(_shown(earlier))} for {same}",
                    )
                )
        by_stage[stage] = chosen
    return by_stage


def _shown(decision: Decision) -> str:
    return f"{decision.value}: {decision.reason}" if decision.reason else decision.value


@dataclass(frozen=True)
class _Refusal:
    """A decision that cannot be used, and the stage whose missing decision explains it."""

    decision: Decision
    why: str
    expected: str
    missing: Stage | None = None


@dataclass(frozen=True)
class SplitNote:
    """Two records deduplication kept apart although its links had joined them, and why."""

    record_a: str
    record_b: str
    why: str


class _Hints:
    """What would explain a refused decision: an open duplicate question, or a split, about
    the decided record and another one, whose publication has the missing decision. The
    decision was likely written on one record of a pair people take for one publication."""

    def __init__(
        self,
        questions: Sequence[OpenQuestion],
        splits: Sequence[SplitNote],
        group_of: Mapping[str, str],
        chosen: Mapping[Stage, Mapping[str, Decision]],
    ) -> None:
        self._chosen = chosen
        self._group_of = group_of
        self._asked: dict[str, list[tuple[str, str, OpenQuestion]]] = {}
        for question in questions:
            a, b = question.record_a, question.record_b
            if a in group_of and b in group_of:
                self._asked.setdefault(group_of[a], []).append((a, b, question))
                self._asked.setdefault(group_of[b], []).append((b, a, question))
        self._split: dict[str, list[tuple[str, str, str]]] = {}
        for split in splits:
            a, b = split.record_a, split.record_b
            if a in group_of and b in group_of:
                self._split.setdefault(group_of[a], []).append((a, b, split.why))
                self._split.setdefault(group_of[b], []).append((b, a, split.why))

    def explain(self, refusal: _Refusal, group: str) -> Problem:
        decision = refusal.decision
        message = refusal.why
        asked = self._asked.get(group, [])
        if asked:
            ranked = sorted(asked, key=lambda item: not self._decided(item[1], refusal.missing))
            mine, other, question = ranked[0]
            decided = self._decided(other, refusal.missing)
            has = (
                f", which has a decision there ({decided.where})"
                if decided is not None and refusal.missing is not None
                else ""
            )
            message += (
                f"; {mine} is in an unanswered duplicate question with {other}{has} "
                f"({VERDICTS_FILE}:{question.line}): if they are one publication, answer "
                "'duplicate' there and the decisions of both apply to it"
            )
        split = [
            (mine, other, why)
            for mine, other, why in self._split.get(group, [])
            if self._decided(other, refusal.missing) is not None
        ]
        if split and not asked:
            mine, other, why = split[0]
            decided = self._decided(other, refusal.missing)
            where = f" ({decided.where})" if decided is not None else ""
            message += (
                f"; deduplication kept {mine} apart from {other}, which has a decision "
                f"there{where}, because {why}: they are two publications, and each needs its "
                "own decisions"
            )
        return Problem(
            decision.file,
            decision.line,
            f"record {decision.record_id}",
            VALUE_COLUMN[decision.stage],
            show_value(_shown(decision)),
            refusal.expected,
            message,
        )

    def _decided(self, record_id: str, stage: Stage | None) -> Decision | None:
        if stage is None:
            return None
        return self._chosen[stage].get(self._group_of.get(record_id, ""))


def _walk(
    column: Column, picked: Mapping[Stage, Decision | None], *, forwarded: bool
) -> tuple[str, list[_Refusal]]:
    """The status a group's decisions give it, and the decisions that skip or contradict a
    stage."""
    removed = picked["removed"]
    screening = picked["title_abstract"]
    retrieval = picked["retrieval"]
    eligibility = picked["full_text"]
    study = picked["studies"]
    refused: list[_Refusal] = []

    def refuse(decision: Decision, why: str, expected: str, missing: Stage | None = None) -> None:
        refused.append(_Refusal(decision, why, expected, missing))

    later = [d for d in (screening, retrieval, eligibility, study) if d is not None]
    if removed is not None and column != DATABASES:
        refuse(
            removed,
            "the record comes from other methods (websites, organisations, citation "
            "searching) or from outside the searches; removal before screening applies to "
            "records from databases and registers",
            f"decisions for it in {FILES['retrieval']} or {FILES['full_text']}",
        )
        removed = None
    if removed is not None:
        for decision in later:
            refuse(
                decision,
                f"the record was removed before screening ({removed.where})",
                "no decisions after a record is removed",
            )
        status = REMOVED_AUTOMATION if removed.value == "automation" else REMOVED_OTHER
        return status, refused

    if column == DATABASES:
        if screening is None:
            for decision in later:
                refuse(
                    decision,
                    "the record has no title/abstract screening decision",
                    f"an include in {FILES['title_abstract']} first",
                    "title_abstract",
                )
            return AWAITING_SCREENING, refused
        if screening.value == "exclude":
            for decision in later[1:]:
                refuse(
                    decision,
                    f"the record was excluded at title/abstract screening ({screening.where})",
                    "no decisions after an exclusion",
                )
            return EXCLUDED_SCREENING, refused
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
            if study is not None:
                refuse(
                    study,
                    "the record was not taken forward for assessment",
                    "decisions only for records taken forward",
                    "full_text",
                )
            return (NOT_IN_FLOW if column == OUTSIDE else NOT_SOUGHT), refused

    if retrieval is not None and retrieval.value == "no":
        for after in (eligibility, study):
            if after is not None:
                refuse(
                    after,
                    f"the report was not retrieved ({retrieval.where})",
                    "no eligibility decision for a report not retrieved",
                )
        return NOT_RETRIEVED, refused
    if eligibility is None:
        if study is not None:
            refuse(
                study,
                "the report has no full-text decision",
                f"an include in {FILES['full_text']}",
                "full_text",
            )
        return (AWAITING_ELIGIBILITY if retrieval is not None else AWAITING_RETRIEVAL), refused
    if eligibility.value == "exclude":
        if study is not None:
            refuse(
                study,
                f"the report was excluded at eligibility ({eligibility.where})",
                "studies only for included reports",
            )
        return EXCLUDED_ELIGIBILITY, refused
    return INCLUDED, refused


def _check_studies(placement: Placement) -> None:
    if not placement.has("studies"):
        return
    unmapped = [p for p in placement.publications if p.status == INCLUDED and not p.study]
    if unmapped:
        raise ReviewError(
            [
                Problem(
                    FILES["studies"],
                    None,
                    f"record {p.record_id}",
                    "study_id",
                    None,
                    "a study for every included report",
                    f"the included report {p.record_id} (group {p.group}) names no study",
                )
                for p in unmapped
            ]
        )
