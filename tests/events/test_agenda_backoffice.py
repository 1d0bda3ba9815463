"""The back office of events: the managers' event calendar and moderation queue, and the
occupants' events in Mon espace (propose, edit, dates, submit, cancel).

The cast (tests/events/conftest.py): on site A (managed by mara), "Atelier Bleu" (bob, bea) and
"Collectif Vert" (carl); on site B (managed by mike), "Coop Sud" (dan). Rooms of site A: Salle
Jaune (10 people) and Salle Verte (30).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.agenda import services as agenda
from events.agenda.member_forms import FIELD_ORDER
from events.agenda.services import EDITABLE_FIELDS
from events.models import Booking, Event
from events.services import book
from tests.events.factories import local_slot

pytestmark = pytest.mark.django_db


def new_event(w, *, by=None, structure=None, site=None, title="Repair café", **fields) -> Event:
    return agenda.create_event(
        site=site or w.site_a,
        by=by or w.bob,
        structure=structure or w.bleu,
        title=title,
        kind=Event.Kind.REPAIR_CAFE,
        **fields,
    )


def pending_event(w, title="Repair café", days=5, room=None, **kwargs) -> Event:
    event = new_event(w, title=title, **kwargs)
    start, end = local_slot(days, 14)
    agenda.add_timing(event, by=kwargs.get("by") or w.bob, start=start, end=end, room=room)
    return agenda.submit(event, by=kwargs.get("by") or w.bob)


def logged(client, user):
    client.force_login(user)
    return client


# --- Managers: the site's event calendar ---------------------------------------------------------


def agenda_url(site, **query) -> str:
    url = reverse("events:manager_agenda", args=[site.slug])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_the_month_grid_shows_the_sites_events_on_their_day(client, booking_world):
    w = booking_world
    event = pending_event(w, title="Soirée jeux")
    day = timezone.localtime(event.timings.get().start)
    response = logged(client, w.mara).get(agenda_url(w.site_a, mois=f"{day:%Y-%m}"))
    assert response.status_code == 200
    weeks = response.context["weeks"]
    cell = next(c for week in weeks for c in week if c.day == day.date())
    assert [t.event.title for t in cell.timings] == ["Soirée jeux"]
    assert "Soirée jeux" in response.text and "À valider" in response.text
    # The title leads to the event's page, which managers may open even before publication.
    assert f'<a href="{event.get_absolute_url()}">Soirée jeux</a>' in response.text
    assert logged(client, w.mara).get(event.get_absolute_url()).status_code == 200


def test_the_list_view_lists_the_months_dates_with_room_and_organiser(client, booking_world):
    w = booking_world
    event = pending_event(w, title="Atelier vélo", room=w.salle_jaune)
    day = timezone.localtime(event.timings.get().start)
    response = logged(client, w.mara).get(agenda_url(w.site_a, mois=f"{day:%Y-%m}", vue="liste"))
    assert response.status_code == 200
    assert "Atelier vélo" in response.text and "Salle Jaune" in response.text
    assert "Atelier Bleu" in response.text
    assert f'<a href="{event.get_absolute_url()}">Atelier vélo</a>' in response.text


def test_another_sites_calendar_answers_404_and_shows_none_of_its_events(client, booking_world):
    w = booking_world
    pending_event(w, title="Chez Coop Sud", by=w.dan, structure=w.sud, site=w.site_b)
    assert logged(client, w.mara).get(agenda_url(w.site_b)).status_code == 404
    response = client.get(agenda_url(w.site_a))
    assert "Chez Coop Sud" not in response.text


def test_month_links_go_to_the_previous_and_next_month_and_junk_falls_back_to_this_month(
    client, booking_world
):
    w = booking_world
    logged(client, w.mara)
    response = client.get(agenda_url(w.site_a, mois="2026-01"))
    assert 'href="?mois=2025-12&amp;vue=grille" rel="prev"' in response.text
    assert 'href="?mois=2026-02&amp;vue=grille" rel="next"' in response.text
    response = client.get(agenda_url(w.site_a, mois="2026-13", vue="<b>"))
    assert response.status_code == 200
    assert response.context["first"] == timezone.localdate().replace(day=1)
    assert response.context["view"] == "grille"
    assert "Mois non reconnu" in response.text


@pytest.mark.parametrize("view", ["grille", "liste"])
def test_the_calendars_query_count_is_constant_in_events(
    client, booking_world, django_assert_max_num_queries, view
):
    w = booking_world
    logged(client, w.mara)
    month = timezone.localdate() + timedelta(days=40)
    first = month.replace(day=1)

    def queries() -> int:
        with django_assert_max_num_queries(15) as captured:
            response = client.get(agenda_url(w.site_a, mois=f"{first:%Y-%m}", vue=view))
            assert response.status_code == 200
        return len(captured)

    def add(days):
        for i in days:
            event = new_event(w, title=f"Événement {i}")
            start, end = local_slot((first - timezone.localdate()).days + i, 9 + i)
            agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_verte)

    add([0])
    few = queries()
    add(range(1, 6))
    assert queries() == few


# --- Managers: the moderation queue --------------------------------------------------------------


def test_the_queue_lists_the_pending_events_of_my_sites_with_dates_and_rooms(client, booking_world):
    w = booking_world
    shown = pending_event(w, title="Projection en plein air", room=w.salle_verte)
    pending_event(w, title="Chez Coop Sud", by=w.dan, structure=w.sud, site=w.site_b)
    new_event(w, title="Brouillon caché")
    response = logged(client, w.mara).get(reverse("events:manager_event_queue"))
    assert response.status_code == 200
    assert "Projection en plein air" in response.text and "Salle Verte" in response.text
    assert "Chez Coop Sud" not in response.text and "Brouillon caché" not in response.text
    assert "Événements à valider (1)" in response.text
    assert f'<a href="{shown.get_absolute_url()}">Projection en plein air</a>' in response.text


def test_the_queue_query_count_is_constant_in_events(
    client, booking_world, django_assert_max_num_queries
):
    w = booking_world
    logged(client, w.mara)

    def queries() -> int:
        with django_assert_max_num_queries(15) as captured:
            assert client.get(reverse("events:manager_event_queue")).status_code == 200
        return len(captured)

    pending_event(w, title="Un", room=w.salle_jaune)
    few = queries()
    for i in range(4):
        pending_event(w, title=f"Autre {i}", days=6 + i, room=w.salle_verte)
    assert queries() == few


def test_the_publish_confirmation_page_changes_nothing_and_the_post_publishes(
    client, booking_world
):
    w = booking_world
    event = pending_event(w, room=w.salle_jaune)
    url = reverse("events:manager_event_publish", args=[event.pk])
    logged(client, w.mara)
    response = client.get(url)
    assert response.status_code == 200 and "Confirmer la publication" in response.text
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PENDING
    response = client.post(url)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PUBLISHED and event.moderated_by == w.mara
    assert event.timings.get().booking.status == Booking.Status.CONFIRMED


def test_refusing_asks_for_a_reason_and_the_structure_sees_it(client, booking_world):
    w = booking_world
    event = pending_event(w)
    url = reverse("events:manager_event_refuse", args=[event.pk])
    logged(client, w.mara)
    assert client.get(url).status_code == 200
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PENDING
    too_long = client.post(url, {"reason": "x" * 301})
    assert too_long.status_code == 400 and "error-summary" in too_long.text
    client.post(url, {"reason": "Le lieu est fermé ce jour-là."})
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.REFUSED
    listing = logged(client, w.bob).get(reverse("events:my_events"))
    assert "Refusé" in listing.text and "Le lieu est fermé ce jour-là." in listing.text
    # Its page stays open to its structure, refused or not, from the list.
    assert f'href="{event.get_absolute_url()}"' in listing.text
    assert client.get(event.get_absolute_url()).status_code == 200


def test_an_event_already_decided_sends_back_without_changing(client, booking_world):
    w = booking_world
    event = pending_event(w)
    agenda.publish(event, by=w.mara)
    logged(client, w.mara)
    response = client.get(reverse("events:manager_event_refuse", args=[event.pk]))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PUBLISHED


def test_another_sites_event_answers_404_to_publish_and_refuse(client, booking_world):
    w = booking_world
    event = pending_event(w, by=w.dan, structure=w.sud, site=w.site_b)
    logged(client, w.mara)
    for name in ("events:manager_event_publish", "events:manager_event_refuse"):
        url = reverse(name, args=[event.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "non"}).status_code == 404
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PENDING


# --- Occupants: their structures' events ---------------------------------------------------------


def event_data(**overrides) -> dict:
    data = {
        "title": "Atelier couture",
        "summary": "Réparer ses vêtements.",
        "kind": Event.Kind.WORKSHOP,
        "visibility": Event.Visibility.PUBLIC,
        "price_kind": Event.Price.FREE,
        "registration": Event.Registration.NONE,
        "attendance_mode": Event.AttendanceMode.ON_SITE,
        "publics": ["familles"],
    }
    data.update(overrides)
    return data


def test_the_event_form_offers_exactly_the_services_editable_fields():
    assert set(FIELD_ORDER) == EDITABLE_FIELDS


def test_a_member_proposes_an_event_for_a_site_their_structure_occupies(client, booking_world):
    w = booking_world
    logged(client, w.bob)
    page = client.get(reverse("events:my_event_new"))
    occupancies = list(page.context["form"].fields["occupancy"].queryset)
    assert [(o.structure, o.site) for o in occupancies] == [(w.bleu, w.site_a)]
    occupancy = occupancies[0]
    response = client.post(reverse("events:my_event_new"), event_data(occupancy=occupancy.pk))
    event = Event.objects.get(title="Atelier couture")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:my_event", args=[event.pk])
    assert (event.site, event.structure, event.moderation) == (
        w.site_a,
        w.bleu,
        Event.Moderation.DRAFT,
    )
    assert event.publics == ["familles"] and event.created_by == w.bob


def test_an_occupancy_of_another_structure_is_not_a_choice(client, booking_world):
    w = booking_world
    other = w.sud.occupancies.get()
    response = logged(client, w.bob).post(
        reverse("events:my_event_new"), event_data(occupancy=other.pk)
    )
    assert response.status_code == 400 and "error-summary" in response.text
    assert not Event.objects.exists()


def test_a_paid_event_without_a_price_is_refused_in_the_error_summary(client, booking_world):
    w = booking_world
    occupancy = w.bleu.occupancies.get()
    response = logged(client, w.bob).post(
        reverse("events:my_event_new"),
        event_data(occupancy=occupancy.pk, price_kind=Event.Price.PAID),
    )
    assert response.status_code == 400
    assert "Indiquez le tarif" in response.text and "error-summary" in response.text
    assert not Event.objects.exists()


def test_a_member_edits_their_event_through_the_service(client, booking_world):
    w = booking_world
    event = new_event(w)
    data = event_data(title="Repair café du samedi", capacity="8")
    response = logged(client, w.bea).post(reverse("events:my_event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Repair café du samedi" and event.capacity == 8


def test_a_capacity_above_the_rooms_is_the_services_message(client, booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(4, 10)
    agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_jaune)
    response = logged(client, w.bob).post(
        reverse("events:my_event_edit", args=[event.pk]), event_data(capacity="50")
    )
    assert response.status_code == 400 and "accueille au plus 10 personnes" in response.text
    event.refresh_from_db()
    assert event.capacity is None


def timing_data(days: int, start="14:00", end="16:00", room=None, place="") -> dict:
    day = timezone.localdate() + timedelta(days=days)
    return {
        "day": day.isoformat(),
        "start": start,
        "end": end,
        "room": room.pk if room else "",
        "place": place,
    }


def test_adding_a_date_in_a_room_books_it(client, booking_world):
    w = booking_world
    event = new_event(w)
    response = logged(client, w.bob).post(
        reverse("events:my_event_timing_add", args=[event.pk]),
        timing_data(3, room=w.salle_verte),
    )
    assert response.status_code == 302
    timing = event.timings.get()
    assert timing.room == w.salle_verte and timing.booking.is_active


def test_a_date_on_a_taken_room_shows_the_conflict_in_the_error_summary(client, booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 14, minutes=120)
    book(space=w.salle_verte, user=w.carl, structure=w.vert, start=start, end=end)
    response = logged(client, w.bob).post(
        reverse("events:my_event_timing_add", args=[event.pk]),
        timing_data(3, room=w.salle_verte),
    )
    assert response.status_code == 400
    summary = response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert "est déjà réservé" in summary
    assert not event.timings.exists()


def test_the_room_choice_is_limited_to_the_sites_bookable_rooms(client, booking_world):
    w = booking_world
    event = new_event(w)
    page = logged(client, w.bob).get(reverse("events:my_event_timing_add", args=[event.pk]))
    assert set(page.context["form"].fields["room"].queryset) == {w.salle_jaune, w.salle_verte}
    response = client.post(
        reverse("events:my_event_timing_add", args=[event.pk]), timing_data(3, room=w.salle_b)
    )
    assert response.status_code == 400 and not event.timings.exists()


def test_moving_and_removing_a_date_moves_and_frees_its_room(client, booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 14, minutes=120)
    timing = agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_verte)
    logged(client, w.bob)
    form = client.get(reverse("events:my_event_timing_move", args=[timing.pk]))
    assert form.context["form"].initial["room"] == w.salle_verte.pk
    client.post(
        reverse("events:my_event_timing_move", args=[timing.pk]),
        timing_data(4, start="10:00", end="12:00", room=w.salle_verte),
    )
    timing.refresh_from_db()
    assert timezone.localtime(timing.start).hour == 10
    assert timing.booking.start == timing.start
    booking = timing.booking
    confirm = client.get(reverse("events:my_event_timing_remove", args=[timing.pk]))
    assert confirm.status_code == 200 and event.timings.exists()
    client.post(reverse("events:my_event_timing_remove", args=[timing.pk]))
    assert not event.timings.exists()
    booking.refresh_from_db()
    assert not booking.is_active


def test_submitting_asks_for_confirmation_then_sends_it_to_the_managers(client, booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 14)
    agenda.add_timing(event, by=w.bob, start=start, end=end)
    url = reverse("events:my_event_submit", args=[event.pk])
    logged(client, w.bob)
    assert client.get(url).status_code == 200
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.DRAFT
    client.post(url)
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PENDING
    assert "À valider" in client.get(reverse("events:my_events")).text


def test_submitting_without_a_date_says_why_and_changes_nothing(client, booking_world):
    w = booking_world
    event = new_event(w)
    response = logged(client, w.bob).post(
        reverse("events:my_event_submit", args=[event.pk]), follow=True
    )
    assert "Ajoutez au moins une date" in response.text
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.DRAFT


def test_cancelling_asks_for_confirmation_then_cancels_and_frees_the_rooms(client, booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 14)
    timing = agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_jaune)
    url = reverse("events:my_event_cancel", args=[event.pk])
    logged(client, w.bob)
    assert client.get(url).status_code == 200
    event.refresh_from_db()
    assert event.state == Event.State.SCHEDULED
    client.post(url)
    event.refresh_from_db()
    timing.booking.refresh_from_db()
    assert event.state == Event.State.CANCELLED and not timing.booking.is_active
    assert "Annulé" in client.get(reverse("events:my_events")).text


def test_another_structures_event_answers_404_on_every_page(client, booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 14)
    timing = agenda.add_timing(event, by=w.bob, start=start, end=end)
    logged(client, w.carl)  # Collectif Vert, same site, other structure
    for name, pk in (
        ("events:my_event", event.pk),
        ("events:my_event_edit", event.pk),
        ("events:my_event_timing_add", event.pk),
        ("events:my_event_submit", event.pk),
        ("events:my_event_cancel", event.pk),
        ("events:my_event_timing_move", timing.pk),
        ("events:my_event_timing_remove", timing.pk),
    ):
        url = reverse(name, args=[pk])
        assert client.get(url).status_code == 404, name
        if name != "events:my_event":
            assert client.post(url, timing_data(5)).status_code == 404, name
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.DRAFT and event.timings.count() == 1
    assert "Repair café" not in client.get(reverse("events:my_events")).text


def test_my_events_query_count_is_constant_in_events(
    client, booking_world, django_assert_max_num_queries
):
    w = booking_world
    logged(client, w.bob)

    def queries() -> int:
        with django_assert_max_num_queries(15) as captured:
            assert client.get(reverse("events:my_events")).status_code == 200
        return len(captured)

    pending_event(w, title="Un", room=w.salle_jaune)
    few = queries()
    for i in range(4):
        pending_event(w, title=f"Autre {i}", days=6 + i, room=w.salle_verte)
    assert queries() == few


def test_mon_espace_leads_members_to_their_events_and_managers_to_the_queue(client, booking_world):
    w = booking_world
    pending_event(w)
    page = logged(client, w.bob).get(reverse("accounts:dashboard"))
    assert reverse("events:my_events") in page.text
    assert reverse("events:manager_event_queue") not in page.text
    page = logged(client, w.mara).get(reverse("events:manager_index"))
    assert "Événements à valider (1)" in page.text
    assert reverse("events:manager_agenda", args=[w.site_a.slug]) in page.text
    assert reverse("events:manager_event_queue") in client.get(reverse("accounts:dashboard")).text
