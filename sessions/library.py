"""The lab's method library and session templates: facilitators list, read, add and edit
them (they belong to no programme: every facilitator shares them)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from labo.lib.http import HtmxHttpRequest
from sessions import services
from sessions.forms import (
    BaseMethodStepFormSet,
    MethodForm,
    MethodStepFormSet,
    TemplateDeleteForm,
    TemplateForm,
    check_whole_day,
    name_taken,
)
from sessions.models import Method, MethodStep, SessionTemplate


def _template(pk: int) -> SessionTemplate:
    # The policy (labo.access) lets facilitators only reach these pages; a template is the
    # lab's, not a programme's: nothing more to check.
    return get_object_or_404(SessionTemplate, pk=pk)


@require_GET
def template_list(request: HtmxHttpRequest) -> HttpResponse:
    templates = SessionTemplate.objects.order_by("name")
    return render(request, "sessions/library/template_list.html", {"templates": templates})


@require_GET
def template_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    template = _template(pk)
    return _template_page(request, template, TemplateDeleteForm())


def _template_page(
    request: HtmxHttpRequest, template: SessionTemplate, delete_form: TemplateDeleteForm, status=200
) -> HttpResponse:
    context = {"template": template, "delete_form": delete_form}
    return render(request, "sessions/library/template_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def template_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    template = _template(pk)
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.rename_template(template=template, **form.cleaned_data)
        except IntegrityError:  # the same name saved meanwhile by someone else
            form.add_error("name", name_taken(form.cleaned_data["name"]))
        else:
            messages.success(request, _("The template is saved."))
            return redirect("sessions:template-detail", template.pk)
    status = 422 if request.method == "POST" else 200
    context = {"template": template, "form": form}
    return render(request, "sessions/library/template_form.html", context, status=status)


@require_POST
def template_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    template = _template(pk)
    form = TemplateDeleteForm(request.POST)
    if not form.is_valid():
        return _template_page(request, template, form, status=422)
    services.delete_template(template=template)
    messages.success(request, _("The template “%(name)s” is deleted.") % {"name": template.name})
    return redirect("sessions:template-list")


@require_GET
def method_list(request: HtmxHttpRequest) -> HttpResponse:
    methods = Method.objects.annotate(step_count=Count("steps")).order_by("name")
    return render(request, "sessions/library/method_list.html", {"methods": methods})


@require_http_methods(["GET", "POST"])
def method_create(request: HtmxHttpRequest) -> HttpResponse:
    return _method_form(request, Method())


@require_http_methods(["GET", "POST"])
def method_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    method = get_object_or_404(
        Method.objects.prefetch_related(
            Prefetch("steps", queryset=MethodStep.objects.order_by("position", "pk"))
        ),
        pk=pk,
    )
    return _method_form(request, method)


def _method_form(request: HtmxHttpRequest, method: Method) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = MethodForm(data, instance=method)
    steps = cast(BaseMethodStepFormSet, MethodStepFormSet(data, instance=method, prefix="steps"))
    if data is not None and form.is_valid() and steps.is_valid() and check_whole_day(form, steps):
        values = {k: v for k, v in form.cleaned_data.items() if k != "whole_day"}
        try:
            with transaction.atomic():
                saved = services.save_method(
                    method=method if method.pk else None, steps=steps.steps(), **values
                )
        except IntegrityError:  # the same name saved meanwhile by someone else
            form.add_error("name", name_taken(values["name"]))
        else:
            messages.success(request, _("The method “%(name)s” is saved.") % {"name": saved.name})
            return redirect("sessions:method-list")
    status = 422 if data is not None else 200
    context = {"method": method if method.pk else None, "form": form, "steps": steps}
    return render(request, "sessions/library/method_form.html", context, status=status)
