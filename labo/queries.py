"""Reads of the base: the person behind an account, the grade mix in aggregate."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from labo.models import Grade, Person


def person_of(user) -> Person | None:
    """The person behind a user account, if any (cached on the user by Django)."""
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def person_id_of(user) -> int | None:
    """The id of the person behind a user account, without reading the person when the
    account was read with it (labo.auth: the visitor of every request)."""
    if not user.is_authenticated:
        return None
    if hasattr(user, "person_pk"):
        return user.person_pk
    person = person_of(user)
    return person.pk if person else None


@dataclass
class GradeMix:
    minimum: int
    total: int
    masked: bool
    rows: list[tuple[str | Promise, int | None]]  # labels translated when drawn


def grade_mix(people: QuerySet) -> GradeMix:
    """Count people per grade; fewer than LABO_MIN_GROUP_SIZE in a cell is shown as masked."""

    minimum = settings.LABO_MIN_GROUP_SIZE
    counts = dict(people.order_by().values_list("grade").annotate(n=Count("pk", distinct=True)))
    total = sum(counts.values())
    labels = [*Grade.choices, ("", _("Unknown"))]
    if total < minimum:
        rows: list[tuple[str | Promise, int | None]] = [(label, None) for _grade, label in labels]
        return GradeMix(minimum=minimum, total=total, masked=True, rows=rows)
    rows = []
    for grade, label in labels:
        n = counts.get(grade, 0)
        rows.append((label, n if n >= minimum or n == 0 else None))
    return GradeMix(minimum=minimum, total=total, masked=False, rows=rows)
