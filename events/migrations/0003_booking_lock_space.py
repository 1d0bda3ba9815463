from django.db import migrations

from core.db import lock_space_for_writes


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_feed_token"),
        ("sites", "0003_lock_space_function"),
    ]

    # The statuses of the booking_no_overlap constraint's condition (Booking.ACTIVE_STATUSES).
    operations = [
        lock_space_for_writes(
            "events_booking",
            columns=["space_id", "start", "blocked_until", "status"],
            when="NEW.status IN ('en_attente', 'confirmee')",
        ),
    ]
