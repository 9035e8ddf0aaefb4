import datetime

from django.db import migrations, models
from django.utils import timezone


def lease_pending(apps, schema_editor):
    """Documents waiting or running when this lands get one lease from now: one whose
    worker already died then fails in ten minutes instead of never."""
    Document = apps.get_model("labo", "Document")
    Document.objects.filter(status__in=["queued", "running"]).update(
        lease_until=timezone.now() + datetime.timedelta(minutes=10)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('labo', '0008_document_task_path'),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='lease_until',
            field=models.DateTimeField(blank=True, null=True, verbose_name='alive until'),
        ),
        migrations.RunPython(lease_pending, migrations.RunPython.noop),
    ]
