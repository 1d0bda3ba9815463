"""The demo's past: months of room bookings and the structures that have already left, so that
the site pages' occupancy rates, the managers' statistics and the charts say something.

Bookings are drawn for every open day from the site's opening (six months back at most) to
yesterday, in each shared room, with a weekday pattern and a busyness of its own per room: a few
mornings, afternoons and evenings, a weekly choir rehearsal, a few cancelled. The draw of one
(room, day) depends on that room and that day only (random.Random seeded with them), and each
row has a request key made of its room and start: a second run on the same day, or on a later
day, makes the very same rows for the days already drawn (bulk_create ignores the duplicates)
and adds the new days. A (room, day) that already holds a booking made otherwise (the upcoming
demo bookings, once past, or a visitor's) is left alone, so no two active bookings overlap.

Slots are built inside the rooms' opening hours and never overlap within a day (morning,
afternoon and evening slots are disjoint), which is what the exclusion constraint (PostgreSQL)
and the booking service (SQLite) would check; bulk_create writes them in a few queries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from events.models import Booking, ClosedPeriod
from events.rules import at, local_tz, open_intervals_bulk, set_opening_hours
from sites.models import Site, Space

HISTORY_DAYS = 366
KEY_PREFIX = "demo-past-"
CANCELLED_SHARE = 0.07

# Weekday factor: quieter on Mondays and Fridays, busier mid-week.
WEEKDAY_FACTOR = (0.8, 1.0, 1.15, 1.1, 0.85, 0.6, 0.2)


@dataclass(frozen=True)
class Profile:
    """How busy a room is: the chance of a morning, an afternoon and an evening booking on a
    weekday (Saturdays and Sundays use WEEKDAY_FACTOR), and its regular bookings
    {weekday: (start, end, purpose)}."""

    morning: float
    afternoon: float
    evening: float
    weekly: dict[int, tuple[time, time, str]] | None = None
    outside_share: float = 0.0


# (site slug, room name) → profile; a room not listed gets DEFAULT_PROFILE.
PROFILES = {
    ("la-boussole-asnieres", "Salle de réunion Seine"): Profile(0.8, 0.75, 0.15),
    ("la-boussole-asnieres", "Salle de réunion Pont"): Profile(
        0.5, 0.45, 0.05, weekly={3: (time(14), time(16), "Permanence d'accueil")}
    ),
    ("la-boussole-asnieres", "Salle polyvalente"): Profile(
        0.15, 0.3, 0.35, weekly={1: (time(18, 30), time(20, 30), "Répétition de la chorale")}
    ),
    # About half of its open days booked, as the seed's 87 days out of 164 (53 %).
    ("usine-commune-vaugneray", "Salle de synergie"): Profile(0.33, 0.33, 0.12, outside_share=0.4),
    ("halle-aux-savoirs-paris", "Grand Plateau"): Profile(0.2, 0.35, 0.4),
    ("halle-aux-savoirs-paris", "Amphithéâtre B"): Profile(0.3, 0.4, 0.15),
    ("halle-aux-savoirs-paris", "Salle 104"): Profile(0.85, 0.8, 0.2),
    ("halle-aux-savoirs-paris", "Salle 210"): Profile(0.5, 0.5, 0.05),
    ("ancienne-tresorerie-bobigny", "Salle commune"): Profile(0.2, 0.3, 0.1),
}
DEFAULT_PROFILE = Profile(0.3, 0.3, 0.1)

# Candidate slots (start, end) per part of the day; evenings end by 20:00 unless the room
# stays open later.
MORNINGS = [(time(9), time(11)), (time(9, 30), time(12)), (time(10), time(11)), (time(9), time(12))]
AFTERNOONS = [
    (time(14), time(16)),
    (time(13, 30), time(17)),
    (time(15), time(17)),
    (time(14), time(15)),
]
EVENINGS = [
    (time(18), time(20)),
    (time(18, 30), time(20)),
    (time(19), time(21)),
    (time(18, 30), time(20, 30)),
]

PURPOSES = {
    "morning": ["Réunion d'équipe", "Point fournisseurs", "Rendez-vous client", "Formation"],
    "afternoon": [
        "Atelier ouvert aux voisins",
        "Atelier de conception",
        "Entretien",
        "Réunion de projet",
        "Distribution solidaire",
    ],
    "evening": ["Assemblée générale", "Session d'écoute", "Conférence", "Atelier du soir"],
}
OUTSIDE_NAMES = [
    "Club de randonnée des Monts",
    "Mairie (réunion publique)",
    "Organisme de formation partenaire",
    "Conseil de quartier",
]

# Structures that have already left, with the site, the space they held and the months of
# occupancy from the site's opening: (site slug, name, legal form, sectors, town, people,
# held space, first month, months).
LEFT = [
    (
        "la-boussole-asnieres",
        "Studio Vidéo Passage",
        "entreprise",
        ["design"],
        "clichy",
        2,
        "Coworking du 2e",
        0,
        3,
    ),
    (
        "la-boussole-asnieres",
        "Collectif Zines et Cie",
        "collectif",
        ["arts-plastiques"],
        "asnieres",
        3,
        "Coworking du 2e",
        0,
        4,
    ),
    (
        "la-boussole-asnieres",
        "Association Jardins Suspendus",
        "association",
        ["transition-ecologique"],
        "colombes",
        4,
        "Coworking du 2e",
        1,
        2,
    ),
    (
        "usine-commune-vaugneray",
        "Poterie des Coteaux",
        "artiste",
        ["artisanat"],
        "vaugneray",
        1,
        "Bureau Sud",
        12,
        24,
    ),
    (
        "filature-roubaix",
        "Atelier Fil Rouge",
        "association",
        ["textile", "upcycling"],
        "roubaix",
        5,
        "Atelier textile",
        0,
        14,
    ),
    (
        "filature-roubaix",
        "Tricots du Canal",
        "entreprise",
        ["textile"],
        "roubaix",
        2,
        "Atelier de couture",
        6,
        18,
    ),
]


def prepare(ctx) -> None:
    """Before any booking is made: the rooms' hours and closures."""
    _set_boussole_hours(ctx.sites["la-boussole-asnieres"])
    _summer_closure(ctx.sites["halle-aux-savoirs-paris"], ctx.today)


def seed(ctx) -> None:
    """After demo.occupants: the structures that left and the past bookings of the others."""
    left = _seed_left(ctx)
    made = _seed_past_bookings(ctx, ctx.structures_by_site)
    ctx.log.append(f"{left} occupations terminées, {made} réservations passées.")


def _set_boussole_hours(site: Site) -> None:
    """La Boussole opens its rooms on weekdays into the evening and on Saturdays; not on
    Sundays (the other sites keep the default hours)."""
    set_opening_hours(site, range(5), time(8, 30), time(21))
    set_opening_hours(site, [5], time(9), time(19))


def _summer_closure(site: Site, today: date) -> None:
    """The university building closes for three weeks in August: the last August before
    today, which the rates deduct (no open hours, hence no empty ones)."""
    year = today.year if today.month > 8 else today.year - 1
    ClosedPeriod.objects.update_or_create(
        site=site,
        space=None,
        start=at(date(year, 8, 1), time(0)),
        defaults={"end": at(date(year, 8, 24), time(0)), "reason": "Fermeture estivale"},
    )


def _seed_left(ctx) -> int:
    from demo.occupants import _add_months, _occupy, _structure
    from occupants.models import Sector

    sector_rows = {s.slug: s for s in Sector.objects.all()}
    count = 0
    for slug, name, form, sectors, town, people, space_name, first, months in LEFT:
        site = ctx.sites[slug]
        structure = _structure(name, form, sectors, town, people, True, sector_rows)
        space = site.spaces.get(name=space_name)
        start = _add_months(site.occupancy_start, first)
        end = min(_add_months(start, months) - timedelta(days=1), ctx.today - timedelta(days=1))
        _occupy(structure, site, [space], start, end, "9.00")
        count += 1
    return count


def _day_slots(rng: random.Random, profile: Profile, day: date, late: bool) -> list:
    factor = WEEKDAY_FACTOR[day.weekday()]
    slots = []
    weekly = (profile.weekly or {}).get(day.weekday())
    if weekly:
        slots.append((weekly[0], weekly[1], weekly[2], True))
    for part, chance, choices in (
        ("morning", profile.morning, MORNINGS),
        ("afternoon", profile.afternoon, AFTERNOONS),
        ("evening", profile.evening, EVENINGS if late else EVENINGS[:2]),
    ):
        draw = rng.random()
        start, end = rng.choice(choices)
        purpose = rng.choice(PURPOSES[part])
        if draw >= chance * factor:
            continue
        if weekly and start < weekly[1] and weekly[0] < end:
            continue
        slots.append((start, end, purpose, False))
    return slots


def _seed_past_bookings(ctx, structures_by_site: dict[str, list]) -> int:
    today = ctx.today
    tz = local_tz()
    rows: list[Booking] = []
    for slug, site in ctx.sites.items():
        holders = structures_by_site.get(slug) or []
        if site.occupancy_start is None or site.occupancy_start >= today or not holders:
            continue
        first = max(site.occupancy_start, today - timedelta(days=HISTORY_DAYS))
        last = min(today - timedelta(days=1), site.occupancy_end or today)
        rooms = list(Space.objects.filter(site=site, is_bookable=True).order_by("name"))
        if not rooms or last < first:
            continue
        intervals = open_intervals_bulk(rooms, first, last)
        taken = {
            (space_id, start.astimezone(tz).date())
            for space_id, start, key in Booking.objects.filter(
                space__in=rooms, start__lt=at(last + timedelta(days=1), time(0))
            )
            .filter(end__gt=at(first, time(0)))
            .values_list("space_id", "start", "request_key")
            if not (key or "").startswith(KEY_PREFIX)
        }
        user = ctx.users["responsable"] if slug == "la-boussole-asnieres" else ctx.users["equipe"]
        for room in rooms:
            profile = PROFILES.get((slug, room.name), DEFAULT_PROFILE)
            for day, day_intervals in intervals[room.pk].items():
                if not day_intervals or (room.pk, day) in taken:
                    continue
                rng = random.Random(f"{slug}/{room.name}/{day.isoformat()}")
                late = any(end.astimezone(tz).time() >= time(21) for _s, end in day_intervals)
                for start_time, end_time, purpose, regular in _day_slots(rng, profile, day, late):
                    start, end = at(day, start_time), at(day, end_time)
                    if not any(lo <= start and end <= hi for lo, hi in day_intervals):
                        continue
                    rows.append(
                        _booking(
                            rng, room, site, holders, user, start, end, purpose, regular, profile
                        )
                    )
    Booking.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return Booking.objects.filter(request_key__startswith=KEY_PREFIX).count()


def _booking(rng, room, site, holders, user, start, end, purpose, regular, profile) -> Booking:
    outside = not regular and rng.random() < profile.outside_share
    cancelled = not regular and rng.random() < CANCELLED_SHARE
    hours = Decimal((end - start).total_seconds() / 3600).quantize(Decimal("0.1"))
    booking = Booking(
        space=room,
        site=site,
        booked_by=user,
        start=start,
        end=end,
        blocked_until=end,
        purpose=purpose,
        people=rng.randint(2, min(room.capacity, 14)),
        status=Booking.Status.CANCELLED if cancelled else Booking.Status.CONFIRMED,
        request_key=f"{KEY_PREFIX}{room.pk}-{start:%Y%m%d%H%M}",
    )
    if outside:
        booking.outside_name = rng.choice(OUTSIDE_NAMES)
        booking.price = hours * 25
    else:
        booking.structure = holders[rng.randrange(len(holders))]
    if cancelled:
        booking.cancelled_by = user
        booking.cancelled_at = start - timedelta(days=2)
    return booking
