"""A workshop live (issue #16): the facilitator opens a room, phones join with its code and
answer the step shown; every answer lands in the workshop's results once."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ateliers.live import services
from ateliers.live.queries import board
from ateliers.live.steps import steps_of
from ateliers.models import (
    DebateQuestion,
    DemarreurReport,
    Idea,
    LiveAnswer,
    LiveRoom,
    Observation,
    Rating,
    Stand,
    StandFeedback,
    TribunalCase,
    Vote,
)
from labo.lib.typography import french_text
from sessions import exports
from tests.conftest import client_for


def _open(world, fmt="debat_mouvant", prompt=""):
    world.atelier.format = fmt
    world.atelier.save()
    return services.open_room(atelier=world.atelier, prompt=prompt, by=world.facilitator)


def _go(room, key):
    return services.act(room=room, action="go", step=key)


def _phone() -> Client:
    return Client()


def _answer(client: Client, room: LiveRoom, step: str, key: str | None = None, hx=False, **fields):
    headers = {"Idempotency-Key": key} if key else {}
    if hx:  # as the capture client sends it
        headers["HX-Request"] = "true"
    data = {"step": step, **fields}
    return client.post(reverse("live:room", args=[room.code]), data, headers=headers)


@pytest.fixture
def debate(world):
    question = DebateQuestion.objects.create(atelier=world.atelier, text="Le Labo catalyse ?")
    room = _open(world)
    _go(room, f"debate-{question.pk}")
    return room, question


# Opening, joining, closing -------------------------------------------------------------


def test_a_room_gets_a_short_code_without_ambiguous_letters(world):
    room = _open(world)

    assert re.fullmatch(r"[A-HJ-NP-Y3-9]{6}", room.code)
    assert not set(room.code) & set("0O1IL5S2Z")
    assert services.open_room(atelier=world.atelier, prompt="", by=None).pk == room.pk


def test_the_facilitator_opens_the_room_from_the_console(world, facilitator_client):
    world.atelier.format = "debat_mouvant"
    world.atelier.save()
    url = reverse("ateliers:live-open", args=[world.atelier.pk])

    response = facilitator_client.post(url, {"prompt": "Le mot pour notre labo ?"})

    assert response.status_code == 302
    room = LiveRoom.objects.get(atelier=world.atelier)
    page = facilitator_client.get(reverse("ateliers:live-console", args=[world.atelier.pk]))
    assert room.code in page.content.decode()
    assert 'src="data:image/svg+xml' in page.content.decode()  # the QR code
    assert steps_of(room)[0].title == "Le mot pour notre labo ?"


def test_a_phone_joins_by_typing_the_code_however_it_is_typed(world):
    room = _open(world)

    response = _phone().post(
        reverse("live:join"), {"code": f" {room.code[:3].lower()} {room.code[3:]}"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("live:room", args=[room.code])


def test_a_wrong_code_is_said_next_to_the_field(world):
    _open(world)

    response = _phone().post(reverse("live:join"), {"code": "AAAAAA"})

    assert response.status_code == 422
    assert "Aucun direct n’est ouvert avec ce code" in response.content.decode()


def test_a_closed_code_no_longer_works(world, debate):
    room, question = debate
    phone = _phone()
    assert phone.get(reverse("live:room", args=[room.code])).status_code == 200

    services.close_room(room=room)

    assert phone.get(reverse("live:room", args=[room.code])).status_code == 404
    assert _answer(phone, room, f"debate-{question.pk}", **{"live-value": "yes"}).status_code == 404
    assert not LiveAnswer.objects.exists()
    joined = phone.post(reverse("live:join"), {"code": room.code})
    assert joined.status_code == 422


def test_a_room_past_its_end_is_closed(world, debate):
    room, _question = debate
    LiveRoom.objects.filter(pk=room.pk).update(closes_at=room.opened_at)

    response = _phone().get(reverse("live:room", args=[room.code]))

    assert response.status_code == 404
    assert services.open_room(atelier=world.atelier, prompt="", by=None).code != room.code


def test_only_the_sessions_facilitators_run_a_room(world, debate):
    room, _question = debate
    url = reverse("ateliers:live-action", args=[world.atelier.pk])
    for persona in ("member", "management", "outsider"):
        assert client_for(world, persona).post(url, {"action": "next"}).status_code == 403
    anonymous = Client().get(reverse("ateliers:live-projector", args=[world.atelier.pk]))
    assert anonymous.status_code == 302
    room.refresh_from_db()
    assert room.step.startswith("debate-")


# Answers -------------------------------------------------------------------------------


def test_a_guest_answer_is_counted_once_and_changed_not_doubled(
    world, debate, django_capture_on_commit_callbacks
):
    room, question = debate
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))  # the guest's cookie
    step = f"debate-{question.pk}"

    # The version moves on just after each answer's commit.
    with django_capture_on_commit_callbacks(execute=True):
        first = _answer(phone, room, step, "k" * 20, **{"live-value": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        again = _answer(phone, room, step, "k" * 20, **{"live-value": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        changed = _answer(phone, room, step, "m" * 20, **{"live-value": "no"})

    assert first.status_code == again.status_code == changed.status_code == 200
    assert again["Labo-Replay"] == "1"
    assert list(LiveAnswer.objects.values_list("value", flat=True)) == ["no"]
    assert int(changed["Labo-Live-Version"]) > int(first["Labo-Live-Version"])
    assert french_text("Votre réponse : Non") in changed.content.decode()


def test_two_guests_and_a_member_are_three_answers(world, debate):
    room, question = debate
    step = f"debate-{question.pk}"
    for client in (_phone(), _phone(), client_for(world, "member")):
        client.get(reverse("live:room", args=[room.code]))
        assert _answer(client, room, step, **{"live-value": "mixed"}).status_code == 200

    assert LiveAnswer.objects.filter(step=step, value="mixed").count() == 3
    # Nobody can read back whose answer it is: a keyed hash, not the person.
    member_id = f"p{world.member.pk}"
    assert not LiveAnswer.objects.filter(device__contains=member_id).exists()


def test_a_members_answer_leaves_no_trace_of_who_sent_it(world, debate):
    from labo.models import Submission

    room, question = debate
    member = client_for(world, "member")
    member.get(reverse("live:room", args=[room.code]))

    _answer(member, room, f"debate-{question.pk}", "s" * 20, **{"live-value": "no"})

    submission = Submission.objects.get(key="s" * 20)
    assert submission.owner.startswith("h")
    assert not Submission.objects.filter(owner=f"p{world.member.pk}").exists()
    assert not hasattr(LiveAnswer.objects.get(), "updated_at")


def test_an_answer_to_a_question_no_longer_shown_is_refused_and_said(world, debate):
    room, question = debate
    other = DebateQuestion.objects.create(atelier=world.atelier, text="Un budget ?")
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))
    _go(room, f"debate-{other.pk}")

    response = _answer(phone, room, f"debate-{question.pk}", **{"live-value": "yes"})

    assert response.status_code == 409
    assert "La question à l’écran a changé" in response.content.decode()
    assert french_text("Un budget ?") in response.content.decode()
    assert not LiveAnswer.objects.exists()


def test_an_answer_after_answers_closed_is_refused(world, debate):
    room, question = debate
    services.act(room=room, action="close")
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))

    response = _answer(phone, room, f"debate-{question.pk}", **{"live-value": "yes"})

    assert response.status_code == 409
    assert "Les réponses à cette question sont fermées." in response.content.decode()
    assert not LiveAnswer.objects.exists()


def test_an_answer_that_is_no_choice_is_refused_next_to_the_field(world, debate):
    room, question = debate
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))

    response = _answer(phone, room, f"debate-{question.pk}", **{"live-value": "peut-être"})

    assert response.status_code == 422
    assert not LiveAnswer.objects.exists()


def test_words_are_a_few_each_in_lower_case(world):
    room = _open(world)
    services.act(room=room, action="next")
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))

    response = _answer(
        phone, room, "words", **{"live-value": "Audace, Écoute ; partage, temps, trop"}
    )

    assert response.status_code == 200
    assert LiveAnswer.objects.get(step="words").value == "audace, écoute, partage"
    empty = _answer(phone, room, "words", **{"live-value": " , ; "})
    assert empty.status_code == 409
    assert "Écrivez au moins un mot." in empty.content.decode()


def test_post_its_from_phones_are_anonymous_and_hidden_until_revealed(world, facilitator_client):
    room = _open(world, fmt="free")
    _go(room, "ideas")
    member = client_for(world, "member")
    member.get(reverse("live:room", args=[room.code]))

    response = _answer(member, room, "ideas", **{"live-text": "Un guichet unique"})

    assert response.status_code == 200
    idea = Idea.objects.get()
    assert idea.created_by is None
    projector = reverse("ateliers:live-projector", args=[world.atelier.pk])
    assert "Un guichet unique" not in facilitator_client.get(projector).content.decode()
    services.act(room=room, action="show")
    assert "Un guichet unique" in facilitator_client.get(projector).content.decode()


def test_dots_from_phones_keep_the_per_person_limit(world):
    world.atelier.votes_per_person = 1
    room = _open(world, fmt="free")
    ideas = [Idea.objects.create(atelier=world.atelier, text=t) for t in ("A", "B")]
    _go(room, "dots")
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))

    ok = _answer(phone, room, "dots", idea=ideas[0].pk)
    refused = _answer(phone, room, "dots", idea=ideas[1].pk)
    taken_back = _answer(phone, room, "dots", remove=ideas[0].pk)

    assert ok.status_code == 200
    assert refused.status_code == 409
    assert taken_back.status_code == 200
    assert not Vote.objects.exists()


def test_a_rating_from_a_phone_is_one_per_device(world):
    room = _open(world, fmt="free")
    _go(room, "rating")
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))

    _answer(phone, room, "rating", **{"rating-score": "2", "rating-comment": ""})
    _answer(phone, room, "rating", **{"rating-score": "5", "rating-comment": "Top"})

    assert list(Rating.objects.values_list("score", flat=True)) == [5]


def test_stand_feedback_and_observations_land_in_the_results(world):
    room = _open(world, fmt="labo_stands")
    stand = Stand.objects.create(atelier=world.atelier, name="Stand données")
    _go(room, "stands")
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))

    response = _answer(
        phone,
        room,
        "stands",
        **{"feedback-stand": stand.pk, "feedback-understanding": 4, "feedback-interest": 5},
    )

    assert response.status_code == 200
    assert StandFeedback.objects.get().stand == stand
    services.close_room(room=room)
    room = _open(world, fmt="demarreur")
    DemarreurReport.objects.get_or_create(atelier=world.atelier)
    _go(room, "observe")
    phone.get(reverse("live:room", args=[room.code]))
    response = _answer(
        phone,
        room,
        "observe",
        **{"observation-observer": "Obs", "observation-phase": "1", "observation-note": "Calme"},
    )
    assert response.status_code == 200
    assert Observation.objects.get().note == "Calme"


# What the projector, the page, the synthesis and the export show ------------------------------


def test_the_tribunal_shift_is_drawn_per_position(world, facilitator_client):
    room = _open(world, fmt="tribunal")
    case = TribunalCase.objects.create(atelier=world.atelier, question="Un budget propre ?")
    phones = [_phone() for _ in range(3)]
    _go(room, f"before-{case.pk}")
    for phone, value in zip(phones, ("against", "against", "for"), strict=True):
        phone.get(reverse("live:room", args=[room.code]))
        _answer(phone, room, f"before-{case.pk}", **{"live-value": value})
    _go(room, f"after-{case.pk}")
    for phone, value in zip(phones, ("for", "for", "for"), strict=True):
        _answer(phone, room, f"after-{case.pk}", **{"live-value": value})

    room.refresh_from_db()
    rows = {row.label: (row.before, row.count) for row in board(room).rows}
    projector = reverse("ateliers:live-projector", args=[world.atelier.pk])
    assert "1 → 3" not in facilitator_client.get(projector).content.decode()  # not yet shown
    services.act(room=room, action="show")
    page = facilitator_client.get(projector)

    assert rows == {"Convaincus": (1, 3), "Sceptiques": (2, 0), "Indécis": (0, 0)}
    assert "1 → 3" in page.content.decode()
    assert "2 → 0" in page.content.decode()


def test_phone_positions_are_added_to_the_room_counts_and_shown_apart(
    world, debate, facilitator_client
):
    room, question = debate
    DebateQuestion.objects.filter(pk=question.pk).update(yes=10, no=2)
    for value in ("yes", "no", "no"):
        phone = _phone()
        phone.get(reverse("live:room", args=[room.code]))
        _answer(phone, room, f"debate-{question.pk}", **{"live-value": value})

    page = facilitator_client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk]))
    rows = [row for row in exports.result_rows(world.session) if row[3] == question.text]

    assert "Oui 1 · Non 2 · Mitigé 0" in page.content.decode()
    assert 'data-position="yes">10<' in page.content.decode()  # the facilitator's own count
    assert "yes 1 / no 2 / mixed 0" in rows[0][4] or "oui 1 / non 2 / mitigé 0" in rows[0][4]
    from ateliers.queries import results_of

    results = results_of(world.atelier, voter="")
    assert [bar.value for bar in results.questions[0].chart.bars] == [11, 4, 0]


def test_results_are_not_shown_to_phones_before_they_are_revealed(world, debate):
    room, _question = debate
    phone = _phone()

    page = phone.get(reverse("live:room", args=[room.code])).content.decode()

    assert "live-bars" not in page
    services.act(room=room, action="show")
    assert "live-bars" in phone.get(reverse("live:room", args=[room.code])).content.decode()


def test_the_projector_has_nothing_to_click(world, debate, facilitator_client):
    page = facilitator_client.get(
        reverse("ateliers:live-projector", args=[world.atelier.pk])
    ).content.decode()

    body = page.split("<body", 1)[1]
    assert "<form" not in body and "<button" not in body and "<a " not in body
    assert debate[0].code in body


# The console ---------------------------------------------------------------------------


def test_the_console_moves_from_step_to_step(world, debate, facilitator_client):
    room, _question = debate
    url = reverse("ateliers:live-action", args=[world.atelier.pk])

    facilitator_client.post(url, {"action": "next"})  # past the last statement: the rating
    room.refresh_from_db()
    assert room.step == "rating"
    facilitator_client.post(url, {"action": "close"})
    room.refresh_from_db()
    assert not room.accepting
    response = facilitator_client.post(url, {"action": "next"})
    assert response.status_code == 409
    assert "Il n’y a pas d’étape de ce côté." in response.content.decode()
    facilitator_client.post(url, {"action": "lobby"})
    room.refresh_from_db()
    assert room.step == ""


def test_every_action_moves_the_phones_version_and_every_answer_the_projectors(
    world, debate, django_capture_on_commit_callbacks
):
    room, question = debate
    before = LiveRoom.objects.get(pk=room.pk)
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _answer(phone, room, f"debate-{question.pk}", **{"live-value": "yes"})
        assert LiveRoom.objects.get(pk=room.pk).version == before.version  # not before commit
    assert callbacks
    after_answer = LiveRoom.objects.get(pk=room.pk)
    services.act(room=room, action="close")
    after_action = LiveRoom.objects.get(pk=room.pk)

    assert after_answer.version == before.version + 1
    assert after_answer.step_version == before.step_version
    assert after_action.step_version == before.step_version + 1


# Streams, answered once (the test client is WSGI; ASGI is tested in test_events) -------------


def _events(response) -> list[tuple[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return re.findall(r"id: (-?\d+)\nevent: message\n((?:data: .*\n)+)", text)


def test_the_projector_stream_sends_the_state_once_by_version(world, debate, facilitator_client):
    room, _question = debate
    room.refresh_from_db()
    url = reverse("ateliers:live-stream", args=[world.atelier.pk, "projector"])

    fresh = facilitator_client.get(url, {"once": 1})
    current = facilitator_client.get(url, {"once": 1, "since": room.version})

    assert fresh["Content-Type"] == "text/event-stream"
    events = _events(fresh)
    assert [version for version, _data in events] == [str(room.version)]
    assert room.code in events[0][1]
    assert _events(current) == []


def test_the_phone_stream_draws_the_step_with_a_working_form(world, debate):
    room, _question = debate
    room.refresh_from_db()
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))

    response = phone.get(reverse("live:stream", args=[room.code]), {"once": 1})

    ((version, data),) = _events(response)
    assert version == str(room.step_version)
    assert french_text("Le Labo catalyse ?") in data
    assert "csrfmiddlewaretoken" in data


def test_each_device_is_held_to_its_own_rate(world, debate, settings):
    room, question = debate
    settings.LABO_LIVE_POSTS_PER_MINUTE = 3
    eager, calm = _phone(), _phone()
    for phone in (eager, calm):
        phone.get(reverse("live:room", args=[room.code]))
    step = f"debate-{question.pk}"

    statuses = [_answer(eager, room, step, **{"live-value": "yes"}).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert _answer(calm, room, step, **{"live-value": "no"}).status_code == 200  # same address


def test_a_stream_of_a_closed_room_tells_the_browser_to_stop(world, debate, facilitator_client):
    room, _question = debate
    services.close_room(room=room)

    phone = _phone().get(reverse("live:stream", args=[room.code]))
    board = facilitator_client.get(
        reverse("ateliers:live-stream", args=[world.atelier.pk, "projector"])
    )

    assert phone.status_code == board.status_code == 204  # EventSource stops reconnecting


def test_a_rehearsals_answers_can_be_cleared_when_the_room_opens_again(
    world, debate, facilitator_client
):
    room, question = debate
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))
    _answer(phone, room, f"debate-{question.pk}", **{"live-value": "yes"})
    services.close_room(room=room)
    console = reverse("ateliers:live-console", args=[world.atelier.pk])

    page = facilitator_client.get(console).content.decode()
    facilitator_client.post(
        reverse("ateliers:live-open", args=[world.atelier.pk]), {"prompt": "", "clear": "on"}
    )

    assert "1 réponse a déjà été donnée en direct" in page
    assert not LiveAnswer.objects.exists()
    assert LiveRoom.objects.filter(atelier=world.atelier, closed_at=None).count() == 1


def test_closing_asks_first_and_says_it_is_closed(world, debate, facilitator_client):
    console = reverse("ateliers:live-console", args=[world.atelier.pk])
    page = facilitator_client.get(console).content.decode()
    assert '<details class="live-close">' in page  # the close button is behind a second step

    response = facilitator_client.post(
        reverse("ateliers:live-close", args=[world.atelier.pk]), follow=True
    )

    assert (
        french_text("Le direct est fermé : ses réponses sont dans les résultats")
        in response.content.decode()
    )


@pytest.mark.parametrize("others", [1, 30])
def test_an_answer_asks_the_same_queries_however_many_answered(
    world, debate, django_assert_num_queries, others
):
    room, question = debate
    step = f"debate-{question.pk}"
    LiveAnswer.objects.bulk_create(
        LiveAnswer(atelier=world.atelier, step=step, device=f"d{n}", value="yes")
        for n in range(others)
    )
    services.act(room=room, action="show")  # the phone draws the results too
    phone = _phone()
    phone.get(reverse("live:room", args=[room.code]))

    # The key, the room and its steps, the room held against actions (read again, in the
    # same statement), the answer (one upsert), the phone's step drawn again with the
    # results (savepoints included); the version moves on after the commit, in one
    # statement.
    with django_assert_num_queries(16):
        response = _answer(phone, room, step, "q" * 20, hx=True, **{"live-value": "no"})

    assert response.status_code == 200


def test_a_code_of_six_signs_no_room_has_is_said_as_such(world):
    _open(world)

    response = _phone().post(reverse("live:join"), {"code": "ZZZZZZ"})
    short = _phone().post(reverse("live:join"), {"code": "ABC"})

    assert "Aucun direct n’est ouvert avec ce code" in response.content.decode()
    assert "Un code a 6 lettres et chiffres" in short.content.decode()


def test_a_phone_arriving_just_after_a_minute_began_is_counted_at_once(world, monkeypatch):
    room = _open(world)
    clock = {"now": 1_000 * 60 + 50.0}  # ten seconds before a minute ends
    monkeypatch.setattr(services.time, "time", lambda: clock["now"])
    for phone in ("g-one", "g-two", "g-three"):
        services.seen(room=room, identity=phone)

    clock["now"] += 15  # the next minute: a new phone, and one of the three again
    services.seen(room=room, identity="g-four")
    services.seen(room=room, identity="g-one")

    assert services.connected(room) == 4
    clock["now"] += 60  # a minute later, only those seen in the last one
    assert services.connected(room) == 2
