import datetime

from django.utils.timezone import localdate

from ateliers import models as m
from ateliers.services import add_photo
from ateliers.synthesis import parts_of
from tests import factories
from tests.ateliers.test_photos import png_upload


def parts(session):
    return parts_of(session, atelier_ids=None, photo_ids=None, for_pdf=False)


def test_a_workshop_with_nothing_logged_is_empty_and_listed_apart(world):
    tribunal = factories.AtelierFactory(session=world.session, format="tribunal")
    m.TribunalCase.objects.create(atelier=tribunal, question="Faut-il ?", after_for=2)

    found = parts(world.session)

    assert [p.atelier for p in found["parts"] if not p.empty] == [tribunal]
    assert [p.atelier for p in found["empty_parts"]] == [world.atelier]


def test_a_summary_or_a_photo_is_enough_for_a_workshop_to_have_its_part(world):
    summarised = factories.AtelierFactory(session=world.session, summary="Bien passé.")
    pictured = factories.AtelierFactory(session=world.session)
    add_photo(atelier=pictured, upload=png_upload(), caption="", author=None)

    empty = [p.atelier for p in parts(world.session)["empty_parts"]]

    assert summarised not in empty
    assert pictured not in empty


def test_a_photo_is_captioned_with_its_workshop_and_the_day_it_was_held(world):
    world.atelier.title = "Le tribunal de l'innovation"
    world.atelier.save()
    world.day.date = datetime.date(2026, 7, 11)
    world.day.save()
    add_photo(atelier=world.atelier, upload=png_upload(), caption="Le mur", author=None)

    (part,) = parts(world.session)["parts"]

    (photo,) = part.photos
    assert (photo.caption, photo.workshop, photo.moment) == (
        "Le mur",
        "Le tribunal de l'innovation",
        datetime.date(2026, 7, 11),
    )


def test_a_photo_of_a_workshop_outside_the_agenda_takes_the_day_it_was_added(world):
    loose = factories.AtelierFactory(session=world.session)
    photo = add_photo(atelier=loose, upload=png_upload(), caption="", author=None)

    found = next(p for p in parts(world.session)["parts"] if p.atelier == loose)

    assert found.photos[0].moment == localdate(photo.created_at)


def test_the_tribunal_chart_is_a_shift_per_position(world):
    case = m.TribunalCase.objects.create(
        atelier=world.atelier, question="?", before_for=2, after_for=4, before_against=3
    )

    rows = case.chart.rows

    assert [row.lines for row in rows] == [
        ["Convaincus 2 → 4"],
        ["Sceptiques 3 → 0"],
        ["Indécis 0 → 0"],
    ]
