"""Which Labo account a provider's account signs in, and the roles its claims give."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import checks
from django.db import transaction
from django.utils.translation import gettext as _

from labo.models import Person, SignInIdentity
from labo.roles import ALL_ROLES
from labo.sso.provider import SignInRefused


def parse_role_map(entries: Iterable[str]) -> dict[str, str]:
    """``["labo-animateurs:facilitator", ...]`` as {claim value: role}; the value may itself
    hold colons (the role is after the last one)."""
    mapping: dict[str, str] = {}
    for entry in entries:
        value, sep, role = entry.rpartition(":")
        if not sep or not value or role not in ALL_ROLES:
            raise ValueError(
                f"LABO_OIDC_ROLES: {entry!r} is not 'claim value:role' with a role among "
                f"{', '.join(sorted(ALL_ROLES))}."
            )
        mapping[value] = role
    return mapping


def roles_from_claims(claims: Mapping[str, Any], *, claim: str, role_map: Mapping[str, str]):
    """The roles the claim's values give (a list of values, or one string)."""
    if not claim:
        return frozenset()
    values = claims.get(claim)
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        return frozenset()
    return frozenset(role_map[v] for v in values if isinstance(v, str) and v in role_map)


def apply_roles(user: User, *, granted: frozenset[str], role_map: Mapping[str, str]) -> None:
    """Give ``granted`` and take away the other mapped roles; roles no claim value maps to
    (granted in Labo by a facilitator) are left alone."""
    managed = set(role_map.values())
    held = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    to_add, to_remove = (granted & managed) - held, held - granted
    if to_add:
        user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in sorted(to_add)))
    if to_remove:
        user.groups.remove(*Group.objects.filter(name__in=to_remove))


def _names(claims: Mapping[str, Any], email: str) -> tuple[str, str]:
    first = str(claims.get("given_name") or "").strip()
    # ProConnect gives the family name as usual_name.
    last = str(claims.get("family_name") or claims.get("usual_name") or "").strip()
    if not (first or last):
        first, _sep, last = str(claims.get("name") or "").strip().partition(" ")
    if not (first or last):
        first = email.partition("@")[0]
    return first[:100], last[:100]


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _account_for_email(email: str, claims: Mapping[str, Any]) -> User:
    """The account a first sign-in links to: the person's of that e-mail, a person's new
    one, or a new account and person without a role."""
    people = list(Person.objects.filter(email__iexact=email).select_related("user")[:2])
    if len(people) > 1:
        raise SignInRefused(
            _(
                "Several people of the lab have the e-mail address %(email)s: ask a "
                "facilitator to keep only one, then sign in again."
            )
            % {"email": email}
        )
    if people and people[0].user is not None:
        return people[0].user
    user = User.objects.create_user(_free_username(email), email=email)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    if people:
        person = people[0]
        person.user = user
        person.save(update_fields=["user"])
    else:
        first, last = _names(claims, email)
        Person.objects.create(user=user, first_name=first, last_name=last, email=email)
    return user


@transaction.atomic
def sign_in(
    *, issuer: str, claims: Mapping[str, Any], roles_claim: str, role_map: Mapping[str, str]
) -> User:
    """The account these claims sign in, linked on first sign-in, its mapped roles applied."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused(_("The sign-in service did not say who you are. Try again."))
    identity = (
        SignInIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        user = identity.user
    else:
        email = str(claims.get("email") or "").strip()
        if not email or "@" not in email:
            raise SignInRefused(
                _(
                    "The sign-in service gives no e-mail address for your account, which Labo "
                    "needs to know you. Ask your administration to share it, or a facilitator "
                    "for help."
                )
            )
        if claims.get("email_verified") is False:
            raise SignInRefused(
                _("Your e-mail address is not confirmed at the sign-in service: confirm it first.")
            )
        user = _account_for_email(email, claims)
        if SignInIdentity.objects.filter(user=user).exists():
            raise SignInRefused(
                _(
                    "The Labo account of %(email)s is already linked to another account of the "
                    "sign-in service. Ask a facilitator to check it."
                )
                % {"email": email}
            )
        SignInIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    if not user.is_active:
        raise SignInRefused(_("This Labo account is deactivated. Ask a facilitator."))
    apply_roles(
        user,
        granted=roles_from_claims(claims, claim=roles_claim, role_map=role_map),
        role_map=role_map,
    )
    return user


@checks.register(checks.Tags.security, deploy=False)
def check_role_map(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A LABO_OIDC_ROLES that cannot be read stops the start-up (manage.py check, migrate,
    runserver) rather than every sign-in with a 500."""
    try:
        parse_role_map(settings.LABO_OIDC_ROLES)
    except ValueError as error:
        return [checks.Error(str(error), id="labo.E010")]
    return []
