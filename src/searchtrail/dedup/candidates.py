"""Blocking: which pairs of records are compared at all.

Comparing every record with every other grows with the square of the records; blocking
compares only records that share a key, so the cost grows nearly linearly. A pair is a
candidate when the two records share any of these keys:

- the DOI; the PubMed id;
- the whole normalised title; its first 32 letters; its last 32 letters;
- the two rarest words of the title (catches a typo anywhere else in it);
- first author, year and first page; volume, first page and year (catch titles written
  differently, such as translations);
- first author, year and volume (a title with a typo in its middle, in a record with no
  pages or identifiers to share); first author, volume and first page, whatever the year
  (a typo-ed title in the online and the print record, dated a year apart).

A key shared by very many records (an "Editorial" title, a common page number, "a
systematic review and meta-analysis" at the end of a title) does not make all of them
candidates: such a block is sorted by title and each record is paired with its nearest
neighbours only. The records of a block of the title's last letters are sorted by the title
read backwards: they share their end, so a record with a typo near its start sorts next to
its twin that way, and anywhere in the block when sorted from the start.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from searchtrail.dedup.prepare import Prepared

_NONE = np.empty(0, dtype=np.int64)
_SPACE = pa.scalar(" ", type=pa.large_string())
_BAR = pa.scalar("|", type=pa.large_string())

WINDOW = 8
"""Neighbours each record is paired with on either side, in sort order, inside a large
block."""
BLOCK_LIMIT = 2 * WINDOW + 1
"""Blocks larger than this are paired by sorted neighbourhood instead of all pairs: up to
this size, all pairs give no record more partners than its neighbourhood would."""


def _unique(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct values, sorted (as ``np.unique``, which hashes first and is many times
    slower on the millions of pair codes here)."""
    ordered = np.sort(values)
    if ordered.size == 0:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _text(values: npt.NDArray[np.object_] | list[str]) -> pa.Array:
    return pa.array(values, type=pa.large_string())


def _rare_words(titles: pa.DictionaryArray) -> npt.NDArray[np.int64]:
    """The two rarest words (of four letters or more) of each title, as one key (none for a
    title of fewer than three such words), as :func:`_key_codes` of the records.

    A word's rarity is the number of records whose title holds it, ties broken by the word
    itself. Titles are normalised (words separated by single spaces); each distinct title
    is split once, and the words of all titles are counted and ranked as arrays."""
    title_codes = titles.indices.to_numpy()
    distinct = titles.dictionary
    records_per_title = np.bincount(title_codes, minlength=len(distinct))
    split = pc.split_pattern(distinct, " ")
    parent = pc.list_parent_indices(split).to_numpy()
    words = pc.list_flatten(split)
    del split
    long = pc.greater_equal(pc.utf8_length(words), 4)
    parent = parent[long.to_numpy(zero_copy_only=False)].astype(np.int64)
    encoded = pc.dictionary_encode(words.filter(long))
    del words, long
    word_values = encoded.dictionary
    distinct_words = max(len(word_values), 1)
    parent *= distinct_words
    parent += encoded.indices.to_numpy()
    del encoded
    held = _unique(parent)
    del parent
    parent, word = held // distinct_words, held % distinct_words
    del held
    frequency = np.bincount(word, weights=records_per_title[parent], minlength=len(word_values))
    alphabetical = np.empty(len(word_values), dtype=np.int64)
    alphabetical[pc.sort_indices(word_values).to_numpy()] = np.arange(len(word_values))
    rarity = np.empty(len(word_values), dtype=np.int64)
    rarity[np.lexsort((alphabetical, frequency))] = np.arange(len(word_values))
    ordered = parent * distinct_words
    ordered += rarity[word]
    del word
    ordered.sort()
    count = np.bincount(parent, minlength=len(distinct))
    del parent
    start = np.cumsum(count) - count
    keyed = np.flatnonzero(count >= 3)
    by_rarity = np.argsort(rarity)
    first = by_rarity[ordered[start[keyed]] % distinct_words]
    second = by_rarity[ordered[start[keyed] + 1] % distinct_words]
    del ordered
    swap = alphabetical[second] < alphabetical[first]
    first, second = np.where(swap, second, first), np.where(swap, first, second)
    joined = pc.binary_join_element_wise(
        word_values.take(pa.array(first)), word_values.take(pa.array(second)), _SPACE
    )
    position = np.full(len(distinct), -1, dtype=np.int64)
    position[keyed] = np.arange(keyed.size)
    keys = joined.take(pa.array(position, mask=position < 0))
    codes = _key_codes(pc.fill_null(keys, pa.scalar("", type=pa.large_string())))
    return np.asarray(codes[title_codes], dtype=np.int64)


def _joined(*parts: npt.NDArray[np.object_] | pa.Array) -> pa.Array:
    """The parts joined by '|', or '' where any part is empty."""
    columns = [part if isinstance(part, pa.Array) else _text(part) for part in parts]
    joined = pc.binary_join_element_wise(*columns, _BAR)
    missing = pc.or_(*[pc.equal(c, "") for c in columns[:2]])
    for column in columns[2:]:
        missing = pc.or_(missing, pc.equal(column, ""))
    return pc.if_else(missing, "", joined)


def _key_codes(values: pa.Array) -> npt.NDArray[np.int64]:
    """Each value as a number, equal for equal values, and -1 for '' (no key)."""
    codes = np.asarray(pc.dictionary_encode(values).indices.to_numpy(), dtype=np.int64)
    codes[pc.equal(values, "").to_numpy(zero_copy_only=False)] = -1
    return codes


_FORWARD, _BACKWARD = False, True
"""How a key's large blocks are sorted: by title, or by title read backwards."""


def _title_keys(titles: pa.DictionaryArray) -> Iterator[tuple[npt.NDArray[np.int64], bool]]:
    """The whole title key (the title without its spaces) of 12 letters or more; its first
    and its last 32 letters, of a key of 24 letters or more. Each is a function of the
    title, so it is found for each distinct title and numbered there."""
    title_codes = titles.indices.to_numpy()
    title_key = pc.replace_substring(titles.dictionary, " ", "")
    length = pc.utf8_length(title_key)
    whole = pc.if_else(pc.greater_equal(length, 12), title_key, "")
    yield _key_codes(whole)[title_codes], _FORWARD
    long = pc.greater_equal(length, 24)
    start = pc.if_else(long, pc.utf8_slice_codeunits(title_key, 0, 32), "")
    yield _key_codes(start)[title_codes], _FORWARD
    end = pc.if_else(long, pc.utf8_slice_codeunits(title_key, -32), "")
    yield _key_codes(end)[title_codes], _BACKWARD


class Key(NamedTuple):
    """A blocking key: ``make()`` gives its numbers for every record, as :func:`_key_codes`
    (records with the same number share the key; -1 means: no key), and whether its large
    blocks are sorted by the title read backwards (the title's keys come as three)."""

    make: Callable[[], list[tuple[npt.NDArray[np.int64], bool]]]
    large: bool = False
    """Made from every word of every distinct title: several times the memory of another
    key, so that no two are made at once."""


def blocking_keys(p: Prepared, titles: pa.DictionaryArray) -> list[Key]:
    """Each blocking key of every record (:class:`Key`), the largest first and the other
    large one after several small ones, so that two threads rarely wait for each other.
    ``titles`` are the records' titles, dictionary-encoded."""

    def year() -> pa.Array:
        years = pa.array(p.year)
        return pc.if_else(pc.equal(years, 0), "", pc.cast(years, pa.large_string()))

    def typed(kind: str) -> Key:
        return Key(
            lambda: [
                (
                    _key_codes(_text([min(ids[kind]) if kind in ids else "" for ids in p.ids])),
                    _FORWARD,
                )
            ]
        )

    kinds = sorted({kind for ids in p.ids for kind in ids})
    return [
        Key(lambda: [(_rare_words(titles), _FORWARD)], large=True),
        Key(lambda: [(_key_codes(_text(p.doi)), _FORWARD)]),
        *[typed(kind) for kind in kinds],
        Key(lambda: [(_key_codes(_joined(p.first_author, year(), p.page)), _FORWARD)]),
        Key(lambda: [(_key_codes(_joined(p.volume, p.page, year())), _FORWARD)]),
        Key(lambda: list(_title_keys(titles)), large=True),
        Key(lambda: [(_key_codes(_joined(p.first_author, year(), p.volume)), _FORWARD)]),
        Key(lambda: [(_key_codes(_joined(p.first_author, p.volume, p.page)), _FORWARD)]),
    ]


def _ranks(titles: pa.DictionaryArray, dictionary: pa.Array) -> npt.NDArray[np.int64]:
    """Each record's place when the records are sorted by ``dictionary`` (one text per
    distinct title), ties in record order."""
    title_rank = np.empty(len(dictionary), dtype=np.int64)
    title_rank[pc.sort_indices(dictionary).to_numpy()] = np.arange(len(dictionary))
    order = np.argsort(title_rank[titles.indices.to_numpy()], kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _merged(first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct values of two sorted arrays of distinct values, sorted: a stable sort of
    the two runs one after the other merges them in one pass."""
    both = np.sort(np.concatenate((first, second)), kind="stable")
    if both.size == 0:
        return both
    return both[np.concatenate(([True], both[1:] != both[:-1]))]


def candidate_pairs(
    p: Prepared, *, workers: int = 2
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """All candidate pairs (i < j), without repeats, in a stable order (of i, then j).

    The keys are made and their pairs found ``workers`` keys at a time, in threads: sorting
    and Arrow's functions run outside Python's interpreter lock, so the threads share the
    cores; the large keys (:attr:`Key.large`) are made one at a time, so that the threads
    do not add up their peaks of memory. Each key's distinct pairs are merged into those of
    the keys before as soon as they are found, so that only the distinct pairs are held,
    not every key's; and the memory a key's values took goes back to the system (Arrow's
    allocator would keep it). Keys made from the title alone are found for each distinct
    title (the titles are numbered by a hash of the records' texts, not turned into Arrow
    text one record at a time). The pairs are the same, in the same order, whatever the
    number of workers."""
    codes = _NONE
    title_codes, distinct_titles = pd.factorize(p.title)
    titles = pa.DictionaryArray.from_arrays(
        pa.array(title_codes, type=pa.int32()), _text(distinct_titles)
    )
    del title_codes, distinct_titles
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        forward = pool.submit(_ranks, titles, titles.dictionary)
        backward = pool.submit(_ranks, titles, pc.utf8_reverse(titles.dictionary))

        one_large = threading.Lock()

        def pairs(key: Key) -> npt.NDArray[np.int64]:
            with one_large if key.large else contextlib.nullcontext():
                made = key.make()
            found = _NONE
            for keys, reverse in made:
                rank = (backward if reverse else forward).result()
                found = _merged(
                    found, _unique(np.concatenate([*_pairs_for_key(keys, rank), _NONE]))
                )
                del keys
            return found

        for found in pool.map(pairs, blocking_keys(p, titles)):
            codes = _merged(codes, found)
            del found
            pa.default_memory_pool().release_unused()
    return codes // p.n, codes % p.n


def _pairs_for_key(
    codes: npt.NDArray[np.int64], rank: npt.NDArray[np.int64]
) -> Iterable[npt.NDArray[np.int64]]:
    """The pairs of records that share a key (``codes``, see :func:`_key_codes`), as
    ``low * n + high``: all pairs of a block of up to :data:`BLOCK_LIMIT` records, and each
    record's :data:`WINDOW` nearest neighbours on either side in ``rank`` order in a larger
    one. Which number a key has does not matter: a block's records are ordered by
    ``rank``."""
    n = codes.size
    members = np.flatnonzero(codes >= 0)
    if members.size == 0:
        return
    order = members[np.lexsort((rank[members], codes[members]))]
    sorted_codes = codes[order]
    boundaries = np.flatnonzero(np.diff(sorted_codes)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [order.size]))
    sizes = ends - starts
    for size in np.unique(sizes[sizes >= 2]):
        group_starts = starts[sizes == size]
        if size <= BLOCK_LIMIT:
            left, right = np.triu_indices(size, k=1)
        else:
            left_list, right_list = [], []
            for offset in range(1, WINDOW + 1):
                first = np.arange(size - offset)
                left_list.append(first)
                right_list.append(first + offset)
            left, right = np.concatenate(left_list), np.concatenate(right_list)
        a = order[group_starts[:, None] + left[None, :]].ravel()
        b = order[group_starts[:, None] + right[None, :]].ravel()
        low, high = np.minimum(a, b), np.maximum(a, b)
        yield low * n + high
