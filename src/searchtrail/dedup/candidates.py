"""Blocking: which pairs of records are compared at all.

Comparing every record with every other grows with the square of the records; blocking
compares only records that share a key, so the cost grows nearly linearly. A pair is a
candidate when the two records share any of these keys:

- the DOI; the PubMed id;
- the whole normalised title; its first 32 letters; its last 32 letters;
- the two rarest words of the title (catches a typo anywhere else in it);
- first author, year and first page; volume, first page and year (catch titles written
  differently, such as translations).

A key shared by very many records (an "Editorial" title, a common page number) does not
make all of them candidates: such a block is sorted by title and each record is paired with
its nearest neighbours only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt
import pandas as pd

from searchtrail.dedup.prepare import Prepared

_NONE = np.empty(0, dtype=np.int64)

BLOCK_LIMIT = 40
"""Blocks larger than this are paired by sorted neighbourhood instead of all pairs."""
WINDOW = 8
"""Neighbours each record is paired with inside a large block."""


def _rare_words(titles: Iterable[str]) -> list[str]:
    """The two rarest words (of four letters or more) of each title, as one key.

    Word frequencies are counted first, then each title is split again, so the words of a
    million titles are never all held at once."""
    frequency: Counter[str] = Counter()
    for title in titles:
        frequency.update({w for w in title.split() if len(w) >= 4})
    keys = []
    for title in titles:
        words = sorted({w for w in title.split() if len(w) >= 4}, key=lambda w: (frequency[w], w))
        keys.append(" ".join(sorted(words[:2])) if len(words) >= 3 else "")
    return keys


def blocking_keys(p: Prepared) -> Iterator[list[str]]:
    """Each blocking key's value for every record ('' means: no key), one key at a time."""
    yield list(p.doi)
    kinds = sorted({kind for ids in p.ids for kind in ids})
    for kind in kinds:
        yield [min(ids[kind]) if kind in ids else "" for ids in p.ids]
    yield [k if len(k) >= 12 else "" for k in p.title_key]
    yield [k[:32] if len(k) >= 24 else "" for k in p.title_key]
    yield [k[-32:] if len(k) >= 24 else "" for k in p.title_key]
    yield _rare_words(p.title)
    yield [
        f"{a}|{y}|{pg}" if a and y and pg else ""
        for a, y, pg in zip(p.first_author, p.year, p.page, strict=True)
    ]
    yield [
        f"{v}|{pg}|{y}" if v and pg and y else ""
        for v, pg, y in zip(p.volume, p.page, p.year, strict=True)
    ]


def candidate_pairs(p: Prepared) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """All candidate pairs (i < j), without repeats, in a stable order."""
    chunks: list[npt.NDArray[np.int64]] = []
    order_key = np.argsort(p.title, kind="stable")
    rank = np.empty(p.n, dtype=np.int64)
    rank[order_key] = np.arange(p.n)
    for values in blocking_keys(p):
        chunks.append(np.unique(np.concatenate([*_pairs_for_key(values, rank), _NONE])))
    if not chunks:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    codes = np.unique(np.concatenate(chunks))
    return codes // p.n, codes % p.n


def _pairs_for_key(
    values: list[str], rank: npt.NDArray[np.int64]
) -> Iterable[npt.NDArray[np.int64]]:
    n = len(values)
    codes, _ = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    codes = np.where(np.asarray(values, dtype=object) == "", -1, codes)
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
