from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import DayRun
from tests import factories

HTMX = {"HX-Request": "true"}


def act(client, day, action, **headers):
    return client.post(
        reverse("sessions:day-run-action", args=[day.pk]),
        {"action": action},
        headers=headers or None,
    )


def test_run_mode_starts_adds_time_and_moves_on(world, facilitator_client):
    services.add_item(day=world.day, title="Déjeuner", duration_minutes=60)

    response = act(facilitator_client, world.day, "start", **HTMX)

    assert response.status_code == 200
    assert "Tribunal de l&#x27;innovation" in response.content.decode()
    assert "Déjeuner" in response.content.decode()  # announced as next

    act(facilitator_client, world.day, "add5", **HTMX)
    assert DayRun.objects.get(day=world.day).extra_minutes == 5

    response = act(facilitator_client, world.day, "next", **HTMX)
    run = DayRun.objects.get(day=world.day)
    assert run.current_item.title == "Déjeuner"
    assert run.extra_minutes == 0


def test_run_mode_says_how_far_behind_the_day_is(world, facilitator_client):
    started = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    DayRun.objects.create(
        day=world.day, current_item=world.item, item_started_at=started, extra_minutes=5
    )

    response = facilitator_client.get(reverse("sessions:day-run", args=[world.day.pk]))

    # Planned 09:00-09:30, started 10:00 and extended by 5 minutes: 65 minutes late.
    assert response.context["state"].delay_minutes == 65
    assert "65 minutes de retard" in response.content.decode()


def test_run_mode_is_read_only_for_a_member(world, member_client):
    response = member_client.get(reverse("sessions:day-run", args=[world.day.pk]))

    assert response.status_code == 200
    assert response.context["can_run"] is False
    assert act(member_client, world.day, "start").status_code == 403


def test_run_mode_refuses_an_unknown_action(world, facilitator_client):
    response = act(facilitator_client, world.day, "rewind", **HTMX)

    assert response.status_code == 422
    assert not DayRun.objects.filter(day=world.day).exists()


def test_run_mode_polling_returns_the_state_fragment(world, member_client):
    response = member_client.get(reverse("sessions:day-run", args=[world.day.pk]), headers=HTMX)

    assert response.content.decode().lstrip().startswith('<div id="run-state"')


def test_projector_view_has_its_class(world, member_client):
    response = member_client.get(
        reverse("sessions:day-run", args=[world.day.pk]), {"projector": "1"}
    )

    assert '<body class="projector"' in response.content.decode()


def test_run_mode_shows_parallel_subgroups_side_by_side(world, facilitator_client):
    for title in ("Stand citoyen", "Stand projets", "Stand interne"):
        factories.AgendaItemFactory(day=world.day, parent=world.item, title=title)
    act(facilitator_client, world.day, "start")

    response = facilitator_client.get(reverse("sessions:day-run", args=[world.day.pk]))

    content = response.content.decode()
    assert content.count('<div class="run-group">') == 3


def test_run_mode_at_the_end_of_the_day(world, facilitator_client):
    act(facilitator_client, world.day, "start")
    act(facilitator_client, world.day, "next")

    response = facilitator_client.get(reverse("sessions:day-run", args=[world.day.pk]))

    assert "La journée est terminée." in response.content.decode()
