import datetime

from django.utils.timezone import localdate

from ateliers import models as m
from ateliers.queries import results_of, results_of_many
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


def test_a_workshop_that_only_decided_actions_has_its_part(world):
    m.Action.objects.create(atelier=world.atelier, what="Relancer les directions")

    assert parts(world.session)["empty_parts"] == []


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


def test_workshops_read_together_get_what_each_gets_alone(world):
    walls = [factories.AtelierFactory(session=world.session, ideas_revealed=True) for _ in "ab"]
    for wall, texts in zip(walls, (["Un", "Deux"], ["Trois"]), strict=True):
        themes = [m.Theme.objects.create(atelier=wall, name=name) for name in ("B", "A")]
        for n, text in enumerate(texts):
            idea = m.Idea.objects.create(atelier=wall, text=text, theme=themes[n % 2])
            m.Vote.objects.create(idea=idea, voter="v1")
        m.Rating.objects.create(atelier=wall, score=5, comment=f"Bien {wall.pk}")
    retro = factories.AtelierFactory(session=world.session, format="retrospective")
    m.RetroEntry.objects.create(atelier=retro, kind=m.RetroKind.WORKED, text="Le rythme")

    together = results_of_many([*walls, retro], voter="v1")

    def seen(r):
        ideas = [(i.text, i.number, i.dots, i.mine) for i in r.ideas]
        return (
            ideas,
            r.dots_left,
            [t.name for t in r.themes],
            [x.comment for x in r.ratings],
            r.retro,
        )

    for atelier in [*walls, retro]:
        assert seen(together[atelier.pk]) == seen(results_of(atelier, voter="v1"))
    assert seen(together[walls[1].pk])[0] == [("Trois", 1, 1, 1)]  # numbered in its own wall


def test_the_ratings_chart_counts_each_workshops_own_scores(world):
    other = factories.AtelierFactory(session=world.session)
    for atelier, scores in ((world.atelier, [5, 5, 2]), (other, [1])):
        for score in scores:
            m.Rating.objects.create(atelier=atelier, score=score)

    charts = {p.atelier: p.charts for p in parts(world.session)["parts"]}

    assert [bar.value for bar in charts[world.atelier][-1].bars] == [2, 0, 0, 1, 0]
    assert [bar.value for bar in charts[other][-1].bars] == [0, 0, 0, 0, 1]
