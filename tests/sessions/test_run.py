import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from labo.lib import events
from labo.lib.typography import french_text
from sessions import services
from sessions.models import Day, DayRun
from sessions.templatetags.runmode import clock, hours_minutes
from tests import factories
from tests.conftest import client_for

HTMX = {"HX-Request": "true"}


@pytest.fixture
def today(world):
    """The world's day, run on its own date (not a rehearsal)."""
    world.day.date = timezone.localdate()
    world.day.save()
    return world.day


def act(client, day, action, confirm=False, **headers):
    data = {"action": action, **({"confirm": "1"} if confirm else {})}
    return client.post(
        reverse("sessions:day-run-action", args=[day.pk]), data, headers=headers or None
    )


def page(client, day, **params):
    return client.get(reverse("sessions:day-run", args=[day.pk]), params)


def stream(client, day, **params):
    response = client.get(reverse("sessions:day-run-stream", args=[day.pk]), params)
    return response, b"".join(response.streaming_content).decode()


def revision(day):
    return Day.objects.values_list("revision", flat=True).get(pk=day.pk)


def test_run_mode_starts_adds_time_and_moves_on(today, facilitator_client):
    services.add_item(day=today, title="Déjeuner", duration_minutes=60)

    response = act(facilitator_client, today, "start", **HTMX)

    assert response.status_code == 200
    assert french_text("Tribunal de l&#x27;innovation") in response.content.decode()
    assert "Déjeuner" in response.content.decode()  # announced as next

    act(facilitator_client, today, "add5", **HTMX)
    assert DayRun.objects.get(day=today).extra_minutes == 5

    response = act(facilitator_client, today, "next", **HTMX)
    run = DayRun.objects.get(day=today)
    assert run.current_item.title == "Déjeuner"
    assert run.extra_minutes == 0
    assert run.rehearsal is False


def test_run_mode_says_how_far_behind_the_day_is_in_hours_and_minutes(today, facilitator_client):
    started = timezone.localtime().replace(hour=10, minute=17, second=0, microsecond=0)
    DayRun.objects.create(
        day=today, current_item=today.items.get(), item_started_at=started, extra_minutes=5
    )

    response = page(facilitator_client, today)

    # Planned 09:00-09:30, started 10:17 and extended by 5 minutes: 82 minutes late.
    assert response.context["state"].delay_minutes == 82
    assert "1 h 22 min de retard" in response.content.decode()
    assert "82 minutes" not in response.content.decode()


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (442, "7 h 22 min"),
        (82, "1 h 22 min"),
        (60, "1 h"),
        (120, "2 h"),
        (5, "5 min"),
        (-65, "1 h 5 min"),
        (0, "0 min"),
    ],
)
def test_hours_minutes_says_a_length_of_time(minutes, said):
    with translation.override("fr"):
        assert hours_minutes(minutes) == said


@pytest.mark.parametrize(
    ("seconds", "shown"), [(1800, "30:00"), (65, "1:05"), (3725, "1:02:05"), (-250, "+4:10")]
)
def test_clock_shows_a_countdown_as_run_js_does(seconds, shown):
    assert clock(seconds) == shown


def test_run_mode_offers_to_start_only_before_the_day_starts(today, facilitator_client):
    before = page(facilitator_client, today).content.decode()
    act(facilitator_client, today, "start")
    during = page(facilitator_client, today).content.decode()
    act(facilitator_client, today, "next")
    after = page(facilitator_client, today).content.decode()

    assert before.count("Démarrer la journée") == 1
    assert ">Réinitialiser<" not in before
    assert "Démarrer la journée" not in during
    assert (">Bloc suivant<" in during, ">Recommencer<" in during) == (True, True)
    assert "Démarrer la journée" not in after
    assert ">Bloc suivant<" not in after
    assert ">Réinitialiser<" in after


@pytest.mark.parametrize(
    ("action", "question"),
    [
        ("start", "La journée a commencé : confirmez pour la recommencer."),
        ("reset", "La journée a commencé : confirmez pour la réinitialiser."),
    ],
)
@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_restart_or_reset_is_refused_without_confirmation(
    today, facilitator_client, action, question, headers
):
    services.add_item(day=today, title="Déjeuner", duration_minutes=60)
    act(facilitator_client, today, "start")
    act(facilitator_client, today, "next")
    before = DayRun.objects.values().get(day=today)
    version = revision(today)

    response = act(facilitator_client, today, action, **headers)

    assert response.status_code == 409
    assert DayRun.objects.values().get(day=today) == before
    assert revision(today) == version
    content = response.content.decode()
    assert french_text(question) in content
    assert '<input type="hidden" name="confirm" value="1">' in content


def test_restart_with_confirmation_starts_from_the_first_block(today, facilitator_client):
    services.add_item(day=today, title="Déjeuner", duration_minutes=60)
    act(facilitator_client, today, "start")
    act(facilitator_client, today, "next")

    response = act(facilitator_client, today, "start", confirm=True)

    assert response.status_code == 302
    assert DayRun.objects.get(day=today).current_item.title == "Tribunal de l'innovation"


def test_reset_with_confirmation_says_the_day_has_not_started(today, facilitator_client):
    act(facilitator_client, today, "start")

    response = act(facilitator_client, today, "reset", confirm=True, **HTMX)

    assert response.status_code == 200
    assert french_text("La journée n'a pas encore commencé.") in response.content.decode()
    run = DayRun.objects.get(day=today)
    assert (run.has_started, run.started_at) == (False, None)


@pytest.mark.parametrize("action", ["add5", "next"])
def test_moving_on_before_the_start_is_refused(today, facilitator_client, action):
    response = act(facilitator_client, today, action, **HTMX)

    assert response.status_code == 422
    assert french_text("La journée n&#x27;a pas encore commencé.") in response.content.decode()
    assert not DayRun.objects.filter(day=today).exists()


def test_a_day_other_than_today_runs_as_a_rehearsal(world, facilitator_client):
    assert world.day.date != timezone.localdate()
    real = DayRun.objects.create(day=world.day, finished=True, item_started_at=timezone.now())

    response = page(facilitator_client, world.day)
    act(facilitator_client, world.day, "start")

    assert response.context["rehearsal"] is True
    assert "Répétition" in response.content.decode()
    assert "Démarrer la journée" in response.content.decode()  # the real day's end is not shown
    rehearsal = DayRun.objects.get(day=world.day, rehearsal=True)
    assert rehearsal.current_item == world.item
    assert DayRun.objects.get(pk=real.pk).finished is True  # the real day is untouched


def test_the_day_itself_is_no_rehearsal(today, facilitator_client):
    DayRun.objects.create(day=today, rehearsal=True, finished=True, item_started_at=timezone.now())

    response = page(facilitator_client, today)

    assert response.context["rehearsal"] is False
    assert "Répétition" not in response.content.decode()
    assert "Démarrer la journée" in response.content.decode()


def test_a_rehearsal_is_measured_from_its_own_start(world, facilitator_client):
    begun = timezone.localtime().replace(hour=15, minute=0, second=0, microsecond=0)
    DayRun.objects.create(
        day=world.day,
        rehearsal=True,
        current_item=world.item,
        started_at=begun,
        item_started_at=begun + datetime.timedelta(minutes=10),
    )

    response = page(facilitator_client, world.day)

    # Planned 09:00-09:30; the rehearsal began at 15:00 and its first block at 15:10.
    assert response.context["state"].delay_minutes == 10
    assert "10 min de retard" in response.content.decode()


def test_run_mode_is_read_only_for_a_member(today, member_client):
    response = page(member_client, today)

    assert response.status_code == 200
    assert response.context["can_run"] is False
    assert "<form" not in response.content.decode().split('id="run-state"')[1]
    assert act(member_client, today, "start").status_code == 403


def test_run_mode_refuses_an_unknown_action(today, facilitator_client):
    response = act(facilitator_client, today, "rewind", **HTMX)

    assert response.status_code == 422
    assert not DayRun.objects.filter(day=today).exists()


def test_run_mode_polling_returns_the_state_fragment(today, member_client):
    response = member_client.get(reverse("sessions:day-run", args=[today.pk]), headers=HTMX)

    assert response.content.decode().lstrip().startswith('<div id="run-state"')


def test_projector_view_has_no_control_and_no_personal_data(today, facilitator_client):
    act(facilitator_client, today, "start")

    response = page(facilitator_client, today, projector="1")

    content = response.content.decode()
    assert '<body class="projector"' in content
    assert french_text("Tribunal de l&#x27;innovation") in content
    assert [tag for tag in ("<form", "<button", "<a ", "<input") if tag in content] == []
    assert "alice" not in content  # the person logged in (base.html would name her)
    url = reverse("sessions:day-run-stream", args=[today.pk])
    assert f'data-live-stream="{url}" data-live-version="{revision(today)}"' in content


def test_stream_answers_the_projector_state_under_its_version(today, facilitator_client):
    act(facilitator_client, today, "start")

    response, body = stream(facilitator_client, today, once="1")

    assert response["Content-Type"] == "text/event-stream"
    assert f"id: {revision(today)}\n" in body
    assert 'data: <div class="run-screen-head">' in body
    assert french_text("Tribunal de l&#x27;innovation") in body
    assert "<form" not in body


def test_stream_answers_nothing_new_at_the_current_version(today, facilitator_client):
    act(facilitator_client, today, "start")

    _response, body = stream(facilitator_client, today, once="1", since=revision(today))

    assert body == "retry: 1000\n\n"


def test_stream_refuses_an_outsider(world, today):
    response = client_for(world, "outsider").get(
        reverse("sessions:day-run-stream", args=[today.pk])
    )

    assert response.status_code == 404


def test_every_run_action_moves_the_version_on(today, facilitator_client):
    versions = [revision(today)]
    for action in ("start", "add5", "next"):
        act(facilitator_client, today, action)
        versions.append(revision(today))

    assert versions == sorted(set(versions))


def test_run_action_tells_the_projector(
    today, monkeypatch, django_capture_on_commit_callbacks, on_postgres
):
    said, heard = [], []
    publish = events.publish
    monkeypatch.setattr(
        events, "publish", lambda topic, data="", **kw: [said.append(topic), publish(topic, data)]
    )
    monkeypatch.setattr(events.hub, "deliver", lambda topic, data: heard.append(topic))

    with django_capture_on_commit_callbacks(execute=True):
        services.run_action(day=today, action="start")
        services.run_action(day=today, action="add5")

    assert said == [f"dayrun:{today.pk}"] * 2
    if not on_postgres:  # on PostgreSQL the hub hears it from the database (NOTIFY)
        assert heard == said


def test_run_mode_shows_parallel_subgroups_side_by_side(today, facilitator_client):
    item = today.items.get()
    for title in ("Stand citoyen", "Stand projets", "Stand interne"):
        factories.AgendaItemFactory(day=today, parent=item, title=title)
    act(facilitator_client, today, "start")

    response = page(facilitator_client, today)

    content = response.content.decode()
    assert content.count('<div class="run-group">') == 3


def test_run_mode_at_the_end_of_the_day(today, facilitator_client):
    act(facilitator_client, today, "start")
    act(facilitator_client, today, "next")

    response = page(facilitator_client, today)

    assert "La journée est terminée." in response.content.decode()


def test_an_action_marks_the_block_now_on_in_the_plan_too(today, facilitator_client):
    response = act(facilitator_client, today, "start", **HTMX)

    content = response.content.decode()
    assert (
        '<section id="run-plan" aria-labelledby="plan-title" class="run-plan" '
        'data-hx-swap-oob="true">'
        in content
    )
    assert '<li class="agenda-item current">' in content
