"""What a room's time looks like: the grids of the week and day views and the free-room search.
Reads only; writes go through events.services. Who may see them: Site.objects.bookable_by.

Every page builds its grid from three bulk reads whatever the number of bookings: the spaces,
their opening intervals (events.rules.open_intervals_bulk) and the active bookings of the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from math import gcd

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core.text import ordinal_day
from events.rules import at, local_tz
from sites.models import Space

# --- Grids --------------------------------------------------------------------------------

FREE, BOOKED, BUFFER, CLOSED, PAST = "free", "booked", "buffer", "closed", "past"
STATE_LABELS = {
    FREE: _("Libre"),
    BOOKED: _("Réservé"),
    BUFFER: _("Battement"),
    CLOSED: _("Fermé"),
    PAST: _("Passé"),
}


@dataclass(frozen=True)
class ColumnLinks:
    """What the free links of one grid column share, computed once a column rather than once a
    slot: the room's booking form URL, the translated link text with the room and the day
    filled in (a column is one day of one room in both grids)."""

    url: str  # the booking form's URL, ready for its ?debut= value
    label: str  # "Libre — réserver <room> le <day> à %(time)s", translated

    @classmethod
    def of(cls, space: Space, day: date) -> ColumnLinks:
        url = reverse("events:book", kwargs={"pk": space.pk})
        label = gettext("réserver %(space)s le %(day)s à %(time)s") % {
            "space": space.name.replace("%", "%%"),
            "day": day_label(day, get_language()).replace("%", "%%"),
            "time": "%(time)s",
        }
        return cls(url=f"{url}?debut=", label=f"{STATE_LABELS[FREE]} — {label}")


@dataclass
class Slot:
    """One cell of a grid. What a template reads of it is computed once (cached_property): the
    grid's markup reads a free slot's link twice, and a grid has a few hundred slots."""

    space: Space
    start: datetime
    end: datetime
    state: str
    booking: object | None = None
    # The first slot of a booking carries its description and spans the rows of the following
    # ones (`rows`), which write no cell of their own.
    first: bool = False
    rows: int = 1
    # A booking can start here: free, on the room's slot grid, within notice and horizon,
    # and the shortest allowed booking (plus the buffer after it) fits before the next one.
    selectable: bool = False
    # The column's shared link parts (selectable slots only).
    links: ColumnLinks | None = None

    @cached_property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @cached_property
    def hours(self) -> str:
        """A booked slot's booking hours on the wall clock, as "10:00–11:30"."""
        return f"{_local(self.booking.start):%H:%M}–{_local(self.booking.end):%H:%M}"

    @cached_property
    def param(self) -> str:
        """The slot's start as the booking form's ?debut= parameter (local wall-clock time)."""
        return _local(self.start).strftime("%Y-%m-%dT%H:%M")

    @cached_property
    def end_param(self) -> str:
        """The slot's end, in the same form: the booking form's ?fin= when it ends a range."""
        return _local(self.end).strftime("%Y-%m-%dT%H:%M")

    @cached_property
    def book_url(self) -> str:
        """The booking form prefilled with this slot."""
        links = self.links or ColumnLinks.of(self.space, _local(self.start).date())
        return f"{links.url}{self.param}"

    @cached_property
    def book_label(self) -> str:
        """What the free slot's link says to a screen reader (templates/events/_slot_rows.html):
        "Libre — réserver <room> le <day> à <time>", the column's text with the slot's time."""
        links = self.links or ColumnLinks.of(self.space, _local(self.start).date())
        return links.label % {"time": self.param[-5:]}  # the "H:i" format


@lru_cache(maxsize=512)
def day_label(day: date, language: str | None) -> str:
    """`day|date:"l j F"` in the given language (the same for every slot of a grid column)."""
    return ordinal_day(date_format(day, "l j F"), language)


@dataclass
class Column:
    """One day of a room (week view) or one room on a day (day view)."""

    key: object
    slots: dict[time, Slot] = field(default_factory=dict)


@dataclass
class Grid:
    times: list[time]
    columns: list[Column]

    @cached_property
    def rows(self) -> list[tuple[time, list[Slot | None]]]:
        return [(t, [column.slots.get(t) for column in self.columns]) for t in self.times]

    @cached_property
    def shown(self) -> str:
        """Every value the rows show (templates/events/_slot_rows.html), as one string: the
        template caches their HTML under it, so that the same grid seen again (the same
        bookings, the same free slots, the same viewer's rights) is not rendered again. A
        change to what a cell shows must change this too."""
        return repr([(f"{t:%H:%M}", [_shown(slot) for slot in slots]) for t, slots in self.rows])


def _shown(slot: Slot | None) -> tuple:
    """What the rows' template writes for a slot (the translated labels follow the language,
    which is part of the cache key)."""
    if slot is None:
        return ()
    if slot.selectable:
        return (slot.book_url, slot.end_param, slot.book_label)
    if slot.state != BOOKED:
        return (slot.state,)
    if not slot.first:
        return (BOOKED,)  # under the rowspan of the booking's first slot
    booking = slot.booking
    return (
        slot.rows,
        slot.hours,
        booking.mine,
        booking.holder_name,
        booking.visible_purpose,
        booking.status,
    )


def _local(dt: datetime) -> datetime:
    """The wall-clock time of the sites (TIME_ZONE; the project never activates another), without
    timezone.localtime()'s lookup of the active zone: a grid calls this for every slot."""
    return dt.astimezone(local_tz())


def _slot_times(intervals: Iterable[tuple[datetime, datetime]], step: int) -> list[time]:
    """Local times of day where a slot starts, from the earliest opening to the latest closing,
    on a grid of `step` minutes anchored at midnight."""
    starts = [_local(a) for a, _b in intervals]
    ends = [_local(b) for _a, b in intervals]
    if not starts:
        return []
    first = min(s.hour * 60 + s.minute for s in starts)
    last = max((e.hour * 60 + e.minute) or 24 * 60 for e in ends)
    first -= first % step
    return [time(m // 60, m % 60) for m in range(first, last, step)]


def _covering(start: datetime, end: datetime, intervals) -> bool:
    return any(a <= start and end <= b for a, b in intervals)


def _overlapping(bookings: list, start: datetime, end: datetime, *, blocked: bool = True):
    """The first booking whose [start, end) — or [start, blocked_until) — meets [start, end)."""
    for booking in bookings:
        until = booking.blocked_until if blocked else booking.end
        if booking.start < end and start < until:
            return booking
    return None


def can_start(
    start: datetime, end: datetime, rules, intervals, bookings: list, now: datetime
) -> bool:
    """Whether [start, end) could be booked as far as the grid knows (the service decides)."""
    if start < now + timedelta(minutes=rules.min_notice_minutes):
        return False
    if start > now + timedelta(days=rules.horizon_days):
        return False
    if not _covering(start, end, intervals):
        return False
    return _overlapping(bookings, start, end + timedelta(minutes=rules.buffer_minutes)) is None


def _column_slots(
    space: Space,
    day: date,
    times: list[time],
    grid_step: int,
    rules,
    intervals: list[tuple[datetime, datetime]],
    bookings: list,
    now: datetime,
) -> dict[time, Slot]:
    slots: dict[time, Slot] = {}
    ordered = sorted(bookings, key=lambda b: b.start)
    shortest = timedelta(minutes=max(rules.min_minutes, rules.slot_minutes))
    run: Slot | None = None  # the first slot of the booking met in the row above
    links: ColumnLinks | None = None  # made at the column's first selectable slot
    for t in times:
        start = at(day, t)  # without make_aware's lookup of the active zone (see _local)
        end = start + timedelta(minutes=grid_step)
        booking = _overlapping(ordered, start, end, blocked=False)
        if booking is not None and run is not None and run.booking is booking:
            run.rows += 1
            slots[t] = Slot(space, start, end, BOOKED, booking=booking)
            continue
        run = None
        if booking is not None:
            slots[t] = run = Slot(space, start, end, BOOKED, booking=booking, first=True)
        elif not _covering(start, end, intervals):
            slots[t] = Slot(space, start, end, CLOSED)
        elif _overlapping(ordered, start, end) is not None:
            slots[t] = Slot(space, start, end, BUFFER)
        elif start < now:
            slots[t] = Slot(space, start, end, PAST)
        else:
            aligned = (t.hour * 60 + t.minute) % rules.slot_minutes == 0
            selectable = aligned and can_start(
                start, start + shortest, rules, intervals, ordered, now
            )
            if selectable and links is None:
                links = ColumnLinks.of(space, day)
            slots[t] = Slot(space, start, end, FREE, selectable=selectable, links=links)
    return slots


def _by_space_and_day(bookings: Iterable) -> dict[tuple[int, date], list]:
    grouped: dict[tuple[int, date], list] = defaultdict(list)
    for booking in bookings:
        day = _local(booking.start).date()
        last = _local(booking.blocked_until - timedelta(microseconds=1)).date()
        while day <= last:
            grouped[booking.space_id, day].append(booking)
            day += timedelta(days=1)
    return grouped


def week_grid(
    space: Space,
    days: list[date],
    rules,
    intervals: dict[date, list[tuple[datetime, datetime]]],
    bookings: Iterable,
    now: datetime | None = None,
) -> Grid:
    now = now or timezone.now()
    grouped = _by_space_and_day(bookings)
    step = rules.slot_minutes
    times = _slot_times([iv for day in days for iv in intervals.get(day, [])], step)
    columns = [
        Column(
            key=day,
            slots=_column_slots(
                space, day, times, step, rules, intervals.get(day, []), grouped[space.pk, day], now
            ),
        )
        for day in days
    ]
    return Grid(times=times, columns=columns)


def day_grid(
    spaces: list[Space],
    day: date,
    rules: dict[int, object],
    intervals: dict[int, list[tuple[datetime, datetime]]],
    bookings: Iterable,
    now: datetime | None = None,
) -> Grid:
    now = now or timezone.now()
    grouped = _by_space_and_day(bookings)
    grid_step = 0
    for space in spaces:
        grid_step = gcd(grid_step, rules[space.pk].slot_minutes)
    grid_step = grid_step or 30
    times = _slot_times([iv for space in spaces for iv in intervals.get(space.pk, [])], grid_step)
    columns = [
        Column(
            key=space,
            slots=_column_slots(
                space,
                day,
                times,
                grid_step,
                rules[space.pk],
                intervals.get(space.pk, []),
                grouped[space.pk, day],
                now,
            ),
        )
        for space in spaces
    ]
    return Grid(times=times, columns=columns)


def free_spaces(
    spaces: Iterable[Space],
    start: datetime,
    end: datetime,
    rules: dict[int, object],
    intervals: dict[int, list[tuple[datetime, datetime]]],
    bookings: Iterable,
    now: datetime | None = None,
) -> list[Space]:
    """The spaces where [start, end) could be booked: open over the whole of it, within each
    room's duration, notice and horizon rules, and clear of other bookings and their buffers."""
    now = now or timezone.now()
    minutes = (end - start).total_seconds() / 60
    by_space: dict[int, list] = defaultdict(list)
    for booking in bookings:
        by_space[booking.space_id].append(booking)
    return [
        space
        for space in spaces
        if rules[space.pk].min_minutes <= minutes <= rules[space.pk].max_minutes
        and can_start(
            start, end, rules[space.pk], intervals.get(space.pk, []), by_space[space.pk], now
        )
    ]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
