"""Which rules apply to a space, and when it is open.

Rules: the space's own BookingRules row if it has one, else its site's, else DEFAULT_RULES.
Opening hours: the space's rows if it has any, else its site's, else DEFAULT_OPENING_HOURS.
Closed periods of the site and of the space are cut out of the opening hours.

Each of them is one query whatever the number of spaces.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from events.models import BookingRules, ClosedPeriod, OpeningHours
from sites.models import Site, Space

Interval = tuple[datetime, datetime]

# A site that has set nothing is open every day from 08:00 to 20:00.
DEFAULT_OPENING_HOURS: dict[int, list[tuple[time, time]]] = {
    weekday: [(time(8), time(20))] for weekday in range(7)
}


def local_tz() -> ZoneInfo:
    """The sites' zone (TIME_ZONE): Django's default time zone, built once (and again when a
    test changes the setting) rather than at each call: a week grid asks for it thousands of
    times."""
    return timezone.get_default_timezone()


def at(day: date, moment: time) -> datetime:
    """The aware datetime of a wall-clock time on a day in Paris (DST handled by zoneinfo)."""
    return datetime.combine(day, moment, tzinfo=local_tz())


def default_rules(site_id: int | None = None) -> BookingRules:
    return BookingRules(site_id=site_id)


def effective_rules(space: Space) -> BookingRules:
    return effective_rules_bulk([space])[space.pk]


def effective_rules_bulk(spaces: Sequence[Space]) -> dict[int, BookingRules]:
    """The rules of each space (one query)."""
    by_space, by_site = {}, {}
    for row in BookingRules.objects.filter(site_id__in={space.site_id for space in spaces}):
        if row.space_id:
            by_space[row.space_id] = row
        else:
            by_site[row.site_id] = row
    return {
        space.pk: by_space.get(space.pk)
        or by_site.get(space.site_id)
        or default_rules(space.site_id)
        for space in spaces
    }


def quota_scope(rules: BookingRules) -> Q:
    """The bookings (of every structure) that the quotas of a rules row count: those of the
    rooms these rules govern, the only rooms whose bookings check that quota. A room's own
    rules: that room alone. A site's rules: every room of the site that has no rules of its
    own (such a room follows its own rules, quota included, as it does for everything else).
    Whichever room of the scope is booked, the same rules row, hence the same quota, applies."""
    if rules.space_id is not None:
        return Q(space_id=rules.space_id)
    own_rules = BookingRules.objects.filter(site_id=rules.site_id, space__isnull=False)
    return Q(site_id=rules.site_id) & ~Q(space_id__in=own_rules.values("space_id"))


def set_opening_hours(
    target: Site | Space,
    weekdays: Iterable[int],
    opens: time,
    closes: time,
    *,
    replace: bool = True,
) -> list[OpeningHours]:
    """Set the same hours on several weekdays of a site (its default) or of a space.
    replace=True drops the target's previous intervals on those days; replace=False adds one
    more interval (a lunch break: 08:00–12:00 then, with replace=False, 14:00–19:00)."""
    if isinstance(target, Space):
        site_id, space_id = target.site_id, target.pk
    else:
        site_id, space_id = target.pk, None
    weekdays = sorted(set(weekdays))
    rows = [
        OpeningHours(site_id=site_id, space_id=space_id, weekday=wd, opens=opens, closes=closes)
        for wd in weekdays
    ]
    for row in rows:
        row.full_clean(exclude=["site", "space"])
    if replace:
        OpeningHours.objects.filter(
            site_id=site_id, space_id=space_id, weekday__in=weekdays
        ).delete()
    return OpeningHours.objects.bulk_create(rows)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    result = intervals
    for hole_start, hole_end in holes:
        cut: list[Interval] = []
        for start, end in result:
            if hole_end <= start or hole_start >= end:
                cut.append((start, end))
                continue
            if start < hole_start:
                cut.append((start, hole_start))
            if hole_end < end:
                cut.append((hole_end, end))
        result = cut
    return result


def opening_hours_bulk(spaces: Sequence[Space]) -> dict[int, dict[int, list[tuple[time, time]]]]:
    """Each space's weekly hours {weekday: [(opens, closes)]} (one query)."""
    site_hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    space_hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    rows = OpeningHours.objects.filter(site_id__in={space.site_id for space in spaces})
    for row in rows.order_by("opens"):
        target = space_hours[row.space_id] if row.space_id else site_hours[row.site_id]
        target[row.weekday].append((row.opens, row.closes))
    result = {}
    for space in spaces:
        if space.pk in space_hours:
            result[space.pk] = dict(space_hours[space.pk])
        elif space.site_id in site_hours:
            result[space.pk] = dict(site_hours[space.site_id])
        else:
            result[space.pk] = DEFAULT_OPENING_HOURS
    return result


def closed_periods_bulk(
    spaces: Sequence[Space], start: datetime, end: datetime
) -> dict[int, list[ClosedPeriod]]:
    """The closed periods touching [start, end) that apply to each space (one query)."""
    periods = list(
        ClosedPeriod.objects.filter(
            site_id__in={space.site_id for space in spaces}, start__lt=end, end__gt=start
        ).order_by("start")
    )
    return {
        space.pk: [
            p
            for p in periods
            if p.site_id == space.site_id and (p.space_id is None or p.space_id == space.pk)
        ]
        for space in spaces
    }


def open_intervals_bulk(
    spaces: Sequence[Space],
    start_day: date,
    end_day: date,
    *,
    closed: dict[int, list[ClosedPeriod]] | None = None,
) -> dict[int, dict[date, list[Interval]]]:
    """{space_id: {day: [(start, end), ...]}} for every day from start_day to end_day included:
    opening hours minus closed periods, as aware datetimes. Two queries whatever the sizes (one
    when the caller gives the closed periods)."""
    spaces = list(spaces)
    if not spaces or end_day < start_day:
        return {space.pk: {} for space in spaces}
    hours = opening_hours_bulk(spaces)
    if closed is None:
        closed = closed_periods_bulk(
            spaces, at(start_day, time(0)), at(end_day + timedelta(days=1), time(0))
        )
    days = [start_day + timedelta(days=n) for n in range((end_day - start_day).days + 1)]
    result: dict[int, dict[date, list[Interval]]] = {}
    for space in spaces:
        holes = [(p.start, p.end) for p in closed[space.pk]]
        per_day: dict[date, list[Interval]] = {}
        for day in days:
            intervals = [
                (
                    at(day, opens),
                    at(day + timedelta(days=1), closes) if closes == time(0) else at(day, closes),
                )
                for opens, closes in hours[space.pk].get(day.weekday(), [])
            ]
            intervals = _merge(intervals)
            if holes:
                intervals = _subtract(intervals, holes)
            per_day[day] = intervals
        result[space.pk] = per_day
    return result


def open_intervals(space: Space, day: date) -> list[Interval]:
    """When a space can be booked on a day (aware datetimes, Europe/Paris)."""
    return open_intervals_bulk([space], day, day)[space.pk][day]


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two aware datetimes. (Python subtracts datetimes that share a tzinfo
    on their wall clocks: Sunday 28 March 2027 00:00 → Monday 00:00 would give 24 hours.)"""
    return end.astimezone(UTC) - start.astimezone(UTC)


def open_minutes(intervals: Iterable[Interval]) -> int:
    return int(sum(elapsed(start, end).total_seconds() for start, end in intervals) // 60)
