"""Factories for bookings and the occupants they need (shared by every tests/events module)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from django.utils.text import slugify

from events.models import Booking, Event, EventTiming
from occupants.models import Occupancy, Structure, StructureMember
from sites.models import Space
from tests.factories import SiteFactory, SpaceFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")


def local_slot(days_ahead: int, hour: int, minute: int = 0, minutes: int = 60):
    """(start, end) aware, `days_ahead` days from today at hour:minute Paris time."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    start = datetime.combine(day, time(hour, minute), tzinfo=PARIS)
    return start, start + timedelta(minutes=minutes)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Structure {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    legal_form = Structure.LegalForm.ASSOCIATION


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StructureMember

    structure = factory.SubFactory(StructureFactory)
    user = factory.SubFactory(UserFactory)


class OccupancyFactory(factory.django.DjangoModelFactory):
    """A signed occupancy running from a month ago to two years ahead."""

    class Meta:
        model = Occupancy

    structure = factory.SubFactory(StructureFactory)
    site = factory.SubFactory(SiteFactory)
    start = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    end = factory.LazyFunction(lambda: date.today() + timedelta(days=730))
    status = Occupancy.Status.SIGNED


class RoomFactory(SpaceFactory):
    """A shared meeting room that occupants book by the hour."""

    name = factory.Sequence(lambda n: f"Salle {n}")
    kind = Space.Kind.MEETING_ROOM
    capacity = 12
    is_bookable = True


class BookingFactory(factory.django.DjangoModelFactory):
    """A row written directly (no rules checked): for fixtures and DB-level tests."""

    class Meta:
        model = Booking

    space = factory.SubFactory(RoomFactory)
    site = factory.SelfAttribute("space.site")
    structure = factory.SubFactory(StructureFactory)
    booked_by = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(lambda: local_slot(1, 10)[0])
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=1))
    blocked_until = factory.LazyAttribute(lambda o: o.end)
    purpose = "Réunion d'équipe"
    people = 4
    status = Booking.Status.CONFIRMED


class EventFactory(factory.django.DjangoModelFactory):
    """A published public event organised by the site's team, written directly (no service):
    give it dates with EventTimingFactory."""

    class Meta:
        model = Event

    site = factory.SubFactory(SiteFactory)
    organiser_kind = Event.OrganiserKind.SITE
    title = factory.Sequence(lambda n: f"Atelier {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Un atelier ouvert à tous."
    kind = Event.Kind.WORKSHOP
    moderation = Event.Moderation.PUBLISHED
    visibility = Event.Visibility.PUBLIC


class EventTimingFactory(factory.django.DjangoModelFactory):
    """A date of an event, outdoors by default (no room, so no booking); in `days_ahead` days
    at 14:00 Paris time for two hours."""

    class Meta:
        model = EventTiming

    class Params:
        days_ahead = 3

    event = factory.SubFactory(EventFactory)
    start = factory.LazyAttribute(lambda o: local_slot(o.days_ahead, 14)[0])
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=2))
    place = "Dans la cour"
