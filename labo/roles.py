"""The three roles of Labo, held as auth groups of the same name."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

FACILITATOR = "facilitator"
AMBASSADOR = "ambassador"
MANAGEMENT = "management"
ALL_ROLES = frozenset({FACILITATOR, AMBASSADOR, MANAGEMENT})


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The roles a user holds; a superuser holds them all. Cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_labo_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = ALL_ROLES
        else:
            names = user.groups.values_list("name", flat=True)
            cached = frozenset(names) & ALL_ROLES
        user._labo_roles = cached
    return cached
