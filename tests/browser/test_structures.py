"""The site page's occupant picture and the structures directory, in Chromium with axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations, rendered_font_sizes
from tests.factories import SpaceFactory
from tests.occupants.test_public_builders import PRIVATE_CONTACT, make_structure, occupy


@pytest.fixture
def occupied(directory):
    """Friche Lumière with three public occupants in two sectors and a private one."""
    friche = directory.friche
    occupants = [
        ("Atelier Tissage", ("textile", "design"), "Asnières-sur-Seine", "92600", True),
        ("Bijoux du Square", ("joaillerie",), "Colombes", "92700", True),
        ("Fils et Trames", ("textile",), "Paris", "75011", True),
        ("Collectif Discret", ("textile",), "Saint-Denis", "93200", False),
    ]
    for number, (name, sectors, commune, postal_code, public) in enumerate(occupants):
        structure = make_structure(
            name,
            sectors=sectors,
            commune=commune,
            postal_code=postal_code,
            public=public,
            description=f"{name} travaille sur le lieu depuis l'ouverture.",
            website="https://exemple.example.org/",
        )
        occupy(structure, friche, (SpaceFactory(site=friche, name=f"Bureau {number + 1}"),))
    return directory


def test_site_page_shows_the_occupant_picture_with_a_chart_and_its_table(page, occupied):
    page.goto("/lieux/friche-lumiere/")
    section = page.locator("section.site-occupants")
    expect(section.get_by_role("heading", name="Structures occupantes")).to_be_visible()
    chart = section.get_by_role("img", name="Répartition des structures occupantes")
    expect(chart).to_be_visible()
    drawn = chart.locator("text.chart-value").all_text_contents()
    labels = chart.locator("text.chart-label").all_text_contents()
    table = section.locator("table.chart-table")
    expect(table).to_be_visible()
    assert table.locator("tbody th").all_text_contents() == labels
    assert table.locator("tbody td").all_text_contents() == drawn
    assert list(zip(labels, drawn, strict=True)) == [
        ("Textile", "3"),
        ("Design", "1"),
        ("Joaillerie", "1"),
    ]
    expect(section.get_by_role("link", name="Atelier Tissage")).to_have_count(2)  # two sectors
    expect(page.get_by_text("Collectif Discret")).to_have_count(0)
    for value in PRIVATE_CONTACT.values():
        expect(page.get_by_text(value)).to_have_count(0)


def test_site_page_with_occupants_has_no_wcag_21_aa_violation(page, occupied):
    page.goto("/lieux/friche-lumiere/")
    page.wait_for_load_state("networkidle")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [320, 1280])
def test_the_sector_chart_labels_are_readable_on_a_phone_and_on_a_wide_screen(
    make_page, occupied, width
):
    page = make_page(viewport={"width": width, "height": 800})
    page.goto("/lieux/friche-lumiere/")
    chart = page.get_by_role("img", name="Répartition des structures occupantes")
    expect(chart).to_be_visible()
    sizes = rendered_font_sizes(page, "svg.chart text.chart-label, svg.chart text.chart-value")
    assert len(sizes) == 6
    assert min(sizes) >= 12, sizes
    # Every label is drawn whole inside the chart's box, not cut by its right edge.
    box = chart.bounding_box()
    for label in chart.locator("text").all():
        assert (
            label.bounding_box()["x"] + label.bounding_box()["width"] <= box["x"] + box["width"] + 1
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.wait_for_load_state("networkidle")
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/structures/", id="directory"),
        pytest.param("/structures/?sector=textile&site=friche-lumiere", id="filtered"),
        pytest.param("/structures/?q=introuvable", id="no-result"),
        pytest.param("/structures/?sector=zzz&commune=Nulle-part", id="invalid-filter"),
        pytest.param("/structures/atelier-tissage/", id="structure"),
    ],
)
def test_structure_pages_have_no_wcag_21_aa_violation(page, occupied, path):
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert_no_axe_violations(page)


def test_visitor_filters_the_directory_by_sector_and_opens_a_structure(page, occupied):
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Structures"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des structures")
    expect(page.locator("#results-count")).to_have_text("3 structures")

    page.get_by_label("Secteur d'activité").select_option("textile")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#results-count")).to_have_text("2 structures")
    expect(page.locator("#results .card-title")).to_have_text(["Atelier Tissage", "Fils et Trames"])

    page.get_by_role("link", name="Fils et Trames").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fils et Trames")
    expect(page.get_by_role("link", name="Friche Lumière")).to_be_visible()


def test_structure_pages_reflow_at_320_css_pixels(make_page, occupied):
    page = make_page(viewport={"width": 320, "height": 640})
    overflowing = {}
    for path in ["/lieux/friche-lumiere/", "/structures/", "/structures/atelier-tissage/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            overflowing[path] = width
    assert not overflowing, f"pages wider than the 320 px viewport: {overflowing}"


def test_site_page_with_occupants_in_english_has_no_wcag_21_aa_violation(
    page, live_server, occupied
):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/lieux/friche-lumiere/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_load_state("networkidle")
    assert_no_axe_violations(page)
