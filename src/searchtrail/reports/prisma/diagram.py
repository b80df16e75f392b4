"""The PRISMA 2020 flow diagram as SVG, laid out like the official template.

The template (Page et al., BMJ 2021;372:n71) has up to three lanes side by side: studies
from the previous version of the review (updated reviews only), identification via
databases and registers, and identification via other methods. Each lane has a main column
of boxes joined by downward arrows and a side column of "removed/excluded" boxes reached by
arrows to the right. Blue bars on the left name the phases: Identification, Screening,
Included.

:func:`diagram_boxes` decides what each box says (PRISMA logic); :func:`render_svg` places
and draws them (layout only). Every number comes from
:class:`~searchtrail.counts.model.Diagram`; every label from
:mod:`searchtrail.reports.language`, in the language asked for (English by default).

SVG does not wrap text, so lines are broken here, measured in the widest font the viewer
may use (:mod:`~searchtrail.reports.prisma.textwidth`). A count and its ``n =`` are joined
by no-break spaces so that no line ends between them; once the lines are broken, the SVG
writes those joins as ordinary spaces.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Final, Literal

from searchtrail.counts.model import Diagram
from searchtrail.counts.number import Count
from searchtrail.reports.language import DEFAULT_LANGUAGE, NO_BREAK, words
from searchtrail.reports.prisma.textwidth import FONT_FAMILY, text_width, wrap
from searchtrail.reports.words import visible, xml

Lane = Literal["previous", "databases", "other"]
Row = Literal["header", "identification", "screened", "sought", "assessed", "included"]

LANES: Final[tuple[Lane, ...]] = ("previous", "databases", "other")
ROWS: Final[tuple[Row, ...]] = (
    "header",
    "identification",
    "screened",
    "sought",
    "assessed",
    "included",
)
PHASES: Final[tuple[tuple[str, tuple[Row, ...]], ...]] = (
    ("phase.identification", ("identification",)),
    ("phase.screening", ("screened", "sought", "assessed")),
    ("phase.included", ("included",)),
)
"""The phase bars: the label key of each and the rows it spans."""

# Identification groups: box data name and label key, per lane.
DATABASE_GROUPS: Final = (
    ("database_results", "group.databases"),
    ("register_results", "group.registers"),
)
OTHER_GROUPS: Final = (
    ("website_results", "group.websites"),
    ("organisation_results", "group.organisations"),
    ("citations_results", "group.citations"),
    ("other_results", "group.other_sources"),
)

# Geometry, in pixels.
FONT_SIZE: Final = 11.0
HEADER_FONT_SIZE: Final = 12.0
LINE_HEIGHT: Final = 14.0
PAD_X: Final = 8.0
PAD_Y: Final = 7.0
INDENT: Final = 12.0
MARGIN: Final = 16.0
PHASE_WIDTH: Final = 26.0
PHASE_PAD: Final = 8.0
"""Room left at each end of a phase bar's rotated label."""
PHASE_GAP: Final = 14.0
MAIN_WIDTH: Final = 280.0
SIDE_WIDTH: Final = 240.0
SIDE_GAP: Final = 34.0
LANE_GAP: Final = 36.0
ROW_GAP: Final = 30.0

FILLS: Final = {
    "box": "#ffffff",
    "header-databases": "#ffd966",
    "header-other": "#d9d9d9",
    "header-previous": "#d9d9d9",
    "phase": "#9fc5e8",
}


@dataclass(frozen=True)
class Line:
    """One line of a box's text before wrapping."""

    text: str
    bold: bool = False
    indent: int = 0
    muted: bool = False
    href: str | None = None
    opens: str | None = None
    """The key of the list of publications the line's number was counted from (see
    :func:`searchtrail.reports.browse.list_keys`); the report page opens it on a click."""


@dataclass(frozen=True)
class BoxSpec:
    """What one box says and where it belongs in the grid."""

    key: str
    lane: Lane
    row: Row
    lines: tuple[Line, ...]
    side: bool = False
    style: str = "box"


def count_lines(
    label: str,
    count: Count,
    *,
    indent: int = 0,
    href: str | None = None,
    opens: str | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> list[Line]:
    """A label with its count, as the template writes it: 'Label (n = 1,234)'; ``opens``
    names the list behind the count."""
    said = words(language)
    if count.pending:
        return [
            Line(label, indent=indent, href=href),
            Line(said.pending(count.pending), indent=indent, muted=True),
        ]
    return [Line(f"{label} ({said.n_phrase(count)})", indent=indent, href=href, opens=opens)]


def diagram_boxes(
    prisma: Diagram,
    source_links: dict[str, str],
    *,
    language: str = DEFAULT_LANGUAGE,
) -> list[BoxSpec]:
    """Decide the boxes of the diagram and their text from the counts.

    ``source_links`` maps a source name to the link its line in an identification box opens
    (the source's section in the HTML report). ``language`` is that of the labels.
    """
    boxes = prisma.boxes
    said = words(language)
    specs: list[BoxSpec] = []
    # The template of an updated review speaks of new studies; that of a first review does not.
    first = "" if prisma.previous_column else "_first"

    at = f"r{prisma.round}."

    def counted(key: str, count: Count, *, indent: int = 0, box: str = "") -> list[Line]:
        opens = f"{at}box.{box}" if box else None
        return count_lines(said.label(key), count, indent=indent, opens=opens, language=language)

    def identification(groups: Sequence[tuple[str, str]]) -> tuple[Line, ...]:
        lines = [Line(said.label("box.identified_from"), bold=True)]
        for key, label_key in groups:
            members = prisma.breakdown.get(key, ())
            if not members:
                continue
            lines.extend(counted(label_key, boxes[key], box=key))
            for source, count in members:
                name, link = said.source_name(source), source_links.get(source)
                opens = f"{at}line.{key}.{source}"
                lines.extend(
                    count_lines(name, count, indent=1, href=link, opens=opens, language=language)
                )
        return tuple(lines)

    def waiting(key: str) -> list[Line]:
        count = prisma.awaiting.get(key)
        if count is None:
            return []
        return [Line(said.awaiting(count), muted=True, opens=f"{at}wait.{key}")]

    def parts(key: str) -> list[Line]:
        if key != "other_sought_reports":
            return []
        lines: list[Line] = []
        for label, count in prisma.sought_parts:
            lines.extend(
                count_lines(
                    said.phrase(label),
                    count,
                    indent=1,
                    opens=f"{at}part.{label}",
                    language=language,
                )
            )
        return lines

    def box(key: str, lane: Lane, row: Row, label_key: str, *, side: bool = False) -> BoxSpec:
        lines = (*counted(label_key, boxes[key], box=key), *parts(key), *waiting(key))
        return BoxSpec(key, lane, row, lines, side=side)

    def reasons_box(key: str, lane: Lane) -> BoxSpec:
        lines = counted("box.reports_excluded", boxes[key], box=key)
        for reason, n in prisma.reasons.get(key, ()):
            lines.append(Line(f"{reason} ({said.n_phrase(Count(n))})", indent=1))
        return BoxSpec(key, lane, "assessed", tuple(lines), side=True)

    def header(key: str, lane: Lane, label_key: str) -> BoxSpec:
        line = Line(said.label(label_key), bold=True)
        return BoxSpec(key, lane, "header", (line,), style=f"header-{lane}")

    if prisma.previous_column:
        specs.append(header("prevstud", "previous", "header.previous"))
        specs.append(
            BoxSpec(
                "previous_studies",
                "previous",
                "identification",
                (
                    *counted(
                        "box.previous_studies", boxes["previous_studies"], box="previous_studies"
                    ),
                    *counted(
                        "box.previous_reports", boxes["previous_reports"], box="previous_reports"
                    ),
                ),
            )
        )
        specs.append(
            BoxSpec(
                "total_studies",
                "previous",
                "included",
                (
                    *counted("box.total_studies", boxes["total_studies"], box="total_studies"),
                    *counted("box.total_reports", boxes["total_reports"], box="total_reports"),
                ),
            )
        )

    if prisma.databases_column:
        specs.append(header("newstud", "databases", f"header.databases{first}"))
        specs.append(
            BoxSpec(
                "database_results", "databases", "identification", identification(DATABASE_GROUPS)
            )
        )
        specs.append(
            BoxSpec(
                "duplicates",
                "databases",
                "identification",
                (
                    Line(said.label("box.removed_before"), bold=True),
                    *counted("box.duplicates", boxes["duplicates"], indent=1, box="duplicates"),
                    *counted(
                        "box.automation",
                        boxes["excluded_automatic"],
                        indent=1,
                        box="excluded_automatic",
                    ),
                    *counted(
                        "box.removed_other", boxes["excluded_other"], indent=1, box="excluded_other"
                    ),
                ),
                side=True,
            )
        )
        specs.append(box("records_screened", "databases", "screened", "box.records_screened"))
        specs.append(
            box("records_excluded", "databases", "screened", "box.records_excluded", side=True)
        )
        specs.append(box("dbr_sought_reports", "databases", "sought", "box.reports_sought"))
        specs.append(
            box(
                "dbr_notretrieved_reports",
                "databases",
                "sought",
                "box.reports_not_retrieved",
                side=True,
            )
        )
        specs.append(box("dbr_assessed", "databases", "assessed", "box.reports_assessed"))
        specs.append(reasons_box("dbr_excluded", "databases"))

    if prisma.other_column:
        specs.append(header("othstud", "other", f"header.other_methods{first}"))
        specs.append(
            BoxSpec("website_results", "other", "identification", identification(OTHER_GROUPS))
        )
        specs.append(box("other_sought_reports", "other", "sought", "box.reports_sought"))
        specs.append(
            box(
                "other_notretrieved_reports",
                "other",
                "sought",
                "box.reports_not_retrieved",
                side=True,
            )
        )
        specs.append(box("other_assessed", "other", "assessed", "box.reports_assessed"))
        specs.append(reasons_box("other_excluded", "other"))

    included_lane: Lane = "databases" if prisma.databases_column else "other"
    if prisma.previous_column:
        included = (
            *counted("box.new_studies", boxes["new_studies"], box="new_studies"),
            *counted("box.new_reports", boxes["new_reports"], box="new_reports"),
            *counted(
                "box.new_reports_of_earlier",
                boxes["new_reports_of_earlier_studies"],
                indent=1,
                box="new_reports_of_earlier_studies",
            ),
        )
    else:
        included = (
            *counted("box.studies_included", boxes["new_studies"], box="new_studies"),
            *counted("box.reports_included", boxes["new_reports"], box="new_reports"),
        )
    specs.append(BoxSpec("new_studies", included_lane, "included", included))
    return specs


# --- layout and drawing -------------------------------------------------------------------------


@dataclass
class _Placed:
    spec: BoxSpec
    lines: list[tuple[str, Line]]
    x: float
    width: float
    y: float = 0.0
    height: float = 0.0

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def centre_y(self) -> float:
        return self.y + self.height / 2


def box_font_size(spec: BoxSpec) -> float:
    """The font size of a box's text: larger in the lane headers."""
    return HEADER_FONT_SIZE if spec.row == "header" else FONT_SIZE


def text_room(line: Line, width: float) -> float:
    """How wide ``line`` may be in a box ``width`` pixels wide: less the padding on both
    sides and the line's indent."""
    return width - 2 * PAD_X - line.indent * INDENT


def _lines(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` broken into lines, never at a no-break space, which is then written as an
    ordinary space (SVG text is not wrapped again)."""
    return [part.replace(NO_BREAK, " ") for part in wrap(text, width, size, bold=bold)]


def _wrap_box(spec: BoxSpec, width: float) -> list[tuple[str, Line]]:
    size = box_font_size(spec)
    wrapped: list[tuple[str, Line]] = []
    for line in spec.lines:
        text = visible(line.text)
        room = text_room(line, width)
        wrapped.extend((part, line) for part in _lines(text, room, size, bold=line.bold))
    return wrapped


def phase_length(label: str) -> float:
    """How long a phase bar must be for its rotated ``label`` and the room at its ends."""
    return text_width(label, HEADER_FONT_SIZE, bold=True) + 2 * PHASE_PAD


def render_svg(
    specs: Sequence[BoxSpec],
    *,
    title: str,
    footnotes: Sequence[str] = (),
    xml_declaration: bool = True,
    language: str = DEFAULT_LANGUAGE,
    lists: Collection[str] = (),
) -> str:
    """Lay out and draw the boxes; return the SVG document as text. A line whose list is
    in ``lists`` carries its key (``data-list``), for the report page to open.

    ``language`` is that of the phase bars and the title, and is declared on the root
    element (``xml:lang`` and ``lang``)."""
    said = words(language)
    lanes = [lane for lane in LANES if any(spec.lane == lane for spec in specs)]
    lane_x: dict[Lane, float] = {}
    x = MARGIN + PHASE_WIDTH + PHASE_GAP
    for lane in lanes:
        lane_x[lane] = x
        x += MAIN_WIDTH + SIDE_GAP + SIDE_WIDTH + LANE_GAP
    content_right = x - LANE_GAP

    placed: list[_Placed] = []
    for spec in specs:
        if spec.row == "header":
            left, width = lane_x[spec.lane], MAIN_WIDTH + SIDE_GAP + SIDE_WIDTH
        elif spec.side:
            left, width = lane_x[spec.lane] + MAIN_WIDTH + SIDE_GAP, SIDE_WIDTH
        else:
            left, width = lane_x[spec.lane], MAIN_WIDTH
        lines = _wrap_box(spec, width)
        placed.append(
            _Placed(spec, lines, left, width, height=2 * PAD_Y + LINE_HEIGHT * len(lines))
        )

    # Rows: as tall as their tallest box; rows without boxes take no space.
    row_height: dict[Row, float] = {}
    for row in ROWS:
        members = [p for p in placed if p.spec.row == row]
        if members:
            row_height[row] = max(p.height for p in members)
    # A phase bar is at least as long as its rotated label: the last of its rows grows.
    phase_labels = {key: said.label(key) for key, _ in PHASES}
    for key, rows in PHASES:
        present = [row for row in rows if row in row_height]
        if not present:
            continue
        span = sum(row_height[row] for row in present) + ROW_GAP * (len(present) - 1)
        missing = phase_length(phase_labels[key]) - span
        if missing > 0:
            row_height[present[-1]] += missing

    y = MARGIN
    row_top: dict[Row, float] = {}
    for row in ROWS:
        if row in row_height:
            row_top[row] = y
            y += row_height[row] + ROW_GAP
    diagram_bottom = y - ROW_GAP

    for p in placed:
        top, height = row_top[p.spec.row], row_height[p.spec.row]
        if p.spec.side:
            p.y = top + (height - p.height) / 2  # centred beside its main box
        else:
            p.y, p.height = top, height

    parts: list[str] = []
    # Phase bars.
    for key, rows in PHASES:
        present = [row for row in rows if row in row_top]
        if not present:
            continue
        top = row_top[present[0]]
        bottom = row_top[present[-1]] + row_height[present[-1]]
        cx, cy = MARGIN + PHASE_WIDTH / 2, (top + bottom) / 2
        parts.append(
            f'<g class="phase"><rect x="{_n(MARGIN)}" y="{_n(top)}" width="{_n(PHASE_WIDTH)}" '
            f'height="{_n(bottom - top)}" rx="6" fill="{FILLS["phase"]}"/>'
            f'<text x="{_n(cx)}" y="{_n(cy)}" transform="rotate(-90 {_n(cx)} {_n(cy)})" '
            f'text-anchor="middle" dominant-baseline="central" font-weight="bold" '
            f'font-size="{_n(HEADER_FONT_SIZE)}">{xml(phase_labels[key])}</text></g>'
        )

    parts.extend(_arrows(placed))
    parts.extend(_draw_box(p, lists) for p in placed)

    # Footnotes under the diagram, across its full width.
    note_y = diagram_bottom + 22
    note_width = content_right - MARGIN
    for note in footnotes:
        for text in _lines(note, note_width, FONT_SIZE - 1):
            parts.append(
                f'<text x="{_n(MARGIN)}" y="{_n(note_y)}" font-size="{_n(FONT_SIZE - 1)}" '
                f'fill="#444">{xml(text)}</text>'
            )
            note_y += LINE_HEIGHT - 1
    width = content_right + MARGIN
    height = (note_y if footnotes else diagram_bottom) + MARGIN

    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if xml_declaration else ""
    lang = xml(said.language)
    return (
        f'{head}<svg xmlns="http://www.w3.org/2000/svg" xml:lang="{lang}" lang="{lang}" '
        f'width="{_n(width)}" height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'role="img" aria-labelledby="prisma-title" font-family="{xml(FONT_FAMILY)}" '
        f'font-size="{_n(FONT_SIZE)}">\n'
        f'<title id="prisma-title">{xml(said.label("diagram.title", title=title))}</title>\n'
        '<defs><marker id="prisma-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker></defs>\n'
        '<rect width="100%" height="100%" fill="#ffffff"/>\n' + "\n".join(parts) + "\n</svg>\n"
    )


def _draw_box(p: _Placed, lists: Collection[str] = ()) -> str:
    style = p.spec.style
    header = p.spec.row == "header"
    size = HEADER_FONT_SIZE if header else FONT_SIZE
    rounded = ' rx="6"' if header else ""
    out = [
        f'<g id="box-{xml(p.spec.key)}">',
        f'<rect x="{_n(p.x)}" y="{_n(p.y)}" width="{_n(p.width)}" height="{_n(p.height)}"'
        f'{rounded} fill="{FILLS[style]}" stroke="#222" stroke-width="1"/>',
    ]
    text_top = p.y + (p.height - LINE_HEIGHT * len(p.lines)) / 2 if header else p.y + PAD_Y
    for index, (text, line) in enumerate(p.lines):
        baseline = text_top + LINE_HEIGHT * index + LINE_HEIGHT * 0.78
        if header:
            x, anchor = p.centre_x, ' text-anchor="middle"'
        else:
            x, anchor = p.x + PAD_X + line.indent * INDENT, ""
        attributes = f'x="{_n(x)}" y="{_n(baseline)}"{anchor}'
        if size != FONT_SIZE:
            attributes += f' font-size="{_n(size)}"'
        if line.bold:
            attributes += ' font-weight="bold"'
        if line.muted:
            attributes += ' fill="#555" font-style="italic"'
        opens = line.opens is not None and line.opens in lists
        if opens:
            attributes += f' data-list="{xml(line.opens or "")}"'
            # One tab stop for a count, however many lines it is wrapped on: its first.
            if index == 0 or p.lines[index - 1][1] is not line:
                attributes += ' tabindex="0" role="link"'
        element = f"<text {attributes}>{xml(text)}</text>"
        if line.href and not line.muted and not opens:
            link = xml(line.href)
            element = f'<a href="{link}"><text {attributes} fill="#1a4f9c">{xml(text)}</text></a>'
        out.append(element)
    out.append("</g>")
    return "".join(out)


def _arrows(placed: Sequence[_Placed]) -> list[str]:
    def find(lane: Lane, row: Row, *, side: bool = False) -> _Placed | None:
        for p in placed:
            if p.spec.lane == lane and p.spec.row == row and p.spec.side == side:
                return p
        return None

    lines: list[str] = []

    def arrow(points: Sequence[tuple[float, float]]) -> None:
        path = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        lines.append(
            f'<polyline points="{path}" fill="none" stroke="#222" stroke-width="1.2" '
            'marker-end="url(#prisma-arrow)"/>'
        )

    for lane in LANES:
        column = [p for row in ROWS[1:] if (p := find(lane, row)) is not None]
        for upper, lower in pairwise(column):
            arrow([(upper.centre_x, upper.bottom), (upper.centre_x, lower.y)])
        for main in column:
            side = find(lane, main.spec.row, side=True)
            if side is not None:
                arrow([(main.x + main.width, side.centre_y), (side.x, side.centre_y)])

    # Other methods feed the included box when it sits in the databases lane.
    included = next((p for p in placed if p.spec.key == "new_studies"), None)
    other_last = find("other", "assessed") or find("other", "sought")
    if included is not None and other_last is not None and included.spec.lane != "other":
        arrow(
            [
                (other_last.centre_x, other_last.bottom),
                (other_last.centre_x, included.centre_y),
                (included.x + included.width, included.centre_y),
            ]
        )
    # Updated reviews: new studies join the previous studies in the total box.
    total_box = next((p for p in placed if p.spec.key == "total_studies"), None)
    if total_box is not None and included is not None:
        arrow(
            [(included.x, included.centre_y), (total_box.x + total_box.width, total_box.centre_y)]
        )
    return lines


def _n(value: float) -> str:
    """A coordinate, written the same way on every machine."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
