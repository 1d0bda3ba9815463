"""Registering for an event and cancelling through the e-mail's link, in a real browser: the
form's error summary takes the focus, the success page says confirmed or waiting list, the
cancel link asks first and works without JavaScript. axe finds no WCAG 2.1 A/AA issue on the
registration form and on the cancel confirmation, at 375 and 1280 px."""

import pytest
from playwright.sync_api import expect

from events.agenda import registrations as service
from events.models import Registration
from tests.browser.a11y import assert_no_axe_violations
from tests.events.conftest import booking_world  # noqa: F401  (the fixture, shared)
from tests.events.registration_support import open_event

WIDTHS = [375, 1280]


@pytest.fixture
def event(booking_world):  # noqa: F811
    return open_event(booking_world, capacity=2, title="Atelier réparation vélo")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_registration_form_is_accessible_and_reports_errors(make_page, event, width):
    page = make_page(viewport={"width": width, "height": 900})
    page.goto(f"/agenda/{event.slug}/inscription/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Atelier réparation vélo")
    expect(page.get_by_text("2 places restantes")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("textbox", name="Nom").fill("Zoé")
    page.get_by_role("textbox", name="E-mail").fill("pas-une-adresse")
    page.get_by_role("button", name="M'inscrire").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("E-mail")
    assert_no_axe_violations(page)
    page.get_by_role("textbox", name="E-mail").fill("zoe@example.org")
    page.get_by_label("Nombre de places").select_option("2")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription confirmée")
    assert Registration.objects.get(email="zoe@example.org").places == 2
    page.goto(f"/agenda/{event.slug}/inscription/")
    expect(page.get_by_text("Complet — liste d'attente")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_cancel_link_asks_first_and_is_accessible(make_page, event, width):
    registration = service.register(event, name="Zoé", email="zoe@example.org", places=1)
    page = make_page(viewport={"width": width, "height": 900})
    page.goto(f"/agenda/inscription/{registration.token}/annuler/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annuler votre inscription")
    assert_no_axe_violations(page)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_cancelling_works_without_javascript(make_page, event):
    registration = service.register(event, name="Zoé", email="zoe@example.org", places=1)
    page = make_page(java_script_enabled=False)
    page.goto(f"/agenda/inscription/{registration.token}/annuler/")
    page.get_by_role("button", name="Oui, annuler mon inscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription annulée")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_the_keyboard_and_screen_readers_skip_the_robot_trap(make_page, event):
    page = make_page()
    page.goto(f"/agenda/{event.slug}/inscription/")
    page.get_by_label("Vous venez plutôt en tant que… (facultatif)").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="M'inscrire")).to_be_focused()
    expect(page.get_by_role("textbox", name="Laissez ce champ vide")).to_have_count(0)
    # Visually hidden the project's way: a 1 px clipped box, nothing to see.
    trap = page.locator("#id_website").locator("xpath=..")
    assert trap.bounding_box()["width"] <= 1 and trap.bounding_box()["height"] <= 1
