"""events.rules: effective rules, opening hours, closed periods, open intervals."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import BookingRules, ClosedPeriod, OpeningHours
from events.rules import (
    DEFAULT_OPENING_HOURS,
    effective_rules,
    effective_rules_bulk,
    open_intervals,
    open_intervals_bulk,
    open_minutes,
    set_opening_hours,
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
    # The opening hours and the closed periods of the sites.
    with django_assert_num_queries(2):
        open_intervals_bulk(rooms, MONDAY, MONDAY + timedelta(days=6))
    rooms += [RoomFactory(site=w.site_b) for _i in range(20)]
    for room in rooms[:10]:
        set_opening_hours(room, range(7), time(10), time(12))
        ClosedPeriod.objects.create(
            site=room.site, space=room, start=_at(MONDAY, 10), end=_at(MONDAY, 11)
        )
    with django_assert_num_queries(2):
        result = open_intervals_bulk(rooms, MONDAY, MONDAY + timedelta(days=30))
    assert len(result) == len(rooms) and len(result[rooms[0].pk]) == 31
    assert result[rooms[0].pk][MONDAY] == [(_at(MONDAY, 11), _at(MONDAY, 12))]
    with django_assert_num_queries(1):
        effective_rules_bulk(rooms)


# --- Changes are seen at once ----------------------------------------------------------------


def test_a_saved_or_deleted_rule_hour_or_closure_is_seen_at_once(booking_world):
    w = booking_world
    room = w.salle_jaune
    assert effective_rules(room).slot_minutes == BookingRules().slot_minutes
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


def test_rules_changed_in_bulk_are_seen_by_the_next_page(booking_world, client):
    """A queryset update sends no signal: the booking pages read the rows afresh."""
    w = booking_world
    client.force_login(w.bob)
    url = reverse("events:space_week", args=[w.salle_jaune.pk])
    BookingRules.objects.create(site=w.site_a, slot_minutes=30)
    assert "créneaux de 30 min" in client.get(url).content.decode()
    BookingRules.objects.filter(site=w.site_a).update(slot_minutes=60)
    assert "créneaux de 60 min" in client.get(url).content.decode()


def test_a_room_made_unbookable_or_deleted_answers_404_at_once(booking_world, client):
    w = booking_world
    room = w.salle_jaune
    client.force_login(w.bob)
    url = reverse("events:book", args=[room.pk])
    assert client.get(url).status_code == 200
    Space.objects.filter(pk=room.pk).update(is_bookable=False)
    assert client.get(url).status_code == 404
    Space.objects.filter(pk=room.pk).update(is_bookable=True)
    assert client.get(url).status_code == 200
    room.delete()
    assert client.get(url).status_code == 404
