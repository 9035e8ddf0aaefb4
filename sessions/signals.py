"""A day's revision moves on whenever something its planner fragment shows changes."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

_muted = ContextVar("revisions_muted", default=False)


@contextmanager
def muted():
    """Loading a whole lab (import_lab) keeps the revisions it reads."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def bump(days) -> None:
    """Move on the revision of a day (its id) or of days (a query of their ids), in one
    statement."""
    from sessions.models import Day

    if days is not None and not _muted.get():
        ids = [days] if isinstance(days, int) else days
        Day.objects.filter(pk__in=ids).update(revision=F("revision") + 1)


def _item_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        bump(instance.day_id)


def _day_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        bump(instance.pk)


def _atelier_changed(sender, instance, raw=False, **kwargs) -> None:
    from sessions.models import AgendaItem

    if instance.agenda_item_id and not raw:
        bump(AgendaItem.all_objects.filter(pk=instance.agenda_item_id).values("day"))


def _person_changed(sender, instance, raw=False, **kwargs) -> None:
    """A runner renamed or anonymised: the days where they run a block show their name."""
    from sessions.models import AgendaItem

    if not raw:
        bump(AgendaItem.all_objects.filter(facilitators=instance).values("day"))


def _runners_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump(getattr(instance, "day_id", None))


def connect() -> None:
    from ateliers.models import Atelier
    from labo.models import Person
    from sessions.models import AgendaItem, Day

    for signal in (post_save, post_delete):
        signal.connect(_item_changed, sender=AgendaItem, dispatch_uid=f"bump-item-{signal}")
        signal.connect(_atelier_changed, sender=Atelier, dispatch_uid=f"bump-atelier-{signal}")
    post_save.connect(_day_saved, sender=Day, dispatch_uid="bump-day")
    post_save.connect(_person_changed, sender=Person, dispatch_uid="bump-runner")
    m2m_changed.connect(
        _runners_changed, sender=AgendaItem.facilitators.through, dispatch_uid="bump-runners"
    )
