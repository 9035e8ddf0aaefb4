"""The agenda planner: facilitators build each day from blocks, through htmx or plain forms.

Every write answers an htmx request with the day's fragment (and, for a move between
days, the other day out of band); a plain POST is redirected back to the planner.
"""

from __future__ import annotations

import hashlib
import uuid

from django.contrib import messages
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Count
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from labo.lib.http import HtmxHttpRequest, object_url
from labo.models import Person, Programme
from labo.queries import grade_mix, person_id_of
from labo.roles import roles_of
from sessions import services
from sessions.access import check_session_access, get_session_for
from sessions.forms import (
    AddAttendeesForm,
    AttendanceFormSet,
    DayForm,
    ItemForm,
    MethodPickForm,
    MoveForm,
    MoveToDayForm,
    QuickItemForm,
    ReorderForm,
    SessionForm,
    SubgroupForm,
    TemplateForm,
    programmes_of,
)
from sessions.models import AgendaItem, Day, Method, Session
from sessions.queries import agenda_of

PAGE = "sessions/planner.html"


def get_day_for(request: HtmxHttpRequest, pk: int, *, write: bool = False) -> Day:
    days = Day.objects.select_related("session__programme").annotate(
        visitor_facilitates=_visitor_facilitates(request.user)
    )
    day = get_object_or_404(days, pk=pk)
    _knows_visitor(request, day.session, day.visitor_facilitates)
    check_session_access(request, day.session, write=write)
    return day


def get_item_for(
    request: HtmxHttpRequest, pk: int, *, write: bool = False, deleted: bool = False
) -> AgendaItem:
    manager = AgendaItem.all_objects if deleted else AgendaItem.objects
    items = manager.select_related("day__session__programme").annotate(
        visitor_facilitates=_visitor_facilitates(request.user)
    )
    item = get_object_or_404(items, pk=pk)
    _knows_visitor(request, item.day.session, item.visitor_facilitates)
    check_session_access(request, item.day.session, write=write)
    return item


def _knows_visitor(request: HtmxHttpRequest, session: Session, facilitates: bool) -> None:
    """Whether the visitor facilitates the session's programme, read with the object: the
    access rule reads it instead of asking the database again (see sessions.rules)."""
    session.facilitated_by = (request.user.pk, facilitates)


def _runners():
    """Who can run a block: people with a facilitator or ambassador account."""
    return Person.objects.filter(user__groups__name__in=["facilitator", "ambassador"]).distinct()


ITEM_URLS = {
    "update": "sessions:item-update",
    "edit": "sessions:item-edit",
    "duplicate": "sessions:item-duplicate",
    "delete": "sessions:item-delete",
    "move": "sessions:item-move",
    "move_to_day": "sessions:item-move-to-day",
    "add_subgroup": "sessions:item-add-subgroup",
}


def item_urls(pk: int) -> dict[str, str]:
    """The block's action URLs (a page has many: see labo.lib.http.object_url)."""
    return {key: object_url(name, pk) for key, name in ITEM_URLS.items()}


def _with_forms(entry: dict, bound: dict | None, methods: list, days: list[Day]) -> dict:
    """Attach the day's blocks as drawn and its forms, blank or (for the day that was
    posted) bound with errors."""
    _draw_blocks(entry, days)
    day = entry["day"]
    bound = bound if bound and bound.get("day") == day.pk else {}
    entry["day_form"] = bound.get("day_form") or (
        DayForm(instance=day, prefix=f"settings{day.pk}") if bound.get("settings") else None
    )
    entry["add_html"] = _add_forms(day, methods, bound.get("quick_form"))
    return entry


def _add_forms(day: Day, methods: list, quick_form: QuickItemForm | None) -> str:
    """The day's forms to add a block: blank ones are kept as drawn (the same until the
    method library changes), a bound one with its errors is drawn each time."""

    def draw() -> str:
        method_form = MethodPickForm(prefix=f"method{day.pk}")
        # The library as a plain list (_method_choices), read once for all the days.
        method_form.fields["method"].choices = methods
        context = {
            "day": day,
            "quick_form": QuickItemForm(prefix=f"day{day.pk}")
            if quick_form is None
            else quick_form,
            "method_form": method_form,
            "csrf_token": CSRF_PLACEHOLDER,
        }
        return render_to_string(f"{PAGE}#add-block", context)

    if quick_form is not None:
        return mark_safe(draw())
    key = f"planner-add:{get_language()}:{day.pk}:{_digest(methods)}"
    return mark_safe(cache.get_or_set(key, draw, timeout=PAGE_CACHE_SECONDS))


def _draw_blocks(entry: dict, days: list[Day]) -> None:
    """Give each block of the day its HTML as drawn (item.html). A block is kept as drawn
    under everything it shows: the block's own fields, its workshop, runners and
    sub-groups, its times and warnings, whether it is first or last, and the session's
    days (its "move to" list). An edit thus redraws the blocks it changed, not the day.
    The CSRF token is drawn as a placeholder: see _with_token."""
    day, slots = entry["day"], entry["slots"]
    around = (get_language(), day.pk, [(d.pk, d.date) for d in days])
    edges = [(index == 0, index == len(slots) - 1) for index in range(len(slots))]
    keys = []
    for slot, (first, last) in zip(slots, edges, strict=True):
        item = slot.item
        atelier = getattr(item, "atelier", None)  # read with the blocks; None if there is none
        shown = (
            [getattr(item, field.attname) for field in item._meta.concrete_fields],
            (atelier.pk, atelier.title) if atelier else None,
            [str(person) for person in item.runners],
            [(sub.pk, sub.title) for sub in item.subgroup_list],
            (slot.start, slot.end, slot.overlaps_pinned, slot.past_day_end),
            (first, last),
        )
        keys.append(f"planner-block:{item.pk}:{_digest(around, shown)}")
    found = cache.get_many(keys)
    drawn = {}
    for slot, key, (first, last) in zip(slots, keys, edges, strict=True):
        if key not in found:
            slot.item.urls = item_urls(slot.item.pk)
            for sub in slot.item.subgroup_list:
                sub.urls = item_urls(sub.pk)
            context = {
                "slot": slot,
                "day": day,
                "days": days,
                "first": first,
                "last": last,
                "csrf_token": CSRF_PLACEHOLDER,
            }
            drawn[key] = found[key] = render_to_string(f"{PAGE}#block", context)
        slot.item.html = mark_safe(found[key])
    if drawn:
        cache.set_many(drawn, timeout=PAGE_CACHE_SECONDS)


def _with_token(request: HtmxHttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the visitor's CSRF token where kept HTML holds the placeholder."""
    response.content = response.content.replace(
        CSRF_PLACEHOLDER.encode(), get_token(request).encode()
    )
    return response


def _method_choices(signature: str | None = None) -> list[tuple[object, str]]:
    """The method library as options; kept under its signature when one was read with the
    page's other data (see _methods_signature), so that an edit's answer needs no query."""
    if signature is not None:
        key = f"method-library:{get_language()}:{_digest(signature)}"
        return cache.get_or_set(key, _method_choices, timeout=PAGE_CACHE_SECONDS)
    return [("", str(MethodPickForm.base_fields["method"].empty_label))] + [
        (m.pk, m.name) for m in Method.objects.only("pk", "name")
    ]


def _day_context(day: Day, *, bound: dict | None = None, undo=None, **extra) -> dict:
    days = list(  # the day itself is one of them
        Day.objects.filter(session=day.session_id).annotate(methods_signature=_methods_signature())
    )
    entry = agenda_of([d for d in days if d.pk == day.pk])[0]
    entry["undo"] = undo
    return {
        "session": day.session,
        "entry": _with_forms(entry, bound, _method_choices(days[0].methods_signature), days),
        "days": days,
        **extra,
    }


def _answer(request: HtmxHttpRequest, day: Day, *, status: int = 200, **extra) -> HttpResponse:
    """The day's fragment for htmx; back to the planner (at that day) for a plain form."""
    if not request.htmx:
        if extra.get("error"):
            messages.error(request, extra["error"])
        undo = extra.get("undo")
        query = f"?undo={undo.pk}" if undo else ""
        return redirect(
            reverse("sessions:agenda", args=[day.session_id]) + query + f"#day-{day.pk}"
        )
    context = _day_context(day, **extra)
    return _with_token(request, render(request, f"{PAGE}#day", context, status=status))


def get_planner_session_for(request: HtmxHttpRequest, pk: int) -> Session:
    """The session, for a visitor who may change it, read in one query with what the
    planner's cache key needs (see _plain_page) and whether the visitor facilitates its
    programme (which the access rule then reads instead of asking the database again)."""
    session = get_object_or_404(Session.objects.annotate(**_page_columns(request.user)), pk=pk)
    _knows_visitor(request, session, session.visitor_facilitates)
    check_session_access(request, session, write=True)
    return session


def _page_columns(user) -> dict[str, RawSQL]:
    """Plain SQL columns (one small subquery each, no compiling of ORM subqueries on every
    visit): the days' count, last id and sum of revisions; the method library's size and
    last change; whether the user's person facilitates the session's programme."""
    q = connection.ops.quote_name
    day, session = q(Day._meta.db_table), q(Session._meta.db_table)
    return {
        "days_signature": RawSQL(
            f"SELECT COUNT(*) || ':' || COALESCE(MAX({q('id')}), 0) || ':' "
            f"|| COALESCE(SUM({q('revision')}), 0) FROM {day} "
            f"WHERE {day}.{q('session_id')} = {session}.{q('id')}",
            [],
        ),
        "methods_signature": _methods_signature(),
        "visitor_facilitates": _visitor_facilitates(user),
    }


def _methods_signature() -> RawSQL:
    """The method library's size and last change (Method.updated_at)."""
    q = connection.ops.quote_name
    method = q(Method._meta.db_table)
    return RawSQL(f"SELECT COUNT(*) || ':' || MAX({q('updated_at')}) FROM {method}", [])


def _visitor_facilitates(user) -> RawSQL:
    """Whether the user's person facilitates the programme of the session in the query
    (the session's table, joined or queried, under its own name)."""
    q = connection.ops.quote_name
    session = q(Session._meta.db_table)
    facilitators = q(Programme.facilitators.through._meta.db_table)
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {facilitators} "
        f"WHERE {facilitators}.{q('programme_id')} = {session}.{q('programme_id')} "
        f"AND {facilitators}.{q('person_id')} = %s)",
        [person_id_of(user)],
        output_field=BooleanField(),
    )


@require_GET
def agenda(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = get_planner_session_for(request, pk)
    undo = editing = edit_form = None
    if request.GET.get("edit", "").isdigit():
        editing_item = AgendaItem.objects.filter(
            pk=request.GET["edit"], day__session=session
        ).first()
        if editing_item:
            editing = editing_item.pk
            edit_form = ItemForm(instance=editing_item, people=_runners(), prefix=f"item{editing}")
    bound = None
    if request.GET.get("settings", "").isdigit():
        bound = {"day": int(request.GET["settings"]), "settings": True}
    if request.GET.get("undo", "").isdigit():
        undo = AgendaItem.all_objects.filter(
            pk=request.GET["undo"], day__session=session, deleted_at__isnull=False
        ).first()
    if bound is None and undo is None and editing is None:
        return _plain_page(request, session)
    return _render_page(
        request, session, bound=bound, undo_item=undo, editing=editing, edit_form=edit_form
    )


def _render_page(
    request,
    session: Session,
    *,
    status: int = 200,
    bound: dict | None = None,
    undo_item: AgendaItem | None = None,
    **extra,
) -> HttpResponse:
    days = list(Day.objects.filter(session=session).select_related("session"))
    methods = _method_choices()
    agenda = [_with_forms(entry, bound, methods, days) for entry in agenda_of(days)]
    for entry in agenda:
        entry["undo"] = undo_item if undo_item and undo_item.day_id == entry["day"].pk else None
    context = {
        "session": session,
        "days": days,
        "agenda": agenda,
        "template_form": TemplateForm(),
        **extra,
    }
    return _with_token(request, render(request, PAGE, context, status=status))


# Most visits to the planner change nothing, so the page is kept as last drawn for its
# visitor, under everything it shows, read with the session (get_planner_session_for): its
# number and title; its days' count, last id and sum of revisions (every change to a day
# bumps its revision, see sessions.signals; a day added or removed moves the count or the
# last id); the method library's size and last change; the visitor's name and roles. Each
# day is also kept on its own, for every visitor, so that a change redraws one day, and
# each block within it (_draw_blocks), so that an edit's answer redraws the blocks it
# changed. The CSRF token is drawn as a placeholder and the visitor's own token put in when
# served (_with_token). A page with messages to show is drawn and not kept.
CSRF_PLACEHOLDER = "csrf-placeholder-4d1f0c"
PAGE_CACHE_SECONDS = 24 * 3600
_PROCESS = uuid.uuid4().hex  # static files are named after their content: new per deploy


def _plain_page(request: HtmxHttpRequest, session: Session) -> HttpResponse:
    user = request.user
    key = "planner-page:" + _digest(
        _PROCESS,
        get_language(),
        (session.pk, session.number, session.title),
        session.days_signature,
        session.methods_signature,
        (user.pk, user.get_username(), user.is_staff, sorted(roles_of(user))),
    )
    has_messages = len(messages.get_messages(request)) > 0
    html = None if has_messages else cache.get(key)
    if html is None:
        days = list(Day.objects.filter(session=session).select_related("session"))
        methods = _method_choices(session.methods_signature)
        context = {
            "session": session,
            "days": days,
            "day_html": _cached_days(session, days, methods),
            "template_form": TemplateForm(),
            "csrf_token": CSRF_PLACEHOLDER,
        }
        html = render_to_string(PAGE, context, request)
        if not has_messages:
            cache.set(key, html, timeout=PAGE_CACHE_SECONDS)
    return _with_token(request, HttpResponse(html))


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _cached_days(session: Session, days: list[Day], methods) -> list[str]:
    shared = _digest([(d.pk, d.date) for d in days], methods)[:16]
    keys = {d.pk: f"planner-day:{get_language()}:{d.pk}:{d.revision}:{shared}" for d in days}
    found = cache.get_many(list(keys.values()))
    missing = [d for d in days if keys[d.pk] not in found]
    if missing:
        drawn = {}
        for entry in agenda_of(missing):
            context = {
                "session": session,
                "entry": _with_forms(entry, None, methods, days),
                "days": days,
                "csrf_token": CSRF_PLACEHOLDER,
            }
            drawn[keys[entry["day"].pk]] = render_to_string(f"{PAGE}#day", context)
        cache.set_many(drawn, timeout=PAGE_CACHE_SECONDS)
        found.update(drawn)
    return [mark_safe(found[keys[d.pk]]) for d in days]


@require_http_methods(["GET", "POST"])
def session_create(request: HtmxHttpRequest) -> HttpResponse:
    programmes = programmes_of(request.user)
    form = SessionForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = services.create_session(
            programme=data["programme"],
            number=data["number"],
            title=data["title"],
            place=data["place"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            objectives=data["objectives"],
            facilitators=data["facilitators"],
            template=data["template"],
        )
        messages.success(request, _("The session is created, with one agenda per day."))
        return redirect("sessions:agenda", session.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "sessions/session_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def session_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk, write=True)
    form = SessionForm(
        request.POST or None, instance=session, programmes=programmes_of(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_session_dates(
                    session=session,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )
                form.save()
        except services.AgendaError as error:
            form.add_error("ends_on", str(error))
        else:
            messages.success(request, _("The session is saved."))
            return redirect("sessions:agenda", session.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "sessions/session_form.html", {"form": form, "session": session}, status=status
    )


@require_http_methods(["GET", "POST"])
def day_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    if request.method == "GET":
        if not request.htmx:
            url = reverse("sessions:agenda", args=[day.session_id])
            return redirect(f"{url}?settings={day.pk}#day-{day.pk}")
        form = DayForm(instance=day, prefix=f"settings{day.pk}")
        return render(request, f"{PAGE}#day-settings", {"day": day, "form": form})
    form = DayForm(request.POST, instance=day, prefix=f"settings{day.pk}")
    if not form.is_valid():
        return _invalid(request, day, day_form=form)
    form.save()
    return _answer(request, day, announce=_("The day is saved."))


def _invalid(request: HtmxHttpRequest, day: Day, **forms) -> HttpResponse:
    bound = {"day": day.pk, **forms}
    if request.htmx:
        context = _day_context(day, bound=bound)
        return _with_token(request, render(request, f"{PAGE}#day", context, status=422))
    return _render_page(request, day.session, status=422, bound=bound)


@require_POST
def item_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    form = QuickItemForm(request.POST, prefix=f"day{day.pk}")
    if not form.is_valid():
        return _invalid(request, day, quick_form=form)
    item = services.add_item(day=day, **form.cleaned_data)
    return _answer(
        request,
        day,
        focus=f"item-{item.pk}",
        announce=_("Block “%(title)s” added.") % {"title": item.title},
    )


@require_POST
def item_from_method(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    form = MethodPickForm(request.POST, prefix=f"method{day.pk}")
    if not form.is_valid():
        return _answer(request, day, status=422, error=_("Choose a method from the library."))
    items = services.add_from_method(day=day, method=form.cleaned_data["method"])
    return _answer(
        request,
        day,
        focus=f"item-{items[0].pk}",
        announce=_("%(count)d block(s) added from “%(method)s”.")
        % {"count": len(items), "method": form.cleaned_data["method"].name},
    )


@require_GET
def item_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    form = ItemForm(instance=item, people=_runners(), prefix=f"item{item.pk}")
    if request.htmx:
        return render(
            request, f"{PAGE}#item-form", {"item": item, "form": form, "session": item.day.session}
        )
    return _render_page(request, item.day.session, editing=item.pk, edit_form=form)


@require_POST
def item_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    form = ItemForm(request.POST, instance=item, people=_runners(), prefix=f"item{item.pk}")
    if not form.is_valid():
        if request.htmx:
            response = render(
                request,
                f"{PAGE}#item-form",
                {"item": item, "form": form, "session": item.day.session},
                status=422,
            )
            return reswap(retarget(response, f"#item-{item.pk}"), "outerHTML")
        return _render_page(request, item.day.session, status=422, editing=item.pk, edit_form=form)
    try:
        services.save_item(form=form)
    except services.StaleAgenda as error:
        return _edit_conflict(request, item, form, str(error))
    return _answer(
        request,
        item.day,
        focus=f"item-{item.pk}",
        announce=_("Block “%(title)s” saved.") % {"title": item.title},
    )


def _edit_conflict(request, item: AgendaItem, form: ItemForm, message: str) -> HttpResponse:
    """Show the user's text again, against the latest version, with the conflict explained."""
    current = AgendaItem.objects.get(pk=item.pk)
    data = request.POST.copy()
    data[form.add_prefix("version")] = str(current.version)
    form = ItemForm(data, instance=current, people=_runners(), prefix=form.prefix)
    form.is_valid()
    form.add_error(None, message)
    context = {"item": current, "form": form, "session": current.day.session}
    if request.htmx:
        response = render(request, f"{PAGE}#item-form", context, status=409)
        return reswap(retarget(response, f"#item-{item.pk}"), "outerHTML")
    return _render_page(request, current.day.session, status=409, editing=item.pk, edit_form=form)


@require_POST
def item_duplicate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    try:
        copy = services.duplicate_item(item=item)
    except services.AgendaError as error:
        return _answer(request, item.day, status=409, error=str(error))
    return _answer(
        request,
        item.day,
        focus=f"item-{copy.pk}",
        announce=_("Block “%(title)s” duplicated.") % {"title": item.title},
    )


@require_POST
def item_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    try:
        deleted = services.delete_item(item=item)
    except services.AgendaError as error:
        return _answer(request, item.day, status=409, error=str(error))
    return _answer(
        request,
        item.day,
        undo=deleted,
        focus="undo",
        announce=_("Block “%(title)s” deleted.") % {"title": item.title},
    )


@require_POST
def item_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True, deleted=True)
    try:
        services.restore_item(item=item)
    except services.AgendaError as error:
        return _answer(request, item.day, status=422, error=str(error))
    return _answer(
        request,
        item.day,
        focus=f"item-{item.pk}",
        announce=_("Block “%(title)s” restored.") % {"title": item.title},
    )


@require_POST
def item_move(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _answer(request, item.day, status=422, error=_("Choose up or down."))
    try:
        moved, total = services.move_item(item=item, offset=form.offset)
    except services.AgendaError as error:
        return _answer(request, item.day, status=409, error=str(error))
    focus = f"item-{item.pk}-{form.cleaned_data['direction']}"
    return _answer(
        request,
        item.day,
        focus=focus,
        announce=_("“%(title)s” moved to position %(position)d of %(total)d.")
        % {"title": moved.title, "position": moved.position + 1, "total": total},
    )


@require_POST
def item_move_to_day(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    source = item.day
    form = MoveToDayForm(request.POST, session=source.session)
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
        return _answer(request, source, status=422, error=error)
    target = form.cleaned_data["day"]
    try:
        services.move_to_day(item=item, day=target, position=form.cleaned_data["position"])
    except services.AgendaError as error:
        return _answer(request, source, status=422, error=str(error))
    announce = _("“%(title)s” moved to %(day)s.") % {
        "title": item.title,
        "day": date_format(target.date, "l j F"),
    }
    if not request.htmx:
        return _answer(request, target)
    response = _answer(request, source, announce=announce)
    context = _day_context(target, oob=True, focus=f"item-{item.pk}")
    other = _with_token(request, render(request, f"{PAGE}#day", context))
    response.content += other.content
    return response


@require_POST
def item_add_subgroup(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    form = SubgroupForm(request.POST, prefix=f"sub{item.pk}")
    if not form.is_valid():
        return _answer(
            request, item.day, status=422, error=_("Give the parallel sub-group a title.")
        )
    try:
        services.add_subgroup(item=item, title=form.cleaned_data["title"])
    except services.AgendaError as error:
        return _answer(request, item.day, status=422, error=str(error))
    return _answer(
        request,
        item.day,
        focus=f"item-{item.pk}",
        announce=_("Sub-group added to “%(title)s”.") % {"title": item.title},
    )


@require_POST
def day_reorder(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    form = ReorderForm(request.POST)
    try:
        if not form.is_valid():
            raise services.StaleAgenda(form.errors["order"][0])
        services.reorder_day(day=day, order=form.cleaned_data["order"])
    except services.AgendaError as error:
        return _answer(request, day, status=409, error=str(error))
    return _answer(request, day, announce=_("New order saved."))


@require_POST
def session_save_template(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk, write=True)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        return _render_page(request, session, status=422, template_form=form)
    services.save_as_template(session=session, **form.cleaned_data)
    messages.success(
        request,
        _("The session is saved as the template “%(name)s”.") % {"name": form.cleaned_data["name"]},
    )
    return redirect("sessions:agenda", session.pk)


@require_http_methods(["GET", "POST"])
def day_attendance(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    attendances = day.attendances.select_related("person__direction").order_by(
        "person__last_name", "person__first_name"
    )
    formset = AttendanceFormSet(request.POST or None, queryset=attendances, prefix="att")
    adding = AddAttendeesForm(request.POST or None, day=day, prefix="add")
    if request.method == "POST" and formset.is_valid() and adding.is_valid():
        services.record_attendance(
            day=day,
            changes=[form.instance for form in formset.forms if form.has_changed()],
            removed=[form.instance for form in formset.deleted_forms],
            added=adding.cleaned_data["people"],
            role=adding.cleaned_data["role"],
        )
        messages.success(request, _("Attendance saved."))
        return redirect("sessions:day-attendance", day.pk)
    present = Person.objects.filter(attendances__day=day, attendances__present=True)
    context = {
        "day": day,
        "session": day.session,
        "formset": formset,
        "adding": adding,
        "mix": grade_mix(present),
        "roles": day.attendances.values("role").annotate(n=Count("pk")).order_by("role"),
        "present_count": present.count(),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "sessions/attendance.html", context, status=status)
