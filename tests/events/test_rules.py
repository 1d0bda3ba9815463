"""events.rules: effective rules, opening hours, closed periods, open intervals."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.urls import reverse

from events import rules
from events.models import BookingRules, ClosedPeriod, OpeningHours
from events.rules import (
    DEFAULT_OPENING_HOURS,
    bookable_space,
    effective_rules,
    effective_rules_bulk,
    open_intervals,
    open_intervals_bulk,
    open_minutes,
    set_opening_hours,
    site_setups,
)
from sites.models import Space
from tests.events.factories import PARIS, RoomFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 1, 4)


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def test_defaults_without_any_row(booking_world):
    w = booking_world
    rules = effective_rules(w.salle_jaune)
    assert rules.pk is None and rules.slot_minutes == 30 and not rules.approval_required
    assert open_intervals(w.salle_jaune, MONDAY) == [(_at(MONDAY, 8), _at(MONDAY, 20))]
    assert DEFAULT_OPENING_HOURS[6] == [(time(8), time(20))]


def test_space_rules_override_site_rules(booking_world):
    w = booking_world
    site_rules = BookingRules.objects.create(site=w.site_a, slot_minutes=15)
    space_rules = BookingRules.objects.create(site=w.site_a, space=w.salle_verte, slot_minutes=60)
    rules = effective_rules_bulk([w.salle_jaune, w.salle_verte, w.salle_b])
    assert rules[w.salle_jaune.pk] == site_rules
    assert rules[w.salle_verte.pk] == space_rules
    assert rules[w.salle_b.pk].pk is None


def test_rules_of_space_of_another_site_are_invalid(booking_world):
    w = booking_world
    rules = BookingRules(site=w.site_a, space=w.salle_b)
    with pytest.raises(ValidationError):
        rules.full_clean()


def test_set_opening_hours_in_bulk_and_with_a_break(booking_world):
    w = booking_world
    set_opening_hours(w.site_a, range(5), time(9), time(12))
    set_opening_hours(w.site_a, range(5), time(14), time(18), replace=False)
    assert OpeningHours.objects.filter(site=w.site_a).count() == 10
    assert open_intervals(w.salle_jaune, MONDAY) == [
        (_at(MONDAY, 9), _at(MONDAY, 12)),
        (_at(MONDAY, 14), _at(MONDAY, 18)),
    ]
    saturday = MONDAY + timedelta(days=5)
    assert open_intervals(w.salle_jaune, saturday) == []
    # Setting again replaces the intervals of those days.
    set_opening_hours(w.site_a, [0], time(10), time(11))
    assert open_intervals(w.salle_jaune, MONDAY) == [(_at(MONDAY, 10), _at(MONDAY, 11))]


def test_set_opening_hours_refuses_closing_before_opening(booking_world):
    with pytest.raises(ValidationError):
        set_opening_hours(booking_world.site_a, [0], time(18), time(9))
    assert not OpeningHours.objects.exists()


def test_touching_intervals_are_merged(booking_world):
    w = booking_world
    set_opening_hours(w.site_a, [0], time(8), time(12))
    set_opening_hours(w.site_a, [0], time(12), time(14), replace=False)
    assert open_intervals(w.salle_jaune, MONDAY) == [(_at(MONDAY, 8), _at(MONDAY, 14))]


def test_midnight_closing(booking_world):
    w = booking_world
    set_opening_hours(w.salle_jaune, [0], time(18), time(0))
    assert open_intervals(w.salle_jaune, MONDAY) == [
        (_at(MONDAY, 18), _at(MONDAY + timedelta(days=1), 0))
    ]


def test_closed_periods_are_cut_out(booking_world):
    w = booking_world
    ClosedPeriod.objects.create(
        site=w.site_a, start=_at(MONDAY, 12), end=_at(MONDAY, 13), reason="Repas"
    )
    ClosedPeriod.objects.create(
        site=w.site_a,
        space=w.salle_verte,
        start=_at(MONDAY, 6),
        end=_at(MONDAY + timedelta(days=1), 10),
        reason="Travaux",
    )
    bulk = open_intervals_bulk(
        [w.salle_jaune, w.salle_verte, w.salle_b], MONDAY, MONDAY + timedelta(1)
    )
    assert bulk[w.salle_jaune.pk][MONDAY] == [
        (_at(MONDAY, 8), _at(MONDAY, 12)),
        (_at(MONDAY, 13), _at(MONDAY, 20)),
    ]
    assert bulk[w.salle_verte.pk][MONDAY] == []
    tuesday = MONDAY + timedelta(days=1)
    assert bulk[w.salle_verte.pk][tuesday] == [(_at(tuesday, 10), _at(tuesday, 20))]
    assert bulk[w.salle_b.pk][MONDAY] == [(_at(MONDAY, 8), _at(MONDAY, 20))]
    assert open_minutes(bulk[w.salle_jaune.pk][MONDAY]) == 11 * 60


def test_day_of_the_march_change_is_23_hours(booking_world):
    w = booking_world
    change = date(2027, 3, 28)
    set_opening_hours(w.site_a, [6], time(0), time(0))
    intervals = open_intervals(w.salle_jaune, change)
    assert open_minutes(intervals) == 23 * 60


def test_bulk_query_count_does_not_grow(booking_world, django_assert_num_queries):
    w = booking_world
    rooms = [RoomFactory(site=w.site_a) for _i in range(3)]
    set_opening_hours(w.site_a, range(7), time(9), time(18))
    # Rules, opening hours and closed periods of the sites, then from the cache.
    with django_assert_num_queries(3):
        open_intervals_bulk(rooms, MONDAY, MONDAY + timedelta(days=6))
    with django_assert_num_queries(0):
        open_intervals_bulk(rooms, MONDAY, MONDAY + timedelta(days=6))
    rooms += [RoomFactory(site=w.site_b) for _i in range(20)]
    for room in rooms[:10]:
        set_opening_hours(room, range(7), time(10), time(12))
        ClosedPeriod.objects.create(
            site=room.site, space=room, start=_at(MONDAY, 10), end=_at(MONDAY, 11)
        )
    # Saving hours and closed periods dropped the cached setups: read again, once.
    with django_assert_num_queries(3):
        result = open_intervals_bulk(rooms, MONDAY, MONDAY + timedelta(days=30))
    assert len(result) == len(rooms) and len(result[rooms[0].pk]) == 31
    assert result[rooms[0].pk][MONDAY] == [(_at(MONDAY, 11), _at(MONDAY, 12))]
    with django_assert_num_queries(0):
        effective_rules_bulk(rooms)


# --- The booking setup in the cache --------------------------------------------------------


def test_a_saved_or_deleted_rule_hour_or_closure_is_seen_at_once(
    booking_world, django_assert_num_queries
):
    w = booking_world
    room = w.salle_jaune
    assert effective_rules(room).slot_minutes == BookingRules().slot_minutes
    with django_assert_num_queries(0):
        effective_rules(room)
    rules = BookingRules.objects.create(site=room.site, slot_minutes=15)
    assert effective_rules(room).slot_minutes == 15
    rules.slot_minutes = 60
    rules.save()
    assert effective_rules(room).slot_minutes == 60
    rules.delete()
    assert effective_rules(room).slot_minutes == BookingRules().slot_minutes

    before = open_intervals_bulk([room], MONDAY, MONDAY)[room.pk][MONDAY]
    assert before
    closure = ClosedPeriod.objects.create(
        site=room.site, start=_at(MONDAY, 0), end=_at(MONDAY + timedelta(days=1), 0)
    )
    assert open_intervals_bulk([room], MONDAY, MONDAY)[room.pk][MONDAY] == []
    closure.delete()
    assert open_intervals_bulk([room], MONDAY, MONDAY)[room.pk][MONDAY] == before


def test_the_setup_is_dropped_again_after_the_commit(
    booking_world, django_capture_on_commit_callbacks
):
    """A request that read the old rows between the save and the commit must not leave them
    in the cache."""
    w = booking_world
    room = w.salle_jaune
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        BookingRules.objects.create(site=room.site, slot_minutes=15)
        stale = site_setups([room.site_id])  # what a concurrent request would cache
    assert stale[room.site_id].rules  # (here it sees the row: same transaction)
    from django.core.cache import cache

    cache.set(f"booking-setup:{room.site_id}", type(stale[room.site_id])(), 3600)
    for callback in callbacks:
        callback()
    assert effective_rules(room).slot_minutes == 15


@pytest.fixture
def cache_reads(monkeypatch):
    """How many times the shared cache is asked for booking setups."""
    reads = []
    backend = type(caches["default"])  # on the class: a request may use its own instance
    get_many = backend.get_many

    def counting(self, keys, *args, **kwargs):
        reads.extend(key for key in keys if key.startswith("booking-setup:"))
        return get_many(self, keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", counting)
    return reads


def test_a_request_reads_a_sites_setup_from_the_cache_once(booking_world, cache_reads):
    w = booking_world
    room = w.salle_jaune
    effective_rules(room)  # cached by a previous request
    cache_reads.clear()
    rules.start_request()  # what request_started does (its other receivers close the test db)
    try:
        effective_rules(room)
        open_intervals_bulk([room], MONDAY, MONDAY)  # hours and closed periods
        assert len(cache_reads) == 1
        # A change made during the request is seen by the rest of it.
        BookingRules.objects.create(site=room.site, slot_minutes=15)
        assert effective_rules(room).slot_minutes == 15
    finally:
        rules.end_request()
    cache_reads.clear()
    effective_rules(room)
    effective_rules(room)
    assert len(cache_reads) == 2  # outside a request, each call asks the cache


def test_each_request_reads_the_setup_afresh(booking_world, client, cache_reads):
    w = booking_world
    client.force_login(w.bob)
    url = reverse("events:space_week", args=[w.salle_jaune.pk])
    client.get(url)
    cache_reads.clear()
    client.get(url)
    assert len(cache_reads) == 1
    # Another process changes the rules: the shared cache holds the new setup, the next
    # request reads it.
    BookingRules.objects.create(site=w.salle_jaune.site, slot_minutes=60)
    assert "créneaux de 60 min" in client.get(url).content.decode()


# --- The booking form's room in the cache ---------------------------------------------------


def test_a_saved_or_deleted_room_or_site_is_seen_at_once(
    booking_world, client, django_assert_num_queries
):
    w = booking_world
    room = w.salle_jaune
    assert bookable_space(room.pk).site.name == room.site.name
    with django_assert_num_queries(0):
        cached = bookable_space(room.pk)
    assert cached == room and Space.site.is_cached(cached)
    site = room.site
    site.name = "Lieu renommé"
    site.save()
    assert bookable_space(room.pk).site.name == "Lieu renommé"
    room.capacity = 3
    room.save()
    assert bookable_space(room.pk).capacity == 3
    room.is_bookable = False
    room.save()
    assert bookable_space(room.pk) is None
    client.force_login(w.bob)
    assert client.get(reverse("events:book", args=[room.pk])).status_code == 404
    room.is_bookable = True
    room.save()
    assert client.get(reverse("events:book", args=[room.pk])).status_code == 200
    pk = room.pk
    room.delete()
    assert bookable_space(pk) is None
    assert client.get(reverse("events:book", args=[pk])).status_code == 404
    for tampered in ("abc", None, "", "9" * 30):
        assert bookable_space(tampered) is None


def test_the_room_is_dropped_again_after_the_commit(
    booking_world, django_capture_on_commit_callbacks
):
    """A request that read the old row between the save and the commit must not leave it in
    the cache."""
    w = booking_world
    room = w.salle_jaune
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        room.is_bookable = False
        room.save()
        stale = Space.objects.select_related("site").get(pk=room.pk)
        stale.is_bookable = True  # what a concurrent request, before the commit, would cache
        cache.set(f"booking-space:{room.pk}", stale, 3600)
    for callback in callbacks:
        callback()
    assert bookable_space(room.pk) is None
