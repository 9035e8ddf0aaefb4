"""Who reaches a session: one helper per model, called on the first line of every view.
404 for who may not see it, 403 for who may see but not change it (rules in rules.py).

The planner's helpers read, in the object's own query, whether the visitor facilitates the
session's programme (queries.visitor_facilitates) and hand that fact to the rule
(rules.may_change_session): a change costs no query for its permission."""

from __future__ import annotations

import rules
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from labo.lib.http import HtmxHttpRequest
from sessions import planner_cache
from sessions.models import AgendaItem, Day, Session
from sessions.queries import visitor_facilitates
from sessions.rules import may_change_session


def check_session_access(
    request: HtmxHttpRequest, session: Session, *, write: bool, facilitates: bool | None = None
) -> None:
    """404 for who may not see the session, 403 for who may see but not change it.
    ``facilitates``: whether the visitor facilitates its programme, when read with it."""
    if not rules.test_rule("sessions.view_session", request.user, session):
        raise Http404
    if write and not may_change_session(request.user, session, facilitates=facilitates):
        raise PermissionDenied


def get_session_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> Session:
    """The session, if the user may see it (else 404) and change it when asked (else 403)."""
    session = get_object_or_404(Session.objects.select_related("programme"), pk=pk)
    check_session_access(request, session, write=write)
    return session


def get_planner_session_for(request: HtmxHttpRequest, pk: int) -> planner_cache.PlannerSession:
    """The session, for a visitor who may change it, read in one query with what the
    planner's kept page is keyed on (planner_cache.with_key_columns) and whether the visitor
    facilitates its programme."""
    sessions = planner_cache.with_key_columns(Session.objects.all()).annotate(
        visitor_facilitates=visitor_facilitates(request.user)
    )
    try:
        session = sessions.get(pk=pk)
    except Session.DoesNotExist as missing:
        raise Http404 from missing
    check_session_access(request, session, write=True, facilitates=session.visitor_facilitates)
    return session


def get_day_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> Day:
    """The day with its session and programme, if the user may see it (and change it)."""
    days = Day.objects.select_related("session__programme").annotate(
        visitor_facilitates=visitor_facilitates(request.user)
    )
    try:
        day = days.get(pk=pk)
    except Day.DoesNotExist as missing:
        raise Http404 from missing
    check_session_access(request, day.session, write=write, facilitates=day.visitor_facilitates)
    return day


def get_item_for(
    request: HtmxHttpRequest, pk: int, *, write: bool = False, deleted: bool = False
) -> AgendaItem:
    """A block with its day, session and programme (``deleted``: in the bin or not)."""
    manager = AgendaItem.all_objects if deleted else AgendaItem.objects
    items = manager.select_related("day__session__programme").annotate(
        visitor_facilitates=visitor_facilitates(request.user)
    )
    try:
        item = items.get(pk=pk)
    except AgendaItem.DoesNotExist as missing:
        raise Http404 from missing
    check_session_access(
        request, item.day.session, write=write, facilitates=item.visitor_facilitates
    )
    return item


def get_restorable_entry_for(request: HtmxHttpRequest, pk: int) -> tuple[LogEntry, Session]:
    """A history entry and the session it belonged to: only the facilitators of that
    session's programme may bring it back (else 403)."""
    entry = get_object_or_404(LogEntry.objects.select_related("content_type"), pk=pk)
    session_id = (entry.additional_data or {}).get("session")
    session = get_object_or_404(Session, pk=session_id) if session_id else None
    if session is None or not rules.test_rule("sessions.change_session", request.user, session):
        raise PermissionDenied
    return entry, session
