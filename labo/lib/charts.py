"""Charts drawn on the server as SVG: the same drawing on the page and in the PDF.

A chart is plain data (labels, values, bar lengths) plus a text alternative; the
templates in ``labo/_charts.html`` draw it. Nothing here knows about workshops.

Every bar carries its number, labels are wrapped on as many lines as they need (never
cut), and the colours are Okabe and Ito's, which colour-blind readers tell apart; the
numbers and the direct labels say everything the colours say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# The drawing's coordinate system: labels on the left, bars on the right.
WIDTH = 200
LABEL_WIDTH = 78
BAR_START = 80
BAR_SPAN = 100
STACK_SPAN = 70  # stacked bars leave room after them to name the hidden cells
SHIFT_SPAN = 88  # a shift's bars leave room for "after 12"
ROW_HEIGHT = 7
LINE_HEIGHT = 4.2
BAR_HEIGHT = 5
FONT_SIZE = 3.4
# Okabe–Ito, as the live room's CSS (.c0–.c4 in labo.css).
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00")
# Black reads on every colour of the palette but the blue, which takes white.
INK_ON = {"#0072b2": "#ffffff"}
# Advance widths of DejaVu Sans, in em, rounded up: to crop the drawing to its longest label.
NARROW, WIDE = set("iljtfr.,;:'’!|()[] "), set("mwMW@%")
DIGIT_WIDTH = 2.2  # a digit at FONT_SIZE, in drawing units, with some room


def wrap(label: str | Promise, width: float = LABEL_WIDTH - 1) -> list[str]:
    """A label on as many lines as it needs, each no wider than ``width`` drawing units as
    text_width measures it: words kept whole, a word longer than a line broken, nothing left
    out."""
    lines: list[str] = []
    line = ""
    for word in str(label).split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while text_width(word) > width:
            cut = max(1, next(n for n in range(len(word), 0, -1) if text_width(word[:n]) <= width))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines or [""]


def text_width(text: str) -> float:
    """About how wide a text is drawn, in drawing units (a little more, never less)."""
    em = 0.0
    for char in text:
        if char in NARROW:
            em += 0.4
        elif char in WIDE:
            em += 0.9
        elif char.isupper():
            em += 0.75
        else:
            em += 0.64
    return round(em * FONT_SIZE, 2)


def left_edge(rows: Sequence[_Row]) -> float:
    """Where the longest label starts: the drawing starts there, not at 0, so that short
    labels leave no blank on the left (the labels end at LABEL_WIDTH)."""
    widest = max((text_width(line) for row in rows for line in row.lines), default=0.0)
    return round(min(LABEL_WIDTH - widest - 1, LABEL_WIDTH - 10), 2)


def tint(colour: str, amount: float = 0.6) -> str:
    """The colour mixed with white (``amount`` of white): the light bar of a pair."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _display(value: float | None, decimals: int) -> str:
    if value is None:
        return _("masked")
    return number_format(value, decimal_pos=decimals)


@dataclass
class _Row:
    """A row of a chart: its label's lines, where it starts and how high it is."""

    label: str
    lines: list[str]
    y: float

    @property
    def height(self) -> float:
        return round(max(ROW_HEIGHT, len(self.lines) * LINE_HEIGHT + 2.2), 2)

    @property
    def bar_y(self) -> float:
        """The bar sits in the middle of the row's height."""
        return round(self.y + (self.height - BAR_HEIGHT) / 2, 2)

    @property
    def text_y(self) -> float:
        """The baseline of a text beside the bar."""
        return round(self.bar_y + 3.6, 2)

    @property
    def first_line_y(self) -> float:
        """The baseline of the label's first line: the lines are centred on the row."""
        block = (len(self.lines) - 1) * LINE_HEIGHT
        return round(self.text_y - block / 2, 2)


def _stack_rows(rows: Sequence[_Row]) -> float:
    """Put the rows one under the other; returns their height."""
    y = 0.0
    for row in rows:
        row.y = round(y, 2)
        y += row.height
    return round(max(y, ROW_HEIGHT), 2)


@dataclass
class Bar(_Row):
    value: float | None = None
    display: str = ""
    length: float = 0.0  # in drawing units, 0 … BAR_SPAN

    @property
    def value_x(self) -> float:
        return round(BAR_START + self.length + 1.5, 2)


@dataclass
class BarChart:
    """Horizontal bars, one per row. A value of None is a masked cell (too few people)."""

    title: str
    bars: list[Bar]
    height: float
    unit: str = ""
    note: str = ""

    @property
    def text(self) -> str:
        """The text alternative: every label with its value."""
        parts = [f"{bar.label} : {bar.display}{self.unit}" for bar in self.bars]
        return f"{self.title}. " + " ; ".join(parts) + "." if parts else self.title

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)

    @property
    def svg(self) -> SafeString:
        rows = []
        for bar in self.bars:
            if bar.value is None:
                drawn = _masked(y=bar.bar_y, ty=bar.text_y, label=_("masked: too few people"))
            else:
                drawn = format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text x="{}" y="{}" fill="#111111">{}{}</text>',
                    BAR_START,
                    bar.bar_y,
                    bar.length,
                    BAR_HEIGHT,
                    PALETTE[0],
                    bar.value_x,
                    bar.text_y,
                    bar.display,
                    self.unit,
                )
            rows.append(format_html("<g>{}{}</g>", _label(bar), drawn))
        return _svg(self.height, self.text, SafeString("".join(rows)), left_edge(self.bars))


def bar_chart(
    title: str,
    rows: Sequence[tuple[str | Promise, float | None]],
    *,
    maximum: float | None = None,
    unit: str = "",
    decimals: int = 0,
    note: str = "",
) -> BarChart:
    known = [v for _label, v in rows if v is not None]
    top = maximum if maximum is not None else max(known, default=0)
    bars = []
    for label, value in rows:
        length = 0.0 if not value or not top else BAR_SPAN * min(value, top) / top
        bars.append(
            Bar(
                label=str(label),
                lines=wrap(label),
                y=0,
                value=value,
                display=_display(value, decimals),
                length=round(length, 2),
            )
        )
    height = _stack_rows(bars)
    return BarChart(title=title, bars=bars, height=height, unit=unit, note=note)


@dataclass
class Segment:
    series: str
    value: int
    x: float
    length: float
    colour: str
    short: str = ""  # the series' short name, when its number is written after the bar

    @property
    def fits(self) -> bool:
        """Whether the number can be written inside the segment."""
        return self.length >= len(str(self.value)) * DIGIT_WIDTH + 1

    @property
    def ink(self) -> str:
        return INK_ON.get(self.colour, "#111111")

    @property
    def middle(self) -> float:
        return round(self.x + self.length / 2, 2)


@dataclass
class StackedRow(_Row):
    segments: list[Segment] = field(default_factory=list)
    total: int = 0
    masked: bool = False  # the whole row is hidden
    hidden: list[str] = field(default_factory=list)  # the series whose cell is hidden
    after: str = ""  # what is written after the bar: the total, or what is hidden

    @property
    def total_x(self) -> float:
        end = self.segments[-1].x + self.segments[-1].length if self.segments else BAR_START
        return round(end + 1.5, 2)


@dataclass
class StackedChart:
    """One stacked bar per row (a session, a quarter), one colour per series (a grade).
    Each cell's number is written in it, or after the bar when the cell is too narrow."""

    title: str
    series: list[tuple[str, str, float]]  # (label, colour, x of its legend key)
    rows: list[StackedRow]
    height: float
    left: float = 0.0  # where the drawing starts: its longest label, or its legend
    note: str = ""
    masked_label: str = ""

    @property
    def legend_y(self) -> float:
        return self.height + 2

    @property
    def full_height(self) -> float:
        return self.height + 8

    @property
    def text(self) -> str:
        parts = []
        for row in self.rows:
            if row.masked:
                parts.append(f"{row.label} : {self.masked_label}")
                continue
            cells = [f"{s.series} {s.value}" for s in row.segments if s.value]
            cells += [f"{name} {self.masked_label}" for name in row.hidden]
            parts.append(f"{row.label} : {', '.join(cells) or 0}")
        return f"{self.title}. " + " ; ".join(parts) + "." if parts else self.title

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def svg(self) -> SafeString:
        rows = []
        for row in self.rows:
            if row.masked:
                drawn = _masked(y=row.bar_y, ty=row.text_y, label=self.masked_label)
            else:
                shown = [seg for seg in row.segments if seg.value]
                drawn = (
                    format_html_join(
                        "",
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                        ((seg.x, row.bar_y, seg.length, BAR_HEIGHT, seg.colour) for seg in shown),
                    )
                    + format_html_join(
                        "",
                        '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                        ((seg.middle, row.text_y, seg.ink, seg.value) for seg in shown if seg.fits),
                    )
                    + format_html(
                        '<text x="{}" y="{}" fill="#111111">{}</text>',
                        row.total_x,
                        row.text_y,
                        row.after,
                    )
                )
            rows.append(format_html("<g>{}{}</g>", _label(row), drawn))
        legend = format_html_join(
            "",
            '<rect x="{}" y="{}" width="4" height="4" fill="{}"/>'
            '<text x="{}" dx="5.5" y="{}" dy="3.5" fill="#111111">{}</text>',
            ((x, self.legend_y, colour, x, self.legend_y, name) for name, colour, x in self.series),
        )
        body = SafeString("".join(rows)) + format_html("<g>{}</g>", legend)
        return _svg(self.full_height, self.text, body, self.left)


def stacked_chart(
    title: str,
    series: list[str],
    rows: Sequence[tuple[str | Promise, list[int | None]]],
    *,
    note: str = "",
    masked_label: str = "",
    short: list[str] | None = None,
) -> StackedChart:
    """A None value is a cell too small to show: it is left out of the bar and named after
    it (by its ``short`` name), with no total (the total would give it away). A row of Nones
    is masked as a whole. A cell too narrow for its number has it after the bar."""
    masked_label = masked_label or _("masked")
    top = max((sum(v for v in values if v) for _label, values in rows), default=0)
    out = []
    for label, values in rows:
        row = StackedRow(label=str(label), lines=wrap(label), y=0)
        out.append(row)
        if all(v is None for v in values):
            row.masked = True
            continue
        x = float(BAR_START)
        hidden_short = []
        for j, (name, value) in enumerate(zip(series, values, strict=True)):
            name_short = short[j] if short else name
            if value is None:
                row.hidden.append(name)
                hidden_short.append(name_short)
                continue
            length = STACK_SPAN * value / top if top else 0
            row.segments.append(
                Segment(
                    name,
                    value,
                    round(x, 2),
                    round(length, 2),
                    PALETTE[j % len(PALETTE)],
                    short=name_short,
                )
            )
            x += length
        narrow = [f"{s.short} {s.value}" for s in row.segments if s.value and not s.fits]
        if row.hidden:
            row.after = f"{', '.join(hidden_short)} : {masked_label}"
        else:
            row.total = sum(v for v in values if v is not None)  # no hidden cell here
            row.after = str(row.total)
        if narrow:
            row.after += f" ({', '.join(narrow)})"
    left = max(0.0, min(left_edge(out), WIDTH - 40.0 * len(series)))
    legend = [
        (name, PALETTE[j % len(PALETTE)], round(left + j * 40.0, 2))
        for j, name in enumerate(series)
    ]
    return StackedChart(
        title=title,
        series=legend,
        rows=out,
        left=left,
        height=_stack_rows(out),
        note=note,
        masked_label=masked_label,
    )


@dataclass
class ShiftRow(_Row):
    """One position, before and after: a light bar above a dark one, each with its number."""

    colour: str = PALETTE[0]
    before: int = 0
    after: int = 0
    before_length: float = 0.0
    after_length: float = 0.0

    @property
    def height(self) -> float:
        return round(max(2 * BAR_HEIGHT + 3.5, len(self.lines) * LINE_HEIGHT + 2.2), 2)

    @property
    def light(self) -> str:
        return tint(self.colour)

    @property
    def before_y(self) -> float:
        return round(self.y + self.height / 2 - BAR_HEIGHT - 0.4, 2)

    @property
    def after_y(self) -> float:
        return round(self.y + self.height / 2 + 0.4, 2)

    @property
    def text_y(self) -> float:
        return round(self.y + self.height / 2 + 1.2, 2)

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass
class ShiftChart:
    """How a room moved: each position before (light) and after (dark), with its numbers
    and its shift in the label ("Convinced 2 → 4")."""

    title: str
    rows: list[ShiftRow]
    height: float
    before_label: str
    after_label: str
    note: str = ""

    @property
    def text(self) -> str:
        """The text alternative: every position before, then after."""
        before = ", ".join(f"{row.label} {row.before}" for row in self.rows)
        after = ", ".join(f"{row.label} {row.after}" for row in self.rows)
        return (
            f"{self.title}. {self.before_label} : {before} ; {self.after_label} : {after}."
            if self.rows
            else self.title
        )

    @property
    def empty(self) -> bool:
        return not any(row.before or row.after for row in self.rows)

    @property
    def svg(self) -> SafeString:
        rows = []
        for row in self.rows:
            drawn = format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                'stroke-width="0.3"/>'
                '<text x="{}" y="{}" fill="#111111">{} {}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}" fill="#111111" font-weight="bold">{} {}</text>',
                BAR_START,
                row.before_y,
                row.before_length,
                BAR_HEIGHT,
                row.light,
                row.colour,
                round(BAR_START + row.before_length + 1.5, 2),
                round(row.before_y + 3.6, 2),
                row.before,
                self.before_label.lower(),
                BAR_START,
                row.after_y,
                row.after_length,
                BAR_HEIGHT,
                row.colour,
                round(BAR_START + row.after_length + 1.5, 2),
                round(row.after_y + 3.6, 2),
                row.after,
                self.after_label.lower(),
            )
            rows.append(format_html("<g>{}{}</g>", _label(row), drawn))
        return _svg(self.height, self.text, SafeString("".join(rows)), left_edge(self.rows))


def shift_chart(
    title: str,
    positions: Sequence[tuple[str | Promise, int, int]],
    *,
    before_label: str = "",
    after_label: str = "",
    note: str = "",
) -> ShiftChart:
    """``positions`` are (name, before, after); each gets its colour of the palette."""
    top = max((max(b, a) for _name, b, a in positions), default=0)
    rows = []
    for j, (name, before, after) in enumerate(positions):
        rows.append(
            ShiftRow(
                label=str(name),
                lines=wrap(f"{name} {before} → {after}"),
                y=0,
                colour=PALETTE[j % len(PALETTE)],
                before=before,
                after=after,
                before_length=round(SHIFT_SPAN * before / top, 2) if top else 0.0,
                after_length=round(SHIFT_SPAN * after / top, 2) if top else 0.0,
            )
        )
    return ShiftChart(
        title=title,
        rows=rows,
        height=_stack_rows(rows),
        before_label=before_label or _("Before"),
        after_label=after_label or _("After"),
        note=note,
    )


def _masked(*, y: float, ty: float, label: str) -> SafeString:
    """A dashed empty bar saying that the cell is hidden."""
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="#888888" '
        'stroke-width="0.3" stroke-dasharray="1 1"/>'
        '<text x="{}" y="{}" fill="#444444">{}</text>',
        BAR_START,
        y,
        BAR_SPAN,
        BAR_HEIGHT,
        BAR_START + 2,
        ty,
        label,
    )


def _label(row: _Row) -> SafeString:
    """The row's label, right-aligned against the bars, one tspan per line."""
    lines = format_html_join(
        "",
        '<tspan x="{}" y="{}">{}</tspan>',
        (
            (LABEL_WIDTH, round(row.first_line_y + i * LINE_HEIGHT, 2), line)
            for i, line in enumerate(row.lines)
        ),
    )
    return format_html('<text text-anchor="end" fill="#111111">{}</text>', lines)


def _svg(height: float, text: str, body: SafeString, left: float = 0.0) -> SafeString:
    """Presentation attributes only (no inline style: the CSP forbids it); the figures are
    the image's text alternative. The drawing starts at ``left``; its width is given as its
    share of a whole drawing, so that every chart of a document has the same scale."""
    drawn = WIDTH - left
    return format_html(
        '<svg viewBox="{} 0 {} {}" width="{}%" class="chart-svg" role="img" aria-label="{}" '
        'font-family="DejaVu Sans, sans-serif" font-size="{}"><title>{}</title>{}</svg>',
        left,
        drawn,
        height,
        min(100.0, round(100 * drawn / WIDTH, 1)),
        text,
        FONT_SIZE,
        text,
        body,
    )
