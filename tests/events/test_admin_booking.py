"""The booking admin, scoped to the manager's sites: rules, hours in bulk, closures, bookings."""

from datetime import time

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from events.models import Booking, BookingRules, ClosedPeriod, OpeningHours
from tests.events.factories import BookingFactory, RoomFactory, local_slot

BOOKINGS = reverse("admin:events_booking_changelist")
BULK = reverse("admin:events_openinghours_bulk")


@pytest.fixture
def w(booking_world):
    w = booking_world
    start, end = local_slot(3, 10)
    w.pending_a = BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        booked_by=w.bob,
        start=start,
        end=end,
        status=Booking.Status.PENDING,
    )
    start, end = local_slot(3, 14)
    w.confirmed_b = BookingFactory(
        space=w.salle_b, structure=w.sud, booked_by=w.dan, start=start, end=end
    )
    return w


def test_booking_list_shows_only_my_sites(client, w):
    client.force_login(w.mara)
    response = client.get(BOOKINGS)
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [w.pending_a]


def test_booking_list_search_and_filters(client, w):
    client.force_login(w.olga)
    assert list(client.get(BOOKINGS, {"q": w.confirmed_b.reference}).context["cl"].result_list) == [
        w.confirmed_b
    ]
    assert list(client.get(BOOKINGS, {"q": "Atelier Bleu"}).context["cl"].result_list) == [
        w.pending_a
    ]
    pending = client.get(BOOKINGS, {"status__exact": "en_attente"}).context["cl"].result_list
    assert list(pending) == [w.pending_a]
    by_site = client.get(BOOKINGS, {"site__id__exact": w.site_b.pk}).context["cl"].result_list
    assert list(by_site) == [w.confirmed_b]


def test_other_sites_booking_is_not_found(client, w):
    client.force_login(w.mara)
    response = client.get(reverse("admin:events_booking_change", args=[w.confirmed_b.pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert (
        client.get(reverse("admin:events_booking_change", args=[w.pending_a.pk])).status_code == 200
    )


def test_bookings_are_neither_added_nor_deleted_in_the_admin(client, w):
    client.force_login(w.alice)
    assert client.get(reverse("admin:events_booking_add")).status_code == 403
    delete = reverse("admin:events_booking_delete", args=[w.pending_a.pk])
    assert client.get(delete).status_code == 403


def test_approve_action_goes_through_the_service(client, w, django_capture_on_commit_callbacks):
    client.force_login(w.mara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BOOKINGS,
            {"action": "approve_selected", ACTION_CHECKBOX_NAME: [w.pending_a.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "1 réservation validée." in response.text
    w.pending_a.refresh_from_db()
    assert w.pending_a.status == Booking.Status.CONFIRMED
    assert w.pending_a.decided_by == w.mara
    assert any("bob@example.org" in m.to for m in mail.outbox)


def test_approve_action_cannot_reach_another_sites_booking(client, w):
    client.force_login(w.mara)
    client.post(BOOKINGS, {"action": "approve_selected", ACTION_CHECKBOX_NAME: [w.confirmed_b.pk]})
    w.confirmed_b.refresh_from_db()
    assert w.confirmed_b.status == Booking.Status.CONFIRMED
    assert w.confirmed_b.decided_by is None


def test_approving_a_confirmed_booking_reports_why(client, w):
    client.force_login(w.olga)
    response = client.post(
        BOOKINGS,
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [w.confirmed_b.pk]},
        follow=True,
    )
    assert "Seule une réservation en attente peut être validée." in response.text


def test_refuse_action_asks_for_a_reason_then_refuses(
    client, w, django_capture_on_commit_callbacks
):
    client.force_login(w.mara)
    data = {"action": "refuse_selected", ACTION_CHECKBOX_NAME: [w.pending_a.pk]}
    response = client.post(BOOKINGS, data)
    assert response.status_code == 200
    assert "Motif du refus" in response.text
    w.pending_a.refresh_from_db()
    assert w.pending_a.status == Booking.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BOOKINGS, {**data, "apply": "1", "reason": "Salle en travaux"}, follow=True
        )
    assert "1 réservation refusée." in response.text
    w.pending_a.refresh_from_db()
    assert w.pending_a.status == Booking.Status.REFUSED
    assert w.pending_a.refusal_reason == "Salle en travaux"


def test_cancel_action(client, w):
    client.force_login(w.mike)
    response = client.post(
        BOOKINGS,
        {"action": "cancel_selected", ACTION_CHECKBOX_NAME: [w.confirmed_b.pk]},
        follow=True,
    )
    assert "1 réservation annulée." in response.text
    w.confirmed_b.refresh_from_db()
    assert w.confirmed_b.status == Booking.Status.CANCELLED


def changelist_queries(client, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(20) as captured:
        assert client.get(BOOKINGS).status_code == 200
    return len(captured)


def test_booking_list_query_count_does_not_grow(client, w, django_assert_max_num_queries):
    client.force_login(w.olga)
    few = changelist_queries(client, django_assert_max_num_queries)
    for day in range(5, 35):
        start, end = local_slot(day, 9)
        BookingFactory(space=w.salle_verte, structure=w.vert, start=start, end=end)
        BookingFactory(space=w.salle_b, structure=None, outside_name="Dehors", start=start, end=end)
    assert changelist_queries(client, django_assert_max_num_queries) == few


# --- Opening hours in bulk ------------------------------------------------------------------


def bulk_data(w, **overrides):
    data = {
        "site": w.site_a.pk,
        "spaces": [w.salle_jaune.pk, w.salle_verte.pk],
        "weekdays": ["0", "1", "2", "3", "4"],
        "opens": "09:00",
        "closes": "18:00",
        "mode": "replace",
    }
    data.update(overrides)
    return data


def test_bulk_opening_hours_for_many_rooms_and_days(client, w):
    OpeningHours.objects.create(
        site=w.site_a, space=w.salle_jaune, weekday=0, opens=time(7), closes=time(8)
    )
    client.force_login(w.mara)
    response = client.post(BULK, bulk_data(w), follow=True)
    assert response.status_code == 200
    assert "10 plages d&#x27;ouverture enregistrées." in response.text
    rows = OpeningHours.objects.filter(site=w.site_a)
    assert rows.count() == 10  # the 07:00 row was replaced
    assert set(rows.values_list("opens", "closes")) == {(time(9), time(18))}


def test_bulk_hours_added_to_existing_ones_make_a_lunch_break(client, w):
    client.force_login(w.mara)
    client.post(BULK, bulk_data(w, spaces=[], closes="12:00"))
    client.post(BULK, bulk_data(w, spaces=[], opens="14:00", closes="19:00", mode="add"))
    rows = OpeningHours.objects.filter(site=w.site_a, space=None, weekday=0)
    assert sorted(rows.values_list("opens", "closes")) == [
        (time(9), time(12)),
        (time(14), time(19)),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closes": "08:00"}, "La fermeture doit suivre l&#x27;ouverture."),
        ({"weekdays": []}, "Ce champ est obligatoire."),
        ({"weekdays": ["9"]}, "Sélectionnez un choix valide"),
        ({"site": "site_c"}, "Sélectionnez un choix valide"),
        ({"spaces": ["salle_b"]}, "Sélectionnez un choix valide"),
    ],
)
def test_bulk_hours_bad_input_saves_nothing(client, w, overrides, message):
    if overrides.get("site") == "site_c":
        overrides["site"] = w.site_c.pk
    if overrides.get("spaces") == ["salle_b"]:
        overrides["spaces"] = [w.salle_b.pk]
    client.force_login(w.mara)
    response = client.post(BULK, bulk_data(w, **overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not OpeningHours.objects.exists()


def test_bulk_hours_room_of_another_site_of_mine_is_refused(client, w):
    client.force_login(w.olga)
    response = client.post(BULK, bulk_data(w, spaces=[w.salle_b.pk]))
    assert "Cochez seulement des salles du lieu choisi." in response.text
    assert not OpeningHours.objects.exists()


def test_bulk_hours_page_is_for_managers(client, w):
    client.force_login(w.uma)
    assert client.get(BULK).status_code == 302  # the admin login page


# --- Rules and closures ---------------------------------------------------------------------


def test_rules_of_another_site_cannot_be_created(client, w):
    client.force_login(w.mara)
    response = client.post(
        reverse("admin:events_bookingrules_add"),
        {
            "site": w.site_b.pk,
            "slot_minutes": 30,
            "min_minutes": 30,
            "max_minutes": 240,
            "horizon_days": 90,
            "min_notice_minutes": 0,
            "buffer_minutes": 0,
            "price_per_hour": "0",
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    assert not BookingRules.objects.exists()


def test_rules_for_a_room_of_my_site(client, w):
    client.force_login(w.mara)
    response = client.post(
        reverse("admin:events_bookingrules_add"),
        {
            "site": w.site_a.pk,
            "space": w.salle_verte.pk,
            "slot_minutes": 60,
            "min_minutes": 60,
            "max_minutes": 240,
            "horizon_days": 30,
            "min_notice_minutes": 60,
            "buffer_minutes": 15,
            "approval_required": "on",
            "weekly_quota_hours": "6",
            "outside_allowed": "on",
            "price_per_hour": "25",
            "price_per_day": "180",
        },
    )
    assert response.status_code == 302
    rules = BookingRules.objects.get()
    assert rules.space == w.salle_verte
    assert rules.approval_required


def test_closed_period_records_who_created_it_and_checks_the_room(client, w):
    client.force_login(w.mara)
    url = reverse("admin:events_closedperiod_add")
    data = {
        "site": w.site_a.pk,
        "start_0": "2026-08-01",
        "start_1": "00:00",
        "end_0": "2026-08-31",
        "end_1": "00:00",
        "reason": "Congés d'été",
    }
    assert client.post(url, data).status_code == 302
    period = ClosedPeriod.objects.get()
    assert period.created_by == w.mara
    response = client.post(url, {**data, "space": w.salle_b.pk})
    assert response.status_code == 200
    assert ClosedPeriod.objects.count() == 1


def test_closed_periods_list_is_scoped(client, w):
    ClosedPeriod.objects.create(
        site=w.site_b, start=local_slot(1, 0)[0], end=local_slot(2, 0)[0], reason="Travaux B"
    )
    client.force_login(w.mara)
    response = client.get(reverse("admin:events_closedperiod_changelist"))
    assert response.status_code == 200
    assert "Travaux B" not in response.text


def test_room_choices_in_the_admin_list_only_bookable_rooms(client, w):
    office = RoomFactory(site=w.site_a, name="Bureau privé", is_bookable=False)
    client.force_login(w.mara)
    for name in ("closedperiod", "openinghours"):
        response = client.get(reverse(f"admin:events_{name}_add"))
        choices = response.context["adminform"].form.fields["space"].queryset
        assert w.salle_jaune in choices and office not in choices, name
