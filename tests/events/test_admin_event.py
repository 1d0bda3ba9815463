"""The event admin: scoped to the manager's sites, dates read only, moderation and changes
through events.agenda.services."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from events.agenda import services as agenda
from events.models import Event
from tests.events.factories import local_slot

EVENTS = reverse("admin:events_event_changelist")


@pytest.fixture
def w(booking_world):
    w = booking_world
    w.event_a = agenda.create_event(site=w.site_a, by=w.bob, structure=w.bleu, title="Atelier")
    start, end = local_slot(3, 10)
    agenda.add_timing(w.event_a, by=w.bob, start=start, end=end, room=w.salle_jaune)
    agenda.submit(w.event_a, by=w.bob)
    w.event_b = agenda.create_event(site=w.site_b, by=w.dan, structure=w.sud, title="Concert")
    return w


def test_a_manager_sees_only_the_events_of_their_sites(client, w):
    client.force_login(w.mara)
    response = client.get(EVENTS)
    assert list(response.context["cl"].result_list) == [w.event_a]
    other = client.get(reverse("admin:events_event_change", args=[w.event_b.pk]))
    assert other.status_code == 302


def test_a_manager_publishes_from_the_list_through_the_service(client, w):
    client.force_login(w.mara)
    client.post(
        EVENTS,
        {
            "action": "publish_selected",
            ACTION_CHECKBOX_NAME: [w.event_a.pk, w.event_b.pk],
        },
    )
    w.event_a.refresh_from_db()
    w.event_b.refresh_from_db()
    assert w.event_a.moderation == Event.Moderation.PUBLISHED
    assert w.event_a.moderated_by == w.mara
    assert w.event_b.moderation == Event.Moderation.DRAFT


def test_the_change_form_keeps_the_capacity_within_the_rooms(client, w):
    client.force_login(w.mara)
    url = reverse("admin:events_event_change", args=[w.event_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if value is not None and name != "image"
    }
    data.update(
        {
            "capacity": 50,
            "publics": ["familles"],
            "timings-TOTAL_FORMS": 1,
            "timings-INITIAL_FORMS": 1,
            "timings-MIN_NUM_FORMS": 0,
            "timings-MAX_NUM_FORMS": 1000,
        }
    )
    for flag in ("accessible_hearing", "accessible_visual", "accessible_psychic"):
        data.pop(flag, None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "accueille au plus 10" in response.content.decode()
    w.event_a.refresh_from_db()
    assert w.event_a.capacity is None
    data["capacity"] = 8
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    w.event_a.refresh_from_db()
    assert w.event_a.capacity == 8 and w.event_a.publics == ["familles"]
