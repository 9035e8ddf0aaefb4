"""The planner's compact rows (#18): durations in place, gaps and the day's end, a move to
another day at the block's time, and answers carrying only the rows that changed."""

import datetime
import re

import pytest
from django.urls import reverse

from labo.lib.typography import french_text
from sessions import services
from sessions.agenda import balance, gaps_before, place_at
from sessions.models import AgendaItem
from sessions.templatetags.planner import duration
from tests import factories

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True, params=[True, False], ids=["cache on", "cache off"])
def cache_on(request, settings) -> bool:
    settings.LABO_PLANNER_CACHE = request.param
    return request.param


@pytest.fixture
def six_blocks(world):
    """A day of six blocks from 09:00, lunch pinned at 12:30 (after a gap)."""
    world.item.delete()
    blocks = [
        services.add_item(day=world.day, title=title, duration_minutes=minutes, fixed_start=fixed)
        for title, minutes, fixed in [
            ("Accueil", 30, None),
            ("Brise-glace", 20, None),
            ("Atelier du matin", 90, None),
            ("Déjeuner", 60, datetime.time(12, 30)),
            ("Atelier de l'après-midi", 120, None),
            ("Débrief", 30, None),
        ]
    ]
    return blocks


def shown_rows(client, session) -> str:
    """The rows as the page holds them, as static/js/planner.js sends them."""
    page = client.get(reverse("sessions:agenda", args=[session.pk])).content.decode()
    return ",".join(
        f"{pk}:{key}" for pk, key in re.findall(r'data-id="(\d+)" data-key="([0-9a-f]+)"', page)
    )


def rows_in(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="agenda-item[^"]*" id="item-(\d+)"', html)]


@pytest.mark.parametrize(
    ("minutes", "said"),
    [(45, "45 min"), (60, "1 h"), (275, "4 h 35"), (65, "1 h 05"), (0, "0 min")],
)
def test_duration_says_hours_and_minutes(minutes, said):
    assert duration(minutes) == said


def test_gaps_and_balance_of_a_day():
    slots = [
        type("S", (), {"start": datetime.time(9), "end": datetime.time(10)}),
        type("S", (), {"start": datetime.time(10, 30), "end": datetime.time(11)}),
    ]

    assert gaps_before(slots, datetime.time(8, 45)) == [15, 30]
    assert balance(datetime.time(16, 30), datetime.time(17)).free_minutes == 30
    assert balance(datetime.time(17, 40), datetime.time(17)).overrun_minutes == 40


def test_a_block_arriving_goes_after_those_starting_before_its_time(six_blocks):
    moving = factories.AgendaItemFactory.build(duration_minutes=45)

    position, start = place_at(
        six_blocks, moving, datetime.time(9), datetime.time(17), datetime.time(10, 0)
    )

    # Accueil 09:00, Brise-glace 09:30, Atelier du matin 09:50 start before 10:00.
    assert position == 3
    assert start == datetime.time(11, 20)


def test_the_planner_shows_hours_gaps_and_the_days_end(world, facilitator_client, six_blocks):
    page = facilitator_client.get(reverse("sessions:agenda", args=[world.session.pk]))
    html = page.content.decode()

    assert "5 h 50 prévues" in html
    assert "minutes prévues" not in html
    assert french_text("Temps libre : 1 h 10") in html  # 11:20 → lunch pinned at 12:30
    assert french_text("Fin de la journée à 17:00 : 1 h de libre.") in html


def test_an_overrun_is_said_at_the_days_end(world, facilitator_client, six_blocks):
    services.add_item(day=world.day, title="Prolongations", duration_minutes=105)

    html = facilitator_client.get(reverse("sessions:agenda", args=[world.session.pk])).content
    assert french_text("le programme déborde de 45 min.") in html.decode()
    assert 'class="day-end overrun"' in html.decode()


@pytest.mark.parametrize(("step", "expected"), [("5", 25), ("-5", 15)])
def test_a_step_changes_the_duration_in_place(
    world, facilitator_client, six_blocks, step, expected
):
    icebreaker = six_blocks[1]

    response = facilitator_client.post(
        reverse("sessions:item-duration", args=[icebreaker.pk]),
        {"duration_minutes": "20", "step": step},
        headers=HTMX,
    )

    icebreaker.refresh_from_db()
    assert response.status_code == 200
    assert icebreaker.duration_minutes == expected
    assert "dure maintenant" in response.content.decode()


def test_a_typed_duration_is_saved_and_a_bad_one_refused_in_french(
    world, facilitator_client, six_blocks
):
    url = reverse("sessions:item-duration", args=[six_blocks[2].pk])

    saved = facilitator_client.post(url, {"duration_minutes": "275"}, headers=HTMX)
    refused = facilitator_client.post(url, {"duration_minutes": "0"}, headers=HTMX)
    garbage = facilitator_client.post(url, {"duration_minutes": "beaucoup"}, headers=HTMX)

    assert saved.status_code == 200
    assert french_text("« Atelier du matin » dure maintenant 4 h 35.") in saved.content.decode()
    assert refused.status_code == garbage.status_code == 422
    assert "Un bloc dure au moins une minute." in refused.content.decode()
    assert "minutes entières" in garbage.content.decode()
    assert AgendaItem.objects.get(pk=six_blocks[2].pk).duration_minutes == 275


def test_a_duration_without_javascript_redirects_to_the_day(world, facilitator_client, six_blocks):
    response = facilitator_client.post(
        reverse("sessions:item-duration", args=[six_blocks[0].pk]), {"step": "5"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#day-{world.day.pk}")
    assert AgendaItem.objects.get(pk=six_blocks[0].pk).duration_minutes == 35


def test_a_get_on_the_duration_changes_nothing(world, facilitator_client, six_blocks):
    response = facilitator_client.get(reverse("sessions:item-duration", args=[six_blocks[0].pk]))

    assert response.status_code == 405
    assert AgendaItem.objects.get(pk=six_blocks[0].pk).duration_minutes == 30


def test_a_moves_answer_carries_only_the_rows_that_changed(world, facilitator_client, six_blocks):
    shown = shown_rows(facilitator_client, world.session)
    icebreaker = six_blocks[1]

    response = facilitator_client.post(
        reverse("sessions:item-move", args=[icebreaker.pk]),
        {"direction": "up", "shown": shown},
        headers={**HTMX, "HX-Target": f"day-{world.day.pk}"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) <= 8 * 1024
    assert response["HX-Reswap"] == "none"
    assert sorted(rows_in(html)) == sorted([six_blocks[0].pk, icebreaker.pk])
    order = ",".join(str(b.pk) for b in [icebreaker, six_blocks[0], *six_blocks[2:]])
    assert f'data-order="{order}"' in html
    assert f'data-focus="item-{icebreaker.pk}-up"' in html


def test_a_duration_changed_sends_the_rows_whose_times_moved(world, facilitator_client, six_blocks):
    shown = shown_rows(facilitator_client, world.session)

    response = facilitator_client.post(
        reverse("sessions:item-duration", args=[six_blocks[1].pk]),
        {"duration_minutes": "20", "step": "5", "shown": shown},
        headers=HTMX,
    )

    # The icebreaker and the morning workshop move, lunch has 5 minutes less before it (it is
    # pinned): what follows stays.
    assert sorted(rows_in(response.content.decode())) == [b.pk for b in six_blocks[1:4]]


def test_a_block_moved_to_another_day_keeps_its_time(world, facilitator_client, six_blocks):
    other = factories.DayFactory(
        session=world.session, date=world.session.starts_on + datetime.timedelta(days=1)
    )
    for title in ("Ouverture", "Plénière", "Déjeuner", "Restitution"):
        services.add_item(day=other, title=title, duration_minutes=60)
    shown = shown_rows(facilitator_client, world.session)
    morning = six_blocks[2]  # 09:50–11:20

    response = facilitator_client.post(
        reverse("sessions:item-move-to-day", args=[morning.pk]),
        {"day": other.pk, "at": "09:50", "shown": shown},
        headers={**HTMX, "HX-Target": f"day-{world.day.pk}"},
    )

    titles = list(
        AgendaItem.objects.filter(day=other).order_by("position").values_list("title", flat=True)
    )
    assert titles == ["Ouverture", "Atelier du matin", "Plénière", "Déjeuner", "Restitution"]
    html = response.content.decode()
    assert "déplacé au" in html and "à 10:00." in html
    assert f'data-focus="item-{morning.pk}"' in html
    assert morning.pk in rows_in(html)


def test_a_move_to_another_day_without_a_time_goes_at_the_end(world, facilitator_client):
    other = factories.DayFactory(
        session=world.session, date=world.session.starts_on + datetime.timedelta(days=1)
    )
    services.add_item(day=other, title="Ouverture", duration_minutes=60)

    facilitator_client.post(
        reverse("sessions:item-move-to-day", args=[world.item.pk]), {"day": other.pk}
    )

    assert list(
        AgendaItem.objects.filter(day=other).order_by("position").values_list("title", flat=True)
    ) == ["Ouverture", "Tribunal de l'innovation"]


def test_garbage_in_shown_is_ignored(world, facilitator_client, six_blocks):
    response = facilitator_client.post(
        reverse("sessions:item-move", args=[six_blocks[1].pk]),
        {"direction": "up", "shown": "x" * 300 + ",<script>,12:zz"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert sorted(rows_in(response.content.decode())) == sorted(b.pk for b in six_blocks)


@pytest.mark.parametrize("count", [1, 30])
def test_a_moves_answer_query_count_is_constant(
    world, facilitator_client, django_assert_num_queries, count
):
    for _ in range(count):
        factories.AgendaItemFactory(day=world.day)
    shown = shown_rows(facilitator_client, world.session)

    # Fewer than the whole day's 11 (tests/sessions/test_planner.py): no method library and
    # no blank add forms to draw, the days read without their signature.
    with django_assert_num_queries(9):
        response = facilitator_client.post(
            reverse("sessions:item-move", args=[world.item.pk]),
            {"direction": "down", "shown": shown},
            headers=HTMX,
        )

    assert response.status_code == 200


def test_a_bad_duration_is_said_next_to_the_field(world, facilitator_client, six_blocks):
    block = six_blocks[0]

    response = facilitator_client.post(
        reverse("sessions:item-duration", args=[block.pk]),
        {"duration_minutes": "800"},
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#item-{block.pk}"
    assert f'aria-describedby="item-{block.pk}-duration-error"' in html
    assert f'<p class="error" id="item-{block.pk}-duration-error">' in html
    assert "12 heures" in html
    assert 'data-key=""' in html  # not the kept row: the next answer sends it again
    assert AgendaItem.objects.get(pk=block.pk).duration_minutes == 30
