"""Comparing candidate pairs, all at once.

String similarities are computed by rapidfuzz over the whole list of pairs in one call
(``process.cpdist``, in C, on every core), so scoring a million pairs takes seconds. Each
field gives a score or an agreement code: 1 agrees, -1 disagrees, 0 cannot tell (missing on
either side).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from searchtrail.dedup.normalise import (
    author_names,
    journal_agreement,
    same_person,
    title_numbers,
)
from searchtrail.dedup.prepare import Prepared
from searchtrail.records.identifiers import ONE_RECORD_PER_WORK

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass
class Comparison:
    """Scores of candidate pairs (arrays aligned with ``i`` and ``j``)."""

    i: Ints
    j: Ints
    title: Floats
    """Similarity of the normalised titles, 0-100 (edit distance based)."""
    title_tokens: Floats
    """Similarity of the titles' sorted words, 0-100 (word order and truncation tolerant)."""
    authors: Floats
    """Similarity of the author surname lists, 0-100 (set based; -1 when either is missing)."""
    first_author: Floats
    """Similarity of the first authors' surnames, 0-100 (-1 when either is missing)."""
    author_words: Floats
    """Similarity of all words of the author names, 0-100, whatever their order (-1 when
    either is missing)."""
    year_gap: Ints
    """Absolute difference of the years (-1 when either is missing)."""
    doi: Ints
    ids: Ints
    """1: the records share an identifier; -1: they have identifiers of one type whose
    database holds each publication once, and none in common; 0: neither."""
    volume: Ints
    issue: Ints
    page: Ints
    last_page: Ints
    journal: Ints
    """2 same journal, 1 compatible, 0 different, -1 missing on either side."""
    markers_i: Ints
    markers_j: Ints
    short_title: npt.NDArray[np.bool_]
    """Either title has fewer than 4 words: the title alone proves little."""
    title_words: Ints
    """Words in the shorter of the two titles."""
    numbers_differ: npt.NDArray[np.bool_]
    """The titles hold different numbers ('part 1' and 'part 2')."""
    authors_disjoint: npt.NDArray[np.bool_]
    """Both records name persons as authors and share none: no surname of one can name the
    same person as a surname of the other (:func:`normalise.same_person`: 'Roux' and 'Le
    Roux', 'de la Torre' and 'Garcia de la Torre'), no word of their names is common, and
    the first authors are not one name with given name and surname swapped."""
    url: Ints
    """Agreement of the records' first addresses (:func:`normalise.url`)."""
    publisher: Ints
    """Agreement of the publishers' names."""
    no_authors: npt.NDArray[np.bool_]
    """Neither record names an author."""
    no_journal: npt.NDArray[np.bool_]
    """Neither record names a journal, volume or issue: reports, books, web pages."""
    first_same: npt.NDArray[np.bool_]
    """The first authors' surnames can name one person (:func:`normalise.same_person`: a
    particle dropped or moved, a compound surname given in part)."""
    page_gap: Ints
    """Absolute difference of the first pages (-1 when either is missing or not a number)."""

    def __len__(self) -> int:
        return int(self.i.size)


def _id_agreement(a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]) -> Ints:
    """Agreement of typed identifiers, type by type (see :class:`Comparison`)."""
    result = np.zeros(len(a), dtype=np.int64)
    for k in np.flatnonzero([bool(x) and bool(y) for x, y in zip(a, b, strict=True)]):
        mine, theirs = a[k], b[k]
        shared = mine.keys() & theirs.keys()
        if any(mine[kind] & theirs[kind] for kind in shared):
            result[k] = 1
        elif shared & ONE_RECORD_PER_WORK:
            result[k] = -1
    return result


def _agreement(a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]) -> Ints:
    present = (a != "") & (b != "")
    same = a == b
    return np.where(present, np.where(same, 1, -1), 0).astype(np.int64)


def _page_agreement(p: Prepared, i: Ints, j: Ints) -> tuple[Ints, Ints]:
    """Agreement of first and last pages, forgiving the ways databases write them apart."""
    first_i, first_j = p.page[i], p.page[j]
    last_i, last_j = p.last_page[i], p.last_page[j]
    page = _agreement(first_i, first_j)
    last = _agreement(last_i, last_j)
    # One side gives only the last page of the other's range: "488" and "487-488".
    only_last = ((last_i == "") & (first_i == last_j)) | ((last_j == "") & (first_j == last_i))
    page = np.where((page == -1) & only_last, 1, page)
    # An article number against print pages, or a page count ("1-6") of an electronic
    # article: nothing to compare.
    incomparable = (
        (p.article_number[i] != p.article_number[j]) | (first_i == "1") | (first_j == "1")
    )
    unknown = (page == -1) & incomparable
    page = np.where(unknown, 0, page)
    last = np.where(unknown, 0, last)
    # Pages that cannot be read, written identically on both sides ("01-Aug"), still agree.
    text_i, text_j = p.pages_text[i], p.pages_text[j]
    same_text = (page == 0) & (text_i != "") & (text_i == text_j)
    page = np.where(same_text, 1, page)
    last = np.where(same_text, 1, last)
    return page.astype(np.int64), last.astype(np.int64)


def _numbers_differ(p: Prepared, i: Ints, j: Ints) -> npt.NDArray[np.bool_]:
    """Titles holding different numbers, compared over the letters both titles have."""
    differ: npt.NDArray[np.bool_] = np.asarray(p.title_numbers[i] != p.title_numbers[j], dtype=bool)
    for k in np.flatnonzero(differ):
        a, b = p.title[i[k]], p.title[j[k]]
        length = min(len(p.title_key[i[k]]), len(p.title_key[j[k]]))
        differ[k] = title_numbers(a, length) != title_numbers(b, length)
    return differ


def _authors_disjoint(
    p: Prepared, i: Ints, j: Ints, unsure: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """See :attr:`Comparison.authors_disjoint`; computed only where ``unsure``."""
    result = np.zeros(i.size, dtype=bool)
    for k in np.flatnonzero(unsure):
        x, y = i[k], j[k]
        a, b = p.surnames[x].split(), p.surnames[y].split()
        if not a or not b or p.corporate[x] or p.corporate[y]:
            continue  # a group's name and its members' names are written differently
        initials_x, initials_y = p.first_initials[x], p.first_initials[y]
        if p.first_author[x][:1] in initials_y and p.first_author[y][:1] in initials_x:
            continue  # "Amber C. F." and "Cicek F. A.": given names and surnames swapped
        names_x, names_y = author_names(p.authors_text[x]), author_names(p.authors_text[y])
        if any(same_person(s, t) for s in names_x for t in names_y):
            continue
        words_a = {w for w in p.author_words[x].split() if len(w) >= 3}
        words_b = {w for w in p.author_words[y].split() if len(w) >= 3}
        result[k] = not (words_a & words_b)
    return result


def _page_gap(p: Prepared, i: Ints, j: Ints) -> Ints:
    """Absolute difference of the first pages (-1 when either is missing)."""
    numbers = np.fromiter((int(x) if x else -1 for x in p.page), dtype=np.int64, count=p.n)
    first_i, first_j = numbers[i], numbers[j]
    return np.where((first_i >= 0) & (first_j >= 0), np.abs(first_i - first_j), -1)


def _first_same(
    p: Prepared, i: Ints, j: Ints, first: Floats, needed: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """See :attr:`Comparison.first_same`; equal surnames agree, others are looked at name
    part by name part only where ``needed`` (where no score already calls the authors
    alike and the titles are close)."""
    result = np.asarray(first >= 100, dtype=bool)
    for k in np.flatnonzero(needed & (first >= 0) & (first < 100)):
        a, b = author_names(p.authors_text[i[k]]), author_names(p.authors_text[j[k]])
        result[k] = bool(a) and bool(b) and same_person(a[0], b[0])
    return result


def compare(p: Prepared, i: Ints, j: Ints, *, workers: int = -1) -> Comparison:
    """Score every candidate pair (i[k], j[k])."""
    titles_i, titles_j = p.title[i], p.title[j]
    title = process.cpdist(titles_i, titles_j, scorer=fuzz.ratio, workers=workers)
    tokens = process.cpdist(titles_i, titles_j, scorer=fuzz.token_set_ratio, workers=workers)
    surnames_i, surnames_j = p.surnames[i], p.surnames[j]
    authors = process.cpdist(surnames_i, surnames_j, scorer=fuzz.token_set_ratio, workers=workers)
    authors = np.where((surnames_i == "") | (surnames_j == ""), -1.0, authors)
    words_i, words_j = p.author_words[i], p.author_words[j]
    words = process.cpdist(words_i, words_j, scorer=fuzz.token_set_ratio, workers=workers)
    words = np.where((words_i == "") | (words_j == ""), -1.0, words)
    first_i, first_j = p.first_author[i], p.first_author[j]
    first = process.cpdist(first_i, first_j, scorer=fuzz.ratio, workers=workers)
    first = np.where((first_i == "") | (first_j == ""), -1.0, first)
    years_i, years_j = p.year[i], p.year[j]
    year_gap = np.where((years_i > 0) & (years_j > 0), np.abs(years_i - years_j), -1)
    journals_i, journals_j = p.journal[i], p.journal[j]
    journal = np.fromiter(
        (
            -1 if not a or not b else journal_agreement(a, b) if a <= b else journal_agreement(b, a)
            for a, b in zip(journals_i, journals_j, strict=True)
        ),
        dtype=np.int64,
        count=i.size,
    )
    page, last_page = _page_agreement(p, i, j)
    # Only pairs whose authors no score calls alike, and that other evidence could call one
    # work (a close title, or the same volume and first page), are looked at name by name.
    unsure = (
        (authors >= 0)
        & (authors < 80)
        & (first < 85)
        & (words < 90)
        & (
            (title >= 85)
            | (tokens >= 90)
            | ((p.volume[i] == p.volume[j]) & (p.page[i] == p.page[j]) & (p.page[i] != ""))
        )
    )
    return Comparison(
        i=i,
        j=j,
        title=np.asarray(title, dtype=np.float64),
        title_tokens=np.asarray(tokens, dtype=np.float64),
        authors=np.asarray(authors, dtype=np.float64),
        first_author=np.asarray(first, dtype=np.float64),
        author_words=np.asarray(words, dtype=np.float64),
        year_gap=year_gap.astype(np.int64),
        doi=_agreement(p.doi[i], p.doi[j]),
        ids=_id_agreement(p.ids[i], p.ids[j]),
        volume=_agreement(p.volume[i], p.volume[j]),
        issue=_agreement(p.issue[i], p.issue[j]),
        page=page,
        last_page=last_page,
        journal=journal,
        markers_i=p.markers[i],
        markers_j=p.markers[j],
        short_title=(p.title_words[i] < 4) | (p.title_words[j] < 4),
        title_words=np.minimum(p.title_words[i], p.title_words[j]),
        numbers_differ=_numbers_differ(p, i, j),
        authors_disjoint=_authors_disjoint(p, i, j, unsure),
        url=_agreement(p.url[i], p.url[j]),
        publisher=_agreement(p.publisher[i], p.publisher[j]),
        no_authors=(surnames_i == "") & (surnames_j == ""),
        no_journal=(
            (p.journal[i] == "")
            & (p.journal[j] == "")
            & (p.volume[i] == "")
            & (p.volume[j] == "")
            & (p.issue[i] == "")
            & (p.issue[j] == "")
        ),
        first_same=_first_same(
            p,
            i,
            j,
            np.asarray(first, dtype=np.float64),
            (authors < 80) & (first < 85) & (words < 90) & ((title >= 88) | (tokens >= 95)),
        ),
        page_gap=_page_gap(p, i, j),
    )
