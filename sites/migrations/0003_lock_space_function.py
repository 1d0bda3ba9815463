from django.db import migrations

from core.db import PostgresRunSQL

# The trigger function of the lock triggers (occupants 0006, events 0003), dropped since by
# events 0005: the services now lock the space's row themselves (Space.objects.lock).
CREATE_FUNCTION = """
    CREATE OR REPLACE FUNCTION interstices_lock_space() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1 FROM sites_space WHERE id = NEW.space_id FOR NO KEY UPDATE;
        RETURN NEW;
    END
    $$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0002_equipment_list"),
    ]

    operations = [
        PostgresRunSQL(
            sql=CREATE_FUNCTION, reverse_sql="DROP FUNCTION IF EXISTS interstices_lock_space()"
        )
    ]
