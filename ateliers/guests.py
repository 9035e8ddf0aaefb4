"""Guests without an account answer through a signed, revocable link: a vote, a rating or
the observation grid. A guest is told apart from another by a random signed cookie."""

from __future__ import annotations

import secrets

import rules
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ateliers import forms as f
from ateliers import services
from ateliers.access import get_result_in
from ateliers.models import GuestLink, GuestPurpose, Idea, Rating, Vote
from ateliers.queries import rating_by
from labo.limits import GUEST_COOKIE

COOKIE = GUEST_COOKIE
COOKIE_SALT = "labo.guest-cookie"


def guest_id_of(request: HttpRequest) -> tuple[str, bool]:
    value = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT)
    if value:
        return value, False
    return secrets.token_urlsafe(12), True


def answer(request: HttpRequest, link: GuestLink, token: str) -> HttpResponse:
    guest_id, fresh = guest_id_of(request)
    # A person with an account who opens a guest link is still themself: their dots and
    # their rating are the ones of the workshop's page, never a second set.
    if request.user.is_authenticated:
        voter = rater = f"p{request.user.pk}"
    else:
        voter, rater = f"g{link.pk}:{guest_id}", f"g{guest_id}"
    atelier = link.atelier
    form: forms.ModelForm | None = None
    closed = ""  # why the link takes nothing any more
    refusal = ""  # why this vote or rating was not taken
    status = 200
    current: Rating | None = None  # the rating this guest gave, shown in the form
    if link.purpose == GuestPurpose.RATE:
        rater_key = services.rater_key(atelier=atelier, identity=rater)
        current = None if request.method == "POST" else rating_by(atelier, rater=rater_key)
        form = f.RatingForm(request.POST or None, prefix="rating", instance=current)
        if request.method == "POST" and form.is_valid():
            try:
                _rating, created = services.rate(
                    atelier=atelier,
                    rater=rater_key,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except services.ResultError as error:
                refusal, status = str(error), 422
            else:
                messages.success(
                    request,
                    _("Thank you: your rating is recorded.")
                    if created
                    else _("Your rating is changed: it counts once."),
                )
                return _back(token, guest_id, fresh)
    elif link.purpose == GuestPurpose.OBSERVE:
        if not rules.test_rule("ateliers.report_open", None, atelier):
            closed = _("The report has been sent: it takes no more observations.")
        else:
            form = f.ObservationForm(request.POST or None, prefix="observation")
        if form is not None and request.method == "POST" and form.is_valid():
            try:
                services.add_result(
                    atelier=atelier, kind="observation", fields=form.cleaned_data, author=None
                )
            except services.ReportSent as error:
                form, closed, status = None, str(error), 409
            else:
                messages.success(request, _("Thank you: your observation is recorded."))
                return _back(token, guest_id, fresh)
        elif closed and request.method == "POST":
            status = 409
    elif request.method == "POST":
        idea = get_result_in(atelier, "idea", request.POST.get("idea", ""))
        try:
            services.vote(idea=idea, voter=voter)
        except services.ResultError as error:
            # Said on the page, refused (422): a vote sent from an outbox is listed as such.
            refusal, status = str(error), 422
        else:
            return _back(token, guest_id, fresh)
    if request.method == "POST" and status == 200:
        status = 422
    ideas = []
    dots_left = 0
    if link.purpose == GuestPurpose.VOTE and atelier.ideas_revealed:
        ideas = list(
            Idea.objects.filter(atelier=atelier)
            .annotate(mine=Count("votes", filter=Q(votes__voter=voter)))
            .order_by("pk")
        )
        dots_left = (
            atelier.votes_per_person
            - Vote.objects.filter(idea__atelier=atelier, voter=voter).count()
        )
    context = {
        "link": link,
        "atelier": atelier,
        "form": form,
        "closed": closed,
        "refusal": refusal,
        "ideas": ideas,
        "dots_left": max(0, dots_left),
        "current_rating": current,
    }
    response = render(request, "ateliers/guest.html", context, status=status)
    if fresh:
        remember_guest(response, guest_id)
    return response


def remember_guest(response: HttpResponse, guest_id: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        guest_id,
        salt=COOKIE_SALT,
        max_age=60 * 60 * 24 * 30,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


def _back(token: str, guest_id: str, fresh: bool) -> HttpResponse:
    response = redirect("ateliers:guest", token=token)
    if fresh:
        remember_guest(response, guest_id)
    return response
