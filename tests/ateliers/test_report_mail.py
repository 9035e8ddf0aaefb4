"""The démarreur report leaves through a real SMTP server started by the test: once, to its
recipients; a server that refuses or is down leaves it reviewed, and the facilitator is told."""

import pytest
from django.urls import reverse

from ateliers.models import ReportStatus
from labo.lib.typography import french_text
from tests.smtp import SmtpServer, free_port


@pytest.fixture
def reviewed(world, facilitator_client, demarreur_report):
    report = demarreur_report
    facilitator_client.post(
        reverse("ateliers:report-transition", args=[world.atelier.pk, "review"])
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED
    return report


def send(client, report):
    return client.post(
        reverse("ateliers:report-transition", args=[report.atelier_id, "send"]),
        headers={"HX-Request": "true"},
    )


def test_the_report_arrives_once_to_its_recipients(reviewed, facilitator_client, settings):
    with SmtpServer() as server:
        server.settings(settings)
        first = send(facilitator_client, reviewed)
        again = send(facilitator_client, reviewed)

    [received] = server.mailbox.received
    assert received.recipients == ["elue@region.example"]
    assert "Un guichet numérique" in received.body
    assert first.status_code == 200 and again.status_code == 422
    reviewed.refresh_from_db()
    assert reviewed.status == ReportStatus.SENT


def test_a_refusing_server_leaves_the_report_reviewed_and_says_so(
    reviewed, facilitator_client, settings
):
    with SmtpServer() as server:
        server.settings(settings)
        server.mailbox.refusing = "554 5.7.1 Relay access denied"
        response = send(facilitator_client, reviewed)

    assert server.mailbox.attempts == 3
    assert response.status_code == 422
    assert french_text("Le serveur de messagerie n'a pas pris le rapport") in (
        response.content.decode()
    )
    reviewed.refresh_from_db()
    assert (reviewed.status, reviewed.sent_at) == (ReportStatus.REVIEWED, None)


def test_a_server_down_leaves_the_report_reviewed(reviewed, facilitator_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.LABO_MAIL_RETRY_DELAYS = [0.01]

    response = send(facilitator_client, reviewed)

    assert response.status_code == 422
    reviewed.refresh_from_db()
    assert reviewed.status == ReportStatus.REVIEWED
