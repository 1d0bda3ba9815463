"""The event and its dates hold their own rules: the database refuses what the forms would."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Event, EventTiming, Public
from tests.events.factories import local_slot

pytestmark = pytest.mark.django_db


def make_event(site, structure=None, **fields) -> Event:
    values = {
        "site": site,
        "organiser_kind": Event.OrganiserKind.STRUCTURE if structure else Event.OrganiserKind.SITE,
        "structure": structure,
        "title": "Atelier couture",
        "slug": fields.pop("slug", f"atelier-{Event.objects.count() + 1}"),
    }
    values.update(fields)
    return Event.objects.create(**values)


def refused_by_database(**fields) -> bool:
    try:
        with transaction.atomic():
            Event.objects.filter(pk=fields.pop("pk")).update(**fields)
    except IntegrityError:
        return True
    return False


def test_a_paid_event_needs_an_amount_and_a_free_one_has_none(booking_world):
    event = make_event(booking_world.site_a, booking_world.bleu)
    assert refused_by_database(pk=event.pk, price_kind=Event.Price.PAID, price_amount=None)
    assert refused_by_database(pk=event.pk, price_kind=Event.Price.FREE, price_amount=5)
    assert not refused_by_database(
        pk=event.pk, price_kind=Event.Price.PAID, price_amount=Decimal("8.50")
    )
    event.refresh_from_db()
    event.price_kind, event.price_amount = Event.Price.PAID, None
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "price_amount" in error.value.message_dict


def test_the_age_range_must_be_in_order(booking_world):
    event = make_event(booking_world.site_a, booking_world.bleu)
    assert refused_by_database(pk=event.pk, age_min=12, age_max=6)
    assert not refused_by_database(pk=event.pk, age_min=6, age_max=12)
    event.age_min, event.age_max = 10, 3
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "age_max" in error.value.message_dict


def test_an_online_event_needs_its_link_and_an_outside_registration_its_contact(booking_world):
    event = make_event(booking_world.site_a, booking_world.bleu)
    assert refused_by_database(pk=event.pk, attendance_mode=Event.AttendanceMode.MIXED)
    assert refused_by_database(pk=event.pk, registration=Event.Registration.EMAIL)
    event.registration = Event.Registration.EMAIL
    event.registration_contact = "pas un e-mail"
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "registration_contact" in error.value.message_dict
    event.registration_contact = "contact@example.org"
    event.full_clean()


def test_an_event_names_its_organiser_consistently(booking_world):
    event = make_event(booking_world.site_a, booking_world.bleu)
    assert refused_by_database(pk=event.pk, structure=None)
    assert refused_by_database(
        pk=event.pk, organiser_kind=Event.OrganiserKind.OUTSIDE, structure=None
    )
    assert not refused_by_database(
        pk=event.pk,
        organiser_kind=Event.OrganiserKind.OUTSIDE,
        structure=None,
        organiser_name="Ville voisine",
    )


def test_publics_are_taken_from_the_platform_list(booking_world):
    event = make_event(booking_world.site_a, booking_world.bleu)
    event.publics = [Public.CHILDREN, Public.FAMILIES]
    event.full_clean()
    event.publics = ["enfants", "martiens"]
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "publics" in error.value.message_dict


def test_each_kind_has_a_schema_org_type(booking_world):
    assert set(Event.SCHEMA_TYPES) == set(Event.Kind)
    event = make_event(booking_world.site_a, booking_world.bleu, kind=Event.Kind.CONCERT)
    assert event.schema_type == "MusicEvent"
    event.kind = Event.Kind.MARKET
    assert event.schema_type == "SaleEvent"


def test_a_timing_ends_after_it_starts_and_lasts_a_day_at_most(booking_world):
    event = make_event(booking_world.site_a, booking_world.bleu)
    start, _end = local_slot(3, 10)
    for end in (start, start - timedelta(hours=1), start + timedelta(hours=24, minutes=1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            EventTiming.objects.create(event=event, start=start, end=end)
    EventTiming.objects.create(event=event, start=start, end=start + timedelta(hours=24))
    timing = EventTiming(event=event, start=start, end=start + timedelta(hours=25))
    with pytest.raises(ValidationError):
        timing.full_clean()


def test_on_postgresql_the_database_refuses_overlapping_timings_of_one_event(
    booking_world, is_postgres
):
    """SQLite has no exclusion constraint: there the service's check is the guard
    (test_agenda_services)."""
    event = make_event(booking_world.site_a, booking_world.bleu)
    start, end = local_slot(3, 10, minutes=120)
    EventTiming.objects.create(event=event, start=start, end=end)
    if is_postgres:
        with pytest.raises(IntegrityError), transaction.atomic():
            EventTiming.objects.create(
                event=event, start=start + timedelta(hours=1), end=end + timedelta(hours=1)
            )
    other = make_event(booking_world.site_a, booking_world.bleu)
    EventTiming.objects.create(event=other, start=start, end=end)
