"""The lock trigger of held spaces goes: create_occupancy and update_occupancy lock the spaces'
rows in Python first (Space.objects.lock), where a reader of the service sees it."""

from django.db import migrations

from core.db import PostgresRunSQL

CREATE_TRIGGER = """
    CREATE TRIGGER occupants_occupancyspace_lock_space
    BEFORE INSERT OR UPDATE OF "space_id", "start", "end", "exclusive", "active"
    ON occupants_occupancyspace
    FOR EACH ROW WHEN (NEW.exclusive AND NEW.active)
    EXECUTE FUNCTION interstices_lock_space()
"""


class Migration(migrations.Migration):
    dependencies = [
        ("occupants", "0007_occupancy_agreement_private"),
    ]

    operations = [
        PostgresRunSQL(
            sql=(
                "DROP TRIGGER IF EXISTS occupants_occupancyspace_lock_space "
                "ON occupants_occupancyspace"
            ),
            reverse_sql=CREATE_TRIGGER,
        ),
    ]
