"""A day's revision moves on whenever something its planner fragment shows changes."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from labo.models import Person
from sessions.models import AgendaItem, Day

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
    """Move on the revision of a day (its id) or of days (a query of their ids)."""

    if days is None or _muted.get():
        return
    if isinstance(days, int):
        Day.objects.filter(pk=days).update(revision=F("revision") + 1)
        return
    with transaction.atomic():
        # Several days (a runner renamed): locked by id, the lower first, as every writer of
        # days does; one UPDATE over them would lock them in whatever order it meets them.
        ids = list(
            Day.objects.filter(pk__in=days)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )
        Day.objects.filter(pk__in=ids).update(revision=F("revision") + 1)


def _item_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        bump(instance.day_id)


def _day_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        bump(instance.pk)


def _person_changed(sender, instance, raw=False, **kwargs) -> None:
    """A runner renamed or anonymised: the days where they run a block show their name."""

    if not raw:
        bump(AgendaItem.all_objects.filter(facilitators=instance).values("day"))


def _runners_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump(getattr(instance, "day_id", None))


def connect() -> None:

    for signal in (post_save, post_delete):
        signal.connect(_item_changed, sender=AgendaItem, dispatch_uid=f"bump-item-{signal}")
    post_save.connect(_day_saved, sender=Day, dispatch_uid="bump-day")
    post_save.connect(_person_changed, sender=Person, dispatch_uid="bump-runner")
    m2m_changed.connect(
        _runners_changed, sender=AgendaItem.facilitators.through, dispatch_uid="bump-runners"
    )
