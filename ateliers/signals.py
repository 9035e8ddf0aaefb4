"""A workshop shows on its agenda block: a change to it moves its day's revision on
(see sessions.signals)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from ateliers.models import Atelier
from sessions.models import AgendaItem
from sessions.signals import bump


def _atelier_changed(sender, instance: Atelier, raw: bool = False, **kwargs) -> None:
    if instance.agenda_item_id and not raw:
        bump(AgendaItem.all_objects.filter(pk=instance.agenda_item_id).values("day"))


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_atelier_changed, sender=Atelier, dispatch_uid=f"bump-atelier-{signal}")
