"""What the database itself guarantees about bookings, rows written directly (no service)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from events.models import (
    MAX_BOOKING_DURATION,
    MAX_BUFFER_MINUTES,
    Booking,
    BookingRules,
    ClosedPeriod,
    OpeningHours,
    new_reference,
)
from tests.events.factories import BookingFactory, RoomFactory, local_slot

pytestmark = pytest.mark.django_db

ACTIVE = [Booking.Status.PENDING, Booking.Status.CONFIRMED]


def _raises_integrity(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(**kwargs)


def test_end_must_follow_start():
    start, _end = local_slot(1, 10)
    _raises_integrity(start=start, end=start, blocked_until=start)
    _raises_integrity(start=start, end=start - timedelta(hours=1), blocked_until=start)


def test_people_must_be_positive():
    _raises_integrity(people=0)


def test_structure_and_outside_organisation_exclude_each_other():
    _raises_integrity(outside_name="Partenaire")


def test_blocked_until_defaults_to_end_and_site_to_space_site():
    room = RoomFactory()
    start, end = local_slot(1, 10)
    booking = Booking(space=room, start=start, end=end, structure=None, outside_name="X")
    booking.save()
    assert booking.blocked_until == end and booking.site_id == room.site_id


def test_reference_is_short_unique_and_readable():
    refs = {new_reference() for _i in range(500)}
    assert len(refs) == 500
    assert all(len(r) == 8 and r.startswith("R-") and not set(r[2:]) & set("01OI") for r in refs)
    booking = BookingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(reference=booking.reference, start=local_slot(3, 10)[0])


def test_clean_reports_capacity_and_order():
    room = RoomFactory(capacity=3)
    start, end = local_slot(1, 10)
    booking = Booking(space=room, start=end, end=start, people=5)
    with pytest.raises(ValidationError) as info:
        booking.clean()
    assert set(info.value.message_dict) == {"end", "people"}


def test_rules_and_hours_constraints(booking_world):
    w = booking_world
    BookingRules.objects.create(site=w.site_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingRules.objects.create(site=w.site_a)
    BookingRules.objects.create(site=w.site_a, space=w.salle_jaune)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingRules.objects.create(site=w.site_a, space=w.salle_jaune)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingRules.objects.create(site=w.site_b, min_minutes=120, max_minutes=60)
    from datetime import time

    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(site=w.site_a, weekday=0, opens=time(18), closes=time(9))
    start, end = local_slot(1, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClosedPeriod.objects.create(site=w.site_a, start=end, end=start)


def test_overlap_self_join_finds_overlaps_and_ignores_inactive_and_back_to_back(is_postgres):
    room = RoomFactory()
    start, end = local_slot(1, 10)
    BookingFactory(space=room, start=start, end=end)
    BookingFactory(space=room, start=end, end=end + timedelta(hours=1))  # back to back
    BookingFactory(space=room, start=start, end=end, status=Booking.Status.CANCELLED)
    BookingFactory(space=room, start=start, end=end, status=Booking.Status.REFUSED)
    BookingFactory(start=start, end=end)  # another room
    assert Booking.objects.overlapping_pairs() == []
    if is_postgres:
        # Only without the constraint can an overlap exist; DDL rolls back with the test.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush deferred FK checks first
            cursor.execute('ALTER TABLE "events_booking" DROP CONSTRAINT "booking_no_overlap"')
    twin = BookingFactory(space=room, start=start + timedelta(minutes=30), end=end)
    pairs = Booking.objects.overlapping_pairs()
    assert len(pairs) == 1 and twin.pk in pairs[0]


# --- PostgreSQL: the exclusion constraint ---------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("status", ACTIVE)
def test_exclusion_constraint_refuses_overlapping_active_rows(status):
    room = RoomFactory()
    start, end = local_slot(1, 10)
    BookingFactory(space=room, start=start, end=end)
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        BookingFactory(space=room, start=start + timedelta(minutes=59), end=end, status=status)
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        BookingFactory(space=room, start=start - timedelta(hours=2), end=end + timedelta(hours=2))
    assert Booking.objects.count() == 1


@pytest.mark.postgres
def test_exclusion_constraint_allows_back_to_back_other_rooms_and_inactive_rows():
    room = RoomFactory()
    start, end = local_slot(1, 10)
    BookingFactory(space=room, start=start, end=end)
    BookingFactory(space=room, start=end, end=end + timedelta(hours=1))
    BookingFactory(space=room, start=start - timedelta(hours=1), end=start)
    BookingFactory(start=start, end=end)
    for status in (Booking.Status.CANCELLED, Booking.Status.REFUSED):
        BookingFactory(space=room, start=start, end=end, status=status)
    assert Booking.objects.count() == 6


@pytest.mark.postgres
def test_reactivating_a_cancelled_row_over_a_taken_slot_is_refused():
    room = RoomFactory()
    start, end = local_slot(1, 10)
    BookingFactory(space=room, start=start, end=end)
    cancelled = BookingFactory(space=room, start=start, end=end, status=Booking.Status.CANCELLED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CONFIRMED)


@pytest.mark.postgres
def test_buffer_is_held_by_the_constraint():
    room = RoomFactory()
    start, end = local_slot(1, 10)
    BookingFactory(space=room, start=start, end=end, blocked_until=end + timedelta(minutes=30))
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(space=room, start=end, end=end + timedelta(hours=1))
    BookingFactory(space=room, start=end + timedelta(minutes=30), end=end + timedelta(minutes=90))


def test_feed_tokens_are_created_once_and_reset(booking_world, django_assert_max_num_queries):
    from events.models import FeedToken

    w = booking_world
    own = FeedToken.objects.for_user(w.bob)
    assert FeedToken.objects.for_user(w.bob) == own and len(own.token) >= 40
    with django_assert_max_num_queries(3):
        tokens = FeedToken.objects.for_structures([w.bleu, w.vert])
    assert set(tokens) == {w.bleu.pk, w.vert.pk}
    with django_assert_max_num_queries(1):
        assert FeedToken.objects.for_structures([w.bleu, w.vert]) == tokens
    old = tokens[w.bleu.pk].token
    new = FeedToken.objects.reset_structure(w.bleu)
    assert new.token != old
    assert FeedToken.objects.resolve(old) is None
    assert FeedToken.objects.resolve(new.token).structure == w.bleu
    assert FeedToken.objects.resolve("x" * 500) is None
    assert FeedToken.objects.reset_user(w.bob).token != own.token
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedToken.objects.create(user=w.bob, structure=w.bleu)


def test_holding_finds_every_booking_that_meets_the_period_even_the_longest():
    """holding() bounds the bookings' start from below (LONGEST_HOLD): it must find exactly
    what the unbounded test finds, for bookings of every length up to the limits, around the
    period's edges; and a test of the bound itself fails if LONGEST_HOLD is made shorter."""
    room = RoomFactory()
    period_start, _ = local_slot(30, 0)
    period_end = period_start + timedelta(days=7)
    made = []
    booker = BookingFactory.booked_by.get_factory()()
    # Starts from the period's start back to beyond the longest hold (14 days 4 hours).
    for hours_before in (0, 24, 13 * 24, 14 * 24, 14 * 24 + 2, 14 * 24 + 4, 14 * 24 + 5, 15 * 24):
        for duration in (timedelta(hours=1), timedelta(days=13), MAX_BOOKING_DURATION):
            for buffer in (0, 60, MAX_BUFFER_MINUTES):
                start = period_start - timedelta(hours=hours_before)
                end = start + duration
                made.append(
                    BookingFactory.build(
                        space=room,
                        structure=None,
                        booked_by=booker,
                        start=start,
                        end=end,
                        blocked_until=end + timedelta(minutes=buffer),
                        status=Booking.Status.CANCELLED,  # the exclusion constraint ignores them
                    )
                )
    Booking.objects.bulk_create(made)
    unbounded = Booking.objects.filter(start__lt=period_end, blocked_until__gt=period_start)
    found = set(Booking.objects.holding(period_start, period_end).values_list("pk", flat=True))
    assert found == set(unbounded.values_list("pk", flat=True))
    longest = max(
        (b for b in Booking.objects.filter(pk__in=found)), key=lambda b: period_start - b.start
    )
    assert period_start - longest.start > MAX_BOOKING_DURATION  # the bound is exercised
