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

A key shared by very many records (an "Editorial" title, a common page number) does not
make all of them candidates: such a block is sorted by title and each record is paired with
its nearest neighbours only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from searchtrail.dedup.prepare import Prepared

_NONE = np.empty(0, dtype=np.int64)
_SPACE = pa.scalar(" ", type=pa.large_string())
_BAR = pa.scalar("|", type=pa.large_string())

BLOCK_LIMIT = 40
"""Blocks larger than this are paired by sorted neighbourhood instead of all pairs."""
WINDOW = 8
"""Neighbours each record is paired with inside a large block."""


def _unique(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct values, sorted (as ``np.unique``, which hashes first and is many times
    slower on the millions of pair codes here)."""
    ordered = np.sort(values)
    if ordered.size == 0:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _text(values: npt.NDArray[np.object_] | list[str]) -> pa.Array:
    return pa.array(values, type=pa.large_string())


def _rare_words(titles: pa.DictionaryArray) -> pa.Array:
    """The two rarest words (of four letters or more) of each title, as one key ('' for a
    title of fewer than three such words).

    A word's rarity is the number of records whose title holds it, ties broken by the word
    itself. Titles are normalised (words separated by single spaces); each distinct title
    is split once, and the words of all titles are counted and ranked as arrays."""
    title_codes = titles.indices.to_numpy()
    distinct = titles.dictionary
    records_per_title = np.bincount(title_codes, minlength=len(distinct))
    split = pc.split_pattern(distinct, " ")
    parent = pc.list_parent_indices(split).to_numpy()
    words = pc.list_flatten(split)
    long = pc.greater_equal(pc.utf8_length(words), 4)
    parent = parent[long.to_numpy(zero_copy_only=False)].astype(np.int64)
    encoded = pc.dictionary_encode(words.filter(long))
    word_values = encoded.dictionary
    distinct_words = max(len(word_values), 1)
    held = _unique(parent * distinct_words + encoded.indices.to_numpy().astype(np.int64))
    parent, word = held // distinct_words, held % distinct_words
    frequency = np.bincount(word, weights=records_per_title[parent], minlength=len(word_values))
    alphabetical = np.empty(len(word_values), dtype=np.int64)
    alphabetical[pc.sort_indices(word_values).to_numpy()] = np.arange(len(word_values))
    rarity = np.empty(len(word_values), dtype=np.int64)
    rarity[np.lexsort((alphabetical, frequency))] = np.arange(len(word_values))
    ordered = np.sort(parent * distinct_words + rarity[word])
    parent = ordered // distinct_words
    word = np.argsort(rarity)[ordered % distinct_words]
    count = np.bincount(parent, minlength=len(distinct))
    start = np.cumsum(count) - count
    keyed = np.flatnonzero(count >= 3)
    first, second = word[start[keyed]], word[start[keyed] + 1]
    swap = alphabetical[second] < alphabetical[first]
    first, second = np.where(swap, second, first), np.where(swap, first, second)
    joined = pc.binary_join_element_wise(
        word_values.take(pa.array(first)), word_values.take(pa.array(second)), _SPACE
    ).to_numpy(zero_copy_only=False)
    keys = np.full(len(distinct), "", dtype=object)
    keys[keyed] = joined
    return _text(keys).take(pa.array(title_codes))


def _joined(*parts: npt.NDArray[np.object_] | pa.Array) -> pa.Array:
    """The parts joined by '|', or '' where any part is empty."""
    columns = [part if isinstance(part, pa.Array) else _text(part) for part in parts]
    joined = pc.binary_join_element_wise(*columns, _BAR)
    missing = pc.or_(*[pc.equal(c, "") for c in columns[:2]])
    for column in columns[2:]:
        missing = pc.or_(missing, pc.equal(column, ""))
    return pc.if_else(missing, "", joined)


def blocking_keys(p: Prepared, titles: pa.DictionaryArray) -> Iterator[pa.Array]:
    """Each blocking key's value for every record ('' means: no key), one key at a time.

    ``titles`` are the records' titles, dictionary-encoded."""
    yield _text(p.doi)
    kinds = sorted({kind for ids in p.ids for kind in ids})
    for kind in kinds:
        yield _text([min(ids[kind]) if kind in ids else "" for ids in p.ids])
    title_key = _text(p.title_key)
    length = pc.utf8_length(title_key)
    yield pc.if_else(pc.greater_equal(length, 12), title_key, "")
    long = pc.greater_equal(length, 24)
    yield pc.if_else(long, pc.utf8_slice_codeunits(title_key, 0, 32), "")
    yield pc.if_else(long, pc.utf8_slice_codeunits(title_key, -32), "")
    yield _rare_words(titles)
    year = pc.if_else(
        pc.equal(pa.array(p.year), 0), "", pc.cast(pa.array(p.year), pa.large_string())
    )
    yield _joined(p.first_author, year, p.page)
    yield _joined(p.volume, p.page, year)
    yield _joined(p.first_author, year, p.volume)
    yield _joined(p.first_author, p.volume, p.page)


def candidate_pairs(p: Prepared) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """All candidate pairs (i < j), without repeats, in a stable order."""
    chunks: list[npt.NDArray[np.int64]] = []
    titles = pc.dictionary_encode(_text(p.title))
    title_rank = np.empty(len(titles.dictionary), dtype=np.int64)
    title_rank[pc.sort_indices(titles.dictionary).to_numpy()] = np.arange(len(titles.dictionary))
    order_key = np.argsort(title_rank[titles.indices.to_numpy()], kind="stable")
    rank = np.empty(p.n, dtype=np.int64)
    rank[order_key] = np.arange(p.n)
    for values in blocking_keys(p, titles):
        chunks.append(_unique(np.concatenate([*_pairs_for_key(values, rank), _NONE])))
    if not chunks:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    codes = _unique(np.concatenate(chunks))
    return codes // p.n, codes % p.n


def _pairs_for_key(
    values: pa.Array, rank: npt.NDArray[np.int64]
) -> Iterable[npt.NDArray[np.int64]]:
    n = len(values)
    codes = pc.dictionary_encode(values).indices.to_numpy().astype(np.int64)
    codes[pc.equal(values, "").to_numpy(zero_copy_only=False)] = -1
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
