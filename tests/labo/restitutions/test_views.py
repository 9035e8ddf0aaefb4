"""The dashboard, the programme review request and documents, through HTTP."""

import datetime

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from labo.models import Document, DocumentStatus
from tests import factories
from tests.conftest import client_for
from tests.labo.test_access import synthesis_document


@pytest.fixture
def management_client(world):
    return client_for(world, "management")


def period(world):
    return {"programme": world.programme.pk, "start": "2026-01-01", "end": "2026-12-31"}


def test_dashboard_draws_its_charts_with_text_alternatives(world, management_client):
    # The world's member is present too, of no known grade: five more of those, no cell masked.
    for _ in range(5):
        factories.AttendanceFactory(day=world.day, person=factories.PersonFactory())
    for _ in range(6):
        factories.AttendanceFactory(day=world.day, person=factories.PersonFactory(grade="A"))

    response = management_client.get(reverse("labo:dashboard"), period(world))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page
    assert "Participants par catégorie, session par session." in page
    assert "Catégorie A 6" in page
    assert "Générer le bilan du programme (PDF)" in page


def test_dashboard_defaults_to_the_last_twelve_months(world, management_client):
    response = management_client.get(reverse("labo:dashboard"))

    assert response.status_code == 200
    today = datetime.date.today()
    assert response.context["period"].end == today
    assert response.context["programme"] == world.programme


def test_a_period_backwards_is_refused_next_to_the_field(world, management_client):
    data = {**period(world), "start": "2026-12-31", "end": "2026-01-01"}

    response = management_client.get(reverse("labo:dashboard"), data)

    assert response.status_code == 422
    assert "La fin de la période est avant son début." in response.content.decode()


def test_dashboard_queries_do_not_grow_with_sessions(world, management_client):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            management_client.get(reverse("labo:dashboard"), period(world))
        return len(ctx.captured_queries)

    management_client.get(reverse("labo:home"))  # the visitor's account is kept from now on
    one = queries()
    for n in range(10):
        session = factories.SessionFactory(programme=world.programme, number=100 + n)
        factories.AtelierFactory(session=session)
        factories.DayFactory(session=session)

    assert queries() == one == 16  # the figures are computed: a change came in between


def test_management_asks_for_the_programme_review_and_opens_it(world, management_client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = management_client.post(reverse("labo:review-request"), period(world))

    document = Document.objects.get()
    assert response.status_code == 302
    assert document.kind == "review"
    assert document.options == {"start": "2026-01-01", "end": "2026-12-31"}
    opened = management_client.get(reverse("labo:document-file", args=[document.pk]))
    assert opened.status_code == 200
    assert opened["Content-Type"] == "application/pdf"
    assert b"".join(opened.streaming_content).startswith(b"%PDF")


def test_review_request_without_a_programme_says_so(world, management_client):
    response = management_client.post(
        reverse("labo:review-request"), {**period(world), "programme": ""}
    )

    assert response.status_code == 422
    assert "Choisissez le programme dont vous voulez le bilan." in response.content.decode()
    assert not Document.objects.exists()


def test_documents_are_not_for_ambassadors_they_show_grades(world, member_client):
    review = synthesis_document(world, session=None)
    synthesis = synthesis_document(world)

    for document in (review, synthesis):
        for name in ("labo:document-file", "labo:document-status"):
            assert member_client.get(reverse(name, args=[document.pk])).status_code == 403
    page = member_client.get(reverse("sessions:session-detail", args=[world.session.pk]))
    assert reverse("labo:document-file", args=[synthesis.pk]) not in page.content.decode()


def test_a_facilitator_outside_the_session_still_sees_its_synthesis(world):
    # Facilitators see every session; the rule still asks the session's own.
    from labo.rules import may_see_document_subject

    document = synthesis_document(world)

    assert may_see_document_subject(world.facilitator, document)
    assert may_see_document_subject(world.management, document)
    assert not may_see_document_subject(world.outsider, document)


def test_a_document_being_drawn_is_polled_until_ready(world, facilitator_client):
    document = synthesis_document(world)
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING, progress=40, step="Mise en page du PDF"
    )

    polling = facilitator_client.get(
        reverse("labo:document-status", args=[document.pk])
    ).content.decode()
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.READY, progress=100)
    ready = facilitator_client.get(
        reverse("labo:document-status", args=[document.pk])
    ).content.decode()

    assert 'data-hx-trigger="every 1s"' in polling
    assert 'value="40"' in polling and "Mise en page du PDF" in polling
    assert "hx-trigger" not in ready
    assert reverse("labo:document-file", args=[document.pk]) in ready


def test_a_failed_or_unfinished_document_has_no_file_to_open(world, facilitator_client):
    document = synthesis_document(world)
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.QUEUED)

    response = facilitator_client.get(reverse("labo:document-file", args=[document.pk]))

    assert response.status_code == 404


def test_dashboard_lists_the_newest_sessions_and_counts_them_all(world, management_client):
    from labo.restitutions.views import DASHBOARD_SESSIONS

    for n in range(DASHBOARD_SESSIONS + 2):
        factories.SessionFactory(programme=world.programme, number=300 + n)

    response = management_client.get(reverse("labo:dashboard"), period(world))

    assert len(response.context["sessions"]) == DASHBOARD_SESSIONS
    assert response.context["totals"]["sessions"] == DASHBOARD_SESSIONS + 3
    assert "3 plus anciennes sont comptées" in response.content.decode()


def test_a_document_already_downloaded_is_a_304(world, facilitator_client):
    document = synthesis_document(world)
    url = reverse("labo:document-file", args=[document.pk])
    first = facilitator_client.get(url)

    again = facilitator_client.get(url, headers={"If-None-Match": first["ETag"]})

    assert first.status_code == 200
    assert again.status_code == 304


def test_dashboard_figures_are_cached_until_the_next_recorded_change(world, management_client):
    url = reverse("labo:dashboard")

    def load():
        with CaptureQueriesContext(connection) as ctx:
            response = management_client.get(url, period(world))
        return len(ctx.captured_queries), response.context["totals"]["sessions"]

    first = load()
    again = load()
    factories.SessionFactory(programme=world.programme)  # recorded in the audit log
    after = load()

    assert again[0] < first[0] and again[1] == first[1] == 1
    assert after[1] == 2
