"""People: the home page, the directory, profiles, the HR import, data export and anonymising."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commandes.models import Commande, Task
from commandes.queries import waiting_at_gate
from labo.lib.http import HtmxHttpRequest
from labo.lib.versions import StaleVersion, rebind
from labo.models import Person
from labo.people import importing, privacy, services
from labo.people.access import get_person_for, own_person
from labo.people.forms import (
    IMPORT_EXPIRED,
    AnonymiseForm,
    ImportConfirmForm,
    ImportUploadForm,
    PersonFilterForm,
    ProfileForm,
)
from labo.people.queries import history_of, onboarding_of, workshops_of
from labo.queries import person_of
from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT, roles_of
from sessions.calendar import feed_token
from sessions.queries import coming_sessions, latest_held_sessions, sessions_of

# The home page shows the newest of an ambassador's sessions and workshops; the others are
# one click away (an ambassador of five years takes part in some 150 sessions).
HOME_SESSIONS = 6
HOME_WORKSHOPS = 10


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    held = roles_of(request.user)
    context: dict[str, object] = {}
    if FACILITATOR in held:
        context["coming_sessions"] = coming_sessions(timezone.localdate())
    if AMBASSADOR in held:
        person = person_of(request.user)
        if person is not None:
            sessions = sessions_of(person)
            context["my_sessions"] = sessions.select_related("programme").order_by(
                "-starts_on", "-pk"
            )[:HOME_SESSIONS]
            context["my_session_count"] = sessions.count()
            ateliers = workshops_of(person)
            context["my_ateliers"] = ateliers[:HOME_WORKSHOPS]
            context["my_atelier_count"] = ateliers.count()
            context["my_commandes"] = Commande.objects.filter(team__person=person).distinct()
            context["my_tasks"] = (
                Task.objects.filter(owner=person, done=False)
                .select_related("commande")
                .order_by("due_on")
            )
        context["has_person"] = person is not None
    if MANAGEMENT in held:
        context["latest_syntheses"] = latest_held_sessions()
        context["at_gate"] = waiting_at_gate()
    return render(request, "labo/home.html", context)


@require_GET
def person_list(request: HtmxHttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None)
    people = (
        Person.objects.select_related("direction")
        .annotate(session_count=Count("attendances__day__session", distinct=True))
        .order_by("last_name", "first_name", "pk")
    )
    if form.is_valid():
        people = form.filter(people)
    context = {"form": form, "people": people}
    template = "labo/person_list.html#results" if request.htmx else "labo/person_list.html"
    return render(request, template, context)


@require_GET
def person_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request, pk)
    history = history_of(person)
    context = {"person": person, "history": history, "anonymise_form": AnonymiseForm()}
    if person.is_newcomer():
        context["onboarding"] = onboarding_of(person, history)
    return render(request, "labo/person_detail.html", context)


@require_GET
def my_data(request: HtmxHttpRequest) -> HttpResponse:
    """What Labo holds on the visitor, as a JSON file (their grade included); reading one's
    own data is not recorded, so a GET that writes nothing."""
    person = own_person(request)
    return _data_file(privacy.personal_data(person), person)


@require_POST
def person_export(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """What Labo holds on someone, for a facilitator handling their request: recorded in the
    audit log, hence a POST (the file comes in the response)."""
    person = get_person_for(request, pk, write=True)
    return _data_file(services.export_personal_data(person=person, by=request.user), person)


def _data_file(data: dict[str, object], person: Person) -> HttpResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="labo-donnees-{person.pk}.json"'
    return response


@require_POST
def person_anonymise(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request, pk, write=True)
    form = AnonymiseForm(request.POST)
    if not form.is_valid():
        history = history_of(person)
        context = {"person": person, "history": history, "anonymise_form": form}
        return render(request, "labo/person_detail.html", context, status=422)
    services.anonymise(person=person, by=request.user)
    messages.success(request, _("The person is anonymised; their contributions stay."))
    return redirect("labo:person-detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
def my_profile(request: HtmxHttpRequest) -> HttpResponse:
    person = own_person(request)
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_profile(
                    person=person,
                    job_title=data["job_title"],
                    domain_profile=data["domain_profile"],
                    skills=data["skills"],
                    appetites=data["appetites"],
                    version=data["version"],
                )
            except StaleVersion:
                person.refresh_from_db()
                form, status = rebind(form, person), 409
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("labo:my-profile")
    else:
        status = 200

    history = history_of(person)
    feed = reverse("sessions:personal-feed", args=[feed_token(person)])
    context = {
        "person": person,
        "form": form,
        "history": history,
        "feed_url": request.build_absolute_uri(feed),
    }
    if person.is_newcomer():
        context["onboarding"] = onboarding_of(person, history)
    return render(request, "labo/my_profile.html", context, status=status)


@require_POST
def calendar_renew(request: HtmxHttpRequest) -> HttpResponse:
    """A new calendar address for the visitor; the one they shared before stops working."""
    person = own_person(request)
    services.renew_calendar_address(person=person)
    messages.success(
        request,
        _("Your calendar has a new address: the old one no longer works. Subscribe again."),
    )
    return redirect(reverse("labo:my-profile") + "#feed-title")


@require_http_methods(["GET", "POST"])
def person_import(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "labo/person_import.html", {"upload": ImportUploadForm()})
    if "payload" in request.POST:
        return _import_confirm(request)
    return _import_preview(request)


def _import_preview(request: HtmxHttpRequest) -> HttpResponse:
    upload = ImportUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return render(request, "labo/person_import.html", {"upload": upload}, status=422)
    file = upload.cleaned_data["file"]
    try:
        parsed = importing.parse(file.name, file.read())
    except importing.ImportFileError as error:
        upload.add_error("file", str(error))
        return render(request, "labo/person_import.html", {"upload": upload}, status=422)
    rows, lines = parsed.rows, parsed.line_numbers
    check = services.check_import(rows=rows, lines=lines)
    context = {
        "upload": ImportUploadForm(),
        "check": check,
        "ignored_columns": parsed.ignored_columns,
        "confirm": ImportConfirmForm.for_rows(rows, lines) if check.ok else None,
    }
    return render(request, "labo/person_import.html", context, status=200 if check.ok else 422)


def _import_confirm(request: HtmxHttpRequest) -> HttpResponse:
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        context = {"upload": ImportUploadForm(), "import_error": IMPORT_EXPIRED}
        return render(request, "labo/person_import.html", context, status=422)
    rows, lines = form.cleaned_data["payload"]
    result = services.import_people(rows=rows, lines=lines)
    if not result.ok:
        context = {"upload": ImportUploadForm(), "check": result, "confirm": None}
        return render(request, "labo/person_import.html", context, status=422)
    messages.success(
        request,
        _("Import done: %(created)d people created, %(updated)d updated.")
        % {"created": result.created_count, "updated": result.updated_count},
    )
    return redirect("labo:person-list")
