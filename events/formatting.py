"""Bookings in words: days, slots, durations and hours as the e-mails, the pages and the
services' messages write them (in the active language, on the sites' wall clock)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from core.text import ordinal_day
from events.rules import local_tz


def local(moment: datetime) -> datetime:
    return moment.astimezone(local_tz())


def format_day(moment: datetime) -> str:
    """mardi 3 mars, lundi 1er juin (in the active language)."""
    return ordinal_day(formats.date_format(local(moment), "l j F"))


def format_slot(start: datetime, end: datetime) -> str:
    start_l, end_l = local(start), local(end)
    if start_l.date() == end_l.date() or (
        end_l.time() == time(0) and end_l - start_l <= timedelta(days=1)
    ):
        return _("le %(day)s de %(start)s à %(end)s") % {
            "day": format_day(start_l),
            "start": f"{start_l:%H:%M}",
            "end": f"{end_l:%H:%M}",
        }
    return _("du %(start_day)s %(start)s au %(end_day)s %(end)s") % {
        "start_day": format_day(start_l),
        "start": f"{start_l:%H:%M}",
        "end_day": format_day(end_l),
        "end": f"{end_l:%H:%M}",
    }


def format_minutes(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(m)d min") % {"m": rest}
    if not rest:
        return _("%(h)d h") % {"h": hours}
    return _("%(h)d h %(m)02d") % {"h": hours, "m": rest}


def format_hours(value: Decimal) -> str:
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return _("%(h)s h") % {"h": formats.number_format(value)}


def example_times(step: int) -> str:
    """Three wall-clock times on a grid of `step` minutes (14:00, 14:30, 15:00)."""
    first = datetime.combine(date(2000, 1, 1), time(14))
    return ", ".join(f"{first + timedelta(minutes=step * n):%H:%M}" for n in range(3))
