"""The event back office in the browser: a manager's month calendar (grid and list, months
changed with the keyboard) and an occupant's event and date forms, with axe-core finding no
WCAG 2.1 A/AA violation at 375 and 1280 px."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.agenda import services as agenda
from events.models import Event
from tests.browser.a11y import assert_no_axe_violations
from tests.browser.test_booking_manager import log_in
from tests.events.conftest import booking_world  # noqa: F401  (the fixture, shared)
from tests.events.factories import local_slot

WIDTHS = [375, 1280]


@pytest.fixture
def w(booking_world):  # noqa: F811
    w = booking_world
    w.event = agenda.create_event(
        site=w.site_a, by=w.bob, structure=w.bleu, title="Repair café", kind=Event.Kind.REPAIR_CAFE
    )
    start, end = local_slot(3, 14)
    agenda.add_timing(w.event, by=w.bob, start=start, end=end, room=w.salle_verte)
    agenda.submit(w.event, by=w.bob)
    w.start = timezone.localtime(start)
    return w


@pytest.mark.parametrize("width", WIDTHS)
def test_the_manager_calendar_changes_month_with_the_keyboard(make_page, live_server, w, width):
    page = make_page(viewport={"width": width, "height": 900})
    log_in(page, live_server, w.mara)
    page.goto(f"/reservations/gestion/lieux/{w.site_a.slug}/agenda/?mois={w.start:%Y-%m}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda des événements")
    expect(page.locator(".agenda-month")).to_contain_text("Repair café")
    assert_no_axe_violations(page)
    lead = page.locator(".lead")
    month_label = lead.inner_text()
    next_link = page.get_by_role("link", name="Mois suivant")
    next_link.focus()
    page.keyboard.press("Enter")
    expect(lead).not_to_have_text(month_label)
    page.get_by_role("link", name="Mois précédent").focus()
    page.keyboard.press("Enter")
    expect(lead).to_have_text(month_label)
    page.get_by_role("link", name="Liste des dates").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("table")).to_contain_text("Salle Verte")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_occupant_event_and_date_forms_are_accessible(
    make_page, page_problems, live_server, w, width
):
    page = make_page(viewport={"width": width, "height": 900})
    log_in(page, live_server, w.bea)
    page.goto("/reservations/evenements/")
    expect(page.get_by_role("row", name="Repair café")).to_contain_text("À valider")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Proposer un événement").click()
    page.get_by_role("button", name="Enregistrer").click()  # empty: the error summary
    expect(page.locator(".error-summary")).to_be_focused()
    assert_no_axe_violations(page)
    page.goto(f"/reservations/evenements/{w.event.pk}/dates/ajouter/")
    page.get_by_label("Date").fill(f"{w.start:%Y-%m-%d}")
    page.get_by_label("Début").fill(f"{w.start:%H:%M}")
    page.get_by_label("Fin").fill(f"{w.start.hour + 1:02d}:{w.start:%M}")
    page.get_by_label("Salle").select_option(label="Salle Verte")
    page.get_by_role("button", name="Enregistrer la date").click()
    expect(page.locator(".error-summary")).to_contain_text("chevauche")
    assert_no_axe_violations(page)
    page_problems.expect_error("400 (Bad Request)")  # the forms sent back with their errors


def test_a_manager_publishes_and_refuses_events_on_the_shared_confirmation_page(
    page, live_server, w
):
    other = agenda.create_event(site=w.site_a, by=w.bob, structure=w.bleu, title="Troc de livres")
    start, end = local_slot(5, 10)
    agenda.add_timing(other, by=w.bob, start=start, end=end, place="Dans la cour")
    agenda.submit(other, by=w.bob)
    log_in(page, live_server, w.mara)
    page.goto(f"/reservations/gestion/evenements/{w.event.pk}/publier/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Publier « Repair café » ?")
    expect(page.locator(".event-timings")).to_contain_text("Salle Verte")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer la publication").click()
    expect(page.locator(".messages")).to_contain_text("« Repair café » est publié.")
    page.goto(f"/reservations/gestion/evenements/{other.pk}/refuser/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Refuser « Troc de livres » ?")
    assert_no_axe_violations(page)
    page.get_by_label("Motif du refus").fill("Date déjà prise")
    page.get_by_role("button", name="Confirmer le refus").click()
    expect(page.locator(".messages")).to_contain_text("« Troc de livres » est refusé")
    w.event.refresh_from_db()
    other.refresh_from_db()
    assert (w.event.moderation, other.moderation) == ("publie", "refuse")
