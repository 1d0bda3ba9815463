"""events.ics: the .ics files parse back, in Paris time, with a VTIMEZONE; public ones hide all."""

from datetime import timedelta

import icalendar
import pytest

from events.ics import booking_ics, bookings_ics, build_calendar
from events.models import Booking
from tests.events.factories import PARIS, BookingFactory, local_slot

pytestmark = pytest.mark.django_db


def _parse(payload: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(payload)


def test_booking_ics_parses_back_in_paris_time():
    start, end = local_slot(3, 15)
    booking = BookingFactory(start=start, end=end, purpose="Assemblée générale")
    calendar = _parse(booking_ics(booking))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == start and event.decoded("DTEND") == end
    assert event.decoded("DTSTART").tzinfo.key == "Europe/Paris"
    assert "Assemblée générale" in str(event["SUMMARY"])
    assert booking.reference in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"


def test_public_calendar_shows_busy_only():
    booking = BookingFactory(purpose="Secret", status=Booking.Status.PENDING)
    payload = bookings_ics([booking], private=False).decode()
    assert "Secret" not in payload and booking.structure.name not in payload
    assert booking.reference not in payload  # nor in the UID
    event = _parse(payload.encode()).walk("VEVENT")[0]
    assert "Occupé" in event["SUMMARY"]
    # Stable from one download to the next, so calendar apps update rather than duplicate.
    again = _parse(bookings_ics([booking], private=False)).walk("VEVENT")[0]
    assert str(event["UID"]) == str(again["UID"])


def test_cancelled_booking_gives_a_cancel_message():
    booking = BookingFactory(status=Booking.Status.CANCELLED)
    calendar = _parse(booking_ics(booking))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_empty_calendar_still_has_the_timezone():
    calendar = _parse(build_calendar([], name="Vide").to_ical())
    assert calendar.walk("VTIMEZONE") and not calendar.walk("VEVENT")


def test_series_across_the_clock_change_keeps_local_hours():
    first = local_slot(3, 15)[0]
    rows = [
        BookingFactory(start=first + timedelta(weeks=n), end=first + timedelta(weeks=n, hours=1))
        for n in range(2)
    ]
    events = _parse(bookings_ics(rows)).walk("VEVENT")
    assert [e.decoded("DTSTART").astimezone(PARIS).hour for e in events] == [15, 15]
