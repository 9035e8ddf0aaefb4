"""Lookups that no input can turn into a database error."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.lookups import In


class BoundedIn(In):
    """``__in`` over an integer column, leaving out values the column cannot hold: they match
    no row, and SQLite raises OverflowError on them (a forged id of 2**63 in a multiple
    choice made a 500). Django already does so for ``exact``, ``lt``, ``gt`` and the like."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_range(internal_type)
            self.rhs = [value for value in self.rhs if _within(value, low, high)]
        return super().process_rhs(compiler, connection)


def _within(value: Any, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int):
        return True  # None and expressions: In handles them
    return (low is None or value >= low) and (high is None or value <= high)


def register() -> None:
    """Every integer field (ids included) uses BoundedIn for ``__in``."""
    models.IntegerField.register_lookup(BoundedIn)
