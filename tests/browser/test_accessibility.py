"""axe-core finds no WCAG 2.1 A/AA violation on the public and account pages."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations
from tests.factories import SiteFactory


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/", id="home"),
        pytest.param("/lieux/", id="directory"),
        pytest.param("/lieux/?departement=93&status=ouvert&sort=name", id="directory-filtered"),
        pytest.param("/lieux/?q=introuvable", id="directory-no-result"),
        pytest.param("/lieux/?departement=XX&bookable=peut-etre", id="directory-invalid-filter"),
        pytest.param("/lieux/friche-lumiere/", id="site"),
        pytest.param("/compte/connexion/", id="login"),
        pytest.param("/accessibilite/", id="accessibility-statement"),
        pytest.param("/compte/mot-de-passe/oubli/", id="password-reset"),
    ],
)
def test_page_has_no_wcag_21_aa_violation(page, directory, path):
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert_no_axe_violations(page)


def test_login_error_is_announced_without_wcag_violation(page, directory):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("personne@example.org")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)


def test_directory_with_an_open_map_popup_has_no_wcag_21_aa_violation(page, directory):
    page.goto("/lieux/")
    page.get_by_role("button", name="Caserne Nord, Saint-Denis").click()
    expect(page.locator(".leaflet-popup")).to_be_visible()
    assert_no_axe_violations(page)


def test_directory_with_a_group_of_markers_opened_has_no_wcag_21_aa_violation(page):
    for name in ("Filature Motte", "Tissage Motte"):
        SiteFactory(name=name, latitude=Decimal("50.690000"), longitude=Decimal("3.181000"))
    page.goto("/lieux/")
    group = page.get_by_role("button", name="2 lieux proches : les afficher")
    expect(group).to_be_visible()
    assert_no_axe_violations(page)
    group.click()
    expect(page.get_by_role("button", name=re.compile("Motte"))).to_have_count(2)
    assert_no_axe_violations(page)


def test_directory_in_english_has_no_wcag_21_aa_violation(page, live_server, directory):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/lieux/?departement=93")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_axe_violations(page)


def test_directory_after_a_live_filter_update_has_no_wcag_21_aa_violation(page, directory):
    page.goto("/lieux/")
    page.get_by_label("Type d'espace").select_option("coworking")
    expect(page.locator("#results-count")).to_have_text("1 lieu")
    assert_no_axe_violations(page)


def test_pages_reflow_at_320_css_pixels_without_horizontal_scrolling(make_page, directory):
    # WCAG 1.4.10: 320 px wide is 1280 px at 400 % zoom. Data tables may scroll on their own.
    page = make_page(viewport={"width": 320, "height": 640})
    overflowing = {}
    for path in ["/", "/lieux/", "/lieux/friche-lumiere/", "/compte/connexion/", "/accessibilite/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            overflowing[path] = width
    assert not overflowing, f"pages wider than the 320 px viewport: {overflowing}"
