import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo import bulk


class Command(BaseCommand):
    help = (
        "Génère un jeu de données volumineux et déterministe pour le banc d'essai "
        "(lieux, espaces, structures, conventions, réservations, événements)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sites", type=int, default=1000, help="Nombre de lieux (1000).")
        parser.add_argument(
            "--structures", type=int, default=0, help="Nombre de structures occupantes (0)."
        )
        parser.add_argument("--bookings", type=int, default=0, help="Nombre de réservations (0).")
        parser.add_argument(
            "--events", type=int, default=0, help="Nombre d'événements de l'agenda (0)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Graine aléatoire (2026).")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Supprime d'abord les données générées par une exécution précédente.",
        )

    def handle(self, *args, **options) -> None:
        for name in ("sites", "structures", "bookings", "events", "batch_size"):
            if options[name] < 0 or (name in ("sites", "batch_size") and options[name] < 1):
                raise CommandError(f"--{name.replace('_', '-')} : valeur invalide.")
        began = time.monotonic()
        if bulk.bulk_exists():
            if not options["reset"]:
                raise CommandError(
                    "Des données générées existent déjà : relancez avec --reset pour les remplacer."
                )
            bulk.delete_bulk()
            self.stdout.write(f"Anciennes données supprimées ({time.monotonic() - began:.1f} s).")
        result = bulk.generate(
            sites=options["sites"],
            structures=options["structures"],
            bookings=options["bookings"],
            events=options["events"],
            seed=options["seed"],
            today=timezone.localdate(),
            batch=options["batch_size"],
            log=lambda message: self.stdout.write(
                f"  {message} ({time.monotonic() - began:.1f} s)"
            ),
        )
        summary = ", ".join(f"{name} : {count}" for name, count in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Données générées en {time.monotonic() - began:.1f} s — {summary}.")
        )
