"""events.sql.fetch(): the same instances as the ORM, from SQL written out."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from events import services
from events.models import Booking
from events.sql import column_list, fetch
from occupants.models import Structure
from tests.events.factories import BookingFactory, local_slot

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_fetch_gives_what_the_orm_gives(booking_world):
    w = booking_world
    start, end = local_slot(3, 10)
    made = BookingFactory(
        space=w.salle_jaune, structure=w.bleu, start=start, end=end, purpose="<b>l'été</b>"
    )
    outside = BookingFactory(
        space=w.salle_verte,
        structure=None,
        outside_name="Voisins",
        price=Decimal("42.50"),
        start=local_slot(4, 10)[0],
    )
    table = connection.ops.quote_name(Booking._meta.db_table)
    rows = fetch(Booking, f"SELECT * FROM {table} ORDER BY id", [])  # noqa: S608
    assert [_fields(row) for row in rows] == [_fields(b) for b in Booking.objects.order_by("id")]
    assert rows[0].start == start and rows[0].start.utcoffset() is not None
    assert rows[1].price == Decimal("42.50") and rows[1].structure_id is None
    assert {row.pk for row in rows} == {made.pk, outside.pk}
    assert not rows[0]._state.adding and rows[0]._state.db == "default"
    assert rows[0].space == w.salle_jaune  # relations load as for any instance


def test_fetch_sets_extra_columns_and_accepts_any_column_order(booking_world):
    table = Structure._meta.db_table
    rows = fetch(
        Structure,
        f"SELECT 7 AS lucky, s.* FROM {table} s WHERE s.id = %s",  # noqa: S608
        [booking_world.bleu.pk],
    )
    assert len(rows) == 1
    assert _fields(rows[0]) == _fields(Structure.objects.get(pk=booking_world.bleu.pk))
    assert rows[0].lucky == 7
    assert fetch(Structure, f"SELECT * FROM {table} WHERE id = %s", [-1]) == []  # noqa: S608


def test_fetch_refuses_a_query_missing_a_column(booking_world):
    table = Structure._meta.db_table
    with pytest.raises(ValueError, match="missing"):
        fetch(Structure, f"SELECT id, name FROM {table}", [])  # noqa: S608


def test_column_list_writes_out_every_column_of_the_model():
    listed = column_list(Structure, "s")
    quote = connection.ops.quote_name
    assert listed.split(", ") == [
        f"{quote('s')}.{quote(f.column)}" for f in Structure._meta.concrete_fields
    ]
    assert "*" not in column_list(Booking)


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
    """The conflict check runs often enough on one connection to be prepared; a migration that
    adds a column to the table, from another connection, must not break it (a prepared
    SELECT * fails with "cached plan must not change result type")."""
    w = booking_world
    start, end = local_slot(3, 10)
    BookingFactory(space=w.salle_jaune, structure=w.bleu, start=start, end=end)

    def check():
        return services._find_conflict(w.salle_jaune, start, end, timedelta(0))

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


@pytest.mark.postgres
def test_the_conflict_check_reads_the_exclusion_constraints_index(booking_world):
    """Even as a prepared statement's generic plan: the GiST index gives the overlapping rows
    alone, where the (space, start) index would read every earlier booking of the room."""
    w = booking_world
    start, end = local_slot(3, 10)
    captured = []

    def capture(execute, sql, *rest):
        captured.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(capture):
        services._find_conflict(w.salle_jaune, start, end, timedelta(0), request_key="k")
    numbered = captured[0]
    for number in range(1, 5):
        numbered = numbered.replace("%s", f"${number}", 1)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test table is nearly empty
        cursor.execute(
            "PREPARE conflict_check (bigint, timestamptz, timestamptz, varchar) AS " + numbered
        )
        # Literal arguments: EXPLAIN cannot type bound parameters.
        pk, since, until = int(w.salle_jaune.pk), start.isoformat(), end.isoformat()
        cursor.execute(f"EXPLAIN EXECUTE conflict_check ({pk}, '{since}', '{until}', 'k')")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE conflict_check")
    assert "booking_no_overlap" in plan, plan
