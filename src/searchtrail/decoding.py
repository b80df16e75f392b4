"""Turning the bytes of a file people give into text and lines: exports, the review's YAML
files, and the tables people save in spreadsheets.

Exports arrive as UTF-8 (with or without a byte-order mark), UTF-16 (EndNote, Web of
Science's "Win, UTF-16" option) or Windows-1252 (older Windows tools). The rules, in order:

1. an encoding named in the search log wins;
2. a byte-order mark decides (UTF-8, UTF-16 LE/BE);
3. UTF-16 without a mark is recognised by its zero bytes;
4. valid UTF-8 is UTF-8;
5. otherwise, if the bytes hold no UTF-8 multi-byte sequences at all, Windows-1252;
6. anything else is an error naming the file, the byte offset and its line.

Rule 5 keeps a UTF-8 file with one damaged byte from being read as Windows-1252, which
would silently garble every accented letter in it.

The text is then put in Unicode's composed form (NFC): macOS saves "Å" as "A" followed by
a combining ring, other systems as one character, and the two must be one name, one
exclusion reason, one study, one source.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from typing import Final

from searchtrail.errors import Problem, ReviewError

_UTF8_MULTIBYTE: Final = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")


def decode(data: bytes, *, file: str, encoding: str | None = None) -> tuple[str, str]:
    """Return the text of ``data``, in Unicode's composed form (NFC), and the name of the
    encoding used."""
    text, used = _decode(data, file=file, encoding=encoding)
    return composed(text), used


_CHUNK: Final = 1 << 16


def composed(text: str) -> str:
    """``text`` in Unicode's composed form (NFC). Checked line-aligned piece by piece, so a
    large file with a few decomposed letters costs a check, not a normalisation of all of
    it (no letter composes across a line break), and is copied only when something changes."""
    if text.isascii():
        return text
    pieces: list[tuple[int, int]] = []
    start, length = 0, len(text)
    while start < length:
        end = text.find("\n", min(start + _CHUNK, length))
        end = length if end == -1 else end + 1
        if not unicodedata.is_normalized("NFC", text[start:end]):
            pieces.append((start, end))
        start = end
    if not pieces:
        return text
    parts, done = [], 0
    for start, end in pieces:
        parts.append(text[done:start])
        parts.append(unicodedata.normalize("NFC", text[start:end]))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def utf8_body(data: bytes) -> tuple[bytes, str] | None:
    """The bytes of the text of ``data`` and the name of its encoding, as :func:`decode`
    (with no encoding given) reads a file that is UTF-8: without its byte-order mark; None
    for a file in UTF-16 (whether a file is UTF-8 throughout is for its decoder to find)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:], "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_without_mark(data):
        return None
    return data, "utf-8"


def _decode(data: bytes, *, file: str, encoding: str | None = None) -> tuple[str, str]:
    wrong = _declared_wrongly(encoding, data) if encoding else None
    if wrong:
        raise ReviewError(
            [
                Problem(
                    file=file,
                    line=None,
                    entry=None,
                    field="encoding",
                    value=repr(encoding),
                    expected="the encoding the file is in: leave 'encoding:' out and UTF-8, "
                    "UTF-16 and Windows-1252 are recognised",
                    message=wrong,
                )
            ]
        )
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except (UnicodeDecodeError, LookupError) as error:
            raise _decode_error(data, file, error, f"text in the encoding {encoding!r}") from error
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", file), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", file).removeprefix("\ufeff"), "utf-16"
    sixteen = _utf16_without_mark(data)
    if sixteen:
        return _strict(data, sixteen, file), sixteen
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if _UTF8_MULTIBYTE.search(data):
            raise _decode_error(
                data, file, error, "UTF-8 throughout (the rest of the file is UTF-8)"
            ) from error
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise _decode_error(data, file, error, "UTF-8, UTF-16 or Windows-1252 text") from error


def _declared_wrongly(encoding: str, data: bytes) -> str | None:
    """Why the bytes plainly are not in the declared ``encoding``, or None: a file declared
    in a one-byte encoding that is valid UTF-8 with letters of more than one byte (a
    Windows-1252 or Latin-1 text that happened to be valid UTF-8 would need pairs like "Ã©"
    throughout), or a file declared UTF-16 without a byte-order mark or the zero bytes
    UTF-16 gives every Latin letter."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if name.startswith("utf-16"):
        marked = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if len(data) >= 4 and not marked and _utf16_without_mark(data) is None:
            return "the file is not UTF-16: it has no byte-order mark and not the zero bytes of UTF-16 text"
        return None
    if name.startswith("utf") or not _UTF8_MULTIBYTE.search(data):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return (
        f"the file is UTF-8 (it holds UTF-8 letters such as {_first_utf8(data)!r}), which "
        f"{encoding} would turn into other letters"
    )


def _first_utf8(data: bytes) -> str:
    found = _UTF8_MULTIBYTE.search(data)
    return found.group().decode("utf-8", "replace") if found else ""


def _strict(data: bytes, encoding: str, file: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _decode_error(
            data, file, error, f"{encoding} text (as its byte-order mark says)"
        ) from error


def _utf16_without_mark(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / (len(sample) / 2)
    odd_zero = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _decode_error(data: bytes, file: str, error: Exception, expected: str) -> ReviewError:
    start = getattr(error, "start", 0)
    line = data[:start].count(b"\n") + 1
    bad = data[start : start + 1].hex() if start < len(data) else ""
    return ReviewError(
        [
            Problem(
                file=file,
                line=line,
                entry=None,
                field=None,
                value=f"byte 0x{bad}" if bad else None,
                expected=f"{expected}; if the file uses another encoding, name it with "
                "'encoding:' in the export entry of the search log",
                message=f"cannot decode byte 0x{bad} at offset {start}",
            )
        ]
    )


def iter_lines(text: str) -> Iterator[str]:
    """The lines of :func:`split_lines` one at a time, without holding them all: a large
    export is read with its text and its records in memory, not a list of its lines too.
    The text is split a piece of about a megabyte at a time, each ending just after a line
    feed (so a CR LF is never cut in two)."""
    start, length = 0, len(text)
    while start < length:
        end = text.find("\n", start + _PIECE)
        end = length if end == -1 else end + 1
        piece = text[start:end]
        lines = piece.split("\n") if "\r" not in piece else _LINE_BREAK.split(piece)
        if lines[-1] == "":
            lines.pop()
        yield from lines
        start = end


_PIECE: Final = 1 << 20
"""Characters split into lines at a time by :func:`iter_lines`."""


def split_lines(text: str) -> list[str]:
    """Split on CR LF, LF or a bare CR (never on the other Unicode line separators, which can
    occur inside abstracts)."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines
