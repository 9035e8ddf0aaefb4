"""GIN indexes for French full-text search, on PostgreSQL only (SQLite searches without).

Each index is built with Django's own SearchVector over the fields labo.search searches, so
that the planner recognises the expression of the queries. The field lists are frozen here,
as a migration must be: a change to labo.search.FIELDS needs a new migration."""

from django.db import migrations

FIELDS = {
    "commandes.commande": (
        "title",
        "initial_title",
        "initial_wording",
        "reformulated_wording",
        "context",
    ),
    "labo_sessions.session": ("title", "objectives", "debrief", "next_steps"),
    "ateliers.atelier": ("title", "objectives", "summary"),
    "ateliers.idea": ("text",),
    "ateliers.demarreurreport": (
        "phases_observed",
        "reformulated_request",
        "hypotheses",
        "options_retained",
        "next_steps",
    ),
    "ateliers.debatequestion": ("text", "arguments"),
    "ateliers.tribunalcase": ("question", "prosecution", "defence", "verdict", "lessons"),
    "ateliers.stand": ("name", "offers"),
    "ateliers.standfeedback": ("comment",),
    "ateliers.observation": ("phase", "note"),
    "ateliers.action": ("what",),
    "ateliers.rating": ("comment",),
    "ateliers.retroentry": ("step", "text"),
}


def _indexes(apps):
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    for label, fields in FIELDS.items():
        model = apps.get_model(label)
        name = f"search_{model._meta.model_name}"[:30]
        yield model, GinIndex(SearchVector(*fields, config="french"), name=name)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("labo", "0005_person_anonymised_on"),
        ("ateliers", "0002_results"),
        ("commandes", "0002_pipeline"),
        ("labo_sessions", "0005_day_revision"),
    ]

    operations = [migrations.RunPython(create, drop)]
