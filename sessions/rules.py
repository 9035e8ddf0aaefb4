"""Who may see and change sessions."""

from __future__ import annotations

import rules

from labo.rules import is_facilitator, is_management
from sessions.models import Session
from sessions.queries import facilitates_programme, is_member


@rules.predicate
def is_session_member(user, session) -> bool:
    return session is not None and is_member(user, session)


def may_change_session(user, session: Session | None, *, facilitates: bool | None = None) -> bool:
    """A facilitator of the session's programme may change the session (a superuser any).

    ``facilitates`` is whether the user's person facilitates the programme, when the caller
    read it with the session (sessions.access does, in the object's own query); without it
    the answer is asked of the database, and only of a facilitator."""
    if not is_facilitator(user):
        return False
    if user.is_superuser:
        return True
    if session is None:
        return False
    return facilitates if facilitates is not None else facilitates_programme(user, session)


@rules.predicate
def may_change(user, session) -> bool:
    return may_change_session(user, session)


rules.add_rule("sessions.view_session", is_facilitator | is_management | is_session_member)
rules.add_rule("sessions.change_session", may_change)
