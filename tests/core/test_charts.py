"""Server-rendered SVG charts: accessible images whose table says the same figures."""

import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from core.charts import bar_chart, format_with_unit, horizontal_bar_chart, make_chart

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\xa0"
ROWS = [("Arts plastiques", 12), ("Textile", 3), ("Économie sociale et solidaire", 0)]


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 (our own output)


def texts(root: ElementTree.Element, css_class: str) -> list[str]:
    return [el.text for el in root.iter(f"{SVG}text") if el.get("class") == css_class]


def bars(root: ElementTree.Element) -> list[ElementTree.Element]:
    return [el for el in root.iter(f"{SVG}rect") if el.get("class") == "chart-bar"]


def test_chart_is_an_image_named_by_its_title_and_desc():
    root = parse(bar_chart(ROWS, title="Secteurs", chart_id="secteurs"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "secteurs-title secteurs-desc"
    assert root.find(f"{SVG}title").get("id") == "secteurs-title"
    assert root.find(f"{SVG}title").text == "Secteurs"
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == "secteurs-desc"
    assert desc.text == "Arts plastiques : 12 ; Textile : 3 ; Économie sociale et solidaire : 0."


def test_chart_has_no_inline_style_or_script():
    svg = bar_chart(ROWS, title="Secteurs")
    assert "style=" not in svg
    assert "<script" not in svg
    assert " on" not in re.sub(r'"[^"]*"', '""', svg)  # no event handler attribute


def test_labels_and_title_are_escaped():
    svg = bar_chart([('<script>alert("x")</script>', 1)], title="<b>Titre</b> & co")
    root = parse(svg)  # still well-formed XML
    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == "<b>Titre</b> & co"
    assert texts(root, "chart-label") == ['<script>alert("x")</script>']


def width(bar: ElementTree.Element) -> float:
    """A bar's length, a share of the chart's width."""
    value = bar.get("width")
    assert value.endswith("%")
    return float(value[:-1])


def test_horizontal_bars_are_proportional_to_values():
    root = parse(horizontal_bar_chart(ROWS, title="Secteurs"))
    widths = [width(bar) for bar in bars(root)]
    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 4, abs=0.1)
    assert widths[2] == 0


def test_rates_use_a_fixed_scale_and_leave_room_for_the_value():
    root = parse(
        bar_chart([("Salle A", 25), ("Salle B", 50)], title="Taux", unit="%", max_value=100)
    )
    widths = [width(bar) for bar in bars(root)]
    assert widths[1] == pytest.approx(2 * widths[0], abs=0.1)
    full = parse(bar_chart([("Salle C", 100)], title="Taux", unit="%", max_value=100))
    assert 60 <= width(bars(full)[0]) <= 85  # the value is written after the longest bar
    root = parse(
        bar_chart([("Salle A", 50), ("Salle B", 100)], title="Taux", unit="%", max_value=100)
    )
    assert texts(root, "chart-value") == [f"50{NBSP}%", f"100{NBSP}%"]


def test_values_are_written_the_french_way_with_their_unit():
    assert format_with_unit(Decimal("1234.5"), "m²", decimals=1) == f"1{NBSP}234,5{NBSP}m²"
    assert format_with_unit(53.3, "%") == f"53{NBSP}%"
    assert format_with_unit(2, "") == "2"


def test_negative_values_draw_no_bar_but_are_still_said():
    root = parse(bar_chart([("Écart", -5), ("Gain", 5)], title="Écarts"))
    assert width(bars(root)[0]) == 0
    assert texts(root, "chart-value")[0] == "-5"


def test_long_labels_are_shortened_in_the_image_but_whole_in_the_desc():
    label = "Une structure au nom vraiment très long qui ne tient pas"
    root = parse(bar_chart([(label, 1)], title="Noms"))
    assert texts(root, "chart-label")[0].endswith("…")
    assert label in root.find(f"{SVG}desc").text


def test_an_empty_chart_says_there_is_no_data():
    root = parse(bar_chart([], title="Vide"))
    assert "Aucune donnée" in "".join(root.itertext())
    assert root.find(f"{SVG}desc").text == "Aucune donnée."


def test_generated_ids_are_unique_per_chart():
    first = parse(bar_chart(ROWS, title="Secteurs")).get("id")
    second = parse(bar_chart(ROWS, title="Secteurs")).get("id")
    assert first != second


def test_included_table_holds_the_very_values_of_the_chart():
    chart = make_chart(
        [("Salle Pleyel", Decimal("53.3")), ("Foyer", Decimal("7.25"))],
        title="Taux d'occupation des salles",
        unit="%",
        label_header="Salle",
        value_header="Taux d'occupation",
        decimals=1,
        max_value=100,
        note="Heures réservées sur heures d'ouverture.",
    )
    html = render_to_string("includes/chart.html", {"chart": chart})
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    root = parse(svg)
    drawn = list(zip(texts(root, "chart-label"), texts(root, "chart-value"), strict=True))
    tabled = re.findall(r'<th scope="row">([^<]*)</th><td class="numeric">([^<]*)</td>', html)
    assert drawn == tabled == [("Salle Pleyel", f"53,3{NBSP}%"), ("Foyer", f"7,3{NBSP}%")]
    assert '<th scope="col">Salle</th>' in html
    assert "Taux d&#x27;occupation</th>" in html
    assert f'aria-labelledby="{chart.id}-caption"' in html
    # The table's caption is outside its scrolling region: it labels both.
    caption, region = html.index(f'id="{chart.id}-table-caption"'), html.index('role="region"')
    assert caption < region
    assert f'chart-table" aria-labelledby="{chart.id}-table-caption"' in html
    assert "Heures réservées sur heures d&#x27;ouverture." in html


def test_labels_keep_their_size_whatever_the_chart_width():
    """No viewBox scales the drawing to its box: the texts are written in CSS pixels, and the
    whole width is the bars' (the browser test measures the rendered size at 320 px)."""
    months = [(f"{name} 2026", 10) for name in ["janvier", "septembre", "décembre"]]
    root = parse(bar_chart(months, title="Par mois"))
    assert root.get("viewBox") is None
    assert root.get("width") == "100%"
    assert int(root.get("font-size")) >= 14
    labels = [el for el in root.iter(f"{SVG}text") if el.get("class") == "chart-label"]
    assert [el.text for el in labels] == [label for label, _value in months]
    assert not any(el.get("transform") for el in root.iter(f"{SVG}text"))
