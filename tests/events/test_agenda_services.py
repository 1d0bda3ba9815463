"""Events through their one service: dates that hold rooms through bookings, moderation, and
who sees what.

The cast (tests/events/conftest.py): on site A (managed by mara), "Atelier Bleu" (bob, bea) and
"Collectif Vert" (carl); on site B (managed by mike), "Coop Sud" (dan). Rooms of site A: Salle
Jaune (10 people) and Salle Verte (30).
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events.agenda import services as agenda
from events.models import Booking, BookingRules, Event, EventTiming
from events.services import book
from tests.events.factories import local_slot

pytestmark = pytest.mark.django_db


def new_event(w, by=None, **fields) -> Event:
    fields.setdefault("title", "Repair café")
    fields.setdefault("kind", Event.Kind.REPAIR_CAFE)
    return agenda.create_event(site=w.site_a, by=by or w.bob, structure=w.bleu, **fields)


def published_event(w, **fields) -> Event:
    event = new_event(w, **fields)
    start, end = local_slot(5, 14)
    agenda.add_timing(event, by=w.bob, start=start, end=end)
    return agenda.publish(event, by=w.mara)


def active_bookings(room) -> list[tuple]:
    return list(Booking.objects.active().filter(space=room).values_list("start", "end"))


# --- Dates and rooms ---------------------------------------------------------------------------


def test_a_date_in_a_room_books_the_room_for_the_organiser(booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 10, minutes=120)
    timing = agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_jaune)
    booking = timing.booking
    assert booking.is_active and booking.space == w.salle_jaune
    assert booking.structure == w.bleu and booking.purpose == "Repair café"
    assert (booking.start, booking.end) == (start, end)


def test_a_date_on_a_taken_room_is_refused_with_the_conflict_message_and_nothing_changes(
    booking_world,
):
    w = booking_world
    start, end = local_slot(3, 10, minutes=120)
    book(space=w.salle_jaune, user=w.carl, structure=w.vert, start=start, end=end)
    event = new_event(w)
    with pytest.raises(ValidationError) as error:
        agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_jaune)
    assert "est déjà réservé" in error.value.messages[0]
    assert not event.timings.exists()
    assert Booking.objects.filter(space=w.salle_jaune).count() == 1


def test_a_date_outdoors_holds_no_room(booking_world):
    w = booking_world
    start, end = local_slot(3, 10)
    timing = agenda.add_timing(new_event(w), by=w.bob, start=start, end=end, place="Dans la cour")
    assert timing.booking is None and timing.room is None and timing.place == "Dans la cour"


def test_two_dates_of_one_event_cannot_overlap(booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 10, minutes=120)
    agenda.add_timing(event, by=w.bob, start=start, end=end)
    with pytest.raises(ValidationError, match="chevauche"):
        agenda.add_timing(
            event,
            by=w.bob,
            start=start + timedelta(hours=1),
            end=end + timedelta(hours=1),
            room=w.salle_jaune,
        )
    assert event.timings.count() == 1 and not active_bookings(w.salle_jaune)


def test_a_date_lasts_a_day_at_most(booking_world):
    w = booking_world
    start, _end = local_slot(3, 10)
    with pytest.raises(ValidationError, match="24 heures"):
        agenda.add_timing(new_event(w), by=w.bob, start=start, end=start + timedelta(hours=25))


def test_moving_a_date_moves_its_booking(booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 10)
    timing = agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_jaune)
    new_start, new_end = local_slot(4, 15)
    agenda.move_timing(timing, by=w.bob, start=new_start, end=new_end)
    timing.refresh_from_db()
    timing.booking.refresh_from_db()
    assert (timing.start, timing.end) == (new_start, new_end)
    assert (timing.booking.start, timing.booking.end) == (new_start, new_end)
    assert active_bookings(w.salle_jaune) == [(new_start, new_end)]


def test_a_conflicting_move_changes_nothing(booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 10)
    timing = agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_jaune)
    taken_start, taken_end = local_slot(4, 15)
    book(space=w.salle_jaune, user=w.carl, structure=w.vert, start=taken_start, end=taken_end)
    with pytest.raises(ValidationError) as error:
        agenda.move_timing(timing, by=w.bob, start=taken_start, end=taken_end)
    assert "est déjà réservé" in error.value.messages[0]
    timing.refresh_from_db()
    timing.booking.refresh_from_db()
    assert (timing.start, timing.booking.start, timing.booking.end) == (start, start, end)


def test_moving_a_date_to_another_room_frees_the_first(booking_world):
    w = booking_world
    start, end = local_slot(3, 10)
    timing = agenda.add_timing(new_event(w), by=w.bob, start=start, end=end, room=w.salle_jaune)
    agenda.move_timing(timing, by=w.bob, start=start, end=end, room=w.salle_verte)
    assert not active_bookings(w.salle_jaune)
    assert active_bookings(w.salle_verte) == [(start, end)]


def test_removing_a_date_frees_its_room(booking_world):
    w = booking_world
    start, end = local_slot(3, 10)
    timing = agenda.add_timing(new_event(w), by=w.bob, start=start, end=end, room=w.salle_jaune)
    agenda.remove_timing(timing, by=w.bob)
    assert not EventTiming.objects.exists() and not active_bookings(w.salle_jaune)


def test_cancelling_an_event_frees_its_rooms(booking_world):
    w = booking_world
    event = new_event(w)
    for days, room in ((3, w.salle_jaune), (4, w.salle_verte)):
        start, end = local_slot(days, 10)
        agenda.add_timing(event, by=w.bob, start=start, end=end, room=room)
    agenda.cancel_event(event, by=w.bob)
    event.refresh_from_db()
    assert event.state == Event.State.CANCELLED
    assert not Booking.objects.active().exists()
    assert event.timings.count() == 2


def test_rescheduling_keeps_the_first_announced_start(booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 10)
    timing = agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_jaune)
    for days in (6, 9):
        later_start, later_end = local_slot(days, 10)
        agenda.reschedule(timing, by=w.bob, start=later_start, end=later_end)
    event.refresh_from_db()
    assert event.state == Event.State.RESCHEDULED and event.previous_start == start
    assert active_bookings(w.salle_jaune) == [(later_start, later_end)]


def test_a_booking_can_become_a_date_of_the_event(booking_world):
    w = booking_world
    start, end = local_slot(3, 10)
    booking = book(space=w.salle_jaune, user=w.bea, structure=w.bleu, start=start, end=end)
    event = new_event(w)
    timing = agenda.turn_booking_into_timing(booking, event, by=w.bob)
    assert (timing.start, timing.end, timing.room, timing.booking) == (
        start,
        end,
        w.salle_jaune,
        booking,
    )
    with pytest.raises(ValidationError, match="déjà une date"):
        agenda.turn_booking_into_timing(booking, new_event(w), by=w.bob)


def test_another_structures_booking_cannot_become_a_date(booking_world):
    w = booking_world
    start, end = local_slot(3, 10)
    booking = book(space=w.salle_jaune, user=w.carl, structure=w.vert, start=start, end=end)
    with pytest.raises(PermissionDenied):
        agenda.turn_booking_into_timing(booking, new_event(w), by=w.bob)
    assert not EventTiming.objects.exists()


def test_the_capacity_is_bounded_by_the_rooms(booking_world):
    w = booking_world
    event = new_event(w, capacity=20)
    start, end = local_slot(3, 10)
    with pytest.raises(ValidationError, match="accueille au plus 10"):
        agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_jaune)
    agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_verte)
    with pytest.raises(ValidationError, match="accueille au plus 30"):
        agenda.update_event(event, by=w.bob, capacity=40)
    event.refresh_from_db()
    assert event.capacity == 20


# --- Who may do what ------------------------------------------------------------------------


def test_a_member_of_another_structure_cannot_create_or_change_the_event(booking_world):
    w = booking_world
    with pytest.raises(PermissionDenied):
        agenda.create_event(site=w.site_a, by=w.carl, structure=w.bleu, title="Intrus")
    event = new_event(w)
    start, end = local_slot(3, 10)
    with pytest.raises(PermissionDenied):
        agenda.add_timing(event, by=w.carl, start=start, end=end)
    with pytest.raises(PermissionDenied):
        agenda.update_event(event, by=w.dan, title="Intrus")


def test_a_structure_organises_events_only_where_it_occupies(booking_world):
    w = booking_world
    with pytest.raises(ValidationError, match="n'occupe pas ce lieu"):
        agenda.create_event(site=w.site_b, by=w.bob, structure=w.bleu, title="Ailleurs")


def test_only_managers_organise_for_the_site_or_an_outside_organisation(booking_world):
    w = booking_world
    with pytest.raises(PermissionDenied):
        agenda.create_event(
            site=w.site_a, by=w.bob, organiser_kind=Event.OrganiserKind.SITE, title="Fête"
        )
    event = agenda.create_event(
        site=w.site_a,
        by=w.mara,
        organiser_kind=Event.OrganiserKind.OUTSIDE,
        organiser_name="Mairie",
        title="Réunion publique",
    )
    start, end = local_slot(3, 10)
    timing = agenda.add_timing(event, by=w.mara, start=start, end=end, room=w.salle_verte)
    assert timing.booking.outside_name == "Mairie"


def test_a_submitted_event_waits_for_a_manager_of_its_site(booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 10)
    agenda.add_timing(event, by=w.bob, start=start, end=end)
    agenda.submit(event, by=w.bea)
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PENDING
    with pytest.raises(PermissionDenied):
        agenda.publish(event, by=w.bob)
    with pytest.raises(PermissionDenied):
        agenda.publish(event, by=w.mike)
    agenda.refuse(event, by=w.mara, reason="Pas ce week-end")
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.REFUSED
    assert event.refusal_reason == "Pas ce week-end"
    agenda.submit(event, by=w.bob)
    agenda.publish(event, by=w.mara)
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PUBLISHED and event.published_at is not None


def test_an_event_without_dates_cannot_be_proposed(booking_world):
    w = booking_world
    with pytest.raises(ValidationError, match="au moins une date"):
        agenda.submit(new_event(w), by=w.bob)


def test_a_published_event_cannot_be_refused(booking_world):
    w = booking_world
    event = published_event(w)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        agenda.refuse(event, by=w.mara)


def test_a_trusted_site_publishes_its_occupants_events_directly(booking_world):
    w = booking_world
    w.site_a.trust_occupant_events = True
    w.site_a.save()
    event = new_event(w)
    start, end = local_slot(3, 10)
    agenda.add_timing(event, by=w.bob, start=start, end=end)
    agenda.submit(event, by=w.bob)
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PUBLISHED


# --- Who sees what ----------------------------------------------------------------------------


def test_who_sees_which_events(booking_world):
    w = booking_world
    public = published_event(w, title="Concert", kind=Event.Kind.CONCERT)
    internal = published_event(w, title="Réunion des occupants", visibility="interne")
    draft = new_event(w, title="Brouillon")
    everything = {public, internal, draft}

    def seen(user):
        return set(Event.objects.visible_to(user)) & everything

    assert set(Event.objects.published_public()) == {public}
    assert seen(AnonymousUser()) == {public}
    assert seen(w.uma) == {public}
    assert seen(w.dan) == {public}  # occupies site B only
    assert seen(w.mike) == {public}  # manages site B only
    assert seen(w.carl) == {public, internal}  # occupies site A, not the organiser
    assert seen(w.bob) == everything  # the organiser's draft too
    assert seen(w.mara) == everything
    assert set(Event.objects.manageable_by(w.mara)) == everything
    assert not Event.objects.manageable_by(w.bob).exists()
    assert set(Event.objects.of_member(w.bea)) == everything
    assert not Event.objects.of_member(w.carl).exists()


def test_an_unpublished_site_hides_its_events_from_the_public(booking_world):
    w = booking_world
    event = published_event(w)
    w.site_a.published = False
    w.site_a.save()
    assert not Event.objects.published_public().exists()
    assert event in Event.objects.visible_to(w.mara)


def test_upcoming_and_past_events_follow_their_dates(booking_world):
    w = booking_world
    event = published_event(w)
    timing = event.timings.get()
    now = timezone.now()
    assert list(Event.objects.upcoming(now)) == [event]
    assert not Event.objects.past(now).exists()
    later = timing.end + timedelta(minutes=1)
    assert list(Event.objects.past(later)) == [event]
    assert Event.objects.upcoming(now).get().next_start == timing.start


def test_publishing_confirms_the_rooms_waiting_for_a_manager(booking_world):
    w = booking_world
    BookingRules.objects.create(site=w.site_a, approval_required=True)
    event = new_event(w)
    start, end = local_slot(3, 10)
    timing = agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_jaune)
    assert timing.booking.status == Booking.Status.PENDING
    agenda.submit(event, by=w.bob)
    agenda.publish(event, by=w.mara)
    timing.booking.refresh_from_db()
    assert timing.booking.status == Booking.Status.CONFIRMED


def test_the_dates_of_a_cancelled_event_do_not_change(booking_world):
    w = booking_world
    event = new_event(w)
    start, end = local_slot(3, 10)
    timing = agenda.add_timing(event, by=w.bob, start=start, end=end, room=w.salle_jaune)
    agenda.cancel_event(event, by=w.bob)
    later_start, later_end = local_slot(4, 10)
    with pytest.raises(ValidationError, match="annulé"):
        agenda.move_timing(timing, by=w.bob, start=later_start, end=later_end)
    with pytest.raises(ValidationError, match="annulé"):
        agenda.add_timing(event, by=w.bob, start=later_start, end=later_end, room=w.salle_jaune)
    assert not Booking.objects.active().exists()


def test_the_site_teams_events_use_its_rooms_for_free_even_those_not_rented_outside(
    booking_world,
):
    w = booking_world
    BookingRules.objects.create(site=w.site_a, outside_allowed=False, price_per_hour=20)
    event = agenda.create_event(
        site=w.site_a, by=w.mara, organiser_kind=Event.OrganiserKind.SITE, title="Portes ouvertes"
    )
    start, end = local_slot(3, 10)
    timing = agenda.add_timing(event, by=w.mara, start=start, end=end, room=w.salle_verte)
    assert timing.booking.price is None and timing.booking.holder_name == w.site_a.name
    later_start, later_end = local_slot(4, 10, minutes=120)
    agenda.move_timing(timing, by=w.mara, start=later_start, end=later_end)
    timing.booking.refresh_from_db()
    assert timing.booking.price is None and timing.booking.end == later_end


def test_an_outside_organisations_event_pays_the_rooms_outside_price(booking_world):
    w = booking_world
    BookingRules.objects.create(site=w.site_a, price_per_hour=20)
    event = agenda.create_event(
        site=w.site_a,
        by=w.mara,
        organiser_kind=Event.OrganiserKind.OUTSIDE,
        organiser_name="Compagnie du Coin",
        title="Spectacle",
    )
    start, end = local_slot(3, 10, minutes=120)
    timing = agenda.add_timing(event, by=w.mara, start=start, end=end, room=w.salle_verte)
    assert timing.booking.price == 40


def test_reading_a_users_upcoming_events_is_one_query_whatever_their_number(
    booking_world, django_assert_max_num_queries
):
    w = booking_world

    def read() -> int:
        with django_assert_max_num_queries(1) as captured:
            events = list(Event.objects.visible_to(w.carl).upcoming())
        assert all(event.next_start for event in events)
        return len(captured)

    published_event(w, title="Premier")
    few = read()
    for i in range(5):
        published_event(w, title=f"Suivant {i}")
    assert read() == few
    assert Event.objects.visible_to(w.carl).upcoming().count() == 6
