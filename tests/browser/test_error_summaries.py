"""After a server-side error, focus lands on the error summary (templates/includes/components/
error_summary.html), whose links lead to the fields: on sign-up, member invitation and the
manager's outside booking. axe finds no WCAG 2.1 A/AA issue at 375 and 1280 px."""

import pytest
from playwright.sync_api import expect

from tests.browser import test_booking_manager, test_mon_espace
from tests.browser.a11y import assert_no_axe_violations

responsable = test_mon_espace.responsable
w = test_booking_manager.w
booking_world = test_booking_manager.booking_world

WIDTHS = [375, 1280]


def assert_summary_focused_with(page, text: str) -> None:
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(text)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_up_errors_take_the_focus(make_page, width):
    page = make_page(viewport={"width": width, "height": 900})
    page.goto("/appels/inscription/")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_role("button", name="Créer mon compte").click()
    assert_summary_focused_with(page, "Adresse e-mail")
    page.locator("[data-error-summary]").get_by_role("link").first.click()
    expect(page.locator("input:focus")).to_have_count(1)


@pytest.mark.parametrize("width", WIDTHS)
def test_invitation_errors_take_the_focus(make_page, responsable, width):
    page = make_page(viewport={"width": width, "height": 900})
    test_mon_espace.log_in(page)
    page.goto(f"/compte/structures/{responsable.slug}/membres/")
    page.get_by_label("Adresse e-mail de la personne à inviter").fill("nina@")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    assert_summary_focused_with(page, "Adresse e-mail de la personne à inviter")
    page.locator("[data-error-summary]").get_by_role("link").first.click()
    expect(page.get_by_label("Adresse e-mail de la personne à inviter")).to_be_focused()


@pytest.mark.parametrize("width", WIDTHS)
def test_outside_booking_errors_take_the_focus(make_page, live_server, w, width):
    page = make_page(viewport={"width": width, "height": 900})
    test_booking_manager.log_in(page, live_server, w.mara)
    page.goto("/reservations/gestion/location/")
    page.get_by_role("button", name="Réserver").click()
    assert_summary_focused_with(page, "Indiquez pour quelle organisation extérieure")
