"""Fast builders for tests that need many rows: bulk_create skips save() (and thumbnails)."""

from datetime import date
from decimal import Decimal

from django.utils.text import slugify

from accounts.models import Organisation
from sites.models import Funding, Site, SitePhoto, Space
from tests.factories import OrganisationFactory


def bulk_sites(count: int, *, prefix: str = "Lieu en masse", **fields) -> list[Site]:
    owner = OrganisationFactory(kind=Organisation.Kind.OWNER)
    operator = OrganisationFactory(kind=Organisation.Kind.OPERATOR)
    defaults = {
        "owner": owner,
        "operator": operator,
        "address": "1 place de la Gare",
        "postal_code": "59200",
        "commune": "Tourcoing",
        "departement": "59",
        "latitude": Decimal("50.723000"),
        "longitude": Decimal("3.161000"),
        "status": Site.Status.OPEN,
        "occupancy_start": date(2025, 1, 1),
        "occupancy_end": date(2027, 1, 1),
        "total_surface": Decimal("1000"),
        "summary": "Un lieu parmi d'autres.",
        "published": True,
    }
    defaults.update(fields)
    sites = [
        Site(name=f"{prefix} {i:04d}", slug=slugify(f"{prefix}-{i:04d}"), **defaults)
        for i in range(count)
    ]
    return Site.objects.bulk_create(sites)


def spread_sites(
    count: int, *, west: float, south: float, east: float, north: float, prefix: str
) -> list[Site]:
    """`count` published sites on a regular grid inside the box."""
    sites = bulk_sites(count, prefix=prefix)
    side = max(1, int(count**0.5))
    for i, site in enumerate(sites):
        row, column = divmod(i, side)
        site.latitude = Decimal(f"{south + (north - south) * (row + 0.5) / (count / side + 1):.6f}")
        site.longitude = Decimal(f"{west + (east - west) * (column + 0.5) / side:.6f}")
    Site.objects.bulk_update(sites, ["latitude", "longitude"])
    return sites


def bulk_spaces(site: Site, count: int, **fields) -> list[Space]:
    defaults = {"kind": Space.Kind.OFFICE, "surface": Decimal("20.5"), "capacity": 3}
    defaults.update(fields)
    return Space.objects.bulk_create(
        Space(site=site, name=f"Espace {i:03d}", level=i % 3, **defaults) for i in range(count)
    )


def bulk_photos(site: Site, count: int) -> list[SitePhoto]:
    # File names only: the page builds URLs from names, no file is read.
    return SitePhoto.objects.bulk_create(
        SitePhoto(
            site=site,
            image=f"sites/photos/photo-{i}.jpg",
            thumbnail=f"sites/thumbs/photo-{i}-thumb.webp",
            alt_text=f"Photo {i} du lieu",
            position=i,
        )
        for i in range(count)
    )


def bulk_fundings(site: Site, count: int) -> list[Funding]:
    batch = Organisation.objects.count()  # keeps slugs unique across calls
    funders = Organisation.objects.bulk_create(
        Organisation(name=f"Financeur {batch}-{i}", slug=f"financeur-{batch}-{i}", kind="funder")
        for i in range(count)
    )
    return Funding.objects.bulk_create(
        Funding(site=site, funder=funder, programme="LEADER", amount=Decimal("1000"), year=2024)
        for funder in funders
    )
