"""Who reaches a workshop and its results: one helper per model, called on the first line
of every view. 404 for who may not see it, 403 for who may see but not change it (rules
in ateliers.rules)."""

from __future__ import annotations

from typing import Any

import rules
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from ateliers.formats import Part, parts_of
from ateliers.kinds import DELETABLE, KINDS
from ateliers.models import Atelier, DebateQuestion, GuestLink, Photo, SuggestedOffer
from labo.lib.http import HtmxHttpRequest

GUEST_SALT = "labo.guest-link"


def check_atelier_access(
    request: HtmxHttpRequest, atelier: Atelier, *, write: bool = False, run: bool = False
) -> None:
    """404 for who may not see the workshop, 403 for who may not log (or run) it."""
    if not rules.test_rule("ateliers.view_atelier", request.user, atelier):
        raise Http404
    if write and not rules.test_rule("ateliers.log_results", request.user, atelier):
        raise PermissionDenied
    if run and not rules.test_rule("ateliers.run_atelier", request.user, atelier):
        raise PermissionDenied


def get_atelier_for(
    request: HtmxHttpRequest, pk: int, *, write: bool = False, run: bool = False
) -> Atelier:
    """The workshop, if the user may see it (else 404) and log or run it when asked (else
    403)."""
    atelier = get_object_or_404(
        Atelier.objects.select_related("session__programme", "commande", "agenda_item"), pk=pk
    )
    check_atelier_access(request, atelier, write=write, run=run)
    return atelier


def check_part(atelier: Atelier, part: Part) -> None:
    """404 for a form of a part the workshop's format does not have (a report posted to a
    tribunal): nothing is created for it."""
    if part not in parts_of(atelier.format):
        raise Http404


def get_result_in(atelier: Atelier, kind: str, pk: int | str) -> Any:
    """A result of this kind that belongs to the workshop, itself checked by
    get_atelier_for (404 for an unknown kind and any other id)."""
    spec = KINDS.get(kind)
    if spec is None or not str(pk).isdigit():
        raise Http404
    return get_object_or_404(spec.of(atelier), pk=pk)


def get_deletable_in(atelier: Atelier, kind: str, pk: int | str) -> Any:
    """A result of any kind, or a photo, that belongs to the workshop (404 otherwise)."""
    of = DELETABLE.get(kind)
    if of is None or not str(pk).isdigit():
        raise Http404
    return get_object_or_404(of(atelier), pk=pk)


def get_question_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> DebateQuestion:
    """A debate's statement, with its workshop checked as get_atelier_for does."""
    question = get_object_or_404(DebateQuestion.objects.select_related("atelier"), pk=pk)
    question.atelier = get_atelier_for(request, question.atelier_id, write=write)
    return question


def get_suggestion_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> SuggestedOffer:
    """A suggested offer, with its stand's workshop checked as get_atelier_for does."""
    suggestion = get_object_or_404(SuggestedOffer.objects.select_related("stand"), pk=pk)
    suggestion.stand.atelier = get_atelier_for(request, suggestion.stand.atelier_id, write=write)
    return suggestion


def get_photo_for(request: HtmxHttpRequest, pk: int) -> Photo:
    """A photo, for who may see its workshop (else 404)."""
    photo = get_object_or_404(Photo, pk=pk)
    get_atelier_for(request, photo.atelier_id)
    return photo


def get_guest_link_for(request: HtmxHttpRequest, pk: int, *, run: bool = False) -> GuestLink:
    """A guest link, with its workshop checked as get_atelier_for does."""
    link = get_object_or_404(GuestLink, pk=pk)
    link.atelier = get_atelier_for(request, link.atelier_id, run=run)
    return link


# Guests have no account: the signed token of an active link is their credential.


def guest_token(link: GuestLink) -> str:
    return signing.dumps(link.pk, salt=GUEST_SALT)


def get_guest_link_by_token(token: str) -> GuestLink:
    """The active link a token was signed for (404 for a forged token or a revoked link)."""
    try:
        pk = signing.loads(token, salt=GUEST_SALT)
    except signing.BadSignature as error:
        raise Http404 from error
    link = GuestLink.objects.select_related("atelier__session").filter(pk=pk).first()
    if link is None or not link.active:
        raise Http404
    return link
