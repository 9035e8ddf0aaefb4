"""Reads of the base: the person behind an account, the grade mix in aggregate."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from labo.lib.disclosure import suppress
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
    total: int | None  # None when a cell is masked
    masked: bool  # the whole mix is hidden
    rows: list[tuple[str | Promise, int | None]]  # labels translated when drawn


def grade_mix(people: QuerySet) -> GradeMix:
    """Count people per grade, as anyone but a facilitator may see it: small cells masked
    with their complement, no total once a cell is masked (labo.lib.disclosure)."""

    minimum = settings.LABO_MIN_GROUP_SIZE
    counts = dict(people.order_by().values_list("grade").annotate(n=Count("pk", distinct=True)))
    labels = [*Grade.choices, ("", _("Unknown"))]
    cells = suppress([counts.get(grade, 0) for grade, _label in labels], minimum)
    rows: list[tuple[str | Promise, int | None]] = [
        (label, n) for (_grade, label), n in zip(labels, cells.values, strict=True)
    ]
    return GradeMix(minimum=minimum, total=cells.total, masked=cells.all_masked, rows=rows)
