"""Python functions applied to columns of Arrow text, at the cost of the values that need
them: once per distinct value (:func:`mapped`), or only where a cheaper test in Arrow says
the value needs it (:func:`recomputed`); and the words of ASCII text, made over the bytes of
a whole column (:func:`ascii_words`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Text: TypeAlias = pa.LargeStringArray
"""A column of text as Arrow holds it, one value a row (missing only where a function
says so)."""


def mapped(values: pa.Array, function: Callable[[str], str]) -> Text:
    """``function`` of each value, called once for each distinct value."""
    encoded = values.dictionary_encode()
    results = [function(value) for value in encoded.dictionary.to_pylist()]
    return pa.array(results, pa.large_string()).take(encoded.indices)


def recomputed(
    base: pa.Array, rows: pa.BooleanArray, values: pa.Array, function: Callable[[str], str]
) -> Text:
    """``base``, with each row where ``rows`` holds made ``function`` of that row's value in
    ``values``."""
    if not pc.any(rows).as_py():
        return base
    fixed = [function(value) for value in values.filter(rows).to_pylist()]
    return pc.replace_with_mask(base, rows, pa.array(fixed, pa.large_string()))


_WORD_BYTES: Final = np.array(
    [code | 0x20 if chr(code).isalpha() else code if chr(code).isdigit() else 0x20
     for code in range(128)] + [0x20] * 128,
    dtype=np.uint8,
)  # fmt: skip
"""Per byte: the letter in lower case, the digit, or a space for anything else (a byte
outside ASCII too)."""


def ascii_words(values: pa.Array | pa.ChunkedArray) -> Text:
    """Each value's ASCII letters (in lower case) and digits, every run of other characters
    one space, no space at either end: what a translation of each character and
    ``" ".join(text.split())`` make of a value in ASCII. A byte outside ASCII counts as one
    of the other characters, so the result is right for values in ASCII only; a missing
    value gives "".

    Made in a few passes of NumPy over the bytes of all the values: faster than a regular
    expression's replacement, which stops at every run (a title has one every word)."""
    text = pc.fill_null(values.cast(pa.large_string()), "")
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    count = len(text)
    if not count:
        return pa.array([], pa.large_string())
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[
        text.offset : text.offset + count + 1
    ]
    first, last = int(offsets[0]), int(offsets[-1])
    mapped = _WORD_BYTES[np.frombuffer(text.buffers()[2], dtype=np.uint8)[first:last]]
    starts = offsets[:-1] - first
    lengths = np.diff(offsets)
    word = mapped != 0x20
    # A space is kept where a letter or digit stands before it in the same value: the first
    # of each run, never one at a value's start.
    after_word = np.zeros(len(mapped), dtype=bool)
    after_word[1:] = word[:-1]
    after_word[starts[lengths > 0]] = False
    keep = word | after_word
    kept = np.zeros(count, dtype=np.int64)
    filled = lengths > 0
    if filled.any():
        kept[filled] = np.add.reduceat(keep, starts[filled], dtype=np.int64)
    out = mapped[keep]
    ends = np.cumsum(kept)
    # A value ends in a space where its last run was of other characters: that space goes.
    trailing = kept > 0
    trailing[trailing] = out[ends[trailing] - 1] == 0x20
    if trailing.any():
        out = np.delete(out, ends[trailing] - 1)
        kept = kept - trailing
    new_offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(kept, out=new_offsets[1:])
    return pa.Array.from_buffers(
        pa.large_string(), count, [None, pa.py_buffer(new_offsets), pa.py_buffer(out.tobytes())]
    )
