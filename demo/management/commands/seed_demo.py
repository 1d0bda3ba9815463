from django.core.management.base import BaseCommand
from django.utils import timezone

from demo import seed
from sites.models import Site


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration (lieux, espaces, structures, comptes). "
        "Idempotent : relancer la commande met à jour les mêmes lignes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne fait rien si la base contient déjà des lieux.",
        )
        parser.add_argument(
            "--no-photos", action="store_true", help="Ne génère pas les photos des lieux."
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Site.objects.exists():
            self.stdout.write("La base contient déjà des lieux : démo non chargée.")
            return
        ctx = seed.run(today=timezone.localdate(), photos=not options["no_photos"])
        for line in ctx.log:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Démo chargée : {len(ctx.sites)} lieux, {len(ctx.users)} comptes "
                f"(mot de passe commun : {seed.data.DEMO_PASSWORD})."
            )
        )
