from django.db import migrations

DOCUMENT_TYPES = [
    ("statuts", "Statuts", "Les statuts à jour de la structure."),
    ("kbis", "Extrait Kbis ou avis de situation SIRENE", "Daté de moins de trois mois."),
    ("assurance", "Attestation d'assurance", "Responsabilité civile et occupation des locaux."),
    ("identite", "Pièce d'identité du ou de la responsable", ""),
    ("presentation", "Présentation du projet", "Dossier, portfolio ou plaquette."),
    ("budget", "Budget prévisionnel", ""),
    ("rib", "RIB", ""),
]


def add_document_types(apps, schema_editor):
    DocumentType = apps.get_model("occupants", "DocumentType")
    for position, (slug, name, help_text) in enumerate(DOCUMENT_TYPES):
        DocumentType.objects.get_or_create(
            slug=slug, defaults={"name": name, "help_text": help_text, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("occupants", "0004_calls")]
    operations = [migrations.RunPython(add_document_types, migrations.RunPython.noop)]
