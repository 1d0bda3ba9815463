"""The public agenda and an event's page, driven through Chromium: live filtering keeps the
keyboard where it was, and axe-core finds no WCAG 2.1 A/AA violation."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from events.models import Event, Public
from tests.browser.a11y import assert_no_axe_violations
from tests.events.factories import EventFactory, EventTimingFactory, RoomFactory
from tests.factories import SiteFactory


@pytest.fixture
def agenda(transactional_db):
    site = SiteFactory(name="Friche Lumière", slug="friche-lumiere")
    room = RoomFactory(site=site, name="Salle des fêtes", capacity=40)
    concert = EventFactory(
        site=site,
        title="Concert de la chorale",
        slug="concert-chorale",
        kind=Event.Kind.CONCERT,
        price_kind=Event.Price.PAID,
        price_amount=Decimal("8"),
        registration=Event.Registration.LINK,
        registration_contact="https://billets.example.org/chorale",
        accessible_motor=True,
        accessible_hearing=True,
        accessibility_details="Places réservées au premier rang.",
        publics=[Public.FAMILIES, Public.NEIGHBOURS],
        keywords="chant, chorale",
        age_min=6,
        description="Une heure de chants du monde.",
    )
    EventTimingFactory(event=concert, days_ahead=5, room=room, place="")
    EventTimingFactory(event=concert, days_ahead=12, room=room, place="")
    market = EventFactory(site=site, title="Marché de Noël", slug="marche", kind=Event.Kind.MARKET)
    EventTimingFactory(event=market, days_ahead=3)
    cancelled = EventFactory(
        site=site, title="Atelier annulé", slug="annule", state=Event.State.CANCELLED
    )
    EventTimingFactory(event=cancelled, days_ahead=4)
    return site


def test_a_live_filter_updates_the_results_and_keeps_the_focus_on_the_field(page, agenda):
    page.goto("/agenda/")
    expect(page.locator("#results-count")).to_have_text("3 événements")
    kind = page.get_by_label("Type d'événement")
    kind.focus()
    kind.select_option("concert")
    expect(page.locator("#results-count")).to_have_text("1 événement")
    expect(page.locator("#results .card-title")).to_have_text(["Concert de la chorale"])
    expect(page.locator("#results-status")).to_have_text("1 événement")
    expect(kind).to_be_focused()
    assert "type=concert" in page.url
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["/agenda/", "/agenda/?quand=passes", "/agenda/?type=rave"])
def test_the_agenda_has_no_wcag_21_aa_violation(page, agenda, path):
    assert page.goto(path).status == 200
    page.wait_for_load_state("networkidle")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("slug", ["concert-chorale", "annule"])
def test_an_event_page_has_no_wcag_21_aa_violation(make_page, agenda, width, slug):
    page = make_page(viewport={"width": width, "height": 900})
    assert page.goto(f"/agenda/{slug}/").status == 200
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)


def test_the_site_page_agenda_has_no_wcag_21_aa_violation(page, agenda):
    assert page.goto("/lieux/friche-lumiere/").status == 200
    expect(page.get_by_role("heading", name="Agenda")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert_no_axe_violations(page)


def test_the_agenda_filters_without_javascript_and_its_archive_tab(make_page, agenda):
    past = EventFactory(site=agenda, title="Fête de l'été", slug="fete-ete", kind=Event.Kind.PARTY)
    EventTimingFactory(event=past, days_ahead=-60)
    page = make_page(java_script_enabled=False)
    page.goto("/agenda/")
    page.get_by_label("Type d'événement").select_option("marche")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#results .card-title")).to_have_text(["Marché de Noël"])
    page.get_by_role("link", name="Passés").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Événements passés")
    expect(page.locator("#results-count")).to_have_text("0 événement")
    page.get_by_label("Type d'événement").select_option("fete")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#results .card-title")).to_have_text(["Fête de l'été"])
