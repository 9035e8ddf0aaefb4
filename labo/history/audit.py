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
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import FileField, Model, QuerySet
from django.utils.translation import gettext as _

Scope = Callable[[Any], dict]

# The content types (model names) of results a facilitator may bring back after a deletion.
RESTORABLE: set[str] = set()
# What the owning app checks (and does) before one of them comes back, inside the restore's
# transaction; it raises RestoreRefused to keep it out.
BEFORE_RESTORE: dict[str, Callable[[Model], None]] = {}


def track(
    *models: type[Model],
    scope: Scope,
    restorable: bool = False,
    before_restore: Callable[[Model], None] | None = None,
) -> None:
    """Log every change to these models, each entry tagged with the session, workshop,
    commande or person it belongs to (``scope``). Each app calls it once, from its
    AppConfig.ready(), for the models it owns."""
    for model in models:
        model.get_additional_data = lambda self, scope=scope: scope(self)  # type: ignore[attr-defined]
        # A version (labo.lib.versions) only says a form saved the row: not a change to show.
        auditlog.register(model, serialize_data=True, exclude_fields=["version"])
        if restorable:
            RESTORABLE.add(model._meta.model_name or "")
        if before_restore is not None:
            BEFORE_RESTORE[model._meta.model_name or ""] = before_restore


def in_atelier(atelier_id: int, session_id: int) -> dict:
    """The scope of a workshop's result: its session and its workshop."""
    return {"session": session_id, "atelier": atelier_id}


class RestoreRefused(Exception):
    """The entry cannot be brought back; the message (French) says why. Nothing changed."""


def history(**scope: int) -> QuerySet[LogEntry]:
    """The entries of one session, workshop, commande or person, newest first."""
    ((key, value),) = scope.items()
    return (
        LogEntry.objects.filter(**{f"additional_data__{key}": value})
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def restorable(entry: LogEntry) -> bool:
    return (
        entry.action == LogEntry.Action.DELETE
        and entry.content_type.model in RESTORABLE
        and bool(entry.serialized_data)
    )


@transaction.atomic
def restore(entry: LogEntry) -> Model:
    """Bring a deleted result back as it was, with its id (links to it keep working)."""
    if not restorable(entry):
        raise RestoreRefused(_("Only a deleted result can be brought back."))
    model = entry.content_type.model_class()
    if model is None:  # the app that held it is gone
        raise RestoreRefused(_("This result can no longer be read back."))
    if model.objects.filter(pk=entry.object_pk).exists():
        raise RestoreRefused(_("This result is already back."))
    try:
        (restored,) = serializers.deserialize("json", json.dumps([entry.serialized_data]))
    except (serializers.base.DeserializationError, ObjectDoesNotExist) as error:
        raise RestoreRefused(_("This result can no longer be read back.")) from error
    obj = restored.object
    for field in model._meta.concrete_fields:
        # A deleted photo's files are purged after the undo window: without them, no photo.
        file = getattr(obj, field.attname) if isinstance(field, FileField) else None
        if file and not field.storage.exists(file.name):  # type: ignore[attr-defined]
            raise RestoreRefused(_("This result was deleted too long ago: it cannot come back."))
    gone = _("This result belonged to something that no longer exists: it cannot come back.")
    for field in model._meta.concrete_fields:
        value = getattr(obj, field.attname)
        related = field.related_model._base_manager if field.is_relation else None
        if related is not None and value is not None and not related.filter(pk=value).exists():
            raise RestoreRefused(gone)
    if model._meta.model_name in BEFORE_RESTORE:
        BEFORE_RESTORE[model._meta.model_name](obj)
    try:
        with transaction.atomic():
            restored.save()
    except IntegrityError as error:
        raise RestoreRefused(
            _("An identical result exists again: nothing was brought back.")
        ) from error
    return obj
