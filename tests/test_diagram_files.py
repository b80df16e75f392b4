"""The PRISMA diagram as PNG and PDF files (searchtrail.reports.prisma.export).

Checked on the seed review's diagram and the worked example's (examples/parenting): the
PNG's pixel size and stated resolution, the PDF's page, byte-identical files on a second
run, and that both files show what the SVG shows. For the last, the PDF is drawn again by
PDFium (another renderer than the one that wrote the PNG), and the SVG is drawn by headless
Chromium where it is installed; the images are compared at the diagram's own size, over the
whole image and in every small window. The PNG is also checked box by box: every box's text
is drawn, stays within the box's padding, has as many lines as the SVG, and is as wide as
textwidth measured it.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from searchtrail.reports.prisma import build_prisma_reports
from searchtrail.reports.prisma.diagram import FONT_SIZE, PAD_X, PAD_Y
from searchtrail.reports.prisma.export import DiagramExportError, diagram_pdf, diagram_png
from searchtrail.reports.prisma.textwidth import text_width
from searchtrail.searchlog import load_review
from tests.conftest import BROWSER_REQUIRED, CHROMIUM, EXAMPLE, counts_of

SVG = "{http://www.w3.org/2000/svg}"

# --- thresholds of the image comparisons ------------------------------------------------
# Images are compared in grey levels (0-255) at the diagram's own size, one pixel per SVG
# pixel, each drawing's pixels averaged down to it. Two drawings of the same SVG differ in
# anti-aliasing and in where glyph edges fall within a pixel, never by a stroke more or
# less. Measured on the seed and worked-example diagrams, PNG (resvg) against the PDF drawn
# by PDFium and both against Chromium (DejaVu Sans in each):
# - mean absolute difference over the whole image: 0.6-2.3; the SVG drawn in another font
#   (Chromium's pick from the SVG's own list, Liberation Sans) gives 4.9-9.0;
# - worst mean absolute difference in any 3 x 3 pixel window: 38-82. One digit of one count
#   changed (the smallest change a reader would care about) gives 104-160, one line of text
#   left out 147-224, a box moved by 3 pixels 120, another font 223-235.
MEAN_LIMIT = 3.0
WINDOW = 3
WINDOW_LIMIT = 96.0

INK = 140  # grey level under which a pixel is ink (text, lines); the fills are lighter


@dataclass(frozen=True)
class Diagram:
    name: str
    svg: str
    width: float  # SVG pixels
    height: float


def _diagram(name: str, svg: str) -> Diagram:
    root = ET.fromstring(svg.encode("utf-8"))
    return Diagram(name, svg, float(root.get("width", 0)), float(root.get("height", 0)))


@pytest.fixture(scope="module", params=["seed", "example"])
def diagram(request, seed_review, seed_counts) -> Diagram:
    """The seed review's diagram (other methods only) and the worked example's (an updated
    review: previous studies beside databases and registers)."""
    if request.param == "seed":
        return _diagram("seed", build_prisma_reports(seed_review, seed_counts).svg)
    review = load_review(EXAMPLE)
    return _diagram("example", build_prisma_reports(review, counts_of(review, EXAMPLE)).svg)


@pytest.fixture(scope="module")
def png_300(diagram: Diagram) -> bytes:
    return diagram_png(diagram.svg, 300)


@pytest.fixture(scope="module")
def pdf(diagram: Diagram) -> bytes:
    return diagram_pdf(diagram.svg)


# --- helpers ------------------------------------------------------------------------------


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, position = [], 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        chunks.append((png[position + 4 : position + 8], png[position + 8 : position + 8 + length]))
        position += 12 + length
    return chunks


def grey(image: Image.Image) -> np.ndarray:
    """Grey levels of an image, transparent parts on white."""
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, rgba).convert("L"), dtype=np.float64)


def at_diagram_size(image: Image.Image, diagram: Diagram, dpi: float | None) -> np.ndarray:
    """The image, drawn at ``dpi``, averaged down to one pixel per SVG pixel (grey levels).

    Only the diagram's own extent is averaged: resvg and Chromium round a fractional size
    and leave the part of a pixel past the drawing blank. PDFium stretches the page over
    its whole bitmap instead (``dpi`` None): all of it is the drawing."""
    size = (round(diagram.width), round(diagram.height))
    extent = (0.0, 0.0, float(image.width), float(image.height))
    if dpi is not None:
        width, height = diagram.width * dpi / 96, diagram.height * dpi / 96
        extent = (0.0, 0.0, min(width, image.width), min(height, image.height))
    return grey(image.convert("RGB").resize(size, Image.Resampling.BOX, box=extent))


def differences(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean absolute grey-level difference over the image, and over its worst window of
    WINDOW x WINDOW pixels."""
    assert a.shape == b.shape
    diff = np.abs(a - b)
    sums = np.pad(diff, ((1, 0), (1, 0))).cumsum(axis=0).cumsum(axis=1)
    k = WINDOW
    windows = sums[k:, k:] - sums[:-k, k:] - sums[k:, :-k] + sums[:-k, :-k]
    return float(diff.mean()), float(windows.max() / (k * k))


def pdf_image(pdf: bytes) -> Image.Image:
    """The PDF's page drawn by PDFium at 288 dpi (three pixels per SVG pixel)."""
    document = pdfium.PdfDocument(pdf)
    try:
        return document[0].render(scale=288 / 72).to_pil().convert("RGB")
    finally:
        document.close()


def with_dejavu_first(svg: str) -> str:
    """The SVG as the exporter draws it where DejaVu Sans is installed: that font first."""
    return re.sub(r'font-family="', "font-family=\"'DejaVu Sans', ", svg)


def chromium_image(svg: str, diagram: Diagram, folder: Path) -> Image.Image:
    """The SVG drawn by headless Chromium at twice its size."""
    source = folder / f"{diagram.name}.svg"
    source.write_text(svg, encoding="utf-8")
    shot = folder / f"{diagram.name}-chromium.png"
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={folder / 'chromium-profile'}",
        "--force-device-scale-factor=2",
        f"--window-size={round(diagram.width)},{round(diagram.height)}",
        f"--screenshot={shot}",
        source.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    with Image.open(shot) as image:
        return image.convert("RGB")


# --- sizes and metadata -------------------------------------------------------------------


@pytest.mark.parametrize("dpi", [300, 600])
def test_png_has_the_pixels_and_resolution_of_its_dpi(diagram: Diagram, dpi: int) -> None:
    png = diagram_png(diagram.svg, dpi)
    image = Image.open(io.BytesIO(png))
    # One SVG pixel is 1/96 inch, rounded to the nearest whole pixel (a half either way: the
    # seed diagram is 626 pixels wide, 3912.5 at 600 dpi).
    width, height = diagram.width * dpi / 96, diagram.height * dpi / 96
    assert abs(image.width - width) <= 0.5
    assert abs(image.height - height) <= 0.5
    assert tuple(round(value) for value in image.info["dpi"]) == (dpi, dpi)
    chunks = dict(png_chunks(png))
    per_metre = round(dpi / 0.0254)
    assert chunks[b"pHYs"] == struct.pack(">IIB", per_metre, per_metre, 1)
    kinds = [kind for kind, _ in png_chunks(png)]
    assert kinds.index(b"pHYs") < kinds.index(b"IDAT")
    assert not {b"tIME", b"tEXt", b"zTXt", b"iTXt", b"eXIf"} & set(kinds)


def test_pdf_is_one_page_the_size_of_the_diagram(diagram: Diagram, pdf: bytes) -> None:
    document = pdfium.PdfDocument(pdf)
    try:
        assert len(document) == 1
        width, height = document[0].get_size()
        # In points: 72 a inch, so 0.75 an SVG pixel.
        assert width == pytest.approx(diagram.width * 0.75, abs=0.01)
        assert height == pytest.approx(diagram.height * 0.75, abs=0.01)
        text = document[0].get_textpage().get_text_range()
        metadata = document.get_metadata_dict()
    finally:
        document.close()
    # The text is text (every line of every box can be found and copied), in the font the
    # layout measures it in, embedded.
    found = " ".join(text.split())
    lines = [line.text for box in boxes(diagram.svg) for line in box.lines]
    assert lines
    assert [line for line in lines if line not in found] == []
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([\w-]+)", pdf))
    assert b"DejaVuSans" in fonts
    assert b"DejaVuSans-Bold" in fonts
    title = ET.fromstring(diagram.svg.encode("utf-8")).find(f"{SVG}title")
    assert title is not None
    assert metadata["Title"] == title.text
    assert not metadata.get("CreationDate")
    assert not metadata.get("ModDate")


def test_files_are_the_same_bytes_when_made_again(
    diagram: Diagram, png_300: bytes, pdf: bytes
) -> None:
    assert diagram_png(diagram.svg, 300) == png_300
    assert diagram_pdf(diagram.svg) == pdf
    assert b"/CreationDate" not in pdf
    assert b"/ModDate" not in pdf


# --- the files show the SVG ---------------------------------------------------------------


def test_pdf_looks_like_the_png(diagram: Diagram, png_300: bytes, pdf: bytes) -> None:
    png = at_diagram_size(Image.open(io.BytesIO(png_300)), diagram, 300)
    drawn = at_diagram_size(pdf_image(pdf), diagram, None)
    mean, worst_window = differences(png, drawn)
    assert mean < MEAN_LIMIT
    assert worst_window < WINDOW_LIMIT


def test_png_and_pdf_look_like_the_svg_in_a_browser(
    diagram: Diagram, png_300: bytes, pdf: bytes, tmp_path: Path
) -> None:
    if CHROMIUM is None:
        if BROWSER_REQUIRED:
            pytest.fail("browser tests required, but no chromium executable on PATH")
        pytest.skip("no chromium executable on PATH")
    browser = at_diagram_size(
        chromium_image(with_dejavu_first(diagram.svg), diagram, tmp_path), diagram, 192
    )
    drawings = {
        "PNG": at_diagram_size(Image.open(io.BytesIO(png_300)), diagram, 300),
        "PDF": at_diagram_size(pdf_image(pdf), diagram, None),
    }
    for kind, drawn in drawings.items():
        mean, worst_window = differences(drawn, browser)
        assert mean < MEAN_LIMIT, kind
        assert worst_window < WINDOW_LIMIT, kind


def changed(svg: str) -> dict[str, str]:
    """The SVG with one small change each: a digit, a dropped line, a box moved 3 pixels."""
    digit = re.search(r"\(n = (\d)", svg)
    assert digit is not None
    other = "1" if digit.group(1) != "1" else "4"
    number = svg[: digit.start(1)] + other + svg[digit.end(1) :]
    lines = list(re.finditer(r"<text [^>]*>[^<]+</text>", svg))
    line = lines[len(lines) // 2]
    dropped = svg[: line.start()] + svg[line.end() :]
    rect = re.search(r'(<g id="box-[^"]+"><rect x=")([\d.]+)', svg)
    assert rect is not None
    moved = svg[: rect.start(2)] + str(float(rect.group(2)) + 3) + svg[rect.end(2) :]
    return {"digit": number, "line": dropped, "box": moved}


def test_the_comparison_notices_a_changed_diagram(diagram: Diagram, png_300: bytes) -> None:
    png = at_diagram_size(Image.open(io.BytesIO(png_300)), diagram, 300)
    for change, svg in changed(diagram.svg).items():
        other = at_diagram_size(pdf_image(diagram_pdf(svg)), diagram, None)
        _, worst_window = differences(png, other)
        assert worst_window > WINDOW_LIMIT, change


# --- text inside its box ------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    x: float  # where the SVG starts it, or its centre when centred
    text: str
    size: float
    bold: bool
    italic: bool
    centred: bool


@dataclass(frozen=True)
class Box:
    key: str
    x: float
    y: float
    width: float
    height: float
    corner: float  # radius of its rounded corners
    lines: tuple[TextLine, ...]


def boxes(svg: str) -> list[Box]:
    """Every box of the diagram, with its lines of text in their order."""
    root = ET.fromstring(svg.encode("utf-8"))
    found = []
    for group in root.iter(f"{SVG}g"):
        key = group.get("id", "")
        if not key.startswith("box-"):
            continue
        rect = group.find(f"{SVG}rect")
        assert rect is not None
        lines = tuple(
            TextLine(
                float(text.get("x", 0)),
                "".join(text.itertext()),
                float(text.get("font-size", FONT_SIZE)),
                text.get("font-weight") == "bold",
                text.get("font-style") == "italic",
                text.get("text-anchor") == "middle",
            )
            for text in group.iter(f"{SVG}text")
        )
        found.append(
            Box(
                key[4:],
                *(float(rect.get(name, 0)) for name in ("x", "y", "width", "height", "rx")),
                lines,
            )
        )
    return found


def ink_bands(ink: np.ndarray) -> list[tuple[int, int]]:
    """Runs of image rows that hold ink: the lines of text, top to bottom."""
    rows = ink.any(axis=1)
    bands, start = [], None
    for index, has_ink in enumerate([*rows.tolist(), False]):
        if has_ink and start is None:
            start = index
        elif not has_ink and start is not None:
            bands.append((start, index))
            start = None
    return bands


def text_in_boxes(png: bytes, svg: str, dpi: int) -> tuple[list[str], list[tuple]]:
    """What is wrong with the text of each box in the PNG, and per line of text: the box,
    the text, the width textwidth measured, the width drawn, where it starts and should."""
    scale = dpi / 96  # PNG pixels per SVG pixel
    levels = grey(Image.open(io.BytesIO(png)))
    problems, measures = [], []
    for box in boxes(svg):
        # Inside the border (1 pixel, and a pixel more for anti-aliasing and the tips of
        # arrows), and away from rounded corners.
        inset_x, inset_y = 2 + box.corner, 2
        left, top = round((box.x + inset_x) * scale), round((box.y + inset_y) * scale)
        right = round((box.x + box.width - inset_x) * scale)
        bottom = round((box.y + box.height - inset_y) * scale)
        ink = levels[top:bottom, left:right] < INK
        columns, rows = np.nonzero(ink.any(axis=0))[0], np.nonzero(ink.any(axis=1))[0]
        if not len(columns):
            problems.append(f"{box.key}: no text drawn")
            continue
        ink_left = (left + columns[0]) / scale - box.x
        ink_right = box.x + box.width - (left + columns[-1] + 1) / scale
        ink_top = (top + rows[0]) / scale - box.y
        ink_bottom = box.y + box.height - (top + rows[-1] + 1) / scale
        # The text keeps to the padding: PAD_X at the sides (less a pixel of glyph overhang),
        # and above and below half of PAD_Y at least.
        if min(ink_left, ink_right) < PAD_X - 1 or min(ink_top, ink_bottom) < PAD_Y / 2:
            problems.append(
                f"{box.key}: text {ink_left:.1f}/{ink_right:.1f} px from the sides, "
                f"{ink_top:.1f}/{ink_bottom:.1f} px from top/bottom"
            )
        bands = ink_bands(ink)
        if len(bands) != len(box.lines):
            problems.append(f"{box.key}: {len(bands)} lines drawn, {len(box.lines)} in the SVG")
            continue
        for (start, end), line in zip(bands, box.lines, strict=True):
            drawn = np.nonzero(ink[start:end].any(axis=0))[0]
            width = (drawn[-1] + 1 - drawn[0]) / scale
            measured = text_width(line.text, line.size, bold=line.bold)
            start_x = (left + drawn[0]) / scale
            expected_x = line.x - measured / 2 if line.centred else line.x
            measures.append((box.key, line, measured, width, start_x, expected_x))
    return problems, measures


def test_every_text_lies_inside_its_box(diagram: Diagram, png_300: bytes) -> None:
    problems, measures = text_in_boxes(png_300, diagram.svg, 300)
    for key, line, measured, width, start_x, expected_x in measures:
        # Drawn in DejaVu Sans, the ink is the measured advance less the side bearings of
        # the first and last letters: 0.09-0.29 of the font size less on these diagrams. A
        # narrower font (Liberation Sans, Arial: about a tenth narrower) falls short of it.
        if not measured - 0.35 * line.size <= width <= measured + 0.1 * line.size:
            problems.append(
                f"{key}: {line.text!r} is {width:.1f} px wide, textwidth says {measured:.1f}"
            )
        # The first letter's left side bearing: 0-0.12 of the font size here.
        if not -0.05 * line.size <= start_x - expected_x <= 0.2 * line.size:
            problems.append(f"{key}: {line.text!r} starts at {start_x:.1f}, not {expected_x:.1f}")
    assert not problems, "\n".join(problems)


def test_the_box_check_notices_text_out_of_its_box(diagram: Diagram) -> None:
    # The first plain line of a box, made longer than any box is wide (about 600 pixels).
    line = next(re.finditer(r"(<text x=\"[\d.]+\" y=\"[\d.]+\">)([^<]+)(</text>)", diagram.svg))
    longer = f"{line.group(1)}{line.group(2)}{' and more' * 12}{line.group(3)}"
    svg = diagram.svg[: line.start()] + longer + diagram.svg[line.end() :]
    problems, _ = text_in_boxes(diagram_png(svg, 300), svg, 300)
    assert any("px from the sides" in problem for problem in problems)


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("dpi", [0, 71, 1201, 300.0, True])
def test_a_dpi_out_of_range_is_refused(diagram: Diagram, dpi) -> None:
    with pytest.raises(DiagramExportError, match="dots per inch from 72 to 1200"):
        diagram_png(diagram.svg, dpi)


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        ("not an svg", "not readable XML"),
        ("<html/>", "expected an SVG document"),
        ('<svg xmlns="http://www.w3.org/2000/svg" width="50%" height="10"/>', "width is '50%'"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            '<image href="elsewhere.png" width="5" height="5"/></svg>',
            "elsewhere.png",
        ),
    ],
)
def test_a_bad_svg_gives_a_clear_message(svg: str, message: str) -> None:
    for export in (diagram_pdf, diagram_png):
        with pytest.raises(DiagramExportError, match=re.escape(message)):
            export(svg)


def test_a_png_too_large_to_draw_is_refused() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"/>'
    with pytest.raises(DiagramExportError, match="ask for fewer dots per inch"):
        diagram_png(svg, 300)
