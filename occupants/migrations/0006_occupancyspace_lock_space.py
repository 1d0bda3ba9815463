from django.db import migrations

from core.db import PostgresRunSQL

# Dropped since by occupants 0008: create_occupancy and update_occupancy lock the spaces' rows
# themselves (Space.objects.lock). The condition is the occupancy_space_no_overlap constraint's.
CREATE_TRIGGER = """
    CREATE TRIGGER occupants_occupancyspace_lock_space
    BEFORE INSERT OR UPDATE OF "space_id", "start", "end", "exclusive", "active"
    ON occupants_occupancyspace
    FOR EACH ROW WHEN (NEW.exclusive AND NEW.active)
    EXECUTE FUNCTION interstices_lock_space()
"""
DROP_TRIGGER = (
    "DROP TRIGGER IF EXISTS occupants_occupancyspace_lock_space ON occupants_occupancyspace"
)


class Migration(migrations.Migration):
    dependencies = [
        ("occupants", "0005_document_types"),
        ("sites", "0003_lock_space_function"),
    ]

    operations = [PostgresRunSQL(sql=CREATE_TRIGGER, reverse_sql=DROP_TRIGGER)]
