from django.db import migrations

from core.db import lock_space_for_writes


class Migration(migrations.Migration):
    dependencies = [
        ("occupants", "0005_document_types"),
        ("sites", "0003_lock_space_function"),
    ]

    # The condition of the occupancy_space_no_overlap constraint.
    operations = [
        lock_space_for_writes(
            "occupants_occupancyspace",
            columns=["space_id", "start", "end", "exclusive", "active"],
            when="NEW.exclusive AND NEW.active",
        ),
    ]
