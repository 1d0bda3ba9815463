"""events.services.book and friends: every rule, access, tampered input, e-mails."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from events import services
from events.models import Booking, BookingRules, ClosedPeriod
from events.rules import set_opening_hours
from events.services import BookingError, approve, book, cancel, refuse
from occupants.models import StructureMember
from tests.events.factories import PARIS, BookingFactory, OccupancyFactory, local_slot

pytestmark = pytest.mark.django_db


def _book(w, slot=None, **kwargs):
    start, end = slot or local_slot(2, 10)
    params = {"space": w.salle_jaune, "user": w.bob, "structure": w.bleu, "purpose": "AG"}
    params.update(kwargs)
    return book(start=start, end=end, **params)


def _refused(w, match, slot=None, **kwargs):
    before = Booking.objects.count()
    with pytest.raises(BookingError, match=match):
        _book(w, slot, **kwargs)
    assert Booking.objects.count() == before


def _rules(w, **fields):
    return BookingRules.objects.create(site=w.site_a, **fields)


# --- Happy path ---------------------------------------------------------------------------


def test_member_books_a_free_slot_confirmed(booking_world, django_capture_on_commit_callbacks):
    w = booking_world
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(w, people=6)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.site == w.site_a
    assert booking.reference.startswith("R-") and len(booking.reference) == 8
    assert booking.price is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@example.org"]
    assert "confirmée" in message.subject
    name, content, mimetype = message.attachments[0]
    assert name == "reservation.ics" and mimetype.startswith("text/calendar")
    content = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VTIMEZONE" in content and booking.reference in content


def test_back_to_back_bookings_both_succeed(booking_world):
    w = booking_world
    _book(w, local_slot(2, 10))
    second = _book(w, local_slot(2, 11), user=w.carl, structure=w.vert)
    assert second.status == Booking.Status.CONFIRMED


def test_conflict_names_the_taken_slot_and_saves_nothing(booking_world):
    w = booking_world
    first = _book(w, local_slot(2, 14))
    start = first.start
    day = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][
        start.astimezone(PARIS).weekday()
    ]
    with pytest.raises(BookingError) as info:
        _book(w, local_slot(2, 14, 30), user=w.carl, structure=w.vert)
    message = info.value.messages[0]
    assert "Salle Jaune" in message and "déjà réservé" in message
    assert day in message and "de 14:00 à 15:00" in message
    assert Booking.objects.count() == 1


def test_cancelled_and_refused_bookings_do_not_block(booking_world):
    w = booking_world
    start, end = local_slot(2, 9)
    BookingFactory(space=w.salle_jaune, start=start, end=end, status=Booking.Status.CANCELLED)
    BookingFactory(space=w.salle_jaune, start=start, end=end, status=Booking.Status.REFUSED)
    assert _book(w, (start, end)).status == Booking.Status.CONFIRMED


def test_double_submit_with_same_key_creates_one_booking(booking_world):
    w = booking_world
    first = _book(w, request_key="form-123")
    again = _book(w, request_key="form-123")
    assert again.pk == first.pk
    assert Booking.objects.count() == 1


def test_request_key_of_another_user_is_refused(booking_world):
    w = booking_world
    _book(w, request_key="form-abc")
    _refused(w, "formulaire", user=w.bea, request_key="form-abc")


def test_same_key_for_another_slot_returns_the_first_booking(booking_world):
    """A form replayed with another time (back button) still makes one booking, whether the
    new slot is free (the key's unique index answers) or taken by someone else."""
    w = booking_world
    first = _book(w, request_key="form-456")
    assert _book(w, local_slot(2, 14), request_key="form-456").pk == first.pk
    BookingFactory(space=w.salle_jaune, structure=w.vert, start=local_slot(2, 16)[0])
    assert _book(w, local_slot(2, 16), request_key="form-456").pk == first.pk
    _refused(w, "formulaire", local_slot(2, 18), user=w.bea, request_key="form-456")
    assert Booking.objects.filter(request_key="form-456").count() == 1


def test_same_key_returns_the_first_booking_even_cancelled(booking_world):
    w = booking_world
    first = _book(w, request_key="form-789")
    cancel(first, w.bob)
    assert _book(w, request_key="form-789").pk == first.pk
    assert Booking.objects.count() == 1


# --- Who may book -------------------------------------------------------------------------


def test_member_of_structure_without_occupancy_on_site_is_refused(booking_world):
    w = booking_world
    _refused(w, "n'occupe pas", user=w.dan, structure=w.sud)


def test_space_of_another_site_is_refused(booking_world):
    w = booking_world
    _refused(w, "n'occupe pas", space=w.salle_b)


def test_non_member_cannot_book_for_a_structure(booking_world):
    w = booking_world
    _refused(w, "pas membre", user=w.carl, structure=w.bleu)
    _refused(w, "pas membre", user=w.uma)


def test_occupancy_must_cover_the_booked_day(booking_world):
    w = booking_world
    occupancy = w.bleu.occupancies.get()
    occupancy.end = timezone.localdate() + timedelta(days=1)
    occupancy.save()
    _refused(w, "n'occupe pas", local_slot(3, 10))


def test_anonymous_user_is_denied(booking_world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        _book(booking_world, user=AnonymousUser())


def test_space_not_bookable_is_refused(booking_world):
    w = booking_world
    w.salle_jaune.is_bookable = False
    w.salle_jaune.save()
    _refused(w, "ne se réserve pas")


def test_structure_required_for_occupants(booking_world):
    _refused(booking_world, "Choisissez la structure", structure=None)


def test_manager_books_on_behalf_of_an_occupant(booking_world):
    w = booking_world
    _rules(w, approval_required=True)
    booking = _book(w, user=w.mara, on_behalf=True)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.booked_by == w.mara


def test_only_managers_book_on_behalf(booking_world):
    _refused(booking_world, "responsable", user=booking_world.carl, on_behalf=True)


def test_manager_of_another_site_cannot_book_on_behalf(booking_world):
    _refused(booking_world, "responsable", user=booking_world.mike, on_behalf=True)


def test_outside_booking_by_manager_is_priced(booking_world):
    w = booking_world
    _rules(w, price_per_hour=Decimal("20"), price_per_day=Decimal("100"), max_minutes=600)
    from tests.factories import OrganisationFactory

    partner = OrganisationFactory(name="Compagnie du Quartier")
    two_hours = _book(
        w, local_slot(2, 9, minutes=120), user=w.mara, structure=None, organisation=partner
    )
    assert two_hours.price == Decimal("40.00")
    assert two_hours.holder_name == "Compagnie du Quartier"
    long_day = _book(
        w, local_slot(3, 8, minutes=600), user=w.mara, structure=None, outside_name="Asso X"
    )
    assert long_day.price == Decimal("100.00")


def test_outside_booking_by_an_occupant_is_refused(booking_world):
    _refused(booking_world, "responsable", structure=None, outside_name="Mes amis")


def test_outside_booking_when_not_allowed_is_refused(booking_world):
    w = booking_world
    _rules(w, outside_allowed=False)
    _refused(w, "pas loué", user=w.mara, structure=None, outside_name="X")


def test_structure_and_outside_together_are_refused(booking_world):
    _refused(booking_world, "pas les deux", user=booking_world.mara, outside_name="X")


# --- Rules --------------------------------------------------------------------------------


def test_outside_opening_hours_is_refused(booking_world):
    w = booking_world
    _refused(w, "horaires d'ouverture", local_slot(2, 19, 30, minutes=60))
    _refused(w, "horaires d'ouverture", local_slot(2, 7, 30, minutes=60))


def test_opening_hours_with_a_lunch_break(booking_world):
    w = booking_world
    every_day = range(7)
    set_opening_hours(w.site_a, every_day, time(9), time(12))
    set_opening_hours(w.site_a, every_day, time(14), time(18), replace=False)
    _refused(w, "horaires", local_slot(2, 11, minutes=120))
    assert _book(w, local_slot(2, 14, minutes=240))


def test_space_hours_override_site_hours(booking_world):
    w = booking_world
    set_opening_hours(w.site_a, range(7), time(9), time(12))
    set_opening_hours(w.salle_jaune, range(7), time(18), time(0))
    _refused(w, "horaires", local_slot(2, 10))
    booking = _book(w, local_slot(2, 23))
    assert booking.end.astimezone(PARIS).time() == time(0)


def test_closed_day_is_refused(booking_world):
    w = booking_world
    start, _end = local_slot(2, 10)
    set_opening_hours(w.site_a, [d for d in range(7) if d != start.weekday()], time(8), time(20))
    _refused(w, "horaires")


def test_closed_period_is_refused_with_reason(booking_world):
    w = booking_world
    start, end = local_slot(2, 10)
    ClosedPeriod.objects.create(
        site=w.site_a,
        start=start - timedelta(hours=2),
        end=end + timedelta(days=1),
        reason="Travaux",
    )
    _refused(w, "fermé.*Travaux", (start, end))
    assert _book(w, (start, end), space=w.salle_b, user=w.dan, structure=w.sud)


def test_closed_period_of_one_space_spares_the_others(booking_world):
    w = booking_world
    start, end = local_slot(2, 10)
    ClosedPeriod.objects.create(site=w.site_a, space=w.salle_jaune, start=start, end=end)
    _refused(w, "fermé", (start, end))
    assert _book(w, (start, end), space=w.salle_verte)


def test_slot_step_alignment(booking_world):
    w = booking_world
    _refused(w, "pas de 30 minutes", local_slot(2, 10, 15))
    _refused(w, "pas de 30 minutes", local_slot(2, 10, minutes=45))
    start, end = local_slot(2, 10)
    _refused(w, "pas de 30", (start + timedelta(seconds=1), end))


def test_min_and_max_duration(booking_world):
    w = booking_world
    _rules(w, slot_minutes=15, min_minutes=60, max_minutes=120)
    _refused(w, "au moins 1 h", local_slot(2, 10, minutes=45))
    _refused(w, "au plus 2 h", local_slot(2, 10, minutes=150))
    assert _book(w, local_slot(2, 10, minutes=120))


def test_horizon(booking_world):
    w = booking_world
    _rules(w, horizon_days=14)
    _refused(w, "14 jours à l'avance", local_slot(15, 10))
    assert _book(w, local_slot(14, 10))


def test_minimum_notice(booking_world):
    w = booking_world
    _rules(w, min_notice_minutes=48 * 60)
    _refused(w, "2 h|48 h|à l'avance", local_slot(1, 10))
    assert _book(w, local_slot(3, 10))


def test_managers_booking_on_behalf_skip_notice_and_horizon(booking_world):
    w = booking_world
    _rules(w, min_notice_minutes=48 * 60, horizon_days=14)
    assert _book(w, local_slot(1, 10), user=w.mara, on_behalf=True)
    assert _book(w, local_slot(20, 10), user=w.mara, on_behalf=True)
    _refused(w, "48 h à l'avance", local_slot(1, 14))
    _refused(w, "14 jours à l'avance", local_slot(20, 14))


def test_past_slot_is_refused(booking_world):
    _refused(booking_world, "déjà passé", local_slot(-1, 10))


def test_end_before_start_is_refused(booking_world):
    start, end = local_slot(2, 10)
    _refused(booking_world, "suivre son début", (end, start))
    _refused(booking_world, "suivre son début", (start, start))


def test_ten_year_booking_is_refused(booking_world):
    start, _end = local_slot(2, 10)
    _refused(booking_world, "au plus", (start, start + timedelta(days=3650)))
    _refused(
        booking_world,
        "au plus",
        (start, start + timedelta(days=3650)),
        user=booking_world.mara,
        on_behalf=True,
    )


def test_too_long_purpose_or_outside_name_is_refused(booking_world):
    w = booking_world
    _refused(w, "200 caractères", purpose="x" * 201)
    _refused(w, "200 caractères", user=w.mara, structure=None, outside_name="x" * 201)


def test_naive_datetimes_are_refused(booking_world):
    start = datetime.combine(timezone.localdate() + timedelta(days=2), time(10))
    _refused(booking_world, "fuseau", (start, start + timedelta(hours=1)))


def test_buffer_between_bookings(booking_world):
    w = booking_world
    _rules(w, buffer_minutes=30)
    _book(w, local_slot(2, 10))
    _refused(w, "Laissez 30 min", local_slot(2, 11), user=w.carl, structure=w.vert)
    _refused(w, "Laissez 30 min", local_slot(2, 9), user=w.carl, structure=w.vert)
    assert _book(w, local_slot(2, 11, 30), user=w.carl, structure=w.vert)
    assert _book(w, local_slot(2, 8, minutes=90), user=w.carl, structure=w.vert)


def test_capacity(booking_world):
    w = booking_world
    _refused(w, "au plus 10 personnes", people=11)
    assert _book(w, people=10).people == 10
    _refused(w, "au moins une personne", people=0)
    _refused(w, "nombre de personnes", people="beaucoup")


def test_weekly_quota_is_shared_by_members(booking_world):
    w = booking_world
    _rules(w, weekly_quota_hours=Decimal("3"))
    # Same week: pick a day at least 2 days ahead and the next day unless it crosses Sunday.
    day = 7 - timezone.localdate().weekday() + 1  # Tuesday of next week
    _book(w, local_slot(day, 10, minutes=120), user=w.bob)
    _refused(w, "quota est de 3 h par semaine", local_slot(day + 1, 10, minutes=120), user=w.bea)
    assert _book(w, local_slot(day + 1, 10, minutes=60), user=w.bea)
    # Another structure has its own quota; the next week starts afresh.
    assert _book(w, local_slot(day, 14, minutes=180), user=w.carl, structure=w.vert)
    assert _book(w, local_slot(day + 7, 10, minutes=180), user=w.bob)


def test_monthly_quota_counts_all_spaces_of_the_site(booking_world):
    w = booking_world
    _rules(w, monthly_quota_hours=Decimal("2"))
    today = timezone.localdate()
    first_next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    offset = (first_next_month - today).days + 1
    _book(w, local_slot(offset, 10, minutes=90), space=w.salle_verte)
    _refused(w, "par mois", local_slot(offset + 1, 10, minutes=60), user=w.bea)


def test_cancelled_bookings_do_not_count_in_quota(booking_world):
    w = booking_world
    _rules(w, weekly_quota_hours=Decimal("2"))
    booking = _book(w, local_slot(2, 10, minutes=120))
    cancel(booking, w.bob)
    assert _book(w, local_slot(2, 14, minutes=120))


def _next_tuesday() -> int:
    """Days from today to Tuesday of next week: that day and the next two share a week."""
    return 7 - timezone.localdate().weekday() + 1


def test_site_quota_is_enforced_whichever_of_its_rooms_is_booked(booking_world):
    """Both rooms follow the site's rules: 2 hours in one, then 2 hours in the other pass the
    3-hour quota, whichever room carries the booking."""
    w = booking_world
    _rules(w, weekly_quota_hours=Decimal("3"))
    day = _next_tuesday()
    _book(w, local_slot(day, 10, minutes=120), space=w.salle_jaune)
    _refused(
        w,
        "« Atelier Bleu » a déjà réservé 2 h cette semaine-là ; son quota est de 3 h par semaine",
        local_slot(day + 1, 10, minutes=120),
        space=w.salle_verte,
        user=w.bea,
    )
    assert _book(w, local_slot(day + 1, 10, minutes=60), space=w.salle_verte, user=w.bea)
    _refused(w, "quota est de 3 h", local_slot(day + 2, 10, minutes=30), space=w.salle_jaune)


def test_a_rooms_own_quota_counts_the_hours_in_that_room_only(booking_world):
    """Salle Verte's own rules carry a 3-hour quota; Salle Jaune follows the site's rules,
    which have none. Hours in Salle Jaune neither count in Salle Verte's quota nor are capped
    by it."""
    w = booking_world
    BookingRules.objects.create(site=w.site_a, space=w.salle_verte, weekly_quota_hours=Decimal("3"))
    day = _next_tuesday()
    assert _book(w, local_slot(day, 10, minutes=240), space=w.salle_jaune)
    assert _book(w, local_slot(day, 10, minutes=120), space=w.salle_verte)
    assert _book(w, local_slot(day + 1, 10, minutes=60), space=w.salle_verte, user=w.bea)
    _refused(w, "quota est de 3 h", local_slot(day + 2, 10, minutes=30), space=w.salle_verte)
    assert _book(w, local_slot(day + 2, 10, minutes=240), space=w.salle_jaune)


def test_a_room_with_its_own_rules_is_outside_the_sites_quota(booking_world):
    """The site's 3-hour quota covers the rooms that follow the site's rules: Salle Verte has
    rules of its own (without a quota), so its hours do not use up the site's quota."""
    w = booking_world
    _rules(w, weekly_quota_hours=Decimal("3"))
    BookingRules.objects.create(site=w.site_a, space=w.salle_verte, buffer_minutes=15)
    day = _next_tuesday()
    assert _book(w, local_slot(day, 10, minutes=240), space=w.salle_verte)
    assert _book(w, local_slot(day, 10, minutes=180), space=w.salle_jaune)
    _refused(w, "quota est de 3 h", local_slot(day + 1, 10, minutes=30), space=w.salle_jaune)


def test_series_in_another_room_of_the_scope_counts_in_the_quota(booking_world):
    w = booking_world
    _rules(w, weekly_quota_hours=Decimal("2"))
    day = _next_tuesday()
    _book(w, local_slot(day, 10, minutes=90), space=w.salle_jaune)
    start, end = local_slot(day + 1, 10, minutes=60)
    with pytest.raises(BookingError, match="quota est de 2 h"):
        services.book_series(
            space=w.salle_verte,
            user=w.bea,
            structure=w.bleu,
            start=start,
            end=end,
            rule=services.Recurrence(count=2),
            skip_conflicts=False,
        )
    assert Booking.objects.count() == 1


def test_approval_required_gives_pending_and_asks_managers(
    booking_world, django_capture_on_commit_callbacks
):
    w = booking_world
    _rules(w, approval_required=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(w)
    assert booking.status == Booking.Status.PENDING
    subjects = {m.subject: m.to for m in mail.outbox}
    assert any("à valider" in s and to == ["mara@example.org"] for s, to in subjects.items())
    assert any("reçue" in s and to == ["bob@example.org"] for s, to in subjects.items())
    # A pending booking already holds the slot.
    _refused(w, "déjà réservé", user=w.carl, structure=w.vert)


def test_space_rules_override_site_rules(booking_world):
    w = booking_world
    _rules(w, approval_required=True)
    BookingRules.objects.create(site=w.site_a, space=w.salle_verte, approval_required=False)
    assert _book(w).status == Booking.Status.PENDING
    assert _book(w, space=w.salle_verte).status == Booking.Status.CONFIRMED


# --- Approve, refuse, cancel --------------------------------------------------------------


def test_manager_approves_with_mail(booking_world, django_capture_on_commit_callbacks):
    w = booking_world
    _rules(w, approval_required=True)
    booking = _book(w)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve(booking, w.mara)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.decided_by == w.mara
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "validée" in mail.outbox[0].subject and mail.outbox[0].attachments
    with pytest.raises(BookingError):
        approve(booking, w.mara)


def test_manager_refuses_with_reason(booking_world, django_capture_on_commit_callbacks):
    w = booking_world
    _rules(w, approval_required=True)
    booking = _book(w)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refuse(booking, w.mara, "Salle réservée pour le conseil")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REFUSED
    assert "conseil" in mail.outbox[0].body
    # The slot is free again.
    assert _book(w, user=w.carl, structure=w.vert)
    with pytest.raises(BookingError, match="en attente"):
        refuse(booking, w.mara, "Deux fois")
    booking.refresh_from_db()
    assert "conseil" in booking.refusal_reason


@pytest.mark.parametrize("who", ["bob", "mike", "uma", "carl"])
def test_only_managers_of_the_site_decide(booking_world, who):
    w = booking_world
    _rules(w, approval_required=True)
    booking = _book(w)
    with pytest.raises(PermissionDenied):
        approve(booking, getattr(w, who))
    with pytest.raises(PermissionDenied):
        refuse(booking, getattr(w, who), "")


def test_member_of_same_structure_cancels_with_mail(
    booking_world, django_capture_on_commit_callbacks
):
    w = booking_world
    booking = _book(w)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(booking, w.bea)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by == w.bea
    cancelled = [m for m in mail.outbox if "annulée" in m.subject]
    assert cancelled and cancelled[0].to == ["bob@example.org"]
    assert "METHOD:CANCEL" in str(cancelled[0].attachments[0][1])


@pytest.mark.parametrize("who", ["carl", "dan", "uma", "mike"])
def test_member_of_another_structure_cannot_cancel(booking_world, who):
    w = booking_world
    booking = _book(w)
    with pytest.raises(PermissionDenied):
        cancel(booking, getattr(w, who))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_manager_cancels_and_twice_is_refused(booking_world):
    w = booking_world
    booking = _book(w)
    cancel(booking, w.mara)
    with pytest.raises(BookingError, match="déjà annulée"):
        cancel(booking, w.mara)


def test_started_booking_cannot_be_cancelled_by_occupant(booking_world):
    w = booking_world
    now = timezone.now()
    booking = BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        booked_by=w.bob,
        start=now - timedelta(minutes=30),
        end=now + timedelta(minutes=30),
    )
    with pytest.raises(BookingError, match="commencée"):
        cancel(booking, w.bob)
    cancel(booking, w.mara)


# --- Scoping querysets ----------------------------------------------------------------------


def test_visible_to_and_managed_by(booking_world):
    w = booking_world
    mine = _book(w)
    theirs = _book(w, local_slot(2, 12), user=w.carl, structure=w.vert)
    OccupancyFactory(structure=w.sud, site=w.site_b)
    south = _book(w, local_slot(2, 12), space=w.salle_b, user=w.dan, structure=w.sud)
    assert set(Booking.objects.visible_to(w.bea)) == {mine}
    assert set(Booking.objects.visible_to(w.carl)) == {theirs}
    assert set(Booking.objects.visible_to(w.mara)) == {mine, theirs}
    assert set(Booking.objects.managed_by(w.mara)) == {mine, theirs}
    assert set(Booking.objects.managed_by(w.olga)) == {mine, theirs, south}
    assert set(Booking.objects.managed_by(w.oscar)) == set()
    assert set(Booking.objects.visible_to(w.uma)) == set()
    assert set(Booking.objects.managed_by(w.alice)) == {mine, theirs, south}


def test_cancellable_by_members_until_the_start_and_managers_until_the_end(booking_world):
    w = booking_world
    now = timezone.now()

    def booking(start, end, **extra):
        return BookingFactory(
            space=w.salle_jaune, structure=w.bleu, booked_by=w.bob, start=start, end=end, **extra
        )

    upcoming = booking(*local_slot(2, 10))
    started = booking(now - timedelta(minutes=30), now + timedelta(minutes=30))
    booking(now - timedelta(hours=3), now - timedelta(hours=2))  # over
    booking(*local_slot(3, 10), status=Booking.Status.CANCELLED)
    assert set(Booking.objects.cancellable_by(w.bea)) == {upcoming}  # her structure's
    assert set(Booking.objects.cancellable_by(w.bob)) == {upcoming}  # his own
    assert set(Booking.objects.cancellable_by(w.mara)) == {upcoming, started}  # site A
    assert set(Booking.objects.cancellable_by(w.olga)) == {upcoming, started}  # its operator
    assert set(Booking.objects.cancellable_by(w.alice)) == {upcoming, started}
    for outsider in (w.carl, w.mike, w.uma, AnonymousUser()):
        assert not Booking.objects.cancellable_by(outsider).exists()


def test_a_structure_member_who_left_can_no_longer_cancel(booking_world):
    w = booking_world
    booking = _book(w, user=w.bob)
    StructureMember.objects.filter(user=w.bea).delete()
    with pytest.raises(PermissionDenied):
        cancel(booking, w.bea)
    cancel(booking, w.bob)  # the booker, still


def test_book_query_count_is_constant(booking_world, django_assert_max_num_queries):
    w = booking_world
    for n in range(2):
        with django_assert_max_num_queries(16):
            _book(w, local_slot(2 + n, 10))
    for day in range(4, 30):
        BookingFactory(space=w.salle_jaune, start=local_slot(day, 10)[0], structure=w.bleu)
    with django_assert_max_num_queries(16):
        _book(w, local_slot(2, 14))
