"""manage.py path_digest: the daily e-mail of the project path's late and coming steps (cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from sites.path.digest import send_digests


class Command(BaseCommand):
    help = "Envoie à chaque responsable ses étapes de parcours en retard ou à faire sous 7 jours."

    def handle(self, *args, **options):
        sent = send_digests(timezone.localdate())
        self.stdout.write(f"{sent} digest(s) sent.")
