"""The demo's sites, modelled on the situations in the seeds (DOMAIN.md) with fictional names.

Dates are offsets in months from the first day of the current month, so that an "open" site is
open whenever the demo is loaded; running the seed twice on the same day gives the same rows.
"""

from __future__ import annotations

from decimal import Decimal

DEMO_PASSWORD = "demo-interstices-2026"  # noqa: S105 - a published demo password, on purpose
DEMO_DOMAIN = "demo.interstices.fr"

# (key, name, kind, website, description)
ORGANISATIONS = [
    (
        "habitat-seine-ouest",
        "Habitat Seine-Ouest",
        "owner",
        "",
        "Bailleur social (fictif) qui prête ses immeubles vacants avant travaux.",
    ),
    (
        "cooperative-interstices",
        "Coopérative Les Interstices",
        "operator",
        "",
        "Coopérative d'urbanisme transitoire (fictive) : elle gère une vingtaine de lieux.",
    ),
    (
        "usine-commune",
        "Association L'Usine Commune",
        "operator",
        "",
        "Association (fictive) qui gouverne un tiers-lieu dans une ancienne usine.",
    ),
    (
        "metropole-lys-deule",
        "Métropole Lys-Deûle",
        "public_body",
        "",
        "Métropole (fictive) qui ouvre ses bâtiments vacants à ses propres services.",
    ),
    (
        "universite-rive-gauche",
        "Université Rive Gauche",
        "public_body",
        "",
        "Université (fictive) propriétaire d'un ancien bâtiment d'enseignement.",
    ),
    (
        "fonciere-solidaire",
        "Foncière Solidaire du Nord",
        "owner",
        "",
        "Foncière (fictive) propriétaire d'anciens sites industriels.",
    ),
    (
        "gal-monts-vallons",
        "GAL Monts et Vallons",
        "funder",
        "",
        "Groupe d'action locale (fictif) du programme européen LEADER.",
    ),
    (
        "departement-fonds-tiers-lieux",
        "Fonds départemental tiers-lieux",
        "funder",
        "",
        "Fonds (fictif) d'un département pour les tiers-lieux.",
    ),
    (
        "tous-tiers",
        "Tous Tiers (financement participatif)",
        "funder",
        "",
        "Plateforme de financement participatif (fictive).",
    ),
]

# Spaces: (name, kind, level, surface, capacity, bookable, accessible)
SpaceRow = tuple[str, str, int, str, int, bool, bool]


def _boussole_spaces() -> list[SpaceRow]:
    rows: list[SpaceRow] = []
    for level in range(1, 6):
        for n in range(1, 7):
            surface = ("14", "18", "22", "25", "31", "40")[(level + n) % 6]
            rows.append(
                (
                    f"Bureau {level}{n:02d}",
                    "bureau",
                    level,
                    surface,
                    max(2, int(surface) // 7),
                    False,
                    True,
                )
            )
    for n, surface in enumerate(("45", "60", "38", "52", "70", "48"), start=1):
        rows.append((f"Atelier R{n}", "atelier", 0, surface, 4, False, True))
    for n, surface in enumerate(("12", "9", "15", "11", "20", "8", "10", "14"), start=1):
        rows.append((f"Réserve S{n}", "reserve", -1, surface, 1, False, False))
    rows += [
        ("Salle de réunion Seine", "salle_reunion", 1, "28", 12, True, True),
        ("Salle de réunion Pont", "salle_reunion", 3, "20", 8, True, True),
        ("Salle polyvalente", "salle_polyvalente", 0, "120", 60, True, True),
        ("Coworking du 2e", "coworking", 2, "85", 16, False, True),
        ("Cantine partagée", "cantine", 0, "65", 30, False, True),
        ("Cour intérieure", "cour", 0, "150", 80, False, True),
    ]
    return rows


SITES = [
    {
        "slug": "la-boussole-asnieres",
        "name": "La Boussole",
        "owner": "habitat-seine-ouest",
        "operator": "cooperative-interstices",
        "address": "18 avenue des Grésillons",
        "postal_code": "92600",
        "commune": "Asnières-sur-Seine",
        "departement": "92",
        "latitude": Decimal("48.916600"),
        "longitude": Decimal("2.294500"),
        "former_use": "Immeuble de bureaux",
        "future_use": "Logements sociaux",
        "status": "ouvert",
        "start": -6,
        "months": 18,
        "total_surface": Decimal("2400"),
        "summary": "Bureaux, ateliers et réserves pour 40 structures, à deux pas du métro.",
        "description": (
            "Un ancien immeuble de bureaux prêté par un bailleur social pour 18 mois avant sa "
            "transformation en logements. Artistes, artisans, designers et associations y "
            "partagent bureaux, ateliers, réserves en sous-sol et salles communes.\n\n"
            "L'aménagement des espaces communs, les événements et l'identité du lieu sont "
            "construits avec les occupants, pour ancrer le lieu dans la vie du quartier."
        ),
        "transport_access": "Métro ligne 13, station à 3 minutes à pied. Bus 238 et 304.",
        "equipment": [
            "eau-courante",
            "chauffage",
            "accessibilite-pmr",
            "wifi",
            "fibre",
            "sanitaires",
            "monte-charge",
            "parking-velo",
            "videoprojecteur",
        ],
        "published": True,
        "spaces": _boussole_spaces(),
        "gallery": [
            ("Dessin de l'immeuble vu de la rue, entre les arbres", "Côté rue"),
            ("Dessin de la façade côté métro", "Côté métro"),
        ],
        "fundings": [],
        "total_project_cost": None,
    },
    {
        "slug": "usine-commune-vaugneray",
        "name": "L'Usine Commune",
        "owner": "fonciere-solidaire",
        "operator": "usine-commune",
        "address": "4 chemin de la Filature",
        "postal_code": "69670",
        "commune": "Vaugneray",
        "departement": "69",
        "latitude": Decimal("45.737500"),
        "longitude": Decimal("4.656100"),
        "former_use": "Ancien site industriel",
        "future_use": "Tiers-lieu pérennisé",
        "status": "ouvert",
        "start": -60,
        "months": 96,
        "total_surface": Decimal("1100"),
        "summary": "Un tiers-lieu dans une ancienne usine : coworking, foyer et salle de synergie.",
        "description": (
            "Des habitants ont proposé d'investir une ancienne usine avec l'accord de son "
            "propriétaire. Coworkers, artisans et associations y travaillent ; fêtes, concerts "
            "et ateliers de partage de savoirs animent le lieu.\n\n"
            "Le rez-de-chaussée accueille une salle de réunion louée aux partenaires, un foyer, "
            "des sanitaires et des arceaux à vélo, cofinancés par le programme LEADER."
        ),
        "transport_access": "Car régional, arrêt à 5 minutes. Arceaux à vélo sur place.",
        "equipment": ["eau-courante", "chauffage", "wifi", "cuisine", "parking-velo", "sanitaires"],
        "gallery": [
            ("Dessin de l'usine, de ses toits en dents de scie et de sa cheminée", "L'usine")
        ],
        "published": True,
        "spaces": [
            ("Salle de synergie", "salle_reunion", 0, "45", 20, True, True),
            ("Foyer", "foyer", 0, "60", 30, False, True),
            ("Coworking", "coworking", 1, "110", 18, False, False),
            ("Bureau Nord", "bureau", 1, "24", 3, False, False),
            ("Bureau Sud", "bureau", 1, "19", 2, False, False),
            ("Atelier bois", "atelier", 0, "80", 6, False, True),
            ("Jardin", "exterieur", 0, "300", 60, False, True),
        ],
        "fundings": [
            (
                "gal-monts-vallons",
                "LEADER",
                Decimal("9900"),
                -60,
                "Salle de synergie et foyer",
                "public",
                "investissement",
            ),
            (
                "departement-fonds-tiers-lieux",
                "",
                Decimal("5300"),
                -60,
                "Sanitaires",
                "public",
                "investissement",
            ),
            (
                "tous-tiers",
                "Financement participatif",
                Decimal("4000"),
                -60,
                "Arceaux à vélo",
                "participatif",
                "investissement",
            ),
        ],
        "total_project_cost": Decimal("19200"),
    },
    {
        "slug": "poste-de-regulation-tourcoing",
        "name": "L'Ancien Poste de Régulation",
        "owner": "metropole-lys-deule",
        "operator": "cooperative-interstices",
        "address": "27 rue du Tram",
        "postal_code": "59200",
        "commune": "Tourcoing",
        "departement": "59",
        "latitude": Decimal("50.723900"),
        "longitude": Decimal("3.161200"),
        "former_use": "Poste de régulation du trafic",
        "future_use": "Équipement public de quartier",
        "status": "preparation",
        "start": 2,
        "months": 24,
        "total_surface": Decimal("420"),
        "summary": "Un ancien poste de régulation en centre-ville ouvert à un service public.",
        "description": (
            "En plein centre-ville, à quelques mètres du métro et du tram, un ancien poste de "
            "régulation équipé d'eau courante et de chauffage accueillera un service de la "
            "métropole au plus près des habitants. Visites, diagnostics et convention en cours."
        ),
        "transport_access": "Métro et tram à 2 minutes à pied.",
        "equipment": ["eau-courante", "chauffage", "sanitaires", "accessibilite-pmr"],
        "published": True,
        "spaces": [
            ("Salle de contrôle", "salle_polyvalente", 0, "140", 40, True, True),
            ("Bureau d'accueil", "bureau", 0, "30", 4, False, True),
            ("Bureau 1", "bureau", 1, "22", 3, False, False),
            ("Réserve", "reserve", -1, "35", 1, False, False),
        ],
        "fundings": [],
        "total_project_cost": None,
    },
    {
        "slug": "halle-aux-savoirs-paris",
        "name": "La Halle aux Savoirs",
        "owner": "universite-rive-gauche",
        "operator": "cooperative-interstices",
        "address": "9 rue des Écoles Anciennes",
        "postal_code": "75005",
        "commune": "Paris",
        "departement": "75",
        "latitude": Decimal("48.840500"),
        "longitude": Decimal("2.352100"),
        "former_use": "Bâtiment universitaire",
        "future_use": "Réhabilitation universitaire",
        "status": "ouvert",
        "start": -30,
        "months": 48,
        "total_surface": Decimal("9000"),
        "summary": "Une ancienne université : plus de 350 projets et actions depuis l'ouverture.",
        "description": (
            "Étudiants, associations, artistes et acteurs de la solidarité partagent un ancien "
            "bâtiment universitaire. Café à prix libre dans la cour, cantine, expositions "
            "collectives : plus de 350 projets et actions depuis l'ouverture."
        ),
        "transport_access": "Métro ligne 7 et RER B à 5 minutes.",
        "equipment": [
            "eau-courante",
            "chauffage",
            "accessibilite-pmr",
            "wifi",
            "cuisine",
            "sanitaires",
            "sono",
            "videoprojecteur",
        ],
        "published": True,
        "spaces": [
            ("Grand Plateau", "salle_polyvalente", 0, "400", 200, True, True),
            ("Amphithéâtre B", "salle_polyvalente", 1, "180", 120, True, True),
            ("Salle 104", "salle_reunion", 1, "40", 16, True, True),
            ("Salle 210", "salle_reunion", 2, "35", 14, True, False),
            ("Cantine", "cantine", 0, "220", 90, False, True),
            ("Cour", "cour", 0, "600", 300, False, True),
            ("Atelier 3A", "atelier", 3, "90", 8, False, False),
            ("Atelier 3B", "atelier", 3, "75", 6, False, False),
            ("Bureau 301", "bureau", 3, "20", 3, False, False),
            ("Bureau 302", "bureau", 3, "20", 3, False, False),
        ],
        "fundings": [
            (
                "departement-fonds-tiers-lieux",
                "Tiers-lieux",
                Decimal("50000"),
                -24,
                "Cantine",
                "public",
                "fonctionnement",
            ),
        ],
        "total_project_cost": Decimal("180000"),
    },
    {
        "slug": "anciennes-messageries-montreuil",
        "name": "Les Anciennes Messageries",
        "owner": "fonciere-solidaire",
        "operator": "cooperative-interstices",
        "address": "51 rue des Messageries",
        "postal_code": "93100",
        "commune": "Montreuil",
        "departement": "93",
        "latitude": Decimal("48.861100"),
        "longitude": Decimal("2.443700"),
        "former_use": "Entrepôt de messagerie",
        "future_use": "Pôle d'artisanat",
        "status": "preparation",
        "start": 4,
        "months": 36,
        "total_surface": Decimal("3200"),
        "summary": "Un entrepôt bientôt ouvert aux artisans et à l'économie circulaire.",
        "description": (
            "Un entrepôt de messagerie sera ouvert pour trois ans à des artisans, des "
            "ressourceries et des ateliers de réemploi, avant un projet de pôle d'artisanat."
        ),
        "transport_access": "Métro ligne 9 à 8 minutes.",
        "equipment": ["eau-courante", "quai-livraison", "monte-charge", "parking"],
        "published": True,
        "spaces": [
            ("Halle de réemploi", "atelier", 0, "900", 30, False, True),
            ("Ateliers partagés", "atelier", 0, "400", 20, False, True),
            ("Salle de réunion", "salle_reunion", 1, "30", 12, True, False),
            ("Cour de livraison", "exterieur", 0, "500", 50, False, True),
        ],
        "fundings": [],
        "total_project_cost": None,
    },
    {
        "slug": "ancienne-tresorerie-bobigny",
        "name": "L'Ancienne Trésorerie",
        "owner": "metropole-lys-deule",
        "operator": "cooperative-interstices",
        "address": "3 place de la Liberté",
        "postal_code": "93000",
        "commune": "Bobigny",
        "departement": "93",
        "latitude": Decimal("48.908200"),
        "longitude": Decimal("2.439200"),
        "former_use": "Trésorerie publique",
        "future_use": "Démolition et logements",
        "status": "fermeture",
        "start": -23,
        "months": 24,
        "total_surface": Decimal("800"),
        "summary": "Dernier mois d'occupation avant les travaux : déménagements en cours.",
        "description": "Bureaux occupés par des associations de quartier jusqu'aux travaux.",
        "transport_access": "Tram T1 et métro ligne 5.",
        "equipment": ["chauffage", "wifi", "sanitaires"],
        "published": True,
        "spaces": [
            ("Bureau A", "bureau", 0, "25", 4, False, True),
            ("Bureau B", "bureau", 0, "25", 4, False, True),
            ("Salle commune", "espace_commun", 0, "60", 25, True, True),
        ],
        "fundings": [],
        "total_project_cost": None,
    },
    {
        "slug": "filature-roubaix",
        "name": "La Filature du Canal",
        "owner": "fonciere-solidaire",
        "operator": "cooperative-interstices",
        "address": "112 quai du Canal",
        "postal_code": "59100",
        "commune": "Roubaix",
        "departement": "59",
        "latitude": Decimal("50.694200"),
        "longitude": Decimal("3.174600"),
        "former_use": "Filature textile",
        "future_use": "Bureaux et ateliers",
        "status": "ferme",
        "start": -40,
        "months": 24,
        "total_surface": Decimal("1500"),
        "summary": "Deux ans d'ateliers textiles et d'upcycling, aujourd'hui en travaux.",
        "description": "L'occupation temporaire est terminée ; le bâtiment est en travaux.",
        "transport_access": "Métro ligne 2.",
        "equipment": ["eau-courante", "monte-charge"],
        "published": True,
        "spaces": [
            ("Atelier textile", "atelier", 1, "200", 15, False, False),
            ("Atelier de couture", "atelier", 2, "120", 8, False, False),
            ("Salle de réunion", "salle_reunion", 0, "30", 10, True, False),
        ],
        "fundings": [],
        "total_project_cost": None,
    },
    {
        "slug": "immeuble-pasteur-nanterre",
        "name": "Immeuble Pasteur",
        "owner": "habitat-seine-ouest",
        "operator": "cooperative-interstices",
        "address": "40 boulevard Pasteur",
        "postal_code": "92000",
        "commune": "Nanterre",
        "departement": "92",
        "latitude": Decimal("48.892300"),
        "longitude": Decimal("2.206900"),
        "former_use": "Bureaux administratifs",
        "future_use": "Logements",
        "status": "reperage",
        "start": None,
        "months": None,
        "total_surface": Decimal("1800"),
        "summary": "Repérage en cours : non publié.",
        "description": "Un immeuble vacant en cours de repérage, pas encore visible du public.",
        "transport_access": "RER A.",
        "equipment": [],
        "published": False,
        "spaces": [("Plateau 1", "bureau", 1, "300", 30, False, False)],
        "fundings": [],
        "total_project_cost": None,
    },
]

# (e-mail local part, full name, is_staff, is_superuser)
ACCOUNTS = [
    ("admin", "Administratrice de la démo", True, True),
    ("equipe", "Équipe de la coopérative (démo)", True, False),
    ("responsable", "Responsable de site (démo)", True, False),
    ("structure", "Responsable de structure (démo)", False, False),
    ("candidat", "Candidate (démo)", False, False),
    ("metropole", "Service patrimoine de la métropole (démo)", False, False),
    ("universite", "Service immobilier de l'université (démo)", False, False),
    ("financeur", "Chargée de mission du GAL (démo)", False, False),
]

# The organisation whose staff each demo account joins: the operator's team manages its sites;
# the owners' and the funder's staff follow theirs, read-only (/proprietaire/).
STAFF_OF = {
    "equipe": "cooperative-interstices",
    "metropole": "metropole-lys-deule",
    "universite": "universite-rive-gauche",
    "financeur": "gal-monts-vallons",
}


def demo_email(key: str) -> str:
    return f"{key}@{DEMO_DOMAIN}"
