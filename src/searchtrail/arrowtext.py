"""Python functions applied to columns of Arrow text, at the cost of the values that need
them: once per distinct value (:func:`mapped`), or only where a cheaper test in Arrow says
the value needs it (:func:`recomputed`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
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


def first_bytes(values: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.int16]:
    """Each value's first byte (of its UTF-8), -1 for an empty or missing value: read from
    the values' buffers in place, which costs a few nanoseconds a value where a test in
    Arrow (even a regular expression that stops at the first byte) costs tens."""
    if isinstance(values, pa.ChunkedArray):
        if not values.num_chunks:
            return np.empty(0, dtype=np.int16)
        return np.concatenate([first_bytes(chunk) for chunk in values.chunks])
    first = np.full(len(values), -1, dtype=np.int16)
    if not len(values):
        return first
    validity, offsets_buffer, data = values.buffers()
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets: npt.NDArray[np.int64] = np.frombuffer(offsets_buffer, dtype=width)[
        values.offset : values.offset + len(values) + 1
    ].astype(np.int64, copy=False)
    filled = offsets[1:] > offsets[:-1]
    if validity is not None:
        filled &= values.is_valid().to_numpy(zero_copy_only=False)
    if data is not None and filled.any():
        data_bytes = np.frombuffer(data, dtype=np.uint8)
        first[filled] = data_bytes[offsets[:-1][filled]]
    return first
