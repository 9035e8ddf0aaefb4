"""Restitutions: the management dashboard, the programme review, the documents being drawn
and search. (A module of its own: labo/people/views.py holds the people and home pages.)"""

from __future__ import annotations

from typing import cast

from auditlog.models import LogEntry
from django.core.cache import cache
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ateliers.models import Rating
from labo.documents import request_document
from labo.lib.http import HtmxHttpRequest
from labo.models import DocumentKind, DocumentStatus
from labo.restitutions.access import get_document_for, latest_documents
from labo.restitutions.forms import ReviewForm, ReviewRequestForm, SearchForm
from labo.restitutions.review import Period, Review, review_of
from labo.restitutions.search import search as run_search

# Session by session, the dashboard shows the newest ones; the review PDF has them all.
DASHBOARD_SESSIONS = 24

# The dashboard's figures are kept for a minute, under the audit log's last entry: any
# recorded change shows at once; the rest (a rating, ideas revealed) within the minute.
REVIEW_CACHE_SECONDS = 60


def _review_context(form: ReviewForm) -> Review:
    data = form.cleaned_data
    period = Period(start=data["start"], end=data["end"])
    programme = data["programme"]
    changes = LogEntry.objects.aggregate(last=Max("pk"))["last"]
    ratings = Rating.objects.aggregate(last=Max("pk"))["last"]
    key = (
        f"review:{get_language()}:{programme.pk if programme else '-'}:{period.start}:"
        f"{period.end}:{changes}:{ratings}"
    )
    figures = cache.get_or_set(
        key,
        lambda: review_of(programme, period, latest=DASHBOARD_SESSIONS),
        REVIEW_CACHE_SECONDS,
    )
    return cast(Review, figures)  # what review_of made, now or within the minute


@require_GET
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    form = ReviewForm(request.GET or ReviewForm.default_data(timezone.localdate()))
    context: dict[str, object] = {"form": form, "documents": latest_documents(request.user)}
    status = 200
    if form.is_valid():
        context.update(_review_context(form))
    else:
        status = 422
    return render(request, "labo/dashboard.html", context, status=status)


@require_POST
def review_request(request: HtmxHttpRequest) -> HttpResponse:
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "documents": latest_documents(request.user)}
        return render(request, "labo/dashboard.html", context, status=422)
    data = form.cleaned_data
    title = _("Review of %(programme)s, %(start)s – %(end)s") % {
        "programme": data["programme"].name,
        "start": data["start"].strftime("%d/%m/%Y"),
        "end": data["end"].strftime("%d/%m/%Y"),
    }
    document = request_document(
        kind=DocumentKind.REVIEW,
        programme=data["programme"],
        title=title,
        options={"start": data["start"].isoformat(), "end": data["end"].isoformat()},
        user=request.user,
    )
    if request.htmx:
        return render(
            request, "labo/_documents.html", {"documents": latest_documents(request.user)}
        )
    return redirect(reverse("labo:dashboard") + f"#document-{document.pk}")


@require_GET
def document_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One document's progress, polled by the page until it is ready."""
    document = get_document_for(request, pk)
    return render(request, "labo/_document.html", {"document": document})


@require_GET
def document_file(request: HtmxHttpRequest, pk: int) -> HttpResponseBase:
    document = get_document_for(request, pk)
    if document.status != DocumentStatus.READY or not document.file:
        raise Http404
    etag = quote_etag(f"document-{document.pk}-{document.fingerprint}")
    # In whole seconds, as an If-Modified-Since date is (django.views.decorators.http).
    modified = int(document.finished_at.timestamp()) if document.finished_at else None
    unchanged = get_conditional_response(request, etag=etag, last_modified=modified)
    if unchanged is not None:
        return unchanged
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type="application/pdf", filename=document.filename)
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def search(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits = run_search(form.cleaned_data["q"]) if form.is_valid() else None
    context = {"form": form, "hits": hits}
    template = "labo/search.html#hits" if request.htmx else "labo/search.html"
    return render(request, template, context, status=422 if form.errors else 200)
