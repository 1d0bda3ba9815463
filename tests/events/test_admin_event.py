"""The event admin: scoped to the manager's sites, dates read only, moderation and changes
through events.agenda.services."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.agenda import services as agenda
from events.models import Attendance, AttendanceCount, Event, Public, Registration
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


# --- Registrations and attendance --------------------------------------------------------------

REGISTRATIONS = reverse("admin:events_registration_changelist")
ATTENDANCES = reverse("admin:events_attendance_changelist")


def test_a_manager_reads_the_registrants_of_their_sites_events_only(client, w):
    mine = Registration.objects.create(event=w.event_a, name="Inès", email="ines@example.org")
    other = Registration.objects.create(event=w.event_b, name="Omar", email="omar@example.org")
    client.force_login(w.mara)
    response = client.get(REGISTRATIONS)
    assert list(response.context["cl"].result_list) == [mine]
    text = response.content.decode()
    assert "ines@example.org" in text and "Omar" not in text and "omar@" not in text
    detail = client.get(reverse("admin:events_registration_change", args=[mine.pk]))
    assert "ines@example.org" in detail.content.decode()
    assert mine.token not in detail.content.decode()
    hidden = client.get(reverse("admin:events_registration_change", args=[other.pk]))
    assert hidden.status_code == 302


def test_a_manager_cannot_add_change_or_delete_a_registration_in_the_admin(client, w):
    registration = Registration.objects.create(event=w.event_a, name="Inès", email="i@example.org")
    client.force_login(w.mara)
    url = reverse("admin:events_registration_change", args=[registration.pk])
    client.post(url, {"name": "Autre", "email": "autre@example.org", "places": 3})
    assert client.get(reverse("admin:events_registration_add")).status_code == 403
    delete = reverse("admin:events_registration_delete", args=[registration.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    registration.refresh_from_db()
    assert (registration.name, registration.places) == ("Inès", 1)


def test_an_erased_registrant_shows_as_anonymised(client, w):
    Registration.objects.create(event=w.event_a, name="", email="")
    client.force_login(w.mara)
    assert "Inscription anonymisée" in client.get(REGISTRATIONS).content.decode()


def test_the_registrations_list_costs_the_same_queries_for_1_or_20_rows(client, w):
    client.force_login(w.mara)
    Registration.objects.create(event=w.event_a, name="Première", email="p@example.org")
    with CaptureQueriesContext(connection) as one:
        assert client.get(REGISTRATIONS).status_code == 200
    for i in range(19):
        Registration.objects.create(event=w.event_a, name=f"N{i}", email=f"n{i}@example.org")
    with CaptureQueriesContext(connection) as many:
        assert client.get(REGISTRATIONS).status_code == 200
    assert len(many) == len(one)


def test_a_manager_reads_the_attendance_of_their_sites_events_only(client, w):
    now = timezone.now()
    mine = Attendance.objects.create(event=w.event_a, total=20, recorded_at=now)
    AttendanceCount.objects.create(attendance=mine, public=Public.FAMILIES, count=8)
    other = Attendance.objects.create(event=w.event_b, total=5, recorded_at=now)
    client.force_login(w.mara)
    assert list(client.get(ATTENDANCES).context["cl"].result_list) == [mine]
    detail = client.get(reverse("admin:events_attendance_change", args=[mine.pk]))
    assert detail.status_code == 200 and "Familles" in detail.content.decode()
    hidden = client.get(reverse("admin:events_attendance_change", args=[other.pk]))
    assert hidden.status_code == 302
    client.force_login(w.mike)
    assert list(client.get(ATTENDANCES).context["cl"].result_list) == [other]
