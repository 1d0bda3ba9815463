from django.core.management.base import BaseCommand
from django.urls import reverse

from accounts.models import User
from demo import data

ROLES = {
    "admin": "administratrice de la plateforme (tous les lieux)",
    "equipe": "équipe du gestionnaire (tous les lieux de la coopérative)",
    "responsable": "responsable du lieu La Boussole",
    "structure": "responsable de la structure Atelier Fil de Soie (La Boussole)",
    "candidat": "candidate à l'appel des Anciennes Messageries",
    "metropole": "propriétaire : la métropole, dont L'Ancien Poste de Régulation (lecture seule)",
    "universite": "propriétaire : l'université et son ancien bâtiment (lecture seule)",
    "financeur": "financeur : le GAL Monts et Vallons et les lieux qu'il finance (lecture seule)",
}


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration (adresse, e-mail, mot de passe, rôle)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Adresse du serveur (par défaut http://127.0.0.1:8000).",
        )

    def handle(self, *args, **options) -> None:
        base = options["base_url"].rstrip("/")
        emails = {data.demo_email(key): key for key, *_rest in data.ACCOUNTS}
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        if not existing:
            self.stdout.write("Aucun compte de démonstration : lancez « manage.py seed_demo ».")
            return
        login, admin = base + reverse("accounts:login"), base + reverse("admin:index")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Interstices est servi sur {base}/"))
        self.stdout.write(f"Connexion : {login}   Administration : {admin}")
        self.stdout.write(f"Mot de passe des comptes de démonstration : {data.DEMO_PASSWORD}")
        width = max(len(email) for email in existing)
        for email, key in emails.items():
            if email in existing:
                self.stdout.write(f"  {email.ljust(width)}  {ROLES[key]}")
        self.stdout.write("")
