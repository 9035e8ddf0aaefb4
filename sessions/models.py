from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labo.lib.text import LONG_TEXT, SHORT_TEXT
from labo.lib.versions import version_field
from labo.models import Person, Programme

MAX_ITEM_MINUTES = 12 * 60


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Session(models.Model):
    """A numbered gathering of one or several days within a programme."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    objectives = models.TextField(_("objectives"), max_length=LONG_TEXT, blank=True)
    version = version_field()
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    facilitators = models.ManyToManyField(
        Person, verbose_name=_("facilitators"), blank=True, related_name="facilitated_sessions"
    )
    preparation_half_days = models.DecimalField(
        _("preparation (half-days)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    debrief = models.TextField(_("debrief"), max_length=LONG_TEXT, blank=True)
    next_steps = models.TextField(_("next steps"), max_length=LONG_TEXT, blank=True)
    # The synthesis's "À retenir": a few messages, one a line, written in its preview.
    key_messages = models.TextField(_("key messages"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["-starts_on", "-number"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="session_unique_number_in_programme"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    def key_message_list(self) -> list[str]:
        """The "À retenir" of the synthesis, one message a line, blank lines left out."""
        return [line.strip() for line in self.key_messages.splitlines() if line.strip()]


class Day(models.Model):
    """One day of a session, with its own agenda."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.TimeField(_("starts at"), default=datetime.time(9, 0))
    ends_at = models.TimeField(_("ends at"), default=datetime.time(17, 0))
    capacity = models.PositiveIntegerField(_("expected attendance"), null=True, blank=True)
    # Bumped by every change to the day or its agenda (sessions.signals, services._lock): the
    # planner's rendered day is cached under it.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    version = version_field()  # of its settings, as edited through DayForm

    class Meta:
        ordering = ["date"]
        verbose_name = _("day")
        verbose_name_plural = _("days")
        constraints = [
            models.UniqueConstraint(fields=["session", "date"], name="day_unique_date_in_session"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="day_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} — {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs) -> None:
        """The revision only ever moves on in the database (sessions.signals): a day read
        earlier and saved must not write its revision back, which would take it to a value
        the planner has already kept a drawing under."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "revision"
            ]
        super().save(*args, **kwargs)

    def runs_as_rehearsal(self, today: datetime.date | None = None) -> bool:
        """Run mode on any date but the day's own is a rehearsal (a DayRun of its own)."""
        return self.date != (today or timezone.localdate())


class ItemKind(models.TextChoices):
    ICEBREAKER = "icebreaker", _("Icebreaker")
    COFFEE = "coffee", _("Coffee break")
    REMINDER = "reminder", _("Reminder of the previous session")
    PRESENTATION = "presentation", _("Presentation")
    WORKSHOP = "workshop", _("Workshop")
    MEAL = "meal", _("Meal")
    DEBATE = "debate", _("Debate")
    DEBRIEF = "debrief", _("Debrief")
    FREE = "free", _("Free")


class LiveItemManager(models.Manager):
    """Agenda items not in the bin (a deleted item stays restorable for a while)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class AgendaItem(models.Model):
    """A timed block of a day; its start cascades unless pinned to a fixed time."""

    day = models.ForeignKey(
        Day, verbose_name=_("day"), on_delete=models.CASCADE, related_name="items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("runs in parallel within"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subgroups",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ITEM_MINUTES)],
    )
    fixed_start = models.TimeField(_("fixed start"), null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.FREE
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    facilitators = models.ManyToManyField(
        Person, verbose_name=_("run by"), blank=True, related_name="agenda_items"
    )
    materials = models.TextField(_("materials"), max_length=LONG_TEXT, blank=True)
    alternative_plan = models.TextField(
        _("alternative plan"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("What we do if far fewer (or more) people come."),
    )
    # The library's method the block was made from, if any: a workshop made from the block
    # follows it (the « Labo stands » method's stands are the block's sub-groups).
    method = models.ForeignKey(
        "Method",
        verbose_name=_("method"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    # Bumped on each edit, so that two people editing the same block cannot overwrite
    # each other unknowingly.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    objects = LiveItemManager()
    all_objects = models.Manager()  # noqa: DJ012 (ruff reads the second manager as a field)

    class Meta:
        ordering = ["day", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        indexes = [models.Index(fields=["day", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1)
                & models.Q(duration_minutes__lte=MAX_ITEM_MINUTES),
                name="agenda_item_duration_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_constraints(self):
        """The constraints a form validates before saving: not the duration's range, which the
        field's validators check in Python (Django would check it again with a query on each
        save). The database still enforces it."""
        return [
            (model, [c for c in constraints if c.name != "agenda_item_duration_range"])
            for model, constraints in super().get_constraints()
        ]


class AttendanceRole(models.TextChoices):
    AMBASSADOR = "ambassador", _("Ambassador")
    FACILITATOR = "facilitator", _("Facilitator")
    GUEST = "guest", _("Guest")
    OBSERVER = "observer", _("Observer")
    MANAGEMENT = "management", _("Management")


class Attendance(models.Model):
    """Who was expected or came on a day, in which role."""

    day = models.ForeignKey(
        Day, verbose_name=_("day"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="attendances"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=AttendanceRole.choices, default=AttendanceRole.AMBASSADOR
    )
    present = models.BooleanField(_("present"), default=True)
    version = version_field()

    class Meta:
        ordering = ["day", "person"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["day", "person"], name="attendance_unique_person_day")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.day}"


class Method(models.Model):
    """A reusable block or day format of the method library, with its instructions."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.WORKSHOP
    )
    atelier_format = models.CharField(_("workshop format"), max_length=20, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("default duration (minutes)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ITEM_MINUTES)],
    )
    fixed_start = models.TimeField(
        _("pinned at"),
        null=True,
        blank=True,
        help_text=_("The block starts at this time whatever comes before (lunch: 12:30)."),
    )
    instructions = models.TextField(_("instructions"), max_length=LONG_TEXT, blank=True)
    materials = models.TextField(_("materials"), max_length=LONG_TEXT, blank=True)
    alternative_plan = models.TextField(_("alternative plan"), max_length=LONG_TEXT, blank=True)
    subgroups = models.TextField(
        _("parallel sub-groups"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_(
            "One per line: the block gets them as sub-groups (the stands of « Labo stands »)."
        ),
    )
    # With the count of methods, tells the planner's cache that the library changed.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("method")
        verbose_name_plural = _("methods")

    def __str__(self) -> str:
        return self.name

    def subgroup_titles(self) -> list[str]:
        """The parallel sub-groups a block made from the method gets, blank lines left out."""
        return [line.strip() for line in self.subgroups.splitlines() if line.strip()]


class MethodStep(models.Model):
    """One block of a method that fills a whole day (or half a day)."""

    method = models.ForeignKey(
        Method, verbose_name=_("method"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.FREE
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ITEM_MINUTES)],
    )
    fixed_start = models.TimeField(_("fixed start"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["method", "position", "pk"]
        verbose_name = _("method step")
        verbose_name_plural = _("method steps")

    def __str__(self) -> str:
        return self.title


class SessionTemplate(models.Model):
    """A session saved for reuse: its days and their blocks, as plain data."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    days = models.JSONField(_("days"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("session template")
        verbose_name_plural = _("session templates")

    def __str__(self) -> str:
        return self.name


class RunAction(models.TextChoices):
    """What the person running a day can do (not stored: DayRun keeps the result)."""

    START = "start", _("Start the day")
    ADD_FIVE = "add5", _("Add five minutes")
    NEXT = "next", _("Next block")
    RESET = "reset", _("Reset")


class DayRun(models.Model):
    """The live state of a day being run: which block is on and since when.

    A day has at most two: the real one, run on the day's date, and a rehearsal, run on any
    other date, so that trying the run mode beforehand (or afterwards) never touches what
    the room saw on the day."""

    day = models.ForeignKey(
        Day, verbose_name=_("day"), on_delete=models.CASCADE, related_name="runs"
    )
    rehearsal = models.BooleanField(_("rehearsal"), default=False)
    current_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("current block"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    item_started_at = models.DateTimeField(_("block started at"), null=True, blank=True)
    extra_minutes = models.PositiveSmallIntegerField(_("extra minutes"), default=0)
    finished = models.BooleanField(_("finished"), default=False)

    class Meta:
        verbose_name = _("day run")
        verbose_name_plural = _("day runs")
        constraints = [
            models.UniqueConstraint(fields=["day", "rehearsal"], name="one_run_per_day_and_kind")
        ]

    def __str__(self) -> str:
        return str(self.day)

    @property
    def has_started(self) -> bool:
        """Started and not reset (still true once over, or if its block was deleted)."""
        return self.finished or self.item_started_at is not None
