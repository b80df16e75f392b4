"""The PRISMA diagram as PNG and PDF files, for journals that ask for a figure file.

Both are drawn from the diagram's SVG by Typst (the ``typst`` package: resvg draws the
PNG, svg2pdf writes the PDF with the text as text, in embedded font subsets), so the two
files show the same drawing in the same fonts.

Sizes follow CSS: one SVG pixel is 1/96 inch. The PDF page is the diagram's size in points
(0.75 pt a pixel); the PNG has ``dpi / 96`` pixels for each SVG pixel and says its
resolution in a ``pHYs`` chunk.

Fonts. The diagram's boxes are sized for text measured in DejaVu Sans
(:mod:`~searchtrail.reports.prisma.textwidth`), so the files are drawn in DejaVu Sans, from
the font files shipped with searchtrail (``searchtrail/reports/fonts``): no font has to be
installed, and every machine draws the same glyphs. A line holding a character DejaVu Sans
lacks (Chinese, say) is drawn in an installed font that has it.

Output is deterministic: the PDF carries no creation date and its document id is a hash of
its content, and the PNG has no time or text chunks, so the same SVG on the same machine
(same fonts, same Typst) gives byte-identical files.

Drawing reads no file: Typst's root is an empty folder, so an SVG that links to an image
(the diagram never does) is refused rather than pulling that file into the figure.
"""

from __future__ import annotations

import re
import struct
import tempfile
import zlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files
from typing import Final, Literal
from xml.etree.ElementTree import ParseError

import typst
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from searchtrail.reports.prisma.textwidth import FONT_FAMILY

PINNED_FONT: Final = "DejaVu Sans"
CSS_PX_PER_INCH: Final = 96
PT_PER_PX: Final = 72 / CSS_PX_PER_INCH
MIN_DPI: Final = 72
MAX_DPI: Final = 1200
# Drawing takes about 12 bytes a pixel (the page and the diagram's own layer, 4 bytes a
# pixel each, and the PNG encoder's rows): a limit of 1.2 GB. The seed diagram at 600 dpi
# has 22 million pixels, the worked example's 25 million.
MAX_PIXELS: Final = 100_000_000

_SVG_NAMESPACE: Final = "{http://www.w3.org/2000/svg}"
_GENERIC_FAMILIES: Final = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
)
_FONT_FAMILY_ATTRIBUTE: Final = re.compile(r"""(\sfont-family\s*=\s*)(["'])(.*?)\2""", re.DOTALL)
_LENGTH: Final = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px)?\s*")

# The page: exactly the diagram, nothing around it. Every value that comes from the SVG
# reaches Typst through sys.inputs, as a string, so nothing in it is read as Typst markup.
_PAGE: Final = """\
#let title = sys.inputs.title
#set document(title: if title == "" {{ none }} else {{ title }}, date: none)
#set page(width: {width}pt, height: {height}pt, margin: 0pt, fill: white)
#image(
  bytes(sys.inputs.svg),
  format: "svg",
  width: {width}pt,
  height: {height}pt,
  alt: if title == "" {{ none }} else {{ title }},
)
"""

# PNG chunks kept from the renderer's file: the image itself and how to read its colours.
# Text, time and any other ancillary chunk is dropped; pHYs is written anew.
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_PNG_KEPT_CHUNKS: Final = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"sRGB", b"gAMA", b"cHRM", b"iCCP"}
)


class DiagramExportError(RuntimeError):
    """The diagram could not be written as PNG or PDF; the message says why."""


@dataclass(frozen=True)
class _Diagram:
    """What the exporter needs to know of one SVG document."""

    svg: str
    width_px: float
    height_px: float
    title: str


def diagram_png(svg: str, dpi: int = 300) -> bytes:
    """The diagram as a PNG image at ``dpi`` dots per inch (an SVG pixel is 1/96 inch).

    The image is ``width * dpi / 96`` by ``height * dpi / 96`` pixels, each rounded to a
    whole pixel (a half either way), and its pHYs chunk states ``dpi``. Raises
    :class:`DiagramExportError` when ``dpi`` is outside 72–1200 or the image would exceed
    100 million pixels, the SVG cannot be read, no font is installed for its text, or
    drawing fails.
    """
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
        raise DiagramExportError(
            f"cannot draw the PRISMA diagram as PNG at {dpi!r} dpi: "
            f"expected a whole number of dots per inch from {MIN_DPI} to {MAX_DPI}"
        )
    diagram = _read(svg, "PNG")
    pixels = round(diagram.width_px * dpi / CSS_PX_PER_INCH) * round(
        diagram.height_px * dpi / CSS_PX_PER_INCH
    )
    if pixels > MAX_PIXELS:
        raise DiagramExportError(
            f"cannot draw the PRISMA diagram as PNG at {dpi} dpi: it would have {pixels:,} "
            f"pixels, more than {MAX_PIXELS:,}; ask for fewer dots per inch"
        )
    png = _compile(diagram, "png", dpi)
    try:
        return _with_resolution(png, dpi)
    except ValueError as error:
        raise DiagramExportError(
            f"could not draw the PRISMA diagram as PNG: Typst wrote an unreadable PNG ({error})"
        ) from error


def diagram_pdf(svg: str) -> bytes:
    """The diagram as a one-page PDF the size of the diagram (0.75 pt an SVG pixel).

    Text stays text (selectable and searchable) in embedded subsets of its fonts. The
    document's title is the SVG's ``<title>``; there is no creation date, so the same SVG
    gives the same bytes. Raises :class:`DiagramExportError` when the SVG cannot be read,
    no font is installed for its text, or drawing fails.
    """
    return _compile(_read(svg, "PDF"), "pdf", None)


# --- reading the SVG -----------------------------------------------------------------------


def _read(svg: str, kind: str) -> _Diagram:
    try:
        root = fromstring(svg.encode("utf-8"))
    except (ParseError, DefusedXmlException, UnicodeError) as error:
        raise DiagramExportError(
            f"cannot draw the PRISMA diagram as {kind}: the SVG is not readable XML ({error})"
        ) from error
    if root.tag != f"{_SVG_NAMESPACE}svg":
        raise DiagramExportError(
            f"cannot draw the PRISMA diagram as {kind}: the document is <{root.tag}>, "
            "expected an SVG document (<svg> in the SVG namespace)"
        )
    width = _length(root.get("width"), "width", kind)
    height = _length(root.get("height"), "height", kind)
    title_element = root.find(f"{_SVG_NAMESPACE}title")
    title = " ".join("".join(title_element.itertext()).split()) if title_element is not None else ""
    return _Diagram(_pin_font(svg, kind), width, height, title)


def _length(value: str | None, name: str, kind: str) -> float:
    match = _LENGTH.fullmatch(value or "")
    number = float(match.group(1)) if match else 0.0
    if number <= 0:
        raise DiagramExportError(
            f"cannot draw the PRISMA diagram as {kind}: the <svg> element's {name} is "
            f"{value!r}, expected a positive number of pixels"
        )
    return number


# --- fonts ---------------------------------------------------------------------------------


def _family_names(families: str) -> list[str]:
    """The named (not generic) families of a CSS font-family list, in order."""
    names = [part.strip().strip("'\"").strip() for part in families.split(",")]
    return [name for name in names if name and name.lower() not in _GENERIC_FAMILIES]


@cache
def _fonts() -> tuple[typst.Fonts, frozenset[str]]:
    """The installed fonts (looked for once per process) and their family names.

    Typst's own built-in fonts (a serif, a mono and maths fonts) are left out: none suits the
    diagram, and text drawn in them would hide a missing sans-serif font.
    """
    shipped = files("searchtrail.reports").joinpath("fonts")
    with as_file(shipped) as folder:
        fonts = typst.Fonts(
            include_system_fonts=True, include_embedded_fonts=False, font_paths=[str(folder)]
        )
    return fonts, frozenset(fonts.families())


def _pin_font(svg: str, kind: str) -> str:
    """The SVG with DejaVu Sans first in every font-family list, when it is installed.

    Where it is not, the SVG is left as it is if one of the families it names is installed.
    """
    _, families = _fonts()
    if PINNED_FONT in families:

        def first(match: re.Match[str]) -> str:
            attribute, delimiter, listed = match.groups()
            quote = '"' if delimiter == "'" else "'"
            pinned = f"{quote}{PINNED_FONT}{quote}, {listed}"
            return f"{attribute}{delimiter}{pinned}{delimiter}"

        return _FONT_FAMILY_ATTRIBUTE.sub(first, svg)
    wanted = _family_names(FONT_FAMILY)
    if any(name in families for name in wanted):
        return svg
    looked_for = ", ".join(dict.fromkeys([PINNED_FONT, *wanted]))
    raise DiagramExportError(
        f"cannot draw the PRISMA diagram as {kind}: no font for its text is installed "
        f"(looked for {looked_for}); install DejaVu Sans "
        "(Debian and Ubuntu: apt-get install fonts-dejavu-core)"
    )


# --- drawing -------------------------------------------------------------------------------


def _compile(diagram: _Diagram, fmt: Literal["png", "pdf"], dpi: int | None) -> bytes:
    page = _PAGE.format(
        width=_points(diagram.width_px * PT_PER_PX), height=_points(diagram.height_px * PT_PER_PX)
    )
    fonts, _ = _fonts()
    try:
        # Typst reads files under its root only: an empty folder, so that an SVG linking to
        # a file (which the diagram never does) cannot pull one into the figure.
        with tempfile.TemporaryDirectory(prefix="searchtrail-diagram-") as empty:
            # Warnings (Typst has none for a page like this one) are returned, not raised.
            compiler = typst.Compiler(
                page.encode("utf-8"),
                root=empty,
                font_paths=fonts,
                sys_inputs={"svg": diagram.svg, "title": diagram.title},
            )
            output, _warnings = compiler.compile_with_warnings(
                format=fmt, ppi=float(dpi) if dpi is not None else None
            )
    except typst.TypstError as error:
        details = "; ".join([error.message, *error.hints]) if error.message else str(error)
        raise DiagramExportError(
            f"could not draw the PRISMA diagram as {fmt.upper()}: {details}"
        ) from error
    except (RuntimeError, ValueError, OSError) as error:
        raise DiagramExportError(
            f"could not draw the PRISMA diagram as {fmt.upper()}: {error}"
        ) from error
    result: object = output  # bytes; a list only if Typst made one file per page
    if isinstance(result, list):
        raise DiagramExportError(
            f"could not draw the PRISMA diagram as {fmt.upper()}: Typst made "
            f"{len(result)} pages, expected one"
        )
    if not isinstance(result, bytes) or not result:
        raise DiagramExportError(
            f"could not draw the PRISMA diagram as {fmt.upper()}: Typst returned no file"
        )
    return result


def _points(value: float) -> str:
    """A length in points for the Typst page, written the same way on every machine."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


# --- PNG chunks ----------------------------------------------------------------------------


def _png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    if not png.startswith(_PNG_SIGNATURE):
        raise ValueError("no PNG signature")
    chunks: list[tuple[bytes, bytes]] = []
    position = len(_PNG_SIGNATURE)
    while position < len(png):
        if position + 12 > len(png):
            raise ValueError(f"truncated chunk at byte {position}")
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if len(data) != length:
            raise ValueError(f"truncated {kind!r} chunk at byte {position}")
        chunks.append((kind, data))
        position += 12 + length
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise ValueError("chunks are not IHDR ... IEND")
    return chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _with_resolution(png: bytes, dpi: int) -> bytes:
    """The PNG with a pHYs chunk stating ``dpi`` (in pixels per metre, as PNG has it) right
    after its header, and without text, time or other ancillary chunks."""
    per_metre = round(dpi / 0.0254)
    physical = _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
    out = [_PNG_SIGNATURE]
    for kind, data in _png_chunks(png):
        if kind not in _PNG_KEPT_CHUNKS:
            continue
        out.append(_chunk(kind, data))
        if kind == b"IHDR":
            out.append(physical)
    return b"".join(out)
