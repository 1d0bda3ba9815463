"""manage.py erase_person EMAIL: anonymise one person everywhere and say what changed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from occupants.erasure import person_erase


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Anonymise a person everywhere: account, structure contacts, invitations, applications "
        "(contacts, texts and documents), booking purposes, event registrations, admin history "
        "and login-throttling records. Prints what it changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the person's e-mail address (any case)")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change, change nothing"
        )

    def handle(self, *args, email: str, dry_run: bool = False, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an e-mail address.") from None
        try:
            with transaction.atomic():
                changes = person_erase(email=email)
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write("Dry run: nothing was changed.")
        if not changes:
            self.stdout.write(f"No personal data found for {email}.")
            return
        for line in changes:
            self.stdout.write(("would: " if dry_run else "") + line)
