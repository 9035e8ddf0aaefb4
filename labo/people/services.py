"""Workflows about people: their profile, the HR import, their data export and forgetting
them. Every write of the people pages goes through here."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from auditlog.context import disable_auditlog
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ateliers import services as ateliers_services
from labo import documents
from labo.lib.versions import claim
from labo.models import Direction, Person, SignInIdentity, Skill
from labo.people import privacy
from labo.people.forms import PersonRowForm
from labo.roles import ALL_ROLES

Named = TypeVar("Named", Direction, Skill)


def renew_calendar_address(*, person: Person) -> Person:
    """A new address for the person's calendar feed; the old one stops working at once."""
    person.calendar_key = secrets.token_urlsafe(16)
    Person.objects.filter(pk=person.pk).update(calendar_key=person.calendar_key)
    return person


@transaction.atomic
def update_profile(
    *,
    person: Person,
    job_title: str,
    domain_profile: str,
    skills: Iterable[Skill],
    appetites: Iterable[Skill],
    version: int | None,
) -> Person:
    """What a person says of themself: their job, their field, their skills and appetites,
    from a form read at ``version`` (StaleVersion if the profile was saved since)."""
    claim(person, version)
    person.job_title = job_title
    person.domain_profile = domain_profile
    # Only what the form edits: the HR import or an anonymisation may have changed the rest.
    person.save(update_fields=["job_title", "domain_profile", "version"])
    person.skills.set(skills)
    person.appetites.set(appetites)
    return person


@transaction.atomic
def add_direction(*, name: str, acronym: str = "", email: str = "") -> Direction:
    """A department of the administration with its acronym and mailbox (the HR import
    creates a direction from its name alone)."""
    return Direction.objects.create(name=name, acronym=acronym, email=email)


@transaction.atomic
def add_skills(*, names: Iterable[str]) -> list[Skill]:
    """The lab's skills by these names, in this order: those known (whatever their case) and
    the others created, as the HR import finds or creates them."""
    cache: dict[str, Skill] = {}
    return [_get_or_create_named(Skill, name, cache) for name in names]


@transaction.atomic
def record_onboarding(
    *, person: Person, welcome_day_on: datetime.date | None, mentor: Person | None
) -> Person:
    """A newcomer's welcome day and mentor, the two steps of their onboarding checklist."""
    if mentor is not None and mentor.pk == person.pk:
        raise ValueError("A person cannot be their own mentor.")
    person.welcome_day_on = welcome_day_on
    person.mentor = mentor
    person.save(update_fields=["welcome_day_on", "mentor"])
    return person


@transaction.atomic
def create_account(
    *,
    username: str,
    person: Person | None = None,
    roles: Iterable[str] = (),
    password: str | None = None,
    superuser: bool = False,
) -> User:
    """A user account holding its roles, for a person if given (it takes their name and
    e-mail); without a password it cannot log in until one is set."""
    wanted = set(roles)
    if wanted - ALL_ROLES:
        raise ValueError(f"Unknown roles: {sorted(wanted - ALL_ROLES)}")
    if person is not None and person.user_id is not None:
        raise ValueError(f"{person} already has an account.")
    user = User(username=username, is_staff=superuser, is_superuser=superuser)
    if person is not None:
        user.first_name, user.last_name, user.email = (
            person.first_name,
            person.last_name,
            person.email,
        )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    # A role is a group of that name (made by a migration; made here if it went missing).
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in sorted(wanted)])
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


@dataclass
class RowCheck:
    line: int
    form: PersonRowForm
    existing: Person | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportCheck:
    rows: list[RowCheck]
    new_directions: list[str]
    new_skills: list[str]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if not row.ok)

    @property
    def created_count(self) -> int:
        return sum(1 for row in self.rows if row.ok and row.existing is None)

    @property
    def updated_count(self) -> int:
        return sum(1 for row in self.rows if row.ok and row.existing is not None)


def check_import(*, rows: list[dict[str, str]], lines: list[int]) -> ImportCheck:
    """Validate every row; say what would be created, updated or refused, and why."""
    checks = [
        RowCheck(line=line, form=PersonRowForm(data=row))
        for row, line in zip(rows, lines, strict=True)
    ]
    emails = [c.form.cleaned_data["email"] for c in checks if c.form.is_valid()]
    existing = {p.email.lower(): p for p in Person.objects.filter(email__in=emails)}
    seen: dict[str, int] = {}
    directions: set[str] = set()
    skills: set[str] = set()
    for check in checks:
        if not check.form.is_valid():
            for name, messages in check.form.errors.items():
                label = check.form.fields[name].label if name in check.form.fields else ""
                check.errors.extend(f"{label} : {message}" for message in messages)
            continue
        data = check.form.cleaned_data
        if data["email"] in seen:
            check.errors.append(
                _("e-mail: %(email)s already appears on line %(line)d.")
                % {"email": data["email"], "line": seen[data["email"]]}
            )
            continue
        seen[data["email"]] = check.line
        check.existing = existing.get(data["email"])
        if data["direction"]:
            directions.add(data["direction"])
        skills.update(data["skills"], data["appetites"])
    known_directions = {
        d.casefold()
        for d in Direction.objects.filter(name__in=directions).values_list("name", flat=True)
    }
    known_skills = {s.casefold() for s in Skill.objects.values_list("name", flat=True)}
    return ImportCheck(
        rows=checks,
        new_directions=sorted(d for d in directions if d.casefold() not in known_directions),
        new_skills=sorted(s for s in skills if s.casefold() not in known_skills),
    )


def _get_or_create_named(model: type[Named], name: str, cache: dict[str, Named]) -> Named:
    key = name.casefold()
    if key not in cache:
        found = model.objects.filter(name__iexact=name).first()
        cache[key] = found or model.objects.create(name=name)
    return cache[key]


@transaction.atomic
def import_people(*, rows: list[dict[str, str]], lines: list[int]) -> ImportCheck:
    """Create or update people from the HR list: all rows, or none if any row is wrong."""
    result = check_import(rows=rows, lines=lines)
    if not result.ok:
        return result
    direction_cache: dict[str, Direction] = {}
    skill_cache: dict[str, Skill] = {}
    for check in result.rows:
        data = check.form.cleaned_data
        person = check.existing or Person(email=data["email"])
        person.first_name = data["first_name"]
        person.last_name = data["last_name"]
        person.is_active = data["is_active"]
        for name in ("grade", "job_title", "domain_profile", "joined_on"):
            if data[name] or check.existing is None:
                setattr(person, name, data[name])
        if data["direction"]:
            person.direction = _get_or_create_named(Direction, data["direction"], direction_cache)
        person.save()
        if data["skills"]:
            person.skills.add(
                *(_get_or_create_named(Skill, s, skill_cache) for s in data["skills"])
            )
        if data["appetites"]:
            person.appetites.add(
                *(_get_or_create_named(Skill, s, skill_cache) for s in data["appetites"])
            )
    return result


@transaction.atomic
def export_personal_data(*, person: Person, by: User | AnonymousUser | None) -> dict[str, object]:
    """What Labo holds on the person; the export itself is recorded first (and so counted)."""
    privacy.record(person, "export", by)
    return privacy.personal_data(person)


@transaction.atomic
def anonymise(*, person: Person, by: User | AnonymousUser | None) -> Person:
    """Forget a person who left: their identity goes, from the log too; their work stays."""
    if person.anonymised_on:
        return person
    email = person.email
    user = person.user
    usernames = [user.username, user.email] if user is not None else []
    spellings = [
        person.full_name,
        f"{person.last_name} {person.first_name}".strip(),
        email,
        *(n for n in usernames if "@" in n),  # a login that is an e-mail names them too
    ]
    names = [n for n in dict.fromkeys(spellings) if n]
    with disable_auditlog():
        privacy.claim_actions_named(person, names)
        redrawn = list(privacy.documents_naming(person))  # read while the links are all there
        person.first_name, person.last_name = "", privacy.FORMER
        person.email = person.job_title = person.domain_profile = person.grade = ""
        person.direction = person.mentor = None
        person.is_active = False
        person.anonymised_on = timezone.localdate()
        person.save()
        person.skills.clear()
        person.appetites.clear()
        if user is not None:
            user.username = f"ancien-membre-{person.pk}"
            user.first_name = user.last_name = user.email = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
            # The provider's subject names them too; back one day, they sign in as new.
            SignInIdentity.objects.filter(user=user).delete()
    privacy.scrub_log(person, names, user=user, email=email)
    ateliers_services.forget_in_reports(names=names, replacement=privacy.FORMER)
    privacy.forget_logins([*usernames, email])
    documents.redraw(redrawn)
    privacy.record(person, "anonymised", by)
    return person
