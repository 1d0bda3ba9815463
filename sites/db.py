"""Database guarantees that only PostgreSQL can give, declared once for every app.

An exclusion constraint is the real guarantee against overlapping allocations and bookings.
SQLite has no such thing: there the constraint is left out of the schema, and the service that
writes the rows runs its overlap check and its insert in one IMMEDIATE transaction instead.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField
from django.db import connections
from django.db.models import Func


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class DateTimeRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def is_postgres(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


class PostgresExclusionConstraint(ExclusionConstraint):
    """An ExclusionConstraint that other databases skip (schema and model validation)."""

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using="default"):
        if not is_postgres(using):
            return
        super().validate(model, instance, exclude=exclude, using=using)
