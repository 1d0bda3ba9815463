"""Occupants book rooms in a real browser: a free slot, a conflict, a weekly series with a
conflict skipped, cancelling one occurrence; axe finds no WCAG 2.1 A/AA issue on the way."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from events.models import Booking
from tests.browser.a11y import assert_no_axe_violations
from tests.events.factories import (
    BookingFactory,
    MemberFactory,
    OccupancyFactory,
    RoomFactory,
    StructureFactory,
    local_slot,
)
from tests.factories import SiteFactory, UserFactory


class World:
    pass


@pytest.fixture
def world(transactional_db):
    w = World()
    w.site = SiteFactory(name="Friche des Tanneurs")
    w.bob = UserFactory(email="bob@example.org", full_name="Bob Bleu")
    w.bleu = StructureFactory(name="Atelier Bleu")
    w.vert = StructureFactory(name="Collectif Vert")
    MemberFactory(user=w.bob, structure=w.bleu)
    OccupancyFactory(structure=w.bleu, site=w.site)
    OccupancyFactory(structure=w.vert, site=w.site)
    w.room = RoomFactory(site=w.site, name="Salle Jaune", capacity=10)
    RoomFactory(site=w.site, name="Salle Verte", capacity=30)
    return w


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def week_url(world, day) -> str:
    return f"/reservations/espaces/{world.room.pk}/semaine/?du={day.isoformat()}"


def slot_link_name(room, start) -> str:
    with translation.override("fr"):
        day = formats.date_format(timezone.localtime(start), "l j F")
    return f"Libre — réserver {room.name} le {day} à {timezone.localtime(start):%H:%M}"


def test_book_a_free_slot_from_the_week_view(page, live_server, world):
    start, end = local_slot(2, 14)
    log_in(page, live_server, world.bob)
    page.goto(week_url(world, start.date()))
    assert_no_axe_violations(page)

    # A first click marks the start, a second the last half hour of the range: htmx brings
    # the form into the side panel and moves focus to its heading.
    page.get_by_role("link", name=slot_link_name(world.room, start)).click()
    page.get_by_role("link", name=slot_link_name(world.room, end - timedelta(minutes=30))).click()
    title = page.locator("#booking-panel .booking-form-title")
    expect(title).to_be_focused()
    expect(page.locator("#booking-status")).to_contain_text("Réserver Salle Jaune")
    expect(page.get_by_label("Heure de début")).to_have_value("14:00")
    assert_no_axe_violations(page)

    page.get_by_label("Objet de la réservation").fill("Réunion du bureau")
    page.get_by_label("Nombre de personnes").fill("6")
    page.get_by_role("button", name="Réserver", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Réservation R-")
    expect(page.locator(".messages")).to_contain_text("confirmée")
    booking = Booking.objects.get()
    assert (booking.start, booking.end, booking.people) == (start, end, 6)
    assert_no_axe_violations(page)

    page.goto(week_url(world, start.date()))
    expect(page.locator(".slot-mine").first).to_contain_text("Réunion du bureau")


def test_book_without_javascript(make_page, live_server, world):
    page = make_page(java_script_enabled=False)
    start, _end = local_slot(3, 9)
    log_in(page, live_server, world.bob)
    page.goto(week_url(world, start.date()))
    page.get_by_role("link", name=slot_link_name(world.room, start)).click()
    expect(page).to_have_url(re.compile(r"/reserver/\?debut="))
    page.get_by_label("Objet de la réservation").fill("Atelier couture")
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("confirmée")
    assert Booking.objects.filter(start=start).exists()


def test_a_slot_taken_meanwhile_gives_the_conflict_message(page, live_server, world):
    start, end = local_slot(2, 10)
    log_in(page, live_server, world.bob)
    page.goto(week_url(world, start.date()))
    page.get_by_role("link", name=slot_link_name(world.room, start)).click()
    page.get_by_label("Objet de la réservation").fill("Réunion")
    # Someone else takes the slot while the form is open.
    BookingFactory(space=world.room, structure=world.vert, start=start, end=end)
    page.get_by_role("button", name="Réserver", exact=True).click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("déjà réservé")
    expect(alert).to_contain_text("10:00")
    assert Booking.objects.count() == 1
    assert_no_axe_violations(page)


def test_weekly_series_skipping_a_conflict_then_cancel_one_occurrence(page, live_server, world):
    start, end = local_slot(2, 16)
    taken = BookingFactory(
        space=world.room,
        structure=world.vert,
        start=start + timedelta(days=7),
        end=end + timedelta(days=7),
    )
    log_in(page, live_server, world.bob)
    page.goto(
        f"/reservations/espaces/{world.room.pk}/reserver/?debut={timezone.localtime(start):%Y-%m-%dT%H:%M}"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Objet de la réservation").fill("Cours hebdomadaire")
    page.get_by_label("Répétition").select_option("weekly")
    page.get_by_label("Ou nombre de fois").fill("4")
    page.get_by_role("button", name="Réserver", exact=True).click()

    # The preview lists every date with its conflict, and saves nothing yet.
    expect(page.get_by_role("status").filter(has_text="4 dates")).to_be_visible()
    expect(page.locator("tr.occurrence-conflict")).to_have_count(1)
    assert Booking.objects.count() == 1
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Réserver les 3 dates libres et ignorer les conflits").click()

    expect(page.locator(".messages")).to_contain_text("3 réservations créées.")
    series = list(Booking.objects.filter(structure=world.bleu).order_by("start"))
    assert len(series) == 3 and taken.start not in [b.start for b in series]
    assert_no_axe_violations(page)

    # Cancel the second occurrence only.
    page.get_by_role("link", name=series[1].reference, exact=True).click()
    page.get_by_role("link", name="Annuler la réservation…").click()
    page.get_by_label("Cette réservation seulement").check()
    page.get_by_role("button", name="Oui, annuler la réservation").click()
    expect(page.locator(".messages")).to_contain_text(f"Réservation {series[1].reference} annulée.")
    statuses = [b.status for b in Booking.objects.filter(structure=world.bleu).order_by("start")]
    assert statuses == ["confirmee", "annulee", "confirmee"]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/reservations/", id="index"),
        pytest.param("/reservations/lieux/friche-des-tanneurs/jour/", id="day"),
        pytest.param("/reservations/trouver/", id="find"),
        pytest.param("/reservations/mes-reservations/", id="mine"),
    ],
)
def test_booking_pages_have_no_wcag_21_aa_violation(page, live_server, world, path):
    start, end = local_slot(1, 10)
    BookingFactory(
        space=world.room, structure=world.bleu, booked_by=world.bob, start=start, end=end
    )
    past_start, past_end = local_slot(-2, 10)
    BookingFactory(
        space=world.room, structure=world.bleu, booked_by=world.bob, start=past_start, end=past_end
    )
    log_in(page, live_server, world.bob)
    response = page.goto(path)
    assert response.status == 200
    assert_no_axe_violations(page)


def test_find_a_slot_then_book_it(page, live_server, world):
    start, _end = local_slot(2, 11)
    log_in(page, live_server, world.bob)
    page.goto("/reservations/trouver/")
    page.get_by_label("Date").fill(start.date().isoformat())
    page.get_by_label("Heure de début").fill("11:00")
    page.get_by_label("Nombre de personnes").fill("20")
    page.get_by_role("button", name="Chercher").click()
    expect(page.locator("#booking-status")).to_have_text("1 salle libre")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Réserver Salle Verte").click()
    expect(page.get_by_label("Nombre de personnes")).to_have_value("20")
    expect(page.get_by_label("Heure de début")).to_have_value("11:00")


def test_booking_pages_reflow_at_320_css_pixels(make_page, live_server, world):
    # WCAG 1.4.10: the grids scroll inside their own region, the page itself does not.
    page = make_page(viewport={"width": 320, "height": 640})
    start, end = local_slot(1, 10)
    booking = BookingFactory(
        space=world.room, structure=world.bleu, booked_by=world.bob, start=start, end=end
    )
    log_in(page, live_server, world.bob)
    overflowing = {}
    for path in [
        week_url(world, start.date()),
        "/reservations/lieux/friche-des-tanneurs/jour/",
        f"/reservations/espaces/{world.room.pk}/reserver/",
        "/reservations/trouver/",
        "/reservations/mes-reservations/",
        f"/reservations/reservation/{booking.pk}/",
    ]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            overflowing[path] = width
    assert not overflowing, f"pages wider than the 320 px viewport: {overflowing}"
