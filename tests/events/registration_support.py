"""Events open for registration, built through events.agenda.services (shared by the
registration tests)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from events.agenda import services as agenda
from events.models import Event
from tests.events.factories import local_slot


def open_event(w, *, capacity: int | None = 20, days: int = 3, title: str = "Atelier vélo", **f):
    """A published event of Atelier Bleu (bob) on site A, in the courtyard, `days` days ahead
    (negative: in the past), with on-platform registration unless `registration` says."""
    fields = {"registration": Event.Registration.PLATFORM, "capacity": capacity, **f}
    event = agenda.create_event(site=w.site_a, by=w.bob, structure=w.bleu, title=title, **fields)
    if days >= 0:
        start, end = local_slot(days, 14, minutes=120)
    else:
        start = timezone.now() + timedelta(days=days)
        end = start + timedelta(hours=2)
    agenda.add_timing(event, by=w.bob, start=start, end=end, place="Dans la cour")
    agenda.publish(event, by=w.mara)
    event.refresh_from_db()
    return event
