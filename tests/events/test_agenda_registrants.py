"""What the agenda service's changes to an event mean for the people registered to it: a
cancelled event tells them, a larger capacity lets the waiting list in, a smaller one never
drops confirmed places."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from events.agenda import registrations as service
from events.agenda import services as agenda
from events.models import Event, Registration
from tests.events.registration_support import open_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(booking_world):
    return booking_world


def register(event, n: int, places: int = 1):
    return service.register(event, name=f"Personne {n}", email=f"p{n}@example.org", places=places)


def statuses() -> dict[str, str]:
    return dict(Registration.objects.values_list("email", "status"))


def test_cancelling_an_event_mails_everyone_confirmed_or_waiting_with_its_page(
    w, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://interstices.example"
    event = open_event(w, capacity=2)
    register(event, 1, places=2)
    register(event, 2)  # waits
    gone = register(event, 3)  # waits, then cancels
    service.cancel(gone.token)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        agenda.cancel_event(event, by=w.bob)
    assert sorted(m.to[0] for m in mail.outbox) == ["p1@example.org", "p2@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Événement annulé : Atelier vélo"
    assert "est annulé" in message.body
    assert f"https://interstices.example{event.get_absolute_url()}" in message.body
    assert "/annuler/" not in message.body  # nothing left to cancel


def test_a_refused_cancellation_mails_nobody(w, django_capture_on_commit_callbacks):
    event = open_event(w)
    register(event, 1)
    agenda.cancel_event(event, by=w.bob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        agenda.cancel_event(event, by=w.bob)  # already cancelled
    assert mail.outbox == []


def test_a_larger_capacity_confirms_the_waiting_list_in_order_and_mails_them(
    w, django_capture_on_commit_callbacks
):
    event = open_event(w, capacity=2)
    register(event, 1, places=2)
    register(event, 2, places=2)
    register(event, 3, places=1)
    assert Event.objects.get(pk=event.pk).state == Event.State.FULL
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        agenda.update_event(event, by=w.bob, capacity=4)
    # The first in line fits; the next one would need a fifth place and keeps waiting.
    assert statuses() == {
        "p1@example.org": "confirmee",
        "p2@example.org": "confirmee",
        "p3@example.org": "attente",
    }
    assert [m.to for m in mail.outbox] == [["p2@example.org"]]
    assert "Une place s'est libérée" in mail.outbox[0].subject
    assert Event.objects.get(pk=event.pk).state == Event.State.FULL  # 4 of 4 places taken
    agenda.update_event(event, by=w.bob, capacity=10)
    assert statuses()["p3@example.org"] == "confirmee"
    assert Event.objects.get(pk=event.pk).state == Event.State.SCHEDULED


def test_an_unlimited_capacity_reopens_a_full_event_and_confirms_its_waiting_list(
    w, django_capture_on_commit_callbacks
):
    event = open_event(w, capacity=3)
    register(event, 1, places=3)
    register(event, 2, places=2)
    assert Event.objects.get(pk=event.pk).state == Event.State.FULL
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        agenda.update_event(event, by=w.bob, capacity=None)
    assert set(statuses().values()) == {"confirmee"}
    assert [m.to for m in mail.outbox] == [["p2@example.org"]]
    event.refresh_from_db()
    assert (event.capacity, event.state) == (None, Event.State.SCHEDULED)
    assert register(event, 3, places=10).status == "confirmee"


def test_a_capacity_below_the_confirmed_places_is_refused_in_french_and_changes_nothing(w):
    event = open_event(w, capacity=10)
    register(event, 1, places=3)
    register(event, 2, places=2)
    with pytest.raises(ValidationError) as refused:
        agenda.update_event(event, by=w.bob, capacity=4, title="Autre titre")
    assert "5 places sont déjà confirmées" in refused.value.message_dict["capacity"][0]
    event.refresh_from_db()
    assert (event.capacity, event.title) == (10, "Atelier vélo")
    agenda.update_event(event, by=w.bob, capacity=5)  # exactly the confirmed places: full
    assert Event.objects.get(pk=event.pk).state == Event.State.FULL
    assert set(statuses().values()) == {"confirmee"}
