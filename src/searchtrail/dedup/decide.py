"""Deciding each candidate pair: duplicate, linked version, uncertain, or not a duplicate.

The rules are explicit so that every merge can be explained. A pair is a **duplicate** when
one of :data:`RULES` holds, tried in order; the first that holds names the decision. Fuzzy
rules never apply when the records disagree on something that tells works apart:

- different DOIs or PubMed ids, unless the two records agree on everything a citation says
  (title, authors, journal, volume, issue, first and last page, year): then one identifier
  was given to the wrong record (``Evidence.misassigned``);
- different numbers in the titles ("Part 1" and "Part 2", "FOCUS 1" and "FOCUS 2"), unless
  the two records have one complete citation (``Evidence.cited``);
- one is an erratum, retraction notice, preprint, comment or reply, or trial register entry
  and the other is not;
- one title is marked "Retracted" and the other is not, unless the two share the DOI and
  no volume or first page places them apart (then it is the retracted article itself);
- both name persons as authors and share none (surnames compared by their significant
  parts, :func:`normalise.same_person`), and no identifier agrees (unless title,
  volume, first and last page and year are all the same).

docs/records.md ("Rules, vetoes and their reasons") gives each rule with its reason.

A pair that is not a duplicate is a **linked version** when the titles and authors match
but one record is an erratum, retraction, preprint, comment, conference abstract or trial
register entry and the other is the article (or another such version). Versions are never
merged; they are reported.

A pair is **uncertain** when titles and authors match, nothing contradicts, but too little
is known to decide (no journal, volume or pages on one side). Uncertain pairs go to people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from searchtrail.dedup.compare import Comparison
from searchtrail.dedup.prepare import (
    COMMENT,
    CONFERENCE,
    ERRATUM,
    MARKER_NAMES,
    PREPRINT,
    REGISTER,
    RETRACTED,
    RETRACTION,
)

NOT_DUPLICATE: Final = 0
DUPLICATE: Final = 1
UNCERTAIN: Final = 2
LINKED: Final = 3
DECISION_NAMES: Final = {
    NOT_DUPLICATE: "not duplicate",
    DUPLICATE: "duplicate",
    UNCERTAIN: "uncertain",
    LINKED: "linked version",
}

_VERSION_KINDS: Final = ERRATUM | RETRACTION | PREPRINT | COMMENT | REGISTER

Mask = npt.NDArray[np.bool_]


def maybe_the_notice(
    markers_a: npt.NDArray[np.int8] | npt.NDArray[np.int64],
    markers_b: npt.NDArray[np.int8] | npt.NDArray[np.int64],
) -> Mask:
    """Pairs whose only difference in kind is that one is typed a retraction notice, while
    the other's title is marked "Retracted": that record may be the notice itself."""
    differ = markers_a ^ markers_b
    other = np.where((markers_a & RETRACTION) != 0, markers_b, markers_a)
    return np.asarray(((differ & _VERSION_KINDS) == RETRACTION) & ((other & RETRACTED) != 0))


def placed_apart(c: Comparison) -> Mask:
    """Pairs placed in two journals: names that cannot be one journal's, different volumes
    and different first pages. One identifier on both means one of them was given the
    other's (a reference manager that finds a DOI by the title gives a meeting abstract its
    article's)."""
    return np.asarray((c.journal == 0) & (c.volume == -1) & (c.page == -1), dtype=bool)


def _one_placement(c: Comparison) -> Mask:
    """The same DOI, and no disagreement on volume or first page: one publication, as a
    notice about an article has a DOI and pages of its own."""
    return np.asarray((c.doi == 1) & (c.volume != -1) & (c.page != -1), dtype=bool)


@dataclass(frozen=True)
class Evidence:
    """Agreement flags of each pair, derived once from a :class:`Comparison`."""

    c: Comparison
    identifier: Mask
    vetoed: Mask
    numbers: Mask
    cited: Mask
    conference: Mask
    both_conference: Mask
    authors_ok: Mask
    authors_missing: Mask
    authors_bad: Mask
    same_title: Mask
    close_title: Mask
    year_ok: Mask
    year_same: Mask
    full_range: Mask
    misassigned: Mask
    """Identifiers conflict, but everything a citation says is the same: one record's DOI
    or id belongs to another work."""
    one_correction: Mask
    """One record is typed a correction and the other is not, and they share the DOI, the
    volume and the first page: one correction, which one database types and another does
    not (Scopus's "Erratum" beside Web of Science's RIS, which gives no type), as a
    correction is a publication with a DOI and pages of its own."""

    @classmethod
    def of(cls, c: Comparison) -> Evidence:
        differ = c.markers_i ^ c.markers_j
        # A title marked "Retracted" is the retracted article or the notice: beside the
        # article, it is the article where the two share its DOI and nothing places them
        # apart; beside a record typed as the notice, likewise the notice.
        one_place = _one_placement(c)
        one_correction = (
            ((differ & _VERSION_KINDS) == ERRATUM) & (c.doi == 1) & (c.volume == 1) & (c.page == 1)
        )
        version_conflict = (
            ((differ & _VERSION_KINDS) != 0)
            & ~(maybe_the_notice(c.markers_i, c.markers_j) & one_place)
            & ~one_correction
        ) | (((differ & RETRACTED) != 0) & ~one_place)
        authors_missing = c.authors < 0
        identifier = (c.doi == 1) | (c.ids == 1)
        # Same title, volume, first and last page and year: a complete citation, which two
        # works share only as a letter and its reply (caught by their markers); authors that
        # differ there are an indexing error more often than another work. Not one page: a
        # letter and the reply printed after it share their page, and a journal may list the
        # reply under the letter's title with no mark of a reply, so there only the authors
        # tell the two apart.
        full_citation = (
            (c.title >= 97)
            & (c.volume == 1)
            & (c.page == 1)
            & (c.last_page == 1)
            & (c.year_gap == 0)
            & ~c.one_page
        )
        full_range = (c.page == 1) & (c.last_page == 1)
        conference = ((c.markers_i | c.markers_j) & CONFERENCE) != 0
        # One article in every respect a citation can say: the same title and authors in
        # the same journal, volume, issue, first and last page and year, where pages place
        # one article (not abstracts sharing a supplement's pages, not a range from page 1,
        # which many electronic articles share, not one page, which a letter shares with the
        # reply printed after it), or the same electronic article number, which a journal
        # gives one article of a volume. Two works cannot share all of that, so
        # where their DOIs or ids differ, one of them was given to the wrong record.
        same_title = (c.title >= 97) | ((c.title >= 90) & (c.title_tokens >= 97))
        placed = (
            same_title
            & (c.authors >= 80)
            & (c.journal >= 1)
            & (c.volume == 1)
            & (c.issue == 1)
            & ((full_range & ~c.page_one & ~c.one_page) | c.article_number)
            & (c.year_gap == 0)
            & ~conference
            & ~c.short_title
        )
        identifiers_conflict = (c.doi == -1) | (c.ids == -1)
        vetoed = (
            version_conflict
            | (identifiers_conflict & ~placed)
            | (c.authors_disjoint & ~identifier & ~full_citation)
        )
        return cls(
            c=c,
            identifier=identifier,
            vetoed=vetoed,
            numbers=c.numbers_differ,
            # A citation places one article only where pages are counted through a volume:
            # not abstracts (which share a supplement's pages), not a range from page 1 (an
            # electronic article's page count), not two issues that restart their pages.
            cited=~vetoed
            & (c.volume == 1)
            & full_range
            & (c.year_gap == 0)
            & (c.issue != -1)
            & ~c.page_one
            & ~conference,
            conference=conference,
            both_conference=((c.markers_i & c.markers_j) & CONFERENCE) != 0,
            authors_ok=(c.authors >= 80)
            | (c.first_author >= 85)
            | (c.author_words >= 90)
            | c.first_same,
            authors_missing=authors_missing,
            authors_bad=~authors_missing
            & (c.authors < 50)
            & (c.first_author < 70)
            & (c.author_words < 70),
            same_title=same_title,
            close_title=(c.title >= 88) | (c.title_tokens >= 95),
            year_ok=c.year_gap <= 1,
            year_same=c.year_gap == 0,
            full_range=full_range,
            misassigned=identifiers_conflict & placed & ~version_conflict,
            one_correction=one_correction,
        )

    @property
    def fuzzy_allowed(self) -> Mask:
        """Nothing tells the two works apart."""
        return ~self.vetoed & ~self.numbers

    @property
    def short_title_placed(self) -> Mask:
        """What the rules for a short title need besides its issue: the same title of fewer
        than four words by the same list of authors (not 'Anonymous'), in the same year,
        journal and volume, with no disagreement on pages, and nothing that tells the two
        works apart."""
        c = self.c
        placed = (
            self.fuzzy_allowed
            & c.short_title
            & (c.title >= 97)
            & (c.authors >= 95)
            & c.same_author_list
            & ~self.authors_missing
            & self.year_same
            & (c.journal >= 1)
            & (c.volume == 1)
            & ~c.anonymous
            & (c.page != -1)
            & (c.last_page != -1)
        )
        return np.asarray(placed, dtype=bool)


@dataclass(frozen=True)
class Rule:
    """A named reason to call a pair a duplicate."""

    name: str
    description: str
    holds: Callable[[Evidence], Mask]


RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "same identifier",
        "same DOI or PubMed id, and similar titles, unless the records are placed in two "
        "journals (different names, volumes and first pages): then one of them was given "
        "the other's identifier (a reference manager finds a DOI by the title, and gives a "
        "meeting abstract its article's)",
        lambda e: (
            ~e.vetoed
            & e.identifier
            & ~placed_apart(e.c)
            & ((e.c.title >= 80) | (e.c.title_tokens >= 90))
            & ~e.authors_bad
        ),
    ),
    Rule(
        "same register entry",
        "both are entries of a trial register with the same registry id: a register holds "
        "each trial once, and its entry's title and dates change between exports",
        lambda e: (
            ((e.c.markers_i & e.c.markers_j & REGISTER) != 0) & (e.c.ids == 1) & (e.c.doi != -1)
        ),
    ),
    Rule(
        "same citation, an identifier misassigned",
        "different DOIs or ids, but the same title (four words or more) and authors in the "
        "same journal, volume, issue, first and last page and year, where pages place one "
        "article (not a conference abstract, not one page, not a range from page 1), or the "
        "same electronic article number: two works cannot share all of a citation, so one "
        "identifier was given to the wrong record",
        lambda e: e.misassigned & ~e.numbers,
    ),
    Rule(
        "same citation",
        "same volume, first and last page and year (no two issues, a range not from page 1), "
        "in the same journal or under a similar title (titles may be translations); not for "
        "conference abstracts, which share pages",
        lambda e: (
            e.cited
            & ~e.conference
            & ((e.c.journal >= 1) | e.close_title)
            & ((e.c.title >= 55) | (e.c.title_tokens >= 70))
            & (~e.authors_bad | e.close_title)
        ),
    ),
    Rule(
        "title, volume and page",
        "similar title, authors agree (or one record has none), year within one, same volume "
        "and first page (not page 1 in two different issues: electronic articles count their "
        "pages from 1 in every issue)",
        lambda e: (
            ~e.vetoed
            & (~e.numbers | e.cited)
            & e.close_title
            & (e.authors_ok | e.authors_missing)
            & e.year_ok
            & (e.c.volume == 1)
            & (e.c.page == 1)
            & ((e.c.issue != -1) | ~e.c.page_one)
        ),
    ),
    Rule(
        "title and page range",
        "similar title, authors agree, same year, same first and last page, and the same "
        "volume or a compatible (or missing) journal name",
        lambda e: (
            e.fuzzy_allowed
            & e.close_title
            & e.authors_ok
            & e.year_same
            & e.full_range
            & ((e.c.volume == 1) | (e.c.journal >= 1) | (e.c.journal == -1))
        ),
    ),
    Rule(
        "title, journal and page range",
        "similar title, authors agree, same journal, same first and last page, year within "
        "one (the online and the print record of one article carry different years) and no "
        "disagreement on volume or issue: a page range places an article in one issue of a "
        "journal, which a different work with a similar title by the same authors does not "
        "share",
        lambda e: (
            e.fuzzy_allowed
            & e.close_title
            & e.authors_ok
            & e.year_ok
            & e.full_range
            & (e.c.journal >= 1)
            & (e.c.volume != -1)
            & (e.c.issue != -1)
        ),
    ),
    Rule(
        "title, authors and journal",
        "same title (four words or more), authors agree, same year, compatible journal, and "
        "no disagreement on volume, issue or pages",
        lambda e: (
            e.fuzzy_allowed
            & e.same_title
            & e.authors_ok
            & e.year_same
            & (e.c.journal >= 1)
            & (e.c.volume != -1)
            & (e.c.page != -1)
            & (e.c.issue != -1)
            & ~e.c.short_title
        ),
    ),
    Rule(
        "short title in one issue",
        "a title of fewer than four words (which different works can share: an editorial, "
        "an introduction) with the same list of authors (not 'Anonymous'), year, journal, "
        "volume and issue (or the same supplement, where neither gives an issue number), and "
        "no disagreement on pages: the same authors do not publish two works of one short "
        "title in one issue",
        lambda e: e.short_title_placed & ((e.c.issue == 1) | (e.c.supplement == 1)),
    ),
    Rule(
        "short title and the same abstract",
        "a title of fewer than four words with the same list of authors (not 'Anonymous'), "
        "year, journal and volume, where one record lacks the issue (and is in no "
        "supplement), no disagreement on pages, not a conference abstract beside another "
        "kind of record, and the same abstract (thirty words or more, with digits, the same "
        "in order): an editorial or introduction that recurs has no abstract of its own, or "
        "a standing text without numbers, and two works do not share one",
        lambda e: (
            e.short_title_placed
            & (e.c.issue != -1)
            & (e.c.supplement != -1)
            & ~(e.conference & ~e.both_conference)
            & e.c.same_abstract
        ),
    ),
    Rule(
        "title, authors and first page",
        "same title, authors agree, same year, compatible journal, same first page",
        lambda e: (
            e.fuzzy_allowed
            & e.same_title
            & e.authors_ok
            & e.year_same
            & (e.c.page == 1)
            & (e.c.journal >= 1)
        ),
    ),
    Rule(
        "title, authors and volume",
        "same title (four words or more), authors agree, year within one (online and print), "
        "same volume, compatible journal (or neither record names one), no disagreement on "
        "issue or pages",
        lambda e: (
            e.fuzzy_allowed
            & e.same_title
            & e.authors_ok
            & e.year_ok
            & (e.c.volume == 1)
            & (e.c.page != -1)
            & ((e.c.journal >= 1) | e.c.no_journal_names)
            & (e.c.issue != -1)
            & ~e.c.short_title
        ),
    ),
    Rule(
        "title, authors, volume and a page off by one",
        "same title (four words or more), authors agree, year within one, same volume, "
        "compatible journal, no disagreement on issue, first pages one apart (databases count "
        "a cover or an unnumbered first page differently)",
        lambda e: (
            e.fuzzy_allowed
            & e.same_title
            & e.authors_ok
            & e.year_ok
            & (e.c.volume == 1)
            & (e.c.journal >= 1)
            & (e.c.issue != -1)
            & (e.c.page_gap == 1)
            & ~e.c.short_title
        ),
    ),
    Rule(
        "title, authors, journal and abstract",
        "same title (four words or more), authors agree, same journal, one record without "
        "a volume and dated the year before the other, no disagreement on issue or pages, "
        "and the same abstract (thirty words or more, with digits, the same in order): an "
        "article's record ahead of print carries the year it appeared online and no volume, "
        "its print record the later year of its issue; the abstract is the authors' text of "
        "that one article (not for conference abstracts, which an article's abstract may "
        "repeat)",
        lambda e: (
            e.fuzzy_allowed
            & e.same_title
            & e.authors_ok
            & e.c.ahead_of_print
            & (e.c.journal >= 1)
            & (e.c.issue != -1)
            & (e.c.page != -1)
            & ~e.c.short_title
            & ~e.conference
            & e.c.same_abstract
        ),
    ),
    Rule(
        "same report",
        "records outside journals (reports, books, web pages): the same title, long enough "
        "to be specific (six words or more), the same year, the same address (URL), and "
        "authors that agree or are absent from both; a report has no volume or pages to "
        "agree on, and its address places it as a volume and page place an article (a "
        "publisher alone does not: it issues several editions of one report in a year)",
        lambda e: (
            e.fuzzy_allowed
            & e.c.no_journal
            & (e.c.title >= 100)
            & (e.c.title_words >= 6)
            & e.year_same
            & (e.c.url == 1)
            & (e.c.publisher != -1)
            & (e.authors_ok | e.c.no_authors)
            & (e.c.page != -1)
            & ~e.conference
        ),
    ),
    Rule(
        "conference paper",
        "both conference papers: same title (four words or more), authors agree, year within "
        "one (conference and proceedings years differ), compatible proceedings name",
        lambda e: (
            e.fuzzy_allowed
            & e.same_title
            & e.authors_ok
            & e.year_ok
            & e.both_conference
            & (e.c.journal >= 1)
            & (e.c.volume != -1)
            & (e.c.page != -1)
            & (e.c.issue != -1)
            & ~e.c.short_title
        ),
    ),
    Rule(
        "long title, authors, journal and volume",
        "the same long title (six words or more), authors agree, same journal and volume, "
        "year within one; the pages disagree, as print and online pagination can",
        lambda e: (
            e.fuzzy_allowed
            & (e.c.title >= 99)
            & (e.c.title_tokens >= 98)
            & (e.c.title_words >= 6)
            & e.authors_ok
            & (e.c.journal >= 1)
            & (e.c.volume == 1)
            & e.year_ok
            & ~e.conference
            & (e.c.page == -1)
            & (e.c.issue != -1)
        ),
    ),
)
RULE_NAMES: Final = tuple(rule.name for rule in RULES)


@dataclass(frozen=True)
class Decisions:
    """A decision per candidate pair, with the rule or reason behind it."""

    decision: npt.NDArray[np.int8]
    reason: npt.NDArray[np.object_]


def decide(c: Comparison) -> Decisions:
    """Decide every compared pair."""
    e = Evidence.of(c)
    size = len(c)
    decision = np.full(size, NOT_DUPLICATE, dtype=np.int8)
    reason = np.full(size, "", dtype=object)
    open_ = np.ones(size, dtype=bool)
    for rule in RULES:
        hit = open_ & rule.holds(e)
        decision[hit] = DUPLICATE
        reason[hit] = rule.name
        open_ &= ~hit

    alike = e.close_title & (e.authors_ok | e.authors_missing) & e.year_ok & ~e.numbers
    version_pair = ((c.markers_i ^ c.markers_j) & (_VERSION_KINDS | RETRACTED | CONFERENCE)) != 0
    linked = open_ & alike & version_pair
    decision[linked] = LINKED
    reason[linked] = [
        _version_reason(a, b) for a, b in zip(c.markers_i[linked], c.markers_j[linked], strict=True)
    ]
    open_ &= ~linked

    contradicted = (
        e.vetoed
        | (c.volume == -1)
        | ((c.page == -1) & (c.last_page == -1))
        | ((c.journal == 0) & (c.volume != 1) & (c.page != 1))
    )
    uncertain = open_ & alike & ~contradicted & ~c.short_title
    decision[uncertain] = UNCERTAIN
    reason[uncertain] = "titles and authors match; too little else is known to decide"
    open_ &= ~uncertain
    reason[open_] = "differences outweigh the similarities"
    return Decisions(decision, reason)


def _version_reason(a: int, b: int) -> str:
    kinds = [MARKER_NAMES[flag] for flag in sorted(MARKER_NAMES) if (a ^ b) & flag]
    return "versions of one work: " + ", ".join(kinds) + " on one side only"
