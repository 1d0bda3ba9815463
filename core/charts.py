"""Server-rendered SVG bar charts, with no script and no inline style (CSP allows SVG
presentation attributes such as fill=).

A chart is an image (role="img") named by its <title> and summarised by its <desc>; the figures
are also given as a table next to it (templates/includes/chart.html), with the very same
formatted values, so a screen-reader user or a visitor without images loses nothing.

    chart = make_chart(rows, title=_("Taux d'occupation"), unit="%", label_header=_("Salle"),
                       max_value=100, horizontal=False)
    {% include "includes/chart.html" with chart=chart %}

`bar_chart()` alone returns the SVG as a safe string.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import count

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

Number = int | float | Decimal
Row = tuple[object, Number]

# Contrast against white: bars 7.4:1 (non-text needs 3:1), text 12.6:1 (text needs 4.5:1).
BAR_FILL = "#1f5f4a"
TEXT_FILL = "#222222"
AXIS_STROKE = "#6b6b6b"
FONT_FAMILY = "system-ui, sans-serif"
FONT_SIZE = 14

WIDTH = 640
ROW_HEIGHT = 30
BAR_THICKNESS = 20
CHAR_WIDTH = 7.5  # average glyph width at FONT_SIZE, to size the label column
LABEL_MAX_CHARS = 32
VALUE_GAP = 6
VALUE_ROOM = 90  # space kept right of the longest bar for its value

COLUMN_AREA_HEIGHT = 220
COLUMN_TOP = 24
COLUMN_LABEL_ROOM = 40

_ids = count(1)


def format_value(value: Number, *, decimals: int = 0) -> str:
    """The value as the visitor reads it (French grouping and comma), same in SVG and table."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_with_unit(value: Number, unit: str, *, decimals: int = 0) -> str:
    text = format_value(value, decimals=decimals)
    if not unit:
        return text
    return f"{text}\xa0{unit}"


def _shorten(label: str, limit: int = LABEL_MAX_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _number(value: Number) -> float:
    result = float(value)
    return result if result > 0 else 0.0


def _fmt(x: float) -> str:
    """Coordinates with at most one decimal, without a locale (SVG wants a dot)."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _open_svg(chart_id: str, width: float, height: float, title: str, desc: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" viewBox="0 0 {w} {h}"'
        ' role="img" aria-labelledby="{id}-title {id}-desc"'
        ' focusable="false" font-family="{font}" font-size="{size}" fill="{text}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        id=chart_id,
        w=_fmt(width),
        h=_fmt(height),
        font=FONT_FAMILY,
        size=FONT_SIZE,
        text=TEXT_FILL,
        title=title,
        desc=desc,
    )


def describe(rows: Sequence[Row], *, unit: str, decimals: int = 0, note: str = "") -> str:
    """A sentence that says every figure of the chart, for its <desc>."""
    if not rows:
        return _("Aucune donnée.")
    parts = [
        f"{label} : {format_with_unit(value, unit, decimals=decimals)}" for label, value in rows
    ]
    text = " ; ".join(parts) + "."
    return f"{note} {text}" if note else text


def bar_chart(
    rows: Sequence[Row],
    *,
    title: str,
    unit: str = "",
    description: str = "",
    chart_id: str | None = None,
    horizontal: bool = True,
    max_value: Number | None = None,
    decimals: int = 0,
) -> SafeString:
    """An SVG bar chart of (label, value) rows, drawn in the given order.

    Horizontal bars suit long labels (sectors); vertical columns suit a few short labels
    (rooms, months). `max_value` fixes the scale (100 for a rate in %); negative values are
    drawn as empty bars but still printed. Every text is escaped.
    """
    rows = [(str(label), value) for label, value in rows]
    chart_id = chart_id or f"chart-{slugify(title) or 'graphique'}-{next(_ids)}"
    desc = describe(rows, unit=unit, decimals=decimals, note=description)
    top = max([_number(value) for _, value in rows] + [_number(max_value or 0)])
    if horizontal:
        body, width, height = _horizontal(rows, top, unit, decimals)
    else:
        body, width, height = _vertical(rows, top, unit, decimals)
    # Safe: every piece above is built by format_html, which escapes its arguments.
    return mark_safe(_open_svg(chart_id, width, height, title, desc) + body + "</svg>")


def horizontal_bar_chart(rows: Sequence[Row], *, title: str, unit: str = "", **options):
    return bar_chart(rows, title=title, unit=unit, horizontal=True, **options)


def _empty(width: float, height: float) -> str:
    return format_html(
        '<text x="{x}" y="{y}" text-anchor="middle">{text}</text>',
        x=_fmt(width / 2),
        y=_fmt(height / 2),
        text=_("Aucune donnée"),
    )


def _horizontal(rows, top: float, unit: str, decimals: int) -> tuple[str, float, float]:
    longest = max((len(_shorten(label)) for label, _value in rows), default=10)
    label_width = min(longest, LABEL_MAX_CHARS) * CHAR_WIDTH + 12
    bar_area = WIDTH - label_width - VALUE_ROOM
    height = max(len(rows), 1) * ROW_HEIGHT + 10
    if not rows:
        return _empty(WIDTH, height), WIDTH, height
    parts = [
        format_html(
            '<line x1="{x}" y1="4" x2="{x}" y2="{y2}" stroke="{stroke}" stroke-width="1"/>',
            x=_fmt(label_width),
            y2=_fmt(height - 6),
            stroke=AXIS_STROKE,
        )
    ]
    for index, (label, value) in enumerate(rows):
        y = 5 + index * ROW_HEIGHT
        length = bar_area * _number(value) / top if top else 0
        middle = y + BAR_THICKNESS / 2
        parts.append(
            format_html(
                '<g class="chart-row">'
                '<text class="chart-label" x="{lx}" y="{ty}" text-anchor="end"'
                ' dominant-baseline="middle">{short}</text>'
                '<rect class="chart-bar" x="{bx}" y="{by}" width="{bw}" height="{bh}"'
                ' fill="{fill}"/>'
                '<text class="chart-value" x="{vx}" y="{ty}" dominant-baseline="middle">'
                "{value}</text></g>",
                lx=_fmt(label_width - 8),
                ty=_fmt(middle),
                short=_shorten(label),
                bx=_fmt(label_width),
                by=_fmt(y),
                bw=_fmt(length),
                bh=BAR_THICKNESS,
                fill=BAR_FILL,
                vx=_fmt(label_width + length + VALUE_GAP),
                value=format_with_unit(value, unit, decimals=decimals),
            )
        )
    return "".join(parts), WIDTH, height


def _vertical(rows, top: float, unit: str, decimals: int) -> tuple[str, float, float]:
    slot = (WIDTH - 20) / max(len(rows), 1)
    fitting = max(int(slot / CHAR_WIDTH), 3)
    # Labels too long for their column are slanted rather than cut (months, room names).
    slanted = any(len(label) > fitting for label, _value in rows)
    longest = max((len(_shorten(label)) for label, _value in rows), default=0)
    label_room = longest * CHAR_WIDTH * 0.6 + 24 if slanted else COLUMN_LABEL_ROOM
    height = COLUMN_TOP + COLUMN_AREA_HEIGHT + label_room
    if not rows:
        return _empty(WIDTH, height), WIDTH, height
    thickness = min(slot * 0.7, 60)
    base = COLUMN_TOP + COLUMN_AREA_HEIGHT
    parts = [
        format_html(
            '<line x1="10" y1="{y}" x2="{x2}" y2="{y}" stroke="{stroke}" stroke-width="1"/>',
            y=_fmt(base),
            x2=_fmt(WIDTH - 10),
            stroke=AXIS_STROKE,
        )
    ]
    for index, (label, value) in enumerate(rows):
        center = 10 + slot * index + slot / 2
        length = COLUMN_AREA_HEIGHT * _number(value) / top if top else 0
        label_y = base + 20
        if slanted:
            label_attrs = format_html(
                'text-anchor="end" transform="rotate(-35 {x} {y})"',
                x=_fmt(center),
                y=_fmt(label_y),
            )
        else:
            label_attrs = mark_safe('text-anchor="middle"')
        parts.append(
            format_html(
                '<g class="chart-row">'
                '<rect class="chart-bar" x="{bx}" y="{by}" width="{bw}" height="{bh}"'
                ' fill="{fill}"/>'
                '<text class="chart-value" x="{cx}" y="{vy}" text-anchor="middle">{value}</text>'
                '<text class="chart-label" x="{cx}" y="{ly}" {label_attrs}>{short}</text>'
                "</g>",
                bx=_fmt(center - thickness / 2),
                by=_fmt(base - length),
                bw=_fmt(thickness),
                bh=_fmt(length),
                fill=BAR_FILL,
                cx=_fmt(center),
                vy=_fmt(base - length - 6),
                value=format_with_unit(value, unit, decimals=decimals),
                ly=_fmt(label_y),
                label_attrs=label_attrs,
                short=_shorten(label),
            )
        )
    return "".join(parts), WIDTH, height


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: Number
    display: str  # the formatted value, identical in the SVG and the table


@dataclass(frozen=True)
class Chart:
    """What templates/includes/chart.html needs: the SVG and the same figures as a table."""

    id: str
    title: str
    unit: str
    label_header: str
    value_header: str
    svg: SafeString
    rows: list[ChartRow]
    note: str = ""


def make_chart(
    rows: Sequence[Row],
    *,
    title: str,
    unit: str = "",
    label_header: str,
    value_header: str = "",
    chart_id: str | None = None,
    note: str = "",
    **options,
) -> Chart:
    chart_id = chart_id or f"chart-{slugify(title) or 'graphique'}-{next(_ids)}"
    decimals = options.get("decimals", 0)
    svg = bar_chart(rows, title=title, unit=unit, chart_id=chart_id, description=note, **options)
    return Chart(
        id=chart_id,
        title=str(title),
        unit=unit,
        label_header=str(label_header),
        value_header=str(value_header or _("Valeur")),
        svg=svg,
        rows=[
            ChartRow(str(label), value, format_with_unit(value, unit, decimals=decimals))
            for label, value in rows
        ],
        note=note,
    )


__all__ = [
    "Chart",
    "ChartRow",
    "bar_chart",
    "describe",
    "format_value",
    "format_with_unit",
    "horizontal_bar_chart",
    "make_chart",
]
