"""Python functions applied to columns of Arrow text, at the cost of the values that need
them: once per distinct value (:func:`mapped`), or only where a cheaper test in Arrow says
the value needs it (:func:`recomputed`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

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
