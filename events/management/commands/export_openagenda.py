"""Write a site's public events in OpenAgenda's event format (events.agenda.openagenda):
`manage.py export_openagenda <site-slug> [--output file.json]` (standard output by default)."""

import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from events.agenda.openagenda import site_export
from sites.models import Site


class Command(BaseCommand):
    help = "Exporte les événements publics d'un lieu au format d'OpenAgenda (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("site", help="L'identifiant du lieu dans son adresse (slug).")
        parser.add_argument("--output", "-o", help="Le fichier à écrire (sinon la sortie).")

    def handle(self, *args, site, output=None, **options):
        place = Site.objects.published().filter(slug=site).first()
        if place is None:
            raise CommandError(f"Aucun lieu publié n'a l'identifiant « {site} ».")
        export = site_export(place)
        text = json.dumps(export, ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"{output} : {export['total']} événement(s)")
        else:
            self.stdout.write(text)
