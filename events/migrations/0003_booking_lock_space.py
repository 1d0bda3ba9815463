from django.db import migrations

from core.db import PostgresRunSQL

# Dropped since by events 0005: book() and book_series() lock the space's row themselves
# (Space.objects.lock). The statuses are the booking_no_overlap constraint's condition.
CREATE_TRIGGER = """
    CREATE TRIGGER events_booking_lock_space
    BEFORE INSERT OR UPDATE OF "space_id", "start", "blocked_until", "status" ON events_booking
    FOR EACH ROW WHEN (NEW.status IN ('en_attente', 'confirmee'))
    EXECUTE FUNCTION interstices_lock_space()
"""
DROP_TRIGGER = "DROP TRIGGER IF EXISTS events_booking_lock_space ON events_booking"


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_feed_token"),
        ("sites", "0003_lock_space_function"),
    ]

    operations = [PostgresRunSQL(sql=CREATE_TRIGGER, reverse_sql=DROP_TRIGGER)]
