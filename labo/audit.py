"""The audit log (django-auditlog): every change to sessions, agendas, workshops and their
results, commandes and people, with who made it and when.

Each entry carries the session, workshop, commande or person it belongs to in its
``additional_data``, so that a session's or a commande's history is one query; deleted
results keep their serialised data so that a facilitator can restore them.

Left out on purpose: votes (one row per dot) and ratings, which are anonymous, and the
creation of an anonymous idea (its actor would name its author; see ateliers.services).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from auditlog.registry import auditlog
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _


def _atelier(atelier_id: int, session_id: int) -> dict:
    return {"session": session_id, "atelier": atelier_id}


def scopes() -> dict[type, Callable[[object], dict]]:
    from ateliers import models as a
    from commandes import models as c
    from labo.models import Person
    from sessions import models as s

    of_result = lambda o: _atelier(o.atelier_id, o.atelier.session_id)  # noqa: E731
    of_stand = lambda o: _atelier(o.stand.atelier_id, o.stand.atelier.session_id)  # noqa: E731
    of_report = lambda o: _atelier(o.report.atelier_id, o.report.atelier.session_id)  # noqa: E731
    of_commande = lambda o: {"commande": o.commande_id}  # noqa: E731
    table = {
        s.Session: lambda o: {"session": o.pk},
        s.Day: lambda o: {"session": o.session_id},
        s.AgendaItem: lambda o: {"session": o.day.session_id},
        s.Attendance: lambda o: {"session": o.day.session_id},
        a.Atelier: lambda o: _atelier(o.pk, o.session_id),
        c.Commande: lambda o: {"commande": o.pk},
        Person: lambda o: {"person": o.pk},
    }
    for model in (
        a.DebateQuestion,
        a.TribunalCase,
        a.DemarreurReport,
        a.Stand,
        a.CriteriaGrid,
        a.RetroEntry,
        a.Theme,
        a.Idea,
        a.Photo,
        a.Action,
        a.GuestLink,
    ):
        table[model] = of_result
    for model in (a.StandFeedback, a.SuggestedOffer, a.StandVisit):
        table[model] = of_stand
    for model in (a.DemarreurRole, a.InterviewQuestion, a.Observation):
        table[model] = of_report
    for model in (c.TeamMember, c.Task, c.Deliverable, c.GateReview):
        table[model] = of_commande
    return table


# Results a facilitator may bring back after a deletion.
RESTORABLE = (
    "debatequestion",
    "tribunalcase",
    "stand",
    "standfeedback",
    "suggestedoffer",
    "retroentry",
    "theme",
    "idea",
    "photo",
    "action",
    "demarreurrole",
    "interviewquestion",
    "observation",
)


def register() -> None:
    """Called once from LaboConfig.ready()."""
    for model, scope in scopes().items():
        model.get_additional_data = lambda self, scope=scope: scope(self)
        auditlog.register(model, serialize_data=True)


class RestoreRefused(Exception):
    """The entry cannot be brought back; the message (French) says why. Nothing changed."""


def history(**scope) -> QuerySet:
    """The entries of one session, workshop, commande or person, newest first."""
    from auditlog.models import LogEntry

    ((key, value),) = scope.items()
    return (
        LogEntry.objects.filter(**{f"additional_data__{key}": value})
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def restorable(entry) -> bool:
    from auditlog.models import LogEntry

    return (
        entry.action == LogEntry.Action.DELETE
        and entry.content_type.model in RESTORABLE
        and bool(entry.serialized_data)
    )


@transaction.atomic
def restore(entry):
    """Bring a deleted result back as it was, with its id (links to it keep working)."""
    if not restorable(entry):
        raise RestoreRefused(_("Only a deleted result can be brought back."))
    model = entry.content_type.model_class()
    if model.objects.filter(pk=entry.object_pk).exists():
        raise RestoreRefused(_("This result is already back."))
    try:
        (restored,) = serializers.deserialize("json", json.dumps([entry.serialized_data]))
    except (serializers.base.DeserializationError, ObjectDoesNotExist) as error:
        raise RestoreRefused(_("This result can no longer be read back.")) from error
    obj = restored.object
    gone = _("This result belonged to something that no longer exists: it cannot come back.")
    for field in model._meta.concrete_fields:
        value = getattr(obj, field.attname)
        related = field.related_model._base_manager if field.is_relation else None
        if related is not None and value is not None and not related.filter(pk=value).exists():
            raise RestoreRefused(gone)
    try:
        with transaction.atomic():
            restored.save()
    except IntegrityError as error:
        raise RestoreRefused(
            _("An identical result exists again: nothing was brought back.")
        ) from error
    return obj
