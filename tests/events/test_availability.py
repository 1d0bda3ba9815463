"""The grids behind the week and day views, and the free-room search, on real rules; who may
see them (Site.objects.bookable_by)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from events import availability
from events.models import BookingRules, ClosedPeriod
from events.rules import effective_rules, effective_rules_bulk, open_intervals_bulk
from occupants.models import Occupancy
from sites.models import Site, Space
from tests.events.factories import PARIS, BookingFactory, local_slot

pytestmark = pytest.mark.django_db


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def week_of(world, room, first: date, now=None):
    days = [first + timedelta(days=i) for i in range(7)]
    rules = effective_rules(room)
    intervals = open_intervals_bulk([room], days[0], days[-1])[room.pk]
    bookings = list(room.bookings.active())
    return availability.week_grid(room, days, rules, intervals, bookings, now=now)


def test_week_grid_marks_free_booked_closed_and_past_slots(booking_world):
    w = booking_world
    day = timezone.localdate() + timedelta(days=1)
    booking = BookingFactory(space=w.salle_jaune, start=at(day, 10), end=at(day, 11, 30))
    now = at(day, 9)  # as if it were 09:00 on that day
    grid = week_of(w, w.salle_jaune, day, now=now)
    column = grid.columns[0]
    assert grid.times[0] == time(8) and grid.times[-1] == time(19, 30)
    assert column.slots[time(8)].state == availability.PAST
    assert column.slots[time(9, 30)].state == availability.FREE
    assert column.slots[time(9, 30)].selectable
    assert [column.slots[time(10, m)].state for m in (0, 30)] == ["booked", "booked"]
    assert column.slots[time(10)].first and not column.slots[time(10, 30)].first
    assert column.slots[time(11)].booking == booking
    assert column.slots[time(10)].rows == 3  # 10:00, 10:30 and 11:00 in one cell
    assert column.slots[time(11, 30)].state == availability.FREE


def test_back_to_back_bookings_each_get_their_own_cell(booking_world):
    w = booking_world
    day = timezone.localdate() + timedelta(days=1)
    BookingFactory(space=w.salle_jaune, structure=w.bleu, start=at(day, 10), end=at(day, 11))
    BookingFactory(space=w.salle_jaune, structure=w.bleu, start=at(day, 11), end=at(day, 12))
    column = week_of(w, w.salle_jaune, day, now=at(day, 8)).columns[0]
    assert [column.slots[time(h)].first for h in (10, 11)] == [True, True]
    assert [column.slots[time(h)].rows for h in (10, 11)] == [2, 2]
    assert not column.slots[time(10, 30)].first and not column.slots[time(11, 30)].first


def test_buffer_after_a_booking_is_not_selectable(booking_world):
    w = booking_world
    BookingRules.objects.create(site=w.site_a, buffer_minutes=30, min_minutes=60)
    day = timezone.localdate() + timedelta(days=2)
    BookingFactory(
        space=w.salle_jaune,
        start=at(day, 10),
        end=at(day, 11),
        blocked_until=at(day, 11, 30),
    )
    column = week_of(w, w.salle_jaune, day).columns[0]
    assert column.slots[time(11)].state == availability.BUFFER
    # 09:00 + 1 h minimum + 30 min buffer would run into 10:00: not a start.
    assert not column.slots[time(9)].selectable
    assert column.slots[time(8, 30)].selectable
    assert column.slots[time(11, 30)].selectable


def test_closed_period_and_notice_and_horizon_close_slots(booking_world):
    w = booking_world
    BookingRules.objects.create(site=w.site_a, horizon_days=3, min_notice_minutes=24 * 60)
    today = timezone.localdate()
    ClosedPeriod.objects.create(
        site=w.site_a,
        start=at(today + timedelta(days=2), 12),
        end=at(today + timedelta(days=2), 14),
    )
    grid = week_of(w, w.salle_jaune, today)
    day2 = grid.columns[2].slots
    assert day2[time(12)].state == availability.CLOSED
    assert day2[time(14)].selectable
    assert not grid.columns[0].slots[time(19, 30)].selectable  # within the day of notice
    assert not grid.columns[5].slots[time(10)].selectable  # past the 3-day horizon
    assert grid.columns[5].slots[time(10)].state == availability.FREE


def test_week_grid_keeps_wall_clock_times_across_the_october_clock_change(booking_world):
    w = booking_world
    monday = date(2026, 10, 19)  # the clocks go back on Sunday 25 October 2026
    start = at(date(2026, 10, 25), 15)
    BookingFactory(space=w.salle_jaune, start=start, end=start + timedelta(hours=1))
    grid = week_of(w, w.salle_jaune, monday, now=at(monday, 0) - timedelta(days=1))
    sunday = grid.columns[6].slots
    assert sunday[time(15)].state == availability.BOOKED
    assert sunday[time(14, 30)].state == availability.FREE
    assert sunday[time(16)].state == availability.FREE
    assert timezone.localtime(sunday[time(15)].start).hour == 15


def test_day_grid_has_a_column_per_room(booking_world):
    w = booking_world
    day = timezone.localdate() + timedelta(days=1)
    BookingFactory(space=w.salle_verte, start=at(day, 14), end=at(day, 15))
    spaces = [w.salle_jaune, w.salle_verte]
    rules = effective_rules_bulk(spaces)
    intervals = open_intervals_bulk(spaces, day, day)
    grid = availability.day_grid(
        spaces,
        day,
        rules,
        {s.pk: intervals[s.pk][day] for s in spaces},
        list(w.salle_verte.bookings.all()),
    )
    row = dict(grid.rows)[time(14)]
    assert [slot.state for slot in row] == ["free", "booked"]
    assert [slot.space for slot in row] == spaces


def test_free_spaces_respect_capacity_free_hours_and_duration_rules(booking_world):
    w = booking_world
    start, end = local_slot(2, 14)
    BookingFactory(space=w.salle_jaune, start=start, end=end)
    spaces = [w.salle_jaune, w.salle_verte]
    day = timezone.localtime(start).date()
    intervals = open_intervals_bulk(spaces, day, day)
    flat = {s.pk: intervals[s.pk][day] for s in spaces}
    bookings = list(w.salle_jaune.bookings.all())
    rules = effective_rules_bulk(spaces)
    assert availability.free_spaces(spaces, start, end, rules, flat, bookings) == [w.salle_verte]
    later = start + timedelta(hours=1)
    free = availability.free_spaces(
        spaces, later, later + timedelta(hours=1), rules, flat, bookings
    )
    assert free == spaces
    too_long = availability.free_spaces(spaces, later, later + timedelta(hours=9), rules, flat, [])
    assert too_long == []  # over the 8-hour maximum
    evening = at(day, 19, 30)
    assert (
        availability.free_spaces(spaces, evening, evening + timedelta(hours=1), rules, flat, [])
        == []
    )


def test_bookable_sites_are_the_occupied_and_the_managed_ones(booking_world):
    w = booking_world
    assert list(Site.objects.bookable_by(w.bob)) == [w.site_a]
    assert list(Site.objects.bookable_by(w.dan)) == [w.site_b]
    assert list(Site.objects.bookable_by(w.mara)) == [w.site_a]
    assert set(Site.objects.bookable_by(w.olga)) == {w.site_a, w.site_b}
    assert set(Site.objects.bookable_by(w.alice)) == set(Site.objects.all())
    assert not Site.objects.bookable_by(w.uma).exists()
    assert not Site.objects.bookable_by(AnonymousUser()).exists()
    assert set(Space.objects.bookable_by(w.bob)) == {w.salle_jaune, w.salle_verte}
    assert set(Space.objects.bookable_by(w.mara)) == {w.salle_jaune, w.salle_verte}
    assert list(Space.objects.bookable_by(w.dan)) == [w.salle_b]


def test_unbookable_rooms_and_inactive_users_are_left_out(booking_world):
    w = booking_world
    Space.objects.filter(pk=w.salle_verte.pk).update(is_bookable=False)
    assert list(Space.objects.bookable_by(w.bob)) == [w.salle_jaune]
    w.bob.is_active = False
    assert not Site.objects.bookable_by(w.bob).exists()


def test_ended_cancelled_or_future_occupancy_gives_no_access(booking_world):
    w = booking_world
    w.sud.occupancies.update(
        start=timezone.localdate() - timedelta(days=400),
        end=timezone.localdate() - timedelta(days=1),
    )
    assert not Site.objects.bookable_by(w.dan).exists()
    w.sud.occupancies.update(
        start=timezone.localdate() + timedelta(days=1),
        end=timezone.localdate() + timedelta(days=400),
    )
    assert not Site.objects.bookable_by(w.dan).exists()
    w.sud.occupancies.update(
        start=timezone.localdate(), end=timezone.localdate(), status=Occupancy.Status.CANCELLED
    )
    assert not Site.objects.bookable_by(w.dan).exists()
    w.sud.occupancies.update(status=Occupancy.Status.SIGNED)
    assert list(Site.objects.bookable_by(w.dan)) == [w.site_b]
