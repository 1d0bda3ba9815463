"""Registrations to an event on the platform, its waiting list and its attendance.

register() and cancel() are each one transaction that locks the event's row first
(select_for_update; on SQLite the IMMEDIATE transaction takes the write lock): the confirmed
places are counted and the new registration written while no other registration of the event
can, so that concurrent registrations never confirm more places than the event's capacity.
A registration that does not fit waits; when someone cancels, the waiting registrations are
confirmed in their order while they fit. The e-mails leave after the commit.

The event's state follows: "complet" when no place is left, back to "programmé" when one frees
(only between these two: a rescheduled, cancelled or online event keeps its state).

Attendance (record_attendance) is written by whoever may change the event
(Event.objects.editable_by: its structure's members and its site's managers), after its end.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.agenda import registration_emails as emails
from events.models import Attendance, AttendanceCount, Event, EventTiming, Public, Registration
from events.models.registrations import MAX_PLACES

__all__ = [
    "cancel",
    "closed_reason",
    "ended",
    "fill_from_waiting_list",
    "places_left",
    "places_taken",
    "record_attendance",
    "register",
    "started",
]


def _first_start(event: Event) -> datetime | None:
    return EventTiming.objects.filter(event_id=event.pk).aggregate(first=Min("start"))["first"]


def ended(event: Event, now: datetime | None = None) -> bool:
    """Every timing of the event is over (an event without a date has not ended)."""
    last = EventTiming.objects.filter(event_id=event.pk).aggregate(last=Max("end"))["last"]
    return last is not None and last <= (now or timezone.now())


def started(event: Event, now: datetime | None = None) -> bool:
    """The event's first timing has begun."""
    start = _first_start(event)
    return start is not None and start <= (now or timezone.now())


def closed_reason(event: Event, now: datetime | None = None) -> str | None:
    """Why one cannot register on the platform for this event now, or None when one can."""
    if event.registration != Event.Registration.PLATFORM:
        return _("Cet événement ne prend pas d'inscription sur la plateforme.")
    if event.moderation != Event.Moderation.PUBLISHED:
        return _("Cet événement n'est pas encore publié : les inscriptions ne sont pas ouvertes.")
    if event.state == Event.State.CANCELLED:
        return _("Cet événement est annulé.")
    start = _first_start(event)
    if start is None:
        return _("Cet événement n'a pas encore de date : les inscriptions ne sont pas ouvertes.")
    if start <= (now or timezone.now()):
        return _("Cet événement a commencé : les inscriptions sont closes.")
    return None


def places_taken(event: Event) -> int:
    return Registration.objects.filter(event_id=event.pk).confirmed().places()


def places_left(event: Event) -> int | None:
    """Places still free (never below 0), or None for an event without a capacity."""
    if event.capacity is None:
        return None
    return max(event.capacity - places_taken(event), 0)


def _locked_event(event: Event) -> Event:
    """The event re-read under a lock on its row: registrations of one event take turns."""
    return Event.objects.select_for_update(of=("self",)).get(pk=event.pk)


def _sync_full_state(event: Event) -> None:
    """Programmé ↔ complet as the places run out or free up (other states stay); without a
    capacity (unlimited) an event is never full."""
    full = event.capacity is not None and places_taken(event) >= event.capacity
    state = event.state
    if full and state == Event.State.SCHEDULED:
        state = Event.State.FULL
    elif not full and state == Event.State.FULL:
        state = Event.State.SCHEDULED
    if state != event.state:
        event.state = state
        Event.objects.filter(pk=event.pk).update(state=state, updated_at=timezone.now())


def _clean(name: str, email: str, places, public: str) -> tuple[str, str, int, str]:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    email = (email or "").strip()
    public = public or ""
    if not name:
        errors["name"] = _("Indiquez votre nom.")
    elif len(name) > Registration._meta.get_field("name").max_length:
        errors["name"] = _("Ce nom est trop long.")
    try:
        validate_email(email)
        if len(email) > Registration._meta.get_field("email").max_length:
            raise ValidationError("")
    except ValidationError:
        errors["email"] = _("Indiquez une adresse e-mail valide.")
    try:
        places = int(places)
    except (TypeError, ValueError, OverflowError):
        places = 0
    if not 1 <= places <= MAX_PLACES:
        errors["places"] = _("Réservez de 1 à %(max)d places.") % {"max": MAX_PLACES}
    if public and public not in Public.values:
        errors["public"] = _("Choisissez un public dans la liste.")
    if errors:
        raise ValidationError(errors)
    return name, email, places, public


def _duplicate_error() -> ValidationError:
    return ValidationError(
        {
            "email": _(
                "Cette adresse e-mail est déjà inscrite à cet événement. Pour changer le nombre "
                "de places, annulez l'inscription depuis le lien reçu par e-mail, puis "
                "inscrivez-vous à nouveau."
            )
        }
    )


def register(
    event: Event,
    *,
    name: str,
    email: str,
    places: int = 1,
    public: str = "",
    now: datetime | None = None,
) -> Registration:
    """Registers someone for `places` places: confirmed when they fit (and nobody waits before
    them), on the waiting list otherwise. ValidationError (French) when registration is closed,
    the e-mail already registered or a field invalid."""
    name, email, places, public = _clean(name, email, places, public)
    with transaction.atomic():
        event = _locked_event(event)
        reason = closed_reason(event, now)
        if reason:
            raise ValidationError(reason)
        if event.capacity is not None and places > event.capacity:
            raise ValidationError(
                {
                    "places": ngettext(
                        "Cet événement accueille %(n)d personne au plus.",
                        "Cet événement accueille %(n)d personnes au plus.",
                        event.capacity,
                    )
                    % {"n": event.capacity}
                }
            )
        mine = Registration.objects.filter(event_id=event.pk, email__iexact=email).active()
        if mine.exists():
            raise _duplicate_error()
        fits = event.capacity is None or (
            places_taken(event) + places <= event.capacity
            and not Registration.objects.filter(event_id=event.pk).waitlisted().exists()
        )
        registration = Registration(
            event=event,
            name=name,
            email=email,
            places=places,
            public=public,
            status=Registration.Status.CONFIRMED if fits else Registration.Status.WAITLISTED,
        )
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            raise _duplicate_error() from None
        _sync_full_state(event)
        registration.event = event
        pk = registration.pk
        if fits:
            transaction.on_commit(lambda: emails.confirmed(pk))
        else:
            transaction.on_commit(lambda: emails.waitlisted(pk))
    return registration


def _promote(event: Event, now: datetime) -> list[int]:
    """Confirms the waiting registrations in their order while they fit; returns their ids."""
    if event.capacity is None:
        waiting = list(Registration.objects.filter(event_id=event.pk).waitlisted())
    else:
        free = event.capacity - places_taken(event)
        waiting = []
        for registration in Registration.objects.filter(event_id=event.pk).waitlisted():
            if registration.places > free:
                break  # first come, first served: nobody jumps the queue
            free -= registration.places
            waiting.append(registration)
    ids = [registration.pk for registration in waiting]
    Registration.objects.filter(pk__in=ids).update(
        status=Registration.Status.CONFIRMED, promoted_at=now
    )
    return ids


def fill_from_waiting_list(event: Event, *, now: datetime | None = None) -> list[int]:
    """After places free up (a cancellation, a larger capacity): confirms the waiting
    registrations that now fit, in their order, brings the event's state up to date and e-mails
    each promoted person after the commit. Called inside a transaction holding the event's lock
    (the registrations' or the agenda service's); returns the promoted registrations' ids."""
    promoted = _promote(event, now or timezone.now())
    _sync_full_state(event)
    for pk in promoted:
        transaction.on_commit(lambda pk=pk: emails.promoted(pk))
    return promoted


def cancel(token: str, *, now: datetime | None = None) -> Registration:
    """Cancels the registration behind a cancel link and confirms the waiting registrations
    that now fit (each gets an e-mail). Registration.DoesNotExist for an unknown token;
    ValidationError once the event has started. Cancelling twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(token=token)
        event = _locked_event(Event(pk=event_id))
        registration = Registration.objects.select_for_update().get(token=token)
        if registration.status == Registration.Status.CANCELLED:
            return registration
        start = _first_start(event)
        if start is not None and start <= now:
            raise ValidationError(
                _("L'événement a commencé : l'inscription ne peut plus être annulée.")
            )
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        fill_from_waiting_list(event, now=now)
    registration.event = event
    return registration


def record_attendance(
    event: Event,
    *,
    by,
    total: int,
    counts: dict[str, int] | None = None,
    now: datetime | None = None,
) -> Attendance:
    """Records (or replaces) how many people came, in all and by public. Only after the event,
    by whoever may change it; the counts by public never exceed the total."""
    now = now or timezone.now()
    counts = {public: count for public, count in (counts or {}).items() if count}
    errors: dict[str, str] = {}
    if not isinstance(total, int) or total < 0:
        errors["total"] = _("Indiquez un nombre positif ou nul.")
    if any(public not in Public.values for public in counts):
        errors["__all__"] = _("Choisissez les publics dans la liste.")
    elif any(not isinstance(count, int) or count < 0 for count in counts.values()):
        errors["__all__"] = _("Chaque nombre par public est positif ou nul.")
    elif not errors and sum(counts.values()) > total:
        errors["__all__"] = _(
            "La somme des participant·e·s par public (%(sum)d) dépasse le total (%(total)d)."
        ) % {"sum": sum(counts.values()), "total": total}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            event = Event.objects.editable_by(by).select_for_update(of=("self",)).get(pk=event.pk)
        except Event.DoesNotExist:
            raise PermissionDenied from None
        if not ended(event, now):
            raise ValidationError(_("La fréquentation se saisit après la fin de l'événement."))
        attendance, _created = Attendance.objects.update_or_create(
            event=event, defaults={"total": total, "recorded_by": by, "recorded_at": now}
        )
        attendance.counts.all().delete()
        AttendanceCount.objects.bulk_create(
            AttendanceCount(attendance=attendance, public=public, count=count)
            for public, count in counts.items()
        )
    return attendance
