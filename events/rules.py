"""Which rules apply to a space, and when it is open.

Rules: the space's own BookingRules row if it has one, else its site's, else DEFAULT_RULES.
Opening hours: the space's rows if it has any, else its site's, else DEFAULT_OPENING_HOURS.
Closed periods of the site and of the space are cut out of the opening hours.

A site's rules, opening hours and closed periods ("its booking setup") change a few times a
year and are read by every booking page and every booking: they are kept in Django's cache per
site (BOOKING_SETUP_CACHE_SECONDS) and dropped when one of their rows is saved or deleted
(signals connected in EventsConfig.ready, again after the commit) or rewritten in bulk here.
The booking form reads its room (with the room's site) the same way: bookable_space().
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from events.models import BookingRules, ClosedPeriod, OpeningHours
from sites.models import Site, Space

Interval = tuple[datetime, datetime]

# A site that has set nothing is open every day from 08:00 to 20:00.
DEFAULT_OPENING_HOURS: dict[int, list[tuple[time, time]]] = {
    weekday: [(time(8), time(20))] for weekday in range(7)
}


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def at(day: date, moment: time) -> datetime:
    """The aware datetime of a wall-clock time on a day in Paris (DST handled by zoneinfo)."""
    return datetime.combine(day, moment, tzinfo=local_tz())


def default_rules(site_id: int | None = None) -> BookingRules:
    return BookingRules(site_id=site_id)


def effective_rules(space: Space) -> BookingRules:
    return effective_rules_bulk([space])[space.pk]


@dataclass
class SiteSetup:
    """Every BookingRules, OpeningHours and ClosedPeriod row of one site."""

    rules: list[BookingRules] = field(default_factory=list)
    hours: list[OpeningHours] = field(default_factory=list)
    closed: list[ClosedPeriod] = field(default_factory=list)


def _setup_key(site_id: int) -> str:
    return f"booking-setup:{site_id}"


# A booking page or a booking reads its site's setup several times (the rules, the opening
# hours, the closed periods): during a request, the first read is kept for the others, so the
# shared cache is read once. Set at request_started, dropped at request_finished
# (EventsConfig.ready); outside a request every call reads the cache.
_request = Local()


def start_request(**kwargs) -> None:
    _request.setups = {}


def end_request(**kwargs) -> None:
    _request.setups = None


def site_setups(site_ids: Iterable[int]) -> dict[int, SiteSetup]:
    """The booking setup of each site: read in this request already, else from the cache, else
    three queries for the missing."""
    site_ids = set(site_ids)
    seconds = getattr(settings, "BOOKING_SETUP_CACHE_SECONDS", 0)
    memo = getattr(_request, "setups", None)
    found: dict[int, SiteSetup] = {}
    if memo:
        found = {site_id: memo[site_id] for site_id in site_ids if site_id in memo}
    wanted = site_ids - found.keys()
    if seconds > 0 and wanted:
        keys = {_setup_key(site_id): site_id for site_id in wanted}
        found |= {keys[key]: value for key, value in cache.get_many(list(keys)).items()}
    missing = site_ids - found.keys()
    if missing:
        loaded = {site_id: SiteSetup() for site_id in missing}
        for row in BookingRules.objects.filter(site_id__in=missing):
            loaded[row.site_id].rules.append(row)
        for row in OpeningHours.objects.filter(site_id__in=missing).order_by("opens"):
            loaded[row.site_id].hours.append(row)
        for row in ClosedPeriod.objects.filter(site_id__in=missing).order_by("start"):
            loaded[row.site_id].closed.append(row)
        if seconds > 0:
            cache.set_many({_setup_key(k): v for k, v in loaded.items()}, seconds)
        found.update(loaded)
    if memo is not None:
        memo.update(found)
    return found


def forget_setup(site_id: int | None) -> None:
    """Drop a site's cached setup, now and after the current transaction commits (a request
    reading the old rows in between must not leave them cached)."""
    if site_id is None:
        return
    memo = getattr(_request, "setups", None)
    if memo:
        memo.pop(site_id, None)
    key = _setup_key(site_id)
    cache.delete(key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete(key), robust=True)


def on_setup_change(sender, instance, **kwargs) -> None:
    """post_save / post_delete receiver for BookingRules, OpeningHours and ClosedPeriod."""
    if not kwargs.get("raw"):
        forget_setup(instance.site_id)


def _space_key(space_id: int) -> str:
    return f"booking-space:{space_id}"


def bookable_space(space_id) -> Space | None:
    """The bookable space `space_id` with its site, or None: from the cache, else one query.
    The booking form and every booking POST read it; a room's row changes rarely."""
    try:
        space_id = int(space_id)
    except (TypeError, ValueError):
        return None
    seconds = getattr(settings, "BOOKING_SETUP_CACHE_SECONDS", 0)
    key = _space_key(space_id)
    space = cache.get(key) if seconds > 0 else None
    if space is None:
        space = Space.objects.select_related("site").filter(pk=space_id).first()
        if space is None:
            return None
        if seconds > 0:
            cache.set(key, space, seconds)
    return space if space.is_bookable else None


def forget_spaces(space_ids: Iterable[int]) -> None:
    """Drop cached spaces, now and again after the current transaction commits."""
    keys = [_space_key(space_id) for space_id in space_ids]
    if not keys:
        return
    cache.delete_many(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


def on_space_change(sender, instance, **kwargs) -> None:
    """post_save / post_delete receiver for Space and Site (a site's spaces hold a copy of it)."""
    if kwargs.get("raw"):
        return
    if isinstance(instance, Space):
        forget_spaces([instance.pk])
    elif instance.pk is not None:
        forget_spaces(Space.objects.filter(site_id=instance.pk).values_list("pk", flat=True))


def effective_rules_bulk(spaces: Sequence[Space]) -> dict[int, BookingRules]:
    """The rules of each space (one query at most, none from the cache)."""
    setups = site_setups(space.site_id for space in spaces)
    by_space, by_site = {}, {}
    for setup in setups.values():
        for row in setup.rules:
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
    setup = site_setups([rules.site_id])[rules.site_id]
    own_rules = [row.space_id for row in setup.rules if row.space_id]
    return Q(site_id=rules.site_id) & ~Q(space_id__in=own_rules)


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
    created = OpeningHours.objects.bulk_create(rows)
    forget_setup(site_id)  # bulk_create sends no signal
    return created


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
    """Each space's weekly hours {weekday: [(opens, closes)]} (one query at most)."""
    setups = site_setups(space.site_id for space in spaces)
    site_hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    space_hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for row in sorted((r for s in setups.values() for r in s.hours), key=lambda r: r.opens):
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
    """The closed periods touching [start, end) that apply to each space (one query at most)."""
    setups = site_setups(space.site_id for space in spaces)
    periods = sorted(
        (p for s in setups.values() for p in s.closed if p.start < end and p.end > start),
        key=lambda p: p.start,
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
    opening hours minus closed periods, as aware datetimes. Three queries at most whatever the
    sizes, none when the sites' setups are cached."""
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
