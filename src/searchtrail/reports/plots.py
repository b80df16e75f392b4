"""Drawing the report plots: an SVG canvas that grows to hold everything drawn on it.

SVG neither wraps text nor sizes itself to its content, so the plots measure every text
with :func:`~searchtrail.reports.prisma.textwidth.text_width` (in the widest of the fonts a
viewer may use) and the canvas keeps the furthest point any text or mark reaches: the
document is as wide and as tall as its content plus a margin, however long a source's name
or a caption is. Coordinates are written with one decimal at most, so the same numbers give
byte-identical files on every machine.

Every plot is a standalone SVG document; with ``xml_declaration=False`` it is an ``<svg>``
element to place inline in an HTML page (each plot's one ``id`` is its own, so several can
share a page).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Final, Literal

from searchtrail.reports.prisma.textwidth import FONT_FAMILY, text_width, wrap
from searchtrail.reports.words import xml

MARGIN: Final = 16.0
ASCENT: Final = 0.93
"""Height above the baseline of the tallest letters, in em (DejaVu Sans, the widest font)."""
DESCENT: Final = 0.24
"""Depth below the baseline of letters such as g and y, in em."""
LINE: Final = 1.35
"""Distance between the baselines of two lines of text, in em."""

HEADING_SIZE: Final = 14.0
LABEL_SIZE: Final = 12.0
NUMBER_SIZE: Final = 10.0
NOTE_SIZE: Final = 10.5
TEXT_WIDTH: Final = 440.0
"""The narrowest width captions and messages are wrapped to."""

INK: Final = "#1b1b1b"
MUTED: Final = "#555555"
UNKNOWN: Final = "#8a4b00"
"""Text colour of a number that is pending or not reported (as on the report page)."""

Anchor = Literal["start", "middle", "end"]


def displayed(text: str) -> str:
    """``text`` as a viewer shows it in an SVG: without the characters XML cannot hold,
    invisible formatting characters written out by their code (as :func:`xml` does), and
    runs of white space (line breaks too) as one space."""
    return " ".join(html.unescape(xml(text)).split())


def measure(text: str, size: float, *, bold: bool = False) -> float:
    """Width in pixels of ``text`` as a viewer shows it (:func:`displayed`)."""
    return text_width(displayed(text), size, bold=bold)


def lines_of(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` as it is shown, broken into lines no wider than ``width``."""
    return wrap(displayed(text), width, size, bold=bold)


def coordinate(value: float) -> str:
    """A coordinate, written the same way on every machine: ``12``, ``12.5``."""
    text = f"{value:.1f}"
    return "0" if text == "-0.0" else text[:-2] if text.endswith(".0") else text


class Canvas:
    """The marks and texts of one plot, and how far right and down they reach."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.right = 0.0
        self.bottom = 0.0

    def reach(self, x: float, y: float) -> None:
        """Make the document at least wide enough for ``x`` and tall enough for ``y``."""
        self.right = max(self.right, x)
        self.bottom = max(self.bottom, y)

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        size: float,
        anchor: Anchor = "start",
        bold: bool = False,
        italic: bool = False,
        fill: str = INK,
        vertical: bool = False,
    ) -> float:
        """Write one line with its baseline at ``y``; return its width. ``vertical`` text
        reads upwards from ``(x, y)``."""
        content = displayed(content)
        width = text_width(content, size, bold=bold)
        attributes = [f'x="{coordinate(x)}"', f'y="{coordinate(y)}"']
        if vertical:
            attributes.append(f'transform="rotate(-90 {coordinate(x)} {coordinate(y)})"')
            self.reach(x + DESCENT * size, y)
        else:
            left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            self.reach(left + width, y + DESCENT * size)
        attributes.append(f'font-size="{coordinate(size)}"')
        if anchor != "start":
            attributes.append(f'text-anchor="{anchor}"')
        if bold:
            attributes.append('font-weight="bold"')
        if italic:
            attributes.append('font-style="italic"')
        if fill != INK:
            attributes.append(f'fill="{fill}"')
        self._parts.append(f"<text {' '.join(attributes)}>{xml(content)}</text>")
        return width

    def paragraph(
        self,
        x: float,
        y: float,
        content: str,
        *,
        width: float,
        size: float = NOTE_SIZE,
        fill: str = MUTED,
        bold: bool = False,
    ) -> float:
        """Write ``content`` wrapped to ``width``, the first baseline at ``y``; return the
        baseline the next line would have."""
        for line in lines_of(content, width, size, bold=bold):
            self.text(x, y, line, size=size, fill=fill, bold=bold)
            y += size * LINE
        return y

    def rect(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        fill: str,
        stroke: str | None = None,
        dashed: bool = False,
    ) -> None:
        """A rectangle."""
        extra = ""
        if stroke:
            extra = f' stroke="{stroke}"' + (' stroke-dasharray="3 2"' if dashed else "")
        self._parts.append(
            f'<rect x="{coordinate(x)}" y="{coordinate(y)}" width="{coordinate(width)}" '
            f'height="{coordinate(height)}" fill="{fill}"{extra}/>'
        )
        self.reach(x + width, y + height)

    def line(
        self, x1: float, y1: float, x2: float, y2: float, *, stroke: str, width: float = 1.0
    ) -> None:
        """A straight line."""
        self._parts.append(
            f'<line x1="{coordinate(x1)}" y1="{coordinate(y1)}" x2="{coordinate(x2)}" '
            f'y2="{coordinate(y2)}" stroke="{stroke}" stroke-width="{coordinate(width)}"/>'
        )
        self.reach(max(x1, x2), max(y1, y2))

    def circle(self, cx: float, cy: float, r: float, *, fill: str) -> None:
        """A filled circle."""
        self._parts.append(
            f'<circle cx="{coordinate(cx)}" cy="{coordinate(cy)}" r="{coordinate(r)}" '
            f'fill="{fill}"/>'
        )
        self.reach(cx + r, cy + r)

    @contextmanager
    def mark(self, kind: str, tooltip: str) -> Iterator[None]:
        """Group what is drawn inside the block as one mark (a bar and its number, a cell),
        with ``tooltip`` as its title: what the mark counts, and its number."""
        self._parts.append(f'<g class="{kind}"><title>{xml(tooltip)}</title>')
        yield
        self._parts.append("</g>")

    def heading(self, heading: str, subtitle: str, *, width: float) -> float:
        """The plot's heading and, under it, ``subtitle`` (the review's title) wrapped to
        ``width``; return the y where the plot can start."""
        y = MARGIN + ASCENT * HEADING_SIZE
        self.text(MARGIN, y, heading, size=HEADING_SIZE, bold=True)
        y += HEADING_SIZE * LINE
        if subtitle.strip():
            y = self.paragraph(MARGIN, y, subtitle, width=width, size=LABEL_SIZE - 1)
        return y - (LABEL_SIZE - 1) * LINE + 14

    def svg(self, *, title: str, ident: str, xml_declaration: bool = True) -> str:
        """The document: as large as its content plus the margin, ``title`` (its accessible
        name) in an element with id ``<ident>-title``."""
        width = coordinate(self.right + MARGIN)
        height = coordinate(self.bottom + MARGIN)
        head = '<?xml version="1.0" encoding="UTF-8"?>\n' if xml_declaration else ""
        return (
            f'{head}<svg xmlns="http://www.w3.org/2000/svg" class="{ident}" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{ident}-title" font-family="{xml(FONT_FAMILY)}">\n'
            f'<title id="{ident}-title">{xml(title)}</title>\n'
            '<rect width="100%" height="100%" fill="#ffffff"/>\n'
            + "\n".join(self._parts)
            + "\n</svg>\n"
        )


def message_svg(
    heading: str,
    subtitle: str,
    message: str,
    *,
    ident: str,
    xml_declaration: bool = True,
    mark: tuple[str, str] | None = None,
) -> str:
    """A plot that has nothing to draw: its heading and a message saying why, sized to
    its text. With ``mark`` (a kind and a tooltip), the message is a mark of the plot: it
    states a number the plot would otherwise draw."""
    canvas = Canvas()
    y = canvas.heading(heading, subtitle, width=TEXT_WIDTH)
    with canvas.mark(*mark) if mark else nullcontext():
        canvas.paragraph(
            MARGIN, y + ASCENT * LABEL_SIZE, message, width=TEXT_WIDTH, size=LABEL_SIZE, fill=INK
        )
    return canvas.svg(title=f"{heading}: {subtitle}", ident=ident, xml_declaration=xml_declaration)


def legend(
    canvas: Canvas, x: float, y: float, entries: list[tuple[str, str]], *, width: float
) -> float:
    """Swatches with their labels in rows no wider than ``width`` from ``x``; return the
    y below the last row."""
    size, swatch, gap = NOTE_SIZE, 10.0, 16.0
    left = x
    for fill, label in entries:
        needed = swatch + 4 + measure(label, size)
        if left > x and left + needed > x + width:
            left, y = x, y + size * LINE + 2
        canvas.rect(left, y - swatch + 1, swatch, swatch, fill=fill)
        left += swatch + 4 + canvas.text(left + swatch + 4, y, label, size=size) + gap
    return y + size * LINE + 4


def mix(light: str, dark: str, share: float) -> str:
    """The colour ``share`` (0 to 1) of the way from ``light`` to ``dark`` (``#rrggbb``)."""
    share = min(max(share, 0.0), 1.0)
    start = [int(light[i : i + 2], 16) for i in (1, 3, 5)]
    end = [int(dark[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(
        f"{round(a + (b - a) * share):02x}" for a, b in zip(start, end, strict=True)
    )


def luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour, as WCAG 2 defines it."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(fill: str) -> str:
    """White or near-black, whichever reads better on ``fill``."""
    return "#ffffff" if contrast("#ffffff", fill) >= contrast(INK, fill) else INK


__all__ = [
    "Canvas",
    "contrast",
    "coordinate",
    "displayed",
    "legend",
    "lines_of",
    "luminance",
    "measure",
    "message_svg",
    "mix",
    "text_on",
]
