"""A history entry's change in words: a choice by its label, a foreign key by its object's
name, a date as a date, yes or no, "—" for nothing, and never a file's path (a photo as its
thumbnail, where its app says how to draw one). A page's related objects are read together:
one query per related model, whatever the number of entries."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, FileField, ForeignKey, Model, OneToOneField
from django.utils import dateparse, formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

NOTHING = "—"
# How a model's picture is drawn small, by the app that owns it: the model's name, then
# a function of the object's pk giving the address of its thumbnail.
THUMBNAILS: dict[str, Callable[[str], str]] = {}


def show_thumbnail(model: type[Model], url: Callable[[str], str]) -> None:
    """The history shows this model's entries with a thumbnail (``url(pk)``) instead of the
    path of its file. The app that owns the model calls it at start-up."""
    THUMBNAILS[model._meta.model_name or ""] = url


@dataclass(frozen=True)
class Value:
    text: str | Promise
    thumbnail: str = ""  # the address of a picture to show instead of the text


@dataclass(frozen=True)
class Change:
    field: str | Promise
    before: Value
    after: Value


@dataclass(frozen=True)
class Described:
    """What an entry is about and what it changed, as the page shows them."""

    what: str | Promise
    thumbnail: str
    changes: list[Change]


def _field(model: type[Model] | None, name: str) -> Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, Field) else None


def _is_nothing(value: object) -> bool:
    return value is None or value in ("None", "", "[]")


def _raw_changes(entry: LogEntry) -> dict[str, list]:
    changes = entry.changes
    if isinstance(changes, str):  # a text column on some databases
        changes = json.loads(changes or "{}")
    return {name: list(values)[:2] for name, values in (changes or {}).items()}


def _related(field: Field) -> type[Model] | None:
    if isinstance(field, ForeignKey | OneToOneField):
        model = field.related_model
        return model if isinstance(model, type) else None
    return None


def _names_of(entries: Iterable[LogEntry]) -> dict[type[Model], dict[str, str]]:
    """The names of every object a page's changes point to, one query per model."""
    wanted: dict[type[Model], set[str]] = defaultdict(set)
    for entry in entries:
        if entry.action != LogEntry.Action.UPDATE:  # the page shows the changes of updates
            continue
        model = entry.content_type.model_class()
        for name, values in _raw_changes(entry).items():
            field = _field(model, name)
            related = _related(field) if field is not None else None
            if related is not None:
                wanted[related] |= {str(v) for v in values if not _is_nothing(v)}
    names: dict[type[Model], dict[str, str]] = {}
    for related, pks in wanted.items():
        valid = (
            [pk for pk in pks if pk.isdigit()]
            if related._meta.pk.get_internal_type()
            in (
                "AutoField",
                "BigAutoField",
            )
            else list(pks)
        )
        # Its name may read what it points to (a day is named by its session).
        objects = related._base_manager.select_related().filter(pk__in=valid)
        names[related] = {str(obj.pk): str(obj) for obj in objects}
    return names


def _existing(entries: Iterable[LogEntry]) -> dict[type[Model], set[str]]:
    """The objects that have a thumbnail and still exist, one query per model."""
    wanted: dict[type[Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        if model is not None and model._meta.model_name in THUMBNAILS:
            wanted[model].add(str(entry.object_pk))
    found = {model: model._base_manager.filter(pk__in=pks) for model, pks in wanted.items()}
    return {
        model: {str(pk) for pk in rows.values_list("pk", flat=True)}
        for model, rows in found.items()
    }


def _value(
    field: Field | None,
    raw: object,
    *,
    names: dict[type[Model], dict[str, str]],
    thumbnail: str,
    current_file: str,
) -> Value:
    if _is_nothing(raw):
        return Value(NOTHING)
    text = str(raw)
    if field is None:
        return Value(text)
    if isinstance(field, FileField):
        # The path of a file is no news to anyone: the picture if it is the current one.
        if thumbnail and text == current_file:
            return Value(_("the photo"), thumbnail=thumbnail)
        return Value(_("a photo") if field.get_internal_type() == "ImageField" else _("a file"))
    if field.flatchoices:
        return Value(dict((str(k), v) for k, v in field.flatchoices).get(text, text))
    related = _related(field)
    if related is not None:
        return Value(names.get(related, {}).get(text) or _("deleted"))
    kind = field.get_internal_type()
    if kind in ("BooleanField", "NullBooleanField"):
        return Value(_("yes") if text == "True" else _("no"))
    if kind == "DateTimeField" and (moment := dateparse.parse_datetime(text)):
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return Value(formats.date_format(timezone.localtime(moment), "j F Y, H:i"))
    if kind == "DateField" and (day := dateparse.parse_date(text)):
        return Value(formats.date_format(day, "j F Y"))
    return Value(text)


def _serialized_files(entry: LogEntry, model: type[Model] | None) -> set[str]:
    """The file paths the entry's object held when the entry was written."""
    data = entry.serialized_data or {}
    fields = data.get("fields", {}) if isinstance(data, dict) else {}
    return {
        str(value)
        for name, value in fields.items()
        if value and isinstance(_field(model, name), FileField)
    }


def describe(entries: list[LogEntry]) -> list[Described]:
    """Each entry of a page in words, the related objects read together."""
    names = _names_of(entries)
    existing = _existing(entries)
    described = []
    for entry in entries:
        model = entry.content_type.model_class()
        url = THUMBNAILS.get(model._meta.model_name or "") if model is not None else None
        alive = model is not None and str(entry.object_pk) in existing.get(model, set())
        thumbnail = url(str(entry.object_pk)) if url is not None and alive else ""
        files = _serialized_files(entry, model)
        what: str | Promise = entry.object_repr
        if what in files:  # a photo without a caption is named by its path
            what = _("(no name)")
        changes = []
        updated = _raw_changes(entry) if entry.action == LogEntry.Action.UPDATE else {}
        for name, values in updated.items():
            field = _field(model, name)
            before, after = [*values, None, None][:2]
            current = str(after) if alive else ""
            changes.append(
                Change(
                    field=field.verbose_name if field is not None else name,
                    before=_value(field, before, names=names, thumbnail="", current_file=""),
                    after=_value(
                        field, after, names=names, thumbnail=thumbnail, current_file=current
                    ),
                )
            )
        described.append(Described(what=what, thumbnail=thumbnail, changes=changes))
    return described
