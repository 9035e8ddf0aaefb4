"""The document task moved from labo.tasks to labo.documents: tasks queued before the
move keep working (their rows name the new path). Nothing else changes."""

from django.db import migrations

OLD = "labo.tasks.build_document"
NEW = "labo.documents.build_document"


def forwards(apps, schema_editor):
    task_result = apps.get_model("django_tasks_database", "DBTaskResult")
    task_result.objects.filter(task_path=OLD).update(task_path=NEW)


def backwards(apps, schema_editor):
    task_result = apps.get_model("django_tasks_database", "DBTaskResult")
    task_result.objects.filter(task_path=NEW).update(task_path=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("labo", "0007_search_vectors"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
