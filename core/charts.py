"""Server-rendered SVG bar charts, with no script and no inline style (CSP allows SVG
presentation attributes such as fill=).

A chart is an image (role="img") named by its <title> and summarised by its <desc>; the figures
are also given as a table next to it (templates/includes/chart.html), with the very same
formatted values, so a screen-reader user or a visitor without images loses nothing.

Readable at any width: the SVG has no viewBox, so nothing scales its text down; its texts are
FONT_SIZE CSS pixels whether the chart is 280 or 640 pixels wide. Each row is a label on its own
line with its bar below it, the bar's length a percentage of the chart's width (up to BAR_SHARE,
leaving room for the value written after it), so a narrow screen shortens the bars, never the
letters. Rows go down the page, months as well as sectors: twelve columns' labels do not fit
a phone's width.

    chart = make_chart(rows, title=_("Taux d'occupation"), unit="%", label_header=_("Salle"),
                       max_value=100)
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

# Contrast against white and the panels' surface: bars 7.4:1 (non-text needs 3:1), text 12.6:1
# (text needs 4.5:1).
BAR_FILL = "#1f5f4a"
TEXT_FILL = "#222222"
FONT_SIZE = 15  # CSS pixels, at every width (no viewBox)

ROW_HEIGHT = 50
LABEL_BASELINE = 17  # from the top of a row
BAR_TOP = 24
BAR_THICKNESS = 18
BAR_SHARE = 78  # the longest bar's share of the width, in %; the rest holds its value
VALUE_GAP = 6
LABEL_MAX_CHARS = 32
EMPTY_HEIGHT = 40

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


def _open_svg(chart_id: str, height: float, title: str, desc: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" width="100%"'
        ' height="{h}" role="img" aria-labelledby="{id}-title {id}-desc"'
        ' focusable="false" font-size="{size}" fill="{text}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        id=chart_id,
        h=_fmt(height),
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
    max_value: Number | None = None,
    decimals: int = 0,
) -> SafeString:
    """An SVG bar chart of (label, value) rows, drawn in the given order, one under another.

    `max_value` fixes the scale (100 for a rate in %); negative values are drawn as empty bars
    but still printed. Every text is escaped."""
    rows = [(str(label), value) for label, value in rows]
    chart_id = chart_id or f"chart-{slugify(title) or 'graphique'}-{next(_ids)}"
    desc = describe(rows, unit=unit, decimals=decimals, note=description)
    top = max([_number(value) for _, value in rows] + [_number(max_value or 0)])
    if not rows:
        body = format_html(
            '<text x="50%" y="{y}" text-anchor="middle" dominant-baseline="middle">{text}</text>',
            y=_fmt(EMPTY_HEIGHT / 2),
            text=_("Aucune donnée"),
        )
        height = EMPTY_HEIGHT
    else:
        body = "".join(
            _row(index, label, value, top, unit, decimals)
            for index, (label, value) in enumerate(rows)
        )
        height = len(rows) * ROW_HEIGHT
    # Safe: every piece above is built by format_html, which escapes its arguments.
    return mark_safe(_open_svg(chart_id, height, title, desc) + body + "</svg>")


def horizontal_bar_chart(rows: Sequence[Row], *, title: str, unit: str = "", **options):
    return bar_chart(rows, title=title, unit=unit, **options)


def _row(index: int, label: str, value: Number, top: float, unit: str, decimals: int) -> str:
    y = index * ROW_HEIGHT
    share = BAR_SHARE * _number(value) / top if top else 0
    return format_html(
        '<g class="chart-row">'
        '<text class="chart-label" x="0" y="{ly}">{short}</text>'
        '<rect class="chart-bar" x="0" y="{by}" width="{bw}%" height="{bh}" fill="{fill}"/>'
        '<text class="chart-value" x="{bw}%" dx="{gap}" y="{vy}" dominant-baseline="middle">'
        "{value}</text></g>",
        ly=_fmt(y + LABEL_BASELINE),
        short=_shorten(label),
        by=_fmt(y + BAR_TOP),
        bw=_fmt(share),
        bh=BAR_THICKNESS,
        fill=BAR_FILL,
        gap=VALUE_GAP,
        vy=_fmt(y + BAR_TOP + BAR_THICKNESS / 2),
        value=format_with_unit(value, unit, decimals=decimals),
    )


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
