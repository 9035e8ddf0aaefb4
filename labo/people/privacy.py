"""What Labo holds on a person (their data export) and forgetting them when they leave.

Both are recorded in the audit log (the workflows are in labo.people.services). Anonymising
keeps every contribution (ideas, results, attendance, commandes) but signs it "former
member"; the person's name, e-mail, grade, direction and profile are erased, from the person
and from the audit log's past entries.
"""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from ateliers import models as a
from commandes import models as c
from labo.models import Person
from sessions.models import Attendance

FORMER = "former member"  # the name an anonymised person is shown with (translated on display)


def personal_data(person: Person) -> dict[str, object]:
    """Everything Labo holds on the person, as JSON-ready data."""

    def dates(value: datetime.date | None) -> str | None:
        return value.isoformat() if value else None

    attendances = Attendance.objects.filter(person=person).select_related("day__session")
    data = {
        "person": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "job_title": person.job_title,
            "grade": person.grade,
            "direction": str(person.direction or ""),
            "domain_profile": person.domain_profile,
            "skills": [s.name for s in person.skills.all()],
            "appetites": [s.name for s in person.appetites.all()],
            "joined_on": dates(person.joined_on),
            "welcome_day_on": dates(person.welcome_day_on),
            "mentor": person.mentor.full_name if person.mentor else None,
            "active": person.is_active,
            "account": person.user.username if person.user else None,
        },
        "attendance": [
            {
                "session": str(att.day.session),
                "day": dates(att.day.date),
                "role": att.role,
                "present": att.present,
            }
            for att in attendances
        ],
        "workshops": [
            str(w)
            for w in a.Atelier.objects.filter(
                Q(participants=person) | Q(facilitators=person)
            ).distinct()
        ],
        "ideas": list(a.Idea.objects.filter(created_by=person).values_list("text", flat=True)),
        "stand_feedback": list(
            a.StandFeedback.objects.filter(created_by=person).values_list("comment", flat=True)
        ),
        "actions": list(a.Action.objects.filter(owner=person).values_list("what", flat=True)),
        "demarreur_roles": [
            f"{r.report.atelier} — {r.get_role_display()}"
            for r in a.DemarreurRole.objects.filter(person=person).select_related("report__atelier")
        ],
        "commandes_requested": list(
            c.Commande.objects.filter(commanditaire=person).values_list("title", flat=True)
        ),
        "commande_teams": [
            f"{m.commande.title} — {m.get_role_display()}"
            for m in c.TeamMember.objects.filter(person=person).select_related("commande")
        ],
        "tasks": list(c.Task.objects.filter(owner=person).values_list("title", flat=True)),
        "changes_made": LogEntry.objects.filter(actor=person.user).count() if person.user else 0,
    }
    return data


def record(person: Person, event: str, by: User | AnonymousUser | None) -> None:
    """One audit-log entry that says what was done to the person's data, and by whom."""
    LogEntry.objects.log_create(
        person,
        action=LogEntry.Action.ACCESS if event == "export" else LogEntry.Action.UPDATE,
        changes={"privacy": [None, event]},
        actor=by if by and by.is_authenticated else None,
        additional_data={"person": person.pk, "privacy": event},
        serialized_data=None,  # the event, not another copy of the person's data
    )


def scrub_log(person: Person, names: list[str]) -> None:
    """Past entries keep their shape but no longer name the person nor hold their data."""
    person_type = ContentType.objects.get_for_model(Person)
    own = LogEntry.objects.filter(content_type=person_type, object_pk=str(person.pk))
    own.update(changes={}, changes_text="", serialized_data=None, object_repr=FORMER)
    for name in names:
        mentioning = LogEntry.objects.filter(
            Q(object_repr__icontains=name)
            | Q(changes_text__icontains=name)
            | Q(changes__icontains=name)
        )
        for entry in mentioning:
            entry.object_repr = entry.object_repr.replace(name, FORMER)
            entry.changes_text = (entry.changes_text or "").replace(name, FORMER)
            entry.changes = _replace(entry.changes, name)
            entry.serialized_data = _replace(entry.serialized_data, name)
            entry.save(update_fields=["object_repr", "changes_text", "changes", "serialized_data"])


def _replace(value: object, name: str) -> object:
    if isinstance(value, str):
        return value.replace(name, FORMER)
    if isinstance(value, list):
        return [_replace(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, name) for k, v in value.items()}
    return value
