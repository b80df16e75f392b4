"""Every number of a review, as typed data: what ``counts.json`` holds and reports render.

Made by :func:`~searchtrail.counts.build.count_review`, checked by
:func:`~searchtrail.counts.verify.verify`, stored by :mod:`~searchtrail.counts.store`.
Reports read numbers from here and add up nothing themselves: every total, share and
difference they show is a field of these classes. ``docs/counting.md`` defines each one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final, Literal

from searchtrail.counts.number import Count

Basis = Literal["log", "export", "unknown", "not recorded"]
"""Where a search's count comes from: the log; its export (the log states none and the
export holds every such record); unknown; or not recorded at all (a database search
without ``for_assessment``)."""

IDENTIFICATION_BOXES: Final[dict[str, tuple[str, ...]]] = {
    "database_results": ("database",),
    "register_results": ("register",),
    "website_results": ("website",),
    "organisation_results": ("organisation",),
    "citations_results": ("citation_search",),
    "other_results": ("other",),
}
"""The PRISMA 2020 identification boxes (by the PRISMA2020 R package's data names) and the
search kinds counted in each. Records found outside the searches count in other_results."""


@dataclass(frozen=True)
class ExportCounts:
    """The records of one search's export, or of one record file."""

    files: int
    holds: str
    in_file: int
    """Records in the files, by the format's own counting rule."""
    read: int
    skipped: int
    """Records that could not be read, skipped as the log allows (removed for other reasons)."""
    publications: int
    """Distinct publications (duplicate groups) among its records."""
    duplicates_within: int
    """Its records that duplicate another of its own records: read − publications."""
    found_only_here: int
    """Publications no other search or record file found."""
    documented: int | None
    """The log's count of what the export holds (identified or for assessment); None when
    the log states none (or for a record file)."""
    unreadable: tuple[str, ...] = ()
    """Where each skipped record is and why it could not be read (file, line, reason)."""

    @property
    def agrees(self) -> bool:
        """Whether the files hold as many records as the log documents (or it states none)."""
        return self.documented is None or self.documented == self.in_file


@dataclass(frozen=True)
class SearchCounts:
    """The numbers of one search."""

    id: str
    source: str
    kind: str
    round: int
    identified: int | None
    identified_from: Basis
    for_assessment: int | None
    for_assessment_from: Basis
    export: ExportCounts | None = None

    @property
    def for_assessment_recorded(self) -> bool:
        """False for a database search whose entry leaves ``for_assessment`` out."""
        return self.for_assessment_from != "not recorded"


@dataclass(frozen=True)
class RecordFileCounts:
    """The numbers of one record file (records covering several searches, or none)."""

    id: str
    name: str
    round: int
    holds: str
    complete: bool
    searches: tuple[str, ...]
    records: ExportCounts


@dataclass(frozen=True)
class SourceCounts:
    """Every search of one source, summed. ``for_assessment`` is None when no search of the
    source records one; ``identified_from_exports`` counts its searches whose number
    identified is counted from their export because the log states none."""

    source: str
    kinds: tuple[str, ...]
    countries: tuple[str, ...]
    search_ids: tuple[str, ...]
    identified: Count
    for_assessment: Count | None
    identified_from_exports: int = 0

    @property
    def searches(self) -> int:
        """Number of searches run in this source."""
        return len(self.search_ids)


@dataclass(frozen=True)
class SourceRecords:
    """The exported records of one source (or record file), and what deduplication made of
    them. Duplicates *within* the source are classified by membership: a duplicate group
    holding n of the source's records has n − 1 duplicates within the source, whichever
    record the group kept."""

    source: str
    kind: str
    origins: tuple[str, ...]
    in_file: int
    read: int
    skipped: int
    duplicates_within: int
    publications: int
    """Distinct publications it found: read − duplicates_within."""
    found_only_here: int
    """Publications no other source found."""
    found_elsewhere: int
    """Publications another source found too: publications − found_only_here."""


@dataclass(frozen=True)
class DedupCounts:
    """Records and their deduplication, for the whole review.

    ``within_source`` sums each source's duplicates within itself; ``across_sources`` is,
    per publication, the number of sources that found it less one, summed: the records left
    after removing duplicates within each source that another source also holds. The two
    add up to ``removed``, and ``by_identifier + by_fuzzy_rule + by_person`` does too."""

    search_files: int
    record_files: int
    in_file: int
    records: int
    """Records read."""
    skipped: int
    publications: int
    removed: int
    within_source: int
    across_sources: int
    by_identifier: int
    by_fuzzy_rule: int
    by_person: int
    linked_pairs: int
    uncertain_pairs: int
    open_questions: int
    verdicts: int
    splits: int
    sources: tuple[SourceRecords, ...]
    overlap: tuple[tuple[str, str, int], ...]
    """(source, other source, publications both found); the diagonal is each source's."""
    intersections: tuple[tuple[tuple[str, ...], int], ...]
    """Exactly which sources found a publication, and how many publications that is."""

    def source(self, name: str) -> SourceRecords | None:
        """The records of one source, if it has any."""
        return next((s for s in self.sources if s.source == name), None)


@dataclass(frozen=True)
class Diagram:
    """The numbers of one PRISMA 2020 flow diagram (one search round).

    ``boxes`` maps the PRISMA2020 template's data names to counts, plus ``dbr_included`` and
    ``other_included`` (each column's included reports, which the template shows only
    together as ``new_reports``). ``breakdown`` lists each identification box's sources;
    ``awaiting`` the records or reports in a box still waiting for the next decision;
    ``reasons`` the full-text exclusion reasons with their counts; ``sought_parts`` the
    parts of the other-methods "reports sought" box; ``other_seen_elsewhere`` the reports
    that other methods took forward in this round but that are counted elsewhere (found by
    a database search of the round, or in an earlier round)."""

    round: int
    databases_column: bool
    other_column: bool
    previous_column: bool
    boxes: dict[str, Count]
    breakdown: dict[str, tuple[tuple[str, Count], ...]]
    awaiting: dict[str, Count] = field(default_factory=dict)
    reasons: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    sought_parts: tuple[tuple[str, Count], ...] = ()
    other_seen_elsewhere: int = 0
    identified_from_exports: tuple[str, ...] = ()
    """The round's searches whose number identified is their export's (the log states none)."""
    earlier_awaiting: int = 0
    """Publications of earlier rounds still awaiting a decision (counted in their round's
    diagram, not among the previous studies)."""


@dataclass(frozen=True)
class StageRow:
    """One source or search (or all of them) through every stage: publications it found
    that reached each stage, with the same stage flags as the diagram."""

    name: str
    kind: str
    searches: tuple[str, ...]
    exported: int
    """Records in its export files."""
    publications: int
    """Publications (duplicate groups) it found."""
    only_here: int | None
    """Publications no other source (or search) found; None for the total line."""
    screened: Count
    """Publications that went into title/abstract screening (–, value None, for other
    methods, which skip it)."""
    sought: Count
    assessed: Count
    included: Count
    """Included reports it found."""
    included_studies: Count
    share: float | None
    """Its share of all included reports."""


@dataclass(frozen=True)
class StageTable:
    """Every source and search through every stage, and the review in total."""

    sources: tuple[StageRow, ...]
    searches: tuple[StageRow, ...]
    total: StageRow


@dataclass(frozen=True)
class RoundRow:
    """A search of a later round: its publications new to the review and those seen before."""

    search: str
    source: str
    round: int
    records: int
    publications: int
    new: int
    seen_before: int
    no_longer_found: int | None
    """Publications its source found in earlier rounds that this search no longer finds
    (None when an earlier search of the source has no export)."""


@dataclass(frozen=True)
class RoundSummary:
    """One search round: its searches, the dates they ran, what they identified and the
    publications new to the review in it."""

    round: int
    searches: int
    first_date: str
    last_date: str
    identified: Count
    """The records its searches identified (the sum of its diagram's identification boxes,
    with the records found outside the searches)."""
    new_publications: int
    """Publications first found in this round (both columns)."""


@dataclass(frozen=True)
class ReviewCounts:
    """All numbers of a review; the one place reports read them from."""

    searches: tuple[SearchCounts, ...]
    record_files: tuple[RecordFileCounts, ...]
    sources: tuple[SourceCounts, ...]
    identified: Count
    for_assessment: Count | None
    identified_from_exports: int
    """Searches whose number identified is their export's, because the log states none."""
    diagram: Diagram
    """The latest round's diagram (the whole review when there is one round)."""
    earlier: tuple[Diagram, ...]
    """For an updated review, each earlier round's diagram (round 1: the original review)."""
    records: DedupCounts
    stages: StageTable
    rounds: tuple[RoundSummary, ...]
    updates: tuple[RoundRow, ...]
    inputs: dict[str, str] = field(default_factory=dict)

    def for_round(self, number: int) -> ReviewCounts:
        """These counts with the diagram of search round ``number``."""
        if number == self.diagram.round:
            return self
        for diagram in self.earlier:
            if diagram.round == number:
                return replace(self, diagram=diagram)
        raise KeyError(number)

    def source(self, name: str) -> SourceCounts:
        """The counts of source ``name``."""
        for source in self.sources:
            if source.source == name:
                return source
        raise KeyError(name)

    def search(self, search_id: str) -> SearchCounts:
        """The counts of search ``search_id``."""
        for search in self.searches:
            if search.id == search_id:
                return search
        raise KeyError(search_id)

    @property
    def search_count(self) -> int:
        """How many searches the log holds."""
        return len(self.searches)

    @property
    def source_count(self) -> int:
        """How many sources the log's searches searched."""
        return len(self.sources)

    @property
    def latest_round(self) -> int:
        """The last search round."""
        return max((r.round for r in self.rounds), default=1)
