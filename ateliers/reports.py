"""A démarreur report as its facilitator reviews it: the e-mail it will be (subject, body,
recipients) and its content (fields, roles, questions, observations), frozen at the
review in plain JSON values, and what changed since (reads only; the writes are in
ateliers.services)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMessage
from django.db.models import Field
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ateliers.models import DemarreurReport, DemarreurRoleKind
from labo.lib import mail

# The report's own fields, as its edit form writes them.
FIELDS = (
    "timebox_minutes",
    "used_minutes",
    "phases_observed",
    "reformulated_request",
    "hypotheses",
    "options_retained",
    "next_steps",
)
CHILDREN = ("roles", "questions", "observations")


def recipients(report: DemarreurReport) -> list[str]:
    """The people in the report's roles and their directions' mailboxes."""
    emails: list[str] = []
    for role in report.roles.all():
        emails.append(role.person.email)
        if role.person.direction:
            emails.append(role.person.direction.email)
    return mail.recipients(emails)


def content(report: DemarreurReport) -> dict[str, Any]:
    """Everything the review vouches for, as JSON values (compared after a round trip
    through the database)."""
    atelier = report.atelier
    body = render_to_string(
        "ateliers/email/demarreur_report.txt", {"report": report, "atelier": atelier}
    )
    subject = _("Report of the démarreur bienveillant: %(title)s") % {"title": atelier.title}
    return {
        "subject": mail.subject_line(subject),
        "body": mail.body_text(body),
        "to": recipients(report),
        "fields": {name: getattr(report, name) for name in FIELDS},
        "roles": [
            f"{role.person.full_name} ({role.get_role_display()})" for role in report.roles.all()
        ],
        "questions": [
            f"{q.text} ({_('uncomfortable')})" if q.uncomfortable else q.text
            for q in report.questions.all()
        ],
        "observations": [f"{o.phase} ({o.observer}) : {o.note}" for o in report.observations.all()],
    }


def email(frozen: dict[str, Any]) -> EmailMessage:
    """The e-mail of a content frozen by ``content``."""
    return mail.message(subject=frozen["subject"], body=frozen["body"], to=frozen["to"])


@dataclass(frozen=True)
class Change:
    """One thing that differs from the reviewed report: what was there, what is now."""

    label: str
    removed: list[str]
    added: list[str]


def _text(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def _list_change(label: str, before: list[str], after: list[str]) -> Change | None:
    removed = [item for item in before if item not in after]
    added = [item for item in after if item not in before]
    return Change(label, removed, added) if removed or added else None


def changes(report: DemarreurReport) -> list[Change]:
    """What differs between the reviewed content and the report as it is now (nothing
    for a report never reviewed)."""
    before = report.reviewed_content
    if not before:
        return []
    now = content(report)
    found: list[Change | None] = []
    for name in FIELDS:
        old, new = before["fields"].get(name), now["fields"][name]
        if old != new:
            field = DemarreurReport._meta.get_field(name)
            label = str(field.verbose_name) if isinstance(field, Field) else name
            found.append(Change(label.capitalize(), [_text(old)], [_text(new)]))
    labels = {
        "roles": _("Roles"),
        "questions": _("Interview grid"),
        "observations": _("Observation grid"),
        "to": _("Recipients"),
    }
    for key, label in labels.items():
        found.append(_list_change(label, before.get(key, []), now[key]))
    if before["subject"] != now["subject"]:
        found.append(Change(_("Subject"), [before["subject"]], [now["subject"]]))
    listed = [change for change in found if change is not None]
    if not listed and before["body"] != now["body"]:
        found.append(Change(_("E-mail text"), [before["body"]], [now["body"]]))
    return [change for change in found if change is not None]


def unchanged_since_review(report: DemarreurReport) -> bool:
    return bool(report.reviewed_content) and content(report) == report.reviewed_content


@dataclass(frozen=True)
class Figure:
    """A key figure of a document's summary: a value and what it counts."""

    value: str
    label: str


def pdf_context(report: DemarreurReport) -> dict[str, Any]:
    """What the printed report shows: a summary first (who asked, where it stands, the key
    figures, what was decided), then the details. Reads the roles, questions and
    observations once (prefetched by the view)."""
    atelier = report.atelier
    roles = list(report.roles.all())
    questions = list(report.questions.all())
    observations = list(report.observations.all())
    uncomfortable = sum(1 for q in questions if q.uncomfortable)
    people = {role.person_id for role in roles}
    figures = [
        Figure(
            f"{report.used_minutes} / {report.timebox_minutes} min"
            if report.used_minutes
            else f"{report.timebox_minutes} min",
            _("time used / timebox") if report.used_minutes else _("timebox"),
        ),
        Figure(
            str(len(people)),
            ngettext("person around the table", "people around the table", len(people)),
        ),
        Figure(
            str(len(questions)),
            ngettext(
                "question in the grid, %(n)s uncomfortable",
                "questions in the grid, %(n)s uncomfortable",
                len(questions),
            )
            % {"n": uncomfortable},
        ),
        Figure(
            str(len(observations)),
            ngettext("observation noted", "observations noted", len(observations)),
        ),
    ]
    return {
        "atelier": atelier,
        "report": report,
        "commande": atelier.commande,
        "askers": [role for role in roles if role.role == DemarreurRoleKind.COMMANDITAIRE],
        "roles": roles,
        "questions": questions,
        "observations": observations,
        "figures": figures,
    }
