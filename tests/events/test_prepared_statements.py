"""Server-side prepared statements (DATABASE_PREPARED_STATEMENTS, opt-in) and migrations."""

import threading

import pytest
from django.db import connection

from events.models import Booking
from tests.events.factories import BookingFactory, local_slot


def _on_another_connection(sql: str) -> None:
    """Runs sql as a migration would: from another connection (a thread has its own)."""

    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)


@pytest.fixture
def prepared_statements():
    """The connection as DATABASE_PREPARED_STATEMENTS=true opens it (opt-in, off by default)."""
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = dict(options)
    options.update(server_side_binding=True, prepare_threshold=5)
    connection.close()
    yield
    options.clear()
    options.update(saved)
    connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_prepared_conflict_query_survives_a_new_column(prepared_statements, booking_world):
    """The booking check's read of a room's bookings runs often enough on one connection to be
    prepared; a migration that adds a column to the table, from another connection, must not
    break it ("cached plan must not change result type")."""
    w = booking_world
    start, end = local_slot(3, 10)
    BookingFactory(space=w.salle_jaune, structure=w.bleu, start=start, end=end)

    def check():
        return Booking.objects.active().holding(start, end).filter(space=w.salle_jaune).first()

    for _ in range(6):
        assert check() is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%blocked_until%"],
        )
        assert cursor.fetchone()[0] >= 1
    table = Booking._meta.db_table
    _on_another_connection(f"ALTER TABLE {table} ADD COLUMN bench_extra integer")
    try:
        assert check() is not None
    finally:
        _on_another_connection(f"ALTER TABLE {table} DROP COLUMN IF EXISTS bench_extra")
