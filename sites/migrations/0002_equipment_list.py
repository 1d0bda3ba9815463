from django.db import migrations

EQUIPMENT = [
    ("eau-courante", "Eau courante"),
    ("chauffage", "Chauffage"),
    ("accessibilite-pmr", "Accessibilité PMR"),
    ("wifi", "Wifi"),
    ("fibre", "Fibre optique"),
    ("cuisine", "Cuisine partagée"),
    ("sanitaires", "Sanitaires"),
    ("douches", "Douches"),
    ("monte-charge", "Monte-charge"),
    ("parking-velo", "Stationnement vélo"),
    ("parking", "Parking"),
    ("quai-livraison", "Quai de livraison"),
    ("videoprojecteur", "Vidéoprojecteur"),
    ("sono", "Sonorisation"),
    ("espace-exterieur", "Espace extérieur"),
]


def add_equipment(apps, schema_editor):
    Equipment = apps.get_model("sites", "Equipment")
    for slug, name in EQUIPMENT:
        Equipment.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial")]
    operations = [migrations.RunPython(add_equipment, migrations.RunPython.noop)]
