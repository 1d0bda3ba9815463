"""The demo's vacant-space inventory: one candidate building per scenario, fictional names,
fictional contacts (phone numbers in the range reserved for fiction, demo e-mail domain)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from demo.data import demo_email
from sites.inventory import services
from sites.inventory.models import Condition, Scenario, VacantBuilding

C = Condition

# Each row: owner, operator (or None), name, address, position, surface, floors, former use,
# scenarios, the availability window in months from the anchor (30-day months: demo.seed's
# add_months would make the modules import each other), water, heating, electricity and
# accessibility, safety notes, contact (name, key of the demo e-mail, phone).
BUILDINGS = [
    dict(
        owner="habitat-seine-ouest",
        operator="cooperative-interstices",
        name="Ancienne agence Grésillons",
        address="14 rue des Bas",
        postal_code="92600",
        commune="Asnières-sur-Seine",
        departement="92",
        latitude="48.918200",
        longitude="2.289400",
        surface="640",
        floors=3,
        former_use="Agence du bailleur",
        scenarios=[Scenario.SOCIAL_INNOVATION],
        window=(2, 26),
        state=(C.WORKING, C.PARTIAL, C.WORKING, C.PARTIAL),
        safety_notes="Alarme incendie à remettre en service ; extincteurs à vérifier.",
        contact=("Camille Prêteur", "contact-hso", "01 99 00 00 11"),
    ),
    dict(
        owner="metropole-lys-deule",
        operator="cooperative-interstices",
        name="Ancien centre de tri postal",
        address="5 rue du Tri",
        postal_code="59200",
        commune="Tourcoing",
        departement="59",
        latitude="50.721900",
        longitude="3.157300",
        surface="1200",
        floors=2,
        former_use="Centre de tri",
        scenarios=[Scenario.PUBLIC_SERVICE, Scenario.CULTURE],
        window=(-1, 30),
        state=(C.WORKING, C.ABSENT, C.PARTIAL, C.WORKING),
        safety_notes="Diagnostic amiante fait ; charpente saine.",
        contact=("Dominique Patrimoine", "contact-metropole", "03 99 00 00 22"),
    ),
    dict(
        owner="fonciere-solidaire",
        operator="cooperative-interstices",
        name="Halle aux tissus",
        address="22 quai de la Filature",
        postal_code="59100",
        commune="Roubaix",
        departement="59",
        latitude="50.690500",
        longitude="3.177800",
        surface="3100",
        floors=1,
        former_use="Entrepôt textile",
        scenarios=[Scenario.CULTURE],
        window=(4, 40),
        state=(C.PARTIAL, C.ABSENT, C.ABSENT, C.PARTIAL),
        safety_notes="Verrière fragile : zone interdite au public tant qu'elle n'est pas reprise.",
        contact=("Sacha Foncier", "contact-fonciere", "03 99 00 00 33"),
    ),
    dict(
        owner="universite-rive-gauche",
        operator="cooperative-interstices",
        name="Laboratoire de chimie Est",
        address="3 allée des Sciences",
        postal_code="75013",
        commune="Paris",
        departement="75",
        latitude="48.828400",
        longitude="2.381900",
        surface="950",
        floors=4,
        former_use="Laboratoires d'enseignement",
        scenarios=[Scenario.INCUBATION],
        window=(6, 24),
        state=(C.WORKING, C.WORKING, C.WORKING, C.WORKING),
        safety_notes="Paillasses et hottes déposées ; réseaux de gaz neutralisés.",
        contact=("Noé Campus", "contact-universite", "01 99 00 00 44"),
    ),
    dict(
        owner="metropole-lys-deule",
        operator=None,
        name="Maison du gardien du parc",
        address="1 avenue du Parc",
        postal_code="59000",
        commune="Lille",
        departement="59",
        latitude="50.638100",
        longitude="3.050200",
        surface="110",
        floors=2,
        former_use="Logement de fonction",
        scenarios=[Scenario.OTHER],
        window=(1, 13),
        state=(C.UNKNOWN, C.UNKNOWN, C.UNKNOWN, C.ABSENT),
        safety_notes="",
        contact=("Dominique Patrimoine", "contact-metropole", "03 99 00 00 22"),
    ),
]


def seed(ctx) -> None:
    by = ctx.users.get("equipe")
    for row in BUILDINGS:
        water, heating, electricity, accessibility = row["state"]
        contact_name, contact_key, phone = row["contact"]
        start, end = row["window"]
        fields = {
            "operator": ctx.organisations[row["operator"]] if row["operator"] else None,
            "address": row["address"],
            "postal_code": row["postal_code"],
            "commune": row["commune"],
            "departement": row["departement"],
            "latitude": Decimal(row["latitude"]),
            "longitude": Decimal(row["longitude"]),
            "surface": Decimal(row["surface"]),
            "floors": row["floors"],
            "former_use": row["former_use"],
            "water": water,
            "heating": heating,
            "electricity": electricity,
            "accessibility": accessibility,
            "safety_notes": row["safety_notes"],
            "available_from": ctx.anchor + timedelta(days=30 * start),
            "available_until": ctx.anchor + timedelta(days=30 * end),
            "contact_name": contact_name,
            "contact_email": demo_email(contact_key),
            "contact_phone": phone,
        }
        owner = ctx.organisations[row["owner"]]
        building = VacantBuilding.objects.filter(owner=owner, name=row["name"]).first()
        if building is None:
            building = VacantBuilding(owner=owner, name=row["name"])
            changed: list[str] = []
        else:
            changed = [name for name, value in fields.items() if getattr(building, name) != value]
        for name, value in fields.items():
            setattr(building, name, value)
        services.vacant_building_save(
            building=building, scenarios=row["scenarios"], changed=changed, by=by
        )
    ctx.log.append(f"{len(BUILDINGS)} bâtiments vacants à l'inventaire")
