"""events.sql.fetch(): the same instances as the ORM, from SQL written out."""

from decimal import Decimal

import pytest
from django.db import connection

from events.models import Booking
from events.sql import fetch
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
