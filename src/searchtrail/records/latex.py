"""Plain text from the LaTeX found in BibTeX fields: accents, a few symbols, and braces."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_ACCENTS: Final = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a",
}  # fmt: skip
_SYMBOLS: Final = {
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ",
    "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "textless": "<", "textgreater": ">",
    "textasciitilde": "~", "textendash": "–", "textemdash": "—", "textquoteright": "’",
    "textquoteleft": "‘", "textunderscore": "_", "textbackslash": "\\", "textbar": "|",
    "textquotedbl": '"', "textdegree": "°", "textregistered": "®", "texttrademark": "™",
}  # fmt: skip
_ACCENT: Final = re.compile(r"\\([\"'`^~=.uvHckr])\s*\{?\\?([A-Za-z])\}?")
_SYMBOL: Final = re.compile(r"\\([A-Za-z]+)\b\s?(?:\{\})?")
_ESCAPED: Final = re.compile(r"\\([&%$#_{}])")


def latex_to_text(value: str) -> str:
    """Decode common LaTeX in a BibTeX value; unknown commands are left as they are."""
    if "\\" not in value and "{" not in value:
        return value
    text = _ACCENT.sub(
        lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), value
    )
    text = _SYMBOL.sub(lambda m: _SYMBOLS.get(m.group(1), m.group(0)), text)
    text = _ESCAPED.sub(lambda m: "\x00" + m.group(1), text)
    text = text.replace("{", "").replace("}", "")
    return text.replace("\x00", "")
