"""Charts drawn on the server as SVG: the same drawing on the page and in the PDF.

A chart is plain data (labels, values, bar lengths) plus a text alternative; the
templates in ``labo/_charts.html`` draw it. Nothing here knows about workshops.
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
ROW_HEIGHT = 7
PALETTE = ("#1f4e99", "#c2571a", "#2f7d4f", "#6b6b6b", "#8a3ea8")
MAX_LABEL_CHARS = 34


def _short(label: str | Promise) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _display(value: float | None, decimals: int) -> str:
    if value is None:
        return _("masked")
    return number_format(value, decimal_pos=decimals)


class _Row:
    """A row of a chart: where its bar and its label sit vertically."""

    y: float

    @property
    def bar_y(self) -> float:
        return round(self.y + 1, 2)

    @property
    def text_y(self) -> float:
        return round(self.y + 4.6, 2)


@dataclass
class Bar(_Row):
    label: str
    short: str
    value: float | None
    display: str
    length: float  # in drawing units, 0 … BAR_SPAN
    y: float

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
                    '<rect x="{}" y="{}" width="{}" height="5" fill="{}"/>'
                    '<text x="{}" y="{}" fill="#111111">{}{}</text>',
                    BAR_START,
                    bar.bar_y,
                    bar.length,
                    PALETTE[0],
                    bar.value_x,
                    bar.text_y,
                    bar.display,
                    self.unit,
                )
            rows.append(format_html("<g>{}{}</g>", _label(bar), drawn))
        return _svg(self.height, self.text, SafeString("".join(rows)))


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
    for i, (label, value) in enumerate(rows):
        length = 0.0 if not value or not top else BAR_SPAN * min(value, top) / top
        bars.append(
            Bar(
                label=str(label),
                short=_short(label),
                value=value,
                display=_display(value, decimals),
                length=round(length, 2),
                y=i * ROW_HEIGHT,
            )
        )
    return BarChart(
        title=title, bars=bars, height=max(1, len(bars)) * ROW_HEIGHT, unit=unit, note=note
    )


@dataclass
class Segment:
    series: str
    value: int
    x: float
    length: float
    colour: str


@dataclass
class StackedRow(_Row):
    label: str
    short: str
    y: float
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
    """One stacked bar per row (a session, a quarter), one colour per series (a grade)."""

    title: str
    series: list[tuple[str, str, float]]  # (label, colour, x of its legend key)
    rows: list[StackedRow]
    height: float
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
                drawn = format_html_join(
                    "",
                    '<rect x="{}" y="{}" width="{}" height="5" fill="{}"/>',
                    (
                        (seg.x, row.bar_y, seg.length, seg.colour)
                        for seg in row.segments
                        if seg.value
                    ),
                ) + format_html(
                    '<text x="{}" y="{}" fill="#111111">{}</text>',
                    row.total_x,
                    row.text_y,
                    row.after,
                )
            rows.append(format_html("<g>{}{}</g>", _label(row), drawn))
        legend = format_html_join(
            "",
            '<rect x="{}" y="{}" width="4" height="4" fill="{}"/>'
            '<text x="{}" dx="5.5" y="{}" dy="3.5" fill="#111111">{}</text>',
            ((x, self.legend_y, colour, x, self.legend_y, name) for name, colour, x in self.series),
        )
        body = SafeString("".join(rows)) + format_html("<g>{}</g>", legend)
        return _svg(self.full_height, self.text, body)


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
    is masked as a whole."""
    masked_label = masked_label or _("masked")
    top = max((sum(v for v in values if v) for _label, values in rows), default=0)
    out = []
    for i, (label, values) in enumerate(rows):
        row = StackedRow(label=str(label), short=_short(label), y=i * ROW_HEIGHT)
        if all(v is None for v in values):
            row.masked = True
            out.append(row)
            continue
        x = float(BAR_START)
        hidden_short = []
        for j, (name, value) in enumerate(zip(series, values, strict=True)):
            if value is None:
                row.hidden.append(name)
                hidden_short.append(short[j] if short else name)
                continue
            length = STACK_SPAN * value / top if top else 0
            row.segments.append(
                Segment(name, value, round(x, 2), round(length, 2), PALETTE[j % len(PALETTE)])
            )
            x += length
        if row.hidden:
            row.after = f"{', '.join(hidden_short)} : {masked_label}"
        else:
            row.total = sum(v for v in values if v is not None)  # no hidden cell here
            row.after = str(row.total)
        out.append(row)
    legend = [(name, PALETTE[j % len(PALETTE)], j * 40.0) for j, name in enumerate(series)]
    return StackedChart(
        title=title,
        series=legend,
        rows=out,
        height=max(1, len(out)) * ROW_HEIGHT,
        note=note,
        masked_label=masked_label,
    )


def _masked(*, y: float, ty: float, label: str) -> SafeString:
    """A dashed empty bar saying that the cell is hidden."""
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="5" fill="#ffffff" stroke="#888888" '
        'stroke-width="0.3" stroke-dasharray="1 1"/>'
        '<text x="{}" y="{}" fill="#444444">{}</text>',
        BAR_START,
        y,
        BAR_SPAN,
        BAR_START + 2,
        ty,
        label,
    )


def _label(row) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" text-anchor="end" fill="#111111">{}</text>',
        LABEL_WIDTH,
        row.text_y,
        row.short,
    )


def _svg(height: float, text: str, body: SafeString) -> SafeString:
    """Presentation attributes only (no inline style: the CSP forbids it); the figures are
    the image's text alternative."""
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" class="chart-svg" role="img" aria-label="{}" '
        'font-family="DejaVu Sans, sans-serif" font-size="3.4"><title>{}</title>{}</svg>',
        WIDTH,
        height,
        text,
        text,
        body,
    )
