from django.db import migrations, models

# The English names of the sectors 0002_sectors created (by slug: a sector renamed since keeps
# its slug; one added by a manager is left for them to translate).
ENGLISH = {
    "arts-plastiques": "Visual arts",
    "textile": "Textiles",
    "design": "Design",
    "joaillerie": "Jewellery",
    "cosmetique": "Cosmetics",
    "upcycling": "Upcycling",
    "musique": "Music",
    "artisanat": "Crafts",
    "associatif": "Non-profit",
    "action-sociale": "Social work",
    "transition-ecologique": "Ecological transition",
    "economie-circulaire": "Circular economy",
    "ess": "Social and solidarity economy",
    "service-public": "Public service",
}


def add_english_names(apps, schema_editor):
    Sector = apps.get_model("occupants", "Sector")
    for sector in Sector.objects.filter(slug__in=ENGLISH, name_en=""):
        sector.name_en = ENGLISH[sector.slug]
        sector.save(update_fields=["name_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("occupants", "0009_public_structure_directory_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="sector",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Affiché sur les pages en anglais ; à défaut, le nom français.",
                max_length=100,
                verbose_name="nom en anglais",
            ),
        ),
        migrations.RunPython(add_english_names, migrations.RunPython.noop),
    ]
