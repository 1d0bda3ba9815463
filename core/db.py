"""Database guarantees that only PostgreSQL can give, declared once for every app.

An exclusion constraint is the real guarantee against overlapping allocations and bookings.
SQLite has no such thing: there the constraint is left out of the schema, and the service that
writes the rows runs its overlap check and its insert in one IMMEDIATE transaction instead.

On PostgreSQL, concurrent inserts on one range of an exclusion constraint each wait for the
other's transaction, and end in "deadlock detected" after deadlock_timeout (1 s). The services
that write such rows therefore lock the space's row first (Space.objects.lock): the later writer
waits until the earlier commits, then meets its row as a plain conflict. retrying_deadlocks stays
for the cycles that remain possible.
"""

from __future__ import annotations

import random
from time import sleep

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField
from django.db import OperationalError, connections, migrations, transaction
from django.db.models import CheckConstraint, Func, Lookup, Q, QuerySet
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class DateTimeRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class InSubquery(Lookup):
    """`column IN (subquery)`, written `column = ANY(ARRAY(subquery))` on PostgreSQL.

    In an OR (`structure IN (my structures) OR booked_by = me`) PostgreSQL runs an IN subquery
    as a filter over every row of the table (a hashed SubPlan: a sequential scan of all the
    bookings); the ARRAY form is computed once (an InitPlan) and compared with `= ANY`, which an
    index answers, so that each branch of the OR reads its own index (a BitmapOr)."""

    lookup_name = "in_subquery"
    prepare_rhs = False

    def get_prep_lookup(self):
        # As Django's `__in` does: a subquery's default ordering (StructureMember's sorts by
        # structure name, role and e-mail, with two joins) costs planning time for nothing.
        if isinstance(self.rhs, QuerySet):
            return self.rhs.order_by()
        return super().get_prep_lookup()

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params


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
# Each deadlock costs PostgreSQL's deadlock_timeout (1 s by default) to detect; with the space
# locked first, a write meets one rarely, and a second one in a row hardly ever.
DEADLOCK_ATTEMPTS = 3


def retrying_deadlocks(write):
    """Runs write() in a transaction of its own and returns what it returns.

    When PostgreSQL ends the transaction with "deadlock detected" (two writers waiting for each
    other's rows), it is rolled back and write() runs again after a short random pause, so that
    the two do not collide again at once: DEADLOCK_ATTEMPTS times at most. Inside a caller's
    transaction nothing can be retried, so the error goes up. write() must be safe to run
    again from the start.
    """
    for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return write()
        except OperationalError as exc:
            deadlock = getattr(exc.__cause__, "sqlstate", None) == DEADLOCK_DETECTED
            nested = transaction.get_connection().in_atomic_block
            if not deadlock or nested or attempt == DEADLOCK_ATTEMPTS:
                raise
        sleep(random.uniform(0, 0.05 * attempt))


class PostgresRunSQL(migrations.RunSQL):
    """A RunSQL that other databases skip (SQLite serialises every write already)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


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


def coordinates_valid(name: str) -> CheckConstraint:
    """A place's `latitude` and `longitude` within the globe's bounds (sites, vacant buildings)."""
    return CheckConstraint(
        condition=Q(latitude__gte=-90, latitude__lte=90)
        & Q(longitude__gte=-180, longitude__lte=180),
        name=name,
        violation_error_message=_("Les coordonnées sont hors limites."),
    )
