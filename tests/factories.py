"""factory_boy factories shared by every test module."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organisation, User
from sites.inventory.models import VacantBuilding
from sites.models import Funding, Site, SitePhoto, Space


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    password = factory.django.Password("motdepasse-de-test")
    # Verified, as every account made by an admin, an invitation or before verification existed;
    # pass email_verified_at=None for a fresh sign-up.
    email_verified_at = factory.LazyFunction(timezone.now)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.OPERATOR


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Lieu {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    owner = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.OWNER)
    operator = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.OPERATOR)
    address = "12 rue des Ateliers"
    postal_code = "92600"
    commune = "Asnières-sur-Seine"
    departement = "92"
    latitude = Decimal("48.914000")
    longitude = Decimal("2.285000")
    status = Site.Status.OPEN
    occupancy_start = date(2025, 10, 1)
    occupancy_end = date(2027, 3, 31)
    total_surface = Decimal("2400")
    published = True


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Espace {n}")
    kind = Space.Kind.OFFICE
    surface = Decimal("25")
    capacity = 4


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    site = factory.SubFactory(SiteFactory)
    funder = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.FUNDER)
    programme = "LEADER"
    amount = Decimal("9900")
    year = 2021


class SitePhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SitePhoto

    site = factory.SubFactory(SiteFactory)
    image = factory.django.ImageField(filename="photo.jpg", width=64, height=48, format="JPEG")
    alt_text = factory.Sequence(lambda n: f"Vue de l'atelier n° {n}")
    position = factory.Sequence(lambda n: n)


class VacantBuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VacantBuilding

    owner = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.OWNER)
    operator = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.OPERATOR)
    name = factory.Sequence(lambda n: f"Bâtiment vacant {n}")
    address = "3 rue du Dépôt"
    postal_code = "59200"
    commune = "Tourcoing"
    departement = "59"
    latitude = Decimal("50.723000")
    longitude = Decimal("3.161000")
    surface = Decimal("800")
    floors = 2
    former_use = "Bureaux"
    available_from = date(2026, 1, 1)
    available_until = date(2027, 12, 31)
