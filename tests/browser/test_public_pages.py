"""The public directory, its map and a site page, driven through Chromium."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from sites.models import Space
from sites.selectors import MAP_FEATURE_LIMIT
from tests.browser.a11y import assert_no_axe_violations
from tests.factories import SiteFactory, SpaceFactory
from tests.sites.builders import spread_sites


def test_directory_lists_published_sites_and_hides_unpublished_ones(page, directory):
    page.goto("/lieux/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des lieux")
    expect(page.locator("#results-count")).to_have_text("4 lieux")
    cards = page.locator("#results .card-title")
    expect(cards).to_have_text(
        ["Ancienne Poste Daumesnil", "Caserne Nord", "Friche Lumière", "Halle aux Cuirs"]
    )
    expect(page.get_by_text("Entrepôt Confidentiel")).to_have_count(0)


def test_choosing_a_departement_narrows_the_results_and_the_url_carries_the_filter(page, directory):
    page.goto("/lieux/")
    expect(page.locator("#results-count")).to_have_text("4 lieux")

    page.get_by_label("Département").select_option("93")
    page.get_by_role("button", name="Filtrer").click()

    expect(page.locator("#results-count")).to_have_text("2 lieux")
    expect(page.locator("#results .card-title")).to_have_text(["Caserne Nord", "Halle aux Cuirs"])
    expect(page).to_have_url(re.compile(r"[?&]departement=93(&|$)"))
    # The count is read out to screen-reader users after the live update.
    expect(page.locator("#results-status")).to_have_text("2 lieux")

    # The filtered URL is a real page: reloading it shows the same results and form state.
    page.reload()
    expect(page.locator("#results-count")).to_have_text("2 lieux")
    expect(page.get_by_label("Département")).to_have_value("93")


def test_back_button_after_a_live_filter_restores_the_previous_results(page, directory):
    page.goto("/lieux/")
    markers = page.locator("#directory-map .leaflet-marker-icon")
    expect(markers).to_have_count(4)
    page.get_by_label("Département").select_option("93")
    expect(page.locator("#results-count")).to_have_text("2 lieux")
    expect(markers).to_have_count(2)

    # htmx restores history (historyCacheSize 0 → refetch); the CSP check in conftest applies.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/lieux/$"))
    expect(page.locator("#results-count")).to_have_text("4 lieux")
    expect(page.get_by_label("Département")).to_have_value("")
    expect(markers).to_have_count(4)

    page.go_forward()
    expect(page.locator("#results-count")).to_have_text("2 lieux")
    expect(page.get_by_label("Département")).to_have_value("93")


def test_filters_combine_and_an_empty_result_offers_a_way_back(page, directory):
    page.goto("/lieux/?departement=93")
    page.get_by_label("Avec une salle réservable").check()
    # French takes the singular for zero ("0 lieu"); accept both until the catalogue says so.
    expect(page.locator("#results-count")).to_have_text(re.compile(r"^0 lieux?$"))
    expect(page.get_by_text("Aucun lieu ne correspond à ces critères.")).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query["departement"] == ["93"] and query["bookable"] == ["1"], page.url
    page.get_by_role("link", name="Réinitialiser les filtres et voir tous les lieux").click()
    expect(page.locator("#results-count")).to_have_text("4 lieux")


def test_filter_form_works_without_javascript(make_page, directory):
    page = make_page(java_script_enabled=False)
    page.goto("/lieux/")
    page.get_by_label("Nom ou commune").fill("montreuil")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#results-count")).to_have_text("1 lieu")
    expect(page.locator("#results .card-title")).to_have_text(["Halle aux Cuirs"])
    assert parse_qs(urlsplit(page.url).query)["q"] == ["montreuil"]
    # Without JavaScript the map, which needs it, stays out of the way.
    expect(page.locator("[data-map-section]")).to_be_hidden()


def test_map_shows_one_marker_per_published_site_with_alt_text(page, directory):
    page.goto("/lieux/")
    markers = page.locator("#directory-map .leaflet-marker-icon")
    expect(markers).to_have_count(len(directory.published))
    alts = sorted(markers.evaluate_all("els => els.map(e => e.getAttribute('alt'))"))
    assert alts == sorted(f"{s.name}, {s.commune}" for s in directory.published)

    # The map follows the filters.
    page.get_by_label("Département").select_option("75")
    expect(markers).to_have_count(1)
    expect(markers).to_have_attribute("alt", "Ancienne Poste Daumesnil, Paris")


def test_clicking_a_marker_then_its_popup_link_opens_the_site_page(page, directory):
    page.goto("/lieux/")
    marker = page.get_by_role("button", name="Halle aux Cuirs, Montreuil")
    marker.click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text("Montreuil (93)")
    popup.get_by_role("link", name="Voir la fiche du lieu").click()
    expect(page).to_have_url(re.compile(r"/lieux/halle-aux-cuirs/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Halle aux Cuirs")


def test_a_marker_and_its_popup_link_work_from_the_keyboard(page, directory):
    page.goto("/lieux/")
    marker = page.get_by_role("button", name="Friche Lumière, Asnières-sur-Seine")
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    expect(popup.get_by_role("link", name="Friche Lumière")).to_be_visible()

    # Leaflet leaves focus on the marker; the popup comes after the other markers in tab order.
    link = popup.get_by_role("link", name="Voir la fiche du lieu")
    for _ in range(len(directory.published) + 2):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/lieux/friche-lumiere/$"))


def test_home_page_shows_figures_open_sites_and_the_map(page, directory):
    page.goto("/")
    expect(page.locator(".hero-figures")).to_contain_text("4 lieux publiés")
    expect(page.locator("#home-map .leaflet-marker-icon")).to_have_count(len(directory.published))
    open_section = page.get_by_role("region", name="Lieux ouverts")
    expect(open_section.get_by_role("link", name="Friche Lumière")).to_be_visible()
    expect(open_section.get_by_text("Entrepôt Confidentiel")).to_have_count(0)


def test_clicking_a_site_in_the_list_opens_its_page(page, directory):
    page.goto("/lieux/")
    page.locator("#results").get_by_role("link", name="Friche Lumière").click()
    expect(page).to_have_url(re.compile(r"/lieux/friche-lumiere/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Friche Lumière")


def test_site_page_shows_name_spaces_table_and_a_small_map(page, directory):
    page.goto("/lieux/friche-lumiere/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Friche Lumière")
    expect(page.locator(".site-place")).to_contain_text("Asnières-sur-Seine (92")

    table = page.get_by_role("table", name="Les 2 espaces du lieu, par niveau")
    expect(table.locator("tbody th[scope=row]")).to_have_text(
        ["Atelier bois", "Salle des machines"]
    )
    hall = table.get_by_role("row", name=re.compile("Salle des machines"))
    expect(hall.get_by_role("cell")).to_have_text(
        ["Salle polyvalente", "Rez-de-chaussée", "140", "60", "Oui", "Oui"]
    )

    expect(page.get_by_role("table", name=re.compile("Financements obtenus"))).to_contain_text(
        "Mise aux normes"
    )

    small_map = page.locator(".map-small")
    expect(small_map).to_be_visible()
    expect(small_map.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(small_map.locator(".leaflet-marker-icon")).to_have_attribute("alt", "Friche Lumière")

    # Many spaces: totals by kind and floor, the list folded until asked for, from the keyboard.
    for n in range(10):
        SpaceFactory(site=directory.friche, name=f"Bureau {n}", kind=Space.Kind.OFFICE, level=2)
    page.reload()
    by_kind = page.get_by_role("table", name="Espaces par type")
    expect(by_kind.get_by_role("row", name=re.compile("Bureau"))).to_contain_text("10")
    expect(page.get_by_role("table", name="Espaces par niveau")).to_contain_text("2e étage")
    full_list = page.get_by_role("table", name="Les 12 espaces du lieu, par niveau")
    expect(full_list).to_be_hidden()
    page.get_by_text("Voir les 12 espaces").focus()
    page.keyboard.press("Enter")
    expect(full_list).to_be_visible()
    expect(full_list.locator("tbody th[scope=row]")).to_have_count(12)
    assert_no_axe_violations(page)


def test_unpublished_site_page_is_not_found(page, page_problems, directory):
    response = page.goto(f"/lieux/{directory.hidden.slug}/")
    assert response.status == 404
    expect(page.get_by_text("Entrepôt Confidentiel")).to_have_count(0)
    page_problems.expect_error(f"404 (Not Found) ({response.url})")


def test_map_groups_many_sites_into_clusters_that_zoom_in_on_click(page):
    spread_sites(MAP_FEATURE_LIMIT + 100, west=-1, south=44, east=6, north=49, prefix="Lieu")
    zooms = []
    page.on(
        "request",
        lambda r: (
            "carte.geojson" in r.url
            and zooms.append(int(parse_qs(urlsplit(r.url).query)["zoom"][0]))
        ),
    )
    page.goto("/lieux/")
    clusters = page.locator("#directory-map .map-cluster")
    expect(clusters.first).to_be_visible()
    assert page.locator("#directory-map .leaflet-marker-icon").count() < MAP_FEATURE_LIMIT
    count = int(clusters.first.inner_text())
    expect(clusters.first).to_have_attribute("title", f"{count} lieux")
    page.wait_for_load_state("networkidle")
    zoom_before = zooms[-1]
    with page.expect_response(lambda r: "carte.geojson" in r.url):
        clusters.first.click()
    assert zooms[-1] > zoom_before


def test_a_cluster_of_the_server_is_named_by_its_label_and_zooms_in_on_enter(page):
    spread_sites(MAP_FEATURE_LIMIT + 100, west=-1, south=44, east=6, north=49, prefix="Lieu")
    zooms = []
    page.on(
        "request",
        lambda r: (
            "carte.geojson" in r.url
            and zooms.append(int(parse_qs(urlsplit(r.url).query)["zoom"][0]))
        ),
    )
    page.goto("/lieux/")
    cluster = page.get_by_role("button", name=re.compile(r"^\d+ lieux$")).first
    expect(cluster).to_be_visible()
    page.wait_for_load_state("networkidle")
    zoom_before = zooms[-1]
    cluster.focus()
    with page.expect_response(lambda r: "carte.geojson" in r.url):
        page.keyboard.press("Enter")
    assert zooms[-1] > zoom_before


@pytest.fixture
def same_place(transactional_db):
    """Two sites at the very same coordinates (one building, two sites) and one a town away."""
    for name in ("Filature Motte", "Tissage Motte"):
        SiteFactory(
            name=name,
            commune="Roubaix",
            departement="59",
            postal_code="59100",
            latitude=Decimal("50.690000"),
            longitude=Decimal("3.181000"),
        )
    SiteFactory(
        name="Peignage Nord",
        commune="Tourcoing",
        departement="59",
        postal_code="59200",
        latitude=Decimal("50.724000"),
        longitude=Decimal("3.161000"),
    )


def test_two_sites_at_the_same_place_make_one_group_that_opens_onto_both_markers(page, same_place):
    page.goto("/lieux/")
    group = page.get_by_role("button", name="2 lieux proches : les afficher")
    expect(group).to_be_visible()
    expect(group).to_have_text("2")
    first = page.get_by_role("button", name="Filature Motte, Roubaix")
    second = page.get_by_role("button", name="Tissage Motte, Roubaix")
    expect(first).to_have_count(0)
    # The site a town away keeps its own marker, and the list still holds every site.
    expect(page.get_by_role("button", name="Peignage Nord, Tourcoing")).to_be_visible()
    expect(page.locator("#results .card-title")).to_have_count(3)

    group.click()
    expect(first).to_be_visible()
    expect(second).to_be_visible()
    second.click()
    expect(page.locator(".leaflet-popup")).to_contain_text("Tissage Motte")


def test_a_group_of_markers_opens_from_the_keyboard_and_focus_moves_to_its_first_marker(
    page, same_place
):
    page.goto("/lieux/")
    group = page.get_by_role("button", name="2 lieux proches : les afficher")
    group.focus()
    page.keyboard.press("Enter")
    markers = page.get_by_role("button", name=re.compile(r"^(Filature|Tissage) Motte, Roubaix$"))
    expect(markers).to_have_count(2)
    # Focus moves once the group has finished opening (an animation): wait for it, 5 s at most.
    expect(page.locator(":focus")).to_have_attribute(
        "alt", re.compile(r"^(Filature|Tissage) Motte, Roubaix$")
    )
    focused = page.evaluate("document.activeElement.getAttribute('alt')")
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup")).to_contain_text(focused.split(",")[0])


@pytest.mark.parametrize(
    ("language", "zoom_in", "zoom_out", "leaflet", "close"),
    [
        (
            "fr",
            "Zoom avant",
            "Zoom arrière",
            "Une bibliothèque JavaScript pour les cartes interactives",
            "Fermer la fenêtre du lieu",
        ),
        (
            "en",
            "Zoom in",
            "Zoom out",
            "A JavaScript library for interactive maps",
            "Close the site's popup",
        ),
    ],
)
def test_the_map_controls_speak_the_language_of_the_page(
    page, live_server, directory, language, zoom_in, zoom_out, leaflet, close
):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto("/lieux/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    map_element = page.locator("#directory-map")
    for name, title in (("in", zoom_in), ("out", zoom_out)):
        button = map_element.locator(f".leaflet-control-zoom-{name}")
        expect(button).to_have_attribute("title", title)
        expect(button).to_have_attribute("aria-label", title)
    leaflet_link = map_element.locator(
        ".leaflet-control-attribution a[href='https://leafletjs.com']"
    )
    expect(leaflet_link).to_have_attribute("title", leaflet)
    map_element.get_by_role("button", name="Caserne Nord, Saint-Denis").click()
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", close)
