"""No double booking under concurrent writers, through events.services.book.

Real threads, real connections, committed transactions (transactional_db): on SQLite a file
database under BEGIN IMMEDIATE, on PostgreSQL the exclusion constraint. The control test drops
the constraint and injects a pause between the check and the insert: the race then double-books,
which proves these tests can fail. After every load, the overlap self-join finds 0 rows.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from events import checks, services
from events.models import Booking, BookingSeries
from events.recurrence import WEEKLY, Recurrence
from events.services import BookingError, book, book_series
from sites.models import Space, SpaceQuerySet
from tests.events.factories import BookingFactory, local_slot

pytestmark = pytest.mark.django_db(transaction=True)


def _race(n: int, attempt) -> list[tuple[str, object]]:
    """Runs attempt(i) in n threads released together; returns (kind, value) per thread."""
    barrier = threading.Barrier(n)
    results: list[tuple[str, object]] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = ("ok", attempt(i).pk)
        except BookingError as exc:
            outcome = ("conflict", exc.messages[0])
        except Exception as exc:  # every other failure is a server error in the view
            outcome = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == n, "a thread hung"
    return results


def _kinds(results) -> dict[str, int]:
    counts = {"ok": 0, "conflict": 0, "error": 0}
    for kind, _value in results:
        counts[kind] += 1
    return counts


def _writers(is_postgres: bool) -> int:
    return 30 if is_postgres else 20


def _booker(w, start, end, **extra):
    people = [(w.bob, w.bleu), (w.bea, w.bleu), (w.carl, w.vert)]

    def attempt(i: int):
        user, structure = people[i % len(people)]
        return book(
            space=w.salle_jaune, user=user, structure=structure, start=start, end=end, **extra
        )

    return attempt


def test_concurrent_writers_on_one_slot_make_exactly_one_booking(booking_world, is_postgres):
    w = booking_world
    start, end = local_slot(3, 14)
    n = _writers(is_postgres)
    results = _race(n, _booker(w, start, end))
    counts = _kinds(results)
    errors = [value for kind, value in results if kind == "error"]
    assert errors == [], errors  # no "database is locked", no IntegrityError leaking out
    assert counts == {"ok": 1, "conflict": n - 1, "error": 0}
    assert all(
        "Salle Jaune" in value and "14:00" in value for kind, value in results if kind == "conflict"
    )
    assert Booking.objects.active().filter(space=w.salle_jaune).count() == 1
    assert Booking.objects.overlapping_pairs() == []


def test_concurrent_overlapping_and_back_to_back_slots(booking_world, is_postgres):
    """Half the writers want 14:00–15:00, half 14:30–15:30, plus 15:00–16:00 back to back."""
    w = booking_world
    a, b, c = local_slot(4, 14), local_slot(4, 14, 30), local_slot(4, 15)
    slots = [a, b]
    n = _writers(is_postgres)

    def attempt(i: int):
        start, end = c if i == 0 else slots[i % 2]
        user, structure = ((w.bob, w.bleu), (w.carl, w.vert))[i % 2]
        return book(space=w.salle_jaune, user=user, structure=structure, start=start, end=end)

    results = _race(n, attempt)
    counts = _kinds(results)
    errors = [value for kind, value in results if kind == "error"]
    assert errors == [], errors  # no deadlock or IntegrityError leaking out
    assert Booking.objects.overlapping_pairs() == []
    booked = sorted((b.start, b.end) for b in Booking.objects.active().filter(space=w.salle_jaune))
    assert counts["ok"] == len(booked)
    # 15:00–16:00 leaves room for 14:00–15:00 only if it won; either way nothing overlaps.
    assert 1 <= len(booked) <= 2


def test_double_submit_racing_with_one_key_makes_one_booking(booking_world):
    w = booking_world
    start, end = local_slot(3, 10)

    def attempt(_i: int):
        return book(
            space=w.salle_jaune,
            user=w.bob,
            structure=w.bleu,
            start=start,
            end=end,
            request_key="same-form",
        )

    results = _race(10, attempt)
    assert {kind for kind, _v in results} == {"ok"}, results
    assert len({pk for _kind, pk in results}) == 1
    assert Booking.objects.count() == 1


def test_series_double_submit_racing_makes_one_series(booking_world):
    w = booking_world
    start, end = local_slot(3, 10)

    def attempt(_i: int):
        return book_series(
            space=w.salle_jaune,
            user=w.bob,
            structure=w.bleu,
            start=start,
            end=end,
            rule=Recurrence(WEEKLY, count=3),
            skip_conflicts=False,
            request_key="same-series-form",
        )

    results = _race(6, attempt)
    assert {kind for kind, _v in results} == {"ok"}, results
    assert len({pk for _kind, pk in results}) == 1
    assert BookingSeries.objects.count() == 1 and Booking.objects.count() == 3
    assert Booking.objects.overlapping_pairs() == []


def test_members_racing_for_the_last_quota_hours_get_them_once(booking_world):
    """Different rooms and times, one structure with 1 hour a week left: one booking only."""
    from decimal import Decimal

    from events.models import BookingRules

    w = booking_world
    BookingRules.objects.create(site=w.site_a, weekly_quota_hours=Decimal("1"))
    day = 7 - local_slot(0, 0)[0].weekday() + 1  # Tuesday of next week
    rooms = [w.salle_jaune, w.salle_verte]

    def attempt(i: int):
        start, end = local_slot(day, 9 + i)
        return book(
            space=rooms[i % 2], user=(w.bob, w.bea)[i % 2], structure=w.bleu, start=start, end=end
        )

    counts = _kinds(_race(8, attempt))
    assert counts == {"ok": 1, "conflict": 7, "error": 0}


def _slow_quota_count(monkeypatch, pause: float) -> None:
    """Injects a pause between counting the structure's hours and the insert (test-only)."""
    original = checks.Checker._load_quota

    def count_then_wait(self, *args, **kwargs):
        original(self, *args, **kwargs)
        time.sleep(pause)

    monkeypatch.setattr(checks.Checker, "_load_quota", count_then_wait)


def _quota_race(w) -> tuple[dict[str, int], float]:
    """Nine bookings of one hour for Atelier Bleu, at nine different hours of one day, each in
    its own room of site A (so that the rooms' locks do not serialise them), whose rules give 3
    hours a week: returns the outcomes and the hours Atelier Bleu holds that week afterwards."""
    from decimal import Decimal

    from events.models import BookingRules
    from tests.events.factories import RoomFactory

    BookingRules.objects.create(site=w.site_a, weekly_quota_hours=Decimal("3"))
    rooms = [w.salle_jaune, w.salle_verte]
    rooms += [RoomFactory(site=w.site_a, name=f"Salle {n}") for n in range(7)]
    day = 7 - local_slot(0, 0)[0].weekday() + 1  # Tuesday of next week

    def attempt(i: int):
        start, end = local_slot(day, 9 + i)
        return book(
            space=rooms[i], user=(w.bob, w.bea)[i % 2], structure=w.bleu, start=start, end=end
        )

    counts = _kinds(_race(9, attempt))
    held = Booking.objects.active().filter(structure=w.bleu)
    hours = sum((b.end - b.start).total_seconds() / 3600 for b in held)
    return counts, hours


def test_concurrent_bookings_in_every_room_of_the_quota_never_exceed_it(booking_world, monkeypatch):
    """Even with a pause between the count and the insert, the writers of the structure's
    quota take turns on the structure's row whichever room they book: 3 hours, no more."""
    _slow_quota_count(monkeypatch, 0.2)
    counts, hours = _quota_race(booking_world)
    assert counts == {"ok": 3, "conflict": 6, "error": 0}
    assert hours == 3


@pytest.mark.postgres
def test_control_without_the_quota_lock_the_race_exceeds_the_quota(booking_world, monkeypatch):
    """The same race without the lock on the structure's row: every writer counts the hours
    before any other has committed, and the structure ends past its quota, so the test above
    would fail if the lock were missing. (SQLite's BEGIN IMMEDIATE serialises writers
    anyway.)"""
    _slow_quota_count(monkeypatch, 0.2)
    monkeypatch.setattr(services, "_lock_quota", lambda request: None)
    counts, hours = _quota_race(booking_world)
    assert counts["error"] == 0
    assert counts["ok"] > 3
    assert hours > 3


def _slow_check(monkeypatch, pause: float) -> None:
    """Injects a pause between the read of the room's bookings and the insert (test-only)."""
    original = checks.Checker._load_taken

    def check_then_wait(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        time.sleep(pause)
        return result

    monkeypatch.setattr(checks.Checker, "_load_taken", check_then_wait)


def test_guarantee_holds_with_a_pause_between_check_and_insert(
    booking_world, is_postgres, monkeypatch
):
    w = booking_world
    _slow_check(monkeypatch, 0.3)
    start, end = local_slot(3, 16)
    n = 10
    results = _race(n, _booker(w, start, end))
    errors = [value for kind, value in results if kind == "error"]
    assert errors == [], errors
    assert _kinds(results) == {"ok": 1, "conflict": n - 1, "error": 0}
    assert Booking.objects.overlapping_pairs() == []


def test_series_racing_for_the_same_dates_book_them_once(booking_world, monkeypatch):
    """Different forms (keys) of different structures: one series wins, the others are refused
    as a whole, even with a pause between each occurrence's check and its insert."""
    w = booking_world
    _slow_check(monkeypatch, 0.3)
    start, end = local_slot(3, 18)
    people = [(w.bob, w.bleu), (w.carl, w.vert)]

    def attempt(i: int):
        user, structure = people[i % 2]
        return book_series(
            space=w.salle_jaune,
            user=user,
            structure=structure,
            start=start,
            end=end,
            rule=Recurrence(WEEKLY, count=2),
            skip_conflicts=False,
            request_key=f"series-form-{i}",
        )

    results = _race(4, attempt)
    errors = [value for kind, value in results if kind == "error"]
    assert errors == [], errors
    assert _kinds(results) == {"ok": 1, "conflict": 3, "error": 0}
    assert BookingSeries.objects.count() == 1 and Booking.objects.count() == 2
    assert Booking.objects.overlapping_pairs() == []


@pytest.fixture
def without_overlap_constraint(transactional_db):
    """Drops the exclusion constraint for one test, then restores it (PostgreSQL)."""
    constraint = next(c for c in Booking._meta.constraints if c.name == services.OVERLAP_CONSTRAINT)
    with connection.schema_editor() as editor:
        editor.remove_constraint(Booking, constraint)
    yield
    Booking.objects.all().delete()
    with connection.schema_editor() as editor:
        editor.add_constraint(Booking, constraint)


@pytest.mark.postgres
def test_control_without_the_constraint_the_race_double_books(
    without_overlap_constraint, booking_world, monkeypatch
):
    """The same load with both guarantees switched off, the constraint and the room's lock: the
    self-join catches the overlaps, so the tests above would fail if both were missing."""
    w = booking_world
    _slow_check(monkeypatch, 0.5)
    monkeypatch.setattr(SpaceQuerySet, "lock", lambda self, ids: [])
    start, end = local_slot(3, 16)
    n = 10
    counts = _kinds(_race(n, _booker(w, start, end)))
    assert counts["error"] == 0
    assert counts["ok"] > 1
    assert len(Booking.objects.overlapping_pairs()) >= 1


def _crossing_writers(w, *, lock: bool) -> list[str]:
    """Two transactions on one room. The first books 10:00–11:00 and, half a second later,
    12:30–13:30; the second, in between, books 12:00–13:00 then 10:30–11:30. Each overlaps a
    row of the other. With `lock`, each takes the room's lock first, as the services do.
    Returns [first's outcome, second's]."""
    started = threading.Event()
    outcomes = {}

    def row(hour: int, minute: int) -> Booking:
        start, end = local_slot(3, hour, minute)
        return BookingFactory.build(
            space=w.salle_jaune, structure=w.bleu, booked_by=w.bob, start=start, end=end
        )

    def writer(name: str, first: Booking, second: Booking) -> None:
        try:
            with transaction.atomic():
                if lock:
                    Space.objects.lock([w.salle_jaune.pk])
                first.save(force_insert=True)
                if name == "first":
                    started.set()
                    time.sleep(0.5)
                second.save(force_insert=True)
            outcomes[name] = "ok"
        except IntegrityError:
            outcomes[name] = "conflict"
        except OperationalError as exc:
            outcomes[name] = "deadlock" if "deadlock" in str(exc) else repr(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=writer, args=("first", row(10, 0), row(12, 30))),
        threading.Thread(target=writer, args=("second", row(12, 0), row(10, 30))),
    ]
    threads[0].start()
    assert started.wait(timeout=10)
    threads[1].start()
    for thread in threads:
        thread.join(timeout=30)
    return [outcomes.get("first"), outcomes.get("second")]


@pytest.mark.postgres
def test_crossing_writers_on_one_room_take_turns_instead_of_deadlocking(booking_world):
    """With the room's lock (Space.objects.lock), the second writer waits until the first
    commits, then meets the first's 12:30 row as a plain conflict: no "deadlock detected",
    no one-second stall."""
    assert _crossing_writers(booking_world, lock=True) == ["ok", "conflict"]
    assert Booking.objects.count() == 2
    assert Booking.objects.overlapping_pairs() == []


@pytest.mark.postgres
def test_control_without_the_space_lock_crossing_writers_deadlock(booking_world):
    """The same two writers without the lock: each waits for the other's uncommitted row and
    PostgreSQL ends one of them, so the test above can fail."""
    assert sorted(_crossing_writers(booking_world, lock=False)) == ["deadlock", "ok"]


@pytest.mark.postgres
def test_no_lock_trigger_is_left_in_the_database():
    """The lock is taken in Python now: the migrations dropped the PL/pgSQL trigger and its
    function."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", ["%lock_space%"])
        assert cursor.fetchall() == []
        cursor.execute("SELECT proname FROM pg_proc WHERE proname = 'interstices_lock_space'")
        assert cursor.fetchall() == []
