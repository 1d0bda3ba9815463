"""The booking grid in a real browser: a range picked with two clicks or with the keyboard fills
the form; focus follows htmx navigation (the caption) and server errors (the error summary); a
skip link jumps over the grid; cancelling asks first, without JavaScript too. axe finds no
WCAG 2.1 A/AA issue at 375 and 1280 px."""

from datetime import timedelta

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from events.models import Booking
from tests.browser import test_booking, test_booking_manager
from tests.browser.a11y import assert_no_axe_violations
from tests.browser.test_booking import log_in, slot_link_name, week_url
from tests.events.factories import BookingFactory, local_slot

world = test_booking.world  # the same site, room and members as the booking tests
w = test_booking_manager.w  # a site with a manager, rooms and pending requests
booking_world = test_booking_manager.booking_world

WIDTHS = [375, 1280]


def slot(page, world, start):
    return page.get_by_role("link", name=slot_link_name(world.room, start))


def caption_of_week(room, monday) -> str:
    with translation.override("fr"):
        first = formats.date_format(monday, "j F Y")
    return f"{room.name}, semaine du {first}"


@pytest.mark.parametrize("width", WIDTHS)
def test_two_clicks_pick_a_range_and_fill_the_form(make_page, live_server, world, width):
    page = make_page(viewport={"width": width, "height": 900})
    start, _end = local_slot(2, 14)
    log_in(page, live_server, world.bob)
    page.goto(week_url(world, start.date()))

    first = slot(page, world, start)
    first.click()
    # The start is marked and announced; focus stays in the grid for the end.
    expect(first).to_have_attribute("aria-current", "true")
    expect(page.locator("td.slot-start")).to_have_count(1)
    expect(page.locator("#booking-status")).to_contain_text("Début choisi")
    expect(first).to_be_focused()
    expect(page.get_by_label("Heure de début")).to_have_value("14:00")

    slot(page, world, start + timedelta(minutes=90)).click()
    expect(page.locator("#booking-panel .booking-form-title")).to_be_focused()
    expect(page.get_by_label("Durée")).to_have_value("120")
    expect(page.locator("td.slot-in-range")).to_have_count(4)
    assert_no_axe_violations(page)

    page.get_by_label("Objet de la réservation").fill("Atelier long")
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("confirmée")
    booking = Booking.objects.get()
    assert (booking.start, booking.end) == (start, start + timedelta(hours=2))


def test_the_keyboard_moves_in_the_grid_and_picks_a_range(page, live_server, world):
    start, _end = local_slot(2, 14)
    log_in(page, live_server, world.bob)
    page.goto(week_url(world, start.date()))
    # One tab stop for the whole grid.
    expect(page.locator("a[data-slot-link][tabindex='0']")).to_have_count(1)

    slot(page, world, start).focus()
    page.keyboard.press("ArrowDown")
    expect(slot(page, world, start + timedelta(minutes=30))).to_be_focused()
    # Sideways to the next day, or the day before on a Sunday (the last column), and back.
    aside, back = ("ArrowRight", "ArrowLeft")
    if start.weekday() == 6:
        aside, back = back, aside
    page.keyboard.press(aside)
    other_day = start + timedelta(days=1 if aside == "ArrowRight" else -1, minutes=30)
    expect(slot(page, world, other_day)).to_be_focused()
    page.keyboard.press(back)
    here = slot(page, world, start + timedelta(minutes=30))
    expect(here).to_be_focused()
    expect(here).to_have_attribute("tabindex", "0")

    page.keyboard.press("Space")
    expect(page.locator("td.slot-start")).to_have_count(1)
    expect(here).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(slot(page, world, start + timedelta(minutes=90))).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#booking-panel .booking-form-title")).to_be_focused()
    expect(page.get_by_label("Heure de début")).to_have_value("14:30")
    expect(page.get_by_label("Durée")).to_have_value("90")


@pytest.mark.parametrize("width", WIDTHS)
def test_after_an_htmx_week_change_focus_is_on_the_caption(make_page, live_server, world, width):
    page = make_page(viewport={"width": width, "height": 900})
    start, _end = local_slot(2, 14)
    log_in(page, live_server, world.bob)
    page.goto(week_url(world, start.date()))
    monday = start.date() - timedelta(days=start.weekday())

    page.get_by_role("link", name="Semaine suivante").click()
    caption = page.locator("#grid-caption")
    expect(caption).to_contain_text(caption_of_week(world.room, monday + timedelta(days=7)))
    expect(caption).to_be_focused()
    next_monday = monday + timedelta(days=7)
    expect(page).to_have_url(f"{live_server.url}{week_url(world, next_monday)}")
    assert_no_axe_violations(page)


def test_the_day_view_focuses_its_caption_too(page, live_server, world):
    log_in(page, live_server, world.bob)
    page.goto(f"/reservations/lieux/{world.site.slug}/jour/")
    page.get_by_role("link", name="Jour suivant").click()
    with translation.override("fr"):
        tomorrow = formats.date_format(timezone.localdate() + timedelta(days=1), "l j F Y")
    caption = page.locator("#grid-caption")
    expect(caption).to_contain_text(tomorrow)
    expect(caption).to_be_focused()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_skip_link_jumps_over_the_grid_to_the_form(make_page, live_server, world, width):
    page = make_page(viewport={"width": width, "height": 900})
    log_in(page, live_server, world.bob)
    page.goto(week_url(world, timezone.localdate()))
    skip = page.get_by_role("link", name="Passer le tableau et aller au formulaire de réservation")
    skip.focus()
    expect(skip).to_be_in_viewport()
    assert skip.bounding_box()["width"] > 50  # visible once focused
    assert_no_axe_violations(page)
    page.keyboard.press("Enter")
    expect(page.locator("#booking-panel")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Ou ouvrir le formulaire vide")).to_be_focused()


@pytest.mark.parametrize("width", WIDTHS)
def test_after_a_server_error_focus_is_on_the_error_summary(make_page, live_server, world, width):
    page = make_page(viewport={"width": width, "height": 900})
    start, end = local_slot(2, 10)
    log_in(page, live_server, world.bob)
    page.goto(week_url(world, start.date()))
    first = slot(page, world, start)
    first.click()
    first.click()  # the same cell twice: a one-slot range
    expect(page.locator("#booking-panel .booking-form-title")).to_be_focused()
    page.get_by_label("Objet de la réservation").fill("Réunion")
    BookingFactory(space=world.room, structure=world.vert, start=start, end=end)
    page.get_by_role("button", name="Réserver", exact=True).click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("déjà réservé")
    expect(summary).to_be_focused()
    assert_no_axe_violations(page)

    # A missing field: the summary links to it.
    page.get_by_label("Objet de la réservation").fill("")
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Objet de la réservation").click()
    expect(page.get_by_label("Objet de la réservation")).to_be_focused()


@pytest.mark.parametrize("width", WIDTHS)
def test_cancelling_asks_for_confirmation(make_page, live_server, world, width):
    page = make_page(viewport={"width": width, "height": 900})
    start, end = local_slot(2, 10)
    booking = BookingFactory(
        space=world.room, structure=world.bleu, booked_by=world.bob, start=start, end=end
    )
    log_in(page, live_server, world.bob)
    page.goto(f"/reservations/reservation/{booking.pk}/")
    page.get_by_role("link", name="Annuler la réservation…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annuler la réservation")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Non, garder la réservation").click()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Réservation {booking.reference}")


def test_cancelling_without_javascript_asks_then_cancels(make_page, live_server, world):
    page = make_page(java_script_enabled=False)
    start, end = local_slot(2, 10)
    booking = BookingFactory(
        space=world.room, structure=world.bleu, booked_by=world.bob, start=start, end=end
    )
    log_in(page, live_server, world.bob)
    page.goto(f"/reservations/reservation/{booking.pk}/")
    page.get_by_role("link", name="Annuler la réservation…").click()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    page.get_by_role("button", name="Oui, annuler la réservation").click()
    expect(page.locator(".messages")).to_contain_text(f"Réservation {booking.reference} annulée.")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


@pytest.mark.parametrize("kind", ["manager calendar", "week grid"])
def test_at_320_px_tables_scroll_inside_their_region_caption_in_view(
    make_page, live_server, w, kind
):
    page = make_page(viewport={"width": 320, "height": 640})
    start, end = local_slot(1, 10)
    BookingFactory(space=w.salle_jaune, structure=None, outside_name="Cie", start=start, end=end)
    if kind == "manager calendar":
        test_booking_manager.log_in(page, live_server, w.mara)
        page.goto(f"/reservations/gestion/lieux/{w.site_a.slug}/calendrier/")
        caption = page.locator("#calendar-caption")
    else:
        test_booking_manager.log_in(page, live_server, w.bob)
        page.goto(f"/reservations/espaces/{w.salle_jaune.pk}/semaine/")
        caption = page.locator("#grid-caption")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    region = page.get_by_role("region", name=caption.inner_text())
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # it does scroll
    region.evaluate("r => { r.scrollLeft = r.scrollWidth; }")
    box, frame = caption.bounding_box(), region.bounding_box()
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    assert_no_axe_violations(page)
