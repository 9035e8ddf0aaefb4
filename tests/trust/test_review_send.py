"""Issue 14, section 2: a reviewed démarreur report is what gets sent; nothing of a sent
report changes; a subject is one line; a GET never creates a report."""

import contextlib
import html
import re
import threading
from email import message_from_bytes
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from ateliers import reports, services
from ateliers.access import guest_token
from ateliers.models import (
    DemarreurReport,
    DemarreurRole,
    GuestLink,
    InterviewQuestion,
    Observation,
    ReportStatus,
)
from commandes.queries import demarreur_reports
from labo.lib import mail as labo_mail
from labo.lib.typography import french_text
from labo.people import services as people_services
from tests import factories
from tests.conftest import client_for

HTMX = {"HX-Request": "true"}
ROLES = ["commanditaire", "expert", "naive", "facilitator", "scribe"]


@pytest.fixture
def demarreur(world):
    world.atelier.format = "demarreur"
    world.atelier.title = "Démarreur : Occiborne"
    world.atelier.save()
    return world.atelier


def around(atelier, person):
    """A person the role form accepts (the workshop's participants are)."""
    atelier.participants.add(person)
    return person


def report_with_ten_recipients(atelier):
    """Five roles, each a person and their direction's mailbox: ten addresses."""
    report = DemarreurReport.objects.create(
        atelier=atelier, reformulated_request="Un guichet numérique d'accueil"
    )
    for index, role in enumerate(ROLES):
        direction = factories.DirectionFactory(email=f"direction{index}@region.example")
        person = factories.PersonFactory(email=f"agent{index}@region.example", direction=direction)
        DemarreurRole.objects.create(report=report, role=role, person=around(atelier, person))
    return report


def post_report(client, atelier, **fields):
    """The report form as the page gives it: read at the report's current version."""
    report = DemarreurReport.objects.filter(atelier=atelier).first()
    data = {"timebox_minutes": 90, "used_minutes": "", **fields}
    if report is not None:
        data.setdefault("version", report.version)
    return client.post(
        reverse("ateliers:report-update", args=[atelier.pk]),
        {f"report-{name}": value for name, value in data.items()},
        headers=HTMX,
    )


def add(client, atelier, kind, data):
    return client.post(
        reverse("ateliers:result-add", args=[atelier.pk, kind]),
        {f"{kind}-{k}": v for k, v in data.items()},
        headers=HTMX,
    )


def transition(client, atelier, action):
    return client.post(
        reverse("ateliers:report-transition", args=[atelier.pk, action]), headers=HTMX
    )


def page(client, atelier):
    return client.get(reverse("ateliers:atelier-detail", args=[atelier.pk])).content.decode()


def status_of(report):
    return DemarreurReport.objects.get(pk=report.pk).status


# A change after the review sends the report back to draft; "send" sends what was reviewed.


def test_the_example_changes_after_review_are_not_mailed_to_twelve(
    world, demarreur, facilitator_client, member_client
):
    report = report_with_ten_recipients(demarreur)
    assert transition(facilitator_client, demarreur, "review").status_code == 200
    assert "agent4@region.example" in page(facilitator_client, demarreur)

    post_report(member_client, demarreur, reformulated_request="Une borne dans chaque hall")
    for role, name in (("expert", "x"), ("naive", "y")):
        newcomer = around(demarreur, factories.PersonFactory(email=f"{name}@region.example"))
        assert (
            add(member_client, demarreur, "role", {"role": role, "person": newcomer.pk}).status_code
            == 200
        )
    response = transition(facilitator_client, demarreur, "send")

    assert response.status_code == 422
    assert mail.outbox == []
    assert status_of(report) == ReportStatus.DRAFT
    content = page(facilitator_client, demarreur)
    assert "Modifié après la relecture" in content
    assert french_text("<del>Un guichet numérique d&#x27;accueil</del>") in content
    assert "<ins>Une borne dans chaque hall</ins>" in content
    assert "<ins>x@region.example</ins>" in content


def test_the_example_reviewed_again_is_sent_as_reviewed_to_twelve(
    world, demarreur, facilitator_client, member_client
):
    report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")
    post_report(member_client, demarreur, reformulated_request="Une borne dans chaque hall")
    for role, name in (("expert", "x"), ("naive", "y")):
        newcomer = around(demarreur, factories.PersonFactory(email=f"{name}@region.example"))
        add(member_client, demarreur, "role", {"role": role, "person": newcomer.pk})

    transition(facilitator_client, demarreur, "review")
    reviewed = page(facilitator_client, demarreur)
    response = transition(facilitator_client, demarreur, "send")

    assert response.status_code == 200
    (sent,) = mail.outbox
    assert len(sent.to) == 12
    assert "Une borne dans chaque hall" in sent.body
    assert "Un guichet numérique" not in sent.body
    assert all(address in reviewed for address in sent.to)


def test_a_report_reviewed_and_unchanged_sends_exactly_the_outbox(demarreur, facilitator_client):
    report = report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")
    frozen = DemarreurReport.objects.get(pk=report.pk).reviewed_content

    transition(facilitator_client, demarreur, "send")

    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.to) == (frozen["subject"], frozen["body"], frozen["to"])
    assert len(sent.to) == 10
    assert status_of(report) == ReportStatus.SENT


@pytest.mark.parametrize(
    "change",
    [
        "delete a role",
        "add an interview question",
        "add an observation",
        "edit the next steps",
    ],
)
def test_any_change_through_the_app_after_review_puts_it_back_to_draft(
    demarreur, facilitator_client, member_client, change
):
    report = report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")

    if change == "delete a role":
        role = report.roles.first()
        facilitator_client.post(
            reverse("ateliers:result-delete", args=[demarreur.pk, "role", role.pk]), headers=HTMX
        )
    elif change == "add an interview question":
        add(member_client, demarreur, "interview", {"text": "Et si rien ne changeait ?"})
    elif change == "add an observation":
        add(
            member_client,
            demarreur,
            "observation",
            {"observer": "Léa", "phase": "Accueil", "note": "Silence"},
        )
    else:
        post_report(
            member_client,
            demarreur,
            reformulated_request="Un guichet numérique d'accueil",
            next_steps="Tester",
        )

    assert status_of(report) == ReportStatus.DRAFT
    assert transition(facilitator_client, demarreur, "send").status_code == 422
    assert mail.outbox == []
    assert "Modifié après la relecture" in page(facilitator_client, demarreur)


def test_a_guest_observation_after_review_puts_it_back_to_draft(
    world, demarreur, facilitator_client
):
    report = report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")
    link = GuestLink.objects.create(atelier=demarreur, purpose="observe")

    client_for(world, "anonymous").post(
        reverse("ateliers:guest", args=[guest_token(link)]),
        {"observation-observer": "Invité", "observation-phase": "Fin", "observation-note": "Ok"},
    )

    assert status_of(report) == ReportStatus.DRAFT
    assert mail.outbox == []


def test_a_change_outside_the_report_after_review_refuses_the_send(demarreur, facilitator_client):
    """A person's address, the workshop's title: not written through the report, still what
    the e-mail is made of."""
    report = report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")
    person = report.roles.first().person
    person.email = "ailleurs@exemple.org"
    person.save()

    response = transition(facilitator_client, demarreur, "send")

    assert response.status_code == 422
    assert "revenu en brouillon" in response.content.decode()
    assert mail.outbox == []
    assert status_of(report) == ReportStatus.DRAFT
    assert "<ins>ailleurs@exemple.org</ins>" in page(facilitator_client, demarreur)


def test_a_change_outside_the_report_shows_on_the_reviewed_page_before_sending(
    demarreur, facilitator_client
):
    report = report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")
    direction = report.roles.first().person.direction
    direction.email = "nouvelle-boite@region.example"
    direction.save()

    content = page(facilitator_client, demarreur)

    assert "Modifié depuis la relecture" in content
    assert "<del>direction0@region.example</del>" in content
    assert status_of(report) == ReportStatus.REVIEWED


@pytest.mark.parametrize("count", [1, 8])
def test_a_changed_report_page_asks_the_same_queries_whatever_its_size(
    demarreur, facilitator_client, django_assert_num_queries, count
):
    report = DemarreurReport.objects.create(atelier=demarreur, reformulated_request="Un guichet")
    for index in range(count):
        person = factories.PersonFactory(direction=factories.DirectionFactory())
        DemarreurRole.objects.create(report=report, role=ROLES[index % 5], person=person)
        InterviewQuestion.objects.create(report=report, text=f"Question {index}")
        Observation.objects.create(report=report, observer="Léa", phase=f"{index}", note="x")
    transition(facilitator_client, demarreur, "review")
    services.update_report(report=report, fields={"hypotheses": "Changé"}, version=0)
    url = reverse("ateliers:atelier-detail", args=[demarreur.pk])

    # 22, the visitor's own rating, the word cloud, and the rules its buttons ask ({% may %})
    with django_assert_num_queries(27):
        response = facilitator_client.get(url)

    assert "Modifié après la relecture" in response.content.decode()


def test_a_title_changed_after_review_refuses_the_send(demarreur, facilitator_client):
    report = report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")
    demarreur.title = "Autre titre"
    demarreur.save()

    transition(facilitator_client, demarreur, "send")

    assert mail.outbox == []
    assert status_of(report) == ReportStatus.DRAFT


# After sending, nothing of the report or its children changes.


@pytest.fixture
def sent(demarreur, facilitator_client):
    report = report_with_ten_recipients(demarreur)
    InterviewQuestion.objects.create(report=report, text="Pourquoi ?")
    Observation.objects.create(report=report, observer="Léa", phase="Accueil", note="Calme")
    transition(facilitator_client, demarreur, "review")
    transition(facilitator_client, demarreur, "send")
    assert status_of(report) == ReportStatus.SENT
    mail.outbox.clear()
    return report


def children(report):
    return (
        list(report.roles.values_list("pk", flat=True)),
        list(report.questions.values_list("pk", "text")),
        list(report.observations.values_list("pk", "note")),
    )


def test_a_sent_report_refuses_an_edit_of_its_text(demarreur, sent, member_client):
    response = post_report(member_client, demarreur, reformulated_request="Réécrit")

    assert response.status_code == 409
    assert "a été envoyé" in response.content.decode()
    assert DemarreurReport.objects.get(pk=sent.pk).reformulated_request == (
        "Un guichet numérique d'accueil"
    )


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("role", {"role": "observer"}),
        ("interview", {"text": "Une question de plus"}),
        ("observation", {"observer": "Léa", "phase": "Fin", "note": "Ajout"}),
    ],
)
def test_a_sent_report_refuses_a_new_child_of_each_kind(demarreur, sent, member_client, kind, data):
    before = children(sent)
    if kind == "role":
        data = {**data, "person": around(demarreur, factories.PersonFactory()).pk}

    response = add(member_client, demarreur, kind, data)

    assert response.status_code == 409
    assert "a été envoyé" in response.content.decode()
    assert children(sent) == before


@pytest.mark.parametrize("kind", ["role", "interview", "observation"])
def test_a_sent_report_refuses_deleting_a_child_of_each_kind(
    demarreur, sent, facilitator_client, kind
):
    before = children(sent)
    child = {"role": sent.roles, "interview": sent.questions, "observation": sent.observations}
    pk = child[kind].first().pk

    response = facilitator_client.post(
        reverse("ateliers:result-delete", args=[demarreur.pk, kind, pk]), headers=HTMX
    )

    assert response.status_code == 409
    assert children(sent) == before


def test_a_sent_report_refuses_a_guest_observation(world, demarreur, sent):
    link = GuestLink.objects.create(atelier=demarreur, purpose="observe")
    url = reverse("ateliers:guest", args=[guest_token(link)])
    guest = client_for(world, "anonymous")

    shown = guest.get(url)
    response = guest.post(
        url, {"observation-observer": "Invité", "observation-phase": "Fin", "observation-note": "x"}
    )

    assert "observation-note" not in shown.content.decode()
    assert response.status_code == 409
    assert "a été envoyé" in response.content.decode()
    assert sent.observations.count() == 1


def test_a_sent_report_refuses_a_change_through_the_services(sent):
    question = sent.questions.get()

    with pytest.raises(services.ReportSent):
        services.update_result(obj=question, fields={"text": "Réécrite"}, version=0)
    with pytest.raises(services.ReportSent):
        services.update_report(report=sent, fields={"hypotheses": "Autre"}, version=0)

    assert InterviewQuestion.objects.get(pk=question.pk).text == "Pourquoi ?"


def test_a_role_deleted_before_sending_is_not_restored_after(demarreur, facilitator_client):
    report = report_with_ten_recipients(demarreur)
    role = report.roles.first()
    facilitator_client.post(
        reverse("ateliers:result-delete", args=[demarreur.pk, "role", role.pk]), headers=HTMX
    )
    transition(facilitator_client, demarreur, "review")
    transition(facilitator_client, demarreur, "send")
    entry = LogEntry.objects.get(action=LogEntry.Action.DELETE, content_type__model="demarreurrole")

    response = facilitator_client.post(
        reverse("labo:history-restore", args=[entry.pk]), follow=True
    )

    assert "a été envoyé" in response.content.decode()
    assert report.roles.count() == 4


def test_a_sent_report_offers_no_edit_control(demarreur, sent, facilitator_client):
    content = page(facilitator_client, demarreur)

    assert reverse("ateliers:report-update", args=[demarreur.pk]) not in content
    for kind in ("role", "interview", "observation"):
        assert reverse("ateliers:result-add", args=[demarreur.pk, kind]) not in content
    assert "Marquer comme relu" not in content


# A subject is one line, whatever the stored text.


def test_a_newline_in_the_title_is_sent_on_one_line(demarreur, facilitator_client):
    demarreur.title = "Occiborne\nBcc: tout-le-monde@example.org"
    demarreur.save()
    report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")

    response = transition(facilitator_client, demarreur, "send")

    assert response.status_code == 200
    (sent,) = mail.outbox
    assert sent.subject.endswith("Occiborne Bcc: tout-le-monde@example.org")
    assert "\n" not in sent.subject
    assert message_from_bytes(sent.message().as_bytes())["Bcc"] is None


@pytest.mark.parametrize(
    "title",
    ["A\r\nB", "A\rB", "A\x0bB", "A\u2028B", "A\x01B\x1b", "A\x85B", "A " * 100],
)
def test_no_title_breaks_the_subject(demarreur, facilitator_client, title):
    demarreur.title = title
    demarreur.save()
    report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")

    transition(facilitator_client, demarreur, "send")

    (sent,) = mail.outbox
    assert sent.message().as_bytes()
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", sent.subject)
    assert len(sent.subject) <= labo_mail.SUBJECT_MAX_LENGTH


def test_control_characters_in_the_report_never_break_the_body(demarreur, facilitator_client):
    report = report_with_ten_recipients(demarreur)
    report.hypotheses = "Une\x0bhypothèse\x1b\r\nsur deux lignes"
    report.save()
    transition(facilitator_client, demarreur, "review")

    transition(facilitator_client, demarreur, "send")

    (sent,) = mail.outbox
    assert "Unehypothèse\nsur deux lignes" in sent.body


def test_a_malformed_address_stored_earlier_does_not_break_the_send(demarreur, facilitator_client):
    report = report_with_ten_recipients(demarreur)
    person = report.roles.first().person
    type(person).objects.filter(pk=person.pk).update(email="agent0@region.example\nBcc: x@y.z")
    transition(facilitator_client, demarreur, "review")

    response = transition(facilitator_client, demarreur, "send")

    assert response.status_code == 200
    (sent,) = mail.outbox
    assert len(sent.to) == 9


def test_every_email_is_built_by_the_one_helper():
    root = Path(__file__).resolve().parents[2]
    senders = re.compile(r"\b(send_mail|send_mass_mail|EmailMessage|EmailMultiAlternatives)\(")
    found = [
        str(path.relative_to(root))
        for folder in ("labo", "sessions", "ateliers", "commandes")
        for path in (root / folder).rglob("*.py")
        if senders.search(path.read_text()) and "migrations" not in path.parts
    ]

    assert found == ["labo/lib/mail.py"]


# A GET never writes: opening a démarreur workshop creates no report.


def test_opening_a_demarreur_workshop_creates_no_report(world, demarreur, facilitator_client):
    demarreur.commande = world.commande
    demarreur.save()

    content = page(facilitator_client, demarreur)
    pdf = facilitator_client.get(reverse("ateliers:report-pdf", args=[demarreur.pk]))

    assert DemarreurReport.objects.count() == 0
    assert "Pas encore de compte rendu." in content
    assert pdf.status_code == 404
    assert demarreur_reports(world.commande) == []


@pytest.mark.parametrize("persona", ["facilitator", "member", "management"])
def test_no_persona_creates_a_report_by_looking(world, demarreur, persona):
    client_for(world, persona).get(reverse("ateliers:atelier-detail", args=[demarreur.pk]))

    assert DemarreurReport.objects.count() == 0


def test_a_refused_first_post_creates_no_report(demarreur, facilitator_client):
    invalid = post_report(facilitator_client, demarreur, timebox_minutes=0)
    review = transition(facilitator_client, demarreur, "review")
    send = transition(facilitator_client, demarreur, "send")

    assert (invalid.status_code, review.status_code, send.status_code) == (422, 422, 422)
    assert DemarreurReport.objects.count() == 0


def test_the_first_post_that_fills_it_creates_the_report(demarreur, facilitator_client):
    response = post_report(facilitator_client, demarreur, hypotheses="Un guichet")

    assert response.status_code == 200
    assert DemarreurReport.objects.get(atelier=demarreur).hypotheses == "Un guichet"


# Writes racing the send (PostgreSQL): the report's row lock puts each one before or after.


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_roles_added_while_the_report_is_sent_never_miss_or_join_the_mail():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is tested on PostgreSQL (CI runs it with DATABASE_URL).")
    atelier = factories.AtelierFactory(format="demarreur")
    report = DemarreurReport.objects.create(atelier=atelier, reformulated_request="Un guichet")
    DemarreurRole.objects.create(
        report=report, role="commanditaire", person=factories.PersonFactory()
    )
    people = [factories.PersonFactory(email=f"p{index}@region.example") for index in range(40)]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def facilitator():
        try:
            barrier.wait()
            for _ in range(200):
                with contextlib.suppress(services.ResultError):
                    services.review_report(report=report, reviewer=None)
                try:
                    services.send_report(report=report)
                    return
                except services.ResultError:
                    pass
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    def ambassador():
        try:
            barrier.wait()
            for person in people:
                services.add_result(
                    atelier=atelier,
                    kind="role",
                    fields={"role": "expert", "person": person},
                    author=None,
                )
        except services.ReportSent:
            pass
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=facilitator), threading.Thread(target=ambassador)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    report = DemarreurReport.objects.get(pk=report.pk)
    assert errors == []
    assert report.status == ReportStatus.SENT
    (sent,) = mail.outbox
    assert sent.to == reports.recipients(report) == report.reviewed_content["to"]


def test_a_forgotten_person_leaves_the_reviewed_content(world, demarreur, facilitator_client):
    report = report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")
    person = report.roles.first().person
    name, email = person.full_name, person.email

    people_services.anonymise(person=person, by=world.admin)

    frozen = str(DemarreurReport.objects.get(pk=report.pk).reviewed_content)
    assert name not in frozen
    assert email not in frozen
    assert transition(facilitator_client, demarreur, "send").status_code == 422
    assert mail.outbox == []


# Found trying it in a browser: "send" offered then refused, "1 personnes", an ambassador
# left without a word on why the report is a draft again.


def test_a_report_nobody_can_receive_is_not_reviewed_so_send_is_never_offered(
    demarreur, facilitator_client
):
    report = DemarreurReport.objects.create(atelier=demarreur, reformulated_request="Un guichet")

    response = transition(facilitator_client, demarreur, "review")

    assert response.status_code == 422
    assert "Personne parmi les rôles du compte rendu" in response.content.decode()
    assert status_of(report) == ReportStatus.DRAFT
    content = page(facilitator_client, demarreur)
    assert "Envoyer le compte rendu" not in content
    assert "Marquer comme relu" not in content  # no role yet: nothing to review it for
    assert french_text("Ajoutez les rôles de l'entretien") in html.unescape(content)


def test_a_report_sent_to_one_person_says_one_person(demarreur, facilitator_client):
    report = DemarreurReport.objects.create(atelier=demarreur, reformulated_request="Un guichet")
    person = around(demarreur, factories.PersonFactory(email="seule@region.example"))
    DemarreurRole.objects.create(report=report, role="commanditaire", person=person)
    transition(facilitator_client, demarreur, "review")

    response = transition(facilitator_client, demarreur, "send")

    assert "envoyé à 1 personne." in response.content.decode()


def test_an_ambassador_whose_change_undid_the_review_is_told_why(
    demarreur, facilitator_client, member_client
):
    report_with_ten_recipients(demarreur)
    transition(facilitator_client, demarreur, "review")

    response = post_report(member_client, demarreur, reformulated_request="Une borne")

    assert response.status_code == 200
    assert "Un animateur le relit de nouveau avant son envoi." in response.content.decode()
