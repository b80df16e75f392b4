"""Comparing candidate pairs, all at once.

String similarities are computed by rapidfuzz over the whole list of pairs in one call
(``process.cpdist``, in C, on every core), so scoring a million pairs takes seconds. A score
depends on the two texts alone, so each distinct two texts that meet are scored once: the
pairs of one group of duplicates, and a record paired under several keys, repeat them. Each
field gives a score or an agreement code: 1 agrees, -1 disagrees, 0 cannot tell (missing on
either side).

Scores are kept as rapidfuzz gives them (32-bit floats) and agreement codes as 8-bit
integers: a million pairs hold many columns, and no value or comparison changes.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz, process

from searchtrail.dedup.normalise import (
    abstract,
    author_names,
    digits,
    journal_agreement,
    journal_words,
    numbers,
    same_meeting,
    same_numbers_in_words,
    same_person,
    title_numbers,
)
from searchtrail.dedup.prepare import CONFERENCE, Prepared
from searchtrail.records.identifiers import ONE_RECORD_PER_WORK

Ints = npt.NDArray[np.int64]
Codes = npt.NDArray[np.int8]
Floats = npt.NDArray[np.float32]
Scorer = Callable[..., float]


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
    doi: Codes
    ids: Codes
    """1: the records share an identifier; -1: they have identifiers of one type whose
    database holds each publication once, and none in common; 0: neither."""
    volume: Codes
    issue: Codes
    supplement: Codes
    """Agreement of the supplements two records without a plain issue number name ("Suppl.
    1"): a supplement is not an issue number (``issue``), but two records that name the
    same one (its label, and the issue it belongs to or none) are in one issue. -1 also
    where only one record says which issue the supplement belongs to: journals that number
    a supplement in each issue have several of one number in a volume; and where one record
    is in a supplement and the other in a numbered issue, which are two issues."""
    same_author_list: npt.NDArray[np.bool_]
    """For pairs of a short title and author lists alike (``authors`` >= 95): the two lists
    name the same surnames, each as often, or one is the other cut short after three names
    or more, as databases cut long lists (one list inside the other is not enough otherwise:
    "Wang" and "Wang; Li" are alike by ``authors``), and the first authors' initials do not
    differ ("Wang, Y." and "Wang, X." are two people). False for the other pairs."""
    anonymous: npt.NDArray[np.bool_]
    """Either record's author is "Anonymous" (or "No authorship indicated"): no author."""
    page: Codes
    last_page: Codes
    journal: Codes
    """2 same journal, 1 compatible, 0 different, -1 missing on either side."""
    markers_i: Codes
    markers_j: Codes
    short_title: npt.NDArray[np.bool_]
    """Either title has fewer than 4 words: the title alone proves little."""
    title_words: npt.NDArray[np.int32]
    """Words in the shorter of the two titles."""
    numbers_differ: npt.NDArray[np.bool_]
    """The titles hold different numbers ('part 1' and 'part 2')."""
    authors_disjoint: npt.NDArray[np.bool_]
    """Both records name persons as authors (not a group, nor a placeholder such as
    "Anonymous" or "No authorship indicated") and share none: no surname of one can name the
    same person as a surname of the other (:func:`normalise.same_person`: 'Roux' and 'Le
    Roux', 'de la Torre' and 'Garcia de la Torre'), no word of their names is common, and
    the first authors are not one name with given name and surname swapped."""
    url: Codes
    """Agreement of the records' first addresses (:func:`normalise.url`)."""
    publisher: Codes
    """Agreement of the publishers' names."""
    no_authors: npt.NDArray[np.bool_]
    """Neither record names an author."""
    no_journal: npt.NDArray[np.bool_]
    """Neither record names a journal, volume or issue: reports, books, web pages."""
    no_journal_names: npt.NDArray[np.bool_]
    """Neither record names a journal (whatever their volumes and issues)."""
    first_same: npt.NDArray[np.bool_]
    """The first authors' surnames can name one person (:func:`normalise.same_person`: a
    particle dropped or moved, a compound surname given in part)."""
    page_gap: Ints
    """Absolute difference of the first pages (-1 when either is missing or not a number)."""
    page_one: npt.NDArray[np.bool_]
    """Either record's first page is 1: a page range from 1 is often an electronic
    article's page count ("1-8"), which many articles of one volume share."""
    one_page: npt.NDArray[np.bool_]
    """Either record's pages are one page ("334", "334-334"): a letter and the reply
    printed after it, or short items, share a page."""
    ahead_of_print: npt.NDArray[np.bool_]
    """One record has no volume and is dated the year before the other, which has one: as an
    article's record ahead of print is dated the year it appeared online, and its print
    record the later year of its issue (a meeting abstract printed in a volume the year
    before the article's online record is the other way round)."""
    same_abstract: npt.NDArray[np.bool_]
    """For the pairs an abstract can decide (see :func:`compare`): both records give an
    abstract (:func:`normalise.abstract`: thirty words or more, with a digit), their texts
    differ by no more than a database's edits (similarity 95 or more: a section heading, a
    letter spelt out) and they hold the same digits in the same order (a later version of
    a work, or another study's abstract written from it, changes its dates and counts; the
    digits are compared without what stands between them, which databases write
    differently). False for the other pairs."""
    article_number: npt.NDArray[np.bool_]
    """Both records give the same electronic article number ("e000457", written alike:
    BMJ's "k1234" and "l1234" are two), which a journal gives one article of a volume, as
    it gives it a page range."""

    def __len__(self) -> int:
        return int(self.i.size)


def _id_agreement(ids: npt.NDArray[np.object_], i: Ints, j: Ints) -> Codes:
    """Agreement of typed identifiers, type by type (see :class:`Comparison`); only pairs
    whose records both have identifiers are looked at."""
    result = np.zeros(i.size, dtype=np.int8)
    has_ids = np.fromiter((bool(x) for x in ids), dtype=bool, count=ids.size)
    for k in np.flatnonzero(has_ids[i] & has_ids[j]).tolist():
        mine, theirs = ids[i[k]], ids[j[k]]
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


def _field_agreement(values: npt.NDArray[np.object_], i: Ints, j: Ints) -> Codes:
    """Agreement of a field on each pair (i[k], j[k]): 1 the same, -1 different, 0 missing
    on either side."""
    (codes,) = _codes(values)
    return _agreement(codes[i], codes[j])


def _agreement(a: Ints, b: Ints) -> Codes:
    """Agreement of two fields given as :func:`_codes`."""
    agreement = np.where(a == b, np.int8(1), np.int8(-1))
    agreement[(a < 0) | (b < 0)] = 0
    return agreement


def _page_agreement(p: Prepared, i: Ints, j: Ints) -> tuple[Codes, Codes]:
    """Agreement of first and last pages, forgiving the ways databases write them apart."""
    first_pages, last_pages = _codes(p.page, p.last_page)
    first_i, first_j = first_pages[i], first_pages[j]
    last_i, last_j = last_pages[i], last_pages[j]
    page = _agreement(first_i, first_j)
    last = _agreement(last_i, last_j)
    # One side gives only the last page of the other's range: "488" and "487-488".
    only_last = ((last_i < 0) & (first_i == last_j)) | ((last_j < 0) & (first_j == last_i))
    del first_i, first_j, last_i, last_j
    page[(page == -1) & only_last] = 1
    # An article number against print pages, or a page count ("1-6") of an electronic
    # article: nothing to compare.
    page_one = np.asarray(p.page == "1", dtype=bool)
    incomparable = (p.article_number[i] != p.article_number[j]) | page_one[i] | page_one[j]
    unknown = (page == -1) & incomparable
    page[unknown] = 0
    last[unknown] = 0
    # Pages that cannot be read, written identically on both sides ("01-Aug"), still agree.
    (texts,) = _codes(p.pages_text)
    text_i, text_j = texts[i], texts[j]
    same_text = (page == 0) & (text_i >= 0) & (text_i == text_j)
    page[same_text] = 1
    last[same_text] = 1
    return page, last


def _numbers_differ(p: Prepared, i: Ints, j: Ints) -> npt.NDArray[np.bool_]:
    """Titles holding different numbers, compared over the letters both titles have.

    Reading a title's numbers turns Roman numerals into digits, which never lengthens it:
    over as many letters as its own title key holds, a title's numbers are all its numbers
    (:attr:`Prepared.title_numbers`). Only the title with the longer key is read again,
    over the letters of the shorter; when it holds no Roman numeral, straight from its key,
    and only if a digit of the key lies beyond those letters (else its numbers are all its
    numbers again, and differ). Titles whose numbers are the same once numbers written as
    words are read (:func:`normalise.same_numbers_in_words`) do not differ.
    """
    (numbers_code,) = _codes(p.title_numbers)
    differ: npt.NDArray[np.bool_] = numbers_code[i] != numbers_code[j]
    rows = np.flatnonzero(differ)
    x, y = i[rows], j[rows]
    length_x, length_y = p.title_length[x], p.title_length[y]
    swap = length_x > length_y
    x, y = np.where(swap, y, x), np.where(swap, x, y)
    length = np.minimum(length_x, length_y)
    unequal = length_x != length_y
    rows, x, y, length = rows[unequal], x[unequal], y[unequal], length[unequal]
    roman = p.title_roman[y]
    read = roman | (p.title_last_digit[y] >= length)
    rows, x, y, length = rows[read], x[read], y[read], length[read]
    # Each longer title is read once over each number of letters it meets (a record in
    # many pairs, a title in many records: at a million records, 63,000 readings for
    # 140,000 pairs).
    titles, longer_titles = pd.factorize(p.title[y])
    reading, readings = pd.factorize(
        titles.astype(np.int64) * (int(length.max(initial=0)) + 1) + length
    )
    first = np.empty(readings.size, dtype=np.int64)
    first[reading] = np.arange(reading.size)  # a row of each reading, whichever: all read alike
    found = np.array(
        [
            title_numbers(title, letters)
            if has_roman
            else numbers(title.replace(" ", "")[:letters])
            for title, letters, has_roman in zip(
                longer_titles[titles[first]],
                length[first].tolist(),
                p.title_roman[y[first]].tolist(),
                strict=True,
            )
        ],
        dtype=object,
    )
    differ[rows] = p.title_numbers[x] != found[reading]
    rows = np.flatnonzero(differ)
    rows = rows[p.title_worded[i[rows]] | p.title_worded[j[rows]]]
    for k in rows.tolist():
        differ[k] = not same_numbers_in_words(p.title[i[k]], p.title[j[k]])
    return differ


def _authors_disjoint(
    p: Prepared, i: Ints, j: Ints, unsure: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """See :attr:`Comparison.authors_disjoint`; computed only where ``unsure``."""
    result = np.zeros(i.size, dtype=bool)
    for k in np.flatnonzero(unsure).tolist():
        x, y = int(i[k]), int(j[k])
        a, b = p.surnames[x].split(), p.surnames[y].split()
        if not a or not b or p.corporate[x] or p.corporate[y] or p.anonymous[x] or p.anonymous[y]:
            # A group's name and its members' names are written differently; a placeholder
            # ("No authorship indicated") names no one.
            continue
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
    for k in np.flatnonzero(needed & (first >= 0) & (first < 100)).tolist():
        a, b = author_names(p.authors_text[i[k]]), author_names(p.authors_text[j[k]])
        result[k] = bool(a) and bool(b) and same_person(a[0], b[0])
    return result


def _same_author_list(
    p: Prepared, i: Ints, j: Ints, needed: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """See :attr:`Comparison.same_author_list`: the surnames compared in sorted order, or
    the shorter list against the start of the longer, for the few pairs ``needed`` (a short
    title, and author lists alike)."""
    result = np.zeros(i.size, dtype=bool)
    for k in np.flatnonzero(needed).tolist():
        a, b = p.surnames[i[k]], p.surnames[j[k]]
        fewer, more = sorted((a.split(), b.split()), key=len)
        cut_short = len(fewer) >= 3 and more[: len(fewer)] == fewer
        initials = p.first_initials[i[k]][:1], p.first_initials[j[k]][:1]
        one_first_author = initials[0] == initials[1] or not all(initials)
        result[k] = one_first_author and (cut_short or fuzz.token_sort_ratio(a, b) >= 95)
    return result


def same_abstract(a: str, b: str) -> bool:
    """Two abstracts in comparable form (:func:`normalise.abstract`) are one text: both
    given, scoring 95 or more, with the same digits in the same order (see
    :attr:`Comparison.same_abstract`)."""
    return bool(a and b) and digits(a) == digits(b) and fuzz.ratio(a, b, score_cutoff=95) >= 95


def _same_abstract(
    p: Prepared, i: Ints, j: Ints, needed: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """See :attr:`Comparison.same_abstract`; each record's abstract is made comparable once,
    however many of the ``needed`` pairs it is in."""
    result = np.zeros(i.size, dtype=bool)
    made: dict[int, str] = {}

    def comparable(row: int) -> str:
        if row not in made:
            made[row] = abstract(p.abstract[row])
        return made[row]

    for k in np.flatnonzero(needed).tolist():
        result[k] = same_abstract(comparable(int(i[k])), comparable(int(j[k])))
    return result


def _meeting_agreement(p: Prepared, i: Ints, j: Ints, journal: Codes) -> None:
    """Two conference abstracts whose journals differ agree on their venue (1, compatible)
    when their journals name one meeting (:func:`normalise.same_meeting`): Embase gives
    "Journal.Conference: 23rd Congress of …", another database the congress alone. Only
    pairs that are both conference abstracts are looked at, so an article's journal is
    never compared with a meeting."""
    has_meeting = p.meeting != ""
    rows = np.flatnonzero(
        (journal == 0)
        & has_meeting[i]
        & has_meeting[j]
        & ((p.markers[i] & p.markers[j] & CONFERENCE) != 0)
    )
    for k in rows.tolist():
        if same_meeting(p.meeting[i[k]], p.meeting[j[k]]):
            journal[k] = 1


def _journal_agreement(journals: npt.NDArray[np.object_], i: Ints, j: Ints) -> Codes:
    """:func:`journal_agreement` of each pair's journals (-1 when either is missing), the
    alphabetically first name first, found once for each two distinct names that meet
    (:func:`_journal_agreements`).

    Names are numbered in alphabetical order, so the lower number names the first."""
    codes, names = pd.factorize(journals, sort=True)
    code_i, code_j = codes[i].astype(np.int64), codes[j].astype(np.int64)
    width = max(len(names), 1)
    pair = np.minimum(code_i, code_j) * width + np.maximum(code_i, code_j)
    del code_i, code_j
    inverse, distinct = pd.factorize(pair)  # hashed, not sorted (as in _similarities)
    first, second = distinct // width, distinct % width
    values = _journal_agreements(list(names), first, second)
    filled = np.array([bool(name) for name in names], dtype=bool)
    values[~(filled[first] & filled[second])] = -1
    return values[inverse]


def _journal_agreements(names: list[str], a: Ints, b: Ints) -> npt.NDArray[np.int8]:
    """:func:`journal_agreement` of ``names[a[k]]`` and ``names[b[k]]`` for each k. Two
    different names whose first words (:func:`journal_words`) begin with different letters
    are no abbreviation of each other; they agree (1) only where the shorter has two words
    or more, all of them words of the longer. Those pairs, most pairs of different journals
    (91% of the distinct pairs at a million records), are told here as arrays; the others by
    :func:`journal_agreement` itself, and a test checks the two agree on every pair of the
    journal names of the export fixtures."""
    words = [journal_words(name) for name in names]
    count = np.array([len(kept) for kept, _ in words], dtype=np.int64)
    length = np.array([len(joined) for _, joined in words], dtype=np.int64)
    initial = np.array([ord(kept[0][0]) if kept else -1 for kept, _ in words], dtype=np.int64)
    filled = np.array([bool(name) for name in names], dtype=bool)
    result = np.zeros(a.size, dtype=np.int8)  # a missing name, or one of stop words alone: 0
    both = filled[a] & filled[b]
    same = both & (a == b)
    result[same] = 2
    # The shorter name, as journal_agreement orders them: fewer words, then fewer letters.
    swap = (count[a] > count[b]) | ((count[a] == count[b]) & (length[a] > length[b]))
    short, long = np.where(swap, b, a), np.where(swap, a, b)
    other = both & ~same & (count[short] > 0)
    apart = other & (initial[short] != initial[long])
    inside = np.flatnonzero(apart & (count[short] >= 2))
    if inside.size:
        result[inside] = _all_words_in(words, short[inside], long[inside])
    for k in np.flatnonzero(other & ~apart).tolist():
        result[k] = journal_agreement(names[a[k]], names[b[k]])
    return result


def _all_words_in(
    words: list[tuple[tuple[str, ...], str]], short: Ints, long: Ints
) -> npt.NDArray[np.bool_]:
    """Whether every word of name ``short[k]`` is a word of name ``long[k]``."""
    vocabulary: dict[str, int] = {}
    codes = [vocabulary.setdefault(word, len(vocabulary)) for kept, _ in words for word in kept]
    count = np.array([len(kept) for kept, _ in words], dtype=np.int64)
    flat = np.array(codes, dtype=np.int64)
    width = max(len(vocabulary), 1)
    held = np.unique(np.repeat(np.arange(len(words), dtype=np.int64), count) * width + flat)
    starts = np.concatenate([[0], np.cumsum(count)])
    per = count[short]
    owner = np.repeat(np.arange(short.size), per)
    offset = np.arange(owner.size) - np.repeat(np.cumsum(per) - per, per)
    key = long[owner] * width + flat[starts[short][owner] + offset]
    found = np.minimum(np.searchsorted(held, key), max(held.size - 1, 0))
    present = held[found] == key if held.size else np.zeros(key.size, dtype=bool)
    return np.asarray(np.bincount(owner[~present], minlength=short.size) == 0, dtype=bool)


def _has_a_word(texts: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    """Which texts hold a character other than white space (as Python's ``str.strip``
    knows it)."""
    return np.fromiter((bool(text.strip()) for text in texts), dtype=bool, count=len(texts))


FULL_MARKS_WITH_ITSELF: Final[
    dict[Scorer, Callable[[npt.NDArray[np.object_]], npt.NDArray[np.bool_]]]
] = {
    fuzz.ratio: lambda texts: np.ones(len(texts), dtype=bool),
    fuzz.token_set_ratio: _has_a_word,
}
"""For each scorer, which texts score 100 against themselves, so that a text paired with
itself need not be scored: with ``fuzz.ratio`` every text (the empty one too); with
``fuzz.token_set_ratio`` every text with a word, since a text's words are all shared with
itself and none is left over. A text of white space alone has no word there and scores 0:
rapidfuzz splits words at white space that Python's ``str.strip`` also strips (at fewer
characters in text of one byte a character: not at U+0085 or U+00A0), never at another
character (a test checks it against every character). A text paired with itself is common
among candidate pairs: at a million records, 17% of the distinct pairs of titles."""


def _similarities(
    values: npt.NDArray[np.object_],
    i: Ints,
    j: Ints,
    scorers: tuple[Scorer, ...],
    workers: int,
) -> list[Floats]:
    """Each scorer's score of every pair's texts (values[i[k]], values[j[k]]), in that
    order; each distinct two texts are scored once, and a text paired with itself not at
    all where the scorer gives it full marks (:data:`FULL_MARKS_WITH_ITSELF`)."""
    codes, distinct = pd.factorize(values)
    width = max(len(distinct), 1)
    pair = codes[i].astype(np.int64) * width + codes[j]
    # Hashed, not sorted: the distinct pairs in the order they first come (a third of the
    # time np.unique takes at a million records), each scored once all the same.
    inverse, keys = pd.factorize(pair)
    del pair
    first, second = keys // width, keys % width
    itself = np.flatnonzero(first == second)
    scores = []
    for scorer in scorers:
        full = np.zeros(keys.size, dtype=bool)
        if scorer in FULL_MARKS_WITH_ITSELF:
            full[itself] = FULL_MARKS_WITH_ITSELF[scorer](distinct[first[itself]])
        scored = np.flatnonzero(~full)
        these = np.full(keys.size, 100.0, dtype=np.float32)
        if scored.size:
            these[scored] = process.cpdist(
                distinct[first[scored]], distinct[second[scored]], scorer=scorer, workers=workers
            )
        scores.append(these[inverse])
    return scores


def _one_page(p: Prepared, i: Ints, j: Ints) -> npt.NDArray[np.bool_]:
    """Pairs where either record's pages are one page: a first page with no last page, or
    the same (found once per record, then for the pairs)."""
    single = np.asarray(
        (p.page != "") & ((p.last_page == "") | (p.last_page == p.page)), dtype=bool
    )
    return np.asarray(single[i] | single[j], dtype=bool)


def _same_article_number(p: Prepared, i: Ints, j: Ints) -> npt.NDArray[np.bool_]:
    """:attr:`Comparison.article_number`, the pages' texts compared only for the pairs whose
    pages are both article numbers."""
    same = np.zeros(i.size, dtype=bool)
    both = np.flatnonzero(p.article_number[i] & p.article_number[j])
    same[both] = p.pages_text[i[both]] == p.pages_text[j[both]]
    return same


def _missing(values: npt.NDArray[np.object_], i: Ints, j: Ints) -> npt.NDArray[np.bool_]:
    """Pairs where either value is ''."""
    empty = np.asarray(values == "", dtype=bool)
    return np.asarray(empty[i] | empty[j], dtype=bool)


def _scores(p: Prepared, i: Ints, j: Ints, workers: int) -> tuple[Floats, ...]:
    """The similarity scores of every pair: title (:func:`fuzz.ratio` and
    :func:`fuzz.token_set_ratio`), surnames, author words and first author (-1 where either
    record has none of them)."""
    title, tokens = _similarities(p.title, i, j, (fuzz.ratio, fuzz.token_set_ratio), workers)
    (authors,) = _similarities(p.surnames, i, j, (fuzz.token_set_ratio,), workers)
    authors[_missing(p.surnames, i, j)] = -1.0
    (words,) = _similarities(p.author_words, i, j, (fuzz.token_set_ratio,), workers)
    words[_missing(p.author_words, i, j)] = -1.0
    (first,) = _similarities(p.first_author, i, j, (fuzz.ratio,), workers)
    first[_missing(p.first_author, i, j)] = -1.0
    return title, tokens, authors, words, first


def compare(p: Prepared, i: Ints, j: Ints, *, workers: int = -1) -> Comparison:
    """Score every candidate pair (i[k], j[k]).

    The similarity scores are made in a second thread while this one compares the other
    fields: the scorers run outside Python's interpreter lock, so the two share the cores."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return _compared(p, i, j, pool.submit(_scores, p, i, j, workers))


def _compared(p: Prepared, i: Ints, j: Ints, scoring: Future[tuple[Floats, ...]]) -> Comparison:
    """:func:`compare`, the similarity scores taken from ``scoring`` once the fields that do
    not need them are compared."""
    years_i, years_j = p.year[i], p.year[j]
    year_gap = np.where((years_i > 0) & (years_j > 0), np.abs(years_i - years_j), -1)
    del years_i, years_j
    journal = _journal_agreement(p.journal, i, j)
    _meeting_agreement(p, i, j, journal)
    page, last_page = _page_agreement(p, i, j)
    (volumes,) = _codes(p.volume)
    (issues,) = _codes(p.issue)
    (pages,) = _codes(p.page)
    (journals,) = _codes(p.journal)
    volume_i, volume_j = volumes[i], volumes[j]
    issue_i, issue_j = issues[i], issues[j]
    same_place = (volume_i == volume_j) & (pages[i] == pages[j]) & (pages[i] >= 0)
    no_journal_names = (journals[i] < 0) & (journals[j] < 0)
    no_journal = (volume_i < 0) & (volume_j < 0) & (issue_i < 0) & (issue_j < 0) & no_journal_names
    volume = _agreement(volume_i, volume_j)
    issue = _agreement(issue_i, issue_j)
    ahead_of_print = ((volume_i < 0) & (volume_j >= 0) & (p.year[j] - p.year[i] == 1)) | (
        (volume_j < 0) & (volume_i >= 0) & (p.year[i] - p.year[j] == 1)
    )
    ahead_of_print &= (p.year[i] > 0) & (p.year[j] > 0)
    supplement = _field_agreement(p.supplement, i, j)
    in_supplement = p.supplement != ""
    supplement[(in_supplement[i] & (issue_j >= 0)) | (in_supplement[j] & (issue_i >= 0))] = -1
    del volume_i, volume_j, issue_i, issue_j
    title_words = p.title_words.astype(np.int32)
    short_title = (title_words[i] < 4) | (title_words[j] < 4)
    no_surnames = np.asarray(p.surnames == "", dtype=bool)
    doi = _field_agreement(p.doi, i, j)
    ids = _id_agreement(p.ids, i, j)
    anonymous = p.anonymous[i] | p.anonymous[j]
    markers_i = p.markers[i].astype(np.int8)
    markers_j = p.markers[j].astype(np.int8)
    fewest_words = np.minimum(title_words[i], title_words[j])
    numbers_differ = _numbers_differ(p, i, j)
    url = _field_agreement(p.url, i, j)
    publisher = _field_agreement(p.publisher, i, j)
    no_authors = no_surnames[i] & no_surnames[j]
    page_gap = _page_gap(p, i, j)
    page_one = (p.page[i] == "1") | (p.page[j] == "1")
    one_page = _one_page(p, i, j)
    article_number = _same_article_number(p, i, j)
    title, tokens, authors, words, first = scoring.result()
    # Only pairs whose authors no score calls alike, and that other evidence could call one
    # work (a close title, or the same volume and first page), are looked at name by name.
    unsure = (
        (authors >= 0)
        & (authors < 80)
        & (first < 85)
        & (words < 90)
        & ((title >= 85) | (tokens >= 90) | same_place)
    )
    del same_place
    first_same = _first_same(
        p,
        i,
        j,
        first,
        (authors < 80) & (first < 85) & (words < 90) & ((title >= 88) | (tokens >= 95)),
    )
    # The pairs an abstract can decide: a title and authors alike in one journal, and either
    # a short title in one volume and year where one record lacks the issue (and is in no
    # supplement), or a longer title where one record is ahead of print.
    abstract_needed = (
        ((title >= 97) | ((title >= 90) & (tokens >= 97)))
        & (journal >= 1)
        & (
            (
                short_title
                & (authors >= 95)
                & (year_gap == 0)
                & (volume == 1)
                & (issue == 0)
                & (supplement != -1)
            )
            | (~short_title & ahead_of_print)
        )
    )
    return Comparison(
        i=i,
        j=j,
        title=title,
        title_tokens=tokens,
        authors=authors,
        first_author=first,
        author_words=words,
        year_gap=year_gap.astype(np.int64),
        volume=volume,
        issue=issue,
        supplement=supplement,
        same_author_list=_same_author_list(p, i, j, short_title & (title >= 97) & (authors >= 95)),
        page=page,
        last_page=last_page,
        journal=journal,
        short_title=short_title,
        authors_disjoint=_authors_disjoint(p, i, j, unsure),
        no_journal=no_journal,
        no_journal_names=no_journal_names,
        first_same=first_same,
        ahead_of_print=ahead_of_print,
        same_abstract=_same_abstract(p, i, j, abstract_needed),
        doi=doi,
        ids=ids,
        anonymous=anonymous,
        markers_i=markers_i,
        markers_j=markers_j,
        title_words=fewest_words,
        numbers_differ=numbers_differ,
        url=url,
        publisher=publisher,
        no_authors=no_authors,
        page_gap=page_gap,
        page_one=page_one,
        one_page=one_page,
        article_number=article_number,
    )
