"""Run daily from a timer (docs/deploy.md): the digest of what each person has not been told."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commandes.reminders import send_digests


class Command(BaseCommand):
    help = (
        "E-mail each person, once, their tasks past due and, for management, the commandes "
        "waiting at the gate. Exits with an error when a digest could not be sent (it is "
        "sent at the next run)."
    )

    def handle(self, *args, **options) -> None:
        outcome = send_digests(timezone.localdate())
        self.stdout.write(f"{outcome.sent} digest(s) sent, {len(outcome.failed)} not sent.")
        if outcome.failed:
            raise CommandError("Not sent: " + "; ".join(outcome.failed))
