"""manage.py purge_unverified_accounts: delete the accounts whose address was never verified."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User


def unverified_accounts(now, days: int):
    """Accounts without rights whose address was never verified, joined more than `days` days
    before `now`."""
    return User.objects.filter(
        email_verified_at__isnull=True,
        date_joined__lt=now - timedelta(days=days),
        is_staff=False,
        is_superuser=False,
    )


def holdings(user_ids: list[int]) -> dict[int, list[str]]:
    """What rows of any app point to each of these accounts, by account: a structure membership,
    an application, a booking, an event, a site it manages… Every relation to User is read from
    the models, so one added later keeps its accounts as well. Not counted, as they go with the
    account: its permissions and groups, and the rows of a model that declares itself the
    account's own (`deleted_with_account = True`: a calendar feed's address, a digest's record)."""
    held: dict[int, list[str]] = {}
    if not user_ids:
        return held
    for relation in User._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        field = relation.field
        if relation.on_delete is models.CASCADE and getattr(
            relation.related_model, "deleted_with_account", False
        ):
            continue
        if relation.many_to_many:
            rows = relation.through._base_manager
            column = field.m2m_reverse_field_name()
        else:
            rows = relation.related_model._base_manager
            column = field.name
        owners = (
            rows.filter(**{f"{column}__in": user_ids})
            .values_list(f"{column}_id", flat=True)
            .distinct()
        )
        what = f"{relation.related_model._meta.verbose_name_plural} ({field.verbose_name})"
        for owner in owners:
            held.setdefault(owner, []).append(what)
    return held


class Command(BaseCommand):
    help = (
        "Delete the accounts whose e-mail address was never verified, created more than "
        "UNVERIFIED_ACCOUNT_DAYS days ago, without staff rights; an account that other rows "
        "point to (membership, application, booking, event…) is kept, and the reason printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument(
            "--days", type=int, default=None, help="override UNVERIFIED_ACCOUNT_DAYS"
        )

    def handle(self, *args, dry_run: bool = False, days: int | None = None, **options):
        days = settings.UNVERIFIED_ACCOUNT_DAYS if days is None else days
        if days < 1:
            raise CommandError(_("--days doit valoir au moins 1."))
        now = timezone.now()
        with transaction.atomic():
            # Locked: a row that would point to one of them (a membership, a booking) waits for
            # the deletion, or the deletion for it, and then sees it.
            user_ids = list(
                unverified_accounts(now, days)
                .select_for_update()
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            held = holdings(user_ids)
            doomed = [pk for pk in user_ids if pk not in held]
            if doomed and not dry_run:
                User.objects.filter(pk__in=doomed).delete()
        for pk, reasons in sorted(held.items()):
            self.stdout.write(
                _("Compte n° %(pk)s gardé, des données y renvoient : %(reasons)s.")
                % {"pk": pk, "reasons": ", ".join(reasons)}
            )
        cutoff = timezone.localtime(now - timedelta(days=days))
        if dry_run:
            deleted = ngettext(
                "%(count)d compte non vérifié serait supprimé",
                "%(count)d comptes non vérifiés seraient supprimés",
                len(doomed),
            )
        else:
            deleted = ngettext(
                "%(count)d compte non vérifié supprimé",
                "%(count)d comptes non vérifiés supprimés",
                len(doomed),
            )
        kept = ngettext("%(count)d gardé", "%(count)d gardés", len(held))
        self.stdout.write(
            _("%(deleted)s, %(kept)s (inscrits avant le %(cutoff)s).")
            % {
                "deleted": deleted % {"count": len(doomed)},
                "kept": kept % {"count": len(held)},
                "cutoff": f"{cutoff:%Y-%m-%d}",
            }
        )
