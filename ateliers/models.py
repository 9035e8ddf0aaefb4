from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ateliers.formats import Format, Part, parts_of
from labo.lib.charts import BarChart, ShiftChart, bar_chart, shift_chart
from labo.lib.text import LONG_TEXT, SHORT_TEXT
from labo.lib.versions import version_field
from labo.models import Person
from sessions.models import AgendaItem, Session


class Atelier(models.Model):
    """A workshop held during a session, in one format; its results follow the format."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="ateliers"
    )
    version = version_field()
    agenda_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="atelier",
    )
    commande = models.ForeignKey(
        "commandes.Commande",
        verbose_name=_("commande"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ateliers",
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("objectives"), max_length=LONG_TEXT, blank=True)
    facilitators = models.ManyToManyField(
        Person, verbose_name=_("facilitators"), blank=True, related_name="facilitated_ateliers"
    )
    participants = models.ManyToManyField(
        Person, verbose_name=_("participants"), blank=True, related_name="ateliers"
    )
    guest_count = models.PositiveIntegerField(_("guests without an account"), default=0)
    summary = models.TextField(_("summary"), max_length=LONG_TEXT, blank=True)
    ideas_revealed = models.BooleanField(_("ideas revealed"), default=False)
    votes_per_person = models.PositiveSmallIntegerField(
        _("dots per person"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title

    @property
    def parts(self) -> tuple[Part, ...]:
        return parts_of(self.format)

    @property
    def collects_ideas(self) -> bool:
        return Part.IDEAS in self.parts

    @property
    def places_ideas(self) -> bool:
        """Ideas have a place on two axes (a criteria grid)."""
        return Part.GRID in self.parts


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Logged(models.Model):
    """Who logged a result and when."""

    created_by = models.ForeignKey(
        Person,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        abstract = True


class Result(Logged):
    """A result that hangs directly on its workshop."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


# Débat mouvant ----------------------------------------------------------------


class Position(models.TextChoices):
    """Where a person stands on a statement: each is a counter of the statement."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    MIXED = "mixed", _("Mixed")


class DebateQuestion(Result):
    """A divisive statement; the room stands for yes, no or mixed."""

    atelier = models.ForeignKey(
        Atelier,
        verbose_name=_("workshop"),
        on_delete=models.CASCADE,
        related_name="debate_questions",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("statement"), max_length=300)
    yes = models.PositiveIntegerField(_("yes"), default=0)
    no = models.PositiveIntegerField(_("no"), default=0)
    mixed = models.PositiveIntegerField(_("mixed"), default=0)
    arguments = models.TextField(_("key arguments"), max_length=LONG_TEXT, blank=True)
    version = version_field()

    class Meta:
        ordering = ["atelier", "position", "pk"]
        verbose_name = _("debate question")
        verbose_name_plural = _("debate questions")

    def __str__(self) -> str:
        return self.text

    # The live room's answers from phones, by position: set by ateliers.queries (not stored
    # here: each phone's answer is a LiveAnswer, changed until the question closes).
    phones: dict[str, int] = {}

    @property
    def total(self) -> int:
        return self.yes + self.no + self.mixed

    @property
    def tally(self) -> list[tuple[str, str, int]]:
        """(position, its label, how many the facilitator counted standing there), in the
        order of the page."""
        return [(p.value, str(p.label), getattr(self, p.value)) for p in Position]

    @property
    def phone_tally(self) -> list[tuple[str, str, int]]:
        """The same from the phones of the live room (empty without any)."""
        if not any(self.phones.values()):
            return []
        return [(p.value, str(p.label), self.phones.get(p.value, 0)) for p in Position]

    @property
    def counts(self) -> dict[str, int]:
        """Each position: those counted in the room and those who answered by phone,
        together (what the chart and the synthesis's headline say)."""
        return {key: value + self.phones.get(key, 0) for key, _label, value in self.tally}

    @property
    def chart(self) -> BarChart:
        counts = self.counts
        rows: list[tuple[str, float | None]] = [
            (label, counts[key]) for key, label, _value in self.tally
        ]
        return bar_chart(gettext("Positions on the statement"), rows)


# Tribunal de l'innovation ----------------------------------------------------


class TribunalCase(Result):
    """One question put on trial, with the room's positions before and after."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="tribunal_cases"
    )
    version = version_field()
    question = models.CharField(_("question"), max_length=300)
    prosecution = models.TextField(_("prosecution's arguments"), max_length=LONG_TEXT, blank=True)
    defence = models.TextField(_("defence's arguments"), max_length=LONG_TEXT, blank=True)
    before_for = models.PositiveIntegerField(_("convinced, before"), default=0)
    before_against = models.PositiveIntegerField(_("sceptical, before"), default=0)
    before_undecided = models.PositiveIntegerField(_("undecided, before"), default=0)
    after_for = models.PositiveIntegerField(_("convinced, after"), default=0)
    after_against = models.PositiveIntegerField(_("sceptical, after"), default=0)
    after_undecided = models.PositiveIntegerField(_("undecided, after"), default=0)
    verdict = models.TextField(_("verdict"), max_length=LONG_TEXT, blank=True)
    lessons = models.TextField(
        _("lessons"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("For example on how the question was worded."),
    )

    class Meta:
        ordering = ["atelier", "pk"]
        verbose_name = _("tribunal case")
        verbose_name_plural = _("tribunal cases")

    # The live room's answers from phones before and after, by position ("for",
    # "against", "undecided"): set by ateliers.queries, not stored here.
    phones_before: dict[str, int] = {}
    phones_after: dict[str, int] = {}

    def __str__(self) -> str:
        return self.question

    @property
    def has_phones(self) -> bool:
        return any(self.phones_before.values()) or any(self.phones_after.values())

    def positions(self, when: str) -> list[int]:
        """Convinced, sceptical and undecided "before" or "after": counted in the room and
        answered by phone, together (what the chart and the synthesis's headline say)."""
        phones = self.phones_before if when == "before" else self.phones_after
        return [
            getattr(self, f"{when}_{key}") + phones.get(key, 0)
            for key in ("for", "against", "undecided")
        ]

    @property
    def chart(self) -> ShiftChart:
        """How the room moved, position by position (counted in the room and answered by
        phone, together): "Convinced 2 → 4"."""
        series = [gettext("Convinced"), gettext("Sceptical"), gettext("Undecided")]
        before, after = self.positions("before"), self.positions("after")
        return shift_chart(
            gettext("Positions before and after the trial"),
            list(zip(series, before, after, strict=True)),
            before_label=gettext("Before"),
            after_label=gettext("After"),
        )


# Démarreur bienveillant ------------------------------------------------------


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    SENT = "sent", _("Sent")


class DemarreurReport(models.Model):
    """The interview with a commanditaire: what was asked, seen, and reformulated."""

    atelier = models.OneToOneField(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="demarreur"
    )
    version = version_field()
    timebox_minutes = models.PositiveSmallIntegerField(
        _("timebox (minutes)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    used_minutes = models.PositiveSmallIntegerField(
        _("time used (minutes)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    phases_observed = models.TextField(_("phases observed"), max_length=LONG_TEXT, blank=True)
    reformulated_request = models.TextField(
        _("reformulated request"), max_length=LONG_TEXT, blank=True
    )
    hypotheses = models.TextField(_("hypotheses"), max_length=LONG_TEXT, blank=True)
    options_retained = models.TextField(_("options retained"), max_length=LONG_TEXT, blank=True)
    next_steps = models.TextField(_("next steps"), max_length=LONG_TEXT, blank=True)
    status = models.CharField(
        _("report status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    reviewed_by = models.ForeignKey(
        Person,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # What the facilitator saw when they marked it reviewed: the e-mail (subject, body,
    # recipients) and the report's content. "Send" sends exactly this; a change since
    # puts the report back to draft and the page shows the difference.
    reviewed_content = models.JSONField(_("content as reviewed"), default=dict, blank=True)

    class Meta:
        verbose_name = _("démarreur report")
        verbose_name_plural = _("démarreur reports")

    def __str__(self) -> str:
        return str(self.atelier)

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def is_reviewed(self) -> bool:
        return self.status == ReportStatus.REVIEWED

    @property
    def is_sent(self) -> bool:
        return self.status == ReportStatus.SENT

    @property
    def changed_after_review(self) -> bool:
        """Back to draft because something changed after a review."""
        return self.is_draft and bool(self.reviewed_content)


class DemarreurRoleKind(models.TextChoices):
    COMMANDITAIRE = "commanditaire", _("Commanditaire")
    EXPERT = "expert", _("Expert discussant")
    NAIVE = "naive", _("Naive discussant")
    FACILITATOR = "facilitator", _("Facilitator")
    SCRIBE = "scribe", _("Scribe")
    OBSERVER = "observer", _("Observer")


class DemarreurRole(models.Model):
    report = models.ForeignKey(
        DemarreurReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=14, choices=DemarreurRoleKind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="demarreur_roles"
    )

    class Meta:
        ordering = ["report", "role", "pk"]
        verbose_name = _("démarreur role")
        verbose_name_plural = _("démarreur roles")
        constraints = [
            models.UniqueConstraint(fields=["report", "person", "role"], name="demarreur_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class InterviewQuestion(models.Model):
    report = models.ForeignKey(
        DemarreurReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=300)
    uncomfortable = models.BooleanField(_("uncomfortable question"), default=False)

    class Meta:
        ordering = ["report", "position", "pk"]
        verbose_name = _("interview question")
        verbose_name_plural = _("interview questions")

    def __str__(self) -> str:
        return self.text


class Observation(models.Model):
    """An observer's note on one phase, through the observation grid."""

    report = models.ForeignKey(
        DemarreurReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    observer = models.CharField(_("observer"), max_length=120)
    phase = models.CharField(_("phase"), max_length=120)
    note = models.TextField(_("what was observed"), max_length=SHORT_TEXT)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        ordering = ["report", "created_at", "pk"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return f"{self.observer}: {self.phase}"


# Labo stands -----------------------------------------------------------------


class Stand(Result):
    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="stands"
    )
    version = version_field()
    name = models.CharField(_("name"), max_length=120)
    offers = models.TextField(
        _("offers and services"),
        max_length=LONG_TEXT,
        blank=True,
        help_text=_("One offer per line."),
    )

    class Meta:
        ordering = ["atelier", "pk"]
        verbose_name = _("stand")
        verbose_name_plural = _("stands")

    def __str__(self) -> str:
        return self.name


class StandVisit(models.Model):
    """A cell of the rotation: which group is at which stand in which round."""

    stand = models.ForeignKey(
        Stand, verbose_name=_("stand"), on_delete=models.CASCADE, related_name="visits"
    )
    group = models.CharField(_("group"), max_length=60)
    round = models.PositiveSmallIntegerField(_("round"))

    class Meta:
        ordering = ["round", "stand", "group"]
        verbose_name = _("stand visit")
        verbose_name_plural = _("stand visits")
        constraints = [
            models.UniqueConstraint(fields=["stand", "round"], name="one_group_per_stand_and_round")
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.stand} ({self.round})"


class StandFeedback(Logged):
    stand = models.ForeignKey(
        Stand, verbose_name=_("stand"), on_delete=models.CASCADE, related_name="feedback"
    )
    understanding = models.PositiveSmallIntegerField(_("understanding (1–5)"), validators=RATING)
    interest = models.PositiveSmallIntegerField(_("interest (1–5)"), validators=RATING)
    comment = models.TextField(_("comment"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["stand", "pk"]
        verbose_name = _("stand feedback")
        verbose_name_plural = _("stand feedback")

    def __str__(self) -> str:
        return f"{self.stand}: {self.understanding}/{self.interest}"


class SuggestedOffer(Logged):
    stand = models.ForeignKey(
        Stand, verbose_name=_("stand"), on_delete=models.CASCADE, related_name="suggestions"
    )
    text = models.CharField(_("suggested offer"), max_length=300)
    adopted = models.BooleanField(_("added to the stand's offers"), default=False)

    class Meta:
        ordering = ["stand", "pk"]
        verbose_name = _("suggested offer")
        verbose_name_plural = _("suggested offers")

    def __str__(self) -> str:
        return self.text


# Criteria grid ------------------------------------------------------------------


class CriteriaGrid(models.Model):
    """Two axes with named ends; ideas are placed on it from 0 to 100 on each axis."""

    atelier = models.OneToOneField(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="grid"
    )
    version = version_field()
    x_low = models.CharField(_("left end"), max_length=80)
    x_high = models.CharField(_("right end"), max_length=80)
    y_low = models.CharField(_("bottom end"), max_length=80)
    y_high = models.CharField(_("top end"), max_length=80)
    zones = models.TextField(_("zones that come out"), max_length=LONG_TEXT, blank=True)

    class Meta:
        verbose_name = _("criteria grid")
        verbose_name_plural = _("criteria grids")

    def __str__(self) -> str:
        return f"{self.x_low} ↔ {self.x_high} / {self.y_low} ↔ {self.y_high}"


# Retrospective --------------------------------------------------------------------


class RetroKind(models.TextChoices):
    WORKED = "worked", _("What worked")
    DIDNT = "didnt", _("What did not work")
    IMPROVE = "improve", _("How to improve")


class RetroEntry(Result):
    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="retro_entries"
    )
    step = models.CharField(_("step"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=RetroKind.choices)
    text = models.TextField(_("text"), max_length=SHORT_TEXT)

    class Meta:
        ordering = ["atelier", "step", "kind", "pk"]
        verbose_name = _("retrospective entry")
        verbose_name_plural = _("retrospective entries")

    def __str__(self) -> str:
        return self.text[:60]


# Ideas (post-its) -----------------------------------------------------------------


class Theme(models.Model):
    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="themes"
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["atelier", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [models.UniqueConstraint(fields=["atelier", "name"], name="theme_unique")]

    def __str__(self) -> str:
        return self.name


class Idea(Result):
    """A post-it. An anonymous idea keeps no trace of its author, for anyone."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="ideas"
    )
    text = models.TextField(_("idea"), max_length=SHORT_TEXT)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    x = models.PositiveSmallIntegerField(
        _("position on the horizontal axis"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    y = models.PositiveSmallIntegerField(
        _("position on the vertical axis"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["atelier", "pk"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def cy(self) -> int | None:
        """Where a drawing puts it vertically: SVG counts y downwards, the grid's top is 100."""
        return None if self.y is None else 100 - self.y


class Vote(models.Model):
    """One dot on an idea, by a person or a guest link's holder."""

    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="votes"
    )
    voter = models.CharField(_("voter"), max_length=80)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        indexes = [models.Index(fields=["voter"])]

    def __str__(self) -> str:
        return f"{self.idea_id}"


# Every workshop ---------------------------------------------------------------------


class Photo(Result):
    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="photos/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="photos/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))

    class Meta:
        ordering = ["atelier", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class Action(Result):
    """Who does what by when."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="actions"
    )
    version = version_field()
    what = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    owner_name = models.CharField(_("who (no account)"), max_length=120, blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["atelier", "done", "due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.what


class Rating(models.Model):
    """A participant's rating of the methods (1–5) and a comment; anonymous."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="ratings"
    )
    score = models.PositiveSmallIntegerField(_("rating (1–5)"), validators=RATING)
    comment = models.TextField(_("comment"), max_length=SHORT_TEXT, blank=True)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    # Who rated, as a keyed hash of the person or guest and the workshop (ateliers.services.
    # rater_key): one rating each, and nobody can read back whose it is. Empty on ratings made
    # before it existed.
    rater = models.CharField(_("rater"), max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["atelier", "pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["atelier", "rater"],
                condition=~models.Q(rater=""),
                name="rating_once_per_rater",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


class GuestPurpose(models.TextChoices):
    VOTE = "vote", _("Vote on ideas and debate")
    RATE = "rate", _("Rate the workshop")
    OBSERVE = "observe", _("Fill the observation grid")


class GuestLink(models.Model):
    """A signed link (or QR code) that lets a guest without an account answer one thing."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="guest_links"
    )
    purpose = models.CharField(_("purpose"), max_length=8, choices=GuestPurpose.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["atelier", "-created_at"]
        verbose_name = _("guest link")
        verbose_name_plural = _("guest links")

    def __str__(self) -> str:
        return f"{self.atelier} — {self.get_purpose_display()}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class LiveRoom(models.Model):
    """A workshop opened live: phones join with its code and answer the step the
    facilitator shows; the projector draws the answers as they come (ateliers.live)."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="live_rooms"
    )
    code = models.CharField(_("join code"), max_length=6, unique=True)
    prompt = models.CharField(_("word cloud question"), max_length=200, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closes_at = models.DateTimeField(_("closes at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    step = models.CharField(_("current step"), max_length=40, blank=True)
    accepting = models.BooleanField(_("answers open"), default=False)
    revealed = models.BooleanField(_("results shown"), default=False)
    # Moves on with every answer and every action: the projector's stream sends a state
    # when it has moved. step_version moves only with the facilitator's actions: the
    # phones' streams follow it.
    version = models.PositiveBigIntegerField(_("version"), default=0, editable=False)
    step_version = models.PositiveBigIntegerField(_("step version"), default=0, editable=False)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("live room")
        verbose_name_plural = _("live rooms")
        constraints = [
            models.UniqueConstraint(
                fields=["atelier"],
                condition=models.Q(closed_at__isnull=True),
                name="live_room_one_open_per_atelier",
            )
        ]

    def __str__(self) -> str:
        return self.code


class LiveAnswer(models.Model):
    """One device's answer to one step of a workshop's live room: a position on a
    statement, before or after a case, a few words. Changed, never doubled, until the step
    closes. ``device`` is a keyed hash of the person or guest and the workshop (as a
    rating's rater), the submission's key is stored under another (labo.idempotency), and
    no time is kept: nobody can read back whose answer it is."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="live_answers"
    )
    step = models.CharField(_("step"), max_length=40)
    device = models.CharField(_("device"), max_length=64, editable=False)
    value = models.CharField(_("answer"), max_length=120)
    # No time: an answer's time next to a submission's would tell whose it is.

    class Meta:
        ordering = ["atelier", "step", "pk"]
        verbose_name = _("live answer")
        verbose_name_plural = _("live answers")
        constraints = [
            models.UniqueConstraint(
                fields=["atelier", "step", "device"], name="live_answer_once_per_device"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step}: {self.value}"
