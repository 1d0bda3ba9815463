"""Database guarantees that only PostgreSQL can give, declared once for every app.

An exclusion constraint is the real guarantee against overlapping allocations and bookings.
SQLite has no such thing: there the constraint is left out of the schema, and the service that
writes the rows runs its overlap check and its insert in one IMMEDIATE transaction instead.

On PostgreSQL, concurrent inserts on one range of an exclusion constraint each wait for the
other's transaction, and end in "deadlock detected" after deadlock_timeout (1 s). A trigger
(lock_space_for_writes) therefore makes the writers of one space's rows take turns on that
space's row: the later one waits until the earlier commits, then meets its row as a plain
conflict. retrying_deadlocks stays for cycles that span several spaces.
"""

from __future__ import annotations

import random
from time import monotonic, sleep

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField
from django.db import OperationalError, connections, migrations, transaction
from django.db.models import Func
from django.db.models.lookups import In


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


class PostgresRunSQL(migrations.RunSQL):
    """A RunSQL that other databases skip (SQLite serialises every write already)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


LOCK_SPACE_FUNCTION = "interstices_lock_space"


def create_lock_space_function() -> PostgresRunSQL:
    """The trigger function: locks the row's space (sites_space, by space_id) until the end of
    the transaction. FOR NO KEY UPDATE: readers and the foreign-key checks of other tables
    (FOR KEY SHARE) do not wait; only the next writer of the same space's rows, and an edit of
    the space itself, do."""
    return PostgresRunSQL(
        sql=f"""
            CREATE OR REPLACE FUNCTION {LOCK_SPACE_FUNCTION}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM 1 FROM sites_space WHERE id = NEW.space_id FOR NO KEY UPDATE;
                RETURN NEW;
            END
            $$
        """,
        reverse_sql=f"DROP FUNCTION IF EXISTS {LOCK_SPACE_FUNCTION}()",
    )


def lock_space_for_writes(table: str, *, columns: list[str], when: str) -> PostgresRunSQL:
    """A trigger that runs the lock function before a row of `table` is inserted, or updated in
    one of `columns` (those of its exclusion constraint), when the new row satisfies `when`
    (the constraint's condition: only rows that can conflict need to take turns)."""
    name = f"{table}_lock_space"
    quoted = ", ".join(f'"{column}"' for column in columns)
    return PostgresRunSQL(
        sql=f"""
            CREATE TRIGGER {name}
            BEFORE INSERT OR UPDATE OF {quoted} ON {table}
            FOR EACH ROW WHEN ({when})
            EXECUTE FUNCTION {LOCK_SPACE_FUNCTION}()
        """,
        reverse_sql=f"DROP TRIGGER IF EXISTS {name} ON {table}",
    )


class IntegerFieldIn(In):
    """``id__in=[...]`` leaves out the numbers the column cannot hold, as Django's own exact and
    comparison lookups on integer fields do: SQLite's driver refuses to bind an int beyond 64 bits
    (OverflowError), so a form's ModelMultipleChoiceField, which checks the ids it receives with
    ``pk__in``, answered a server error to "sectors=99999999999999999999999". Registered on
    IntegerField (hence every primary key) in SitesConfig.ready()."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_range(internal_type)
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
