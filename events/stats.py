"""Occupancy rates of the bookable rooms: booked time over open time.

    hours rate = confirmed booked hours inside the opening hours / open hours
    days rate  = open days with at least one confirmed booking / open days

The denominator comes from events.rules.open_intervals_bulk (opening hours minus closed periods),
so a room closed for works in August is not "empty" in August. Only the part of a booking that
falls inside the opening hours counts, hence a rate never exceeds 100 %. Pending, refused and
cancelled bookings do not count.

Only the days of the site's occupancy count: none before its occupancy start, none after its end.

Every function reads three queries whatever the number of rooms, days and bookings: opening
hours, closed periods, and the bookings' (space, start, end) values; a fourth reads the sites'
occupancy dates unless the rooms come with their site loaded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from events.models import Booking
from events.rules import at, local_tz, open_intervals_bulk
from sites.models import Site, Space

MIDNIGHT = datetime.min.time()


@dataclass
class Rate:
    """Open and booked time of one room (or a sum of rooms) over one period."""

    open_minutes: int = 0
    booked_minutes: int = 0
    open_days: int = 0
    booked_days: int = 0

    def __iadd__(self, other: Rate) -> Rate:
        self.open_minutes += other.open_minutes
        self.booked_minutes += other.booked_minutes
        self.open_days += other.open_days
        self.booked_days += other.booked_days
        return self

    @property
    def open_hours(self) -> Decimal:
        return _hours(self.open_minutes)

    @property
    def booked_hours(self) -> Decimal:
        return _hours(self.booked_minutes)

    @property
    def hours_rate(self) -> Decimal | None:
        """Percentage of open hours booked, one decimal; None when the room never opened."""
        return _percent(self.booked_minutes, self.open_minutes)

    @property
    def days_rate(self) -> Decimal | None:
        return _percent(self.booked_days, self.open_days)


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _overlap_minutes(start: datetime, end: datetime, intervals) -> float:
    total = 0.0
    for open_start, open_end in intervals:
        lo, hi = max(start, open_start), min(end, open_end)
        if hi > lo:
            total += (hi - lo).total_seconds() / 60
    return total


def _occupancy_periods(spaces: Sequence[Space]) -> dict[int, tuple[date | None, date | None]]:
    """{site_id: (occupancy start, occupancy end)}: from the spaces' loaded sites when every one
    is loaded (a prefetch from the site loads it), otherwise one query."""
    site_field = Space._meta.get_field("site")
    if all(site_field.is_cached(space) for space in spaces):
        return {
            space.site_id: (space.site.occupancy_start, space.site.occupancy_end)
            for space in spaces
        }
    return {
        pk: (start, end)
        for pk, start, end in Site.objects.filter(
            pk__in={space.site_id for space in spaces}
        ).values_list("pk", "occupancy_start", "occupancy_end")
    }


def clip_to_occupancy(
    start_day: date, end_day: date, occupancy_start: date | None, occupancy_end: date | None
) -> tuple[date, date] | None:
    """The part of [start_day, end_day] inside a site's occupancy: none of it before the
    occupancy's start, none after its end (an unknown date bounds nothing); None when nothing
    is left. The one rule every rate follows (the site page's, the managers' statistics)."""
    if occupancy_start is not None:
        start_day = max(start_day, occupancy_start)
    if occupancy_end is not None:
        end_day = min(end_day, occupancy_end)
    return (start_day, end_day) if start_day <= end_day else None


def _drop_days_outside_occupancy(
    spaces: Sequence[Space], intervals: dict[int, dict[date, list]]
) -> None:
    """Remove, in place, the days before the site's occupancy start and after its end: a site
    that opened in June has no open hours, hence no empty ones, in January."""
    periods = _occupancy_periods(spaces)
    for space in spaces:
        start, end = periods.get(space.site_id, (None, None))
        days = intervals[space.pk]
        if (start is None and end is None) or not days:
            continue
        kept = clip_to_occupancy(min(days), max(days), start, end)
        intervals[space.pk] = {
            day: day_intervals
            for day, day_intervals in days.items()
            if kept is not None and kept[0] <= day <= kept[1]
        }


def daily_usage(
    spaces: Sequence[Space], start_day: date, end_day: date
) -> dict[int, dict[date, tuple[int, int]]]:
    """{space_id: {day: (open minutes, booked minutes)}} for every day of [start_day, end_day].

    The database sums the bookings per room and per day (at most rooms × days rows, whatever
    the number of bookings). Booked time is clipped to the opening hours exactly for a day with
    one booking or whose bookings all fall in one opening interval (the services refuse any
    booking outside the hours, so that is nearly every day); otherwise it is bounded by both
    the bookings' total and the open time between the first start and the last end.
    """
    spaces = list(spaces)
    if not spaces or end_day < start_day:
        return {}
    tz = local_tz()
    intervals = open_intervals_bulk(spaces, start_day, end_day)
    _drop_days_outside_occupancy(spaces, intervals)
    period_start = at(start_day, MIDNIGHT)
    period_end = at(end_day + timedelta(days=1), MIDNIGHT)
    booked: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    groups = (
        Booking.objects.filter(
            space_id__in=[space.pk for space in spaces],
            status=Booking.Status.CONFIRMED,
            start__lt=period_end,
            end__gt=period_start,
        )
        .annotate(day=TruncDate("start", tzinfo=tz))
        .values("space_id", "day")
        .annotate(
            count=Count("pk"),
            first=Min("start"),
            last=Max("end"),
            total=Sum(ExpressionWrapper(F("end") - F("start"), output_field=DurationField())),
        )
        .order_by()
    )
    for group in groups:
        space_id, first, last = group["space_id"], group["first"], group["last"]
        per_day = intervals[space_id]
        if group["count"] == 1:
            # One booking: clip it to each day it covers.
            day = max(group["day"], start_day)
            final = min(last.astimezone(tz).date(), end_day)
            while day <= final:
                minutes = _overlap_minutes(first, last, per_day.get(day, ()))
                if minutes:
                    booked[space_id][day] += minutes
                day += timedelta(days=1)
            continue
        day = group["day"]
        if day < start_day:
            continue
        total = group["total"].total_seconds() / 60
        booked[space_id][day] += min(total, _overlap_minutes(first, last, per_day.get(day, ())))
    result: dict[int, dict[date, tuple[int, int]]] = {}
    for space in spaces:
        days = {}
        for day, day_intervals in intervals[space.pk].items():
            open_minutes = sum((b - a).total_seconds() for a, b in day_intervals) / 60
            days[day] = (round(open_minutes), round(booked[space.pk].get(day, 0)))
        result[space.pk] = days
    return result


def _accumulate(rate: Rate, open_minutes: int, booked_minutes: int) -> None:
    if not open_minutes:
        return
    rate.open_minutes += open_minutes
    rate.booked_minutes += min(booked_minutes, open_minutes)
    rate.open_days += 1
    rate.booked_days += 1 if booked_minutes else 0


def period_rates(spaces: Sequence[Space], start_day: date, end_day: date) -> dict[int, Rate]:
    """The rate of each room over [start_day, end_day]."""
    rates = {space.pk: Rate() for space in spaces}
    for space_id, days in daily_usage(spaces, start_day, end_day).items():
        for open_minutes, booked_minutes in days.values():
            _accumulate(rates[space_id], open_minutes, booked_minutes)
    return rates


@dataclass
class YearStats:
    year: int
    months: list[date]  # the first day of each month
    by_space: dict[int, list[Rate]]  # twelve rates per room
    space_totals: dict[int, Rate]
    month_totals: list[Rate]  # all rooms together, per month
    total: Rate


def year_stats(spaces: Sequence[Space], year: int) -> YearStats:
    """Rates of each room and of all rooms, month by month over a calendar year."""
    spaces = list(spaces)
    months = [date(year, month, 1) for month in range(1, 13)]
    by_space = {space.pk: [Rate() for _m in months] for space in spaces}
    usage = daily_usage(spaces, date(year, 1, 1), date(year, 12, 31))
    for space_id, days in usage.items():
        for day, (open_minutes, booked_minutes) in days.items():
            _accumulate(by_space[space_id][day.month - 1], open_minutes, booked_minutes)
    space_totals = {}
    month_totals = [Rate() for _m in months]
    total = Rate()
    for space_id, rates in by_space.items():
        space_total = Rate()
        for index, rate in enumerate(rates):
            space_total += rate
            month_totals[index] += rate
        space_totals[space_id] = space_total
        total += space_total
    return YearStats(year, months, by_space, space_totals, month_totals, total)


def bookable_spaces_of(site: Site) -> list[Space]:
    """The site's bookable rooms, from the prefetched spaces when the caller prefetched them."""
    return [space for space in site.spaces.all() if space.is_bookable]


def last_twelve_months(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    try:
        start = today.replace(year=today.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28) + timedelta(days=1)
    return start, today


def public_period(site: Site, today: date | None = None) -> tuple[date, date] | None:
    """The period the site page's rate covers: the last twelve months cut to the site's
    occupancy (clip_to_occupancy), so from its opening at the earliest and to its end at the
    latest. None when the site has not opened yet (its start is after today, or it is still
    scouted or prepared without a start date) or ended more than a year ago."""
    start, end = last_twelve_months(today)
    not_started = (Site.Status.SCOUTING, Site.Status.PREPARATION)
    if site.occupancy_start is None and site.status in not_started:
        return None
    return clip_to_occupancy(start, end, site.occupancy_start, site.occupancy_end)


@dataclass
class RoomsTogether:
    """All the bookable rooms of a site together over a period, and month by month."""

    total: Rate
    months: dict[date, Rate]  # the first day of each month with an open day → its rate


def rooms_together(spaces: Sequence[Space], start_day: date, end_day: date) -> RoomsTogether:
    """The rooms' rates added up, over the period and per month (the site page's rate, the
    impact report's occupancy and its monthly chart: one rule for all).

    Hours add up over the rooms; a day counts once: open when any room is open, booked when
    any room is booked (so "12 jours réservés sur 180 jours d'ouverture" are calendar days,
    not rooms × days)."""
    total = Rate()
    months: dict[date, Rate] = {}
    open_days: set[date] = set()
    booked_days: set[date] = set()
    for days in daily_usage(spaces, start_day, end_day).values():
        for day, (open_minutes, booked_minutes) in days.items():
            if not open_minutes:
                continue
            booked = min(booked_minutes, open_minutes)
            month = months.setdefault(day.replace(day=1), Rate())
            month.open_minutes += open_minutes
            month.booked_minutes += booked
            total.open_minutes += open_minutes
            total.booked_minutes += booked
            open_days.add(day)
            if booked_minutes:
                booked_days.add(day)
    for day in open_days:
        months[day.replace(day=1)].open_days += 1
    for day in booked_days:
        months[day.replace(day=1)].booked_days += 1
    total.open_days, total.booked_days = len(open_days), len(booked_days)
    return RoomsTogether(total, dict(sorted(months.items())))


def site_rate(site: Site, start_day: date, end_day: date) -> Rate | None:
    """All the bookable rooms of a site together over a period (rooms_together); None if it
    has none."""
    spaces = bookable_spaces_of(site)
    if not spaces:
        return None
    return rooms_together(spaces, start_day, end_day).total


# The site page's yearly rate walks every open day of every room: cached per site, per period
# (public_period: it moves with the day and with the site's occupancy dates) and per set of
# bookable rooms (a room made bookable or not changes the key). A booking made today shows in
# the public figure within SITE_RATE_CACHE_SECONDS.
SITE_RATE_CACHE_SECONDS = 60 * 60


def cached_site_rate(site: Site, start_day: date, end_day: date) -> Rate | None:
    """site_rate() through Django's cache: no query and no loop on a hit."""
    spaces = bookable_spaces_of(site)
    if not spaces:
        return None
    rooms = "-".join(str(space.pk) for space in sorted(spaces, key=lambda space: space.pk))
    key = f"events:site-rate:v2:{site.pk}:{start_day:%Y%m%d}:{end_day:%Y%m%d}:{rooms}"
    rate = cache.get(key)
    if rate is None:
        rate = site_rate(site, start_day, end_day)
        cache.set(key, rate, SITE_RATE_CACHE_SECONDS)
    return rate
