"""Database guarantees that only PostgreSQL can give, declared once for every app.

An exclusion constraint is the real guarantee against overlapping allocations and bookings.
SQLite has no such thing: there the constraint is left out of the schema, and the service that
writes the rows runs its overlap check and its insert in one IMMEDIATE transaction instead.
"""

from __future__ import annotations

import random
from time import monotonic, sleep

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField
from django.db import OperationalError, connections, transaction
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


DEADLOCK_DETECTED = "40P01"
# How long a write keeps retrying after deadlocks: each one costs PostgreSQL's deadlock_timeout
# (1 s by default) to detect, and a crowd of inserts on one range can go through several before
# the winner commits.
DEADLOCK_RETRY_SECONDS = 20.0


def retrying_deadlocks(write, *, atomic: bool = True):
    """Runs write() in a transaction of its own (atomic=False: each statement in its own, the
    autocommit) and returns what it returns.

    Concurrent inserts on one range of an exclusion constraint each wait for the other's
    transaction, and PostgreSQL ends one of each such cycle with "deadlock detected". Its
    transaction is rolled back and write() runs again after a short random pause (so that the
    losers do not collide again at once); it then meets the winner's committed row as a plain
    conflict. For DEADLOCK_RETRY_SECONDS at most. Inside a caller's transaction nothing can be
    retried, so the error goes up. write() must be safe to run again from the start.
    """
    deadline = monotonic() + DEADLOCK_RETRY_SECONDS
    attempt = 0
    while True:
        try:
            if not atomic:
                return write()
            with transaction.atomic():
                return write()
        except OperationalError as exc:
            deadlock = getattr(exc.__cause__, "sqlstate", None) == DEADLOCK_DETECTED
            nested = transaction.get_connection().in_atomic_block
            if not deadlock or nested or monotonic() > deadline:
                raise
        attempt += 1
        sleep(random.uniform(0, min(0.02 * 2**attempt, 0.5)))
