"""manage.py purge_registrations: erase the names and e-mails of past events' registrations."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from events.models import Event, Registration


def stale_registrations(now, days: int):
    """Registrations still naming someone, of events whose last timing ended more than `days`
    days before `now`."""
    cutoff = now - timedelta(days=days)
    past = (
        Event.objects.annotate(last_end=Max("timings__end"))
        .filter(last_end__lt=cutoff)
        .values("pk")
    )
    named = Registration.objects.exclude(name="", email="")
    return named.filter(Exists(past.filter(pk=OuterRef("event_id"))))


class Command(BaseCommand):
    help = (
        "Erase the name and e-mail of the registrations to events that ended more than "
        "REGISTRATION_RETENTION_DAYS days ago; the places, publics and statuses stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument(
            "--days", type=int, default=None, help="override REGISTRATION_RETENTION_DAYS"
        )

    def handle(self, *args, dry_run: bool = False, days: int | None = None, **options):
        days = settings.REGISTRATION_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        now = timezone.now()
        registrations = stale_registrations(now, days)
        if dry_run:
            count = registrations.count()
        else:
            count = registrations.update(name="", email="", anonymised_at=now)
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(
            f"{count} registration(s) {verb} (events ended before "
            f"{timezone.localtime(now - timedelta(days=days)):%Y-%m-%d})."
        )
