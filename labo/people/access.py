"""Who reaches a person: one helper per model, called on the first line of every view.
404 for who may not see the person, 403 for who may see but not change them (rules in
labo/rules.py)."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from labo.lib.http import HtmxHttpRequest
from labo.models import Person


def get_person_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> Person:
    """The person, if the user may see them (else 404) and change them when asked (else 403)."""
    person = get_object_or_404(
        Person.objects.select_related("direction", "mentor", "user").prefetch_related(
            "skills", "appetites"
        ),
        pk=pk,
    )
    if not rules.test_rule("labo.view_person", request.user, person):
        raise Http404
    if write and not rules.test_rule("labo.change_person", request.user, person):
        raise PermissionDenied
    return person


def own_person(request: HtmxHttpRequest) -> Person:
    """The visitor's own person; 404 for an account that has none."""
    try:
        return Person.objects.select_related("direction", "mentor").get(user=request.user)
    except Person.DoesNotExist as error:
        raise Http404(_("No profile is linked to your account.")) from error
