"""Event workflows: create and change an event, its timings and the rooms they hold, its
moderation and its cancellation.

Each write is one transaction that locks the event's row first (two people editing one event
take turns). A timing in a room holds it through a Booking made, moved and cancelled by
events.services (book, move, cancel) inside that transaction: the room's rules, its locks, its
conflict messages and its overlap guarantee are the bookings' own, and a refusal rolls back
everything the call did. Services check the user's rights themselves: someone who may not see
the event gets PermissionDenied, a refused request a ValidationError with a French message.

Who may do what: the members of the organising structure and the managers of the site change an
event (Event.objects.editable_by); members propose it (submit), managers publish or refuse it
(Event.objects.manageable_by), unless the site trusts its occupants' events.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events import services as booking_services
from events.agenda import registration_emails, registrations
from events.models import Booking, Event, EventTiming, Registration
from events.models.agenda import MAX_TIMING_DURATION
from occupants.models import Structure
from sites.models import Site, Space

__all__ = [
    "EDITABLE_FIELDS",
    "add_timing",
    "cancel_event",
    "check_capacity",
    "create_event",
    "move_timing",
    "public_site",
    "publish",
    "refuse",
    "remove_timing",
    "reschedule",
    "submit",
    "turn_booking_into_timing",
    "update_event",
]

# What create_event and update_event accept as **fields: the event's own details.
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "summary",
        "description",
        "kind",
        "visibility",
        "price_kind",
        "price_amount",
        "registration",
        "registration_contact",
        "capacity",
        "accessible_hearing",
        "accessible_visual",
        "accessible_psychic",
        "accessible_motor",
        "accessible_intellectual",
        "accessibility_details",
        "age_min",
        "age_max",
        "image",
        "image_alt",
        "image_credit",
        "keywords",
        "attendance_mode",
        "online_url",
        "publics",
    }
)


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def _manages(user, site_id: int) -> bool:
    return Site.objects.managed_by(user).filter(pk=site_id).exists()


def _locked_event(event: Event, by) -> Event:
    """The event re-read under a lock among those `by` may change; PermissionDenied otherwise."""
    try:
        return (
            Event.objects.editable_by(by)
            .select_for_update(of=("self",))
            .select_related("site", "structure")
            .get(pk=event.pk)
        )
    except Event.DoesNotExist:
        raise PermissionDenied from None


def _set_fields(event: Event, fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not an event detail: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(event, name, value)
    if event.price_kind != Event.Price.PAID:
        event.price_amount = None
    elif event.price_amount is not None and not isinstance(event.price_amount, Decimal):
        event.price_amount = Decimal(str(event.price_amount))


def check_capacity(capacity: int | None, rooms, *, site: Site | None = None) -> None:
    """An event's capacity fits in each room it happens in; a public event's (site given) also
    in the number of people the site and those rooms may admit (their "effectif admissible",
    sites.models.ReceptionFields)."""
    if capacity is None:
        return
    for room in rooms:
        if capacity > room.capacity:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "La salle « %(room)s » accueille au plus %(n)d personne : réduisez la "
                        "jauge de l'événement.",
                        "La salle « %(room)s » accueille au plus %(n)d personnes : réduisez la "
                        "jauge de l'événement.",
                        room.capacity,
                    )
                    % {"room": room.name, "n": room.capacity}
                }
            )
    if site is None:
        return
    for place in [site, *rooms]:
        if place.reception_capacity is not None and capacity > place.reception_capacity:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "« %(place)s » peut recevoir au plus %(n)d personne du public (effectif "
                        "admissible) : réduisez la jauge de l'événement.",
                        "« %(place)s » peut recevoir au plus %(n)d personnes du public (effectif "
                        "admissible) : réduisez la jauge de l'événement.",
                        place.reception_capacity,
                    )
                    % {"place": place.name, "n": place.reception_capacity}
                }
            )


def public_site(event: Event, visibility: str | None = None) -> Site | None:
    """The site whose reception capacity bounds the event's: only for a public event."""
    visibility = visibility or event.visibility
    return event.site if visibility == Event.Visibility.PUBLIC else None


def _unique_slug(title: str) -> str:
    base = slugify(title)[:140].strip("-") or "evenement"
    slug, n = base, 1
    while Event.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_event(
    *,
    site: Site,
    by,
    organiser_kind: str = Event.OrganiserKind.STRUCTURE,
    structure: Structure | None = None,
    organiser_name: str = "",
    **fields,
) -> Event:
    """A new event, in draft, with no timing yet. A member of an occupant structure of the
    site creates its structure's events; a manager of the site any event of the site, for a
    structure occupying it, for the site's team or for an outside organisation."""
    if not _active(by):
        raise PermissionDenied
    if not isinstance(site, Site) or not site.pk:
        raise ValidationError({"site": _("Choisissez un lieu.")})
    manager = _manages(by, site.pk)
    if organiser_kind == Event.OrganiserKind.STRUCTURE:
        if not isinstance(structure, Structure) or not structure.pk:
            raise ValidationError(
                {"structure": _("Choisissez la structure qui organise l'événement.")}
            )
        member = Structure.objects.of_member(by).filter(pk=structure.pk).exists()
        if not (member or manager):
            raise PermissionDenied
        if not Structure.objects.occupying(site.pk).filter(pk=structure.pk).exists():
            raise ValidationError(
                {
                    "structure": _(
                        "« %(structure)s » n'occupe pas ce lieu : seuls ses occupants y "
                        "organisent des événements."
                    )
                    % {"structure": structure.name}
                }
            )
    else:
        if not manager:
            raise PermissionDenied
        structure = None
    event = Event(
        site=site,
        organiser_kind=organiser_kind,
        structure=structure,
        organiser_name=(organiser_name or "").strip()
        if organiser_kind == Event.OrganiserKind.OUTSIDE
        else "",
        created_by=by,
        moderation=Event.Moderation.DRAFT,
    )
    _set_fields(event, fields)
    event.slug = _unique_slug(event.title or "")
    event.full_clean()
    check_capacity(event.capacity, [], site=public_site(event))
    for _attempt in range(3):
        try:
            with transaction.atomic():
                event.save(force_insert=True)
            return event
        except IntegrityError:
            # Two events of one title at once: the later takes the next free slug.
            if not Event.objects.filter(slug=event.slug).exists():
                raise
            event.pk = None
            event.slug = _unique_slug(event.title)
    raise IntegrityError("slug")  # pragma: no cover


def update_event(event: Event, *, by, **fields) -> Event:
    """Changes an event's details (EDITABLE_FIELDS), checked as a whole; the capacity must fit
    the rooms of its timings and hold the places already confirmed. A larger capacity confirms
    the waiting registrations that now fit."""
    with transaction.atomic():
        event = _locked_event(event, by)
        before = event.capacity
        _set_fields(event, fields)
        event.full_clean()
        rooms = Space.objects.filter(event_timings__event=event).distinct()
        check_capacity(event.capacity, rooms, site=public_site(event))
        if event.capacity != before:
            _check_confirmed_places(event)
        event.save()
        if event.capacity != before:
            # More places: the waiting list moves up (each promoted person gets an e-mail).
            registrations.fill_from_waiting_list(event)
    return event


def _check_confirmed_places(event: Event) -> None:
    """A capacity never goes below the places already confirmed."""
    taken = registrations.places_taken(event)
    if event.capacity is not None and event.capacity < taken:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "%(n)d place est déjà confirmée : la capacité ne peut pas descendre en "
                    "dessous. Les inscrit·e·s peuvent annuler depuis le lien reçu par e-mail.",
                    "%(n)d places sont déjà confirmées : la capacité ne peut pas descendre en "
                    "dessous. Les inscrit·e·s peuvent annuler depuis le lien reçu par e-mail.",
                    taken,
                )
                % {"n": taken}
            }
        )


# --- Timings and the rooms they hold ---------------------------------------------------------


def _check_slot(event: Event, start, end, *, ignore: EventTiming | None = None) -> None:
    if event.state == Event.State.CANCELLED:
        raise ValidationError(_("Les dates d'un événement annulé ne changent plus."))
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        raise ValidationError(_("Indiquez un début et une fin."))
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError(_("Indiquez un début et une fin avec leur fuseau horaire."))
    if end <= start:
        raise ValidationError({"end": _("La fin doit suivre le début.")})
    if end - start > MAX_TIMING_DURATION:
        raise ValidationError({"end": _("Une date d'événement dure au plus 24 heures.")})
    others = event.timings.filter(start__lt=end, end__gt=start)
    if ignore is not None:
        others = others.exclude(pk=ignore.pk)
    if others.exists():
        raise ValidationError(_("Cette date chevauche une autre date de l'événement."))


def _check_room(event: Event, room: Space | None) -> None:
    if room is None:
        return
    if not isinstance(room, Space) or not room.pk or room.site_id != event.site_id:
        raise ValidationError({"room": _("Cette salle n'appartient pas au lieu.")})
    check_capacity(event.capacity, [room], site=public_site(event))


def _hold(event: Event, room: Space, start: datetime, end: datetime, by) -> Booking:
    """Books the room for the event through events.services.book: for its structure (by a
    member, or by a manager on its behalf), for the site's team (by a manager, free), or for an
    outside organisation (by a manager, as an outside booking under its name)."""
    people = min(event.capacity or 1, room.capacity)
    purpose = event.title[:200]
    if event.structure_id:
        member = Structure.objects.of_member(by).filter(pk=event.structure_id).exists()
        return booking_services.book(
            space=room,
            user=by,
            start=start,
            end=end,
            purpose=purpose,
            people=people,
            structure=event.structure,
            on_behalf=not member,
        )
    return booking_services.book(
        space=room,
        user=by,
        start=start,
        end=end,
        purpose=purpose,
        people=people,
        outside_name=event.organiser_label[:200],
        site_team=_site_team(event),
    )


def _site_team(event: Event) -> bool:
    # The site's own events pay no rent and may use rooms it does not rent outside.
    return event.organiser_kind == Event.OrganiserKind.SITE


def _release(booking: Booking | None, by) -> None:
    """Cancels a timing's booking if it still holds its room."""
    if booking is not None and booking.is_active:
        booking_services.cancel(booking, by)


def add_timing(
    event: Event,
    *,
    by,
    start: datetime,
    end: datetime,
    room: Space | None = None,
    place: str = "",
) -> EventTiming:
    """A new date of the event; in a room, the room is booked for it in the same transaction
    (a taken room refuses it with the booking's conflict message, and nothing is saved)."""
    with transaction.atomic():
        event = _locked_event(event, by)
        _check_slot(event, start, end)
        _check_room(event, room)
        timing = EventTiming(
            event=event, start=start, end=end, room=room, place=(place or "").strip()
        )
        timing.full_clean(exclude=["event", "room"])
        if room is not None:
            timing.booking = _hold(event, room, start, end, by)
        _insert(timing)
    return timing


def _insert(timing: EventTiming) -> None:
    """Saves a new date; the exclusion constraint's refusal (PostgreSQL: a writer that did not
    lock the event) as the service's own message."""
    try:
        with transaction.atomic():
            timing.save(force_insert=True)
    except IntegrityError as exc:
        if "eventtiming_no_overlap" in str(exc):
            raise ValidationError(
                _("Cette date chevauche une autre date de l'événement.")
            ) from None
        raise


def _locked_timing(timing: EventTiming, by) -> tuple[Event, EventTiming]:
    event = _locked_event(timing.event, by)
    try:
        locked = (
            EventTiming.objects.select_for_update(of=("self",))
            .select_related("room", "booking", "booking__space")
            .get(pk=timing.pk, event=event)
        )
    except EventTiming.DoesNotExist:
        raise PermissionDenied from None
    return event, locked


_SAME_ROOM = object()


def move_timing(
    timing: EventTiming,
    *,
    by,
    start: datetime,
    end: datetime,
    room: Space | object | None = _SAME_ROOM,
    place: str | None = None,
) -> EventTiming:
    """Moves a date of the event, and its room's booking with it (events.services.move), or to
    another room or none (the old booking cancelled, the new room booked). A refused move
    raises and changes nothing."""
    with transaction.atomic():
        event, timing = _locked_timing(timing, by)
        new_room = timing.room if room is _SAME_ROOM else room
        _check_slot(event, start, end, ignore=timing)
        _check_room(event, new_room)
        booking = timing.booking
        if new_room is not None and new_room == timing.room and booking and booking.is_active:
            booking_services.move(booking, by=by, start=start, end=end, site_team=_site_team(event))
        else:
            _release(booking, by)
            timing.booking = _hold(event, new_room, start, end, by) if new_room else None
        timing.start, timing.end, timing.room = start, end, new_room
        if place is not None:
            timing.place = place.strip()
        timing.full_clean(exclude=["event", "room", "booking"])
        timing.save()
    return timing


def remove_timing(timing: EventTiming, *, by) -> None:
    """Removes a date of the event and frees its room."""
    with transaction.atomic():
        _event, timing = _locked_timing(timing, by)
        _release(timing.booking, by)
        timing.delete()


def turn_booking_into_timing(booking: Booking, event: Event, *, by) -> EventTiming:
    """An existing booking becomes a date of the event, holding its room as it is: a booking of
    the event's site, still active, not already a date of an event, that `by` may cancel, and,
    for a structure's event, held by that structure (or turned by a manager of the site)."""
    with transaction.atomic():
        event = _locked_event(event, by)
        try:
            booking = (
                Booking.objects.cancellable_by(by)
                .select_for_update(of=("self",))
                .select_related("space")
                .get(pk=booking.pk)
            )
        except Booking.DoesNotExist:
            raise PermissionDenied from None
        if booking.site_id != event.site_id:
            raise ValidationError(_("Cette réservation est celle d'un autre lieu."))
        if EventTiming.objects.filter(booking=booking).exists():
            raise ValidationError(_("Cette réservation est déjà une date d'un événement."))
        if (
            event.structure_id
            and booking.structure_id != event.structure_id
            and not _manages(by, event.site_id)
        ):
            raise ValidationError(
                _("Cette réservation n'est pas celle de la structure qui organise l'événement.")
            )
        _check_slot(event, booking.start, booking.end)
        _check_room(event, booking.space)
        timing = EventTiming(
            event=event, start=booking.start, end=booking.end, room=booking.space, booking=booking
        )
        _insert(timing)
    return timing


# --- Moderation and state --------------------------------------------------------------------


def _moderate(event: Event, moderation: str, by, fields=()) -> Event:
    if not event.may_become(moderation):
        raise ValidationError(
            _("Un événement « %(from)s » ne peut pas passer à « %(to)s ».")
            % {
                "from": event.get_moderation_display(),
                "to": Event.Moderation(moderation).label,
            }
        )
    event.moderation = moderation
    update = ["moderation", "updated_at", *fields]
    if moderation == Event.Moderation.PUBLISHED:
        event.published_at = timezone.now()
        event.moderated_by = by
        event.refusal_reason = ""
        update += ["published_at", "moderated_by", "refusal_reason"]
    event.save(update_fields=update)
    return event


def submit(event: Event, *, by) -> Event:
    """Proposes a draft (or refused) event: to the site's managers, or published at once when
    the site trusts its occupants' events or when a manager of the site submits it."""
    with transaction.atomic():
        event = _locked_event(event, by)
        if event.moderation not in (Event.Moderation.DRAFT, Event.Moderation.REFUSED):
            raise ValidationError(_("Seul un brouillon ou un événement refusé se propose."))
        if not event.timings.exists():
            raise ValidationError(_("Ajoutez au moins une date avant de proposer l'événement."))
        if _manages(by, event.site_id):
            if event.moderation == Event.Moderation.REFUSED:
                _moderate(event, Event.Moderation.DRAFT, by)
            _moderate(event, Event.Moderation.PUBLISHED, by)
            _approve_rooms(event, by)
            return event
        if event.site.trust_occupant_events:
            if event.moderation == Event.Moderation.REFUSED:
                _moderate(event, Event.Moderation.DRAFT, by)
            return _moderate(event, Event.Moderation.PUBLISHED, by)
        return _moderate(event, Event.Moderation.PENDING, by)


def _locked_managed(event: Event, by) -> Event:
    try:
        return (
            Event.objects.manageable_by(by)
            .select_for_update(of=("self",))
            .select_related("site")
            .get(pk=event.pk)
        )
    except Event.DoesNotExist:
        raise PermissionDenied from None


def publish(event: Event, *, by) -> Event:
    """A manager of the site publishes a draft or an event waiting for validation."""
    with transaction.atomic():
        event = _locked_managed(event, by)
        if not event.timings.exists():
            raise ValidationError(_("Ajoutez au moins une date avant de publier l'événement."))
        _moderate(event, Event.Moderation.PUBLISHED, by)
        _approve_rooms(event, by)
    return event


def _approve_rooms(event: Event, by) -> None:
    """Publishing an event confirms the bookings of its rooms still waiting for a manager."""
    pending = Booking.objects.filter(event_timing__event=event, status=Booking.Status.PENDING)
    for booking in pending.select_related("space"):
        booking_services.approve(booking, by)


def refuse(event: Event, *, by, reason: str = "") -> Event:
    """A manager of the site refuses an event waiting for validation, saying why."""
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationError(_("Le motif tient en 300 caractères au plus."))
    with transaction.atomic():
        event = _locked_managed(event, by)
        event.refusal_reason = reason
        event.moderated_by = by
        return _moderate(event, Event.Moderation.REFUSED, by, ("refusal_reason", "moderated_by"))


def cancel_event(event: Event, *, by) -> Event:
    """Cancels the event (it stays on the agenda, marked cancelled) and frees its rooms: the
    bookings of its dates not over yet are cancelled. Its registrants, confirmed or waiting,
    get an e-mail after the commit."""
    with transaction.atomic():
        event = _locked_event(event, by)
        if event.state == Event.State.CANCELLED:
            raise ValidationError(_("Cet événement est déjà annulé."))
        # What `by` may still cancel (Booking.objects.cancellable_by): a date under way stays
        # booked for a member, a manager frees it until its end.
        bookings = Booking.objects.cancellable_by(by).filter(event_timing__event=event)
        for booking in bookings.select_related("space"):
            booking_services.cancel(booking, by)
        event.state = Event.State.CANCELLED
        event.save(update_fields=["state", "updated_at"])
        # Everyone registered or waiting hears of it, once the cancellation is committed.
        registered = list(
            Registration.objects.filter(event=event).active().values_list("pk", flat=True)
        )
        if registered:
            transaction.on_commit(lambda: registration_emails.event_cancelled(registered))
    return event


def reschedule(
    timing: EventTiming,
    *,
    by,
    start: datetime,
    end: datetime,
    room: Space | object | None = _SAME_ROOM,
) -> EventTiming:
    """Postpones a date (move_timing) and marks the event rescheduled, keeping the start it had
    first announced (schema.org previousStartDate)."""
    with transaction.atomic():
        event = _locked_event(timing.event, by)
        if event.state == Event.State.CANCELLED:
            raise ValidationError(_("Un événement annulé ne se reporte pas."))
        first = event.timings.order_by("start").values_list("start", flat=True).first()
        timing = move_timing(timing, by=by, start=start, end=end, room=room)
        event.refresh_from_db(fields=["state", "previous_start"])
        if event.previous_start is None:
            event.previous_start = first
        event.state = Event.State.RESCHEDULED
        event.save(update_fields=["state", "previous_start", "updated_at"])
    return timing
