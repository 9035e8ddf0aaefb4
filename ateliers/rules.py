"""Who may see a workshop and who may log its results."""

import rules

from ateliers.models import DemarreurReport, ReportStatus
from labo.queries import person_id_of
from labo.rules import is_facilitator, is_management
from sessions.queries import is_member


@rules.predicate
def is_atelier_member(user, atelier) -> bool:
    return atelier is not None and is_member(user, atelier.session)


@rules.predicate
def runs_atelier(user, atelier) -> bool:
    person_id = person_id_of(user)
    if atelier is None or person_id is None:
        return False
    return (
        atelier.facilitators.filter(pk=person_id).exists()
        or atelier.session.programme.facilitators.filter(pk=person_id).exists()
    )


@rules.predicate
def report_sent(user, atelier) -> bool:
    return (
        atelier is not None
        and DemarreurReport.objects.filter(atelier=atelier, status=ReportStatus.SENT).exists()
    )


rules.add_rule("ateliers.view_atelier", is_facilitator | is_management | is_atelier_member)
# Management reads; the workshop's facilitators and the session's members log results.
rules.add_rule("ateliers.log_results", runs_atelier | (is_atelier_member & ~is_management))
rules.add_rule("ateliers.run_atelier", runs_atelier | (is_facilitator & is_atelier_member))
# A sent démarreur report, its roles, questions and observations never change again (for
# who logs results, and for a guest link's holder adding observations).
rules.add_rule("ateliers.report_open", ~report_sent)
