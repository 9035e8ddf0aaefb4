"""What Labo holds on a person (their data export) and forgetting them when they leave.

Both are recorded in the audit log (the workflows are in labo.people.services). Anonymising
keeps every contribution (ideas, results, attendance, commandes) but signs it "former
member"; the person's name, e-mail, grade, direction and profile are erased, from the person,
from the audit log's past entries (and the e-mail and address of the entries they made), from
the login attempts, and the stored documents that may print them are drawn again
(docs/privacy.md says what stays in the lab archives made before).
"""

from __future__ import annotations

import datetime
import json
import re

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from ateliers import models as a
from commandes import models as c
from labo.models import Document, DocumentKind, DocumentStatus, Person, SignInIdentity
from sessions.models import Attendance, Session

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
            # The provider's account that signs this one in (labo/sso/), if any.
            "single_sign_on": SignInIdentity.objects.filter(user_id=person.user_id)
            .values("issuer", "subject")
            .first()
            if person.user_id
            else None,
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


def scrub_log(person: Person, names: list[str], *, user: User | None, email: str) -> None:
    """Past entries keep their shape but no longer name the person nor hold their data:
    their own entries are emptied, the entries they made lose the e-mail and the address they
    were made from, and every mention of their name or e-mail elsewhere (whatever its case,
    in any field) reads "former member"."""
    person_type = ContentType.objects.get_for_model(Person)
    own = LogEntry.objects.filter(content_type=person_type, object_pk=str(person.pk))
    own.update(changes={}, changes_text="", serialized_data=None, object_repr=FORMER)
    made = Q(actor_email__iexact=email) if email else Q(pk__in=[])
    if user is not None:
        made |= Q(actor=user)
    LogEntry.objects.filter(made).update(actor_email=None, remote_addr=None, remote_port=None)
    # Longest first, so that "Bob Durand" goes whole; a name of one or two letters would
    # rewrite words of other people's entries.
    names = sorted({n for n in names if len(n) > 2}, key=len, reverse=True)
    if not names:
        return
    pattern = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE)
    mentioning = Q()
    for name in names:
        # JSON columns may hold a name with its accents escaped (SQLite): both spellings.
        for spelling in {name, json.dumps(name)[1:-1]}:
            for field in ("object_repr", "changes_text", *JSON_FIELDS):
                mentioning |= Q(**{f"{field}__icontains": spelling})
    for entry in LogEntry.objects.filter(mentioning).exclude(pk__in=own.values("pk")):
        entry.object_repr = pattern.sub(FORMER, entry.object_repr)
        entry.changes_text = pattern.sub(FORMER, entry.changes_text or "")
        for field in JSON_FIELDS:
            setattr(entry, field, _replace(getattr(entry, field), pattern))
        entry.save(update_fields=["object_repr", "changes_text", *JSON_FIELDS])


JSON_FIELDS = ("changes", "serialized_data", "additional_data")

# The results that say who logged them, and the path to their workshop.
LOGGED: list[tuple[type[Model], str]] = [
    (a.DebateQuestion, "atelier"),
    (a.TribunalCase, "atelier"),
    (a.Stand, "atelier"),
    (a.RetroEntry, "atelier"),
    (a.Idea, "atelier"),
    (a.Photo, "atelier"),
    (a.Action, "atelier"),
    (a.StandFeedback, "stand__atelier"),
    (a.SuggestedOffer, "stand__atelier"),
]


def _replace(value: object, pattern: re.Pattern[str]) -> object:
    if isinstance(value, str):
        return pattern.sub(FORMER, value)
    if isinstance(value, list):
        return [_replace(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pattern) for k, v in value.items()}
    return value


def claim_actions_named(person: Person, names: list[str]) -> int:
    """Actions given to them by name rather than by account ("who (no account)") become
    theirs, so that they too read "former member"."""
    named = Q(pk__in=[])
    for name in filter(None, names):
        named |= Q(owner_name__iexact=name)
    return a.Action.objects.filter(named, owner=None).update(owner=person, owner_name="")


def forget_logins(usernames: list[str]) -> None:
    """The login attempts recorded against the person's username or e-mail (django-axes
    keeps the username, the address and the browser of each) go."""
    wanted = Q(pk__in=[])
    for name in filter(None, usernames):
        wanted |= Q(username__iexact=name)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(wanted).delete()


def documents_naming(person: Person) -> QuerySet[Document]:
    """The stored documents that may print the person's name: the syntheses of the sessions
    they took part in (attendance, facilitation, a result they logged, an action they own, a
    démarreur role) and the reviews of the programmes of those sessions and of the commandes
    they asked for or worked on (a review lists the commandes at the gate)."""
    atelier_ids = set(
        a.Atelier.objects.filter(Q(participants=person) | Q(facilitators=person)).values_list(
            "pk", flat=True
        )
    )
    for model, atelier in LOGGED:
        atelier_ids.update(
            model._default_manager.filter(created_by=person).values_list(atelier, flat=True)
        )
    atelier_ids.update(
        a.DemarreurReport.objects.filter(reviewed_by=person).values_list("atelier", flat=True)
    )
    atelier_ids.update(a.Action.objects.filter(owner=person).values_list("atelier", flat=True))
    atelier_ids.update(
        a.DemarreurRole.objects.filter(person=person).values_list("report__atelier", flat=True)
    )
    session_ids = set(
        Session.objects.filter(
            Q(days__attendances__person=person)
            | Q(facilitators=person)
            | Q(days__items__facilitators=person)
            | Q(ateliers__in=atelier_ids)
        ).values_list("pk", flat=True)
    )
    programme_ids = set(
        Session.objects.filter(pk__in=session_ids).values_list("programme", flat=True)
    )
    programme_ids.update(
        c.Commande.objects.filter(Q(commanditaire=person) | Q(team__person=person)).values_list(
            "programme", flat=True
        )
    )
    programme_ids.update(person.facilitated_programmes.values_list("pk", flat=True))
    # A failed document has no file; a waiting one will be drawn from today's data anyway.
    return Document.objects.filter(
        Q(kind=DocumentKind.SYNTHESIS, session__in=session_ids)
        | Q(kind=DocumentKind.REVIEW, programme__in=programme_ids),
        status=DocumentStatus.READY,
    )
