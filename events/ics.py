"""iCalendar (.ics) files of bookings, built with the icalendar library, VTIMEZONE included.

`build_calendar` serves the e-mail attachments here and the feeds (events.feeds): private=False
gives busy/free only, with no structure, purpose or person in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from events.models import Booking
from events.rules import local_tz

PRODID = "-//Interstices//Réservations//FR"


def booking_uid(booking: Booking, *, private: bool = True) -> str:
    """Stable per booking. A busy/free feed gets an opaque one: the reference stays private."""
    if private:
        return f"booking-{booking.pk}-{booking.reference}@interstices"
    mac = salted_hmac("events.ics.busy-uid", str(booking.pk), algorithm="sha256")
    digest = mac.hexdigest()[:24]
    return f"busy-{digest}@interstices"


def _event(booking: Booking, *, private: bool, stamp: datetime) -> Event:
    tz = local_tz()
    event = Event()
    event.add("uid", booking_uid(booking, private=private))
    event.add("dtstamp", stamp)
    event.add("dtstart", booking.start.astimezone(tz))
    event.add("dtend", booking.end.astimezone(tz))
    event.add("location", f"{booking.space.name}, {booking.site.name}")
    if private:
        summary = booking.purpose or _("Réservation %(ref)s") % {"ref": booking.reference}
        event.add("summary", f"{summary} — {booking.space.name}")
        lines = [
            _("Référence : %(ref)s") % {"ref": booking.reference},
            _("Pour : %(who)s") % {"who": booking.holder_name},
            _("Personnes : %(n)d") % {"n": booking.people},
        ]
        if booking.status == Booking.Status.PENDING:
            lines.append(_("En attente de validation par le lieu."))
        event.add("description", "\n".join(lines))
    else:
        event.add("summary", _("Occupé"))
        event.add("class", "PRIVATE")
    event.add("transp", "OPAQUE")
    status = {
        Booking.Status.CONFIRMED: "CONFIRMED",
        Booking.Status.PENDING: "TENTATIVE",
    }.get(booking.status, "CANCELLED")
    event.add("status", status)
    event.add("last-modified", booking.updated_at or stamp)
    return event


def new_calendar(*, name: str = "", method: str = "PUBLISH") -> Calendar:
    """An empty VCALENDAR with the project's PRODID, named for the calendar apps: the one way
    the booking files, the booking feeds and the agenda's feeds (events.agenda.ical) start."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def add_timezone(calendar: Calendar, first: datetime | None, last: datetime | None) -> None:
    """The VTIMEZONE of TIME_ZONE, its transitions from a year before `first` to a year after
    `last` only (so that the file stays small); without dates, around today."""
    if first is not None and last is not None:
        calendar.add_missing_timezones(
            first_date=(first - timedelta(days=366)).date(),
            last_date=(last + timedelta(days=366)).date(),
        )
        return
    today = timezone.localdate()
    calendar.add_component(
        Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=today - timedelta(days=366),
            last_date=today + timedelta(days=2 * 366),
        )
    )


def build_calendar(
    bookings: Iterable[Booking], *, name: str = "", private: bool = True, cancel: bool = False
) -> Calendar:
    """A VCALENDAR of the bookings (select_related("space", "site", "structure",
    "organisation") avoids a query per row). cancel=True makes a METHOD:CANCEL message."""
    calendar = new_calendar(name=name, method="CANCEL" if cancel else "PUBLISH")
    stamp = timezone.now().astimezone(UTC)
    first = last = None
    for booking in bookings:
        calendar.add_component(_event(booking, private=private, stamp=stamp))
        first = booking.start if first is None else min(first, booking.start)
        last = booking.end if last is None else max(last, booking.end)
    add_timezone(calendar, first, last)
    return calendar


def bookings_ics(bookings: Iterable[Booking], **kwargs) -> bytes:
    return build_calendar(bookings, **kwargs).to_ical()


def booking_ics(booking: Booking) -> bytes:
    return bookings_ics([booking], cancel=booking.status == Booking.Status.CANCELLED)
