"""Workflows of the core: importing the HR list of people."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from labo.models import Direction, Person, Skill
from labo.people.forms import PersonRowForm


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


def _get_or_create_named(model, name: str, cache: dict[str, object]):
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
    direction_cache: dict[str, object] = {}
    skill_cache: dict[str, object] = {}
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
