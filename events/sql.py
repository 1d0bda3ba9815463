"""Model instances from SQL written out, for the few queries that every booking POST runs.

Building a query with the ORM costs about a millisecond of CPU per query on a small machine, and
Django's RawQuerySet, which takes SQL as it is, still maps the columns to the fields and builds
the value converters again at each query. fetch() does what RawQuerySet does (the backend's and
the fields' converters, Model.from_db(), extra columns as attributes) with that mapping worked
out once per model and column list.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connections
from django.db.models import Model

# (model, columns, database alias) -> (the model's attnames, the positions of their columns,
# the converters, the extra columns)
_plans: dict[tuple, tuple] = {}


@cache
def column_list(model: type[Model], alias: str = "", using: str = "default") -> str:
    """The model's columns written out for a SELECT ("b"."id", "b"."space_id", …), rather than
    `*`: PostgreSQL refuses to run a prepared `*` statement again once a migration has added a
    column to the table ("cached plan must not change result type")."""
    quote = connections[using].ops.quote_name
    prefix = f"{quote(alias)}." if alias else ""
    return ", ".join(f"{prefix}{quote(field.column)}" for field in model._meta.concrete_fields)


def _plan(model: type[Model], columns: tuple[str, ...], connection) -> tuple:
    by_column = {field.column: field for field in model._meta.concrete_fields}
    positions: list[int] = []
    converters: list[tuple[int, list, object]] = []
    for field in model._meta.concrete_fields:
        if field.column not in columns:
            raise ValueError(f"fetch(): column {field.column!r} missing for {model.__name__}")
        index = columns.index(field.column)
        positions.append(index)
        col = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if functions:
            converters.append((index, functions, col))
    extras = [(name, index) for index, name in enumerate(columns) if name not in by_column]
    names = [field.attname for field in model._meta.concrete_fields]
    return names, positions, converters, extras


def fetch(model: type[Model], sql: str, params: Sequence, *, using: str = "default") -> list:
    """The instances of `model` that `sql` selects (every column of the model's table, plus any
    extra column, set as an attribute with its raw database value)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = tuple(column[0] for column in cursor.description)
        rows = cursor.fetchall()
    if not rows:
        return []
    key = (model, columns, using)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _plan(model, columns, connection)
    names, positions, converters, extras = plan
    instances = []
    for row in rows:
        if converters:
            row = list(row)
            for index, functions, col in converters:
                value = row[index]
                for function in functions:
                    value = function(value, col, connection)
                row[index] = value
        instance = model.from_db(using, names, [row[index] for index in positions])
        for name, index in extras:
            setattr(instance, name, row[index])
        instances.append(instance)
    return instances
