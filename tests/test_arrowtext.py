"""Arrow text helpers against the one-by-one rules they stand for."""

from __future__ import annotations

from typing import Final

import pyarrow as pa
from hypothesis import example, given
from hypothesis import strategies as st

from searchtrail.arrowtext import ascii_words
from searchtrail.dedup import normalise
from searchtrail.dedup.prepare import _folded_titles, _Texts
from searchtrail.records.identity import _plain, _plain_column

_ASCII: Final = st.text(st.characters(max_codepoint=127), max_size=40)
_TITLE_CHARACTERS: Final = "Ab9 -:.,;()[]&<>'\t\né\u0301ßİ中"


def _words(text: str) -> str:
    return " ".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


@given(st.lists(st.one_of(_ASCII, st.none()), max_size=12))
@example(["", " ", "  a--b  ", "Title.", "--", "A  ", "x"])
def test_ascii_words_are_the_words_of_each_value(values: list[str | None]) -> None:
    words = ascii_words(pa.array(values, pa.large_string())).to_pylist()
    assert words == [_words(value or "") for value in values]


@given(st.lists(_ASCII, min_size=1, max_size=12), st.integers(0, 11))
def test_ascii_words_of_a_slice_and_of_chunks(values: list[str], cut: int) -> None:
    array = pa.array(values, pa.large_string())
    cut = min(cut, len(values))
    assert ascii_words(array.slice(cut)).to_pylist() == [_words(v) for v in values[cut:]]
    chunked = pa.chunked_array([array.slice(0, cut), array.slice(cut)])
    assert ascii_words(chunked).to_pylist() == [_words(v) for v in values]


@given(st.lists(st.text(_TITLE_CHARACTERS, max_size=40), max_size=12))
@example(["Effects of training [Review]", "Title (vol 12, pg 345, 2019)", "A &amp; B", "<i>X</i>"])
def test_titles_folded_by_column_are_those_folded_one_by_one(titles: list[str]) -> None:
    assert _folded_titles(_Texts(titles)) == [normalise.title(title) for title in titles]


@given(st.lists(st.text(_TITLE_CHARACTERS, max_size=40), max_size=12))
def test_plain_text_of_the_record_keys_by_column_is_that_of_each_value(values: list[str]) -> None:
    plain = _plain_column(pa.array(values, pa.large_string())).to_pylist()
    assert plain == [_plain(value) for value in values]
