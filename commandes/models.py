from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labo.lib.text import LONG_TEXT, SHORT_TEXT
from labo.models import Direction, Person, Programme
from sessions.models import Session

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    CLARIFICATION = "clarification", _("Clarification")
    REFORMULATED = "reformulated", _("Reformulated")
    SUBMITTED = "submitted", _("Submitted to management")
    VALIDATED = "validated", _("Validated")
    SHELVED = "shelved", _("Shelved (not now)")
    REFUSED = "refused", _("Refused")
    IN_PROGRESS = "in_progress", _("In progress")
    PROTOTYPE = "prototype", _("Prototype / test")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    ABANDONED = "abandoned", _("Abandoned")


class Commande(models.Model):
    """A request brought to the lab by an elected official or a director."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="commandes"
    )
    title = models.CharField(_("title"), max_length=200)
    initial_title = models.CharField(_("title as first worded"), max_length=200, blank=True)
    commanditaire = models.ForeignKey(
        Person,
        verbose_name=_("commanditaire"),
        on_delete=models.PROTECT,
        related_name="commandes_requested",
    )
    commanditaire_role = models.CharField(_("commanditaire's role"), max_length=200, blank=True)
    direction = models.ForeignKey(
        Direction,
        verbose_name=_("direction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commandes",
    )
    initial_wording = models.TextField(_("request as first worded"), max_length=LONG_TEXT)
    reformulated_wording = models.TextField(
        _("reformulated request"), max_length=LONG_TEXT, blank=True
    )
    context = models.TextField(_("context"), max_length=LONG_TEXT, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    shelved_until = models.DateField(_("look again on"), null=True, blank=True)
    abandon_reason = models.TextField(_("reason for abandoning"), max_length=SHORT_TEXT, blank=True)
    sessions = models.ManyToManyField(
        Session, verbose_name=_("sessions"), blank=True, related_name="commandes"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title


class TeamRole(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    FACILITATOR = "facilitator", _("Facilitator")
    REFEREE = "referee", _("Referee")
    MEMBER = "member", _("Member")


class TeamMember(models.Model):
    commande = models.ForeignKey(
        Commande, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="team"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="team_memberships"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=TeamRole.choices, default=TeamRole.MEMBER
    )

    class Meta:
        ordering = ["commande", "role"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["commande", "person"], name="team_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class StatusChange(models.Model):
    """One move of a commande through the pipeline: who, when, from where to where, why."""

    commande = models.ForeignKey(
        Commande, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"))
    comment = models.TextField(_("comment"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["commande", "changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.commande}: {self.from_status} → {self.to_status}"


class GateReview(models.Model):
    """One reviewer's scorecard at the management gate."""

    CRITERIA = ("value", "feasibility", "alignment", "urgency")

    commande = models.ForeignKey(
        Commande, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    value = models.PositiveSmallIntegerField(_("value for users (1–5)"), validators=SCORE)
    feasibility = models.PositiveSmallIntegerField(_("feasibility (1–5)"), validators=SCORE)
    alignment = models.PositiveSmallIntegerField(
        _("fit with the lab's mission (1–5)"), validators=SCORE
    )
    urgency = models.PositiveSmallIntegerField(_("urgency (1–5)"), validators=SCORE)
    comment = models.TextField(_("comment"), max_length=SHORT_TEXT, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        ordering = ["commande", "created_at"]
        verbose_name = _("gate review")
        verbose_name_plural = _("gate reviews")
        constraints = [
            models.UniqueConstraint(fields=["commande", "reviewer"], name="one_review_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.commande}: {self.mean:.1f}"

    @property
    def mean(self) -> float:
        return sum(getattr(self, c) for c in self.CRITERIA) / len(self.CRITERIA)


class Task(models.Model):
    commande = models.ForeignKey(
        Commande, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["done", "due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return (
            not self.done
            and self.due_on is not None
            and self.due_on < (today or timezone.localdate())
        )


class DeliverableKind(models.TextChoices):
    ATTACHMENT = "attachment", _("Attachment of the request")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    RECOMMENDATIONS = "recommendations", _("Recommendations booklet")
    PROTOTYPE = "prototype", _("Prototype")
    OTHER = "other", _("Other")


class Deliverable(models.Model):
    commande = models.ForeignKey(
        Commande, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="deliverables"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DeliverableKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="commandes/%Y/", blank=True)
    url = models.URLField(_("link"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["commande", "created_at"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""), name="deliverable_file_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Reminder(models.Model):
    """What a person was told by e-mail, once: the daily digest (commandes.reminders) leaves
    out what it already said. ``key`` names the thing and its state ("task:12:2026-12-01":
    a task due that day), so a task moved to a later date and late again is told again."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="reminders"
    )
    key = models.CharField(_("reminder"), max_length=100)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="reminder_told_once")]

    def __str__(self) -> str:
        return f"{self.person}: {self.key}"
