"""Who may see and change sessions."""

import rules

from labo.queries import person_id_of
from labo.rules import is_facilitator, is_management
from sessions.queries import is_member


@rules.predicate
def is_session_member(user, session) -> bool:
    return session is not None and is_member(user, session)


@rules.predicate
def is_programme_facilitator(user, session) -> bool:
    if user.is_superuser:
        return True
    known = getattr(session, "facilitated_by", None)  # (user id, answer) read with the session
    if known is not None and known[0] == user.pk:
        return known[1]
    person_id = person_id_of(user)
    if session is None or person_id is None:
        return False
    return session.programme.facilitators.filter(pk=person_id).exists()


rules.add_rule("sessions.view_session", is_facilitator | is_management | is_session_member)
rules.add_rule("sessions.change_session", is_facilitator & is_programme_facilitator)
