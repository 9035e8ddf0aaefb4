"""A workshop live: the facilitator's console and projector, and the phones that join with
the room's code (an account or none: a guest is told apart by its signed cookie, as on a
guest link). Streams (``labo.lib.sse``) keep the projector, the console and the phones
where the room is; every answer goes through the capture client and is ``@idempotent``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ateliers import guests
from ateliers import services as atelier_services
from ateliers.access import get_atelier_for
from ateliers.live import forms as lf
from ateliers.live import services
from ateliers.live.queries import board, open_room_of, room_by_code
from ateliers.live.steps import CHOICE, DOTS, RATING, WORDS, Step, step_of
from ateliers.models import Atelier, Idea, LiveAnswer, LiveRoom, Vote
from ateliers.queries import rating_by
from labo.idempotency import idempotent
from labo.lib import sse
from labo.lib.http import HtmxHttpRequest

CONSOLE = "ateliers/live/console.html"
PROJECTOR = "ateliers/live/projector.html"
PHONE = "ateliers/live/phone.html"
JOIN = "ateliers/live/join.html"
BOARD_EVERY = 0.1  # seconds between two drawings of a board's stream


def _join_url(request: HtmxHttpRequest, room: LiveRoom) -> str:
    return request.build_absolute_uri(reverse("live:room", args=[room.code]))


# The facilitator ---------------------------------------------------------------------


def _console_context(request: HtmxHttpRequest, atelier: Atelier, **extra: Any) -> dict:
    room = open_room_of(atelier)
    earlier = 0 if room else LiveAnswer.objects.filter(atelier=atelier).count()
    return {
        "atelier": atelier,
        "room": room,
        "board": board(room) if room else None,
        "join_url": _join_url(request, room) if room else "",
        "short_join_url": request.build_absolute_uri(reverse("live:join")),
        "open_form": lf.OpenForm(earlier=earlier),
        "earlier_answers": earlier,
        **extra,
    }


@require_GET
def console(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    return render(request, CONSOLE, _console_context(request, atelier))


@require_POST
def room_open(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    earlier = LiveAnswer.objects.filter(atelier=atelier).count()
    form = lf.OpenForm(request.POST, earlier=earlier)
    if not form.is_valid():
        context = _console_context(request, atelier, open_form=form)
        return render(request, CONSOLE, context, status=422)
    services.open_room(
        atelier=atelier,
        prompt=form.cleaned_data["prompt"],
        by=request.user,
        clear=bool(form.cleaned_data.get("clear")),
    )
    return redirect("ateliers:live-console", pk=atelier.pk)


@require_POST
def room_action(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    room = open_room_of(atelier)
    form = lf.ActionForm(request.POST)
    error, status = "", 200
    if room is None:
        error, status = _("This live room is closed."), 409
    elif not form.is_valid():
        error, status = _("Unknown action."), 422
    else:
        try:
            services.act(room=room, **form.cleaned_data)
        except services.LiveError as refused:
            error, status = str(refused), 409
    if request.htmx:
        context = _console_context(request, atelier, error=error)
        return render(request, f"{CONSOLE}#controls", context, status=status)
    if status != 200:
        return render(
            request, CONSOLE, _console_context(request, atelier, error=error), status=status
        )
    return redirect("ateliers:live-console", pk=atelier.pk)


@require_POST
def room_close(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    room = open_room_of(atelier)
    if room is not None:
        services.close_room(room=room)
        messages.success(
            request, _("The live room is closed: its answers are in the workshop's results.")
        )
    return redirect("ateliers:live-console", pk=atelier.pk)


@require_GET
def projector(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    atelier = get_atelier_for(request, pk, run=True)
    room = open_room_of(atelier)
    return render(
        request,
        PROJECTOR,
        {
            "atelier": atelier,
            "room": room,
            "board": board(room) if room else None,
            "join_url": _join_url(request, room) if room else "",
            "short_join_url": request.build_absolute_uri(reverse("live:join")),
        },
    )


@require_GET
def board_stream(request: HtmxHttpRequest, pk: int, view: str) -> HttpResponseBase:
    """The board of the room as it is now, each time it moves: for the projector (large,
    the join code while joining is open) or the console."""
    with sse.opening():
        atelier = get_atelier_for(request, pk, run=True)
        room = open_room_of(atelier)
    if room is None:
        return sse.ended()
    room_pk = room.pk
    template = f"{PROJECTOR}#board" if view == "projector" else f"{CONSOLE}#board"
    join_url = _join_url(request, room) if room else ""
    short_join_url = request.build_absolute_uri(reverse("live:join"))

    def read() -> sse.State:
        current = LiveRoom.objects.select_related("atelier").filter(pk=room_pk).first()
        if current is None or not services.is_open(current):
            html = render_to_string(template, {"room": None, "atelier": atelier})
            return sse.State(-1, html, final=True)
        context = {
            "atelier": current.atelier,
            "room": current,
            "board": board(current),
            "join_url": join_url,
            "short_join_url": short_join_url,
        }
        return sse.State(current.version, render_to_string(template, context))

    # A few drawings a second at most, each with every vote received meanwhile: a room
    # voting at once costs the server a handful of drawings, not one per vote.
    return sse.stream(request, topic=f"live:{room_pk}", read=read, every=BOARD_EVERY)


# The phones --------------------------------------------------------------------------


def _identity(request: HtmxHttpRequest) -> tuple[str, str, bool]:
    """Who answers: ``p<user id>`` for an account, ``g<cookie>`` for a guest (and the
    cookie, and whether it is new)."""
    guest_id, fresh = guests.guest_id_of(request)
    if request.user.is_authenticated:
        return f"p{request.user.pk}", guest_id, False
    return f"g{guest_id}", guest_id, fresh


@require_http_methods(["GET", "POST"])
def join(request: HtmxHttpRequest) -> HttpResponse:
    """Type the code shown on the screen."""
    form: forms.BaseForm = lf.JoinForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        if room_by_code(form.cleaned_data["code"]) is not None:
            return redirect("live:room", code=form.cleaned_data["code"])
        form.add_error("code", _("No live room is open with this code: check it on the screen."))
    status = 422 if form.is_bound else 200
    return render(request, JOIN, {"form": form}, status=status)


def _mine(room: LiveRoom, step: Step | None, identity: str) -> dict[str, Any]:
    """What this device already answered to the step (shown, changeable)."""
    if step is None:
        return {}
    atelier = room.atelier
    if step.kind in (WORDS, CHOICE):
        device = services.device_key(atelier=atelier, identity=identity)
        answer = LiveAnswer.objects.filter(atelier=atelier, step=step.key, device=device).first()
        return {"answer": answer.value if answer else ""}
    if step.kind == DOTS:
        voter = services.dot_voter(identity)
        mine = dict(
            Vote.objects.filter(idea__atelier=atelier, voter=voter)
            .values_list("idea")
            .annotate(n=Count("pk"))
            .values_list("idea", "n")
        )
        ideas = list(Idea.objects.filter(atelier=atelier).order_by("pk"))
        for idea in ideas:
            idea.mine = mine.get(idea.pk, 0)  # type: ignore[attr-defined]
        used = sum(mine.values())
        return {"ideas": ideas, "dots_left": max(0, atelier.votes_per_person - used)}
    if step.kind == RATING:
        rater = atelier_services.rater_key(atelier=atelier, identity=identity)
        return {"rating": rating_by(atelier, rater=rater)}
    return {}


def _phone_context(
    room: LiveRoom, identity: str, *, form=None, refusal: str = "", notice: str = ""
) -> dict[str, Any]:
    step = step_of(room, room.step) if room.step else None
    mine = _mine(room, step, identity)
    if step is not None and form is None and room.accepting:
        form = lf.form_for(step, room.atelier)
        if step.kind == WORDS and mine.get("answer"):
            form.initial = {"value": mine["answer"]}
        elif step.kind == RATING and mine.get("rating"):
            form = lf.f.RatingForm(prefix="rating", instance=mine["rating"])
    return {
        "room": room,
        "atelier": room.atelier,
        "step": step,
        "form": form,
        "refusal": refusal,
        "notice": notice,
        "board": board(room) if step is not None and room.revealed else None,
        **mine,
    }


def _phone_response(
    request: HtmxHttpRequest,
    room: LiveRoom,
    identity: str,
    guest_id: str,
    fresh: bool,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    template = f"{PHONE}#step" if request.htmx else PHONE
    response = render(request, template, _phone_context(room, identity, **extra), status=status)
    if fresh:
        guests.remember_guest(response, guest_id)
    return response


def _replay_phone(request: HtmxHttpRequest, code: str) -> HttpResponse:
    room = room_by_code(code.upper())
    if room is None:
        return redirect("live:join")
    identity, guest_id, fresh = _identity(request)
    return _phone_response(
        request, room, identity, guest_id, fresh, notice=_("Your answer is recorded.")
    )


@require_http_methods(["GET", "POST"])
@idempotent(_replay_phone, anonymous=True)
def room(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The phone's page: the step shown on the screen, and its answer."""
    current = room_by_code(code.upper())
    if current is None:
        join_form = lf.JoinForm({"code": code})
        join_form.is_valid()
        return render(request, JOIN, {"form": join_form, "closed": True}, status=404)
    identity, guest_id, fresh = _identity(request)
    if request.method == "GET":
        services.seen(room=current, identity=identity)  # its stream keeps it counted
        return _phone_response(request, current, identity, guest_id, fresh)
    step = step_of(current, current.step) if current.step else None
    if step is None or request.POST.get("step") != step.key:
        return _phone_response(
            request,
            current,
            identity,
            guest_id,
            fresh,
            status=409,
            refusal=_("The question on the screen has changed: here it is."),
        )
    form = lf.form_for(step, current.atelier, request.POST)
    if not form.is_valid():
        return _phone_response(request, current, identity, guest_id, fresh, status=422, form=form)
    try:
        answered = services.answer(
            room=current,
            step=step.key,
            identity=identity,
            values=form.cleaned_data,
        )
    except atelier_services.ResultError as refused:  # LiveError, dots used, report sent
        current.refresh_from_db()
        return _phone_response(
            request, current, identity, guest_id, fresh, status=409, refusal=str(refused)
        )
    response = _phone_response(
        request, answered, identity, guest_id, fresh, notice=_("Your answer is recorded.")
    )

    def said(response: HttpResponse = response) -> None:
        # The version that counts this answer, known once it is committed (the benchmark
        # reads it to time the projector).
        response["Labo-Live-Version"] = str(answered.version)

    transaction.on_commit(said)
    return response


@require_GET
def room_stream(request: HtmxHttpRequest, code: str) -> HttpResponseBase:
    """The phone's step, drawn again each time the facilitator acts (not at each vote)."""
    with sse.opening():  # a room of phones reconnecting at once opens a few connections
        current = room_by_code(code.upper())
    if current is None:
        return sse.ended()
    identity, _guest_id, _fresh = _identity(request)
    room_pk = current.pk
    token = get_token(request)  # the forms drawn by the stream are sent by this browser

    def read() -> sse.State:
        now = LiveRoom.objects.select_related("atelier").filter(pk=room_pk).first()
        if now is None or not services.is_open(now):
            html = render_to_string(f"{PHONE}#step", {"room": None})
            return sse.State(-1, html, final=True)
        context = _phone_context(now, identity)
        context["csrf_token"] = token
        return sse.State(now.step_version, render_to_string(f"{PHONE}#step", context))

    def tick() -> None:
        services.seen(room=current, identity=identity)

    def peek() -> int:
        # The step's version alone; a room just closed reads as moved (-1).
        fields = ("atelier_id", "step_version", "closed_at", "closes_at")
        now = LiveRoom.objects.only(*fields).filter(pk=room_pk).first()
        return now.step_version if now is not None and services.is_open(now) else -1

    return sse.stream(request, topic=f"live:{room_pk}:step", read=read, on_tick=tick, peek=peek)
