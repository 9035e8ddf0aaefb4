"""Restitution documents: asked for on a page, drawn by a task, reused when unchanged.

Each kind is registered (``register``) by the code that knows its subject, with the
function that gathers its context and the template that lays it out; ``build`` is the
whole generation, run by the task ``build_document``. This engine knows no feature.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from labo.lib.pdf import html_to_pdf, stylesheet_digest
from labo.models import STALLED_ERROR, Document, DocumentKind, DocumentStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentType:
    context: Callable[[Document], Mapping[str, Any]]
    template: str


TYPES: dict[str, DocumentType] = {}


def register(
    kind: DocumentKind, *, context: Callable[[Document], Mapping[str, Any]], template: str
) -> None:
    """Say how a kind of document is drawn (called once at start-up, from an AppConfig)."""
    TYPES[kind] = DocumentType(context, template)


PENDING = (DocumentStatus.QUEUED, DocumentStatus.RUNNING)


def _lease() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.LABO_DOCUMENT_LEASE_SECONDS)


def expire_stalled(**subject: Any) -> int:
    """Mark failed the waiting or running documents whose lease passed (a worker that died
    never says so); returns how many."""
    now = timezone.now()
    return Document.objects.filter(status__in=PENDING, lease_until__lt=now, **subject).update(
        status=DocumentStatus.FAILED, step="", error=str(STALLED_ERROR), finished_at=now
    )


def request_document(*, kind, programme, title, options, user, session=None) -> Document:
    """Queue a document, or return the same request already waiting (a double click); one
    whose worker died (lease passed) no longer counts as waiting."""
    with transaction.atomic():
        expire_stalled(kind=kind, programme=programme, session=session)
        same = Document.objects.select_for_update().filter(
            kind=kind, programme=programme, session=session, status__in=PENDING
        )
        for pending in same:
            if pending.options == options:
                return pending
        document = Document.objects.create(
            kind=kind,
            programme=programme,
            session=session,
            title=title,
            options=options,
            requested_by=user,
            lease_until=_lease(),
        )
        transaction.on_commit(lambda: _enqueue(document.pk))
    document.refresh_from_db()
    return document


def redraw(documents: Iterable[Document]) -> list[int]:
    """Draw these documents again from today's data, their old file deleted (a document that
    reused it is in the same subject, so redrawn too): after an anonymisation, no PDF drawn
    before keeps the name. Call inside a transaction: the drawing starts once it commits."""
    redrawn = []
    for document in documents:
        if document.file and document.file.storage.exists(document.file.name):
            document.file.storage.delete(document.file.name)
        Document.objects.filter(pk=document.pk).update(
            status=DocumentStatus.QUEUED,
            progress=0,
            step="",
            file="",
            size=None,
            fingerprint="",
            reused=False,
            error="",
            finished_at=None,
        )
        transaction.on_commit(partial(_enqueue, document.pk))
        redrawn.append(document.pk)
    return redrawn


def _enqueue(document_id: int) -> None:
    build_document.enqueue(document_id)


def _step(document: Document, progress: int, step: str, **fields) -> None:
    """Say how far the work is, which also renews the document's lease (the heartbeat)."""
    fields.update(progress=progress, step=step, lease_until=_lease())
    Document.objects.filter(pk=document.pk).update(**fields)
    for name, value in fields.items():
        setattr(document, name, value)


def render_html(document: Document) -> str:
    kind = TYPES[document.kind]
    context = kind.context(document)
    return render_to_string(kind.template, context)


def fingerprint(html: str) -> str:
    return hashlib.sha256((stylesheet_digest() + html).encode()).hexdigest()


def last_render(document: Document, digest: str) -> Document | None:
    """The newest ready document of the same kind and subject drawn from the same HTML."""
    previous = (
        Document.objects.filter(
            kind=document.kind,
            programme=document.programme_id,
            session=document.session_id,
            fingerprint=digest,
            status=DocumentStatus.READY,
        )
        .exclude(pk=document.pk)
        .exclude(file="")
        .first()
    )
    if previous and previous.file.storage.exists(previous.file.name):
        return previous
    return None


def build(document_id: int) -> Document:
    document = Document.objects.select_related("session", "programme").get(pk=document_id)
    if document.done:
        return document
    _step(document, 10, _("Gathering the results"), status=DocumentStatus.RUNNING)
    try:
        html = render_html(document)
        digest = fingerprint(html)
        previous = last_render(document, digest)
        if previous:
            document.file.name = previous.file.name
            document.size = previous.size
            document.reused = True
        else:
            _step(document, 40, _("Drawing the pages"))
            content = html_to_pdf(html)
            document.file.save(document.filename, ContentFile(content), save=False)
            document.size = len(content)
        document.fingerprint = digest
        document.status = DocumentStatus.READY
        document.progress = 100
        document.step = ""
    except Exception:
        logger.exception("Document %s could not be generated", document.pk)
        document.status = DocumentStatus.FAILED
        document.step = ""
        document.error = _(
            "The document could not be generated. Try again; if it fails again, tell the "
            "lab's administrator."
        )
    document.finished_at = timezone.now()
    document.save()
    return document


@task()
def build_document(document_id: int) -> None:
    """Background work (django-tasks): in process by default, a django-tasks-db worker in
    production. Queued before this module held it, the task was ``labo.tasks.build_document``
    (migration 0011 moves such rows over)."""
    build(document_id)
