"""Reactions of events to what happens in the apps below it (connected in EventsConfig)."""

from django.dispatch import receiver
from django.utils import timezone

from events.models import Booking, BookingSeries, FeedToken, Registration
from occupants.signals import members_left, person_erased


@receiver(members_left, dispatch_uid="events-rotate-structure-feeds")
def rotate_structure_feeds(sender, structure_ids, **kwargs) -> None:
    """Every member knows the secret address of their structure's private calendar feed: it is
    replaced, so that the person who left can no longer read the structure's bookings."""
    FeedToken.objects.rotate_structures(structure_ids)


@receiver(person_erased, dispatch_uid="events-erase-booking-texts")
def erase_booking_texts(sender, user, erase, **kwargs) -> list[str]:
    """The person's name in what they wrote when booking a room; the booking stays."""
    if user is None:
        return []
    changed = 0
    for model in (Booking, BookingSeries):
        for row in model.objects.filter(booked_by=user).exclude(purpose=""):
            purpose = erase(row.purpose)
            if purpose != row.purpose:
                model.objects.filter(pk=row.pk).update(purpose=purpose)
                changed += 1
    return [f"booking purposes anonymised: {changed}"] if changed else []


@receiver(person_erased, dispatch_uid="events-erase-registrations")
def erase_registrations(sender, email, user=None, **kwargs) -> list[str]:
    """The person's registrations to events, found by their e-mail address (with or without an
    account): name and address erased; places, public and status stay for the counts."""
    registrations = Registration.objects.filter(email__iexact=email)
    count = registrations.update(name="", email="", anonymised_at=timezone.now())
    return [f"event registrations anonymised: {count}"] if count else []
