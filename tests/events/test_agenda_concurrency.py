"""An event's dates and the rooms they hold under concurrent writers, through
events.agenda.services: real threads, real connections, committed transactions (as
test_concurrency_db.py). A room taken twice, or two overlapping dates of one event, would show
here as more than one success."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from events.agenda import services as agenda
from events.models import Booking, Event, EventTiming
from tests.events.factories import local_slot

pytestmark = pytest.mark.django_db(transaction=True)


def race(n: int, attempt) -> dict[str, list]:
    """Runs attempt(i) in n threads released together; sorts the outcomes."""
    barrier = threading.Barrier(n)
    outcomes: dict[str, list] = {"ok": [], "refused": [], "error": []}
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            kind, value = "ok", attempt(i).pk
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
        thread.join(timeout=120)
    assert sum(len(v) for v in outcomes.values()) == n, "a thread hung"
    return outcomes


def test_concurrent_events_on_one_room_and_slot_get_it_once(booking_world, is_postgres):
    w = booking_world
    n = 16 if is_postgres else 10
    organisers = [(w.bob, w.bleu), (w.bea, w.bleu), (w.carl, w.vert)]
    events = [
        agenda.create_event(
            site=w.site_a, by=organisers[i % 3][0], structure=organisers[i % 3][1], title=f"E{i}"
        )
        for i in range(n)
    ]
    start, end = local_slot(3, 14)

    def attempt(i: int):
        return agenda.add_timing(
            events[i], by=organisers[i % 3][0], start=start, end=end, room=w.salle_jaune
        )

    outcomes = race(n, attempt)
    assert outcomes["error"] == []
    assert len(outcomes["ok"]) == 1 and len(outcomes["refused"]) == n - 1
    assert all("Salle Jaune" in message for message in outcomes["refused"])
    assert EventTiming.objects.count() == 1  # no date left without its room
    assert Booking.objects.active().filter(space=w.salle_jaune).count() == 1
    assert Booking.objects.overlapping_pairs() == []


def test_concurrent_overlapping_dates_of_one_event_are_saved_once(booking_world, is_postgres):
    w = booking_world
    n = 12 if is_postgres else 8
    event = agenda.create_event(site=w.site_a, by=w.bob, structure=w.bleu, title="Marché")
    start, end = local_slot(3, 14, minutes=120)

    def attempt(i: int):
        user = w.bob if i % 2 else w.bea
        return agenda.add_timing(event, by=user, start=start, end=end, place="Dans la cour")

    outcomes = race(n, attempt)
    assert outcomes["error"] == []
    assert len(outcomes["ok"]) == 1
    assert Event.objects.get().timings.count() == 1
