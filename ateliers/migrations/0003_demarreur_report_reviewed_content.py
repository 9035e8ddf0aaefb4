from django.db import migrations, models

TEXTS = ("phases_observed", "reformulated_request", "hypotheses", "options_retained", "next_steps")


def forget_unfrozen_reviews_and_empty_reports(apps, schema_editor):
    """A review made before froze nothing that "send" could check against: those reports go
    back to draft to be reviewed again. Reports that opening the page created, never
    written to, are deleted (they showed in the commande file as if the interview had been
    reported)."""
    report_model = apps.get_model("ateliers", "DemarreurReport")
    report_model.objects.filter(status="reviewed").update(status="draft")
    empty = report_model.objects.filter(
        status="draft",
        timebox_minutes=90,
        used_minutes__isnull=True,
        roles__isnull=True,
        questions__isnull=True,
        observations__isnull=True,
        **{name: "" for name in TEXTS},
    )
    report_model.objects.filter(pk__in=list(empty.values_list("pk", flat=True))).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ateliers", "0002_results"),
    ]

    operations = [
        migrations.AddField(
            model_name="demarreurreport",
            name="reviewed_content",
            field=models.JSONField(blank=True, default=dict, verbose_name="content as reviewed"),
        ),
        migrations.RunPython(
            forget_unfrozen_reviews_and_empty_reports, migrations.RunPython.noop, elidable=True
        ),
    ]
