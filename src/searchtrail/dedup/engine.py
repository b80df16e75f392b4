"""Deduplication from records to duplicate groups, with people's verdicts applied.

Steps: normalise (:mod:`~searchtrail.dedup.prepare`), block
(:mod:`~searchtrail.dedup.candidates`), compare (:mod:`~searchtrail.dedup.compare`), decide
(:mod:`~searchtrail.dedup.decide`), then group:

1. people's verdicts replace the machine's decision for their pairs (and add pairs the
   machine never compared);
2. duplicate pairs are closed transitively into groups;
3. a group holding two records that cannot be the same work (a person said so, or they have
   different DOIs or PubMed ids, different title numbers, or one is an erratum, retraction,
   preprint or comment and the other is not) is split by removing the weakest machine links
   between them; a split a person's own verdicts force the other way is an error;
4. one record per group is kept: the one a person's verdict chose to keep (its ``keep``),
   otherwise the one of highest priority (the pipeline prefers records from databases and
   registers, so PRISMA's duplicates box counts what it should), then the most complete
   one, then the one listed first. Verdicts that keep different records of one group are
   an error.

Every removed record says how it was merged: by an identical identifier, by a fuzzy rule,
or by a person.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from searchtrail.dedup.candidates import candidate_pairs
from searchtrail.dedup.compare import compare
from searchtrail.dedup.decide import DECISION_NAMES, DUPLICATE, NOT_DUPLICATE, RULES, decide
from searchtrail.dedup.normalise import title_numbers
from searchtrail.dedup.prepare import (
    COMMENT,
    ERRATUM,
    PREPRINT,
    REGISTER,
    RETRACTION,
    Prepared,
    prepare,
)
from searchtrail.errors import Problem, ReviewError
from searchtrail.records.identifiers import ONE_RECORD_PER_WORK, label

IDENTIFIER: Final = "identifier"
FUZZY: Final = "fuzzy"
MANUAL: Final = "manual"
_KIND_RANK: Final = {IDENTIFIER: 0, FUZZY: 1, MANUAL: 2}
_VERSION_KINDS: Final = ERRATUM | RETRACTION | PREPRINT | COMMENT | REGISTER
COMPLETENESS: Final = {
    "title": 1, "authors": 1, "year": 1, "journal": 1, "volume": 1, "issue": 1, "pages": 1,
    "doi": 2, "abstract": 2, "issn": 1, "isbn": 1, "pmid": 1, "url": 1,
}  # fmt: skip

COMPLETENESS_FIELDS: Final = tuple(COMPLETENESS)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Verdict:
    """A person's answer for one pair of records."""

    record_a: str
    record_b: str
    duplicate: bool
    file: str = ""
    line: int | None = None
    keep: str = ""
    """The record of the two the person chose as the group's kept one ('' for none)."""


@dataclass(frozen=True)
class Split:
    """Two records the machine's links had put in one group, kept apart because they cannot
    be one work, and the links removed to part them."""

    record_a: str
    record_b: str
    why: str
    removed: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"{self.record_a} and {self.record_b} were in one group but {self.why}; "
            f"removed link(s) {', '.join(self.removed)}"
        )


@dataclass
class DedupResult:
    """Every record's duplicate group, which record each group keeps, and why."""

    record_ids: list[str]
    group: npt.NDArray[np.int64]
    kept: npt.NDArray[np.bool_]
    merge_kind: npt.NDArray[np.object_]
    pairs: pd.DataFrame
    splits: list[Split] = field(default_factory=list)

    @cached_property
    def group_ids(self) -> list[str]:
        """Group names, 'g000001' onwards, in the order of each group's first record."""
        width = max(6, len(str(int(self.group.max()) + 1))) if self.group.size else 6
        return [f"g{g + 1:0{width}d}" for g in self.group]

    @property
    def groups(self) -> int:
        """How many unique records remain."""
        return int(self.kept.sum())


def deduplicate(
    records: pd.DataFrame,
    verdicts: Sequence[Verdict] = (),
    *,
    priority: npt.NDArray[np.int64] | None = None,
    workers: int = -1,
    progress: Progress | None = None,
) -> DedupResult:
    """Find duplicate groups among ``records``.

    ``records`` has a ``record_id`` column and the standard fields (title, authors, year,
    journal, volume, issue, pages, doi, ids, type, ...); ``origin_id`` (the search or file)
    is used when present.
    """
    say = progress or (lambda _message: None)
    record_ids = records["record_id"].astype(str).tolist()
    index = {record_id: position for position, record_id in enumerate(record_ids)}
    say(f"normalising {len(record_ids):,} records")
    prepared = prepare(records)
    say("finding candidate pairs")
    i, j = candidate_pairs(prepared)
    say(f"comparing {i.size:,} candidate pairs")
    comparison = compare(prepared, i, j, workers=workers)
    decisions = decide(comparison)
    pairs = pd.DataFrame(
        {
            "a": i,
            "b": j,
            "title": comparison.title.round(1),
            "title_tokens": comparison.title_tokens.round(1),
            "authors": comparison.authors.round(1),
            "author_words": comparison.author_words.round(1),
            "year_gap": comparison.year_gap,
            "doi": comparison.doi,
            "ids": comparison.ids,
            "journal": comparison.journal,
            "volume": comparison.volume,
            "issue": comparison.issue,
            "page": comparison.page,
            "last_page": comparison.last_page,
            "decision": decisions.decision,
            "reason": decisions.reason,
            "decided_by": "machine",
        }
    )
    say("applying verdicts and forming groups")
    pairs = _apply_verdicts(pairs, verdicts, index)
    identifier_rules = [RULES[0].name, RULES[1].name]  # same identifier, same register entry
    is_edge = pairs["decision"].to_numpy() == DUPLICATE
    edges = pairs.loc[is_edge, ["a", "b", "reason", "decided_by", "title"]]
    kinds = np.where(
        edges["decided_by"].to_numpy() == "person",
        MANUAL,
        np.where(np.isin(edges["reason"].to_numpy(), identifier_rules), IDENTIFIER, FUZZY),
    )
    weights = np.where(kinds == MANUAL, 1000.0, np.where(kinds == IDENTIFIER, 300.0, 100.0))
    weights = weights + edges["title"].fillna(100.0).to_numpy()
    graph = _Graph(prepared.n)
    for a, b, kind, weight in zip(edges["a"], edges["b"], kinds, weights, strict=True):
        graph.add(int(a), int(b), str(kind), float(weight))
    cannot = [
        (int(a), int(b))
        for a, b, by, decision in zip(
            pairs["a"], pairs["b"], pairs["decided_by"], pairs["decision"], strict=True
        )
        if by == "person" and decision == NOT_DUPLICATE
    ]
    splits = _enforce(graph, prepared, cannot, record_ids, verdicts)
    chosen = _chosen(graph, verdicts, index)
    group, kept, merge_kind = _groups(graph, records, priority, chosen)
    ids = np.asarray(record_ids, dtype=object)
    pairs.insert(0, "record_a", ids[pairs["a"].to_numpy()])
    pairs.insert(1, "record_b", ids[pairs["b"].to_numpy()])
    pairs["decision"] = pd.Categorical(pairs["decision"].map(DECISION_NAMES))
    pairs["reason"] = pd.Categorical(pairs["reason"])
    pairs["decided_by"] = pd.Categorical(pairs["decided_by"])
    return DedupResult(record_ids, group, kept, merge_kind, pairs, splits)


def _apply_verdicts(
    pairs: pd.DataFrame, verdicts: Sequence[Verdict], index: dict[str, int]
) -> pd.DataFrame:
    if not verdicts:
        return pairs
    position = {
        (int(a), int(b)): k for k, (a, b) in enumerate(zip(pairs["a"], pairs["b"], strict=True))
    }
    extra = []
    decision = pairs["decision"].to_numpy().copy()
    reason = pairs["reason"].to_numpy().copy()
    decided_by = pairs["decided_by"].to_numpy().copy()
    for verdict in verdicts:
        a, b = sorted((index[verdict.record_a], index[verdict.record_b]))
        value = DUPLICATE if verdict.duplicate else NOT_DUPLICATE
        note = (
            f"a person's verdict ({verdict.file}:{verdict.line})"
            if verdict.file
            else "a person's verdict"
        )
        if (a, b) in position:
            k = position[(a, b)]
            decision[k], reason[k], decided_by[k] = value, note, "person"
        else:
            extra.append(
                {"a": a, "b": b, "decision": value, "reason": note, "decided_by": "person"}
            )
    pairs = pairs.assign(decision=decision, reason=reason, decided_by=decided_by)
    if extra:
        pairs = pd.concat([pairs, pd.DataFrame(extra)], ignore_index=True)
        pairs["decision"] = pairs["decision"].astype(np.int8)
    return pairs


class _Graph:
    """Duplicate links between records, by record position."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.links: dict[int, dict[int, tuple[str, float]]] = {}

    def add(self, a: int, b: int, kind: str, weight: float) -> None:
        current = self.links.get(a, {}).get(b)
        if current is not None and current[1] >= weight:
            return
        self.links.setdefault(a, {})[b] = (kind, weight)
        self.links.setdefault(b, {})[a] = (kind, weight)

    def remove(self, a: int, b: int) -> None:
        del self.links[a][b]
        del self.links[b][a]

    def components(self) -> npt.NDArray[np.int64]:
        label = np.full(self.n, -1, dtype=np.int64)
        next_label = 0
        for start in range(self.n):
            if label[start] >= 0:
                continue
            label[start] = next_label
            queue = deque([start])
            while queue:
                node = queue.popleft()
                for other in self.links.get(node, {}):
                    if label[other] < 0:
                        label[other] = next_label
                        queue.append(other)
            next_label += 1
        return label

    def path(self, a: int, b: int) -> list[int] | None:
        previous = {a: a}
        queue = deque([a])
        while queue:
            node = queue.popleft()
            if node == b:
                path = [b]
                while path[-1] != a:
                    path.append(previous[path[-1]])
                return path[::-1]
            for other in sorted(self.links.get(node, {})):
                if other not in previous:
                    previous[other] = node
                    queue.append(other)
        return None


def _conflict(p: Prepared, a: int, b: int) -> str | None:
    """Why two records cannot be one work, or None."""
    if p.doi[a] and p.doi[b] and p.doi[a] != p.doi[b]:
        return f"different DOIs ({p.doi[a]}, {p.doi[b]})"
    mine, theirs = p.ids[a], p.ids[b]
    for kind in sorted(mine.keys() & theirs.keys() & ONE_RECORD_PER_WORK):
        if not mine[kind] & theirs[kind]:
            first, second = min(mine[kind]), min(theirs[kind])
            return f"different {label(kind)} ({first}, {second})"
    if (p.markers[a] ^ p.markers[b]) & _VERSION_KINDS:
        return (
            "one is an erratum, retraction, preprint, comment or trial register entry and the "
            "other is not"
        )
    if p.title_numbers[a] != p.title_numbers[b]:
        length = min(len(p.title_key[a]), len(p.title_key[b]))
        if title_numbers(p.title[a], length) != title_numbers(p.title[b], length):
            return "their titles hold different numbers"
    return None


def _enforce(
    graph: _Graph,
    p: Prepared,
    cannot: list[tuple[int, int]],
    record_ids: list[str],
    verdicts: Sequence[Verdict],
) -> list[Split]:
    """Split groups that hold records that cannot be one work; return what was split."""
    label = graph.components()
    members: dict[int, list[int]] = {}
    for node, group in enumerate(label):
        members.setdefault(int(group), []).append(node)
    constraints = [(a, b, "a person's verdict says they are not duplicates") for a, b in cannot]
    for nodes in members.values():
        if len(nodes) < 3:
            continue
        for x, a in enumerate(nodes):
            for b in nodes[x + 1 :]:
                if b not in graph.links.get(a, {}) or graph.links[a][b][0] != MANUAL:
                    why = _conflict(p, a, b)
                    if why:
                        constraints.append((a, b, why))
    messages: list[Split] = []
    for a, b, why in constraints:
        if label[a] != label[b]:
            continue
        removed = []
        while (path := graph.path(a, b)) is not None:
            steps = list(pairwise(path))
            machine = [
                (graph.links[u][v][1], u, v) for u, v in steps if graph.links[u][v][0] != MANUAL
            ]
            if not machine:
                by_pair = {frozenset((v.record_a, v.record_b)): v for v in verdicts}
                own = by_pair.get(frozenset((record_ids[a], record_ids[b])))
                lines = [
                    by_pair[key].line
                    for key in (frozenset((record_ids[u], record_ids[v])) for u, v in steps)
                    if key in by_pair and by_pair[key].line is not None
                ]
                joined = f" (lines {', '.join(str(n) for n in lines)})" if lines else ""
                raise ReviewError(
                    [
                        Problem(
                            verdicts[0].file if verdicts else "screening/duplicates.csv",
                            own.line if own is not None else None,
                            f"records {record_ids[a]} and {record_ids[b]}",
                            "verdict",
                            None,
                            "verdicts that do not contradict each other",
                            f"people's 'duplicate' verdicts{joined} join them through "
                            f"{' - '.join(record_ids[n] for n in path)}, but {why}",
                        )
                    ]
                )
            _, u, v = min(machine)
            graph.remove(u, v)
            removed.append(f"{record_ids[u]} - {record_ids[v]}")
        if removed:
            messages.append(Split(record_ids[a], record_ids[b], why, tuple(removed)))
    return messages


def completeness(records: pd.DataFrame) -> npt.NDArray[np.int64]:
    """How complete each record is: filled standard fields, DOI and abstract counting twice."""
    score = np.zeros(len(records), dtype=np.int64)
    for name, weight in COMPLETENESS.items():
        if name in records:
            filled = records[name].fillna("").astype(str).str.strip() != ""
            score += weight * filled.to_numpy(dtype=np.int64)
    return score


def _chosen(graph: _Graph, verdicts: Sequence[Verdict], index: dict[str, int]) -> set[int]:
    """The records people chose to keep (a duplicate verdict's ``keep``); an error naming
    the verdicts' lines when two of them choose different records of one group."""
    if not any(v.duplicate and v.keep for v in verdicts):
        return set()
    label = graph.components()
    by_group: dict[int, dict[int, list[Verdict]]] = {}
    for verdict in verdicts:
        if verdict.duplicate and verdict.keep:
            node = index[verdict.keep]
            by_group.setdefault(int(label[node]), {}).setdefault(node, []).append(verdict)
    problems = []
    for choices in by_group.values():
        if len(choices) < 2:
            continue
        said = sorted((v for vs in choices.values() for v in vs), key=lambda v: v.line or 0)
        lines = ", ".join(
            f"line {v.line} keeps {v.keep}" if v.line is not None else f"a verdict keeps {v.keep}"
            for v in said
        )
        problems.append(
            Problem(
                said[-1].file or "screening/duplicates.csv",
                said[-1].line,
                f"records {said[-1].record_a} and {said[-1].record_b}",
                "keep",
                None,
                "one record chosen to keep in each duplicate group",
                f"these records are one duplicate group, and people's verdicts keep "
                f"different records of it ({lines}); clear all but one of the keep cells",
            )
        )
    if problems:
        raise ReviewError(problems)
    return {node for choices in by_group.values() for node in choices}


def _groups(
    graph: _Graph,
    records: pd.DataFrame,
    priority: npt.NDArray[np.int64] | None,
    chosen: set[int] | frozenset[int] = frozenset(),
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.object_]]:
    label = graph.components()
    score = completeness(records)
    rank = priority if priority is not None else np.zeros(graph.n, dtype=np.int64)
    kept = np.zeros(graph.n, dtype=bool)
    kind = np.full(graph.n, "", dtype=object)
    members: dict[int, list[int]] = {}
    for node, group in enumerate(label):
        members.setdefault(int(group), []).append(node)
    for nodes in members.values():
        best = max(nodes, key=lambda node: (node in chosen, rank[node], score[node], -node))
        kept[best] = True
        if len(nodes) == 1:
            continue
        # How each record joined the kept one: the strongest kind of link on its path.
        reached = {best: IDENTIFIER}
        queue = deque([best])
        while queue:
            node = queue.popleft()
            for other, (link_kind, _) in sorted(graph.links.get(node, {}).items()):
                if other in reached:
                    continue
                path_kind = max(reached[node], link_kind, key=_KIND_RANK.__getitem__)
                reached[other] = path_kind
                queue.append(other)
        for node in nodes:
            if node != best:
                kind[node] = reached[node]
    return label, kept, kind
