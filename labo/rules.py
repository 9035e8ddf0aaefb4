"""Who may do what with people and programmes (django-rules predicates)."""

import rules

from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT, roles_of


@rules.predicate
def is_facilitator(user) -> bool:
    return FACILITATOR in roles_of(user)


@rules.predicate
def is_ambassador(user) -> bool:
    return AMBASSADOR in roles_of(user)


@rules.predicate
def is_management(user) -> bool:
    return MANAGEMENT in roles_of(user)


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and user.is_authenticated and person.user_id == user.pk


rules.add_rule("labo.view_person", is_facilitator | is_self)
rules.add_rule("labo.change_person", is_facilitator)
# Each person's grade: facilitators only, where they plan participation (docs/privacy.md);
# everyone else, and every document, sees grades in masked aggregates.
rules.add_rule("labo.view_grades", is_facilitator)


@rules.predicate
def may_see_document_subject(user, document) -> bool:
    """Facilitators and management only: a synthesis shows the grade mix of those present,
    which only they may read (and, for a synthesis, only of a session they can see)."""
    if document is None or not (is_facilitator(user) or is_management(user)):
        return False
    if document.session_id:
        return rules.test_rule("sessions.view_session", user, document.session)
    return True


rules.add_rule("labo.view_document", may_see_document_subject)
