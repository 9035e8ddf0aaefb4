"""Workflows of workshops and their results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ateliers import photos
from ateliers.kinds import KINDS
from ateliers.models import (
    Action,
    Atelier,
    CriteriaGrid,
    DebateQuestion,
    DemarreurReport,
    GuestLink,
    Idea,
    Logged,
    Photo,
    Position,
    ReportStatus,
    Stand,
    StandVisit,
    SuggestedOffer,
    Theme,
    Vote,
)
from labo.lib.versions import StaleVersion, claim
from labo.models import Person
from sessions.models import Session

POSITIONS = tuple(Position.values)


class ResultError(Exception):
    """A change refused for a reason the user must read (already translated)."""


# Workshops -------------------------------------------------------------------------


@transaction.atomic
def create_atelier(
    *,
    session: Session,
    facilitators: Iterable[Person],
    participants: Iterable[Person],
    **fields: Any,
) -> Atelier:
    """A workshop of the session, with its facilitators and participants."""
    atelier = Atelier.objects.create(session=session, **fields)
    atelier.facilitators.set(facilitators)
    atelier.participants.set(participants)
    return atelier


@transaction.atomic
def update_atelier(
    *,
    atelier: Atelier,
    facilitators: Iterable[Person],
    participants: Iterable[Person],
    version: int | None = None,
    **fields: Any,
) -> Atelier:
    """Save the workshop's fields its form edits (the ideas revealed meanwhile stay so), from
    a form read at ``version`` (StaleVersion if it was saved since; None for a tool)."""
    if version is not None:
        claim(atelier, version)
    for name, value in fields.items():
        setattr(atelier, name, value)
    atelier.save(update_fields=[*fields, "version"])
    atelier.facilitators.set(facilitators)
    atelier.participants.set(participants)
    return atelier


# Results of any kind -----------------------------------------------------------------


def report_of(*, atelier: Atelier) -> DemarreurReport:
    """The workshop's interview report, created empty the first time it is asked for."""
    return DemarreurReport.objects.get_or_create(atelier=atelier)[0]


@transaction.atomic
def add_result(
    *, atelier: Atelier, kind: str, fields: Mapping[str, Any], author: Person | None
) -> models.Model:
    """A result of one of the kinds (ateliers.kinds), hung on the workshop or its report;
    an IntegrityError (a twin saved meanwhile) leaves nothing behind."""
    if kind == "idea":
        return add_idea(
            atelier=atelier,
            text=fields["text"],
            author=author,
            anonymous=bool(fields.get("anonymous")),
        )
    spec = KINDS[kind]
    values = dict(fields)
    if spec.parent == "atelier":
        values["atelier"] = atelier
    elif spec.parent == "report":
        values["report"] = report_of(atelier=atelier)
    if issubclass(spec.model, Logged):
        values["created_by"] = author
    obj = spec.model(**values)
    obj.save()
    return obj


@transaction.atomic
def update_result(
    *, obj: models.Model, fields: Mapping[str, Any], version: int | None
) -> models.Model:
    """Write the fields an edit form read at ``version`` edits, and only them (a tap, a toggle
    or an adopted offer made meanwhile is kept); StaleVersion if the row was saved since."""
    claim(obj, version)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*fields, "version"])
    return obj


@transaction.atomic
def delete_result(*, obj: models.Model) -> None:
    obj.delete()


def tap(*, question: DebateQuestion, position: str, delta: int) -> DebateQuestion:
    """Count one person more (or less) in a position; taps from many phones never collide."""
    if position not in POSITIONS or delta not in (1, -1):
        raise ResultError(_("Unknown position."))
    field = F(position) + delta
    query = DebateQuestion.objects.filter(pk=question.pk)
    if delta < 0:
        query = query.filter(**{f"{position}__gt": 0})
    query.update(**{position: field})
    question.refresh_from_db(fields=list(POSITIONS))
    return question


def correct_count(
    *, question: DebateQuestion, position: str, value: int, replacing: int
) -> DebateQuestion:
    """Set a count to ``value`` if it is still ``replacing`` (the count the facilitator saw):
    a correction never wipes out taps made since it was read."""
    if position not in POSITIONS or value < 0:
        raise ResultError(_("Unknown position."))
    done = DebateQuestion.objects.filter(pk=question.pk, **{position: replacing}).update(
        **{position: value}
    )
    question.refresh_from_db(fields=list(POSITIONS))
    if not done:
        raise StaleVersion(
            _(
                "The count changed meanwhile (it is now %(count)d): check it and correct it "
                "again if needed."
            )
            % {"count": getattr(question, position)}
        )
    return question


def add_idea(*, atelier: Atelier, text: str, author: Person | None, anonymous: bool) -> Idea:
    """An anonymous idea is stored without its author: nobody can ever read it back (nor
    from the audit log, which does not record its creation)."""
    if anonymous:
        with disable_auditlog():
            return Idea.objects.create(atelier=atelier, text=text, created_by=None)
    return Idea.objects.create(atelier=atelier, text=text, created_by=author)


@transaction.atomic
def classify_idea(*, idea: Idea, theme: Theme | None, x: int | None, y: int | None) -> Idea:
    """Give an idea a theme and a place on the criteria grid."""
    idea.theme = theme
    idea.x, idea.y = x, y
    idea.save(update_fields=["theme", "x", "y"])
    return idea


def reveal_ideas(*, atelier: Atelier) -> None:
    Atelier.objects.filter(pk=atelier.pk).update(ideas_revealed=True)
    atelier.ideas_revealed = True


@transaction.atomic
def vote(*, idea: Idea, voter: str) -> int:
    """Put a dot on an idea; returns the dots the voter has left. Refused past the limit."""
    atelier = Atelier.objects.select_for_update().get(pk=idea.atelier_id)
    if not atelier.ideas_revealed:
        raise ResultError(_("Votes open once the ideas are revealed."))
    used = Vote.objects.filter(idea__atelier=atelier, voter=voter).count()
    if used >= atelier.votes_per_person:
        raise ResultError(
            _("You have used your %(count)d dots.") % {"count": atelier.votes_per_person}
        )
    Vote.objects.create(idea=idea, voter=voter)
    return atelier.votes_per_person - used - 1


@transaction.atomic
def unvote(*, idea: Idea, voter: str) -> None:
    dot = Vote.objects.filter(idea=idea, voter=voter).first()
    if dot:
        dot.delete()


@transaction.atomic
def plan_rotation(*, atelier: Atelier, groups: list[str]) -> list[StandVisit]:
    """Groups × stands timetable: in round r, group g visits stand (g + r) mod n."""
    stands = list(Stand.objects.filter(atelier=atelier))
    if not stands:
        raise ResultError(_("Add the stands before planning the rotation."))
    if not groups or len(groups) > len(stands):
        raise ResultError(
            _("Give between 1 and %(count)d groups: one group per stand at a time.")
            % {"count": len(stands)}
        )
    StandVisit.objects.filter(stand__atelier=atelier).delete()
    visits = [
        StandVisit(stand=stands[(index + round_) % len(stands)], group=group, round=round_ + 1)
        for round_ in range(len(stands))
        for index, group in enumerate(groups)
    ]
    return StandVisit.objects.bulk_create(visits)


@transaction.atomic
def adopt_offer(*, suggestion: SuggestedOffer) -> Stand:
    """Add a suggested offer to its stand's offers (once)."""
    stand = Stand.objects.select_for_update().get(pk=suggestion.stand_id)
    suggestion = SuggestedOffer.objects.select_for_update().get(pk=suggestion.pk)
    if not suggestion.adopted:
        stand.offers = "\n".join(filter(None, [stand.offers.strip(), suggestion.text]))
        stand.version += 1  # a stand's edit form read before this would drop the offer
        stand.save(update_fields=["offers", "version"])
        suggestion.adopted = True
        suggestion.save(update_fields=["adopted"])
    return stand


def toggle_action(*, action: Action) -> None:
    """Done or reopened, in one statement: two people ticking it at once never cancel out."""
    # Its edit form shows "done": a form read before the toggle must not undo it.
    Action.objects.filter(pk=action.pk).update(done=~F("done"), version=F("version") + 1)


@transaction.atomic
def save_grid(
    *, atelier: Atelier, fields: Mapping[str, Any], version: int | None = None
) -> CriteriaGrid:
    """The workshop's criteria grid, created the first time (``version`` None), else saved
    from a form read at ``version`` (StaleVersion if it was saved since)."""
    grid = CriteriaGrid.objects.filter(atelier=atelier).first()
    if grid is None:
        try:
            with transaction.atomic():
                # Saved through a form once: a form read before it existed is stale now.
                return CriteriaGrid.objects.create(atelier=atelier, version=1, **fields)
        except IntegrityError:  # created meanwhile by someone else: theirs is newer
            raise StaleVersion from None
    claim(grid, version)
    for name, value in fields.items():
        setattr(grid, name, value)
    grid.save(update_fields=[*fields, "version"])
    return grid


def add_photo(
    *, atelier: Atelier, upload: UploadedFile, caption: str, author: Person | None
) -> Photo:
    processed = photos.process(upload)
    return Photo.objects.create(
        atelier=atelier,
        image=processed.image,
        thumbnail=processed.thumbnail,
        width=processed.width,
        height=processed.height,
        caption=caption,
        created_by=author,
    )


# Démarreur report ----------------------------------------------------------------


def report_recipients(report: DemarreurReport) -> list[str]:
    """The participants and their directions' mailboxes."""
    emails = set()
    for role in report.roles.select_related("person__direction"):
        emails.add(role.person.email)
        if role.person.direction:
            emails.add(role.person.direction.email)
    return sorted(e for e in emails if e)


def outbox(report: DemarreurReport) -> EmailMessage:
    """The e-mail as it will be sent, for the facilitator to review."""
    atelier = report.atelier
    body = render_to_string(
        "ateliers/email/demarreur_report.txt", {"report": report, "atelier": atelier}
    )
    return EmailMessage(
        subject=_("Report of the démarreur bienveillant: %(title)s") % {"title": atelier.title},
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=report_recipients(report),
    )


@transaction.atomic
def update_report(
    *, report: DemarreurReport, fields: Mapping[str, Any], version: int | None
) -> DemarreurReport:
    """Write the report, as long as it has not been sent."""
    # Edited through a form read at ``version``: StaleVersion if it was saved since; the row
    # is locked from here, and read again so that nothing read before is written back.
    claim(report, version)
    report.refresh_from_db()
    if report.is_sent:
        raise ResultError(_("The report has been sent: it can no longer change."))
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()
    return report


@transaction.atomic
def review_report(*, report: DemarreurReport, reviewer: Person | None) -> DemarreurReport:
    report = DemarreurReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise ResultError(_("Only a draft can be marked as reviewed."))
    if not report.reformulated_request.strip():
        raise ResultError(_("Write the reformulated request before the review."))
    report.status = ReportStatus.REVIEWED
    report.reviewed_by = reviewer
    report.save(update_fields=["status", "reviewed_by"])
    return report


@transaction.atomic
def send_report(*, report: DemarreurReport) -> int:
    """Send the reviewed report once; returns the number of recipients."""
    report = DemarreurReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.REVIEWED:
        raise ResultError(_("The report must be reviewed before it is sent."))
    message = outbox(report)
    if not message.to:
        raise ResultError(_("Nobody in the report's roles has an e-mail address."))
    message.send()
    report.status = ReportStatus.SENT
    report.sent_at = timezone.now()
    report.save(update_fields=["status", "sent_at"])
    return len(message.to)


# Guest links -----------------------------------------------------------------------


def create_guest_link(*, atelier: Atelier, purpose: str, created_by: User | None) -> GuestLink:
    return GuestLink.objects.create(atelier=atelier, purpose=purpose, created_by=created_by)


def revoke(*, link: GuestLink) -> None:
    GuestLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
