"""The agenda planner: facilitators build each day from blocks, through htmx or plain forms.

Every write answers an htmx request with the day's fragment (and, for a move between
days, the other day out of band); a move or a duration changed from a page that says which
rows it holds (``shown``, static/js/planner.js) gets only what changed
(planner_cache.draw_changes). A plain POST is redirected back to the planner. The
pages and fragments are drawn, and kept, by sessions.planner_cache.
"""

from __future__ import annotations

import datetime
import re

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.forms import BaseModelFormSet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from labo.lib.http import HtmxHttpRequest
from labo.lib.versions import STALE, StaleVersion, rebind
from labo.models import Person
from labo.queries import grade_mix, person_of
from sessions import planner_cache, services
from sessions.access import get_day_for, get_item_for, get_planner_session_for, get_session_for
from sessions.agenda import place_at
from sessions.forms import (
    AddAttendeesForm,
    AttendanceFormSet,
    DayForm,
    DurationForm,
    ItemForm,
    MethodPickForm,
    MoveForm,
    MoveToDayForm,
    QuickItemForm,
    ReorderForm,
    SessionForm,
    SubgroupForm,
    TemplateDaysForm,
    TemplateForm,
    name_taken,
    number_taken,
    programmes_of,
)
from sessions.models import AgendaItem, Attendance, AttendanceRole, Day
from sessions.planner_cache import PAGE, DayForms
from sessions.queries import deleted_item_in_session, item_in_session, runners
from sessions.templatetags.planner import duration


def _answer(
    request: HtmxHttpRequest,
    day: Day,
    *,
    status: int = 200,
    undo: AgendaItem | None = None,
    focus: str | None = None,
    announce: str | None = None,
    error: str | None = None,
) -> HttpResponse:
    """The day's fragment for htmx; back to the planner (at that day) for a plain form."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        query = f"?undo={undo.pk}" if undo else ""
        return redirect(
            reverse("sessions:agenda", args=[day.session_id]) + query + f"#day-{day.pk}"
        )
    shown = _targeted_day(request, day)
    if shown is None:
        return planner_cache.draw_day(
            request, day, status=status, undo=undo, focus=focus, announce=announce, error=error
        )
    # The block was moved to another day meanwhile: the day the user acted from is drawn
    # where it stands (drawing this one there would show one day twice and lose the other),
    # and the block's day where it stands, with the focus and the message.
    response = planner_cache.draw_day(request, shown, status=status)
    response.content += planner_cache.draw_day(
        request, day, oob=True, undo=undo, focus=focus, announce=announce, error=error
    ).content
    return response


_ROW = re.compile(r"\d{1,12}:[0-9a-f]{32}")


def _shown(request: HtmxHttpRequest) -> set[str] | None:
    """The rows the page holds ("pk:key", sent by static/js/planner.js); None when the
    request did not say (a plain form, another client): the whole day is then sent."""
    raw = request.POST.get("shown") if request.htmx else None
    if raw is None:
        return None
    return {row for row in raw[:100_000].split(",") if _ROW.fullmatch(row)}


def _changes(
    request: HtmxHttpRequest, days: list[Day], *, focus: str, announce: str
) -> HttpResponse:
    """Only what changed in these days for a page that says what it holds, else the first
    day's fragment (and the others out of band)."""
    shown = _shown(request)
    if shown is not None and _targeted_day(request, days[0]) is None:
        return planner_cache.draw_changes(
            request, days, shown=shown, focus=focus, announce=announce
        )
    response = _answer(request, days[0], focus=focus, announce=announce)
    for other in days[1:]:
        response.content += planner_cache.draw_day(request, other, oob=True).content
    return response


def _targeted_day(request: HtmxHttpRequest, day: Day) -> Day | None:
    """The other day of the same session whose fragment the htmx request targets, if any."""
    target = request.htmx.target or ""
    if not target.startswith("day-") or target == f"day-{day.pk}":
        return None
    pk = target.removeprefix("day-")
    if not pk.isdigit():
        return None
    return Day.objects.filter(pk=int(pk), session=day.session_id).first()


def _invalid(request: HtmxHttpRequest, day: Day, forms: DayForms) -> HttpResponse:
    """The day (htmx) or the page with the posted form and its errors."""
    if request.htmx:
        return planner_cache.draw_day(request, day, status=422, forms=forms)
    return planner_cache.draw_page_with(request, day.session, status=422, forms=forms)


def _item_form(
    request: HtmxHttpRequest, item: AgendaItem, form: ItemForm, status: int
) -> HttpResponse:
    """The block's edit form in place of the block (htmx), or on the page."""
    if request.htmx:
        context = {"item": item, "form": form, "session": item.day.session}
        response = render(request, f"{PAGE}#item-form", context, status=status)
        return reswap(retarget(response, f"#item-{item.pk}"), "outerHTML")
    return planner_cache.draw_page_with(
        request, item.day.session, status=status, editing=item.pk, edit_form=form
    )


@require_GET
def agenda(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = get_planner_session_for(request, pk)
    edit, settings, undo = (request.GET.get(k, "") for k in ("edit", "settings", "undo"))
    editing = item_in_session(session, int(edit)) if edit.isdigit() else None
    undone = deleted_item_in_session(session, int(undo)) if undo.isdigit() else None
    forms = DayForms(day=int(settings), settings=True) if settings.isdigit() else None
    if forms is None and undone is None and editing is None:
        return planner_cache.draw_page(request, session)
    edit_form = None
    if editing is not None:
        edit_form = ItemForm(instance=editing, people=runners(), prefix=f"item{editing.pk}")
    return planner_cache.draw_page_with(
        request,
        session,
        forms=forms,
        undo=undone,
        editing=editing.pk if editing else None,
        edit_form=edit_form,
    )


@require_http_methods(["GET", "POST"])
def session_create(request: HtmxHttpRequest) -> HttpResponse:
    programmes = programmes_of(request.user)
    form = SessionForm(request.POST or None, programmes=programmes, creator=person_of(request.user))
    if request.method != "POST" or not form.is_valid():
        status = 422 if request.method == "POST" else 200
        return _session_form(request, form, status=status)
    data = form.cleaned_data
    template, chosen = data["template"], None
    if template is not None:
        dates = services.dates_between(data["starts_on"], data["ends_on"])
        if len(template.days) != len(dates):
            # Another length: which template day goes to which session day is asked, and
            # nothing is created until the facilitator confirms.
            asked = f"{template.pk}:{dates[0]}:{dates[-1]}"
            answered = request.POST.get("tpl-asked") == asked
            days_form = TemplateDaysForm(
                request.POST if answered else None, template=template, dates=dates, prefix="tpl"
            )
            if not answered or not days_form.is_valid():
                context = {"days_form": days_form, "asked": asked, "template": template}
                return _session_form(request, form, status=200 if not answered else 422, **context)
            chosen = days_form.chosen()
    fields = ("programme", "number", "title", "place", "starts_on", "ends_on", "objectives")
    try:
        with transaction.atomic():
            session = services.create_session(
                **{name: data[name] for name in fields},
                facilitators=data["facilitators"],
                template=template,
                template_days=chosen,
            )
    except IntegrityError:  # the number taken meanwhile
        form.add_error("number", number_taken(data["programme"], data["number"]))
        return _session_form(request, form, status=422)
    messages.success(request, _("The session is created, with one agenda per day."))
    return redirect("sessions:agenda", session.pk)


def _session_form(
    request: HtmxHttpRequest, form: SessionForm, *, status: int, **context
) -> HttpResponse:
    context["form"] = form
    return render(request, "sessions/session_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def session_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk, write=True)
    form = SessionForm(
        request.POST or None, instance=session, programmes=programmes_of(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_session(session=session, **form.cleaned_data)
        except StaleVersion:
            session.refresh_from_db()
            programmes = programmes_of(request.user)
            form = rebind(form, session, programmes=programmes)
            return render(
                request,
                "sessions/session_form.html",
                {"form": form, "session": session},
                status=409,
            )
        except services.AgendaError as error:
            form.add_error("ends_on", str(error))
        except IntegrityError:  # the number taken meanwhile
            data = form.cleaned_data
            form.add_error("number", number_taken(data["programme"], data["number"]))
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
        return _invalid(request, day, DayForms(day=day.pk, day_form=form))
    try:
        services.update_day(day=day, **form.cleaned_data)
    except StaleVersion:
        day.refresh_from_db()
        again = rebind(form, day)
        if request.htmx:
            return planner_cache.draw_day(
                request, day, status=409, forms=DayForms(day=day.pk, day_form=again)
            )
        return planner_cache.draw_page_with(
            request, day.session, status=409, forms=DayForms(day=day.pk, day_form=again)
        )
    return _answer(request, day, announce=_("The day is saved."))


@require_POST
def item_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    form = QuickItemForm(request.POST, prefix=f"day{day.pk}")
    if not form.is_valid():
        return _invalid(request, day, DayForms(day=day.pk, quick_form=form))
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
        announce=ngettext(
            "%(count)d block added from “%(method)s”.",
            "%(count)d blocks added from “%(method)s”.",
            len(items),
        )
        % {"count": len(items), "method": form.cleaned_data["method"].name},
    )


@require_GET
def item_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    form = ItemForm(instance=item, people=runners(), prefix=f"item{item.pk}")
    if request.htmx:
        return render(
            request, f"{PAGE}#item-form", {"item": item, "form": form, "session": item.day.session}
        )
    return planner_cache.draw_page_with(request, item.day.session, editing=item.pk, edit_form=form)


@require_POST
def item_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    form = ItemForm(request.POST, instance=item, people=runners(), prefix=f"item{item.pk}")
    if not form.is_valid():
        return _item_form(request, item, form, status=422)
    try:
        services.save_item(item=item, **form.values())
    except services.StaleAgenda as error:
        return _edit_conflict(request, item, form, str(error))
    announce = _("Block “%(title)s” saved.") % {"title": item.title}
    if _targeted_day(request, item.day) is not None:
        announce = _("Block “%(title)s” saved: it was moved meanwhile to %(day)s.") % {
            "title": item.title,
            "day": date_format(item.day.date, "l j F"),
        }
    return _answer(request, item.day, focus=f"item-{item.pk}", announce=announce)


def _edit_conflict(
    request: HtmxHttpRequest, item: AgendaItem, form: ItemForm, message: str
) -> HttpResponse:
    """Show the user's text again, against the latest version, with the conflict explained;
    a block deleted meanwhile (or with its day): the planner as it is now, with the reason."""
    current = AgendaItem.objects.select_related("day__session").filter(pk=item.pk).first()
    if current is None:
        return _gone(request, item.day.session_id, message)
    again = rebind(form, current, message=message, people=runners())
    return _item_form(request, current, again, status=409)


def _gone(request: HtmxHttpRequest, session_id: int, message: str) -> HttpResponse:
    """Back to the planner, the message shown there: what the request was about is gone."""
    messages.error(request, message)
    url = reverse("sessions:agenda", args=[session_id])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


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
    return _changes(
        request,
        [item.day],
        focus=focus,
        announce=_("“%(title)s” moved to position %(position)d of %(total)d.")
        % {"title": moved.title, "position": moved.position + 1, "total": total},
    )


@require_POST
def item_duration(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    form = DurationForm(request.POST)
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        if request.htmx:  # the row, the error next to its duration
            response = planner_cache.draw_row_with_error(request, item, error)
            return reswap(retarget(response, f"#item-{item.pk}"), "outerHTML")
        return _answer(
            request,
            item.day,
            status=422,
            error=_("“%(title)s”: %(error)s") % {"title": item.title, "error": error},
        )
    try:
        services.save_item(
            item=item,
            version=item.version,  # as read now: a step adds to the duration as it is
            title=item.title,
            kind=item.kind,
            duration_minutes=form.minutes_from(item.duration_minutes),
            fixed_start=item.fixed_start,
            description=item.description,
            materials=item.materials,
            alternative_plan=item.alternative_plan,
        )
    except services.StaleAgenda as error:
        return _answer(request, item.day, status=409, error=str(error))
    control = {-5: "shorter", 5: "longer"}.get(form.cleaned_data["step"], "duration")
    return _changes(
        request,
        [Day.objects.get(pk=item.day_id)],  # where it is now: it may have been moved meanwhile
        focus=f"item-{item.pk}-{control}",
        announce=_("“%(title)s” now lasts %(duration)s.")
        % {"title": item.title, "duration": duration(item.duration_minutes)},
    )


@require_POST
def item_move_to_day(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    source = item.day
    form = MoveToDayForm(request.POST, session=source.session)
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _answer(request, source, status=422, error=error)
    target, position, at = (form.cleaned_data[k] for k in ("day", "position", "at"))
    start = None
    if position is None and at is not None and target.pk != source.pk:
        position, start = _place(item, target, at)
    try:
        services.move_to_day(item=item, day=target, position=position)
    except services.AgendaError as error:
        return _answer(request, source, status=422, error=str(error))
    if not request.htmx:
        return _answer(request, target)
    values = {"title": item.title, "day": date_format(target.date, "l j F")}
    if start is not None:
        announce = _("“%(title)s” moved to %(day)s at %(time)s.") % {
            **values,
            "time": start.strftime("%H:%M"),
        }
    else:
        announce = _("“%(title)s” moved to %(day)s.") % values
    shown = _shown(request)
    if shown is not None and _targeted_day(request, source) is None:
        return planner_cache.draw_changes(
            request, [source, target], shown=shown, focus=f"item-{item.pk}", announce=announce
        )
    response = _answer(request, source, announce=announce)
    other = planner_cache.draw_day(request, target, oob=True, focus=f"item-{item.pk}")
    response.content += other.content
    return response


def _place(item: AgendaItem, day: Day, at: datetime.time) -> tuple[int, datetime.time]:
    """The position on ``day`` for a block starting at ``at`` where it is, and its start
    there (sessions.agenda.place_at)."""
    blocks = list(
        AgendaItem.objects.filter(day=day, parent__isnull=True)
        .order_by("position", "pk")
        .only("pk", "duration_minutes", "fixed_start")
    )
    return place_at(blocks, item, day.starts_at, day.ends_at, at)


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
            raise services.StaleAgenda(next(iter(form.errors.values()))[0])
        services.reorder_day(
            day=day, order=form.cleaned_data["order"], revision=form.cleaned_data["revision"]
        )
    except services.AgendaError as error:
        return _answer(request, day, status=409, error=str(error))
    return _answer(request, day, announce=_("New order saved."))


@require_POST
def session_save_template(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk, write=True)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        return planner_cache.draw_page_with(request, session, status=422, template_form=form)
    try:
        with transaction.atomic():
            services.save_as_template(session=session, **form.cleaned_data)
    except IntegrityError:  # the same name saved meanwhile by someone else
        form.add_error("name", name_taken(form.cleaned_data["name"]))
        return planner_cache.draw_page_with(request, session, status=422, template_form=form)
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
    # Bound on any POST, even an empty one: a missing management form is then said on the
    # page instead of showing the sheet again as if nothing had been sent.
    data = request.POST if request.method == "POST" else None
    formset = AttendanceFormSet(data, queryset=attendances, prefix="att")
    adding = AddAttendeesForm(data, day=day, prefix="add")
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and formset.is_valid() and adding.is_valid():
        # Only the day's rows: a forged form count adds forms that are no attendance.
        rows = formset.initial_forms
        try:
            services.record_attendance(
                day=day,
                changes=[form.instance for form in rows if form.has_changed()],
                removed=[form.instance for form in formset.deleted_forms],
                added=adding.cleaned_data["people"],
                role=adding.cleaned_data["role"],
                versions={form.instance.pk: form.cleaned_data["version"] for form in rows},
            )
        except StaleVersion:
            formset, status = _attendance_again(request, day, attendances), 409
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("sessions:day-attendance", day.pk)
    present = Person.objects.filter(attendances__day=day, attendances__present=True)
    context = {
        "day": day,
        "session": day.session,
        "formset": formset,
        "adding": adding,
        "mix": grade_mix(present),
        "roles": [
            {"role": AttendanceRole(row["role"]).label, "n": row["n"]}
            for row in day.attendances.values("role").annotate(n=Count("pk")).order_by("role")
        ],
        "present_count": present.count(),
    }
    return render(request, "sessions/attendance.html", context, status=status)


def _attendance_again(
    request: HtmxHttpRequest, day: Day, attendances: QuerySet[Attendance]
) -> BaseModelFormSet:
    """The sheet as the user filled it, over the rows as they are now (their versions), with
    the conflict explained: saving it again keeps the user's choices on purpose."""
    data = request.POST.copy()
    current = dict(day.attendances.values_list("pk", "version"))
    for index in range(int(data.get("att-TOTAL_FORMS") or 0)):
        pk = data.get(f"att-{index}-id", "")
        if pk.isdigit() and int(pk) in current:
            data[f"att-{index}-version"] = str(current[int(pk)])
    formset = AttendanceFormSet(data, queryset=attendances, prefix="att")
    formset.is_valid()
    formset.non_form_errors().append(str(STALE))
    return formset
