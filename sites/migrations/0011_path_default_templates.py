"""The two path templates every operator may start from: the default one, and one for a public
service occupying its own building (the Tourcoing traffic-control room). Shared (no operator);
an operator copies and adapts them in the admin."""

from django.db import migrations

PREPARATION, OPEN, CLOSING, CLOSED = "preparation", "ouvert", "fermeture", "ferme"

DEFAULT = [
    ("Identification", [
        ("Repérer le bâtiment et son propriétaire", PREPARATION),
        ("Recueillir les plans et l'historique du bâtiment", ""),
    ]),
    ("Visite", [
        ("Visiter le bâtiment avec le propriétaire", ""),
        ("Rédiger le compte rendu de visite", ""),
    ]),
    ("Diagnostics", [
        ("Diagnostic de sécurité : catégorie ERP et effectif admissible", OPEN),
        ("Diagnostic d'accessibilité", OPEN),
        ("Vérifier l'eau, l'électricité et le chauffage", ""),
    ]),
    ("Convention", [
        ("Négocier la redevance et les charges", ""),
        ("Signer la convention d'occupation temporaire", OPEN),
        ("Souscrire l'assurance", OPEN),
    ]),
    ("Clés et aménagement", [
        ("Recevoir les clés et faire l'état des lieux d'entrée", OPEN),
        ("Aménager les espaces", ""),
    ]),
    ("Appel à candidatures", [
        ("Publier l'appel à candidatures", ""),
        ("Choisir les occupants", ""),
    ]),
    ("Ouverture", [
        ("Organiser l'ouverture au public", ""),
    ]),
    ("Évaluation", [
        ("Publier le rapport d'impact", CLOSED),
    ]),
    ("Fermeture", [
        ("Prévenir les occupants de la fin de l'occupation", CLOSING),
        ("Faire l'état des lieux de sortie et l'inventaire", CLOSED),
        ("Rendre les clés au propriétaire", CLOSED),
    ]),
]

PUBLIC_SERVICE = [
    ("Identification", [
        ("Repérer le bâtiment vacant dans le patrimoine de la collectivité", PREPARATION),
        ("Trouver le service intéressé et son projet", ""),
    ]),
    ("Visite", [
        ("Visiter avec le service et la direction du patrimoine", ""),
    ]),
    ("Diagnostics", [
        ("Diagnostic de sécurité : catégorie ERP et effectif admissible", OPEN),
        ("Diagnostic d'accessibilité", OPEN),
        ("Vérifier l'eau, l'électricité et le chauffage", ""),
    ]),
    ("Convention", [
        ("Signer la convention de mise à disposition entre directions", OPEN),
        ("Confirmer la couverture par l'assurance de la collectivité", OPEN),
        ("Fixer la participation aux charges", ""),
    ]),
    ("Clés et aménagement", [
        ("Remettre les clés et faire l'état des lieux d'entrée", OPEN),
        ("Aménager et équiper les bureaux", ""),
    ]),
    ("Appel à partenaires", [
        ("Ouvrir les espaces restants aux associations du quartier", ""),
    ]),
    ("Prototype", [
        ("Lancer le prototype de service (tête de pont)", ""),
        ("Accueillir le public", ""),
    ]),
    ("Évaluation", [
        ("Évaluer le prototype et publier le rapport d'impact", CLOSED),
    ]),
    ("Fermeture", [
        ("Décider de la suite : pérenniser ou fermer", CLOSING),
        ("Faire l'état des lieux de sortie et rendre les clés", CLOSED),
    ]),
]

TEMPLATES = [
    (
        "Parcours par défaut",
        "defaut",
        "Du repérage à la fermeture d'une occupation temporaire confiée à un gestionnaire.",
        DEFAULT,
    ),
    (
        "Service public dans son propre bâtiment",
        "service_public",
        "Une collectivité ouvre un de ses bâtiments vacants à un de ses services (tête de pont).",
        PUBLIC_SERVICE,
    ),
]


def add_templates(apps, schema_editor):
    PathTemplate = apps.get_model("sites", "PathTemplate")
    TemplateStage = apps.get_model("sites", "TemplateStage")
    TemplateStep = apps.get_model("sites", "TemplateStep")
    for name, kind, description, stages in TEMPLATES:
        template, created = PathTemplate.objects.get_or_create(
            operator=None, name=name, defaults={"kind": kind, "description": description}
        )
        if not created:
            continue
        for position, (title, steps) in enumerate(stages, start=1):
            stage = TemplateStage.objects.create(template=template, title=title, position=position)
            TemplateStep.objects.bulk_create(
                TemplateStep(stage=stage, title=step, required_for=status, position=n)
                for n, (step, status) in enumerate(steps, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("sites", "0010_path_reception_and_path")]

    operations = [migrations.RunPython(add_templates, migrations.RunPython.noop)]
