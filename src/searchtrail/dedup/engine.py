"""Deduplication from records to duplicate groups, with people's verdicts applied.

Steps: normalise (:mod:`~searchtrail.dedup.prepare`), block
(:mod:`~searchtrail.dedup.candidates`), compare (:mod:`~searchtrail.dedup.compare`), decide
(:mod:`~searchtrail.dedup.decide`), then group:

1. people's verdicts replace the machine's decision for their pairs (and add pairs the
   machine never compared);
2. duplicate pairs are closed transitively into groups;
3. a group holding two records that cannot be the same work (a person said so, or they have
   different DOIs or PubMed ids, one DOI on records placed in two journals, different title
   numbers, or one is an erratum, retraction, preprint or comment and the other is not) is
   split by removing the weakest machine links between them; a split a person's own
   verdicts force the other way is an error;
4. one record per group is kept: the one a person's verdict chose to keep (its ``keep``),
   otherwise the one of highest priority (the pipeline prefers records from databases and
   registers, so PRISMA's duplicates box counts what it should), then the most complete
   one, then the one listed first. Verdicts that keep different records of one group are
   an error.

Every removed record says how it was merged: by an identical identifier, by a fuzzy rule,
or by a person.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from searchtrail.arrowtext import first_bytes
from searchtrail.dedup.candidates import candidate_pairs
from searchtrail.dedup.compare import Comparison, compare
from searchtrail.dedup.decide import (
    DECISION_NAMES,
    DUPLICATE,
    NOT_DUPLICATE,
    RULES,
    Decisions,
    Evidence,
    decide,
    maybe_the_notice,
    placed_apart,
)
from searchtrail.dedup.normalise import same_numbers_in_words, title_numbers
from searchtrail.dedup.prepare import (
    COMMENT,
    ERRATUM,
    PREPRINT,
    REGISTER,
    RETRACTION,
    Prepared,
    Texts,
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
    completeness: npt.NDArray[np.int64]
    """Each record's :func:`completeness`, by which each group's kept record was chosen
    and the merged table takes a field from the most complete member that has it."""
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

    @property
    def removed_by(self) -> dict[str, int]:
        """How many records were removed by how they were linked to the kept record: by an
        ``identifier``, by the ``fuzzy`` rules, by a person (``manual``)."""
        return {kind: int((self.merge_kind == kind).sum()) for kind in _KIND_RANK}

    @property
    def decided(self) -> dict[str, int]:
        """How many compared pairs each decision has (a decision no pair has counts 0)."""
        counts = self.pairs["decision"].value_counts()
        return {decision: int(counts.get(decision, 0)) for decision in DECISION_NAMES.values()}


def deduplicate(
    records: pd.DataFrame,
    verdicts: Sequence[Verdict] = (),
    *,
    priority: npt.NDArray[np.int64] | None = None,
    workers: int = -1,
    progress: Progress | None = None,
    abstracts: Texts | None = None,
) -> DedupResult:
    """Find duplicate groups among ``records``.

    ``records`` has a ``record_id`` column and the standard fields (title, authors, year,
    journal, volume, issue, pages, doi, ids, type, ...); ``origin_id`` (the search or file)
    is used when present. ``abstracts`` are the records' abstracts, in their order, where
    ``records`` holds only a mark of which are filled.
    """
    say = progress or (lambda _message: None)
    record_id_column = records["record_id"].astype(str).array
    record_ids = record_id_column.tolist()
    index = (
        {record_id: position for position, record_id in enumerate(record_ids)} if verdicts else {}
    )
    say(f"normalising {len(record_ids):,} records")
    prepared = prepare(records, abstracts)
    release_memory()
    say("finding candidate pairs")
    i, j = candidate_pairs(prepared)
    release_memory()
    say(f"comparing {i.size:,} candidate pairs")
    comparison = compare(prepared, i, j, workers=workers)
    del i, j
    columns = _pair_columns(comparison, decide(comparison))
    del comparison
    pairs = pd.DataFrame(columns, copy=False)
    del columns
    release_memory()
    say("applying verdicts and forming groups")
    pairs = _apply_verdicts(pairs, verdicts, index)
    # What does not depend on the links is made beside them, in a thread: each record's
    # completeness and the pairs' record ids are Arrow's work, outside Python's interpreter
    # lock, while the links are checked mostly in Python.
    beside = ThreadPoolExecutor(max_workers=1)
    scored = beside.submit(completeness, records)
    named = beside.submit(
        _pair_record_ids, record_id_column, pairs["a"].to_numpy(), pairs["b"].to_numpy()
    )
    beside.shutdown(wait=False)
    identifier_rules = [RULES[0].name, RULES[1].name]  # same identifier, same register entry
    is_edge = pairs["decision"].to_numpy() == DUPLICATE
    edges = pairs.loc[is_edge, ["a", "b", "reason", "decided_by", "title", *_PLACING]]
    kinds = np.where(
        edges["decided_by"].to_numpy() == "person",
        MANUAL,
        np.where(np.isin(edges["reason"].to_numpy(), identifier_rules), IDENTIFIER, FUZZY),
    )
    weights = np.where(kinds == MANUAL, 1000.0, np.where(kinds == IDENTIFIER, 300.0, 100.0))
    weights = weights + edges["title"].fillna(100.0).to_numpy() + _placing(edges)
    graph = _Graph(
        prepared.n, edges["a"].to_numpy(), edges["b"].to_numpy(), kinds, weights.astype(float)
    )
    refused = (pairs["decided_by"] == "person").to_numpy(dtype=bool) & (
        pairs["decision"].to_numpy() == NOT_DUPLICATE
    )
    cannot = list(
        zip(
            pairs["a"].to_numpy()[refused].tolist(),
            pairs["b"].to_numpy()[refused].tolist(),
            strict=True,
        )
    )
    splits = _enforce(graph, prepared, cannot, record_ids, verdicts)
    del prepared
    release_memory()
    chosen = _chosen(graph, verdicts, index)
    score = scored.result()
    group, kept, merge_kind = _groups(graph, score, priority, chosen)
    for position, (name, taken) in enumerate(named.result().items()):
        pairs.insert(position, name, pd.Series(taken, index=pairs.index))
    pairs["decision"] = _decision_names(pairs["decision"].to_numpy())
    pairs["reason"] = pd.Categorical(pairs["reason"])
    pairs["decided_by"] = pd.Categorical(pairs["decided_by"])
    return DedupResult(record_ids, group, kept, merge_kind, pairs, score, splits)


def _pair_record_ids(
    record_ids: pd.api.extensions.ExtensionArray,
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
) -> dict[str, pd.api.extensions.ExtensionArray]:
    """The record ids of each pair's two records (``a`` and ``b``, positions among the
    records), as the columns ``record_a`` and ``record_b``."""
    return {"record_a": record_ids.take(a), "record_b": record_ids.take(b)}


def _decision_names(decision: npt.NDArray[np.int8]) -> pd.Categorical[str]:
    """The decisions by name (:data:`DECISION_NAMES`): a categorical of the names that occur,
    in alphabetical order."""
    present = [int(code) for code in np.unique(decision).tolist()]
    names = sorted(DECISION_NAMES[code] for code in present)
    position = np.zeros(max(DECISION_NAMES) + 1, dtype=np.int8)
    for code in present:
        position[code] = names.index(DECISION_NAMES[code])
    return pd.Categorical.from_codes(position[decision], categories=pd.Index(names))


def _pair_columns(comparison: Comparison, decisions: Decisions) -> dict[str, object]:
    """The columns of the pairs table: each pair's records (by position), the scores and
    agreements an auditor reads (scores to one decimal), and the machine's decision."""
    return {
        "a": comparison.i,
        "b": comparison.j,
        "title": _rounded(comparison.title),
        "title_tokens": _rounded(comparison.title_tokens),
        "authors": _rounded(comparison.authors),
        "author_words": _rounded(comparison.author_words),
        "year_gap": comparison.year_gap,
        "doi": comparison.doi,
        "ids": comparison.ids,
        "journal": comparison.journal,
        "volume": comparison.volume,
        "issue": comparison.issue,
        "page": comparison.page,
        "last_page": comparison.last_page,
        "decision": decisions.decision,
        "reason": _categorical(decisions.reason),
        "decided_by": pd.Categorical.from_codes(
            np.zeros(len(comparison), dtype=np.int8), categories=pd.Index(["machine"])
        ),
    }


def _categorical(values: npt.NDArray[np.object_]) -> pd.Categorical[str]:
    """``pd.Categorical(values)`` (the categories in sorted order) for a column of few
    distinct texts, made from its distinct values: a few names among two million pairs take
    a tenth of a second this way, where pandas first makes every value a string of its own
    kind."""
    codes, names = pd.factorize(values)
    order = np.argsort(np.asarray(names, dtype=str), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    sorted_codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)  # -1: missing
    return pd.Categorical.from_codes(sorted_codes, categories=pd.Index(names[order]))


def release_memory() -> None:
    """Hand the memory a finished stage freed back to the system, so that the next stage's
    peak is not added to it: Arrow's allocator keeps freed memory in its pool, and the C
    allocator the top of its heap."""
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def _rounded(scores: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """Scores to one decimal, as 64-bit floats (rounded from the score's exact value)."""
    return np.asarray(np.round(scores.astype(np.float64), 1), dtype=np.float64)


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
    """Duplicate links between records, by record position.

    Each link is held once, in arrays (its two records, kind and weight, and whether it is
    still in the graph); an index sorted by record and then linked record gives every
    record's links in the order of the records they reach."""

    def __init__(
        self,
        n: int,
        a: npt.NDArray[np.int64],
        b: npt.NDArray[np.int64],
        kinds: npt.NDArray[np.str_],
        weights: npt.NDArray[np.float64],
    ) -> None:
        """The graph of links (a[k], b[k]); of links between the same two records, the first
        of the greatest weight is kept."""
        self.n = n
        low, high = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
        order = np.lexsort((np.arange(low.size), -weights, high, low))
        first = np.ones(order.size, dtype=bool)
        first[1:] = (low[order][1:] != low[order][:-1]) | (high[order][1:] != high[order][:-1])
        kept = order[first]
        self.low, self.high = low[kept], high[kept]
        self.kind: list[str] = [str(kind) for kind in kinds[kept].tolist()]
        self.weight: list[float] = [float(weight) for weight in weights[kept].tolist()]
        self.alive = np.ones(kept.size, dtype=bool)
        ends = np.concatenate((self.low, self.high))
        others = np.concatenate((self.high, self.low))
        links = np.concatenate((np.arange(kept.size), np.arange(kept.size)))
        by_end = np.lexsort((others, ends))
        self._other = others[by_end]
        self._link = links[by_end]
        self._start = np.searchsorted(ends[by_end], np.arange(n + 1))

    def links(self, node: int) -> list[tuple[int, int]]:
        """The links of ``node`` still in the graph, as (linked record, link), in the order of
        the linked records."""
        start, end = self._start[node], self._start[node + 1]
        return [
            (other, link)
            for other, link in zip(
                self._other[start:end].tolist(), self._link[start:end].tolist(), strict=True
            )
            if self.alive[link]
        ]

    def link(self, a: int, b: int) -> int | None:
        """The link between ``a`` and ``b`` still in the graph, or None."""
        return next((link for other, link in self.links(a) if other == b), None)

    def remove(self, link: int) -> None:
        self.alive[link] = False

    def components(self) -> npt.NDArray[np.int64]:
        """Each record's connected component, numbered in the order of each component's
        first record.

        Every record takes the lowest position its links reach: labels are lowered along
        the links and then through the labels' own labels, until none changes."""
        a, b = self.low[self.alive], self.high[self.alive]
        label = np.arange(self.n, dtype=np.int64)
        while a.size:
            lowest = np.minimum(label[a], label[b])
            lowered = label.copy()
            np.minimum.at(lowered, a, lowest)
            np.minimum.at(lowered, b, lowest)
            lowered = lowered[lowered]
            if np.array_equal(lowered, label):
                break
            label = lowered
        first = label == np.arange(self.n)
        return np.asarray(np.cumsum(first)[label] - 1, dtype=np.int64)

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
            for other, _ in self.links(node):
                if other not in previous:
                    previous[other] = node
                    queue.append(other)
        return None


def _group_pairs(label: npt.NDArray[np.int64], smallest: int) -> npt.NDArray[np.int64]:
    """Every two records (a, b), a < b, of each group of at least ``smallest`` records, in
    the order of the groups' numbers and then of a and b (rows of a (k, 2) array)."""
    sizes = np.bincount(label)
    members = np.flatnonzero(sizes[label] >= smallest)
    members = members[np.lexsort((members, label[members]))]
    if members.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], np.diff(label[members]) != 0)))
    group_sizes = np.diff(np.concatenate((starts, [members.size])))
    found = []
    for size in np.unique(group_sizes).tolist():
        left, right = np.triu_indices(size, k=1)
        offsets = starts[group_sizes == size][:, None]
        found.append(
            np.stack((members[offsets + left], members[offsets + right]), axis=-1).reshape(-1, 2)
        )
    pairs = np.concatenate(found)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0], label[pairs[:, 0]]))]


_PLACING: Final = ("volume", "issue", "page", "last_page")
"""The parts of a citation that place a work in its journal, whose agreement weighs a link."""


def _placing(edges: pd.DataFrame) -> npt.NDArray[np.float64]:
    """How far each link's two records agree on where their work is printed: ten for each
    of volume, issue, first and last page that agree, less ten for each that differs (a
    person's link between records the machine did not compare counts none). When a group
    must be split, the weakest link on the way between the two records is removed: of two
    links alike in kind and title, the one whose records disagree on their pages, rather
    than the one whose records agree on every part of their citation."""
    agreement = edges[list(_PLACING)].fillna(0).to_numpy(dtype=np.float64)
    return np.asarray(10.0 * agreement.sum(axis=1), dtype=np.float64)


def _conflict(
    p: Prepared,
    a: int,
    b: int,
    *,
    cited: bool = False,
    misassigned: bool = False,
    apart: bool = False,
    one_correction: bool = False,
) -> str | None:
    """Why two records cannot be one work, or None. ``cited``: the two share one complete
    citation (:func:`_excuses`), which excuses different numbers in their titles;
    ``misassigned``: they agree on everything a citation says, which excuses different
    identifiers; ``apart``: they are placed in two journals (:func:`_apart`);
    ``one_correction``: they are one correction typed so in one database only
    (``Evidence.one_correction``)."""
    if p.doi[a] and p.doi[b] and p.doi[a] != p.doi[b] and not misassigned:
        return f"different DOIs ({p.doi[a]}, {p.doi[b]})"
    if apart:
        return f"one DOI ({p.doi[a]}) on records placed in two journals"
    mine, theirs = p.ids[a], p.ids[b]
    for kind in sorted(mine.keys() & theirs.keys() & ONE_RECORD_PER_WORK):
        if not mine[kind] & theirs[kind] and not misassigned:
            first, second = min(mine[kind]), min(theirs[kind])
            return f"different {label(kind)} ({first}, {second})"
    same_doi = bool(p.doi[a]) and p.doi[a] == p.doi[b]
    identified = same_doi or any(mine[kind] & theirs[kind] for kind in mine.keys() & theirs.keys())
    if not identified and _two_places(p, a, b):
        return (
            f"they are placed in two issues of volume {p.volume[a]} ({p.issue[a]}, "
            f"{p.issue[b]}) at pages that do not meet"
        )
    if (
        (p.markers[a] ^ p.markers[b]) & _VERSION_KINDS
        and not (same_doi and maybe_the_notice(p.markers[a : a + 1], p.markers[b : b + 1])[0])
        and not one_correction
    ):
        return (
            "one is an erratum, retraction, preprint, comment or trial register entry and the "
            "other is not"
        )
    if (
        p.title_numbers[a] != p.title_numbers[b]
        and not cited
        and not (identified and not (p.title_numbers[a] and p.title_numbers[b]))
        and not same_numbers_in_words(p.title[a], p.title[b])
    ):
        length = int(min(p.title_length[a], p.title_length[b]))
        if title_numbers(p.title[a], length) != title_numbers(p.title[b], length):
            return "their titles hold different numbers"
    return None


def _maybe_two_places(
    p: Prepared, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Pairs that may be placed in two issues of one volume (:func:`_two_places`): the same
    volume, two issues and two first pages, neither an article number nor in a supplement,
    nor page 1 (an electronic article's page count, which places nothing)."""
    return np.asarray(
        (p.volume[a] != "")
        & (p.volume[a] == p.volume[b])
        & (p.issue[a] != "")
        & (p.issue[b] != "")
        & (p.issue[a] != p.issue[b])
        & (p.page[a] != "")
        & (p.page[b] != "")
        & (p.page[a] != "1")
        & (p.page[b] != "1")
        & (p.page[a] != p.page[b])
        & ~p.article_number[a]
        & ~p.article_number[b]
        & (p.supplement[a] == "")
        & (p.supplement[b] == ""),
        dtype=bool,
    )


def _two_places(p: Prepared, a: int, b: int) -> bool:
    """The two records place their work in two issues of one volume, at pages that do not
    meet: two works, whatever else they share. An article is printed once, in one issue,
    and the pair rules merge records whose pages differ only where the issues do not
    (print and online pagination); a record with no issue or pages can still be the copy
    of each, and join them in one group."""
    pair = np.array([a]), np.array([b])
    if not _maybe_two_places(p, *pair)[0]:
        return False
    first_a, first_b = int(p.page[a]), int(p.page[b])
    last_a = int(p.last_page[a]) if p.last_page[a] else first_a
    last_b = int(p.last_page[b]) if p.last_page[b] else first_b
    return max(first_a, first_b) > min(max(first_a, last_a), max(first_b, last_b))


def _excuses(
    p: Prepared, pairs: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """For each pair (a row of ``pairs``) that :func:`_conflict` holds a difference against,
    whether the pair rules' own comparison excuses it, so that a group is not split where
    its pairs would have merged: different numbers in the titles where the two share one
    complete citation (``Evidence.cited``: a number mistyped in one database's title), and
    different identifiers where they agree on everything a citation says
    (``Evidence.misassigned``: an identifier given to the wrong record), and a correction
    typed in one database only (``Evidence.one_correction``)."""
    if not len(pairs):
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    records, local = np.unique(pairs, return_inverse=True)
    local = local.reshape(pairs.shape)
    evidence = Evidence.of(compare(p.take(records), local[:, 0], local[:, 1], workers=1))
    return (
        np.asarray(evidence.cited, dtype=bool),
        np.asarray(evidence.misassigned, dtype=bool),
        np.asarray(evidence.one_correction, dtype=bool),
    )


def _apart(p: Prepared, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """For each pair (a row of ``pairs``), whether the two share a DOI and are placed in two
    journals (``decide.placed_apart``), as the pair rules compare them; compared only for the
    pairs with one DOI and two volumes and first pages."""
    apart = np.zeros(len(pairs), dtype=bool)
    a, b = pairs[:, 0], pairs[:, 1]
    maybe = np.flatnonzero(
        (p.doi[a] != "")
        & (p.doi[a] == p.doi[b])
        & (p.volume[a] != "")
        & (p.volume[b] != "")
        & (p.volume[a] != p.volume[b])
        & (p.page[a] != "")
        & (p.page[b] != "")
        & (p.page[a] != p.page[b])
    )
    if maybe.size:
        records, local = np.unique(pairs[maybe], return_inverse=True)
        local = local.reshape(-1, 2)
        comparison = compare(p.take(records), local[:, 0], local[:, 1], workers=1)
        apart[maybe] = placed_apart(comparison)
    return apart


def _may_conflict(
    p: Prepared, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Pairs for which :func:`_conflict` may find a reason (all others it finds none for):
    both have DOIs that differ, or one DOI and two volumes, both have identifiers, their
    markers differ in a kind of version, or their title numbers differ."""
    doi_a, doi_b = p.doi[a], p.doi[b]
    involved = np.zeros(p.n, dtype=bool)
    involved[a] = True
    involved[b] = True
    nodes = np.flatnonzero(involved)
    has_ids = np.zeros(p.n, dtype=bool)
    has_ids[nodes] = [bool(ids) for ids in p.ids[nodes]]
    return np.asarray(
        ((doi_a != "") & (doi_b != "") & (doi_a != doi_b))
        | ((doi_a != "") & (doi_a == doi_b) & (p.volume[a] != p.volume[b]))
        | (has_ids[a] & has_ids[b])
        | (((p.markers[a] ^ p.markers[b]) & _VERSION_KINDS) != 0)
        | (p.title_numbers[a] != p.title_numbers[b])
        | _maybe_two_places(p, a, b),
        dtype=bool,
    )


def _enforce(
    graph: _Graph,
    p: Prepared,
    cannot: list[tuple[int, int]],
    record_ids: list[str],
    verdicts: Sequence[Verdict],
) -> list[Split]:
    """Split groups that hold records that cannot be one work; return what was split.

    Every two records of a group of three or more are checked with :func:`_conflict`
    (unless a person linked them), in the order of the groups and then of the records;
    :func:`_may_conflict` passes over the pairs that cannot conflict, all at once."""
    label = graph.components()
    constraints = [(a, b, "a person's verdict says they are not duplicates") for a, b in cannot]
    pairs = _group_pairs(label, 3)
    pairs = pairs[_may_conflict(p, pairs[:, 0], pairs[:, 1])]
    apart = _apart(p, pairs)
    found = []
    placed = []
    for (a, b), two_journals in zip(pairs.tolist(), apart.tolist(), strict=True):
        link = graph.link(a, b)
        if (link is None or graph.kind[link] != MANUAL) and _conflict(p, a, b, apart=two_journals):
            found.append((a, b))
            placed.append(two_journals)
    # What the pair rules excuse is compared for the pairs found in conflict only.
    conflicts = np.array(found, dtype=np.int64).reshape(-1, 2)
    cited, misassigned, corrections = _excuses(p, conflicts)
    for (a, b), one_citation, wrong_id, two_journals, correction in zip(
        found, cited.tolist(), misassigned.tolist(), placed, corrections.tolist(), strict=True
    ):
        why = _conflict(
            p,
            a,
            b,
            cited=one_citation,
            misassigned=wrong_id,
            apart=two_journals,
            one_correction=correction,
        )
        if why:
            constraints.append((a, b, why))
    messages: list[Split] = []
    for a, b, why in constraints:
        if label[a] != label[b]:
            continue
        removed = []
        while (path := graph.path(a, b)) is not None:
            steps = [(u, v, graph.link(u, v)) for u, v in pairwise(path)]
            machine = [
                (graph.weight[link], u, v, link)
                for u, v, link in steps
                if link is not None and graph.kind[link] != MANUAL
            ]
            if not machine:
                by_pair = {frozenset((v.record_a, v.record_b)): v for v in verdicts}
                own = by_pair.get(frozenset((record_ids[a], record_ids[b])))
                lines = [
                    by_pair[key].line
                    for key in (frozenset((record_ids[u], record_ids[v])) for u, v, _ in steps)
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
            _, u, v, link = min(machine)
            graph.remove(link)
            removed.append(f"{record_ids[u]} - {record_ids[v]}")
        if removed:
            messages.append(Split(record_ids[a], record_ids[b], why, tuple(removed)))
    return messages


def completeness(records: pd.DataFrame) -> npt.NDArray[np.int64]:
    """How complete each record is: filled standard fields (:func:`filled`), DOI and
    abstract counting twice. Columns held as Arrow strings are read in place (a copy of the
    abstracts of a million records would take much memory)."""
    score = np.zeros(len(records), dtype=np.int64)
    for name, weight in COMPLETENESS.items():
        if name in records:
            score += weight * filled(_arrow_texts(records[name])).astype(np.int64)
    return score


def filled(values: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """Whether each value holds more than white space (as Python's ``str.strip`` sees
    it; null is empty). A value that starts with a printable ASCII character other than a
    space is filled whatever follows, so only the other non-empty values are stripped to
    find out, and no value is copied."""
    first = first_bytes(values)
    found = (first >= ord("!")) & (first <= ord("~"))
    for k in np.flatnonzero(~found & (first >= 0)).tolist():
        found[k] = values[k].as_py().strip() != ""
    return found


def _arrow_texts(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A column's values as Arrow text, a missing value as null (or ''): the column's own
    Arrow strings when it holds them, else each value's text (``str``)."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return pa.array(column)
    return pa.array(column.fillna("").astype(str), type=pa.large_string())


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
    score: npt.NDArray[np.int64],
    priority: npt.NDArray[np.int64] | None,
    chosen: set[int] | frozenset[int] = frozenset(),
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.object_]]:
    """Each record's group, the record each group keeps, and how each other record joined it.

    The kept record is the greatest by (chosen by a person, priority, completeness, listed
    first). A record joined the kept one by the strongest kind of link on its path from it,
    breadth first in the order of the records; in a group whose links are all of one kind,
    that kind."""
    label = graph.components()
    rank = priority if priority is not None else np.zeros(graph.n, dtype=np.int64)
    nodes = np.arange(graph.n)
    is_chosen = np.zeros(graph.n, dtype=bool)
    is_chosen[list(chosen)] = True
    order = np.lexsort((-nodes, score, rank, is_chosen, label))
    last = np.ones(graph.n, dtype=bool)
    last[:-1] = label[order][1:] != label[order][:-1]
    best = order[last]
    kept = np.zeros(graph.n, dtype=bool)
    kept[best] = True
    kind = np.full(graph.n, "", dtype=object)
    kind_rank = np.array([_KIND_RANK[k] for k in graph.kind], dtype=np.int64)
    alive = np.flatnonzero(graph.alive)
    groups = label[graph.low[alive]]
    strongest = np.full(graph.n, -1, dtype=np.int64)
    weakest = np.full(graph.n, len(_KIND_RANK), dtype=np.int64)
    np.maximum.at(strongest, groups, kind_rank[alive])
    np.minimum.at(weakest, groups, kind_rank[alive])
    names = np.array(list(_KIND_RANK), dtype=object)
    single = ((strongest == weakest) & (strongest >= 0))[label] & ~kept
    kind[single] = names[strongest[label[single]]]
    mixed_groups = np.flatnonzero(strongest > weakest).tolist()
    best_of = dict(zip(label[best].tolist(), best.tolist(), strict=True))
    for group in mixed_groups:
        start = best_of[group]
        reached = {start: IDENTIFIER}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for other, link in graph.links(node):
                if other in reached:
                    continue
                path_kind = max(reached[node], graph.kind[link], key=_KIND_RANK.__getitem__)
                reached[other] = path_kind
                queue.append(other)
        for node, path_kind in reached.items():
            if node != start:
                kind[node] = path_kind
    return label, kept, kind
