"""Workflows of workshops and their results."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ateliers import photos, reports
from ateliers.formats import Part
from ateliers.kinds import KINDS
from ateliers.models import (
    Action,
    Atelier,
    CriteriaGrid,
    DebateQuestion,
    DemarreurReport,
    DemarreurRole,
    GuestLink,
    Idea,
    InterviewQuestion,
    Logged,
    Observation,
    Photo,
    Position,
    Rating,
    ReportStatus,
    Stand,
    StandVisit,
    SuggestedOffer,
    Theme,
    Vote,
)
from labo.history import audit
from labo.lib import mail
from labo.lib.versions import StaleVersion, claim
from labo.models import Person
from sessions.models import AgendaItem, Session

POSITIONS = tuple(Position.values)


class ResultError(Exception):
    """A change refused for a reason the user must read (already translated)."""


class ReportSent(ResultError):
    """A write to a démarreur report, or to one of its children, after it was sent."""


# Workshops -------------------------------------------------------------------------


@transaction.atomic
def create_atelier(
    *,
    session: Session,
    facilitators: Iterable[Person],
    participants: Iterable[Person],
    **fields: Any,
) -> Atelier:
    """A workshop of the session, with its facilitators and participants; made with stands
    from a block of a library method (« Labo stands »), it gets the block's sub-groups as
    its stands."""
    atelier = Atelier.objects.create(session=session, **fields)
    atelier.facilitators.set(facilitators)
    atelier.participants.set(participants)
    item = atelier.agenda_item
    if item is not None and item.method_id is not None and Part.STANDS in atelier.parts:
        for sub in AgendaItem.objects.filter(parent=item).order_by("position", "pk"):
            Stand.objects.create(atelier=atelier, name=sub.title[:120])
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
    """The workshop's interview report, unsaved while nothing was written to it: a page that
    only shows it never creates it (the first write does)."""
    return DemarreurReport.objects.filter(atelier=atelier).first() or DemarreurReport(
        atelier=atelier
    )


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
            x=fields.get("x"),
            y=fields.get("y"),
        )
    spec = KINDS[kind]
    values = dict(fields)
    if spec.parent == "atelier":
        values["atelier"] = atelier
    elif spec.parent == "report":
        values["report"] = _report_for_change(atelier_id=atelier.pk)
    if issubclass(spec.model, Logged):
        values["created_by"] = author
    obj = spec.model(**values)
    obj.save()
    return obj


def rater_key(*, atelier: Atelier, identity: str) -> str:
    """Who rated, unreadable: a keyed hash of the person (``p<user id>``) or the guest
    (``g<cookie>``) and the workshop, equal for the same pair only."""
    return salted_hmac("labo.rating", f"{atelier.pk}:{identity}", algorithm="sha256").hexdigest()


def rate(*, atelier: Atelier, rater: str, score: int, comment: str) -> tuple[Rating, bool]:
    """One rating per person or guest and workshop: rating again changes it. Returns the
    rating and whether it is new."""
    values = {"score": score, "comment": comment}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return Rating.objects.update_or_create(
                    atelier=atelier, rater=rater, defaults=values
                )
        except IntegrityError:  # the same rater's first rating saved meanwhile: update it
            continue
    raise ResultError(_("Your rating could not be saved: try again."))


@transaction.atomic
def update_result(
    *, obj: models.Model, fields: Mapping[str, Any], version: int | None
) -> models.Model:
    """Write the fields an edit form read at ``version`` edits, and only them (a tap, a toggle
    or an adopted offer made meanwhile is kept); StaleVersion if the row was saved since.
    A child of a démarreur report sends a reviewed report back to draft, and a sent one
    refuses (ReportSent)."""
    _before_child_change(obj)
    claim(obj, version)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*fields, "version"])
    return obj


def delete_result(*, obj: models.Model) -> LogEntry | None:
    """Delete a result; returns the audit entry that can bring it back (None for a kind the
    audit does not keep). A photo's files stay for the undo window (purge_deleted_photos)."""
    with transaction.atomic():
        _before_child_change(obj)
        model, pk = type(obj), obj.pk
        obj.delete()
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_pk=str(pk),
                action=LogEntry.Action.DELETE,
            )
            .order_by("-pk")
            .first()
        )
    if model is Photo:
        purge_deleted_photos()  # files of older deletions, cheaply, in case no cron runs
    return entry if entry is not None and audit.restorable(entry) else None


def purge_deleted_photos(*, now: datetime.datetime | None = None) -> int:
    """Remove the files of photos deleted longer ago than the undo window
    (LABO_PHOTO_UNDO_HOURS) and not brought back; returns how many files went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.LABO_PHOTO_UNDO_HOURS)
    deletions = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Photo),
        action=LogEntry.Action.DELETE,
        timestamp__lt=cutoff,
    ).only("object_pk", "serialized_data")
    removed = 0
    storage = Photo._meta.get_field("image").storage  # type: ignore[attr-defined]
    for entry in deletions.iterator():
        fields = (entry.serialized_data or {}).get("fields", {})
        image, thumbnail = fields.get("image"), fields.get("thumbnail")
        if Photo.objects.filter(pk=entry.object_pk).exists():
            continue  # brought back
        # Each file, and the photos that would still use it.
        files = {
            image: models.Q(image=image) | models.Q(thumbnail=image),
            thumbnail: models.Q(image=thumbnail) | models.Q(thumbnail=thumbnail),
        }
        if image:
            files[photos.print_name(image)] = models.Q(image=image)
        for name, users in files.items():
            if name and storage.exists(name) and not Photo.objects.filter(users).exists():
                storage.delete(name)
                removed += 1
    return removed


def tap(*, question: DebateQuestion, position: str, delta: int) -> DebateQuestion:
    """Count people more (or fewer) in a position: one tap, or the taps a phone held while
    the network was slow, as one number. Taps from many phones never collide; a count
    never goes below 0."""
    if position not in POSITIONS or not delta:
        raise ResultError(_("Unknown position."))
    DebateQuestion.objects.filter(pk=question.pk).update(
        **{position: Greatest(F(position) + delta, Value(0))}
    )
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


def add_idea(
    *,
    atelier: Atelier,
    text: str,
    author: Person | None,
    anonymous: bool,
    x: int | None = None,
    y: int | None = None,
) -> Idea:
    """An idea, placed on the grid if it was given a place. An anonymous idea is stored
    without its author: nobody can ever read it back (nor from the audit log, which does
    not record its creation)."""
    if anonymous:
        with disable_auditlog():
            return Idea.objects.create(atelier=atelier, text=text, x=x, y=y, created_by=None)
    return Idea.objects.create(atelier=atelier, text=text, x=x, y=y, created_by=author)


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
            ngettext(
                "You have used your %(count)d dot.",
                "You have used your %(count)d dots.",
                atelier.votes_per_person,
            )
            % {"count": atelier.votes_per_person}
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
    photo = Photo.objects.create(
        atelier=atelier,
        image=processed.image,
        thumbnail=processed.thumbnail,
        width=processed.width,
        height=processed.height,
        caption=caption,
        created_by=author,
    )
    photos.print_copy(photo)
    return photo


# Démarreur report ----------------------------------------------------------------
# A report is reviewed as an e-mail and a content (ateliers.reports). Every write to the
# report or to its children (roles, questions, observations, a guest's included) goes
# through _report_for_change: refused once the report is sent, and a reviewed report goes
# back to draft, so that what is sent is always what was reviewed.

REPORT_CHILDREN = (DemarreurRole, InterviewQuestion, Observation)


def _locked_report(*, atelier_id: int) -> DemarreurReport | None:
    return DemarreurReport.objects.select_for_update().filter(atelier_id=atelier_id).first()


def _report_for_change(*, atelier_id: int) -> DemarreurReport:
    """The workshop's report, locked and ready to change (created by this first write)."""
    DemarreurReport.objects.get_or_create(atelier_id=atelier_id)
    report = DemarreurReport.objects.select_for_update().get(atelier_id=atelier_id)
    if report.is_sent:
        raise ReportSent(
            _(
                "The report has been sent: neither it nor its roles, questions and "
                "observations can change any more."
            )
        )
    if report.is_reviewed:
        report.status = ReportStatus.DRAFT
        report.save(update_fields=["status"])
    return report


def _before_child_change(obj: models.Model) -> None:
    if isinstance(obj, REPORT_CHILDREN):
        _report_for_change(atelier_id=obj.report.atelier_id)


@transaction.atomic
def before_report_child_restored(obj: models.Model) -> None:
    """A deleted role, question or observation brought back from the history is a change
    like any other (labo.history.audit calls it before the restore)."""
    _before_child_change(obj)


@transaction.atomic
def update_report(
    *, report: DemarreurReport, fields: Mapping[str, Any], version: int | None
) -> DemarreurReport:
    """Write the report, as long as it has not been sent (a reviewed one goes back to
    draft); the first write creates it. Edited through a form read at ``version``:
    StaleVersion if it was saved since (the row is locked from here)."""
    locked = _report_for_change(atelier_id=report.atelier_id)
    claim(locked, version)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "status", "version"])
    return locked


@transaction.atomic
def review_report(*, report: DemarreurReport, reviewer: Person | None) -> DemarreurReport:
    """Freeze the e-mail and the content the reviewer saw: that is what "send" sends."""
    locked = _locked_report(atelier_id=report.atelier_id)
    if locked is None:
        raise ResultError(_("There is no report yet: write it first."))
    if locked.status != ReportStatus.DRAFT:
        raise ResultError(_("Only a draft can be marked as reviewed."))
    if not locked.reformulated_request.strip():
        raise ResultError(_("Write the reformulated request before the review."))
    locked.reviewed_content = reports.content(locked)
    if not reports.email(locked.reviewed_content).to:
        # Reviewed, it would offer "send", which would then be refused.
        raise ResultError(_("Nobody in the report's roles has an e-mail address."))
    locked.status = ReportStatus.REVIEWED
    locked.reviewed_by = reviewer
    locked.save(update_fields=["status", "reviewed_by", "reviewed_content"])
    return locked


def send_report(*, report: DemarreurReport) -> int:
    """Send the reviewed e-mail once, exactly as reviewed; returns the number of
    recipients. Anything changed since the review (even outside this app: a person's
    address, the workshop's title) puts the report back to draft instead."""
    with transaction.atomic():
        locked = _locked_report(atelier_id=report.atelier_id)
        if locked is None or locked.status != ReportStatus.REVIEWED:
            raise ResultError(_("The report must be reviewed before it is sent."))
        changed = reports.content(locked) != locked.reviewed_content
        if changed:
            locked.status = ReportStatus.DRAFT
            locked.save(update_fields=["status"])
        else:
            message = reports.email(locked.reviewed_content)
            if not message.to:
                raise ResultError(_("Nobody in the report's roles has an e-mail address."))
            try:
                mail.send(message)
            except mail.MailNotSent as error:
                raise ResultError(
                    _(
                        "The mail server did not take the report (%(error)s): nothing was "
                        "sent and the report is still reviewed. Try again later."
                    )
                    % {"error": error}
                ) from error
            locked.status = ReportStatus.SENT
            locked.sent_at = timezone.now()
            locked.save(update_fields=["status", "sent_at"])
    if changed:
        raise ResultError(
            _(
                "The report changed after its review: nothing was sent and it is back to "
                "draft. Check what changed, then review it again."
            )
        )
    return len(message.to)


def _forget(value: Any, names: list[str], replacement: str) -> Any:
    if isinstance(value, str):
        for name in names:
            value = value.replace(name, replacement)
        return value
    if isinstance(value, list):
        return [_forget(item, names, replacement) for item in value]
    if isinstance(value, dict):
        return {key: _forget(item, names, replacement) for key, item in value.items()}
    return value


@transaction.atomic
def forget_in_reports(*, names: Iterable[str], replacement: str) -> None:
    """A forgotten person's name and address leave the reviewed contents too (a reviewed
    report then no longer matches what it would send, so "send" asks for a new review)."""
    names = [name for name in names if name]
    for report in DemarreurReport.objects.select_for_update().exclude(reviewed_content={}):
        scrubbed = _forget(report.reviewed_content, names, replacement)
        if scrubbed != report.reviewed_content:
            report.reviewed_content = scrubbed
            with disable_auditlog():  # the log's entry would name them again
                report.save(update_fields=["reviewed_content"])


# Guest links -----------------------------------------------------------------------


def create_guest_link(*, atelier: Atelier, purpose: str, created_by: User | None) -> GuestLink:
    return GuestLink.objects.create(atelier=atelier, purpose=purpose, created_by=created_by)


def revoke(*, link: GuestLink) -> None:
    GuestLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
