import io

from django.core.management import call_command

from sessions.models import AgendaItem


def test_bench_measures_every_target_and_leaves_the_demo_as_it_was(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    before = list(AgendaItem.objects.values_list("pk", "position", "version"))
    out = io.StringIO()

    call_command("bench", "agenda", "ateliers", runs=2, stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split("  ")[0] for line in lines[2:]] == [
        "agenda page (3 days)",
        "edit: move a block (htmx)",
        "edit: save a block (htmx)",
        "edit: reorder a day (htmx)",
        "session page (read-only)",
        "workshop page (500 results)",
        "edit: tap +1 (htmx)",
        "photo: 4000×3000 JPEG processed",
    ]
    assert list(AgendaItem.objects.values_list("pk", "position", "version")) == before
