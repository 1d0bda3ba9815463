"""Demo occupants: about 40 structures on La Boussole with the seed's sector mix, a few on the
other sites, their occupancies (through occupants.services), a structure responsable, and,
when the models exist, calls for applications and room bookings.

Structures are keyed by slug and occupancies by (structure, site), so a second run updates the
same rows; occupancies go through the services so their held spaces follow the same rules as
in the admin."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from demo.installed import has_models
from occupants import services
from occupants.models import Occupancy, Sector, Structure, StructureMember
from sites.models import Space

# Home towns: the seed says most occupants are anchored in Asnières or the Hauts-de-Seine.
TOWNS = {
    "asnieres": ("Asnières-sur-Seine", "92600"),
    "colombes": ("Colombes", "92700"),
    "gennevilliers": ("Gennevilliers", "92230"),
    "clichy": ("Clichy", "92110"),
    "bois-colombes": ("Bois-Colombes", "92270"),
    "courbevoie": ("Courbevoie", "92400"),
    "paris": ("Paris", "75017"),
    "saint-ouen": ("Saint-Ouen-sur-Seine", "93400"),
    "vaugneray": ("Vaugneray", "69670"),
    "lyon": ("Lyon", "69005"),
    "paris5": ("Paris", "75005"),
    "bobigny": ("Bobigny", "93000"),
    "roubaix": ("Roubaix", "59100"),
}

# (name, legal form, sectors, town, people, public) — 40 structures for La Boussole.
BOUSSOLE = [
    ("Atelier Céladon", "artiste", ["arts-plastiques"], "asnieres", 1, True),
    ("Collectif Pigment", "collectif", ["arts-plastiques"], "asnieres", 4, True),
    ("Studio Encre Noire", "artiste", ["arts-plastiques"], "colombes", 1, True),
    ("Les Fresquistes du Pont", "association", ["arts-plastiques"], "asnieres", 6, True),
    ("Atelier Terre et Feu", "artiste", ["arts-plastiques", "artisanat"], "gennevilliers", 2, True),
    ("Galerie Nomade", "association", ["arts-plastiques"], "paris", 3, True),
    ("Studio Lumière Rasante", "artiste", ["arts-plastiques"], "asnieres", 1, True),
    ("Collectif Papier Plié", "collectif", ["arts-plastiques"], "clichy", 3, True),
    ("Atelier Gravure Seine", "artiste", ["arts-plastiques"], "asnieres", 1, False),
    ("Atelier Fil de Soie", "entreprise", ["textile"], "asnieres", 3, True),
    ("Maille à Partir", "association", ["textile", "ess"], "asnieres", 5, True),
    (
        "Couture Solidaire des Grésillons",
        "association",
        ["textile", "action-sociale"],
        "gennevilliers",
        7,
        True,
    ),
    ("Tissages Urbains", "artiste", ["textile"], "bois-colombes", 1, True),
    ("Atelier Indigo", "artiste", ["textile", "design"], "asnieres", 2, True),
    ("Brodeuses de Quartier", "collectif", ["textile"], "asnieres", 4, True),
    ("Studio Forme Utile", "entreprise", ["design"], "courbevoie", 3, True),
    ("Objets Trouvés Design", "artiste", ["design", "upcycling"], "asnieres", 2, True),
    ("Atelier Mobilier Vivant", "entreprise", ["design", "artisanat"], "colombes", 4, True),
    ("Graphisme Commun", "cooperative", ["design", "ess"], "paris", 5, True),
    ("Studio Typo Seine", "artiste", ["design"], "asnieres", 1, True),
    ("Bijoux Bleu Cobalt", "artiste", ["joaillerie"], "asnieres", 1, True),
    ("Atelier Or Recyclé", "entreprise", ["joaillerie", "economie-circulaire"], "clichy", 2, True),
    ("Perles de Rivière", "artiste", ["joaillerie"], "asnieres", 1, True),
    ("Savonnerie du Quai", "entreprise", ["cosmetique"], "asnieres", 2, True),
    ("Baumes et Racines", "artiste", ["cosmetique"], "bois-colombes", 1, True),
    ("Laboratoire Douceur", "entreprise", ["cosmetique"], "gennevilliers", 3, False),
    ("Seconde Peau Upcycling", "artiste", ["upcycling", "textile"], "asnieres", 2, True),
    (
        "La Ressourcerie Créative",
        "association",
        ["upcycling", "economie-circulaire"],
        "asnieres",
        6,
        True,
    ),
    ("Bois Flotté Atelier", "artiste", ["upcycling", "artisanat"], "colombes", 1, True),
    ("Vélos Réparés", "association", ["upcycling", "transition-ecologique"], "asnieres", 4, True),
    ("Studio Sons Libres", "entreprise", ["musique"], "asnieres", 3, True),
    ("Chorale des Voisins", "association", ["musique", "associatif"], "asnieres", 2, True),
    ("Luthier du Canal", "artiste", ["musique", "artisanat"], "saint-ouen", 1, True),
    ("Beatmakers Asnières", "collectif", ["musique"], "asnieres", 5, True),
    ("Céramique Partagée", "association", ["artisanat"], "asnieres", 3, True),
    ("Reliure et Cie", "artiste", ["artisanat"], "courbevoie", 1, True),
    (
        "Association Passerelles",
        "association",
        ["associatif", "action-sociale"],
        "asnieres",
        4,
        True,
    ),
    ("Maison des Initiatives", "association", ["associatif"], "gennevilliers", 3, True),
    ("Épicerie Solidaire Mobile", "association", ["action-sociale", "ess"], "asnieres", 8, True),
    ("Graines de Quartier", "association", ["transition-ecologique"], "colombes", 3, True),
]

# (site slug, name, legal form, sectors, town, people, space names held)
OTHERS = [
    (
        "usine-commune-vaugneray",
        "Menuiserie des Vallons",
        "entreprise",
        ["artisanat"],
        "vaugneray",
        2,
        ["Atelier bois"],
    ),
    (
        "usine-commune-vaugneray",
        "Bureau d'études Sobriété",
        "cooperative",
        ["transition-ecologique"],
        "lyon",
        3,
        ["Bureau Nord"],
    ),
    (
        "usine-commune-vaugneray",
        "Collectif Fête au Village",
        "collectif",
        ["associatif"],
        "vaugneray",
        5,
        ["Coworking"],
    ),
    (
        "halle-aux-savoirs-paris",
        "Conciergerie Solidaire",
        "association",
        ["action-sociale", "ess"],
        "paris5",
        6,
        ["Bureau 301"],
    ),
    (
        "halle-aux-savoirs-paris",
        "Consortium d'artistes du Plateau",
        "collectif",
        ["arts-plastiques"],
        "paris5",
        12,
        ["Atelier 3A"],
    ),
    (
        "halle-aux-savoirs-paris",
        "Université Populaire Nomade",
        "association",
        ["associatif"],
        "paris5",
        4,
        ["Bureau 302"],
    ),
    (
        "ancienne-tresorerie-bobigny",
        "Régie de Quartier Liberté",
        "association",
        ["action-sociale"],
        "bobigny",
        9,
        ["Bureau A"],
    ),
    (
        "ancienne-tresorerie-bobigny",
        "Atelier Vélo Balbyniens",
        "association",
        ["transition-ecologique"],
        "bobigny",
        3,
        ["Bureau B"],
    ),
]

STRUCTURE_RESPONSABLE_OF = "atelier-fil-de-soie"


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name)[:200]


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _structure(name, legal_form, sectors, town, people, public, sector_rows) -> Structure:
    commune, postal_code = TOWNS[town]
    slug = _slug(name)
    structure, _created = Structure.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "legal_form": legal_form,
            "description": (
                f"{name} fait partie des structures occupantes de la démonstration "
                "(structure fictive)."
            ),
            "commune": commune,
            "postal_code": postal_code,
            "people_count": people,
            "contact_name": "Contact de la structure (fictif)",
            "contact_email": f"{slug}@example.org",
            "public_profile": public,
        },
    )
    structure.sectors.set([sector_rows[s] for s in sectors if s in sector_rows])
    return structure


def _occupy(structure: Structure, site, spaces: list[Space], start: date, end: date, fee) -> None:
    """One occupancy per structure and site: created through the service, or brought up to
    date (dates, spaces) when it already exists."""
    occupancy = Occupancy.objects.filter(structure=structure, site=site).first()
    if occupancy is None:
        services.create_occupancy(
            structure=structure,
            site=site,
            spaces=spaces,
            start=start,
            end=end,
            fee_basis=Occupancy.FeeBasis.PER_SQM,
            fee_amount=fee,
            charges=Decimal("25"),
            status=Occupancy.Status.SIGNED,
        )
        return
    occupancy.start, occupancy.end, occupancy.fee_amount = start, end, Decimal(fee)
    occupancy.status = Occupancy.Status.SIGNED
    services.update_occupancy(occupancy, spaces=spaces)


def seed(ctx) -> None:
    sector_rows = {s.slug: s for s in Sector.objects.all()}
    boussole = ctx.sites["la-boussole-asnieres"]
    spaces = {s.name: s for s in boussole.spaces.all()}
    workshops = sorted((s for s in spaces.values() if s.kind == "atelier"), key=lambda s: s.name)
    offices = sorted((s for s in spaces.values() if s.kind == "bureau"), key=lambda s: s.name)
    storage = sorted((s for s in spaces.values() if s.kind == "reserve"), key=lambda s: s.name)
    coworking = spaces["Coworking du 2e"]
    by_index: dict[int, Structure] = {}
    # Crafts first: they get the ground-floor workshops, then offices, then the coworking.
    order = sorted(
        range(len(BOUSSOLE)),
        key=lambda i: (
            not {"artisanat", "upcycling", "joaillerie"} & set(BOUSSOLE[i][2]),
            i,
        ),
    )
    for rank, index in enumerate(order):
        structure = _structure(*BOUSSOLE[index], sector_rows)
        by_index[index] = structure
        if rank < len(workshops):
            held = [workshops[rank]]
        elif rank - len(workshops) < len(offices):
            held = [offices[rank - len(workshops)]]
        else:
            held = [coworking]
        if rank % 5 == 0 and storage:
            held.append(storage[(rank // 5) % len(storage)])
        start = _add_months(boussole.occupancy_start, rank % 3)
        fee = ("10.00", "12.50", "14.00")[rank % 3]
        _occupy(structure, boussole, held, start, boussole.occupancy_end, fee)

    structures = [by_index[i] for i in range(len(BOUSSOLE))]
    by_site: dict[str, list[Structure]] = {boussole.slug: list(structures)}
    for site_slug, name, legal_form, sectors, town, people, held_names in OTHERS:
        site = ctx.sites[site_slug]
        structure = _structure(name, legal_form, sectors, town, people, True, sector_rows)
        site_spaces = {s.name: s for s in site.spaces.all()}
        held = [site_spaces[n] for n in held_names]
        start = site.occupancy_start  # there since the opening
        _occupy(structure, site, held, start, site.occupancy_end, "8.00")
        by_site.setdefault(site_slug, []).append(structure)

    lead = Structure.objects.get(slug=STRUCTURE_RESPONSABLE_OF)
    services.add_member(lead, ctx.users["structure"], role=StructureMember.Role.LEAD)
    ctx.demo_structure = lead
    ctx.log.append(f"{len(structures) + len(OTHERS)} structures occupantes.")

    if has_models("occupants.Call", "occupants.Lot", "occupants.Application"):
        _seed_calls(ctx, sector_rows)
    if has_models("events.Booking"):
        _seed_bookings(ctx, structures)
    ctx.structures_by_site = by_site  # the holders of demo.history's past bookings


# --- Calls for applications -------------------------------------------------------------------

# (applicant key, structure name, status, score, sectors, wanted m², lot index)
APPLICATIONS = [
    ("candidat", "Ressourcerie du Faubourg", "soumise", None, ["economie-circulaire"], 300, 0),
    ("porteur-1", "Atelier Verre Soufflé", "brouillon", None, ["artisanat"], 60, 1),
    ("porteur-2", "Collectif Réemploi Bâti", "en_etude", 15, ["economie-circulaire"], 400, 0),
    ("porteur-3", "Cycles et Ressorts", "en_etude", 12, ["transition-ecologique"], 80, 1),
    ("porteur-4", "Studio Photo Argentique", "refusee", 8, ["arts-plastiques"], 40, 2),
    ("porteur-5", "Tapisserie d'Ameublement Lune", "desistee", None, ["artisanat"], 50, 1),
]


def _aware(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _seed_calls(ctx, sector_rows) -> None:
    from accounts.models import User
    from occupants.models import Application, Call, DocumentType, Lot, VisitDate

    today = ctx.today
    messageries = ctx.sites["anciennes-messageries-montreuil"]
    call, _created = Call.objects.update_or_create(
        slug="appel-anciennes-messageries",
        defaults={
            "site": messageries,
            "title": "Appel à candidatures : ateliers et halle de réemploi",
            "description": (
                "Les Anciennes Messageries ouvrent pour trois ans à des artisans, des "
                "ressourceries et des ateliers de réemploi. Redevance indicative de 8 à "
                "12 € par m² et par mois, charges comprises."
            ),
            "opens_at": _aware(today - timedelta(days=10), time(9)),
            "closes_at": _aware(today + timedelta(days=20), time(23, 59)),
            "rolling": False,
            "status": Call.Status.PUBLISHED,
            "created_by": ctx.users["equipe"],
        },
    )
    call.required_documents.set(
        DocumentType.objects.filter(slug__in=["statuts", "assurance", "presentation"])
    )
    site_spaces = {s.name: s for s in messageries.spaces.all()}
    lots = []
    for position, (name, space_name, kind, smin, smax, price, description) in enumerate(
        [
            ("Halle de réemploi", "Halle de réemploi", "atelier", 200, 900, "8.00", ""),
            ("Ateliers partagés", "Ateliers partagés", "atelier", 30, 120, "10.00", ""),
            (
                "Bureaux à l'étage",
                None,
                "bureau",
                15,
                40,
                "12.00",
                "Quatre bureaux de 15 à 40 m² au premier étage, lumineux.",
            ),
        ]
    ):
        lot, _c = Lot.objects.update_or_create(
            call=call,
            name=name,
            defaults={
                "space": site_spaces.get(space_name) if space_name else None,
                "kind": kind,
                "surface_min": Decimal(smin),
                "surface_max": Decimal(smax),
                "price_per_sqm": Decimal(price),
                "description": description,
                "position": position,
            },
        )
        lots.append(lot)
    for offset in (5, 12):
        VisitDate.objects.update_or_create(
            call=call,
            start=_aware(today + timedelta(days=offset), time(14)),
            defaults={
                "end": _aware(today + timedelta(days=offset), time(16)),
                "place": "Devant le portail, 51 rue des Messageries",
            },
        )

    now = timezone.now()
    for index, (key, name, status, score, sectors, wanted, lot_index) in enumerate(APPLICATIONS):
        user = ctx.users.get(key)
        if user is None:  # applicants without a demo login
            user, _c = User.objects.update_or_create(
                email=f"{key}@demo.interstices.fr",
                defaults={"full_name": f"Porteur de projet {index} (démo)", "is_active": True},
            )
            if user.has_usable_password():
                user.set_unusable_password()
                user.save(update_fields=["password"])
            if user.email_verified_at is None:
                user.email_verified_at = user.date_joined
                user.save(update_fields=["email_verified_at"])
        application, _c = Application.objects.update_or_create(
            call=call,
            applicant=user,
            defaults={
                "structure_name": name,
                "legal_form": "association" if index % 2 == 0 else "entreprise",
                "commune": "Montreuil",
                "postal_code": "93100",
                "contact_name": "Contact fictif",
                "contact_email": user.email,
                "project": (
                    f"{name} souhaite s'installer aux Anciennes Messageries pour développer "
                    "son activité et l'ouvrir aux habitants du quartier (projet fictif)."
                ),
                "wanted_surface": Decimal(wanted),
                "space_kind": "atelier",
                "desired_start": messageries.occupancy_start,
                "duration_months": 24,
                "status": status,
                "submitted_at": None if status == "brouillon" else now - timedelta(days=index + 1),
                "score": score,
                "manager_comment": "Projet solide, visite prévue." if score and score > 10 else "",
            },
        )
        application.sectors.set([sector_rows[s] for s in sectors if s in sector_rows])
        application.lots.set([lots[lot_index]])
    _seed_past_call(ctx)
    ctx.log.append(f"1 appel à candidatures ouvert, {len(APPLICATIONS)} candidatures.")


def _seed_past_call(ctx) -> None:
    """The call that filled La Boussole, archived; the demo structure's application was
    accepted and became its occupancy."""
    from occupants.models import Application, Call

    boussole = ctx.sites["la-boussole-asnieres"]
    opens = boussole.occupancy_start - timedelta(days=90)
    call, _created = Call.objects.update_or_create(
        slug="appel-ouverture-la-boussole",
        defaults={
            "site": boussole,
            "title": "Appel à candidatures : ouverture de La Boussole",
            "description": "Bureaux, ateliers et réserves pour 18 mois (appel clos).",
            "opens_at": _aware(opens, time(9)),
            "closes_at": _aware(opens + timedelta(days=45), time(23, 59)),
            "status": Call.Status.ARCHIVED,
            "created_by": ctx.users["equipe"],
        },
    )
    lead = ctx.demo_structure
    Application.objects.update_or_create(
        call=call,
        applicant=ctx.users["structure"],
        defaults={
            "structure": lead,
            "structure_name": lead.name,
            "legal_form": lead.legal_form,
            "commune": lead.commune,
            "postal_code": lead.postal_code,
            "contact_name": "Contact fictif",
            "contact_email": ctx.users["structure"].email,
            "project": "Un atelier de couture et de broderie ouvert aux habitants (fictif).",
            "wanted_surface": Decimal(25),
            "space_kind": "bureau",
            "desired_start": boussole.occupancy_start,
            "duration_months": 18,
            "status": "retenue",
            "submitted_at": _aware(opens + timedelta(days=10), time(11)),
            "score": 17,
            "occupancy": lead.occupancies.filter(site=boussole).first(),
        },
    )


# --- Bookings ----------------------------------------------------------------------------------

# (day offset, start hour, duration in hours, room name, structure index, purpose)
BOOKINGS = [
    (1, 10, 2, "Salle de réunion Seine", 0, "Réunion d'équipe"),
    (1, 14, 3, "Salle polyvalente", 10, "Atelier couture ouvert aux voisins"),
    (2, 9, 1, "Salle de réunion Pont", 18, "Rendez-vous client"),
    (2, 18, 2, "Salle polyvalente", 31, "Répétition de la chorale"),
    (3, 10, 2, "Salle de réunion Seine", 9, "Point fournisseurs"),
    (4, 14, 2, "Salle de réunion Pont", 36, "Permanence d'accueil"),
    (5, 10, 4, "Salle polyvalente", 27, "Repair café"),
    (7, 9, 2, "Salle de réunion Seine", 15, "Atelier de conception"),
    (8, 16, 2, "Salle de réunion Seine", 9, "Formation"),
    (9, 17, 2, "Salle polyvalente", 33, "Session d'écoute"),
    (10, 10, 1, "Salle de réunion Pont", 23, "Entretien"),
    (12, 14, 3, "Salle polyvalente", 38, "Distribution solidaire"),
]


def _seed_bookings(ctx, structures: list[Structure]) -> None:
    from events import services as booking_services

    boussole = ctx.sites["la-boussole-asnieres"]
    rooms = {s.name: s for s in boussole.spaces.filter(is_bookable=True)}
    by_slug = {s.slug: s for s in structures}
    made = 0
    for offset, hour, hours, room, index, purpose in BOOKINGS:
        day = ctx.today + timedelta(days=offset)
        if day.weekday() == 6:  # La Boussole's rooms are closed on Sundays
            day += timedelta(days=1)
        start = _aware(day, time(hour))
        structure = structures[index % len(structures)]
        lead = by_slug.get(STRUCTURE_RESPONSABLE_OF)
        user = ctx.users["structure"] if structure == lead else ctx.users["responsable"]
        try:
            booking_services.book(
                space=rooms[room],
                user=user,
                start=start,
                end=start + timedelta(hours=hours),
                purpose=purpose,
                people=2,
                structure=structure,
                request_key=f"demo-{rooms[room].pk}-{start:%Y%m%d%H%M}",
                on_behalf=user != ctx.users["structure"],
            )
            made += 1
        except booking_services.BookingError as error:
            # A rule set by a manager (closed period, quota…) wins over the demo.
            ctx.log.append(f"Réservation de démonstration ignorée : {error.messages[0]}")
    ctx.log.append(f"{made} réservations de salles.")
