"""manage.py purge_contacts: anonymise the contacts of structures that left long ago."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from occupants.models import Occupancy, Structure


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stale_structures(today: date, months: int):
    """Structures with contact data whose last (non-cancelled) occupancy ended before the cutoff."""
    cutoff = months_before(today, months)
    live = Occupancy.objects.exclude(status=Occupancy.Status.CANCELLED)
    return (
        Structure.objects.annotate(
            last_end=Max(
                "occupancies__end", filter=~Q(occupancies__status=Occupancy.Status.CANCELLED)
            )
        )
        .filter(last_end__lt=cutoff)
        .exclude(Exists(live.filter(structure=OuterRef("pk"), end__gte=cutoff)))
        .exclude(contact_name="", contact_email="", contact_phone="")
        .order_by("name")
    )


class Command(BaseCommand):
    help = (
        "Anonymise the contact (name, e-mail, phone) of structures whose last occupancy ended "
        "more than CONTACT_RETENTION_MONTHS months ago."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="override CONTACT_RETENTION_MONTHS for this run",
        )

    def handle(self, *args, dry_run: bool = False, months: int | None = None, **options):
        months = settings.CONTACT_RETENTION_MONTHS if months is None else months
        if months < 1:
            raise CommandError("--months must be at least 1.")
        today = timezone.localdate()
        structures = list(stale_structures(today, months))
        for structure in structures:
            self.stdout.write(
                f"{structure.name} (last occupancy ended {structure.last_end:%Y-%m-%d})"
            )
        if not dry_run and structures:
            Structure.objects.filter(pk__in=[s.pk for s in structures]).update(
                contact_name="", contact_email="", contact_phone=""
            )
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(
            f"{len(structures)} structure contact(s) {verb} "
            f"(last occupancy ended before {months_before(today, months):%Y-%m-%d})."
        )
