"""Factories for the occupants app (structures, members, occupancies, invitations)."""

from datetime import date
from decimal import Decimal

import factory
from django.utils.text import slugify

from occupants.models import Occupancy, OccupancySpace, Sector, Structure, StructureMember
from tests.factories import SiteFactory, SpaceFactory, UserFactory


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Secteur {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Structure {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    legal_form = Structure.LegalForm.ASSOCIATION
    commune = "Asnières-sur-Seine"
    postal_code = "92600"
    people_count = 3
    contact_name = factory.Sequence(lambda n: f"Contact {n}")
    contact_email = factory.Sequence(lambda n: f"contact{n}@structure.example.org")
    contact_phone = "01 23 45 67 89"
    public_profile = True


class StructureMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StructureMember

    structure = factory.SubFactory(StructureFactory)
    user = factory.SubFactory(UserFactory)
    role = StructureMember.Role.MEMBER


class OccupancyFactory(factory.django.DjangoModelFactory):
    """An occupancy row without held spaces; use occupants.services.create_occupancy for those."""

    class Meta:
        model = Occupancy

    structure = factory.SubFactory(StructureFactory)
    site = factory.SubFactory(SiteFactory)
    start = date(2025, 10, 1)
    end = date(2027, 3, 31)
    fee_basis = Occupancy.FeeBasis.PER_SQM
    fee_amount = Decimal("8")
    status = Occupancy.Status.SIGNED


def hold(occupancy: Occupancy, space) -> OccupancySpace:
    """Attach a space with the occupancy's dates (no overlap check: for test setup only)."""
    return OccupancySpace.objects.create(
        occupancy=occupancy, space=space, start=occupancy.start, end=occupancy.end
    )


__all__ = [
    "OccupancyFactory",
    "SectorFactory",
    "SiteFactory",
    "SpaceFactory",
    "StructureFactory",
    "StructureMemberFactory",
    "UserFactory",
    "hold",
]
