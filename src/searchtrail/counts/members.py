"""What every number is made of: the publications behind each box, cell and search.

Each count of the diagram and of the stage tables is made, in :mod:`searchtrail.counts.build`,
as the length of a :class:`Listed` (or the sum of its record counts, or its distinct
studies), so the list a reader opens behind a number is the list that number was counted
from, never a second selection made for display. ``members.json`` keeps these lists next to
``counts.json``; :func:`check_members` checks that they give the very numbers of the counts
whenever it is read back.

A list names publications by duplicate group. A number that counts records (a search's
records, duplicates removed) gives, for each publication, how many of its records it
counts. A number that counts studies gives each publication's study. Parts of a number
that have no records behind them (counts the log states for searches without an export,
records that could not be read) are listed as ``outside`` with their number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from searchtrail.counts.number import Count

if TYPE_CHECKING:
    from searchtrail.counts.flow import Publication
    from searchtrail.counts.model import ReviewCounts

FORMAT: Final = "searchtrail-members/1"

Unit = Literal["publications", "records", "studies"]

STAGE_COLUMNS: Final = (
    "exported",
    "publications",
    "only_here",
    "screened",
    "sought",
    "assessed",
    "included",
    "included_studies",
)
"""The columns of the stage tables that have lists, in the tables' order."""


@dataclass(frozen=True)
class Listed:
    """The publications behind one number, and the number they make."""

    unit: Unit
    publications: tuple[str, ...]
    """Duplicate groups, in the order of the flow."""
    records: tuple[int, ...] = ()
    """For a number of records: how many of each publication's records it counts."""
    studies: tuple[str, ...] = ()
    """For a number of studies: each publication's study."""
    outside: tuple[tuple[str, int | None], ...] = ()
    """Parts of the number with no records behind them: what they are, and their number
    (``None`` when the log states none)."""
    within: tuple[str, ...] = ()
    """Publications that record files list for those parts: shown, and counted within the
    stated numbers rather than one by one."""

    @classmethod
    def of(cls, publications: Iterable[Publication]) -> Listed:
        """A number of publications."""
        return cls("publications", tuple(p.group for p in publications))

    @classmethod
    def weighed(cls, weights: Iterable[tuple[Publication, int]]) -> Listed:
        """A number of records: each publication with how many of its records count."""
        kept = [(p, n) for p, n in weights if n > 0]
        return cls("records", tuple(p.group for p, _ in kept), tuple(n for _, n in kept))

    @classmethod
    def studies_of(cls, publications: Iterable[Publication]) -> Listed:
        """A number of studies: the included publications and their studies."""
        items = list(publications)
        return cls("studies", tuple(p.group for p in items), (), tuple(p.study for p in items))

    def plus(self, *parts: tuple[str, int | None], within: Iterable[Publication] = ()) -> Listed:
        """The same list with parts that have no records behind them (and the publications
        record files list for them)."""
        return Listed(
            self.unit,
            self.publications,
            self.records,
            self.studies,
            self.outside + parts,
            self.within + tuple(p.group for p in within),
        )

    def __or__(self, other: Listed) -> Listed:
        """Both lists in one (a publication in both is listed once)."""
        if self.unit != other.unit:
            raise ValueError(f"cannot join a list of {self.unit} with one of {other.unit}")
        seen = dict.fromkeys(self.publications)
        extra = [i for i, group in enumerate(other.publications) if group not in seen]
        return Listed(
            self.unit,
            self.publications + tuple(other.publications[i] for i in extra),
            self.records + tuple(other.records[i] for i in extra) if self.records else (),
            self.studies + tuple(other.studies[i] for i in extra) if self.studies else (),
            self.outside + other.outside,
            self.within + other.within,
        )

    @property
    def n(self) -> int:
        """The number the list makes, with the stated parts that have a number."""
        if self.unit == "records":
            listed = sum(self.records)
        elif self.unit == "studies":
            listed = len(set(self.studies))
        else:
            listed = len(self.publications)
        return listed + sum(n for _, n in self.outside if n is not None)

    def count(self) -> Count:
        """The list's number as a count (searches stating no number are not reported)."""
        unstated = sum(1 for _, n in self.outside if n is None)
        return Count(self.n, unstated)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "unit": self.unit,
            "n": self.n,
            "publications": list(self.publications),
        }
        if self.records:
            data["records"] = list(self.records)
        if self.studies:
            data["studies"] = list(self.studies)
        if self.outside:
            data["outside"] = [list(part) for part in self.outside]
        if self.within:
            data["within"] = list(self.within)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Listed:
        listed = cls(
            data["unit"],
            tuple(data["publications"]),
            tuple(data.get("records", ())),
            tuple(data.get("studies", ())),
            tuple((str(what), n) for what, n in data.get("outside", ())),
            tuple(data.get("within", ())),
        )
        if listed.n != data["n"]:
            raise ValueError(f"a list of {listed.n} {listed.unit} says it holds {data['n']}")
        return listed


@dataclass
class RoundMembers:
    """The lists behind one round's diagram."""

    boxes: dict[str, Listed] = field(default_factory=dict)
    lines: dict[str, dict[str, Listed]] = field(default_factory=dict)
    """Identification boxes: the records of each source's searches of the round."""
    parts: dict[str, Listed] = field(default_factory=dict)
    """The parts of the other-methods "reports sought" box, by their label."""
    awaiting: dict[str, Listed] = field(default_factory=dict)
    """The records or reports in a box that await the next decision."""


@dataclass
class Members:
    """Every list of the review: the diagram of each round and the stage tables."""

    rounds: dict[int, RoundMembers] = field(default_factory=dict)
    sources: dict[str, dict[str, Listed]] = field(default_factory=dict)
    searches: dict[str, dict[str, Listed]] = field(default_factory=dict)
    total: dict[str, Listed] = field(default_factory=dict)

    def round(self, number: int) -> RoundMembers:
        return self.rounds.setdefault(number, RoundMembers())

    def to_json(self) -> str:
        def lists(items: Mapping[str, Listed]) -> dict[str, Any]:
            return {key: value.to_json() for key, value in items.items()}

        data = {
            "format": FORMAT,
            "rounds": {
                str(number): {
                    "boxes": lists(r.boxes),
                    "lines": {box: lists(found) for box, found in r.lines.items()},
                    "parts": lists(r.parts),
                    "awaiting": lists(r.awaiting),
                }
                for number, r in sorted(self.rounds.items())
            },
            "sources": {name: lists(row) for name, row in self.sources.items()},
            "searches": {name: lists(row) for name, row in self.searches.items()},
            "total": lists(self.total),
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Members:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"members file has format {data.get('format')!r}; expected {FORMAT!r}")

        def lists(items: Mapping[str, Any]) -> dict[str, Listed]:
            return {key: Listed.from_json(value) for key, value in items.items()}

        return cls(
            rounds={
                int(number): RoundMembers(
                    boxes=lists(r["boxes"]),
                    lines={box: lists(found) for box, found in r["lines"].items()},
                    parts=lists(r["parts"]),
                    awaiting=lists(r["awaiting"]),
                )
                for number, r in data["rounds"].items()
            },
            sources={name: lists(row) for name, row in data["sources"].items()},
            searches={name: lists(row) for name, row in data["searches"].items()},
            total=lists(data["total"]),
        )


def check_members(counts: ReviewCounts, members: Members) -> list[str]:
    """Where a list does not give the number it stands behind (empty when all agree).

    Identification numbers are the log's; their lists (the records of the exports that hold
    every record identified, and the log's numbers for the other searches) are compared
    when every export of the round holds as many records as the log states (a difference
    is an open question of its own). Every other list must give its number exactly when the
    number is exact, and must exist when the number is exact and not zero."""
    found: list[str] = []

    def compare(where: str, count: Count | None, listed: Listed | None) -> None:
        if count is None or count.pending:
            return
        if listed is None:
            if count.value:
                found.append(f"{where}: {count.value} but no list of what it counts")
            return
        if count.is_exact and listed.n != count.value:
            found.append(f"{where}: the count is {count.value}, its list makes {listed.n}")

    for diagram in (*counts.earlier, counts.diagram):
        mine = members.rounds.get(diagram.round, RoundMembers())
        agree = all(
            s.export is None or s.export.agrees for s in counts.searches if s.round == diagram.round
        )
        for box, count in diagram.boxes.items():
            if box in _IDENTIFICATION and not agree:
                continue
            compare(f"round {diagram.round}, box {box}", count, mine.boxes.get(box))
        for box, count in diagram.awaiting.items():
            compare(f"round {diagram.round}, awaiting in {box}", count, mine.awaiting.get(box))
    for label, rows in (("source", counts.stages.sources), ("search", counts.stages.searches)):
        table = members.sources if label == "source" else members.searches
        for row in rows:
            _compare_row(compare, f"{label} {row.name}", row, table.get(row.name, {}))
    _compare_row(compare, "all sources", counts.stages.total, members.total)
    return found


_IDENTIFICATION: Final = frozenset(
    {
        "database_results",
        "register_results",
        "website_results",
        "organisation_results",
        "citations_results",
        "other_results",
    }
)


def _compare_row(compare: Any, where: str, row: Any, lists: Mapping[str, Listed]) -> None:
    for column in STAGE_COLUMNS:
        value = getattr(row, column)
        if value is None:
            continue
        count = value if isinstance(value, Count) else Count(value)
        if column == "screened" and count.value is None and not count.pending:
            continue
        compare(f"{where}, {column}", count, lists.get(column))


def record_weights(publications: Sequence[Publication], origins: Iterable[str]) -> Listed:
    """The records that searches or record files ``origins`` hold, by publication."""
    wanted = set(origins)
    return Listed.weighed(
        (p, sum(n for origin, n in p.records.items() if origin in wanted)) for p in publications
    )


__all__ = [
    "FORMAT",
    "STAGE_COLUMNS",
    "Listed",
    "Members",
    "RoundMembers",
    "check_members",
    "record_weights",
]
