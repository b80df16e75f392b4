"""Width of text in the diagram's fonts, for wrapping text inside SVG boxes.

SVG has no text wrapping, so lines are broken here. A viewer draws the text in the first
font of "Helvetica, Arial, Liberation Sans, DejaVu Sans, sans-serif" that it has. Of these,
DejaVu Sans (the usual Linux fallback) is the widest for nearly every character, so widths
are measured in DejaVu Sans: text that fits in it fits in all of them. The tables give its
advance widths in 1/1000 em for ASCII and some common letters; any other character is
measured by its base letter (``é`` as ``e``), as a full em if East Asian wide, or as an
average letter.

:func:`wrap` breaks lines at spaces but never at a no-break space (U+00A0, U+2007, U+202F):
text joined by them, such as ``n = 1,234``, stays on one line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Final

FONT_FAMILY: Final = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"

_REGULAR: Final[dict[str, int]] = {
    ' ': 318, '!': 401, '"': 460, '#': 838, '$': 636, '%': 950, '&': 780, "'": 275, '(': 390,
    ')': 390, '*': 500, '+': 838, ',': 318, '-': 361, '.': 318, '/': 337, '0': 636, '1': 636,
    '2': 636, '3': 636, '4': 636, '5': 636, '6': 636, '7': 636, '8': 636, '9': 636, ':': 337,
    ';': 337, '<': 838, '=': 838, '>': 838, '?': 531, '@': 1000, 'A': 684, 'B': 686, 'C': 698,
    'D': 770, 'E': 632, 'F': 575, 'G': 775, 'H': 752, 'I': 295, 'J': 295, 'K': 656, 'L': 557,
    'M': 863, 'N': 748, 'O': 787, 'P': 603, 'Q': 787, 'R': 695, 'S': 635, 'T': 611, 'U': 732,
    'V': 684, 'W': 989, 'X': 685, 'Y': 611, 'Z': 685, '[': 390, '\\': 337, ']': 390, '^': 838,
    '_': 500, '`': 500, 'a': 613, 'b': 635, 'c': 550, 'd': 635, 'e': 615, 'f': 352, 'g': 635,
    'h': 634, 'i': 278, 'j': 278, 'k': 579, 'l': 278, 'm': 974, 'n': 634, 'o': 612, 'p': 635,
    'q': 635, 'r': 411, 's': 521, 't': 392, 'u': 634, 'v': 592, 'w': 818, 'x': 592, 'y': 592,
    'z': 525, '{': 636, '|': 337, '}': 636, '~': 838, 'æ': 982, 'Æ': 974, 'ø': 612, 'Ø': 787,
    'ß': 630, '«': 612, '»': 612, '–': 500, '—': 1000, '‘': 318, '’': 318, '“': 518, '”': 518,
    '•': 590, '…': 1000, '×': 838, '\u00a0': 318,
}  # fmt: skip

_BOLD: Final[dict[str, int]] = {
    ' ': 348, '!': 456, '"': 521, '#': 838, '$': 696, '%': 1002, '&': 872, "'": 306, '(': 457,
    ')': 457, '*': 523, '+': 838, ',': 380, '-': 415, '.': 380, '/': 365, '0': 696, '1': 696,
    '2': 696, '3': 696, '4': 696, '5': 696, '6': 696, '7': 696, '8': 696, '9': 696, ':': 400,
    ';': 400, '<': 838, '=': 838, '>': 838, '?': 580, '@': 1000, 'A': 774, 'B': 762, 'C': 734,
    'D': 830, 'E': 683, 'F': 683, 'G': 821, 'H': 837, 'I': 372, 'J': 372, 'K': 775, 'L': 637,
    'M': 995, 'N': 837, 'O': 850, 'P': 733, 'Q': 850, 'R': 770, 'S': 720, 'T': 682, 'U': 812,
    'V': 774, 'W': 1103, 'X': 771, 'Y': 724, 'Z': 725, '[': 457, '\\': 365, ']': 457, '^': 838,
    '_': 500, '`': 500, 'a': 675, 'b': 716, 'c': 593, 'd': 716, 'e': 678, 'f': 435, 'g': 716,
    'h': 712, 'i': 343, 'j': 343, 'k': 665, 'l': 343, 'm': 1042, 'n': 712, 'o': 687, 'p': 716,
    'q': 716, 'r': 493, 's': 595, 't': 478, 'u': 712, 'v': 652, 'w': 924, 'x': 645, 'y': 652,
    'z': 582, '{': 712, '|': 365, '}': 712, '~': 838, 'æ': 1048, 'Æ': 1085, 'ø': 687, 'Ø': 850,
    'ß': 719, '«': 646, '»': 646, '–': 500, '—': 1000, '‘': 380, '’': 380, '“': 657, '”': 657,
    '•': 639, '…': 1000, '×': 838, '\u00a0': 348,
}  # fmt: skip

_AVERAGE: Final = 640

NO_BREAK_SPACES: Final = "\u00a0\u2007\u202f"
"""Spaces a line is never broken at: no-break, figure and narrow no-break space."""

_BREAK: Final = re.compile(f"[^\\S{NO_BREAK_SPACES}]+")
"""A run of the white space a line may be broken at."""


@cache
def _char_width(char: str, bold: bool) -> int:
    table = _BOLD if bold else _REGULAR
    if char in table:
        return table[char]
    base = unicodedata.normalize("NFD", char)[:1]
    if base in table:
        return table[base]
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1000
    if unicodedata.category(char).startswith("M"):
        return 0
    return _AVERAGE


def _units(text: str, bold: bool) -> int:
    return sum(_char_width(char, bold) for char in text)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in pixels of ``text`` set at ``size`` pixels."""
    return _units(text, bold) * size / 1000


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels, at spaces where possible.

    No-break spaces join their neighbours into one word, which is broken between characters
    only when it is wider than a whole line. Widths are added up once per character (in whole
    thousandths of an em), so the time grows with the length of the text, however long a
    word without spaces is."""
    limit = width * 1000 / size
    space = _char_width(" ", bold)
    lines: list[str] = []
    current: list[str] = []
    used = 0
    for word in (part for part in _BREAK.split(text) if part):
        units = _units(word, bold)
        if current and used + space + units <= limit:
            current.append(word)
            used += space + units
            continue
        if current:
            lines.append(" ".join(current))
            current, used = [], 0
        if units <= limit:
            current, used = [word], units
            continue
        # A word longer than a whole line (a URL, say) is broken between characters.
        piece: list[str] = []
        for char in word:
            step = _char_width(char, bold)
            if piece and used + step > limit:
                lines.append("".join(piece))
                piece, used = [], 0
            piece.append(char)
            used += step
        current = ["".join(piece)]
    if current or not lines:
        lines.append(" ".join(current))
    return lines
