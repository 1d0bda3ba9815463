"""The demo's agenda: for each open site, past and upcoming events of several kinds, by its
occupant structures, its team and outside organisations, in its rooms and outdoors.

Upcoming dates go through events.agenda.services (each date in a room books it, with the room's
rules and the usual conflict check; a taken room falls back to another room of the site, or the
date is left out and logged). Past dates cannot be booked any more: their rooms' bookings are
written directly, confirmed, before demo.history draws the past (which leaves a room's day that
already holds a booking alone), so no two bookings overlap.

Each event is found again by its slug ("demo-…"): a second run leaves the existing events as
they are (same rows), a run on a later day adds none.

One event of each story the issue asks for: a weekly repair café over eight weeks (one event,
eight dates), one cancelled, one rescheduled (its first date kept in previous_start), one
internal to the occupants, one waiting for validation (the managers' queue), one refused with
its reason, one draft.

seed_registrations() then registers people for the upcoming events that take registrations on
the platform (through the registrations' service: one event full, with a waiting list) and
records the attendance of the events already over, by public.
"""

from __future__ import annotations

import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from events.agenda import registrations
from events.agenda import services as agenda
from events.models import Attendance, Booking, Event, EventTiming, Public, Registration
from events.rules import at
from occupants.models import Occupancy, Structure

E = Event
SITE, OUTSIDE, STRUCTURE = E.OrganiserKind.SITE, E.OrganiserKind.OUTSIDE, E.OrganiserKind.STRUCTURE
KEY_PREFIX = "demo-agenda-"


@dataclass
class Spec:
    """An event of the demo. `by`: "structure" (a structure of the site; `who` its slug or its
    index among the site's structures), "site" or an outside organisation's name in `who`.
    `dates`: (day offset from today, start, end, room name or None, place)."""

    site: str
    slug: str
    title: str
    kind: str
    by: str
    who: str | int = 0
    dates: list[tuple] = field(default_factory=list)
    summary: str = ""
    fields: dict = field(default_factory=dict)
    # What becomes of it: "publish", "pending", "refused", "draft", "cancelled", "rescheduled".
    story: str = "publish"


def _saturday(today: date, weeks: int) -> int:
    """The offset from today of the Saturday `weeks` weeks away (0: this week's or the next)."""
    return (5 - today.weekday()) % 7 + 7 * weeks


def _weekday(today: date, weekday: int, weeks: int) -> int:
    return (weekday - today.weekday()) % 7 + 7 * weeks


def specs(today: date) -> list[Spec]:
    sat = lambda weeks: _saturday(today, weeks)  # noqa: E731
    wed = lambda weeks: _weekday(today, 2, weeks)  # noqa: E731
    thu = lambda weeks: _weekday(today, 3, weeks)  # noqa: E731
    free = {"price_kind": E.Price.FREE}
    neighbours = [Public.NEIGHBOURS, Public.FAMILIES]
    return [
        # --- La Boussole (Asnières) ---
        Spec(
            "la-boussole-asnieres",
            "demo-repair-cafe-boussole",
            "Repair café du samedi",
            E.Kind.REPAIR_CAFE,
            "structure",
            "atelier-fil-de-soie",
            # Eight Saturdays in a row, three already past.
            [
                (sat(week), time(9, 30), time(12, 30), "Salle polyvalente", "")
                for week in range(-3, 5)
            ],
            "Réparer ensemble plutôt que jeter : petit électroménager, vêtements, vélos.",
            {
                **free,
                "capacity": 12,
                "publics": neighbours,
                "keywords": "réparation, réemploi",
                "accessible_motor": True,
            },
        ),
        Spec(
            "la-boussole-asnieres",
            "demo-portes-ouvertes-boussole",
            "Portes ouvertes de La Boussole",
            E.Kind.OPEN_DAY,
            "site",
            dates=[(sat(2), time(14), time(18), None, "Cour et ateliers du rez-de-chaussée")],
            summary="Visitez les ateliers et rencontrez les structures occupantes.",
            fields={
                **free,
                "publics": [Public.EVERYONE],
                "accessible_motor": True,
                "accessible_hearing": True,
            },
        ),
        Spec(
            "la-boussole-asnieres",
            "demo-concert-conservatoire",
            "Concert des élèves du conservatoire",
            E.Kind.CONCERT,
            "outside",
            "Conservatoire d'Asnières",
            [(_weekday(today, 4, 3), time(19), time(20, 30), "Salle polyvalente", "")],
            "Musique de chambre par les classes de cordes.",
            {
                "price_kind": E.Price.PAID,
                "price_amount": Decimal("8.00"),
                "registration": E.Registration.EMAIL,
                "registration_contact": "concerts@conservatoire-asnieres.example",
                "capacity": 50,
            },
        ),
        Spec(
            "la-boussole-asnieres",
            "demo-conference-reemploi",
            "Conférence : le réemploi dans le bâtiment",
            E.Kind.TALK,
            "structure",
            1,
            [(thu(-2), time(18, 30), time(20, 30), "Salle polyvalente", "")],
            "Retours d'expérience de chantiers de réemploi en Île-de-France.",
            {**free, "publics": [Public.PROFESSIONALS, Public.STUDENTS]},
        ),
        Spec(
            "la-boussole-asnieres",
            "demo-marche-createurs-passe",
            "Marché de créateurs",
            E.Kind.MARKET,
            "structure",
            2,
            [(sat(-4), time(10), time(18), None, "Cour de La Boussole")],
            "Les créations des ateliers de La Boussole.",
            {**free, "publics": [Public.EVERYONE]},
        ),
        Spec(
            "la-boussole-asnieres",
            "demo-reunion-occupants",
            "Réunion mensuelle des occupants",
            E.Kind.OTHER,
            "site",
            dates=[(wed(1), time(18), time(20), "Salle de réunion Seine", "")],
            summary="Vie du lieu, planning des espaces partagés, questions diverses.",
            fields={**free, "visibility": E.Visibility.INTERNAL},
        ),
        Spec(
            "la-boussole-asnieres",
            "demo-atelier-couture-annule",
            "Atelier couture débutants",
            E.Kind.WORKSHOP,
            "structure",
            3,
            [(_weekday(today, 1, 2), time(14), time(16), "Salle de réunion Pont", "")],
            "Apprendre à coudre à la machine.",
            {"price_kind": E.Price.PAY_WHAT_YOU_CAN, "capacity": 6},
            story="cancelled",
        ),
        Spec(
            "la-boussole-asnieres",
            "demo-projection-reportee",
            "Projection : « Les Glaneurs et la Glaneuse »",
            E.Kind.SCREENING,
            "structure",
            4,
            [(_weekday(today, 4, 1), time(19), time(21), "Salle polyvalente", "")],
            "Projection suivie d'un échange.",
            {**free, "publics": [Public.EVERYONE]},
            story="rescheduled",
        ),
        Spec(
            "la-boussole-asnieres",
            "demo-atelier-bijoux",
            "Atelier bijoux en fil de soie",
            E.Kind.WORKSHOP,
            "structure",
            "atelier-fil-de-soie",
            [(wed(3), time(10), time(12), "Salle de réunion Seine", "")],
            "Créer un bracelet tressé, matériel fourni.",
            {
                "price_kind": E.Price.PAID,
                "price_amount": Decimal("15.00"),
                "capacity": 8,
                "age_min": 12,
                "publics": [Public.YOUTH, Public.FAMILIES],
            },
            story="pending",
        ),
        Spec(
            "la-boussole-asnieres",
            "demo-vide-atelier",
            "Vide-atelier",
            E.Kind.MARKET,
            "structure",
            "atelier-fil-de-soie",
            [(sat(6), time(10), time(17), None, "Parvis")],
            "Vente de chutes de tissu et de fournitures.",
            {**free},
            story="refused",
        ),
        Spec(
            "la-boussole-asnieres",
            "demo-fete-de-printemps",
            "Fête de printemps",
            E.Kind.PARTY,
            "structure",
            "atelier-fil-de-soie",
            [(sat(8), time(12), time(20), None, "Cour de La Boussole")],
            "Brouillon : programme à compléter.",
            {**free},
            story="draft",
        ),
        # --- L'Usine commune (Vaugneray) ---
        Spec(
            "usine-commune-vaugneray",
            "demo-menuiserie-decouverte",
            "Atelier découverte de la menuiserie",
            E.Kind.WORKSHOP,
            "structure",
            "menuiserie-des-vallons",
            [
                (sat(-2), time(9), time(12), "Salle de synergie", ""),
                (sat(2), time(9), time(12), "Salle de synergie", ""),
            ],
            "Assembler un tabouret en trois heures.",
            {
                "price_kind": E.Price.PAID,
                "price_amount": Decimal("25.00"),
                "capacity": 10,
                "age_min": 14,
                "registration": E.Registration.PHONE,
                "registration_contact": "04 78 00 00 00",
            },
        ),
        Spec(
            "usine-commune-vaugneray",
            "demo-fete-au-village",
            "Fête au village",
            E.Kind.PARTY,
            "structure",
            "collectif-fete-au-village",
            [(sat(4), time(14), time(23), None, "Prairie de l'Usine")],
            "Musique, jeux et buvette pour toutes les générations.",
            {**free, "publics": [Public.EVERYONE, Public.CHILDREN]},
        ),
        Spec(
            "usine-commune-vaugneray",
            "demo-conference-sobriete",
            "Rénover sobrement : conférence",
            E.Kind.TALK,
            "structure",
            "bureau-detudes-sobriete",
            [(thu(1), time(18), time(20), "Salle de synergie", "")],
            "Isolation, chauffage, aides : par où commencer ?",
            {
                **free,
                "capacity": 20,
                "registration": E.Registration.PLATFORM,
                "publics": [Public.NEIGHBOURS],
            },
        ),
        Spec(
            "usine-commune-vaugneray",
            "demo-marche-paysan",
            "Marché paysan",
            E.Kind.MARKET,
            "outside",
            "AMAP des Monts du Lyonnais",
            [
                (_weekday(today, 4, -1), time(16), time(19), None, "Parking de l'Usine"),
            ],
            "Producteurs des Monts du Lyonnais, en circuit court.",
            {**free, "publics": [Public.EVERYONE]},
        ),
        # --- La Halle aux savoirs (Paris) ---
        Spec(
            "halle-aux-savoirs-paris",
            "demo-exposition-plateau",
            "Exposition « Matières vives »",
            E.Kind.EXHIBITION,
            "structure",
            "consortium-dartistes-du-plateau",
            [(thu(1) + n, time(14), time(19), "Grand Plateau", "") for n in range(3)],
            "Sculptures et installations des artistes du Plateau.",
            {
                **free,
                "publics": [Public.EVERYONE],
                "accessible_motor": True,
                "accessible_visual": True,
                "accessibility_details": "Visites décrites sur demande.",
            },
        ),
        Spec(
            "halle-aux-savoirs-paris",
            "demo-atelier-ecriture",
            "Atelier d'écriture",
            E.Kind.WORKSHOP,
            "structure",
            "universite-populaire-nomade",
            [(wed(week), time(17), time(19), "Salle 104", "") for week in range(-2, 3)],
            "Chaque semaine, un thème et une heure d'écriture partagée.",
            {
                **free,
                "capacity": 14,
                "registration": E.Registration.PLATFORM,
                "publics": [Public.SENIORS, Public.NEIGHBOURS],
            },
        ),
        Spec(
            "halle-aux-savoirs-paris",
            "demo-cine-plein-air",
            "Ciné plein air",
            E.Kind.SCREENING,
            "site",
            dates=[(sat(-5), time(19), time(23), None, "Parvis de la Halle")],
            summary="Une comédie pour toute la famille, transats fournis.",
            fields={**free, "publics": [Public.FAMILIES]},
        ),
        Spec(
            "halle-aux-savoirs-paris",
            "demo-conference-ville",
            "Conférence : la ville en communs",
            E.Kind.TALK,
            "outside",
            "Laboratoire Urbain Commun",
            [(thu(2), time(18), time(20), "Amphithéâtre B", "")],
            "Chercheurs et habitants sur l'urbanisme transitoire.",
            {
                **free,
                "capacity": 120,
                "registration": E.Registration.PLATFORM,
                "publics": [Public.STUDENTS, Public.PROFESSIONALS],
                "attendance_mode": E.AttendanceMode.MIXED,
                "online_url": "https://visio.example.org/ville-en-communs",
            },
        ),
    ]


def _manager(ctx, slug: str):
    return ctx.users["responsable"] if slug == "la-boussole-asnieres" else ctx.users["admin"]


def _structure(spec: Spec, holders: list[Structure]) -> Structure | None:
    if isinstance(spec.who, int):
        return holders[spec.who % len(holders)] if holders else None
    return next((s for s in holders if s.slug == spec.who), None)


def seed(ctx) -> None:
    """After demo.occupants, before demo.history (see the module's docstring)."""
    made, dates, skipped = [], 0, 0
    rooms = {
        (space.site.slug, space.name): space
        for site in ctx.sites.values()
        for space in site.spaces.filter(is_bookable=True).select_related("site")
    }
    occupying = Occupancy.objects.current()
    existing = set(Event.objects.filter(slug__startswith="demo-").values_list("slug", flat=True))
    for spec in specs(ctx.today):
        site = ctx.sites.get(spec.site)
        if spec.slug in existing or site is None:
            continue
        holders = ctx.structures_by_site.get(spec.site) or []
        structure = _structure(spec, holders) if spec.by == "structure" else None
        if spec.by == "structure" and structure is None:
            continue
        organiser_kind = {"structure": STRUCTURE, "site": SITE}.get(spec.by, OUTSIDE)
        organiser_name = spec.who if spec.by == "outside" else ""
        if structure is not None and not occupying.filter(structure=structure, site=site).exists():
            # Its occupancy has not begun yet: it organises as an outside organisation.
            organiser_kind, organiser_name, structure = OUTSIDE, structure.name, None
        manager = _manager(ctx, spec.site)
        member = ctx.users["structure"] if structure == ctx.demo_structure else None
        by = member or manager
        event = agenda.create_event(
            site=site,
            by=by,
            organiser_kind=organiser_kind,
            structure=structure,
            organiser_name=organiser_name,
            title=spec.title,
            summary=spec.summary,
            kind=spec.kind,
            **spec.fields,
        )
        # The demo's slug, stable from one run to the next.
        Event.objects.filter(pk=event.pk).update(slug=spec.slug)
        event.slug = spec.slug
        for offset, start_time, end_time, room_name, place in spec.dates:
            day = ctx.today + timedelta(days=offset)
            room = rooms.get((spec.site, room_name)) if room_name else None
            if _add_date(ctx, event, by, day, start_time, end_time, room, place, site, rooms):
                dates += 1
            else:
                skipped += 1
        _tell_story(ctx, event, spec, by, manager)
        made.append(event)
    ctx.events = made
    seed_registrations(ctx, made)
    ctx.log.append(f"{len(made)} événements ({dates} dates, {skipped} écartées faute de salle).")


def _add_date(ctx, event, by, day, start_time, end_time, room, place, site, rooms) -> bool:
    start = at(day, start_time)
    end = at(day + timedelta(days=1), end_time) if end_time <= start_time else at(day, end_time)
    if end <= timezone.now():
        _past_date(event, start, end, room, place, by)
        return True
    # A taken room: another room of the site large enough, else the date is left out.
    others = sorted(
        (
            other
            for (slug, _name), other in rooms.items()
            if slug == site.slug and other != room and other.capacity >= (event.capacity or 1)
        ),
        key=lambda other: other.capacity,
    )
    candidates = [None] if room is None else [room, *others]
    for candidate in candidates:
        try:
            timing = agenda.add_timing(
                event, by=by, start=start, end=end, room=candidate, place=place
            )
        except ValidationError:
            continue
        if timing.booking_id:
            # Keyed like the demo's other bookings (a second run finds the same rows).
            Booking.objects.filter(pk=timing.booking_id).update(
                request_key=f"{KEY_PREFIX}{candidate.pk}-{start:%Y%m%d%H%M}"
            )
        return True
    return False


def _past_date(event, start, end, room, place, by) -> None:
    """A date already over: its room's booking written as it was, confirmed."""
    booking = None
    if room is not None:
        booking = Booking(
            space=room,
            site_id=room.site_id,
            booked_by=by,
            start=start,
            end=end,
            blocked_until=end,
            purpose=event.title[:200],
            people=min(event.capacity or 10, room.capacity),
            status=Booking.Status.CONFIRMED,
            request_key=f"{KEY_PREFIX}{room.pk}-{start:%Y%m%d%H%M}",
        )
        if event.structure_id:
            booking.structure_id = event.structure_id
        else:
            booking.outside_name = event.organiser_label[:200]
        booking.save(force_insert=True)
    EventTiming.objects.create(
        event=event, start=start, end=end, room=room, booking=booking, place=place
    )


def _tell_story(ctx, event, spec: Spec, by, manager) -> None:
    if spec.story == "draft" or not event.timings.exists():
        return
    agenda.submit(event, by=by)
    event.refresh_from_db()
    if spec.story == "pending":
        return
    if spec.story == "refused":
        agenda.refuse(
            event,
            by=manager,
            reason="La date tombe le jour du marché de quartier : proposez un autre samedi.",
        )
        return
    if event.moderation != Event.Moderation.PUBLISHED:
        agenda.publish(event, by=manager)
    if spec.story == "cancelled":
        agenda.cancel_event(event, by=manager)
    elif spec.story == "rescheduled":
        timing = event.timings.order_by("start").first()
        try:
            agenda.reschedule(
                timing,
                by=manager,
                start=timing.start + timedelta(days=7),
                end=timing.end + timedelta(days=7),
            )
        except ValidationError:
            # The room is taken a week later: postponed to the same day outdoors.
            agenda.reschedule(
                timing,
                by=manager,
                start=timing.start + timedelta(days=7),
                end=timing.end + timedelta(days=7),
                room=None,
            )


# Registrations of the demo: (name, places, public). The first event that takes registrations
# on the platform gets them all: its capacity (20) is reached and the last three wait.
PEOPLE = [
    ("Camille Lefèvre", 2, Public.NEIGHBOURS),
    ("Julien Moreau", 1, Public.NEIGHBOURS),
    ("Sophie Garnier", 3, Public.FAMILIES),
    ("Mathieu Rousseau", 1, Public.PROFESSIONALS),
    ("Nadia Benali", 2, Public.NEIGHBOURS),
    ("Élodie Fournier", 4, Public.FAMILIES),
    ("Thomas Girard", 1, Public.SENIORS),
    ("Inès Chevalier", 2, Public.NEIGHBOURS),
    ("Antoine Mercier", 3, Public.FAMILIES),
    ("Lucie Bonnet", 1, Public.STUDENTS),
    # The event is full from here on: the waiting list.
    ("Hugo Lambert", 2, Public.NEIGHBOURS),
    ("Margaux Faure", 1, Public.SENIORS),
    ("Karim Haddad", 1, Public.NEIGHBOURS),
]
# For the other events: a few of them, each on one place.
FEW = 6


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return ascii_name.replace(" ", ".") + "@example.org"


def _attendance(event: Event) -> tuple[int, dict[str, int]]:
    """Plausible figures, the same from one run to the next: a total between 20 and 79, split
    among the event's publics (else neighbours, families, children), a few left unsorted."""
    seed = zlib.crc32(event.slug.encode())
    total = 20 + seed % 60
    publics = [p for p in event.publics if p != Public.EVERYONE] or [
        Public.NEIGHBOURS,
        Public.FAMILIES,
        Public.CHILDREN,
    ]
    counted = total - (1 + seed % 5)
    counts, left = {}, counted
    for index, public in enumerate(publics):
        share = (
            left
            if index == len(publics) - 1
            else counted * (len(publics) - index) // (2 * len(publics))
        )
        counts[public] = share
        left -= share
    return total, counts


def seed_registrations(ctx, events: list[Event]) -> None:
    """Registrations (through the service, e-mails silenced by the seed) for the new upcoming
    events that take them on the platform, and the attendance of the new events already over.
    Only the events made by this run: a second run registers nobody twice."""
    now = timezone.now()
    # Re-read: the services changed their moderation and state since they were made.
    fresh = Event.objects.select_related("site").in_bulk([event.pk for event in events])
    published = [
        fresh[event.pk]
        for event in events
        if fresh[event.pk].moderation == Event.Moderation.PUBLISHED
        and fresh[event.pk].state != Event.State.CANCELLED
    ]
    open_ones = [
        event
        for event in published
        if event.registration == Event.Registration.PLATFORM
        and not registrations.closed_reason(event, now)
    ]
    registered = waiting = attended = 0
    for index, event in enumerate(open_ones):
        # The first one full with its waiting list, the others with a few people on one place.
        people = PEOPLE if index == 0 else [(n, 1, p) for n, _places, p in PEOPLE[:FEW]]
        for name, places, public in people:
            try:
                registration = registrations.register(
                    event, name=name, email=_email(name), places=places, public=public
                )
            except ValidationError:
                continue
            registered += 1
            waiting += registration.status == Registration.Status.WAITLISTED
    for event in published:
        if registrations.ended(event, now) and not Attendance.objects.filter(event=event).exists():
            total, counts = _attendance(event)
            registrations.record_attendance(
                event, by=_manager(ctx, event.site.slug), total=total, counts=counts, now=now
            )
            attended += 1
    ctx.log.append(
        f"{registered} inscriptions ({waiting} en liste d'attente), "
        f"fréquentation de {attended} événements passés."
    )
