"""A stored French search vector per searched table, on PostgreSQL only (SQLite searches
without).

Migration 0006 indexed the expression ``to_tsvector('french', ...)``: the index finds the
matches, but every row looked at and ranked had its vector computed again, and planning the
expression cost more than running the query. Each table now keeps the vector in a generated
column (``search_vector``, computed by PostgreSQL on every write, unknown to the models),
indexed with GIN; labo.search reads it. A change to labo.search.FIELDS needs a new
migration (a test compares them)."""

import importlib

from django.db import migrations

COLUMN = "search_vector"
# The same fields as migration 0006 indexed (frozen there, as a migration must be).
_INDEXES_0006 = importlib.import_module("labo.migrations.0006_search_indexes")
FIELDS = _INDEXES_0006.FIELDS


def _tables(apps, schema_editor):
    q = schema_editor.quote_name
    for label, fields in FIELDS.items():
        model = apps.get_model(label)
        columns = " || ' ' || ".join(
            f"COALESCE({q(model._meta.get_field(name).column)}, '')::text" for name in fields
        )
        yield model, q(model._meta.db_table), columns


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _INDEXES_0006._indexes(apps):
        schema_editor.remove_index(model, index)
    q = schema_editor.quote_name
    for model, table, columns in _tables(apps, schema_editor):
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {q(COLUMN)} tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('french'::regconfig, {columns})) STORED"
        )
        index = q(f"{COLUMN}_{model._meta.model_name}"[:30])
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin ({q(COLUMN)})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    q = schema_editor.quote_name
    for _model, table, _columns in _tables(apps, schema_editor):
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {q(COLUMN)}")  # and its index
    for model, index in _INDEXES_0006._indexes(apps):
        schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("labo", "0006_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
