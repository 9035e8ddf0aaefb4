import io

import pytest
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


def test_seed_volume_is_additive_and_shaped_like_five_years(db):
    from ateliers.models import Atelier
    from labo.devtools.volume import seed_volume
    from sessions.models import Session

    first = seed_volume(0.02)
    more = seed_volume(0.02)

    assert (first.sessions, first.workshops, first.people, first.commandes) == (3, 30, 12, 6)
    assert first.results >= 30 * 35
    assert Session.objects.count() == 6 and Atelier.objects.count() == 60
    assert sorted(Session.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert more.sessions == 3


def test_bench_volume_prints_query_counts_at_both_volumes(db, settings, monkeypatch):
    from labo.devtools import bench

    settings.DEBUG = True
    monkeypatch.setattr(bench, "seed_scales", (0.02, 0.02), raising=False)
    out = io.StringIO()

    call_command("bench", "volume", runs=2, stdout=out)

    rows = out.getvalue().splitlines()[3:]
    assert len(rows) == 13
    for row in rows:
        cells = row.rsplit(None, 8)
        assert cells[1] == cells[2], row  # SQL at 1x and 10x


def test_bench_volume_refuses_a_database_that_holds_a_lab(world):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="scratch database"):
        call_command("bench", "volume", runs=2, stdout=io.StringIO())


def test_pdf_overhead_compares_each_draw_with_its_pair():
    from labo.devtools.bench import PdfFigures

    figures = PdfFigures(  # the third pair was drawn while the machine was busy
        first_ms=0,
        samples_ms=[110, 220, 120],
        alone_ms=[100, 200, 60],
        size_bytes=0,
        peak_rss=0,
        rss_before=0,
        pages=1,
    )

    assert figures.overhead == pytest.approx(0.10)  # not 120 over 100, series against series
