"""Documents are drawn by a task, reused when nothing changed, and never half-made."""

import pytest
from django.test import TestCase
from django_tasks import default_task_backend

from labo import documents
from labo.models import Document, DocumentStatus
from tests import factories


def ask(world, user=None, **options):
    """Request a synthesis as a page does; the task runs when the transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        document = documents.request_document(
            kind="synthesis",
            programme=world.programme,
            session=world.session,
            title="Synthèse",
            options=options,
            user=user,
        )
    document.refresh_from_db()
    return document


@pytest.fixture
def dummy_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


@pytest.fixture
def draws(monkeypatch):
    """Count the PDFs actually drawn."""
    calls = []
    real = documents.html_to_pdf

    def counting(html, **kwargs):
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(documents, "html_to_pdf", counting)
    return calls


def test_a_request_is_drawn_in_the_background_and_stored(world, draws):
    document = ask(world, user=world.facilitator)

    assert document.status == DocumentStatus.READY
    assert document.progress == 100
    assert document.requested_by == world.facilitator
    with document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert document.size == document.file.size
    assert len(draws) == 1


def test_an_unchanged_session_reuses_the_last_render(world, draws):
    first = ask(world)

    second = ask(world)

    assert second.pk != first.pk
    assert second.reused
    assert second.file.name == first.file.name
    assert second.fingerprint == first.fingerprint
    assert len(draws) == 1


def test_a_change_in_the_session_draws_it_again(world, draws):
    first = ask(world)
    world.session.debrief = "Un débrief ajouté après coup."
    world.session.save()

    second = ask(world)

    assert not second.reused
    assert second.file.name != first.file.name
    assert len(draws) == 2


def test_the_task_is_queued_after_commit_and_progress_is_visible(world, dummy_backend):
    document = ask(world)

    assert document.status == DocumentStatus.QUEUED
    assert [r.args for r in dummy_backend.results] == [[document.pk]]

    documents.build(document.pk)

    document.refresh_from_db()
    assert document.status == DocumentStatus.READY


def test_a_double_click_queues_one_document(world, dummy_backend):
    first = ask(world, ateliers=[1])
    again = ask(world, ateliers=[1])
    other = ask(world, ateliers=[])

    assert again.pk == first.pk
    assert other.pk != first.pk
    assert len(dummy_backend.results) == 2


def test_a_failure_is_recorded_in_french_and_nothing_is_kept(world, monkeypatch):
    def broken(html, **kwargs):
        raise RuntimeError("cairo is gone")

    monkeypatch.setattr(documents, "html_to_pdf", broken)

    document = ask(world)

    assert document.status == DocumentStatus.FAILED
    assert not document.file
    assert "n'a pas pu être généré" in document.error
    assert "cairo" not in document.error


def test_a_document_already_built_is_not_built_twice(world, draws):
    document = ask(world)

    documents.build(document.pk)

    assert len(draws) == 1


def test_the_steps_go_through_running(world, monkeypatch):
    seen = []
    real = documents._step

    def spy(document, progress, step, **fields):
        real(document, progress, step, **fields)
        seen.append(Document.objects.get(pk=document.pk).status)

    monkeypatch.setattr(documents, "_step", spy)

    ask(world)

    assert seen and set(seen) == {DocumentStatus.RUNNING}


def test_a_programme_review_names_its_period(db):
    programme = factories.ProgrammeFactory(name="La Transfo")
    with TestCase.captureOnCommitCallbacks(execute=True):
        document = documents.request_document(
            kind="review",
            programme=programme,
            title="Bilan",
            options={"start": "2026-01-01", "end": "2026-12-31"},
            user=None,
        )
    document.refresh_from_db()

    assert document.status == DocumentStatus.READY
    assert document.filename.startswith("bilan-")
