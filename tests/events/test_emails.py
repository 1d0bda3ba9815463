"""Booking e-mails: they leave once the transaction commits, never before, the approval
request goes to the site's active managers, else to its operator's team, and each is written in
the language of the account it goes to."""

import pytest
from django.core import mail

from events.models import Booking, BookingRules
from events.recurrence import WEEKLY, Recurrence
from events.services import approve, book, cancel, cancel_series_from, refuse
from tests.events.factories import local_slot
from tests.events.test_recurrence import _series as weekly_series
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _book(w):
    start, end = local_slot(2, 10)
    return book(
        space=w.salle_jaune, user=w.bob, structure=w.bleu, purpose="AG", start=start, end=end
    )


def _series(w):
    start, end = local_slot(3, 10)
    return weekly_series(w, start, end, Recurrence(WEEKLY, count=3), skip_conflicts=False)


def _pending(w):
    BookingRules.objects.create(site=w.site_a, approval_required=True)
    return _book(w)


# action: (what exists before, what is done in the transaction)
ACTIONS = {
    "book": (lambda w: None, lambda w, _none: _book(w)),
    "series": (lambda w: None, lambda w, _none: _series(w)),
    "cancel": (_book, lambda w, booking: cancel(booking, w.bob)),
    "cancel_rest": (
        _series,
        lambda w, series: cancel_series_from(series.bookings.order_by("start")[1], w.bob),
    ),
    "approve": (_pending, lambda w, booking: approve(booking, w.mara)),
    "refuse": (_pending, lambda w, booking: refuse(booking, w.mara, "Salle prise")),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_mails_leave_only_once_the_transaction_commits(
    booking_world, django_capture_on_commit_callbacks, action
):
    w = booking_world
    prepare, act = ACTIONS[action]
    prepared = prepare(w)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        act(w, prepared)
    # Nothing is sent inside the transaction: after a rollback nobody would hold the
    # e-mail (and .ics) of a booking that does not exist.
    assert mail.outbox == []
    assert callbacks
    for callback in callbacks:
        callback()
    assert mail.outbox


@pytest.mark.parametrize("how", ["removed", "deactivated"])
def test_approval_request_without_an_active_manager_goes_to_the_operator_team(
    booking_world, django_capture_on_commit_callbacks, how
):
    w = booking_world
    if how == "removed":
        w.site_a.managers.remove(w.mara)
    else:
        w.mara.is_active = False
        w.mara.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking = _pending(w)
    assert booking.status == Booking.Status.PENDING
    requests = [m for m in mail.outbox if "à valider" in m.subject]
    assert [m.to for m in requests] == [["olga@example.org"]]  # staff of the site's operator


# --- In each person's language ---------------------------------------------------------------


def _subjects(to: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [to]]


@pytest.mark.parametrize(
    ("language", "booked", "cancelled"),
    [
        ("en", "Booking confirmed: Salle Jaune", "Booking cancelled: Salle Jaune"),
        ("", "Réservation confirmée : Salle Jaune", "Réservation annulée : Salle Jaune"),
    ],
)
def test_the_person_who_booked_reads_the_emails_in_their_language(
    booking_world, django_capture_on_commit_callbacks, language, booked, cancelled
):
    w = booking_world
    w.bob.language = language
    w.bob.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(w)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(booking, w.bob)
    assert _subjects("bob@example.org") == [booked, cancelled]
    if language == "en":
        assert "Your booking for Atelier Bleu is confirmed:" in mail.outbox[0].body
        assert "- on " in mail.outbox[0].body and ", reference " in mail.outbox[0].body
        ics = mail.outbox[0].attachments[0][1]  # built as the message is sent: English too
        assert "Reference: " in (ics.decode() if isinstance(ics, bytes) else ics)
        assert "These bookings" not in mail.outbox[1].body
        assert "This booking is cancelled:" in mail.outbox[1].body


def test_a_decision_reaches_the_person_who_booked_in_their_language(
    booking_world, django_capture_on_commit_callbacks
):
    w = booking_world
    w.bob.language = "en"
    w.bob.save(update_fields=["language"])
    booking = _pending(w)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve(booking, w.mara)
    assert _subjects("bob@example.org") == ["Booking approved: Salle Jaune"]


def test_a_request_to_approve_goes_to_the_managers_once_per_language(
    booking_world, django_capture_on_commit_callbacks
):
    w = booking_world
    nora = UserFactory(email="nora@example.org", is_staff=True, language="en")
    w.site_a.managers.add(nora)
    with django_capture_on_commit_callbacks(execute=True):
        _pending(w)
    requests = sorted(
        ((m.to, m.subject) for m in mail.outbox if m.to != ["bob@example.org"]),
        key=lambda pair: pair[0],
    )
    assert requests == [
        (["mara@example.org"], "Réservation à valider : Salle Jaune (Site A)"),
        (["nora@example.org"], "Booking to approve: Salle Jaune (Site A)"),
    ]
    # The person who booked, who never chose, reads French.
    assert _subjects("bob@example.org") == ["Demande de réservation reçue : Salle Jaune"]
