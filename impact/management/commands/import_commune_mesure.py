"""Read a place record in Commune Mesure's JSON format (impact.commune_mesure) into a site,
a report, its declared figures and its observations:
`manage.py import_commune_mesure FILE [--site SLUG] [--debut AAAA-MM-JJ --fin AAAA-MM-JJ]`.

All or nothing; a second run changes nothing. Every field of the record that found no place is
listed at the end, never dropped silently."""

from datetime import date
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from impact.commune_mesure import RecordError, load_record, place_import


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Date illisible : « {value} » (attendu AAAA-MM-JJ).") from None


class Command(BaseCommand):
    help = "Importe une fiche de lieu de Commune Mesure (JSON) : lieu, rapport, chiffres, effets."

    def add_arguments(self, parser):
        parser.add_argument("file", help="La fiche JSON du lieu.")
        parser.add_argument("--site", default="", help="L'identifiant (slug) du lieu à remplir.")
        parser.add_argument(
            "--debut", default="", help="Début de la période, si la fiche ne le dit pas."
        )
        parser.add_argument(
            "--fin", default="", help="Fin de la période, si la fiche ne le dit pas."
        )

    def handle(self, *args, file, site="", debut="", fin="", **options):
        path = Path(file)
        try:
            text = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Fichier illisible : {file} ({error.strerror}).") from None
        try:
            record = load_record(text)
            result = place_import(
                record=record,
                site_slug=site,
                start=_day(debut) if debut else None,
                end=_day(fin) if fin else None,
            )
        except RecordError as error:
            raise CommandError(f"{error} Rien n'a été enregistré.") from None

        self.stdout.write(f"Lieu : {result.site.name} ({result.site.slug})")
        self.stdout.write(
            f"Rapport : {result.report.title} "
            f"({result.report.period_start} → {result.report.period_end})"
        )
        for line in result.created:
            self.stdout.write(f"  créé : {line}")
        for line in result.updated:
            self.stdout.write(f"  modifié : {line}")
        if not result.changed:
            self.stdout.write("Aucun changement : tout était déjà là.")
        for line in result.notes:
            self.stdout.write(f"  note : {line}")
        if result.unplaced:
            self.stdout.write(f"Champs non placés ({len(result.unplaced)}) :")
            for line in result.unplaced:
                self.stdout.write(f"  - {line}")
        else:
            self.stdout.write("Tous les champs de la fiche ont été placés.")
