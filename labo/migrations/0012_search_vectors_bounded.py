"""The stored search vectors (migration 0007) read at most the first 100,000 characters of a
row's fields, on PostgreSQL only.

A tsvector holds at most 1 MB: a long enough text made PostgreSQL refuse the row itself
("string is too long for tsvector"), so saving the text failed. The forms bound every text
(10,000 characters for the longest), so 100,000 characters is every field of every row in
full, and the vector of that much text stays far below the limit whatever the words."""

import importlib

from django.db import migrations

MAX_CHARS = 100_000
_VECTORS_0007 = importlib.import_module("labo.migrations.0007_search_vectors")
COLUMN = _VECTORS_0007.COLUMN


def _rebuild(apps, schema_editor, *, bounded: bool):
    if schema_editor.connection.vendor != "postgresql":
        return
    q = schema_editor.quote_name
    for model, table, columns in _VECTORS_0007._tables(apps, schema_editor):
        text = f"left({columns}, {MAX_CHARS})" if bounded else columns
        # A generated column's expression cannot be changed before PostgreSQL 17: it is
        # made again (its index goes with it).
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {q(COLUMN)}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {q(COLUMN)} tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('french'::regconfig, {text})) STORED"
        )
        index = q(f"{COLUMN}_{model._meta.model_name}"[:30])
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin ({q(COLUMN)})")


def bound(apps, schema_editor):
    _rebuild(apps, schema_editor, bounded=True)


def unbound(apps, schema_editor):
    _rebuild(apps, schema_editor, bounded=False)


class Migration(migrations.Migration):
    dependencies = [
        ("labo", "0011_text_max_lengths"),
        ("ateliers", "0005_text_max_lengths"),
        ("commandes", "0003_text_max_lengths"),
        ("labo_sessions", "0007_text_max_lengths"),
    ]

    operations = [migrations.RunPython(bound, unbound)]
