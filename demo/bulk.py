"""A large, deterministic dataset for the benchmark, written with bulk inserts.

Sites get real French towns (with a small jitter), ten spaces each, equipment and some funding;
structures, occupancies and bookings follow when their models exist. Everything that must never
overlap (a private space's holders, a room's bookings) is non-overlapping by construction, so the
database constraints are never hit. Rows are recognised by the `bulk-` prefix of their slugs.

The first site is the bench's busiest: open for three years, with a year to go, 40 occupant
structures and a tenth of the bookings (20,000 of the 200,000 at scale 1) spread over its three
rooms from its opening to four weeks ago; the impact figures' row measures it. Every room's
bookings, its included, start four weeks ago.

Events (`bulk-e000001-…` slugs) are spread over the sites, each with one to three dates between
three months ago and six months ahead, most of them public and published. About a third of them
happen in a bookable room that holds them (not smaller than their capacity): each such date
holds the room through a Booking linked to it, as events.agenda.services makes them, on a slot
left free by _bookings() and by the other events (a taken slot leaves that date outdoors).

The first site (the bench's busiest) gets a published impact report for its last twelve months
(`bulk-impact` slug), its figures computed and frozen as publishing does, with a published
observation per indicator, for the bench's "rapport d'impact" row.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import transaction
from django.utils.text import slugify

from accounts.models import Organisation
from demo.installed import has_models
from sites.models import Equipment, Funding, Site, Space

PREFIX = "bulk-"
DELETE_SLICE = 20_000
PARIS = ZoneInfo("Europe/Paris")

# Real towns: (commune, postal code, département, latitude, longitude).
TOWNS = [
    ("Asnières-sur-Seine", "92600", "92", 48.9145, 2.2874),
    ("Nanterre", "92000", "92", 48.8924, 2.2069),
    ("Montreuil", "93100", "93", 48.8611, 2.4437),
    ("Saint-Denis", "93200", "93", 48.9362, 2.3574),
    ("Bobigny", "93000", "93", 48.9082, 2.4392),
    ("Paris", "75011", "75", 48.8590, 2.3800),
    ("Paris", "75019", "75", 48.8871, 2.3848),
    ("Paris", "75013", "75", 48.8322, 2.3561),
    ("Ivry-sur-Seine", "94200", "94", 48.8157, 2.3849),
    ("Vitry-sur-Seine", "94400", "94", 48.7875, 2.3928),
    ("Créteil", "94000", "94", 48.7904, 2.4556),
    ("Argenteuil", "95100", "95", 48.9472, 2.2467),
    ("Versailles", "78000", "78", 48.8049, 2.1204),
    ("Évry-Courcouronnes", "91000", "91", 48.6298, 2.4418),
    ("Lille", "59000", "59", 50.6292, 3.0573),
    ("Roubaix", "59100", "59", 50.6942, 3.1746),
    ("Tourcoing", "59200", "59", 50.7239, 3.1612),
    ("Lyon", "69007", "69", 45.7485, 4.8467),
    ("Villeurbanne", "69100", "69", 45.7719, 4.8902),
    ("Vaugneray", "69670", "69", 45.7375, 4.6561),
    ("Marseille", "13003", "13", 43.3119, 5.3801),
    ("Marseille", "13015", "13", 43.3590, 5.3630),
    ("Toulouse", "31000", "31", 43.6047, 1.4442),
    ("Bordeaux", "33000", "33", 44.8378, -0.5792),
    ("Nantes", "44000", "44", 47.2184, -1.5536),
    ("Rennes", "35000", "35", 48.1173, -1.6778),
    ("Strasbourg", "67000", "67", 48.5734, 7.7521),
    ("Grenoble", "38000", "38", 45.1885, 5.7245),
    ("Montpellier", "34000", "34", 43.6108, 3.8767),
    ("Saint-Étienne", "42000", "42", 45.4397, 4.3872),
    ("Rouen", "76000", "76", 49.4432, 1.0999),
    ("Le Havre", "76600", "76", 49.4944, 0.1079),
    ("Dijon", "21000", "21", 47.3220, 5.0415),
    ("Clermont-Ferrand", "63000", "63", 45.7772, 3.0870),
    ("Tours", "37000", "37", 47.3941, 0.6848),
    ("Metz", "57000", "57", 49.1193, 6.1757),
    ("Nancy", "54000", "54", 48.6921, 6.1844),
    ("Amiens", "80000", "80", 49.8941, 2.2958),
    ("Limoges", "87000", "87", 45.8336, 1.2611),
    ("Brest", "29200", "29", 48.3904, -4.4861),
]
FIRST_WORDS = [
    "L'Atelier",
    "La Fabrique",
    "Le Hangar",
    "La Manufacture",
    "Les Halles",
    "La Ruche",
    "Le Plateau",
    "La Station",
    "L'Entrepôt",
    "La Friche",
    "La Maison",
    "Le Garage",
    "La Filature",
    "Le Préau",
    "La Verrière",
]
LAST_WORDS = [
    "des Possibles",
    "du Canal",
    "des Tanneurs",
    "de la Gare",
    "du Marché",
    "des Lilas",
    "des Communs",
    "du Port",
    "des Voisins",
    "Saint-Roch",
    "de l'Écluse",
    "des Tisserands",
    "du Faubourg",
    "des Cheminots",
    "du Belvédère",
]
FORMER_USES = [
    "Immeuble de bureaux",
    "Ancienne usine",
    "Entrepôt",
    "École",
    "Bâtiment universitaire",
    "Caserne",
    "Poste de régulation",
    "Clinique",
]
FUTURE_USES = ["Logements", "Logements sociaux", "Bureaux", "Équipement public", "Démolition"]
STREETS = ["rue", "avenue", "boulevard", "quai", "chemin", "place"]
STREET_NAMES = ["des Ateliers", "Jean-Jaurès", "de la République", "Victor-Hugo", "du Moulin"]
# The ten spaces of a bulk site: (name, kind, surface, capacity, bookable).
SPACE_PLAN = [
    ("Bureau 1", "bureau", 18, 3, False),
    ("Bureau 2", "bureau", 24, 4, False),
    ("Bureau 3", "bureau", 31, 5, False),
    ("Atelier A", "atelier", 55, 6, False),
    ("Atelier B", "atelier", 70, 8, False),
    ("Réserve", "reserve", 12, 1, False),
    ("Coworking", "coworking", 90, 16, False),
    ("Salle de réunion 1", "salle_reunion", 25, 10, True),
    ("Salle de réunion 2", "salle_reunion", 35, 14, True),
    ("Salle polyvalente", "salle_polyvalente", 120, 60, True),
]
PRIVATE_KINDS = {"bureau", "atelier", "reserve"}
FIRST_SITE_STRUCTURES = 40
# Three years old, with a year to go: its rooms hold FIRST_SITE_BOOKINGS over that time.
FIRST_SITE_AGE = timedelta(days=3 * 365)  # bench/run.py reads the generation day back from it
# A tenth of the bookings, at most this many, go to the first site's three rooms: the impact
# figures' bench row (issue 14) measures a site with 40 structures and 20,000 bookings.
FIRST_SITE_BOOKINGS = 20_000
RECENT_DAYS = timedelta(days=28)  # every room's bookings start four weeks before generation
HOURLY_SLOTS = [time(hour) for hour in range(8, 20)]
PARTNERS = ["Maison de quartier", "Médiathèque municipale", "Lycée voisin", "Compagnie invitée"]
LEGAL_FORMS = ["association", "entreprise", "cooperative", "artiste", "collectif"]
STRUCTURE_WORDS = [
    "Atelier",
    "Collectif",
    "Studio",
    "Association",
    "Compagnie",
    "Ressourcerie",
    "Maison",
    "Coopérative",
]
STRUCTURE_THEMES = [
    "Fil d'Or",
    "Terre Cuite",
    "Bois Flotté",
    "Savons du Quai",
    "Sons Libres",
    "Vélo Solidaire",
    "Papier Plié",
    "Couleurs Vives",
    "Graines Urbaines",
    "Main Tendue",
]
SLOTS = [(time(9), time(11)), (time(11), time(12, 30)), (time(14), time(16)), (time(18), time(20))]
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def bulk_reference(index: int, prefix: str = "B-") -> str:
    """A unique, deterministic reference per generated booking (B- then 7 characters; E- for
    the bookings of the events' dates)."""
    chars = []
    for _i in range(7):
        index, digit = divmod(index, len(REFERENCE_ALPHABET))
        chars.append(REFERENCE_ALPHABET[digit])
    return prefix + "".join(reversed(chars))


@dataclass
class BulkResult:
    counts: dict[str, int] = field(default_factory=dict)


def bulk_exists() -> bool:
    return Site.objects.filter(slug__startswith=PREFIX).exists()


def delete_bulk() -> None:
    """Remove every generated row, dependants first (several foreign keys are PROTECT)."""
    sites = Site.objects.filter(slug__startswith=PREFIX)
    if has_models("events.Event"):
        # Before the structures (an event's structure is protected) and the bookings.
        apps.get_model("events", "Event").objects.filter(site__in=sites).delete()
    if has_models("events.Booking"):
        Booking = apps.get_model("events", "Booking")
        # In slices: an event date may point at a booking (set to null on delete), so Django
        # collects the bookings before deleting them, and one IN list of them all would pass
        # PostgreSQL's 65,535 parameters.
        ids = list(
            Booking.objects.filter(site__in=sites).order_by("pk").values_list("pk", flat=True)
        )
        for chunk in itertools.batched(ids, DELETE_SLICE):
            Booking.objects.filter(pk__in=chunk).only("pk").delete()
    if has_models("occupants.Occupancy", "occupants.Structure"):
        Occupancy = apps.get_model("occupants", "Occupancy")
        Structure = apps.get_model("occupants", "Structure")
        Occupancy.objects.filter(site__in=sites).delete()
        Structure.objects.filter(slug__startswith=PREFIX).delete()
    Funding.objects.filter(site__in=sites).delete()
    sites.delete()
    Organisation.objects.filter(slug__startswith=PREFIX).delete()


def _create(model, rows: list, batch: int) -> list:
    return model.objects.bulk_create(rows, batch_size=batch)


def generate(
    *,
    sites: int,
    structures: int = 0,
    bookings: int = 0,
    events: int = 0,
    seed: int = 2026,
    today: date,
    batch: int = 2000,
    log=lambda message: None,
) -> BulkResult:
    rng = random.Random(seed)
    result = BulkResult()
    with transaction.atomic():
        organisations = _organisations()
        site_rows = _sites(rng, sites, organisations, today, batch)
        result.counts["sites"] = len(site_rows)
        log(f"{len(site_rows)} lieux")
        spaces = _spaces(rng, site_rows, batch)
        result.counts["spaces"] = len(spaces)
        log(f"{len(spaces)} espaces")
        _equipment_and_funding(rng, site_rows, organisations, batch)
        site_structures: dict[int, list[int]] = {}
        if structures and has_models(
            "occupants.Structure", "occupants.Occupancy", "occupants.OccupancySpace"
        ):
            site_structures = _structures(rng, structures, site_rows, spaces, batch)
            result.counts["structures"] = sum(len(v) for v in site_structures.values())
            log(f"{result.counts['structures']} structures et conventions")
        if bookings and has_models("events.Booking"):
            result.counts["bookings"] = _bookings(
                rng,
                random.Random(f"{seed}-busiest"),
                bookings,
                site_rows,
                spaces,
                site_structures,
                today,
                batch,
            )
            log(f"{result.counts['bookings']} réservations")
        if events and has_models("events.Event", "events.EventTiming"):
            # A draw of their own: the events do not shift with the other sizes.
            made, dates, in_rooms = _events(
                random.Random(f"{seed}-events"),
                events,
                site_rows,
                spaces,
                site_structures,
                today,
                batch,
            )
            result.counts["events"] = made
            log(f"{made} événements, {dates} dates dont {in_rooms} en salle")
        if impact_report(site_rows[0], today) is not None:
            result.counts["impact_reports"] = 1
            log("1 rapport d'impact publié")
    return result


IMPACT_SLUG = PREFIX + "impact"


def impact_report(site: Site, today: date):
    """The site's published report for its last twelve months, with a published observation
    per indicator; made once (None when the impact app is not installed)."""
    if not has_models("impact.ImpactReport", "impact.Observation"):
        return None
    from django.utils import timezone

    from impact import figures
    from impact.models import EFFECT_TYPES, INDICATOR_LEVEL, ImpactReport, Observation

    existing = ImpactReport.objects.filter(site=site, slug=IMPACT_SLUG).first()
    if existing is not None:
        return existing
    start, end = today - timedelta(days=365), today - timedelta(days=1)
    report = ImpactReport.objects.create(
        site=site,
        slug=IMPACT_SLUG,
        title="Rapport d'impact des douze derniers mois (données de test)",
        summary="Ce que le lieu a changé, et pour qui : rapport généré pour le banc d'essai.",
        period_start=start,
        period_end=end,
        intensity_individual=4,
        intensity_collective=3,
        intensity_territorial=3,
        methods="Données générées pour le banc d'essai.",
        status=ImpactReport.Status.PUBLISHED,
        figures=figures.site_figures(site, start, end),
        published_at=timezone.now(),
    )
    Observation.objects.bulk_create(
        Observation(
            site=site,
            indicator=indicator,
            intensity=1 + n % 5,
            valence="negatif" if n % 6 == 5 else "positif",
            publics=["occupants", "habitants"],
            effects=[EFFECT_TYPES[indicator][0][0]],
            narrative=f"Effet observé n° {n + 1} (données de test).",
            quote="Le lieu a changé le quartier.",
            quote_role="voisine",
            period_start=start,
            period_end=end,
            status="publie",
        )
        for n, indicator in enumerate(INDICATOR_LEVEL)
    )
    return report


ORGANISATION_WORDS = {"operator": "Coopérative", "owner": "Propriétaire", "funder": "Fonds"}


def _organisations() -> dict[str, list[Organisation]]:
    plan = {"operator": 20, "owner": 40, "funder": 5}
    rows = [
        Organisation(
            slug=f"{PREFIX}{kind}-{n:02d}",
            name=f"{ORGANISATION_WORDS[kind]} n° {n} (données de test)",
            kind=kind,
        )
        for kind, count in plan.items()
        for n in range(1, count + 1)
    ]
    created = Organisation.objects.bulk_create(rows)
    by_kind: dict[str, list[Organisation]] = {}
    for org in created:
        by_kind.setdefault(org.kind, []).append(org)
    return by_kind


def _sites(rng, count: int, organisations, today: date, batch: int) -> list[Site]:
    rows = []
    for n in range(1, count + 1):
        commune, postal, dep, lat, lon = TOWNS[rng.randrange(len(TOWNS))]
        name = f"{rng.choice(FIRST_WORDS)} {rng.choice(LAST_WORDS)}"
        start = today + timedelta(days=rng.randint(-900, 240))
        end = start + timedelta(days=30 * rng.choice((12, 18, 24, 36, 60)))
        if n == 1:  # the benchmark's site page: open, published, the most occupants
            start, end = today - FIRST_SITE_AGE, today + timedelta(days=360)
        if start > today:
            status = rng.choice(("reperage", "preparation"))
        elif end < today:
            status = "ferme"
        elif (end - today).days < 60:
            status = "fermeture"
        else:
            status = "ouvert"
        rows.append(
            Site(
                slug=f"{PREFIX}{n:05d}-{slugify(name)}"[:200],
                name=f"{name} ({commune})",
                owner=rng.choice(organisations["owner"]),
                operator=rng.choice(organisations["operator"]),
                address=f"{rng.randint(1, 180)} {rng.choice(STREETS)} {rng.choice(STREET_NAMES)}",
                postal_code=postal,
                commune=commune,
                departement=dep,
                latitude=Decimal(f"{lat + rng.uniform(-0.03, 0.03):.6f}"),
                longitude=Decimal(f"{lon + rng.uniform(-0.04, 0.04):.6f}"),
                former_use=rng.choice(FORMER_USES),
                future_use=rng.choice(FUTURE_USES),
                status=status,
                occupancy_start=start,
                occupancy_end=end,
                total_surface=Decimal(rng.randrange(300, 12000, 10)),
                summary=f"Occupation temporaire à {commune} : bureaux, ateliers et salles.",
                description=(
                    f"{name} ouvre ses espaces vacants à des associations, artistes et "
                    "artisans le temps d'une occupation temporaire.\n\n"
                    "Données générées pour le banc d'essai."
                ),
                transport_access="Transports en commun à proximité.",
                published=n == 1 or rng.random() < 0.92,
            )
        )
    return _create(Site, rows, batch)


def _spaces(rng, sites: list[Site], batch: int) -> list[Space]:
    rows = [
        Space(
            site_id=site.pk,
            name=name,
            kind=kind,
            level=0 if kind in {"salle_polyvalente", "atelier"} else rng.randint(-1, 4),
            surface=Decimal(surface + rng.randint(0, 10)),
            capacity=capacity,
            is_bookable=bookable,
            is_accessible=rng.random() < 0.6,
        )
        for site in sites
        for name, kind, surface, capacity, bookable in SPACE_PLAN
    ]
    return _create(Space, rows, batch)


def _equipment_and_funding(rng, sites: list[Site], organisations, batch: int) -> None:
    equipment = list(Equipment.objects.values_list("pk", flat=True))
    through = Site.equipment.through
    links = []
    fundings = []
    for site in sites:
        for equipment_id in rng.sample(equipment, k=min(len(equipment), rng.randint(2, 7))):
            links.append(through(site_id=site.pk, equipment_id=equipment_id))
        if rng.random() < 0.3:
            fundings.append(
                Funding(
                    site_id=site.pk,
                    funder=rng.choice(organisations["funder"]),
                    programme=rng.choice(("LEADER", "FEDER", "Fonds tiers-lieux", "")),
                    amount=Decimal(rng.randrange(2000, 80000, 100)),
                    year=site.occupancy_start.year,
                    purpose="Travaux d'aménagement",
                )
            )
    _create(through, links, batch)
    _create(Funding, fundings, batch)


def _structures(rng, count: int, sites: list[Site], spaces: list[Space], batch: int):
    """Spread `count` structures over the sites. On each site the first structures hold one
    private space each for the whole site window; the others share the coworking space, which
    several may hold at once: no exclusive space is ever held twice."""
    Structure = apps.get_model("occupants", "Structure")
    Occupancy = apps.get_model("occupants", "Occupancy")
    OccupancySpace = apps.get_model("occupants", "OccupancySpace")
    Sector = apps.get_model("occupants", "Sector")
    sector_ids = list(Sector.objects.values_list("pk", flat=True))
    spaces_by_site: dict[int, list[Space]] = {}
    for space in spaces:
        spaces_by_site.setdefault(space.site_id, []).append(space)

    # The first site gets 40 structures (the seed's Asnières site), the others share the rest.
    first = min(count, FIRST_SITE_STRUCTURES) if len(sites) > 1 else count
    rest, others = count - first, max(len(sites) - 1, 1)
    per_site = [first] + [rest // others + (1 if i < rest % others else 0) for i in range(others)]
    per_site = per_site[: len(sites)]
    structure_rows, plan = [], []
    n = 0
    for site, how_many in zip(sites, per_site, strict=True):
        for _j in range(how_many):
            n += 1
            local = rng.random() < 0.5
            commune, postal, dep = (
                (site.commune, site.postal_code, site.departement)
                if local
                else TOWNS[rng.randrange(len(TOWNS))][:3]
            )
            name = f"{rng.choice(STRUCTURE_WORDS)} {rng.choice(STRUCTURE_THEMES)} {n}"
            structure_rows.append(
                Structure(
                    name=name,
                    slug=f"{PREFIX}{n:06d}-{slugify(name)}"[:200],
                    legal_form=rng.choice(LEGAL_FORMS),
                    description="Structure générée pour le banc d'essai.",
                    commune=commune,
                    postal_code=postal,
                    departement=dep,
                    people_count=rng.randint(1, 12),
                    contact_name=f"Contact {n}",
                    contact_email=f"contact{n}@example.org",
                    public_profile=rng.random() < 0.85,
                )
            )
            plan.append(site)
    structures = _create(Structure, structure_rows, batch)

    through = Structure.sectors.through
    _create(
        through,
        [
            through(structure_id=s.pk, sector_id=sector_id)
            for s in structures
            for sector_id in rng.sample(sector_ids, k=min(len(sector_ids), rng.randint(1, 2)))
        ],
        batch,
    )

    occupancies, held_for = [], []
    used: dict[int, int] = {}
    site_structures: dict[int, list[int]] = {}
    for structure, site in zip(structures, plan, strict=True):
        site_structures.setdefault(site.pk, []).append(structure.pk)
        site_spaces = spaces_by_site[site.pk]
        private = [s for s in site_spaces if s.kind in PRIVATE_KINDS]
        index = used.get(site.pk, 0)
        used[site.pk] = index + 1
        if index < len(private):
            space, exclusive = private[index], True
        else:
            space, exclusive = next(s for s in site_spaces if s.kind == "coworking"), False
        occupancies.append(
            Occupancy(
                structure_id=structure.pk,
                site_id=site.pk,
                start=site.occupancy_start,
                end=site.occupancy_end,
                fee_basis="m2_mois",
                fee_amount=Decimal(rng.choice(("8.00", "10.00", "12.50", "15.00"))),
                charges=Decimal(rng.choice(("0", "20", "45"))),
                status="signee",
            )
        )
        held_for.append((space, exclusive))
    occupancies = _create(Occupancy, occupancies, batch)
    _create(
        OccupancySpace,
        [
            OccupancySpace(
                occupancy_id=occupancy.pk,
                space_id=space.pk,
                start=occupancy.start,
                end=occupancy.end,
                exclusive=exclusive,
                active=True,
            )
            for occupancy, (space, exclusive) in zip(occupancies, held_for, strict=True)
        ],
        batch,
    )
    return site_structures


class _BookingRows:
    """Bookings written batch by batch, each with the next bulk reference."""

    def __init__(self, batch: int) -> None:
        self.model = apps.get_model("events", "Booking")
        self.batch = batch
        self.rows: list = []
        self.written = 0

    def add(self, **fields) -> None:
        reference = bulk_reference(self.written + len(self.rows))
        self.rows.append(self.model(reference=reference, **fields))
        if len(self.rows) >= self.batch * 5:
            self.flush()

    def flush(self) -> int:
        _create(self.model, self.rows, self.batch)
        self.written += len(self.rows)
        self.rows = []
        return self.written


def _bookings(
    rng,
    busiest_rng,
    count: int,
    sites: list[Site],
    spaces: list[Space],
    site_structures,
    today: date,
    batch: int,
) -> int:
    """The first site's rooms get a tenth of the bookings (FIRST_SITE_BOOKINGS at most, all
    of them when it is the only site), over its years (_busiest_site_bookings); the other rooms
    share the rest (_recent_bookings). The first site's draw is its own (busiest_rng)."""
    rooms = [s for s in spaces if s.is_bookable]
    if not rooms:
        return 0
    first = sites[0]
    first_rooms = [room for room in rooms if room.site_id == first.pk]
    other_rooms = [room for room in rooms if room.site_id != first.pk]
    busiest = min(FIRST_SITE_BOOKINGS, count // 10) if other_rooms else count
    rows = _BookingRows(batch)
    made, last_day = _busiest_site_bookings(
        busiest_rng,
        busiest if first_rooms else 0,
        first,
        first_rooms,
        site_structures.get(first.pk, []),
        today,
        rows,
    )
    # Its past stops before the recent weeks, which all rooms share as before: the booking
    # pages the bench measures show the same weeks whatever its past.
    recent = rooms if last_day < today - RECENT_DAYS else other_rooms
    _recent_bookings(rng, count - made, recent, site_structures, today, rows)
    return rows.flush()


def _busiest_site_bookings(rng, count: int, site: Site, rooms, holders, today, rows) -> int:
    """The bench's busiest site (the impact figures' row): `count` bookings over its rooms,
    on one-hour slots from 08:00 to 20:00 (closed on Sundays) from the start of its occupancy
    to the day before the recent weeks, drawn without replacement: no slot is taken twice, so
    no booking overlaps another. Mostly confirmed, some pending or cancelled; one in ten for a
    partner. Returns how many it made (`count`, or none without rooms) and its last day."""
    if not count or not rooms:
        return 0, date.min
    days, day = [], site.occupancy_start
    last_day = today - RECENT_DAYS - timedelta(days=1)
    # Further ahead only when the rooms cannot hold them all by then (a very large count).
    while day <= last_day or len(days) * len(HOURLY_SLOTS) * len(rooms) < count:
        if day.weekday() < 6:
            days.append(day)
        day += timedelta(days=1)
    slots = len(days) * len(HOURLY_SLOTS)
    per_room = [count // len(rooms) + (i < count % len(rooms)) for i in range(len(rooms))]
    for room, how_many in zip(rooms, per_room, strict=True):
        for index in sorted(rng.sample(range(slots), how_many)):
            day, hour = days[index // len(HOURLY_SLOTS)], HOURLY_SLOTS[index % len(HOURLY_SLOTS)]
            start = datetime.combine(day, hour, tzinfo=PARIS)
            end = start + timedelta(hours=1)
            outside = not holders or rng.random() < 0.1
            rows.add(
                space_id=room.pk,
                site_id=room.site_id,
                structure_id=None if outside else rng.choice(holders),
                outside_name=rng.choice(PARTNERS) if outside else "",
                start=start,
                end=end,
                blocked_until=end,
                purpose=rng.choice(("Réunion", "Atelier", "Formation", "Répétition")),
                people=rng.randint(1, room.capacity),
                status=rng.choices(("confirmee", "en_attente", "annulee"), weights=(90, 4, 6))[0],
            )
    return count, days[-1]


def _recent_bookings(rng, count: int, rooms, site_structures, today: date, rows) -> None:
    """Walk each bookable room's calendar from four weeks ago, taking some of the day's fixed
    slots: the slots never overlap, so neither do the bookings."""
    if not count or not rooms:
        return
    per_room = [count // len(rooms) + (i < count % len(rooms)) for i in range(len(rooms))]
    first_day = today - RECENT_DAYS
    for room, how_many in zip(rooms, per_room, strict=True):
        holders = site_structures.get(room.site_id, [])
        day, made = first_day, 0
        while made < how_many:
            if day.weekday() < 6:  # closed on Sundays
                for opens, closes in SLOTS:
                    if made >= how_many or rng.random() < 0.45:
                        continue
                    start = datetime.combine(day, opens, tzinfo=PARIS)
                    end = datetime.combine(day, closes, tzinfo=PARIS)
                    outside = not holders or rng.random() < 0.1
                    rows.add(
                        space_id=room.pk,
                        site_id=room.site_id,
                        structure_id=None if outside else rng.choice(holders),
                        outside_name="Partenaire extérieur" if outside else "",
                        start=start,
                        end=end,
                        blocked_until=end,
                        purpose=rng.choice(("Réunion", "Atelier", "Formation", "Répétition")),
                        people=rng.randint(1, room.capacity),
                        status="confirmee" if rng.random() < 0.93 else "en_attente",
                    )
                    made += 1
            day += timedelta(days=1)


EVENT_THEMES = [
    "du quartier",
    "des voisins",
    "de saison",
    "solidaire",
    "zéro déchet",
    "en famille",
    "du soir",
    "pour débuter",
    "des créateurs",
    "de la friche",
]
EVENT_PLACES = ["Cour", "Parvis", "Jardin partagé", "Hall d'entrée", "Toit-terrasse"]
OUTSIDE_ORGANISERS = ["Maison de quartier", "Médiathèque municipale", "Comité des fêtes"]
EVENT_HOURS = [time(10), time(14), time(16), time(18), time(19, 30)]


def bulk_event_slug(index: int, title: str) -> str:
    """`bulk-e000001-…`: the bench finds the generated events by this prefix."""
    return f"{PREFIX}e{index:06d}-{slugify(title)}"[:160]


def _events(
    rng,
    count: int,
    sites: list[Site],
    spaces: list[Space],
    site_structures,
    today: date,
    batch: int,
):
    """`count` events over the sites (as evenly as the count allows), each with one to three
    dates a week apart (never overlapping), outdoors or in a room (_event_rooms); most
    published and public, a few pending, draft or refused, cancelled or rescheduled. Returns
    (events, dates, dates in a room)."""
    Event = apps.get_model("events", "Event")
    EventTiming = apps.get_model("events", "EventTiming")
    kinds = list(Event.Kind)
    from events.models import Public  # imported here: the demo may load before the agenda

    publics = list(Public.values)
    published_at = datetime.combine(today, time(0), tzinfo=PARIS)
    per_site = [count // len(sites) + (i < count % len(sites)) for i in range(len(sites))]
    rows, plans = [], []
    n = 0
    for site, how_many in zip(sites, per_site, strict=True):
        holders = site_structures.get(site.pk, [])
        for _j in range(how_many):
            n += 1
            kind = kinds[rng.randrange(len(kinds))]
            title = f"{kind.label} {rng.choice(EVENT_THEMES)} n° {n}"
            draw = rng.random()
            organiser = (
                "structure" if holders and draw < 0.6 else "lieu" if draw < 0.85 else "exterieur"
            )
            moderation = rng.choices(
                ("publie", "a_valider", "brouillon", "refuse"), weights=(90, 4, 3, 3)
            )[0]
            price = rng.choices(("gratuit", "prix_libre", "tarif"), weights=(60, 20, 20))[0]
            online = rng.random() < 0.05
            first_day = today + timedelta(days=rng.randint(-90, 180))
            start = datetime.combine(first_day, rng.choice(EVENT_HOURS), tzinfo=PARIS)
            hours = rng.choice((1, 2, 2, 3))
            state = rng.choices(("programme", "annule", "reporte"), weights=(94, 4, 2))[0]
            rows.append(
                Event(
                    site_id=site.pk,
                    organiser_kind=organiser,
                    structure_id=rng.choice(holders) if organiser == "structure" else None,
                    organiser_name=rng.choice(OUTSIDE_ORGANISERS)
                    if organiser == "exterieur"
                    else "",
                    title=title,
                    slug=bulk_event_slug(n, title),
                    summary=f"{kind.label} ouvert à toutes et à tous.",
                    description="Événement généré pour le banc d'essai.",
                    kind=kind.value,
                    visibility="public" if rng.random() < 0.93 else "interne",
                    moderation=moderation,
                    refusal_reason="Date déjà prise." if moderation == "refuse" else "",
                    state=state,
                    previous_start=start - timedelta(days=7) if state == "reporte" else None,
                    price_kind=price,
                    price_amount=Decimal(rng.choice(("5.00", "8.00", "12.00")))
                    if price == "tarif"
                    else None,
                    capacity=rng.choice((None, 20, 40, 100)),
                    accessible_motor=rng.random() < 0.5,
                    accessible_hearing=rng.random() < 0.2,
                    age_min=rng.choice((None, None, None, 6, 12)),
                    keywords=rng.choice(("", "réemploi, quartier", "musique", "enfants")),
                    attendance_mode="mixte" if online else "sur_place",
                    online_url="https://visio.example.org/evenement" if online else "",
                    publics=rng.sample(publics, k=rng.randint(1, 2)),
                    published_at=published_at if moderation == "publie" else None,
                )
            )
            plans.append((start, hours, rng.randint(1, 3), rng.choice(EVENT_PLACES)))
    events = _create(Event, rows, batch)
    timings = [
        EventTiming(
            event_id=event.pk,
            start=start + timedelta(weeks=week),
            end=start + timedelta(weeks=week, hours=hours),
            place=place,
        )
        for event, (start, hours, how_many, place) in zip(events, plans, strict=True)
        for week in range(how_many)
    ]
    # A draw of its own, after the events': the rooms do not change the events themselves.
    in_rooms = _event_rooms(
        random.Random(rng.random()),
        events,
        timings,
        spaces,
        {site.pk: site.name for site in sites},
        batch,
    )
    _create(EventTiming, timings, batch)
    return len(events), len(timings), in_rooms


class _RoomCalendar:
    """A room's taken intervals [start, blocked_until), sorted and never overlapping."""

    def __init__(self) -> None:
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []

    def take(self, start: datetime, end: datetime) -> bool:
        """Takes [start, end) if it is free; says whether it was."""
        i = bisect.bisect_left(self.starts, start)
        if (i and self.ends[i - 1] > start) or (i < len(self.starts) and self.starts[i] < end):
            return False
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        return True


def _event_rooms(
    rng, events: list, timings: list, spaces: list[Space], site_names: dict[int, str], batch: int
) -> int:
    """Puts about a third of the events in a bookable room of their site that holds them: each
    of their dates on a free slot of the room gets a Booking (its status following the event:
    confirmed once published, waiting before, cancelled with a cancelled event) and the room;
    a date on a taken slot stays outdoors. Fills the timings' room and booking in place;
    returns how many dates got a room."""
    Booking = apps.get_model("events", "Booking")
    rooms_by_site: dict[int, list[Space]] = {}
    for space in spaces:
        if space.is_bookable:
            rooms_by_site.setdefault(space.site_id, []).append(space)
    calendars: dict[int, _RoomCalendar] = {}
    taken = (
        Booking.objects.filter(site_id__in=list(rooms_by_site), status__in=Booking.ACTIVE_STATUSES)
        .order_by("start")
        .values_list("space_id", "start", "blocked_until")
    )
    for space_id, start, end in taken.iterator(chunk_size=batch):
        calendars.setdefault(space_id, _RoomCalendar()).take(start, end)
    by_event = {event.pk: event for event in events}
    room_of: dict[int, Space | None] = {}
    held: list[tuple] = []  # (timing, its booking)
    for timing in timings:
        event = by_event[timing.event_id]
        if event.pk not in room_of:
            fitting = [
                room
                for room in rooms_by_site.get(event.site_id, [])
                if event.capacity is None or room.capacity >= event.capacity
            ]
            room_of[event.pk] = rng.choice(fitting) if fitting and rng.random() < 0.35 else None
        room = room_of[event.pk]
        if room is None:
            continue
        cancelled = event.state == "annule"
        calendar = calendars.setdefault(room.pk, _RoomCalendar())
        if not cancelled and not calendar.take(timing.start, timing.end):
            continue
        booking = Booking(
            space_id=room.pk,
            site_id=room.site_id,
            structure_id=event.structure_id,
            # Held as events.agenda.services holds them: for the structure, or under the
            # outside organisation's or the site team's name.
            outside_name=""
            if event.structure_id
            else (event.organiser_name or site_names[event.site_id])[:200],
            start=timing.start,
            end=timing.end,
            blocked_until=timing.end,
            purpose=event.title[:200],
            people=min(event.capacity or 1, room.capacity),
            status="annulee"
            if cancelled
            else "confirmee"
            if event.moderation == "publie"
            else "en_attente",
            cancelled_at=(event.published_at or timing.start) if cancelled else None,
            reference=bulk_reference(len(held), prefix="E-"),
        )
        held.append((timing, booking))
    _create(Booking, [booking for _timing, booking in held], batch)
    for timing, booking in held:
        timing.room_id, timing.booking_id, timing.place = booking.space_id, booking.pk, ""
    return len(held)
