"""The visitor's account, read once a minute instead of on every request.

Every page needs the user, their roles and often their person's id (access rules).
``UserBackend`` reads all three in one query (plain SQL subqueries: the roles as a bit mask
of the user's groups filtered by name, without compiling ORM subqueries each time) and
keeps the result in the cache every worker shares, for a minute. Whatever changes an
account, its groups or its person removes it from there at once (signals below), so that a
deactivated account, a new password or a role taken away counts from the next request; the
minute bounds anything that would go round the signals (a bulk update).
"""

from __future__ import annotations

import hashlib
import math
import time

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, user_logged_in, user_login_failed
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils.translation import ngettext

from labo.models import Person
from labo.roles import ALL_ROLES, remember_roles

ROLE_BITS = {name: 1 << i for i, name in enumerate(sorted(ALL_ROLES))}
USER_CACHE_SECONDS = 60


def _role_bits() -> RawSQL:
    User = get_user_model()
    q = connection.ops.quote_name
    memberships, groups = q(User.groups.through._meta.db_table), q(Group._meta.db_table)
    cases = " ".join(f"WHEN %s THEN {bit}" for bit in ROLE_BITS.values())
    sql = (
        f"SELECT COALESCE(SUM(CASE {groups}.{q('name')} {cases} ELSE 0 END), 0) "
        f"FROM {memberships} INNER JOIN {groups} "
        f"ON {groups}.{q('id')} = {memberships}.{q('group_id')} "
        f"WHERE {memberships}.{q('user_id')} = {q(User._meta.db_table)}.{q('id')}"
    )
    return RawSQL(sql, list(ROLE_BITS), output_field=IntegerField())


def _person_pk() -> RawSQL:
    q = connection.ops.quote_name
    person, user = q(Person._meta.db_table), q(get_user_model()._meta.db_table)
    return RawSQL(
        f"SELECT {person}.{q('id')} FROM {person} WHERE {person}.{q('user_id')} = {user}.{q('id')}",
        [],
    )


def read_user(user_id: int | str) -> User | None:
    """The user with their roles set (see labo.roles.roles_of) and the id of their person
    (``person_pk``, see labo.queries.person_id_of), from the database."""
    User = get_user_model()
    try:
        user = User._default_manager.annotate(role_bits=_role_bits(), person_pk=_person_pk()).get(
            pk=user_id
        )
    except (User.DoesNotExist, ValueError, TypeError):  # a session from elsewhere
        return None
    remember_roles(
        user,
        frozenset(
            name for name, bit in ROLE_BITS.items() if user.is_superuser or user.role_bits & bit
        ),
    )
    return user


def _cache():
    return caches[settings.SHARED_CACHE]


def _key(user_id) -> str:
    return f"labo:user:{user_id}"


def forget(*user_ids) -> None:
    """Read these accounts from the database at their next request."""
    _cache().delete_many([_key(pk) for pk in user_ids])


class UserBackend(ModelBackend):
    """Django's username and password check; the visitor read as above."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _cache().get(_key(user_id))
        if user is None:
            user = read_user(user_id)
            if user is None:
                return None
            _cache().set(_key(user_id), user, USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


def _user_changed(sender, instance, **kwargs) -> None:
    forget(instance.pk)


def _memberships_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:  # user.groups.add(...)
        forget(instance.pk)
    elif action == "pre_clear":  # group.user_set.clear()
        forget(*instance.user_set.values_list("pk", flat=True))
    else:  # group.user_set.add(...)
        forget(*(pk_set or ()))


def _group_changed(sender, instance, **kwargs) -> None:
    forget(*instance.user_set.values_list("pk", flat=True))


def _person_moving(sender, instance, raw=False, **kwargs) -> None:
    """A person linked to another account: the one it leaves forgets it too."""
    if instance.pk and not raw:
        previous = sender.objects.filter(pk=instance.pk).values_list("user_id", flat=True)
        forget(*(pk for pk in previous if pk and pk != instance.user_id))


def _person_changed(sender, instance, **kwargs) -> None:
    if instance.user_id:
        forget(instance.user_id)


def connect() -> None:
    User = get_user_model()
    post_save.connect(_user_changed, sender=User, dispatch_uid="labo-forget-user-saved")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="labo-forget-user-deleted")
    m2m_changed.connect(
        _memberships_changed, sender=User.groups.through, dispatch_uid="labo-forget-groups"
    )
    post_save.connect(_group_changed, sender=Group, dispatch_uid="labo-forget-group-saved")
    pre_delete.connect(_group_changed, sender=Group, dispatch_uid="labo-forget-group-deleted")

    pre_save.connect(_person_moving, sender=Person, dispatch_uid="labo-forget-person-moving")
    post_save.connect(_person_changed, sender=Person, dispatch_uid="labo-forget-person-saved")
    post_delete.connect(_person_changed, sender=Person, dispatch_uid="labo-forget-person-gone")
    user_login_failed.connect(_login_failed, dispatch_uid="labo-login-failed")
    user_logged_in.connect(_logged_in, dispatch_uid="labo-logged-in")


# Login throttling ----------------------------------------------------------------------
#
# Two brakes, neither of which locks the account's owner out because someone else failed:
# - per address (django-axes, settings.AXES_*): an address that keeps failing, whatever the
#   usernames, cools off; the address is the visitor's own (labo.lib.http.client_address),
#   so behind a reverse proxy one attacker does not lock every user out;
# - per account, delays that grow: past LOGIN_FREE_FAILURES wrong passwords for a username,
#   each attempt must wait 1, 2, 4... seconds (at most LOGIN_MAX_DELAY) after the last
#   failure. A guesser from many addresses is slowed down; the owner waits seconds, not
#   minutes, and a right password after the wait gets in.
LOGIN_FREE_FAILURES = 5
LOGIN_MAX_DELAY = 60  # seconds
LOGIN_FAILURES_KEPT = 15 * 60  # a quiet quarter of an hour forgets an account's failures


def _failures_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return f"labo:login-failures:{digest}"


def login_delay(username: str) -> int:
    """Seconds this username must still wait before a password is checked (0: none)."""
    if not username:
        return 0
    record = _cache().get(_failures_key(username))
    if not record:
        return 0
    count, last = record
    if count <= LOGIN_FREE_FAILURES:
        return 0
    delay = min(2 ** (count - LOGIN_FREE_FAILURES - 1), LOGIN_MAX_DELAY)
    return max(0, math.ceil(last + delay - time.time()))


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")
    if not username or getattr(request, "labo_login_delayed", False):
        return  # a refused early attempt checked no password: it is not one more failure
    key = _failures_key(username)
    count = (_cache().get(key) or (0, 0.0))[0]
    _cache().set(key, (count + 1, time.time()), LOGIN_FAILURES_KEPT)


def _logged_in(sender, request, user, **kwargs) -> None:
    _cache().delete(_failures_key(user.get_username()))


class LoginDelayBackend:
    """First backend: refuses, without checking the password, a login for an account that
    must still wait (every login path goes through it, the admin's too). No ``get_user``:
    it never holds a session (Django picks the first backend that has one)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and login_delay(str(username)):
            if request is not None:
                request.labo_login_delayed = True
            raise PermissionDenied
        return None


class LoginForm(AuthenticationForm):
    """The login form, saying how long to wait when the account must."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if settings.LABO_OIDC_ISSUER:  # the provider's button comes first: no jump past it
            self.fields["username"].widget.attrs.pop("autofocus", None)

    def clean(self):
        wait = login_delay(self.data.get("username", ""))
        if wait:
            raise forms.ValidationError(
                ngettext(
                    "Several wrong passwords were typed for this account: wait %(count)d second "
                    "and try again.",
                    "Several wrong passwords were typed for this account: wait %(count)d "
                    "seconds and try again.",
                    wait,
                )
                % {"count": wait},
                code="delayed",
            )
        return super().clean()
