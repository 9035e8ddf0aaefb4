"""The daily digest (send_reminders), through a real SMTP server started by the test."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from commandes.models import Reminder, Status, Task
from commandes.reminders import send_digests
from labo.lib.typography import french_text
from tests import factories
from tests.smtp import SmtpServer, free_port

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        server.settings(settings)
        yield server.mailbox


def overdue_task(world, *, title="Relancer la DRH", days=3, owner=None):
    return Task.objects.create(
        commande=world.commande,
        title=title,
        owner=owner or world.member.person,
        due_on=TODAY - datetime.timedelta(days=days),
    )


def submit(commande):
    commande.status = Status.SUBMITTED
    commande.save()
    factories.StatusChangeFactory(
        commande=commande, to_status=Status.SUBMITTED, changed_at=timezone.now()
    )


def test_each_person_gets_their_overdue_tasks_once(world, smtp, settings):
    settings.LABO_SITE_URL = "https://labo.example.org"
    overdue_task(world)
    overdue_task(world, title="Pas encore en retard", days=-2)
    Task.objects.create(
        commande=world.commande,
        title="Faite",
        owner=world.member.person,
        due_on=TODAY - datetime.timedelta(days=9),
        done=True,
    )

    first = send_digests(TODAY)
    second = send_digests(TODAY)

    assert (first.sent, second.sent) == (1, 0)
    [received] = smtp.received
    assert received.recipients == [world.member.person.email]
    assert received.subject == "Labo : vos rappels du 7 décembre 2026"  # one line, plain spaces
    assert "Relancer la DRH" in received.body
    assert "Pas encore" not in received.body and "Faite" not in received.body
    assert f"https://labo.example.org/commandes/{world.commande.pk}/" in received.body
    assert french_text("prévue le 04/12/2026") in received.body


def test_a_task_moved_to_a_later_date_and_late_again_is_told_again(world, smtp):
    task = overdue_task(world)
    send_digests(TODAY)
    task.due_on = TODAY - datetime.timedelta(days=1)
    task.save()

    assert send_digests(TODAY).sent == 1
    assert send_digests(TODAY + datetime.timedelta(days=1)).sent == 0
    assert len(smtp.received) == 2


def test_management_is_told_of_the_commandes_at_the_gate_the_others_are_not(world, smtp):
    submit(world.commande)

    send_digests(TODAY)

    [received] = smtp.received
    assert received.recipients == [world.management.person.email]
    assert world.commande.title in received.body
    assert f"/commandes/{world.commande.pk}/#gate" in received.body
    assert send_digests(TODAY).sent == 0


def test_a_person_without_address_or_inactive_is_not_written_to(world, smtp):
    world.member.person.email = ""
    world.member.person.save()
    gone = factories.PersonFactory(is_active=False)
    overdue_task(world)
    overdue_task(world, owner=gone)

    assert send_digests(TODAY).sent == 0
    assert smtp.received == []


def test_a_refusing_server_is_tried_again_then_nothing_is_marked_sent(world, smtp):
    overdue_task(world)
    smtp.refusing = "451 4.3.0 Try again later"

    with pytest.raises(CommandError, match="Not sent"):
        call_command("send_reminders")

    assert smtp.attempts == 3  # tried, then again after each of the two delays
    assert not Reminder.objects.exists()
    smtp.refusing = ""
    call_command("send_reminders")
    assert len(smtp.received) == 1
    assert Reminder.objects.count() == 1


def test_a_server_down_marks_nothing_sent(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.LABO_MAIL_RETRY_DELAYS = [0.01]
    overdue_task(world)

    outcome = send_digests(TODAY)

    assert outcome.sent == 0
    assert outcome.failed and world.member.person.email in outcome.failed[0]
    assert not Reminder.objects.exists()
