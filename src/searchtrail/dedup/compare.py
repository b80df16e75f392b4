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
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from searchtrail.dedup.normalise import (
    ROMAN_NUMERAL,
    author_names,
    journal_agreement,
    numbers,
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


def _codes(*columns: npt.NDArray[np.object_]) -> list[Ints]:
    """Each column's texts as numbers, equal for equal texts in any of the columns, and -1
    for '' (so that a million pairs compare as numbers rather than as texts)."""
    joined = np.concatenate(columns)
    codes = pd.factorize(joined)[0].astype(np.int64)
    codes[joined == ""] = -1
    return np.split(codes, len(columns))


def _field_agreement(values: npt.NDArray[np.object_], i: Ints, j: Ints) -> Ints:
    """Agreement of a field on each pair (i[k], j[k]): 1 the same, -1 different, 0 missing
    on either side."""
    (codes,) = _codes(values)
    return _agreement(codes[i], codes[j])


def _agreement(a: Ints, b: Ints) -> Ints:
    """Agreement of two fields given as :func:`_codes`."""
    present = (a >= 0) & (b >= 0)
    same = a == b
    return np.where(present, np.where(same, 1, -1), 0).astype(np.int64)


def _page_agreement(p: Prepared, i: Ints, j: Ints) -> tuple[Ints, Ints]:
    """Agreement of first and last pages, forgiving the ways databases write them apart."""
    first_pages, last_pages = _codes(p.page, p.last_page)
    first_i, first_j = first_pages[i], first_pages[j]
    last_i, last_j = last_pages[i], last_pages[j]
    page = _agreement(first_i, first_j)
    last = _agreement(last_i, last_j)
    # One side gives only the last page of the other's range: "488" and "487-488".
    only_last = ((last_i < 0) & (first_i == last_j)) | ((last_j < 0) & (first_j == last_i))
    page = np.where((page == -1) & only_last, 1, page)
    # An article number against print pages, or a page count ("1-6") of an electronic
    # article: nothing to compare.
    page_one = np.asarray(p.page == "1", dtype=bool)
    incomparable = (p.article_number[i] != p.article_number[j]) | page_one[i] | page_one[j]
    unknown = (page == -1) & incomparable
    page = np.where(unknown, 0, page)
    last = np.where(unknown, 0, last)
    # Pages that cannot be read, written identically on both sides ("01-Aug"), still agree.
    (texts,) = _codes(p.pages_text)
    text_i, text_j = texts[i], texts[j]
    same_text = (page == 0) & (text_i >= 0) & (text_i == text_j)
    page = np.where(same_text, 1, page)
    last = np.where(same_text, 1, last)
    return page.astype(np.int64), last.astype(np.int64)


def _numbers_differ(p: Prepared, i: Ints, j: Ints) -> npt.NDArray[np.bool_]:
    """Titles holding different numbers, compared over the letters both titles have.

    Reading a title's numbers turns Roman numerals into digits, which never lengthens it:
    over as many letters as its own title key holds, a title's numbers are all its numbers
    (:attr:`Prepared.title_numbers`). Only the title with the longer key is read again,
    over the letters of the shorter; when it holds no Roman numeral, straight from its key,
    and only if a digit of the key lies beyond those letters (else its numbers are all its
    numbers again, and differ).
    """
    differ: npt.NDArray[np.bool_] = np.asarray(p.title_numbers[i] != p.title_numbers[j], dtype=bool)
    rows = np.flatnonzero(differ)
    x, y = i[rows], j[rows]
    length_x = np.fromiter((len(k) for k in p.title_key[x]), dtype=np.int64, count=x.size)
    length_y = np.fromiter((len(k) for k in p.title_key[y]), dtype=np.int64, count=y.size)
    swap = length_x > length_y
    x, y = np.where(swap, y, x), np.where(swap, x, y)
    length = np.minimum(length_x, length_y)
    unequal = length_x != length_y
    rows, x, y, length = rows[unequal], x[unequal], y[unequal], length[unequal]
    titles = pa.array(p.title[y], type=pa.large_string())
    roman = pc.match_substring_regex(titles, ROMAN_NUMERAL.pattern).to_numpy(zero_copy_only=False)
    keys = pa.array(p.title_key[y], type=pa.large_string())
    last_digit = pc.find_substring_regex(keys, r"[0-9][^0-9]*$").to_numpy()
    read = roman | (last_digit >= length)
    rows, x, y, length, roman = rows[read], x[read], y[read], length[read], roman[read]
    for k, shorter, longer, letters, has_roman in zip(
        rows.tolist(), x.tolist(), y.tolist(), length.tolist(), roman.tolist(), strict=True
    ):
        found = (
            title_numbers(p.title[longer], letters)
            if has_roman
            else numbers(p.title_key[longer][:letters])
        )
        differ[k] = p.title_numbers[shorter] != found
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


def _journal_agreement(journals: npt.NDArray[np.object_], i: Ints, j: Ints) -> Ints:
    """:func:`journal_agreement` of each pair's journals (-1 when either is missing), found
    once for each two distinct names that meet."""
    codes, names = pd.factorize(journals)
    code_i, code_j = codes[i].astype(np.int64), codes[j].astype(np.int64)
    pair = code_i * max(len(names), 1) + code_j
    order = np.argsort(pair, kind="stable")
    first = np.ones(pair.size, dtype=bool)
    first[1:] = pair[order][1:] != pair[order][:-1]
    distinct = order[first]
    values = np.fromiter(
        (
            -1 if not a or not b else journal_agreement(a, b) if a <= b else journal_agreement(b, a)
            for a, b in zip(names[code_i[distinct]], names[code_j[distinct]], strict=True)
        ),
        dtype=np.int64,
        count=distinct.size,
    )
    agreement = np.empty(pair.size, dtype=np.int64)
    agreement[order] = values[np.cumsum(first) - 1]
    return agreement


def compare(p: Prepared, i: Ints, j: Ints, *, workers: int = -1) -> Comparison:
    """Score every candidate pair (i[k], j[k])."""
    titles_i, titles_j = p.title[i], p.title[j]
    title = process.cpdist(titles_i, titles_j, scorer=fuzz.ratio, workers=workers)
    tokens = process.cpdist(titles_i, titles_j, scorer=fuzz.token_set_ratio, workers=workers)
    surnames_i, surnames_j = p.surnames[i], p.surnames[j]
    authors = process.cpdist(surnames_i, surnames_j, scorer=fuzz.token_set_ratio, workers=workers)
    no_surnames = np.asarray(p.surnames == "", dtype=bool)
    authors = np.where(no_surnames[i] | no_surnames[j], -1.0, authors)
    words_i, words_j = p.author_words[i], p.author_words[j]
    words = process.cpdist(words_i, words_j, scorer=fuzz.token_set_ratio, workers=workers)
    no_words = np.asarray(p.author_words == "", dtype=bool)
    words = np.where(no_words[i] | no_words[j], -1.0, words)
    first_i, first_j = p.first_author[i], p.first_author[j]
    first = process.cpdist(first_i, first_j, scorer=fuzz.ratio, workers=workers)
    no_first = np.asarray(p.first_author == "", dtype=bool)
    first = np.where(no_first[i] | no_first[j], -1.0, first)
    years_i, years_j = p.year[i], p.year[j]
    year_gap = np.where((years_i > 0) & (years_j > 0), np.abs(years_i - years_j), -1)
    journal = _journal_agreement(p.journal, i, j)
    page, last_page = _page_agreement(p, i, j)
    (volumes,) = _codes(p.volume)
    (issues,) = _codes(p.issue)
    (pages,) = _codes(p.page)
    (journals,) = _codes(p.journal)
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
            | ((volumes[i] == volumes[j]) & (pages[i] == pages[j]) & (pages[i] >= 0))
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
        doi=_field_agreement(p.doi, i, j),
        ids=_id_agreement(p.ids[i], p.ids[j]),
        volume=_agreement(volumes[i], volumes[j]),
        issue=_agreement(issues[i], issues[j]),
        page=page,
        last_page=last_page,
        journal=journal,
        markers_i=p.markers[i],
        markers_j=p.markers[j],
        short_title=(p.title_words[i] < 4) | (p.title_words[j] < 4),
        title_words=np.minimum(p.title_words[i], p.title_words[j]),
        numbers_differ=_numbers_differ(p, i, j),
        authors_disjoint=_authors_disjoint(p, i, j, unsure),
        url=_field_agreement(p.url, i, j),
        publisher=_field_agreement(p.publisher, i, j),
        no_authors=no_surnames[i] & no_surnames[j],
        no_journal=(
            (journals[i] < 0)
            & (journals[j] < 0)
            & (volumes[i] < 0)
            & (volumes[j] < 0)
            & (issues[i] < 0)
            & (issues[j] < 0)
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
