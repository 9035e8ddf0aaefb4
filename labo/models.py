from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labo.lib.text import LONG_TEXT
from labo.lib.versions import version_field


class Grade(models.TextChoices):
    A = "A", _("Category A")
    B = "B", _("Category B")
    C = "C", _("Category C")


class Direction(models.Model):
    """A department of the administration (a person's, a commanditaire's)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("The direction's mailbox, copied on reports.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")

    def __str__(self) -> str:
        return self.acronym or self.name


class Skill(models.Model):
    """A method phase or know-how; people have it as a skill and/or want it as an appetite."""

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet):
    def active(self) -> PersonQuerySet:
        return self.filter(is_active=True)

    def newcomers(self, today: datetime.date | None = None) -> PersonQuerySet:
        today = today or timezone.localdate()
        since = today - datetime.timedelta(days=settings.LABO_NEWCOMER_DAYS)
        return self.filter(joined_on__gt=since)


class Person(models.Model):
    """Anyone the lab deals with: ambassadors, facilitators, management, guests, commanditaires."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    version = version_field()
    email = models.EmailField(_("e-mail"), blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    direction = models.ForeignKey(
        Direction,
        verbose_name=_("direction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    domain_profile = models.CharField(
        _("domain profile"),
        max_length=120,
        blank=True,
        help_text=_("Field of expertise, e.g. human resources, IT, waste, mobility."),
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, related_name="skilled_people"
    )
    appetites = models.ManyToManyField(
        Skill, verbose_name=_("appetites"), blank=True, related_name="keen_people"
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Signed into the personal calendar feed's address; changing it revokes the old address.
    # Empty until the person first asks for a new address (addresses given before still work).
    calendar_key = models.CharField(
        _("calendar key"), max_length=32, blank=True, default="", editable=False
    )
    welcome_day_on = models.DateField(_("welcome day"), null=True, blank=True)
    mentor = models.ForeignKey(
        "self",
        verbose_name=_("mentor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentees",
    )
    anonymised_on = models.DateField(
        _("anonymised on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Set when the person left and asked to be forgotten; their contributions stay."
        ),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~models.Q(email=""), name="person_unique_email"
            )
        ]
        indexes = [models.Index(fields=["grade", "direction"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.anonymised_on:
            return str(_("former member"))
        return f"{self.first_name} {self.last_name}".strip()

    def is_newcomer(self, today: datetime.date | None = None) -> bool:
        if self.joined_on is None:
            return False
        today = today or timezone.localdate()
        return (today - self.joined_on).days < settings.LABO_NEWCOMER_DAYS


class Programme(models.Model):
    """One lab's cycle of numbered sessions in one organisation."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    facilitators = models.ManyToManyField(
        Person, verbose_name=_("facilitators"), blank=True, related_name="facilitated_programmes"
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    SYNTHESIS = "synthesis", _("Session synthesis")
    REVIEW = "review", _("Programme review")


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


STALLED_ERROR = _(
    "The document was not finished in time (its generation stopped). Ask for it again; if it "
    "fails again, tell the lab's administrator."
)


class Document(models.Model):
    """A PDF restitution asked for by someone, generated off the request path.

    ``fingerprint`` is the hash of the HTML the PDF was drawn from: a new request whose
    HTML is the same reuses the last file instead of drawing it again."""

    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="documents"
    )
    session = models.ForeignKey(
        "labo_sessions.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=300)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=120, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, db_index=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    reused = models.BooleanField(_("reused the last render"), default=False)
    error = models.TextField(_("error"), max_length=LONG_TEXT, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # A waiting or running document is alive until then; each step of the worker moves it on.
    # Past it the worker is taken for dead: the document counts as failed and can be asked again.
    lease_until = models.DateTimeField(_("alive until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="review") | models.Q(session__isnull=False),
                name="document_synthesis_has_session",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="document_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def stalled(self) -> bool:
        """Waiting or running past its lease: its worker died (see labo.documents)."""
        return (
            self.status in (DocumentStatus.QUEUED, DocumentStatus.RUNNING)
            and self.lease_until is not None
            and self.lease_until < timezone.now()
        )

    @property
    def failed(self) -> bool:
        return self.status == DocumentStatus.FAILED or self.stalled

    @property
    def done(self) -> bool:
        return self.status == DocumentStatus.READY or self.failed

    @property
    def failure(self) -> str:
        """What the page says of a failed document."""
        return self.error or str(STALLED_ERROR)

    @property
    def filename(self) -> str:
        stamp = timezone.localtime(self.created_at).strftime("%Y-%m-%d")
        session = self.session  # no query when there is none
        if session is not None:
            return f"synthese-session-{session.number}-{stamp}.pdf"
        return f"bilan-{stamp}.pdf"


class Submission(models.Model):
    """A write sent with a key made on the phone (labo.idempotency): stored in the same
    transaction as the write, so that a repeat of the key is answered, never done again."""

    owner = models.CharField(_("sent by"), max_length=80)  # p<user id>, or the guest's cookie
    key = models.CharField(_("key"), max_length=64)
    path = models.CharField(_("address"), max_length=200)
    status = models.PositiveSmallIntegerField(_("answer"), default=0)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="submission_once_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.key})"


class SignInIdentity(models.Model):
    """An account at the single sign-on provider (its issuer and subject) and the Labo account
    it signs in (labo/sso/). An account holds one: a second subject presenting the same e-mail
    is refused, never linked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.CASCADE,
        related_name="sign_in_identity",
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
