"""The public-reception capacity ("effectif admissible") of a site and of its rooms bounds the
capacity of the public events held there (events.agenda.services.check_capacity)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from events.agenda import services as agenda
from events.models import Event
from sites.models import Site
from tests.events.conftest import booking_world  # noqa: F401  (the fixture)
from tests.events.factories import local_slot

pytestmark = pytest.mark.django_db


def new_event(w, **fields) -> Event:
    fields.setdefault("title", "Portes ouvertes")
    fields.setdefault("kind", Event.Kind.REPAIR_CAFE)
    return agenda.create_event(site=w.site_a, by=w.mara, structure=w.bleu, **fields)


def test_a_public_event_may_not_exceed_the_sites_reception_capacity(booking_world):  # noqa: F811
    w = booking_world
    Site.objects.filter(pk=w.site_a.pk).update(reception_capacity=19)
    w.site_a.refresh_from_db()
    with pytest.raises(ValidationError) as refusal:
        new_event(w, capacity=20)
    assert "effectif admissible" in refusal.value.message_dict["capacity"][0]
    assert not Event.objects.filter(title="Portes ouvertes").exists()
    event = new_event(w, capacity=19)
    with pytest.raises(ValidationError):
        agenda.update_event(event, by=w.mara, capacity=25)
    event.refresh_from_db()
    assert event.capacity == 19


def test_a_room_with_a_lower_reception_capacity_bounds_the_event_held_in_it(booking_world):  # noqa: F811
    w = booking_world
    w.salle_verte.reception_capacity = 12
    w.salle_verte.save()
    event = new_event(w, capacity=20)
    start, end = local_slot(3, 10)
    with pytest.raises(ValidationError, match="Salle Verte"):
        agenda.add_timing(event, by=w.mara, start=start, end=end, room=w.salle_verte)
    assert not event.timings.exists()


def test_an_internal_event_is_bounded_by_its_rooms_only(booking_world):  # noqa: F811
    w = booking_world
    Site.objects.filter(pk=w.site_a.pk).update(reception_capacity=10)
    w.site_a.refresh_from_db()
    event = new_event(w, capacity=25, visibility=Event.Visibility.INTERNAL)
    assert event.capacity == 25
