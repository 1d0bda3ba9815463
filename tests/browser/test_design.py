"""The design identity in a browser: the header's menu button on a phone, the folding filters,
and axe-core on the home page and the staff style guide at phone and desktop widths."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_axe_violations
from tests.factories import UserFactory

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_phone_header_folds_the_navigation_behind_a_menu_button_that_opens_by_click(
    make_page, directory
):
    page = make_page(viewport=PHONE)
    page.goto("/")
    menu = page.locator("summary.header-menu-button")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(menu).to_be_visible()
    expect(menu).to_have_text("Menu")
    expect(nav).to_be_hidden()

    menu.click()
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Appels")).to_be_visible()
    expect(page.get_by_role("navigation", name="Langue")).to_be_visible()
    # The open panel lies over the page, inside the viewport, not beyond it.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    nav.get_by_role("link", name="Lieux").click()
    expect(page).to_have_url(f"{page.url.split('/lieux/')[0]}/lieux/")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_hidden()


def test_phone_menu_opens_and_closes_by_keyboard_and_its_links_follow_in_tab_order(
    make_page, directory
):
    page = make_page(viewport=PHONE)
    page.goto("/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.keyboard.press("Tab")
    menu = page.locator("summary.header-menu-button")
    expect(menu).to_be_focused()
    nav = page.get_by_role("navigation", name="Navigation principale")

    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Lieux")).to_be_focused()
    names = ["Structures", "Appels", "Agenda", "Connexion"]
    for name in names:
        page.keyboard.press("Tab")
        expect(nav.get_by_role("link", name=name)).to_be_focused()

    for _name in names:
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(menu).to_be_focused()
    page.keyboard.press("Space")
    expect(nav).to_be_hidden()


def test_phone_menu_works_without_javascript(make_page, directory):
    page = make_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav).to_be_hidden()
    page.locator("summary.header-menu-button").click()
    expect(nav.get_by_role("link", name="Structures")).to_be_visible()


def test_desktop_header_shows_the_navigation_and_no_menu_button(page, directory):
    page.goto("/lieux/")
    expect(page.locator("summary.header-menu-button")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Lieux")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Appels")).to_be_visible()
    # The logo is decoration beside the platform's name: the link reads "Interstices".
    expect(page.get_by_role("link", name="Interstices", exact=True)).to_be_visible()


def test_directory_filters_fold_above_the_results_on_a_phone_and_stay_open_on_a_desktop(
    make_page, directory
):
    phone = make_page(viewport=PHONE)
    phone.goto("/lieux/")
    status = phone.get_by_label("Statut")
    expect(status).to_be_hidden()
    fold = phone.locator(".filters-fold > summary")
    box, results = fold.bounding_box(), phone.locator("#results-count").bounding_box()
    assert box["y"] < results["y"]
    fold.click()
    expect(status).to_be_visible()

    desktop = make_page(viewport=DESKTOP)
    desktop.goto("/lieux/")
    expect(desktop.get_by_label("Statut")).to_be_visible()
    expect(desktop.locator(".filters-fold > summary")).to_be_hidden()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_home_page_has_no_wcag_21_aa_violation(make_page, directory, viewport):
    page = make_page(viewport=viewport)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert_no_axe_violations(page)
    if viewport is PHONE:
        page.locator("summary.header-menu-button").click()
        assert_no_axe_violations(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_style_guide_has_no_wcag_21_aa_violation(make_page, live_server, viewport):
    page = make_page(viewport=viewport)
    log_in(page, live_server, UserFactory(is_staff=True))
    response = page.goto("/guide/")
    assert response.status == 200
    expect(page.get_by_role("heading", name="Guide de style", level=1)).to_be_visible()
    # The example error summary does not steal the focus from the top of the guide.
    assert page.evaluate("document.activeElement === document.body")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
