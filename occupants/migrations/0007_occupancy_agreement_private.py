"""Signed occupancy agreements leave the public MEDIA_ROOT for the private storage.

They were stored as occupancies/<name given by the uploader>.pdf, which the web server publishes:
anyone guessing a name could read a contract. Each file is copied into the private storage under a
random name, the row is pointed at it, and the public copy is deleted once the migration has
committed (a rolled-back migration still finds its public files).
"""

from pathlib import PurePath

import django.core.validators
from django.core.files.storage import storages
from django.db import migrations, models, transaction

import occupants.models
import occupants.validators


def _move(apps, *, source, target, new_name) -> None:
    Occupancy = apps.get_model("occupants", "Occupancy")
    moved = []
    for pk, name in Occupancy.objects.exclude(agreement="").values_list("pk", "agreement"):
        if not source.exists(name):
            continue  # already moved, or a file lost before this migration: nothing to copy
        with source.open(name, "rb") as handle:
            saved = target.save(new_name(name), handle)
        Occupancy.objects.filter(pk=pk).update(agreement=saved)
        moved.append(name)

    def delete_sources() -> None:
        for name in moved:
            source.delete(name)

    transaction.on_commit(delete_sources)


def agreements_to_private(apps, schema_editor) -> None:
    _move(
        apps,
        source=storages["default"],
        target=occupants.models.private_storage(),
        new_name=lambda name: occupants.models.agreement_path(None, name),
    )


def agreements_to_public(apps, schema_editor) -> None:
    _move(
        apps,
        source=occupants.models.private_storage(),
        target=storages["default"],
        new_name=lambda name: f"occupancies/{PurePath(name).name}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("occupants", "0006_occupancyspace_lock_space"),
    ]

    operations = [
        migrations.AlterField(
            model_name="occupancy",
            name="agreement",
            field=models.FileField(
                blank=True,
                storage=occupants.models.private_storage,
                upload_to=occupants.models.agreement_path,
                validators=[
                    django.core.validators.FileExtensionValidator(["pdf"]),
                    occupants.validators.validate_pdf,
                ],
                verbose_name="convention signée (PDF)",
            ),
        ),
        migrations.RunPython(agreements_to_private, agreements_to_public),
    ]
