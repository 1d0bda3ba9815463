"""The booking pages run the same number of queries with 10 or 200 bookings on screen."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Booking
from tests.events.factories import PARIS, BookingFactory, RoomFactory, StructureFactory

pytestmark = pytest.mark.django_db


def add_bookings(world, n, rooms, first_day, *, days=1, structure=None):
    """n quarter-hour bookings packed from 08:00 on the rooms and days given, none overlapping,
    held by a mix of structures (some new ones, so per-row lookups would show)."""
    per_day = 48  # 08:00–20:00 in quarters
    rows = []
    for i in range(n):
        room = rooms[i % len(rooms)]
        k = i // len(rooms)
        day = first_day + timedelta(days=(k // per_day) % days)
        start = datetime.combine(day, time(8), tzinfo=PARIS) + timedelta(minutes=15 * (k % per_day))
        holder = structure or (world.bleu if i % 3 == 0 else StructureFactory())
        rows.append(
            BookingFactory.build(
                space=room,
                site=room.site,
                structure=holder,
                booked_by=world.bob,
                start=start,
                end=start + timedelta(minutes=15),
                blocked_until=start + timedelta(minutes=15),
                purpose=f"Réunion {i}",
            )
        )
    Booking.objects.bulk_create(rows)


def count_queries(client, url, params=None) -> int:
    """Queries of a GET."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def rooms(booking_world):
    extra = [RoomFactory(site=booking_world.site_a) for _ in range(3)]
    return [booking_world.salle_jaune, booking_world.salle_verte, *extra]


def test_week_view_queries_do_not_grow_with_bookings(client, booking_world):
    w = booking_world
    monday = next_monday()
    url = reverse("events:space_week", args=[w.salle_jaune.pk])
    params = {"du": monday.isoformat()}
    client.force_login(w.bob)
    add_bookings(w, 10, [w.salle_jaune], monday, days=7)
    small = count_queries(client, url, params)
    Booking.objects.all().delete()
    add_bookings(w, 200, [w.salle_jaune], monday, days=7)
    assert Booking.objects.filter(space=w.salle_jaune).count() == 200
    large = count_queries(client, url, params)
    # session, user, the room if the user may see it, its rules, opening hours and closed
    # periods, the week's bookings.
    assert small == large
    assert large <= 7


def test_day_view_queries_do_not_grow_with_bookings(client, booking_world, rooms):
    w = booking_world
    day = next_monday()
    url = reverse("events:site_day", args=[w.site_a.slug])
    params = {"date": day.isoformat()}
    client.force_login(w.carl)
    add_bookings(w, 10, rooms, day)
    small = count_queries(client, url, params)
    Booking.objects.all().delete()
    add_bookings(w, 200, rooms, day)
    large = count_queries(client, url, params)
    # session, user, the site if the user may see it, its rooms, their rules, opening hours
    # and closed periods, the day's bookings.
    assert small == large
    assert large <= 8


def test_find_slot_queries_do_not_grow_with_bookings(client, booking_world, rooms):
    w = booking_world
    day = next_monday()
    url = reverse("events:find")
    # At noon: the 10 bookings (08:00–08:30) leave every room free, the 200 (08:00–18:00)
    # fill them, and the search reads the ones within the slot and the 4 hours after it.
    params = {
        "site": w.site_a.pk,
        "day": day.isoformat(),
        "start_time": "12:00",
        "duration": 30,
        "people": 2,
    }
    client.force_login(w.bob)
    add_bookings(w, 10, rooms, day)
    small = count_queries(client, url, params)
    assert len(client.get(url, params).context["results"]) == len(rooms)
    Booking.objects.all().delete()
    add_bookings(w, 200, rooms, day)
    large = count_queries(client, url, params)
    assert client.get(url, params).context["results"] == []
    # session, user, the user's sites, the form's check of the chosen one, the site's rooms,
    # their rules, opening hours and closed periods, their bookings.
    assert small == large
    assert large <= 9


def test_my_bookings_queries_do_not_grow_with_bookings(client, booking_world, rooms):
    w = booking_world
    client.force_login(w.bob)
    # Upcoming and past, so that both lists are full pages.
    first = timezone.localdate() - timedelta(days=3)
    coming = timezone.localdate() + timedelta(days=2)
    add_bookings(w, 10, rooms, first, days=6, structure=w.bleu)
    add_bookings(w, 10, rooms, coming, structure=w.bleu)
    small = count_queries(client, reverse("events:mine"))
    small_structure = count_queries(
        client, reverse("events:structure_bookings", args=[w.bleu.slug])
    )
    Booking.objects.all().delete()
    add_bookings(w, 200, rooms, first, days=6, structure=w.bleu)
    add_bookings(w, 200, rooms, coming, structure=w.bleu)
    large = count_queries(client, reverse("events:mine"))
    large_structure = count_queries(
        client, reverse("events:structure_bookings", args=[w.bleu.slug])
    )
    # user, their structures, the three lists' counts, the shown list's count and page with
    # its holders, then its rooms with their sites (by primary key).
    assert small == large
    assert large <= 6
    assert small_structure == large_structure <= 15
