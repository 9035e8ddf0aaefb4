import datetime

import pytest
from django.utils import timezone

from sessions import services
from sessions.models import (
    AgendaItem,
    Day,
    DayRun,
    Method,
    MethodStep,
    SessionStatus,
    SessionTemplate,
)
from tests import factories


def titles(day):
    return list(
        AgendaItem.objects.filter(day=day, parent__isnull=True)
        .order_by("position")
        .values_list("title", flat=True)
    )


def positions(day):
    return list(
        AgendaItem.objects.filter(day=day, parent__isnull=True)
        .order_by("position")
        .values_list("position", flat=True)
    )


@pytest.fixture
def day(db):
    day = factories.DayFactory()
    for title in ("A", "B", "C"):
        services.add_item(day=day, title=title, duration_minutes=30)
    return day


def item(day, title):
    return AgendaItem.objects.get(day=day, title=title)


def test_add_item_appends_or_inserts(day):
    services.add_item(day=day, title="D", duration_minutes=10)
    services.add_item(day=day, title="Z", duration_minutes=10, position=0)

    assert titles(day) == ["Z", "A", "B", "C", "D"]
    assert positions(day) == [0, 1, 2, 3, 4]


def test_duplicate_item_lands_right_after_and_is_not_pinned(day):
    pinned = item(day, "B")
    pinned.fixed_start = datetime.time(12, 30)
    pinned.save()
    factories.AgendaItemFactory(day=day, parent=pinned, title="Groupe 1")

    copy = services.duplicate_item(item=pinned)

    assert titles(day) == ["A", "B", "B (copie)", "C"]
    assert copy.fixed_start is None
    assert list(copy.subgroups.values_list("title", flat=True)) == ["Groupe 1"]


def test_delete_then_restore_puts_the_block_back_in_place(day):
    deleted = services.delete_item(item=item(day, "B"))

    assert titles(day) == ["A", "C"]
    assert positions(day) == [0, 1]

    services.restore_item(item=deleted)

    assert titles(day) == ["A", "B", "C"]
    assert positions(day) == [0, 1, 2]


def test_restore_after_the_undo_window_is_refused(day):
    deleted = services.delete_item(item=item(day, "B"))
    AgendaItem.all_objects.filter(pk=deleted.pk).update(
        deleted_at=timezone.now() - services.UNDO_WINDOW - datetime.timedelta(seconds=1)
    )

    with pytest.raises(services.AgendaError):
        services.restore_item(item=deleted)
    assert titles(day) == ["A", "C"]


def test_move_item_up_and_down_stops_at_the_ends(day):
    services.move_item(item=item(day, "C"), offset=-1)
    assert titles(day) == ["A", "C", "B"]

    services.move_item(item=item(day, "A"), offset=-1)
    assert titles(day) == ["A", "C", "B"]

    services.move_item(item=item(day, "B"), offset=1)
    assert titles(day) == ["A", "C", "B"]


@pytest.mark.parametrize("meanwhile", ["deleted", "moved to another day", "made a sub-group"])
def test_moving_a_block_changed_meanwhile_is_refused_and_changes_nothing(day, meanwhile):
    block = item(day, "B")  # as the view read it, before someone else's change
    others = AgendaItem.objects.filter(pk=block.pk)
    if meanwhile == "deleted":
        others.update(deleted_at=timezone.now())
    elif meanwhile == "moved to another day":
        others.update(day=factories.DayFactory(session=day.session, date=day.date.replace(day=28)))
    else:
        others.update(parent=item(day, "A"))
    before = list(AgendaItem.all_objects.values_list("pk", "day", "position"))

    with pytest.raises(services.StaleAgenda, match="déplacé ou supprimé entre-temps"):
        services.move_item(item=block, offset=-1)

    assert list(AgendaItem.all_objects.values_list("pk", "day", "position")) == before


def test_a_change_to_a_day_deleted_meanwhile_is_refused(day):
    block = item(day, "B")
    Day.objects.filter(pk=day.pk).delete()

    with pytest.raises(services.StaleAgenda, match="journée a été supprimée entre-temps"):
        services.delete_item(item=block)


def test_saving_a_block_writes_its_runners_only_when_they_changed(day, django_assert_num_queries):
    from labo.models import Person
    from sessions.forms import ItemForm

    runner = factories.PersonFactory()
    block = item(day, "B")
    data = {"title": "B", "kind": block.kind, "duration_minutes": 45, "version": block.version}

    def edited(**extra):
        fresh = AgendaItem.objects.get(pk=block.pk)
        bound = ItemForm(
            {**data, "version": fresh.version, **extra},
            instance=fresh,
            people=Person.objects.all(),
        )
        assert bound.is_valid(), bound.errors
        return {"item": fresh, **bound.values()}

    services.save_item(**edited(facilitators=[runner.pk]))
    # As a browser sends it: the runners, and (hidden) the runners the form was drawn with.
    unchanged = edited(facilitators=[runner.pk], **{"initial-facilitators": [runner.pk]})
    # The day's lock (its revision), the block still in it, the version, the audit log's old
    # row, the block, the savepoint's two: not the runners, which are as they were...
    with django_assert_num_queries(7):
        services.save_item(**unchanged)
    saved = services.save_item(  # ... and are written when not
        **edited(facilitators=[], **{"initial-facilitators": [runner.pk]})
    )

    assert unchanged["runners"] is None
    assert list(saved.facilitators.all()) == []
    assert AgendaItem.objects.get(pk=block.pk).duration_minutes == 45


def test_saving_a_block_moves_its_days_revision_on_once(day):
    block = item(day, "B")
    before, seen = Day.objects.get(pk=day.pk).revision, block.version

    services.save_item(
        item=block,
        version=seen,
        title="B2",
        kind=block.kind,
        duration_minutes=20,
        fixed_start=None,
        description="",
        materials="",
        alternative_plan="",
        runners=[factories.PersonFactory()],
    )

    assert Day.objects.get(pk=day.pk).revision == before + 1
    assert AgendaItem.objects.get(pk=block.pk).version == seen + 1


def test_reorder_day_applies_the_order(day):
    a, b, c = item(day, "A"), item(day, "B"), item(day, "C")

    services.reorder_day(day=day, order=[c.pk, a.pk, b.pk])

    assert titles(day) == ["C", "A", "B"]


@pytest.mark.parametrize("stale", ["missing", "extra", "duplicate"])
def test_reorder_day_with_a_stale_list_changes_nothing(day, stale):
    a, b, c = item(day, "A"), item(day, "B"), item(day, "C")
    order = {
        "missing": [c.pk, a.pk],
        "extra": [c.pk, a.pk, b.pk, 999],
        "duplicate": [c.pk, a.pk, a.pk],
    }[stale]

    with pytest.raises(services.StaleAgenda):
        services.reorder_day(day=day, order=order)
    assert titles(day) == ["A", "B", "C"]


def test_move_to_day_appends_or_inserts_and_closes_the_gap(day):
    other = factories.DayFactory(session=day.session, date=day.date + datetime.timedelta(days=1))
    services.add_item(day=other, title="X", duration_minutes=10)
    moving = item(day, "A")
    factories.AgendaItemFactory(day=day, parent=moving, title="Sous-groupe")

    services.move_to_day(item=moving, day=other, position=0)

    assert titles(day) == ["B", "C"]
    assert positions(day) == [0, 1]
    assert titles(other) == ["A", "X"]
    assert AgendaItem.objects.get(title="Sous-groupe").day == other


def test_move_to_a_day_of_another_session_is_refused(day):
    foreign = factories.DayFactory()

    with pytest.raises(services.AgendaError):
        services.move_to_day(item=item(day, "A"), day=foreign)
    assert titles(day) == ["A", "B", "C"]


def test_add_from_a_single_method_gives_one_block(day):
    method = Method.objects.get(name="Débat mouvant")

    [block] = services.add_from_method(day=day, method=method)

    assert block.title == "Débat mouvant"
    assert block.duration_minutes == 45
    assert block.kind == "debate"
    assert "clivante" in block.description


def test_add_from_a_day_method_fills_the_day_with_its_steps(db):
    day = factories.DayFactory()
    method = Method.objects.create(name="Demi-journée")
    MethodStep.objects.create(method=method, position=0, title="Accueil", duration_minutes=15)
    MethodStep.objects.create(
        method=method,
        position=1,
        title="Déjeuner",
        duration_minutes=60,
        fixed_start=datetime.time(12, 30),
    )

    services.add_from_method(day=day, method=method)

    assert titles(day) == ["Accueil", "Déjeuner"]
    assert item(day, "Déjeuner").fixed_start == datetime.time(12, 30)


def test_method_library_has_the_seeded_methods(db):
    names = set(Method.objects.values_list("name", flat=True))

    assert {
        "Brise-glace",
        "Débat mouvant",
        "Tribunal de l'innovation",
        "Démarreur bienveillant",
        "Labo stands",
        "Tamis de critères",
        "Tour de table",
        "Rétrospective",
    } <= names


def test_create_session_gives_one_day_per_date(db):
    programme = factories.ProgrammeFactory()

    session = services.create_session(
        programme=programme,
        number=12,
        title="Nouvelle",
        starts_on=datetime.date(2026, 12, 1),
        ends_on=datetime.date(2026, 12, 3),
    )

    assert list(session.days.values_list("date", flat=True)) == [
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 2),
        datetime.date(2026, 12, 3),
    ]


def test_template_round_trip_keeps_days_blocks_pins_and_subgroups(day):
    day.title = "Premier jour"
    day.starts_at = datetime.time(8, 30)
    day.save()
    lunch = item(day, "B")
    lunch.fixed_start = datetime.time(12, 30)
    lunch.alternative_plan = "Pique-nique"
    lunch.save()
    factories.AgendaItemFactory(day=day, parent=lunch, title="Table 1")
    template = services.save_as_template(session=day.session, name="Modèle")

    session = services.create_session(
        programme=day.session.programme,
        number=99,
        title="Copie",
        starts_on=datetime.date(2027, 1, 4),
        ends_on=datetime.date(2027, 1, 5),
        template=SessionTemplate.objects.get(pk=template.pk),
    )

    new_day = session.days.first()
    assert new_day.title == "Premier jour"
    assert new_day.starts_at == datetime.time(8, 30)
    assert titles(new_day) == ["A", "B", "C"]
    copied = AgendaItem.objects.get(day=new_day, title="B")
    assert copied.fixed_start == datetime.time(12, 30)
    assert copied.alternative_plan == "Pique-nique"
    assert list(copied.subgroups.values_list("title", flat=True)) == ["Table 1"]
    assert Day.objects.filter(session=session).count() == 2


def test_update_session_dates_refuses_to_drop_a_day_with_blocks(day):
    session = day.session
    later = day.date + datetime.timedelta(days=1)

    with pytest.raises(services.AgendaError):
        services.update_session_dates(session=session, starts_on=later, ends_on=later)
    assert session.days.count() == 1


def test_update_session_dates_adds_missing_days(day):
    session = day.session

    services.update_session_dates(
        session=session, starts_on=day.date, ends_on=day.date + datetime.timedelta(days=2)
    )

    assert session.days.count() == 3


def test_run_action_walks_through_the_day(day):
    run = services.run_action(day=day, action="start")
    assert run.current_item.title == "A"

    run = services.run_action(day=day, action="add5")
    assert run.extra_minutes == 5

    run = services.run_action(day=day, action="next")
    assert (run.current_item.title, run.extra_minutes) == ("B", 0)

    services.run_action(day=day, action="next")
    run = services.run_action(day=day, action="next")
    assert run.finished is True
    assert run.current_item is None


def test_run_action_adds_five_minutes_up_to_four_hours(day):
    services.run_action(day=day, action="start")
    DayRun.objects.filter(day=day).update(extra_minutes=235)

    first = services.run_action(day=day, action="add5")
    second = services.run_action(day=day, action="add5")

    assert (first.extra_minutes, second.extra_minutes) == (240, 240)
    assert DayRun.objects.get(day=day).extra_minutes == 240


def test_run_action_refuses_an_unknown_action(day):
    services.run_action(day=day, action="start")

    with pytest.raises(services.AgendaError):
        services.run_action(day=day, action="rewind")


def test_add_subgroup_appends_and_refuses_nesting(day):
    block = item(day, "A")

    first = services.add_subgroup(item=block, title="Table 1")
    services.add_subgroup(item=block, title="Table 2")

    assert list(block.subgroups.values_list("title", "position")) == [
        ("Table 1", 0),
        ("Table 2", 1),
    ]
    with pytest.raises(services.AgendaError):
        services.add_subgroup(item=first, title="Trop profond")


def test_create_programme_with_its_facilitators(db):
    camille, yanis = factories.PersonFactory(), factories.PersonFactory()

    programme = services.create_programme(
        name="La Transfo",
        organisation="Région",
        starts_on=datetime.date(2025, 6, 1),
        facilitators=[camille, yanis],
    )

    programme.refresh_from_db()
    assert (programme.name, programme.organisation, programme.starts_on) == (
        "La Transfo",
        "Région",
        datetime.date(2025, 6, 1),
    )
    assert set(programme.facilitators.all()) == {camille, yanis}


def test_save_debrief_writes_the_debrief_and_the_next_steps_only(db):
    session = factories.SessionFactory(status=SessionStatus.HELD, title="Le Grand Atelier")

    services.save_debrief(session=session, debrief="7 invités sur 80.", next_steps="Relancer.")

    session.refresh_from_db()
    assert (session.debrief, session.next_steps, session.title, session.status) == (
        "7 invités sur 80.",
        "Relancer.",
        "Le Grand Atelier",
        SessionStatus.HELD,
    )
