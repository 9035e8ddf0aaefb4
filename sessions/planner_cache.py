"""The planner as drawn, kept in the worker's memory at three levels: the page per visitor,
each day for every visitor, each block within a day (and each day's blank add forms).

Interface: ``with_key_columns()`` (what the page's key is made of, read with the session
in the access helper's one query); ``draw_page()`` (the plain page, kept per visitor),
``draw_page_with()`` (the page with a bound form, an undo or a block being edited) and
``draw_day()`` (one day's fragment), ``draw_changes()`` (only what changed in some days for
a page that says which rows it holds), each served from what is kept when it can be;
``CSRF_PLACEHOLDER``. Nothing is ever removed: every key is made of the version of
everything its HTML shows, so a change makes new keys and the old entries age out (locmem,
MAX_ENTRIES in labo.settings). The setting ``LABO_PLANNER_CACHE`` (on unless False) turns
keeping off: everything is then drawn on each request, through the same code, to the same
HTML.

What keeps it correct:

- **The page** (``planner-page:``), for one visitor, is keyed on: this process (static files
  are named after their content, so a deploy starts empty); the language; the session's id,
  number and title; its days' count, last id and sum of revisions (``days_signature``: a day
  added or removed moves the count or the last id, a change to a day moves its revision);
  the method library's size and last change (``methods_signature``, Method.updated_at);
  the visitor's id, name, staff flag and roles (the menu). It is served only after the
  access helper has let the visitor in (sessions.access.get_planner_session_for, on every
  request): keeping never skips a permission. A page with messages to show is drawn and
  not kept. Pages with a bound form, an undo or a block being edited are
  drawn, their days and blocks from what is kept.
- **A day** (``planner-day:``), for every visitor, is keyed on its id and revision, the
  language, the session's days (ids and dates: each block's "move to" list) and the method
  library as offered. A day's revision moves on (sessions.signals.bump, in one UPDATE) when:
  a block of it is saved or deleted; the day is saved; a block's runners change; a person
  is saved (the days where they run a block show their name); a workshop linked to one of
  its blocks is saved or deleted (ateliers.signals); and every agenda service moves it on
  as the day's lock (sessions.services._lock_day), which also covers their bulk updates
  (renumbering, a block's sub-groups moved along), which send no signal (save_item mutes
  the signals for that reason: its lock has moved the revision on). A day's revision
  moves on in the transaction of the change, so no one reads the new revision with the
  old content. Day.save never writes back a revision read earlier (sessions.models.Day.save).
  Whoever changes what a day shows with QuerySet.update must bump its days.
- **A block** (``planner-block:``) is keyed on everything it shows: its own fields, its
  workshop's id and title, its runners' names, its sub-groups' ids and titles, its times,
  warnings and the free time before it, whether it is first or last, its day and the
  session's days, the language. The page holds each row with that key's digest
  (``data-key``) and sends them with an edit (``shown``): ``draw_changes`` answers with the
  rows whose digest moved, so a row is sent again exactly when it would be drawn again.
  A day's change thus redraws only the blocks it changed, and a block follows even a bulk
  update of what it shows once its day is drawn again.
- **A day's blank add forms** (``planner-add:``) are keyed on the day, the language and the
  method library as offered; a bound form with errors is drawn each time.
- **The method library as offered** (``method-library:``) is keyed on its signature, read
  with the page's other data, so an edit's answer needs no query for it.
- **The CSRF token** is drawn as a placeholder in everything kept, and the visitor's own
  token put in when served (``_with_token``); no answer carries the placeholder.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.conf import settings
from django.contrib import messages
from django.core.cache import BaseCache, cache
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from labo.lib.http import HtmxHttpRequest, object_url
from labo.roles import roles_of
from sessions.agenda import Balance, balance, gaps_before
from sessions.forms import DayForm, ItemForm, MethodPickForm, QuickItemForm, TemplateForm
from sessions.models import AgendaItem, Day, Method, Session
from sessions.queries import Block, DayAgenda, agenda_of

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PAGE = "sessions/planner.html"
CSRF_PLACEHOLDER = "csrf-placeholder-4d1f0c"
PAGE_CACHE_SECONDS = 24 * 3600
_PROCESS = uuid.uuid4().hex  # static files are named after their content: new per deploy
_NOWHERE = DummyCache("planner-cache-off", {})

MethodChoices = list[tuple[object, str]]


class KeyColumns(TypedDict):
    days_signature: str
    methods_signature: str


PlannerSession: TypeAlias = "WithAnnotations[Session, KeyColumns]"  # a Session read with them


@dataclass(frozen=True)
class DayForms:
    """The forms of the day that was posted or asked for, drawn instead of blank ones."""

    day: int
    settings: bool = False  # the day's settings open (a plain visit with ?settings=)
    day_form: DayForm | None = None
    quick_form: QuickItemForm | None = None


@dataclass(frozen=True)
class DrawnBlock:
    item: AgendaItem
    html: SafeString
    key: str  # what the page holds it under (data-key): a row whose key moved is sent again


@dataclass(frozen=True)
class PlannerDay:
    """A day as the planner draws it: its agenda, each block as drawn, and its forms."""

    agenda: DayAgenda
    blocks: list[DrawnBlock]
    add_html: SafeString
    day_form: DayForm | None
    undo: AgendaItem | None
    balance: Balance

    @property
    def order(self) -> str:
        return ",".join(str(block.item.pk) for block in self.blocks)


ITEM_URLS = {
    "update": "sessions:item-update",
    "edit": "sessions:item-edit",
    "duplicate": "sessions:item-duplicate",
    "delete": "sessions:item-delete",
    "move": "sessions:item-move",
    "move_to_day": "sessions:item-move-to-day",
    "add_subgroup": "sessions:item-add-subgroup",
    "duration": "sessions:item-duration",
}


def item_urls(pk: int) -> dict[str, str]:
    """The block's action URLs (a page has many: see labo.lib.http.object_url)."""
    return {key: object_url(name, pk) for key, name in ITEM_URLS.items()}


def enabled() -> bool:
    """Whether drawings are kept (settings.LABO_PLANNER_CACHE, on unless False)."""
    return bool(settings.LABO_PLANNER_CACHE)


def _store() -> BaseCache:
    return cache if enabled() else _NOWHERE


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


# Keys ----------------------------------------------------------------------------------


def with_key_columns(sessions: QuerySet[Session]) -> QuerySet[PlannerSession]:
    """The sessions read with what the kept page's key is made of, as plain SQL columns
    (one small subquery each, no compiling of ORM subqueries on every visit): their days'
    count, last id and sum of revisions; the method library's size and last change."""
    q = connection.ops.quote_name
    day, session = q(Day._meta.db_table), q(Session._meta.db_table)
    return sessions.annotate(
        days_signature=RawSQL(
            f"SELECT COUNT(*) || ':' || COALESCE(MAX({q('id')}), 0) || ':' "
            f"|| COALESCE(SUM({q('revision')}), 0) FROM {day} "
            f"WHERE {day}.{q('session_id')} = {session}.{q('id')}",
            [],
        ),
        methods_signature=_methods_signature(),
    )


def _methods_signature() -> RawSQL:
    """The method library's size and last change (Method.updated_at)."""
    q = connection.ops.quote_name
    method = q(Method._meta.db_table)
    return RawSQL(f"SELECT COUNT(*) || ':' || MAX({q('updated_at')}) FROM {method}", [])


def _page_key(request: HtmxHttpRequest, session: PlannerSession) -> str:
    user = request.user
    return "planner-page:" + _digest(
        _PROCESS,
        get_language(),
        (session.pk, session.number, session.title),
        session.days_signature,
        session.methods_signature,
        (user.pk, user.get_username(), user.is_staff, sorted(roles_of(user))),
    )


def _day_keys(days: Sequence[Day], methods: MethodChoices) -> dict[int, str]:
    shared = _digest([(d.pk, d.date) for d in days], methods)[:16]
    return {d.pk: f"planner-day:{get_language()}:{d.pk}:{d.revision}:{shared}" for d in days}


def _block_key(
    block: Block, day: Day, days: Sequence[Day], first: bool, last: bool, gap: int
) -> str:
    item = block.item
    atelier = getattr(item, "atelier", None)  # read with the blocks; None if there is none
    around = (get_language(), day.pk, [(d.pk, d.date) for d in days])
    shown = (
        [getattr(item, field.attname) for field in item._meta.concrete_fields],
        (atelier.pk, atelier.title) if atelier else None,
        [str(person) for person in block.runners],
        [(sub.pk, sub.title) for sub in block.subgroups],
        (block.start, block.end, block.overlaps_pinned, block.past_day_end, gap),
        (first, last),
    )
    return f"planner-block:{item.pk}:{_digest(around, shown)}"


def _row_key(key: str) -> str:
    """The part of a block's key the page holds (data-key): its digest."""
    return key.rsplit(":", 1)[1]


# Drawing -------------------------------------------------------------------------------


def draw_page(request: HtmxHttpRequest, session: PlannerSession) -> HttpResponse:
    """The planner page as kept for the visitor (drawn and kept when it is not)."""
    key = _page_key(request, session)
    has_messages = len(messages.get_messages(request)) > 0
    html = None if has_messages else _store().get(key)
    if html is None:
        days = list(Day.objects.filter(session=session).select_related("session"))
        methods = _method_choices(session.methods_signature)
        context = {
            "session": session,
            "days": days,
            "day_html": _kept_days(session, days, methods),
            "template_form": TemplateForm(),
            "csrf_token": CSRF_PLACEHOLDER,
        }
        html = render_to_string(PAGE, context, request)
        if not has_messages:
            _store().set(key, html, timeout=PAGE_CACHE_SECONDS)
    return _with_token(request, HttpResponse(html))


def draw_page_with(
    request: HtmxHttpRequest,
    session: Session,
    *,
    status: int = 200,
    forms: DayForms | None = None,
    undo: AgendaItem | None = None,
    editing: int | None = None,
    edit_form: ItemForm | None = None,
    template_form: TemplateForm | None = None,
) -> HttpResponse:
    """The planner page with a day's forms bound or open, an undo, a block being edited or
    the template form with its errors: drawn, its days' blocks from what is kept."""
    days = list(Day.objects.filter(session=session).select_related("session"))
    methods = _method_choices()
    agenda = [
        _planner_day(
            entry, days, methods, forms, undo if undo and undo.day_id == entry.day.pk else None
        )
        for entry in agenda_of(days)
    ]
    context = {
        "session": session,
        "days": days,
        "agenda": agenda,
        "template_form": template_form or TemplateForm(),
        "editing": editing,
        "edit_form": edit_form,
    }
    return _with_token(request, render(request, PAGE, context, status=status))


def draw_day(
    request: HtmxHttpRequest,
    day: Day,
    *,
    status: int = 200,
    forms: DayForms | None = None,
    undo: AgendaItem | None = None,
    oob: bool = False,
    focus: str | None = None,
    announce: str | None = None,
    error: str | None = None,
) -> HttpResponse:
    """The day's fragment (an htmx answer), with the session's days read again."""
    days = list(
        Day.objects.filter(session=day.session_id).annotate(methods_signature=_methods_signature())
    )
    entry = agenda_of([d for d in days if d.pk == day.pk])[0]
    methods = _method_choices(days[0].methods_signature)  # the day itself is one of them
    context = {
        "session": day.session,
        "entry": _planner_day(entry, days, methods, forms, undo),
        "days": days,
        "oob": oob,
        "focus": focus,
        "announce": announce,
        "error": error,
    }
    return _with_token(request, render(request, f"{PAGE}#day", context, status=status))


def draw_changes(
    request: HtmxHttpRequest,
    changed: Sequence[Day],
    *,
    shown: set[str],
    focus: str | None = None,
    announce: str | None = None,
) -> HttpResponse:
    """What changed in these days for a page that holds the rows ``shown`` ("pk:key"): each
    day's summary, its order, and only the rows it does not hold as they are now, in one
    out-of-band element the planner's script puts in place (static/js/planner.js)."""
    days = list(Day.objects.filter(session=changed[0].session_id))
    wanted = {day.pk for day in changed}
    entries = []
    for entry in agenda_of([d for d in days if d.pk in wanted]):
        blocks = _drawn_blocks(entry, days)
        entries.append(
            {
                "day": entry.day,
                "agenda": entry,
                "order": ",".join(str(block.item.pk) for block in blocks),
                "balance": balance(entry.ends_at, entry.day.ends_at),
                "rows": [b for b in blocks if f"{b.item.pk}:{b.key}" not in shown],
            }
        )
    context = {"changes": entries, "focus": focus, "announce": announce}
    response = render(request, f"{PAGE}#changes", context)
    response["HX-Reswap"] = "none"
    return _with_token(request, response)


def _kept_days(session: Session, days: list[Day], methods: MethodChoices) -> list[SafeString]:
    keys = _day_keys(days, methods)
    found = _store().get_many(list(keys.values()))
    missing = [d for d in days if keys[d.pk] not in found]
    if missing:
        drawn = {}
        for entry in agenda_of(missing):
            context = {
                "session": session,
                "entry": _planner_day(entry, days, methods, None, None),
                "days": days,
                "csrf_token": CSRF_PLACEHOLDER,
            }
            drawn[keys[entry.day.pk]] = render_to_string(f"{PAGE}#day", context)
        _store().set_many(drawn, timeout=PAGE_CACHE_SECONDS)
        found.update(drawn)
    return [mark_safe(found[keys[d.pk]]) for d in days]


def _planner_day(
    entry: DayAgenda,
    days: Sequence[Day],
    methods: MethodChoices,
    forms: DayForms | None,
    undo: AgendaItem | None,
) -> PlannerDay:
    """The day's blocks as drawn and its forms, blank or (for the day that was posted)
    bound with errors."""
    day = entry.day
    blocks = _drawn_blocks(entry, days)
    forms = forms if forms is not None and forms.day == day.pk else DayForms(day=day.pk)
    day_form = forms.day_form or (
        DayForm(instance=day, prefix=f"settings{day.pk}") if forms.settings else None
    )
    return PlannerDay(
        agenda=entry,
        blocks=blocks,
        add_html=_add_forms(day, methods, forms.quick_form),
        day_form=day_form,
        undo=undo,
        balance=balance(entry.ends_at, day.ends_at),
    )


def _add_forms(day: Day, methods: MethodChoices, quick_form: QuickItemForm | None) -> SafeString:
    """The day's forms to add a block: blank ones are kept as drawn (the same until the
    method library changes), a bound one with its errors is drawn each time."""

    def draw() -> str:
        context = {
            "day": day,
            "quick_form": QuickItemForm(prefix=f"day{day.pk}")
            if quick_form is None
            else quick_form,
            # The library as a plain list (_method_choices), read once for all the days.
            "method_form": MethodPickForm(prefix=f"method{day.pk}", choices=methods),
            "csrf_token": CSRF_PLACEHOLDER,
        }
        return render_to_string(f"{PAGE}#add-block", context)

    if quick_form is not None:
        return mark_safe(draw())
    key = f"planner-add:{get_language()}:{day.pk}:{_digest(methods)}"
    return mark_safe(_store().get_or_set(key, draw, timeout=PAGE_CACHE_SECONDS))


def _drawn_blocks(entry: DayAgenda, days: Sequence[Day]) -> list[DrawnBlock]:
    """Each block of the day as drawn: kept under everything it shows (_block_key), so an
    edit redraws the blocks it changed, not the day."""
    day, slots = entry.day, entry.slots
    edges = [(index == 0, index == len(slots) - 1) for index in range(len(slots))]
    gaps = gaps_before(slots, day.starts_at)
    keys = [
        _block_key(block, day, days, first, last, gap)
        for block, (first, last), gap in zip(slots, edges, gaps, strict=True)
    ]
    found = _store().get_many(keys)
    drawn = {}
    for block, key, (first, last), gap in zip(slots, keys, edges, gaps, strict=True):
        if key not in found:
            context = _block_context(block, day, days, (first, last), gap)
            context.update(key=_row_key(key), csrf_token=CSRF_PLACEHOLDER)
            drawn[key] = found[key] = render_to_string(f"{PAGE}#block", context)
    if drawn:
        _store().set_many(drawn, timeout=PAGE_CACHE_SECONDS)
    return [
        DrawnBlock(item=block.item, html=mark_safe(found[key]), key=_row_key(key))
        for block, key in zip(slots, keys, strict=True)
    ]


def _block_context(
    block: Block, day: Day, days: Sequence[Day], edges: tuple[bool, bool], gap: int
) -> dict[str, object]:
    return {
        "slot": block,
        "urls": item_urls(block.item.pk),
        "subgroups": [(sub, object_url("sessions:item-delete", sub.pk)) for sub in block.subgroups],
        "day": day,
        "days": days,
        "first": edges[0],
        "last": edges[1],
        "gap": gap,
    }


def draw_row_with_error(request: HtmxHttpRequest, item: AgendaItem, error: str) -> HttpResponse:
    """The block's row with an error next to its duration (never kept; its empty key makes
    the next answer send the row again)."""
    days = list(Day.objects.filter(session=item.day.session_id))
    entry = agenda_of([d for d in days if d.pk == item.day_id])[0]
    slots = entry.slots
    index = next(i for i, block in enumerate(slots) if block.item.pk == item.pk)
    gap = gaps_before(slots, entry.day.starts_at)[index]
    edges = (index == 0, index == len(slots) - 1)
    context = _block_context(slots[index], entry.day, days, edges, gap)
    context.update(key="", duration_error=error)
    return render(request, f"{PAGE}#block", context, status=422)


def _method_choices(signature: str | None = None) -> MethodChoices:
    """The method library as options; kept under its signature when one was read with the
    page's other data (_methods_signature), so that an edit's answer needs no query."""
    if signature is not None:
        key = f"method-library:{get_language()}:{_digest(signature)}"
        kept = _store().get_or_set(key, _method_choices, timeout=PAGE_CACHE_SECONDS)
        return kept if kept is not None else _method_choices()
    return [("", str(MethodPickForm.EMPTY_LABEL))] + [
        (m.pk, m.name) for m in Method.objects.only("pk", "name")
    ]


def _with_token(request: HtmxHttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the visitor's CSRF token where kept HTML holds the placeholder."""
    response.content = response.content.replace(
        CSRF_PLACEHOLDER.encode(), get_token(request).encode()
    )
    return response
