"""Anonymisation leaves nothing behind (docs/privacy.md, "Forgetting a person"): the audit
log, the admin's searches, the login attempts and the stored documents."""

import json

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from axes.models import AccessLog
from django.test import TestCase
from django.urls import reverse

from ateliers.models import Action
from commandes.models import Status
from labo import documents
from labo.models import Document, DocumentStatus
from tests import factories
from tests.conftest import PERSONAS, client_for
from tests.sessions.test_pdf import _need_pdftotext, pdf_text  # noqa: F401

EMAIL = "bob.durand@example.org"
ADDRESS = "203.0.113.7"


@pytest.fixture
def bob(world):
    """The member, named and reachable, who made 37 changes from one address."""
    person = world.member.person
    person.last_name, person.email, person.grade = "Durand", EMAIL, "C"
    person.save()
    world.member.email, world.member.first_name, world.member.last_name = EMAIL, "Bob", "Durand"
    world.member.save()
    with set_actor(world.member, remote_addr=ADDRESS, remote_port=51234):
        for i in range(37):
            world.item.title = f"Tribunal, version {i}"
            world.item.save()
    return person


def anonymise(world, person):
    client = client_for(world, "facilitator")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("labo:person-anonymise", args=[person.pk]), {"confirm": "on"}
        )
    assert response.status_code == 302
    return response


def everything_logged() -> str:
    return json.dumps(list(LogEntry.objects.values()), default=str, ensure_ascii=False).lower()


def test_entries_they_made_keep_neither_their_email_nor_their_address(world, bob):
    made = LogEntry.objects.filter(actor=world.member)
    assert made.count() == 37 and made.filter(actor_email=EMAIL, remote_addr=ADDRESS).count() == 37

    anonymise(world, bob)

    assert made.count() == 37  # the changes stay, made by "former member"
    assert not made.exclude(actor_email=None).exists()
    assert not made.exclude(remote_addr=None).exists()
    assert not made.exclude(remote_port=None).exists()
    assert EMAIL not in everything_logged() and ADDRESS not in everything_logged()


def test_entries_of_an_account_deleted_before_lose_the_email_too(world, bob):
    # The actor gone (account deleted), the entries still carried the e-mail they were made with.
    LogEntry.objects.filter(actor=world.member).update(actor=None)

    anonymise(world, bob)

    assert EMAIL not in everything_logged() and ADDRESS not in everything_logged()


def test_a_name_or_email_written_in_another_case_is_scrubbed(world, bob):
    world.commande.commanditaire_role = f"contact : {EMAIL.upper()}"
    world.commande.save()
    world.item.title = "Restitution par DURAND Bob"
    world.item.save()

    anonymise(world, bob)

    logged = everything_logged()
    assert EMAIL not in logged and "durand" not in logged


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_search_finds_them_by_email(world, bob, persona):
    world.commande.commanditaire_role = f"contact : {EMAIL.upper()}"
    world.commande.save()
    admin = client_for(world, "admin")
    log_search = reverse("admin:auditlog_logentry_changelist")
    assert admin.get(log_search, {"q": EMAIL}).context["cl"].result_count > 0

    anonymise(world, bob)

    client = admin if persona == "facilitator" else client_for(world, persona)
    for url in (
        log_search,
        reverse("admin:labo_person_changelist"),
        reverse("admin:auth_user_changelist"),
    ):
        response = client.get(url, {"q": EMAIL})
        if persona == "facilitator":  # here: the admin, who alone reaches these pages
            assert response.context["cl"].result_count == 0
        else:
            # The member is the one anonymised: their account is off, sent to log in.
            assert response.status_code == (302 if persona in ("anonymous", "member") else 403)
    directory = client_for(world, "facilitator").get(reverse("labo:person-list"), {"q": "Durand"})
    assert list(directory.context["people"]) == []


def test_login_attempts_under_their_name_are_forgotten(world, bob):
    AccessLog.objects.create(
        username=EMAIL, ip_address=ADDRESS, user_agent="Firefox", http_accept="*/*", path_info="/"
    )
    AccessLog.objects.create(
        username="bob", ip_address=ADDRESS, user_agent="Firefox", http_accept="*/*", path_info="/"
    )
    other = AccessLog.objects.create(
        username="alice", ip_address="198.51.100.1", user_agent="Edge", path_info="/"
    )

    anonymise(world, bob)

    assert set(AccessLog.objects.values_list("username", flat=True)) == {"alice"}
    assert AccessLog.objects.filter(pk=other.pk).exists()


def ask(world, kind, options):
    with TestCase.captureOnCommitCallbacks(execute=True):
        document = documents.request_document(
            kind=kind,
            programme=world.programme,
            session=world.session if kind == "synthesis" else None,
            title="Document",
            options=options,
            user=world.facilitator,
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    return document


def test_a_synthesis_drawn_before_no_longer_prints_their_name(world, bob, tmp_path):
    Action.objects.create(atelier=world.atelier, what="Relancer la DRH", owner=bob)
    document = ask(world, "synthesis", {})
    assert "Bob Durand" in pdf_text(document.file.read(), tmp_path)

    anonymise(world, bob)

    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    text = pdf_text(document.file.read(), tmp_path)
    assert "Durand" not in text
    assert "ancien membre" in text


def test_a_programme_review_drawn_before_no_longer_lists_them_as_commanditaire(
    world, bob, tmp_path
):
    factories.CommandeFactory(
        programme=world.programme, commanditaire=bob, status=Status.SUBMITTED, title="Guichet"
    )
    document = ask(world, "review", {"start": "2026-01-01", "end": "2026-12-31"})
    assert "Bob Durand" in pdf_text(document.file.read(), tmp_path)

    anonymise(world, bob)

    document.refresh_from_db()
    assert "Durand" not in pdf_text(document.file.read(), tmp_path)


def test_documents_that_do_not_concern_them_are_left_as_drawn(world, bob):
    elsewhere = factories.SessionFactory(programme=factories.ProgrammeFactory())
    factories.DayFactory(session=elsewhere)
    with TestCase.captureOnCommitCallbacks(execute=True):
        other = documents.request_document(
            kind="synthesis",
            programme=elsewhere.programme,
            session=elsewhere,
            title="Ailleurs",
            options={},
            user=world.facilitator,
        )
    other.refresh_from_db()
    drawn = (other.file.name, other.finished_at)

    anonymise(world, bob)

    other.refresh_from_db()
    assert (other.file.name, other.finished_at) == drawn
    assert Document.objects.filter(status=DocumentStatus.READY).count() == 1


def test_an_action_given_to_them_by_name_reads_former_member(world, bob, tmp_path):
    action = Action.objects.create(atelier=world.atelier, what="Relancer", owner_name="bob DURAND")
    document = ask(world, "synthesis", {})
    assert "bob DURAND" in pdf_text(document.file.read(), tmp_path)

    anonymise(world, bob)

    action.refresh_from_db()
    document.refresh_from_db()
    assert (action.owner, action.owner_name) == (bob, "")
    assert "DURAND" not in pdf_text(document.file.read(), tmp_path).upper()


def test_a_name_with_accents_is_scrubbed_from_other_entries(world):
    person = world.member.person
    person.first_name, person.last_name = "Hélène", "Dupré"
    person.save()
    world.commande.commanditaire_role = "Suivi par Hélène Dupré"
    world.commande.save()

    anonymise(world, person)

    assert "dupré" not in everything_logged()
    assert "dupr\\u00e9" not in everything_logged()
