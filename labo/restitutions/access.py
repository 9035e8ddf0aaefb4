"""Who reaches a document: one helper per model, called on the first line of every view.
404 for who may not see what the document is about (rules in labo/rules.py)."""

from __future__ import annotations

import rules
from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404
from django.shortcuts import get_object_or_404

from labo.lib.http import HtmxHttpRequest
from labo.models import Document

LATEST_DOCUMENTS = 10


def get_document_for(request: HtmxHttpRequest, pk: int) -> Document:
    """The document, if the user may see what it is about; else 404."""
    document = get_object_or_404(Document.objects.select_related("session__programme"), pk=pk)
    if not rules.test_rule("labo.view_document", request.user, document):
        raise Http404
    return document


def latest_documents(user: User | AnonymousUser) -> list[Document]:
    """The newest documents the user may open, whatever their state (progress shows)."""
    recent = Document.objects.select_related("session__programme", "programme")
    visible = [
        d for d in recent[: LATEST_DOCUMENTS * 3] if rules.test_rule("labo.view_document", user, d)
    ]
    return visible[:LATEST_DOCUMENTS]
