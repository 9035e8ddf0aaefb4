"""The three roles of Labo, held as auth groups of the same name."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

FACILITATOR = "facilitator"
AMBASSADOR = "ambassador"
MANAGEMENT = "management"
ALL_ROLES = frozenset({FACILITATOR, AMBASSADOR, MANAGEMENT})

# Where a user object keeps its roles once read: Django's user has no field for it.
_CACHE = "_labo_roles"


def remember_roles(user: User, roles: frozenset[str]) -> None:
    """Keep the user's roles on the user object (labo.auth reads them with the account)."""
    setattr(user, _CACHE, roles)


def roles_of(user: User | AnonymousUser) -> frozenset[str]:
    """The roles a user holds; a superuser holds them all. Cached on the user object."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, _CACHE, None)
    if cached is None:
        if user.is_superuser:
            cached = ALL_ROLES
        else:
            names = user.groups.values_list("name", flat=True)
            cached = frozenset(names) & ALL_ROLES
        remember_roles(user, cached)
    return cached
