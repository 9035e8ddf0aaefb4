"""Who reaches a session: one helper per model, called on the first line of every view.
404 for who may not see it, 403 for who may see but not change it (rules in rules.py)."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from labo.lib.http import HtmxHttpRequest
from sessions.models import Session


def check_session_access(request: HtmxHttpRequest, session: Session, *, write: bool) -> None:
    """404 for who may not see the session, 403 for who may see but not change it."""
    if not rules.test_rule("sessions.view_session", request.user, session):
        raise Http404
    if write and not rules.test_rule("sessions.change_session", request.user, session):
        raise PermissionDenied


def get_session_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> Session:
    """The session, if the user may see it (else 404) and change it when asked (else 403)."""
    session = get_object_or_404(Session.objects.select_related("programme"), pk=pk)
    check_session_access(request, session, write=write)
    return session
