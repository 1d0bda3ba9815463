"""Builders for the public occupant pages' tests (structures, occupancies, many rows fast).

Kept in a test_public* module so that it stays with the tests it serves; it holds no test.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from occupants.models import (
    Occupancy,
    OccupancySpace,
    Sector,
    Structure,
    departement_from_postal_code,
)
from sites.models import Site, Space

PRIVATE_CONTACT = {
    "contact_name": "Camille Secrète",
    "contact_email": "camille.secrete@example.org",
    "contact_phone": "0611223344",
}


def sector(slug: str) -> Sector:
    """A seeded sector (recreated when a transactional test has flushed the seed)."""
    name = slug.replace("-", " ").capitalize()
    return Sector.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def make_structure(name: str, *, sectors: tuple[str, ...] = (), public: bool = True, **fields):
    values = {
        "slug": slugify(name),
        "legal_form": Structure.LegalForm.ASSOCIATION,
        "commune": "Asnières-sur-Seine",
        "postal_code": "92600",
        "people_count": 2,
        "public_profile": public,
        **PRIVATE_CONTACT,
    }
    values.update(fields)
    structure = Structure.objects.create(name=name, **values)
    structure.sectors.set([sector(slug) for slug in sectors])
    return structure


def current_dates() -> tuple:
    today = timezone.localdate()
    return today - timedelta(days=60), today + timedelta(days=300)


def occupy(
    structure: Structure,
    site: Site,
    spaces: tuple[Space, ...] = (),
    *,
    start=None,
    end=None,
    status: str = Occupancy.Status.SIGNED,
) -> Occupancy:
    default_start, default_end = current_dates()
    start, end = start or default_start, end or default_end
    occupancy = Occupancy.objects.create(
        structure=structure, site=site, start=start, end=end, status=status
    )
    OccupancySpace.objects.bulk_create(
        OccupancySpace(
            occupancy=occupancy,
            space=space,
            start=start,
            end=end,
            exclusive=space.kind != Space.Kind.COWORKING,
            active=status != Occupancy.Status.CANCELLED,
        )
        for space in spaces
    )
    return occupancy


def bulk_occupants(
    site: Site, count: int, *, sector_slugs: tuple[str, ...] = ("textile", "design")
) -> list[Structure]:
    """`count` public structures occupying one new office each on `site` (bulk inserts)."""
    batch = Structure.objects.count()
    postal_code = "92600"
    structures = Structure.objects.bulk_create(
        Structure(
            name=f"Structure {batch + i:05d}",
            slug=f"structure-{batch + i:05d}",
            legal_form=Structure.LegalForm.ASSOCIATION,
            commune="Asnières-sur-Seine" if i % 2 else "Paris",
            postal_code=postal_code if i % 2 else "75012",
            departement=departement_from_postal_code(postal_code if i % 2 else "75012"),
            people_count=3,
            public_profile=bool(i % 3),
            **PRIVATE_CONTACT,
        )
        for i in range(count)
    )
    sectors = [sector(slug) for slug in sector_slugs]
    Structure.sectors.through.objects.bulk_create(
        Structure.sectors.through(structure_id=s.pk, sector_id=sectors[i % len(sectors)].pk)
        for i, s in enumerate(structures)
    )
    spaces = Space.objects.bulk_create(
        Space(
            site=site,
            name=f"Bureau {batch + i:05d}",
            kind=Space.Kind.OFFICE,
            surface=Decimal("12"),
            capacity=2,
        )
        for i in range(count)
    )
    start, end = current_dates()
    occupancies = Occupancy.objects.bulk_create(
        Occupancy(structure=s, site=site, start=start, end=end, status=Occupancy.Status.SIGNED)
        for s in structures
    )
    OccupancySpace.objects.bulk_create(
        OccupancySpace(occupancy=o, space=space, start=start, end=end)
        for o, space in zip(occupancies, spaces, strict=True)
    )
    return structures
