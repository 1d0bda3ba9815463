from django.db import migrations

SECTORS = [
    ("arts-plastiques", "Arts plastiques"),
    ("textile", "Textile"),
    ("design", "Design"),
    ("joaillerie", "Joaillerie"),
    ("cosmetique", "Cosmétique"),
    ("upcycling", "Upcycling"),
    ("musique", "Musique"),
    ("artisanat", "Artisanat"),
    ("associatif", "Associatif"),
    ("action-sociale", "Action sociale"),
    ("transition-ecologique", "Transition écologique"),
    ("economie-circulaire", "Économie circulaire"),
    ("ess", "Économie sociale et solidaire"),
    ("service-public", "Service public"),
]


def add_sectors(apps, schema_editor):
    Sector = apps.get_model("occupants", "Sector")
    for slug, name in SECTORS:
        Sector.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("occupants", "0001_initial")]
    operations = [migrations.RunPython(add_sectors, migrations.RunPython.noop)]
