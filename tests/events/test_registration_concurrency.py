"""Registrations under concurrent requests, through events.agenda.registrations.register: real
threads, each with its own connection, committed transactions (as test_concurrency_db.py).

100 people register at once for an event of 20 places: exactly 20 places are confirmed, the 80
others wait. The control runs the same race with the lock on the event taken away and a pause
between counting the places and writing the registration: it over-books, and the same check
(Registration.objects.overbooked_events) sees it, which proves the check can fail.

At most MAX_CONNECTIONS threads hold a connection at a time: PostgreSQL's default
max_connections is 100, shared with the test's own connection and the other clients.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from events.agenda import registrations as service
from events.models import Event, Registration
from tests.events.registration_support import open_event

pytestmark = pytest.mark.django_db(transaction=True)

MAX_CONNECTIONS = 40


def race(n: int, attempt) -> dict[str, list]:
    """Runs attempt(i) in n threads released together; sorts the outcomes."""
    barrier = threading.Barrier(n)
    slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
    outcomes: dict[str, list] = {"ok": [], "refused": [], "error": []}
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait(timeout=60)
        with slots:
            try:
                kind, value = "ok", attempt(i).status
            except ValidationError as exc:
                kind, value = "refused", exc.messages[0]
            except Exception as exc:  # anything else would be a server error in a view
                kind, value = "error", repr(exc)
            finally:
                connection.close()
        with lock:
            outcomes[kind].append(value)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sum(len(v) for v in outcomes.values()) == n, "a thread hung"
    return outcomes


def attempt_for(event: Event):
    def attempt(i: int) -> Registration:
        return service.register(event, name=f"Personne {i}", email=f"p{i}@example.org", places=1)

    return attempt


def _register_many(booking_world, n: int, capacity: int) -> tuple[Event, dict[str, list]]:
    event = open_event(booking_world, capacity=capacity)
    return event, race(n, attempt_for(event))


@pytest.mark.postgres
def test_100_concurrent_registrations_for_20_places_confirm_exactly_20(booking_world):
    event, outcomes = _register_many(booking_world, 100, 20)
    assert outcomes["error"] == [] and outcomes["refused"] == []
    assert sorted(outcomes["ok"]).count("confirmee") == 20
    assert sorted(outcomes["ok"]).count("attente") == 80
    registrations = Registration.objects.filter(event=event)
    assert registrations.confirmed().places() == 20
    assert registrations.waitlisted().count() == 80
    assert Registration.objects.overbooked_events() == []
    assert Event.objects.get(pk=event.pk).state == Event.State.FULL


def test_concurrent_registrations_never_overbook_on_any_database(booking_world):
    """The same race, smaller, on SQLite as well (its IMMEDIATE transactions queue writers)."""
    _event, outcomes = _register_many(booking_world, 12, 5)
    assert outcomes["error"] == []
    assert outcomes["ok"].count("confirmee") == 5 and outcomes["ok"].count("attente") == 7
    assert Registration.objects.overbooked_events() == []


@pytest.mark.postgres
def test_control_without_the_lock_the_same_race_overbooks_and_the_check_sees_it(
    booking_world, monkeypatch
):
    """Without the lock on the event's row, and with a pause between the count of the places
    taken and the insert, the concurrent registrations all read a free event: the check that
    the real test relies on reports the over-booking."""
    counted = service.places_taken

    def slow_count(event):
        taken = counted(event)
        time.sleep(0.3)
        return taken

    monkeypatch.setattr(service, "_locked_event", lambda event: Event.objects.get(pk=event.pk))
    monkeypatch.setattr(service, "places_taken", slow_count)
    event, outcomes = _register_many(booking_world, 30, 20)
    assert outcomes["error"] == []
    assert Registration.objects.filter(event=event).confirmed().places() > 20
    assert Registration.objects.overbooked_events() == [event.pk]


def test_the_overbooking_check_reports_an_event_with_more_confirmed_places_than_capacity(
    booking_world,
):
    event = open_event(booking_world, capacity=2)
    for i in range(3):
        Registration.objects.create(event=event, name="X", email=f"x{i}@example.org")
    assert Registration.objects.overbooked_events() == [event.pk]
