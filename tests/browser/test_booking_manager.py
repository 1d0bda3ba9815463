"""A site manager in the browser: approval queue, week calendar, statistics, outside rental,
export and feeds pages, with axe-core finding no WCAG 2.1 A/AA violation."""

from datetime import date, time, timedelta

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from events.models import Booking
from events.rules import at
from tests.browser.a11y import assert_no_axe_violations, rendered_font_sizes
from tests.events.conftest import booking_world  # noqa: F401  (the fixture, shared)
from tests.events.factories import BookingFactory, local_slot


@pytest.fixture
def w(booking_world):  # noqa: F811
    w = booking_world
    start, end = local_slot(2, 10)
    w.first = BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        booked_by=w.bob,
        start=start,
        end=end,
        status=Booking.Status.PENDING,
        purpose="Atelier couture",
    )
    start, end = local_slot(3, 14)
    w.second = BookingFactory(
        space=w.salle_verte,
        structure=w.vert,
        booked_by=w.carl,
        start=start,
        end=end,
        status=Booking.Status.PENDING,
        purpose="Répétition chorale",
    )
    return w


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_manager_approves_and_refuses_from_the_queue(page, live_server, w):
    log_in(page, live_server, w.mara)
    page.goto("/reservations/gestion/demandes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes en attente")
    expect(page.get_by_text("2 demandes en attente")).to_be_visible()
    assert_no_axe_violations(page)

    first = page.locator(".queue-item", has_text="Atelier couture")
    first.get_by_role("link", name="Valider…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Valider la demande {w.first.reference} ?"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.locator(".messages")).to_contain_text(f"Réservation {w.first.reference} validée")
    expect(page.get_by_text("1 demande en attente")).to_be_visible()
    assert_no_axe_violations(page)

    second = page.locator(".queue-item", has_text="Répétition chorale")
    second.get_by_role("link", name="Refuser…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Refuser la demande {w.second.reference} ?"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Motif du refus").fill("Salle prise par l'AG")
    page.get_by_label("Motif du refus").press("Enter")  # keyboard only
    expect(page.locator(".messages")).to_contain_text(f"Réservation {w.second.reference} refusée")
    expect(page.get_by_text("Aucune demande n'attend de réponse.")).to_be_visible()
    assert_no_axe_violations(page)

    w.first.refresh_from_db()
    w.second.refresh_from_db()
    assert w.first.status == Booking.Status.CONFIRMED
    assert w.second.status == Booking.Status.REFUSED
    assert w.second.refusal_reason == "Salle prise par l'AG"


def test_calendar_of_all_rooms_is_accessible_and_navigable(page, live_server, w):
    monday = date.today() - timedelta(days=date.today().weekday()) + timedelta(days=7)
    BookingFactory(
        space=w.salle_verte,
        structure=None,
        outside_name="Compagnie du Dehors",
        start=at(monday, time(9)),
        end=at(monday, time(12)),
    )
    log_in(page, live_server, w.mara)
    page.goto(f"/reservations/gestion/lieux/{w.site_a.slug}/calendrier/")
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader", name="Salle Jaune")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Salle Verte")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Semaine suivante").click()
    expect(page.get_by_role("table")).to_contain_text("Compagnie du Dehors")
    expect(page.get_by_role("table")).to_contain_text("09:00–12:00")
    assert_no_axe_violations(page)

    page.get_by_label("Aller à la semaine du").fill("2020-01-08")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator(".lead")).to_contain_text("6 janvier 2020")


def test_statistics_charts_are_readable_at_320_pixels(make_page, live_server, w):
    w.site_a.occupancy_start = date(2025, 1, 1)
    w.site_a.save()
    BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        start=at(date(2025, 3, 3), time(9)),
        end=at(date(2025, 3, 3), time(17)),
    )
    page = make_page(viewport={"width": 320, "height": 800})
    log_in(page, live_server, w.mara)
    page.goto(f"/reservations/gestion/lieux/{w.site_a.slug}/statistiques/?annee=2025")
    expect(page.locator("#chart-months")).to_be_visible()
    months = rendered_font_sizes(page, "#chart-months text.chart-label")
    assert len(months) == 12 and min(months) >= 12, months
    assert min(rendered_font_sizes(page, "#chart-rooms text")) >= 12
    assert_no_axe_violations(page)


def test_other_managers_calendar_is_not_found(page, live_server, w, page_problems):
    log_in(page, live_server, w.mike)
    response = page.goto(f"/reservations/gestion/lieux/{w.site_a.slug}/calendrier/")
    assert response.status == 404
    page_problems.expect_error("404")


def test_statistics_export_rental_and_feeds_pages_are_accessible(page, live_server, w):
    BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        start=at(date(2025, 3, 3), time(9)),
        end=at(date(2025, 3, 3), time(17)),
    )
    log_in(page, live_server, w.mara)
    page.goto(f"/reservations/gestion/lieux/{w.site_a.slug}/statistiques/?annee=2025")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/reservations/gestion/export/")
    assert_no_axe_violations(page)
    page.get_by_label("Du").fill("2026-05-01")
    page.get_by_label("Au (inclus)").fill("2026-04-01")
    page.get_by_role("button", name="Exporter en CSV").click()
    expect(page.get_by_text("La fin de la période doit suivre son début.")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/reservations/gestion/location/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Réserver").click()
    expect(
        page.get_by_text("Indiquez pour quelle organisation extérieure vous réservez.", exact=True)
    ).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Salle").select_option(label="Site A — Salle Verte")
    page.get_by_label("Nom de l'organisation (si elle n'est pas enregistrée)").fill(
        "Théâtre du Coin"
    )
    page.get_by_label("Date").fill((date.today() + timedelta(days=4)).isoformat())
    page.get_by_label("Début").fill("10:00")
    page.locator("#id_end").fill("12:00")
    page.get_by_label("Nombre de personnes").fill("12")
    page.get_by_role("button", name="Réserver").click()
    expect(page.locator(".messages")).to_contain_text("Théâtre du Coin")
    assert Booking.objects.filter(outside_name="Théâtre du Coin").count() == 1

    page.goto("/reservations/flux/")
    old_address = page.get_by_label("Adresse de mon agenda").input_value()
    assert old_address
    assert_no_axe_violations(page)
    # A new address asks first: the old one stops working.
    page.get_by_role(
        "link", name="Créer une nouvelle adresse (l'ancienne cessera de fonctionner)…"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Créer une nouvelle adresse pour mon agenda ?"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer : créer une nouvelle adresse").click()
    expect(page.locator(".messages")).to_contain_text("l'ancienne ne fonctionne plus")
    expect(page.get_by_label("Adresse de mon agenda")).not_to_have_value(old_address)
