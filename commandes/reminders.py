"""The daily digest: each person is e-mailed, once, what they have not been told yet: their
tasks past due and, for management, the commandes waiting at the gate. Run by the
``send_reminders`` command from a timer (docs/deploy.md).

Never the same reminder twice: what a digest tells is recorded (Reminder) in the same
transaction as its sending, so a digest the server refused is told again at the next run,
and two runs at once (two machines' timers) cannot both send it: the second waits on the
first's rows, then finds them taken.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commandes.models import Commande, Reminder, Status, Task
from commandes.queries import waiting_at_gate
from labo.lib import mail
from labo.lib.typography import french_text
from labo.models import Person
from labo.roles import MANAGEMENT


@dataclass
class Digest:
    """What one person is told: each item with its reminder's key."""

    person: Person
    tasks: list[Task] = field(default_factory=list)
    at_gate: list[Commande] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # who could not be told, and why


def task_key(task: Task) -> str:
    return f"task:{task.pk}:{task.due_on}"


def gate_key(commande: Commande) -> str:
    # Submitted again after being sent back: a new decision is awaited, told again.
    return f"gate:{commande.pk}:{commande.submitted_at:%Y-%m-%dT%H:%M:%S}"  # type: ignore[attr-defined]


def _told(keys: dict[int, list[str]]) -> set[tuple[int, str]]:
    wanted = Q()
    for person_id, person_keys in keys.items():
        wanted |= Q(person_id=person_id, key__in=person_keys)
    if not keys:
        return set()
    return set(Reminder.objects.filter(wanted).values_list("person_id", "key"))


def digests(today: datetime.date) -> list[Digest]:
    """Who has something new to be told, in a fixed number of queries."""
    found: dict[int, Digest] = {}
    overdue = (
        Task.objects.filter(
            done=False, due_on__lt=today, owner__is_active=True, owner__email__gt=""
        )
        .select_related("commande", "owner")
        .order_by("due_on", "pk")
    )
    for task in overdue:
        assert task.owner is not None
        digest = found.setdefault(task.owner.pk, Digest(task.owner))
        digest.tasks.append(task)
        digest.keys.append(task_key(task))
    at_gate = list(
        waiting_at_gate().annotate(
            submitted_at=Max("history__changed_at", filter=Q(history__to_status=Status.SUBMITTED))
        )
    )
    if at_gate:
        managers = Person.objects.filter(
            is_active=True, email__gt="", user__is_active=True, user__groups__name=MANAGEMENT
        ).distinct()
        for person in managers:
            digest = found.setdefault(person.pk, Digest(person))
            digest.at_gate = list(at_gate)
            digest.keys.extend(gate_key(commande) for commande in at_gate)
    told = _told({person_id: digest.keys for person_id, digest in found.items()})
    new = []
    for person_id, digest in found.items():
        digest.tasks = [t for t in digest.tasks if (person_id, task_key(t)) not in told]
        digest.at_gate = [c for c in digest.at_gate if (person_id, gate_key(c)) not in told]
        digest.keys = [key for key in digest.keys if (person_id, key) not in told]
        if digest.keys:
            new.append(digest)
    return sorted(new, key=lambda d: d.person.pk)


def message(digest: Digest, today: datetime.date):
    site = settings.LABO_SITE_URL
    body = render_to_string(
        "commandes/email/digest.txt",
        {
            "person": digest.person,
            "tasks": [
                (task, site + reverse("commandes:commande-detail", args=[task.commande_id]))
                for task in digest.tasks
            ],
            "at_gate": [
                (c, site + reverse("commandes:commande-detail", args=[c.pk]) + "#gate")
                for c in digest.at_gate
            ],
        },
    )
    subject = _("Labo: your reminders of %(date)s") % {"date": date_format(today, "j F Y")}
    return mail.message(
        subject=french_text(subject), body=french_text(body), to=[digest.person.email]
    )


def send_digests(today: datetime.date, *, delays: list[float] | None = None) -> Outcome:
    """E-mail each digest; record what it told only once it is sent."""
    outcome = Outcome()
    for digest in digests(today):
        try:
            with transaction.atomic():
                Reminder.objects.bulk_create(
                    Reminder(person=digest.person, key=key) for key in digest.keys
                )
                mail.send(message(digest, today), delays=delays)
        except IntegrityError:
            continue  # another run told it meanwhile
        except mail.MailNotSent as error:
            outcome.failed.append(f"{digest.person.email}: {error}")
            continue
        outcome.sent += 1
    return outcome
