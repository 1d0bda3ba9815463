"""Booking e-mails: they leave once the transaction commits, never before, and the approval
request goes to the site's active managers, else to its operator's team."""

import pytest
from django.core import mail

from events.models import Booking, BookingRules
from events.recurrence import WEEKLY, Recurrence
from events.services import approve, book, cancel, cancel_series_from, refuse
from tests.events.factories import local_slot
from tests.events.test_recurrence import _series as weekly_series

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
