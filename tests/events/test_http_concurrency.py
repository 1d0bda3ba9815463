"""No double booking through the real HTTP endpoint, under load, on a live server.

Each client is a separate logged-in session: it GETs the booking form (CSRF cookie and token,
its own request_key) like a browser, then every client POSTs the same slot at once. The live
server is one process with a thread per request, like a threaded WSGI worker.
"""

import http.client
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Booking
from tests.events.factories import MemberFactory, local_slot
from tests.factories import UserFactory

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_INPUT = re.compile(r'name="request_key" value="([^"]+)"')
CONFLICT_MESSAGES = ("est déjà réservé", "vient d'être réservé")


@pytest.fixture
def bounded_live_server(live_server):
    """At most 40 requests inside Django at once: a production server has a bounded worker
    pool too, and PostgreSQL a bounded number of connections (the others wait, as they would
    behind gunicorn). Every request still goes through the whole HTTP and Django stack."""
    httpd = live_server.thread.httpd
    # The test server listens with a backlog of 10; a real one (gunicorn: 2048) queues more
    # before the kernel resets new connections. listen() again only changes the backlog.
    httpd.socket.listen(1024)
    app = httpd.get_app()
    gate = threading.BoundedSemaphore(40)

    def bounded(environ, start_response):
        with gate:
            try:
                return app(environ, start_response)
            finally:
                # The request's connection goes back before the next request comes in.
                connection.close()

    httpd.set_app(bounded)
    yield live_server
    httpd.set_app(app)


class Session:
    """One browser: its cookies, its form tokens."""

    def __init__(self, base_url: str, user):
        self.netloc = urlsplit(base_url).netloc
        client = Client()
        client.force_login(user)
        self.cookies = {"sessionid": client.cookies["sessionid"].value}
        self.csrf = self.key = ""

    def request(self, method: str, path: str, body: str | None = None):
        conn = http.client.HTTPConnection(self.netloc, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _sep, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            conn.close()

    def open_form(self, path: str) -> None:
        status, html = self.request("GET", path)
        assert status == 200, html[:500]
        self.csrf = CSRF_INPUT.search(html).group(1)
        self.key = KEY_INPUT.search(html).group(1)
        assert "csrftoken" in self.cookies


def booking_body(session: Session, structure, start, minutes=60) -> str:
    local = timezone.localtime(start)
    return urlencode(
        {
            "csrfmiddlewaretoken": session.csrf,
            "request_key": session.key,
            "structure": structure.pk,
            "day": local.date().isoformat(),
            "start_time": local.strftime("%H:%M"),
            "duration": minutes,
            "purpose": "Charge",
            "people": 2,
        }
    )


def fire_at_once(jobs) -> list:
    """Run every job in its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except Exception as exc:  # a refused connection is a failure to report, not a crash
            results[i] = ("exception", repr(exc))

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


def classify(results) -> dict[str, list]:
    outcome: dict[str, list] = {"booked": [], "conflict": [], "other": []}
    for status, text in results:
        if status == 302:
            outcome["booked"].append(text)
        elif status == 200 and any(m in text for m in CONFLICT_MESSAGES):
            outcome["conflict"].append(text)
        else:
            outcome["other"].append((status, text[:300]))
    return outcome


def make_clients(world, base_url, n, form_path):
    sessions = []
    for i in range(n):
        user = UserFactory(email=f"charge{i}@example.org")
        MemberFactory(user=user, structure=world.bleu)
        sessions.append(Session(base_url, user))
    # Each one opens the form (cookies, CSRF token, request_key), a few at a time.
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda s: s.open_form(form_path), sessions))
    return sessions


def one_slot_race(world, base_url, n):
    path = reverse("events:book", args=[world.salle_jaune.pk])
    sessions = make_clients(world, base_url, n, path)
    start, end = local_slot(3, 14)

    results = fire_at_once(
        [
            (lambda s=s: s.request("POST", path, booking_body(s, world.bleu, start)))
            for s in sessions
        ]
    )

    outcome = classify(results)
    assert outcome["other"] == [], outcome["other"][:5]  # no 500, no refused connection
    assert len(outcome["booked"]) == 1
    assert len(outcome["conflict"]) == n - 1
    assert Booking.objects.active().filter(space=world.salle_jaune).count() == 1
    booking = Booking.objects.get()
    assert (booking.start, booking.end) == (start, end)
    assert Booking.objects.overlapping_pairs() == []


@pytest.mark.postgres
def test_two_hundred_simultaneous_posts_for_one_slot_give_exactly_one_booking(
    bounded_live_server, booking_world
):
    one_slot_race(booking_world, bounded_live_server.url, 200)


def test_twenty_simultaneous_posts_for_one_slot_give_exactly_one_booking(
    bounded_live_server, booking_world
):
    # On the SQLite file database: one IMMEDIATE transaction, no "database is locked".
    one_slot_race(booking_world, bounded_live_server.url, 20)


def test_simultaneous_back_to_back_bookings_both_succeed(bounded_live_server, booking_world):
    w = booking_world
    path = reverse("events:book", args=[w.salle_jaune.pk])
    sessions = make_clients(w, bounded_live_server.url, 20, path)
    start, _end = local_slot(3, 10)
    # Ten clients want 10:00–11:00, ten want 11:00–12:00: one of each wins.
    jobs = [
        (
            lambda s=s, i=i: s.request(
                "POST", path, booking_body(s, w.bleu, start + timedelta(hours=i % 2))
            )
        )
        for i, s in enumerate(sessions)
    ]
    outcome = classify(fire_at_once(jobs))
    assert outcome["other"] == [], outcome["other"][:5]
    assert len(outcome["booked"]) == 2 and len(outcome["conflict"]) == 18
    starts = sorted(Booking.objects.active().values_list("start", flat=True))
    assert starts == [start, start + timedelta(hours=1)]
    assert Booking.objects.overlapping_pairs() == []


@pytest.mark.postgres
def test_two_hundred_clients_on_postgresql_leave_no_overlap(bounded_live_server, booking_world):
    """Several slots, partly overlapping, 200 clients: whatever wins, nothing overlaps."""
    w = booking_world
    path = reverse("events:book", args=[w.salle_jaune.pk])
    sessions = make_clients(w, bounded_live_server.url, 200, path)
    start, _end = local_slot(4, 9)
    jobs = []
    for i, s in enumerate(sessions):
        slot = start + timedelta(minutes=30 * (i % 12))  # 09:00 … 14:30, 1 h each
        jobs.append(lambda s=s, slot=slot: s.request("POST", path, booking_body(s, w.bleu, slot)))
    outcome = classify(fire_at_once(jobs))
    assert outcome["other"] == [], outcome["other"][:5]
    assert len(outcome["booked"]) + len(outcome["conflict"]) == 200
    assert Booking.objects.overlapping_pairs() == []
    # Refusals were real conflicts: every wanted slot is booked or overlaps a booked one.
    won = list(Booking.objects.active().values_list("start", "end"))
    assert len(won) == len(outcome["booked"]) >= 4
    for k in range(12):
        wanted = start + timedelta(minutes=30 * k)
        assert any(a < wanted + timedelta(hours=1) and wanted < b for a, b in won), wanted


def test_request_key_makes_a_replayed_post_idempotent(bounded_live_server, booking_world):
    w = booking_world
    path = reverse("events:book", args=[w.salle_jaune.pk])
    (session,) = make_clients(w, bounded_live_server.url, 1, path)
    start, _end = local_slot(3, 16)
    body = booking_body(session, w.bleu, start)
    results = fire_at_once([lambda: session.request("POST", path, body) for _ in range(10)])
    # Every retry of the same form lands on the same booking, or sees it taken by itself.
    assert all(status in (200, 302) for status, _text in results), results
    assert Booking.objects.count() == 1
    assert str(uuid.UUID(Booking.objects.get().request_key)) == session.key
