"""The lock trigger of bookings goes, and with it the trigger function (the held spaces' trigger
went in occupants 0008): book() and book_series() lock the space's row in Python first
(Space.objects.lock), where a reader of the service sees it."""

from django.db import migrations

from core.db import PostgresRunSQL

CREATE_TRIGGER = """
    CREATE TRIGGER events_booking_lock_space
    BEFORE INSERT OR UPDATE OF "space_id", "start", "blocked_until", "status" ON events_booking
    FOR EACH ROW WHEN (NEW.status IN ('en_attente', 'confirmee'))
    EXECUTE FUNCTION interstices_lock_space()
"""
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
        ("events", "0004_bookingrules_quota_scope_help"),
        ("occupants", "0008_drop_occupancyspace_lock_space"),
    ]

    operations = [
        PostgresRunSQL(
            sql="DROP TRIGGER IF EXISTS events_booking_lock_space ON events_booking",
            reverse_sql=CREATE_TRIGGER,
        ),
        PostgresRunSQL(
            sql="DROP FUNCTION IF EXISTS interstices_lock_space()",
            reverse_sql=CREATE_FUNCTION,
        ),
    ]
