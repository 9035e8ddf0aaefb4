"""Every write of the sessions app: keyword-only arguments, plain values, one transaction.

Locks are always taken in one order, so that two writers never wait for each other in a
circle: a day before its blocks (or its attendance, or its run), a parent block before its
sub-groups, and rows of one kind by primary key (two days: the lower id first). Every write
to a day's blocks locks the day first (_lock_day), so that two facilitators editing the
same day are serialised and positions stay 0..n-1."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labo.lib import events
from labo.lib.versions import claim
from labo.models import Person, Programme
from sessions import signals
from sessions.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    Day,
    DayRun,
    ItemKind,
    Method,
    MethodStep,
    RunAction,
    Session,
    SessionStatus,
    SessionTemplate,
)

UNDO_WINDOW = datetime.timedelta(minutes=10)
MAX_EXTRA_MINUTES = 240
COPIED_FIELDS = (
    "duration_minutes",
    "fixed_start",
    "kind",
    "title",
    "description",
    "materials",
    "alternative_plan",
)


class AgendaError(Exception):
    """A change refused for a reason the user must read (already translated)."""


class StaleAgenda(AgendaError):
    """The agenda changed since the page was loaded."""


def _lock(day: Day) -> Day:
    """Lock the day for a change of its agenda, and read it as it is now."""
    _lock_day(day.pk)
    return Day.objects.get(pk=day.pk)


def _lock_day(pk: int) -> None:
    """Lock a day by moving its revision on, as the change will (bulk updates send no signal);
    the revision moves back with the change if it is refused. Writing the row locks it until
    the transaction ends, as SELECT ... FOR UPDATE would, in one statement."""
    if not Day.objects.filter(pk=pk).update(revision=F("revision") + 1):
        raise StaleAgenda(_("This day has been deleted meanwhile."))


def _hold_days(days: QuerySet[Day]) -> list[int]:
    """Lock days by primary key (the lower id first) without moving their revisions on: for
    a change the planner does not show (attendance), or before deleting them."""
    return list(days.order_by("pk").select_for_update().values_list("pk", flat=True))


GONE = gettext_lazy("This block has moved or gone meanwhile: here is the day as it is now.")


def _lock_current_day(item: AgendaItem) -> int:
    """Lock the day the (live) block is in now, before the block; the day's id."""
    held = item.day_id
    _lock_day(held)
    while True:
        # A move commits only under both days' locks: once a day is held, a block in it
        # stays there until the end of the transaction.
        now = AgendaItem.objects.filter(pk=item.pk).values_list("day_id", flat=True).first()
        if now == held:
            return held
        # Gone, or moved meanwhile to a day that would come before the one held: locking it
        # now would break the order of days (by id) that every writer follows.
        if now is None or now < held:
            raise StaleAgenda(GONE)
        _lock_day(now)
        held = now


def _lock_item(item: AgendaItem, manager=None) -> tuple[Day, AgendaItem]:
    """Lock the block's day, then make sure the block is still in it."""
    _lock_day(item.day_id)
    fresh = (manager or AgendaItem.all_objects).filter(pk=item.pk, day=item.day_id).first()
    if fresh is None:
        raise StaleAgenda(GONE)
    return item.day, fresh


def _top_items(day: Day) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(day=day, parent__isnull=True).order_by("position", "pk"))


def _renumber(items: Sequence[AgendaItem]) -> None:
    changed = []
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            changed.append(item)
    AgendaItem.objects.bulk_update(changed, ["position"])


def dates_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Every date from ``start`` to ``end``, both included: the days of a session."""
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


_dates = dates_between


# Programmes ----------------------------------------------------------------


@transaction.atomic
def create_programme(
    *,
    name: str,
    organisation: str,
    description: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    facilitators: Iterable[Person] = (),
) -> Programme:
    """A lab's cycle of sessions in one organisation, with the facilitators who run it."""
    programme = Programme.objects.create(
        name=name,
        organisation=organisation,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    programme.facilitators.set(facilitators)
    return programme


# Sessions ------------------------------------------------------------------


def next_session_number(programme: Programme | int) -> int:
    """The number a new session of the programme gets: one after the highest taken."""
    highest = Session.objects.filter(programme=programme).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


def next_session_numbers(programmes: QuerySet[Programme]) -> dict[Programme, int]:
    """The number a new session of each programme would get, in one query."""
    rows = programmes.annotate(highest=Max("sessions__number")).order_by("name")
    return {programme: (programme.highest or 0) + 1 for programme in rows}


@transaction.atomic
def create_session(
    *,
    programme: Programme,
    number: int,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    place: str = "",
    objectives: str = "",
    facilitators: Iterable[Person] = (),
    template: SessionTemplate | None = None,
    template_days: Sequence[int | None] | None = None,
) -> Session:
    """Create a session with one day per date, filled from a template if one is given.

    ``template_days``: for each day of the session, in order, the index of the template's
    day it takes (None: an empty day); by default the template's days in order, as many as
    fit (the form asks the facilitator when the lengths differ)."""
    session = Session.objects.create(
        programme=programme,
        number=number,
        title=title,
        place=place,
        starts_on=starts_on,
        ends_on=ends_on,
        objectives=objectives,
        status=SessionStatus.PLANNED,
    )
    session.facilitators.set(facilitators)
    days = [Day.objects.create(session=session, date=date) for date in _dates(starts_on, ends_on)]
    if template is not None:
        _fill_from_template(days, template, template_days)
    return session


def default_template_days(template: SessionTemplate, count: int) -> list[int | None]:
    """The template's days in order for a session of ``count`` days (empty days after)."""
    return [n if n < len(template.days) else None for n in range(count)]


def _fill_from_template(
    days: list[Day], template: SessionTemplate, chosen: Sequence[int | None] | None = None
) -> None:
    chosen = default_template_days(template, len(days)) if chosen is None else chosen
    for day, index in zip(days, chosen, strict=False):
        if index is None or not 0 <= index < len(template.days):
            continue
        spec = template.days[index]
        day.title = spec.get("title", "")
        day.starts_at = datetime.time.fromisoformat(spec.get("starts_at", "09:00"))
        day.ends_at = datetime.time.fromisoformat(spec.get("ends_at", "17:00"))
        day.save(update_fields=["title", "starts_at", "ends_at"])
        for position, block in enumerate(spec.get("items", [])):
            parent = _create_from_spec(day, block, position)
            for sub_position, sub in enumerate(block.get("subgroups", [])):
                _create_from_spec(day, sub, sub_position, parent=parent)


def _create_from_spec(day, spec, position, parent=None) -> AgendaItem:
    fixed = spec.get("fixed_start")
    return AgendaItem.objects.create(
        day=day,
        parent=parent,
        position=position,
        title=spec["title"],
        kind=spec.get("kind", ItemKind.FREE),
        duration_minutes=spec.get("duration_minutes", 30),
        fixed_start=datetime.time.fromisoformat(fixed) if fixed else None,
        description=spec.get("description", ""),
        materials=spec.get("materials", ""),
        alternative_plan=spec.get("alternative_plan", ""),
    )


SESSION_FIELDS = (
    "programme",
    "number",
    "title",
    "place",
    "starts_on",
    "ends_on",
    "objectives",
    "status",
    "preparation_half_days",
)


@transaction.atomic
def update_session(
    *,
    session: Session,
    programme: Programme,
    number: int,
    title: str,
    place: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    objectives: str,
    facilitators: Iterable[Person],
    status: SessionStatus | str,
    preparation_half_days: decimal.Decimal | None,
    version: int | None = None,
) -> Session:
    """Save the session; its days follow its dates (update_session_dates, which may refuse).
    ``version``: the one its form was read at (StaleVersion if it was saved since); None for
    a tool's write."""
    if version is not None:
        claim(session, version)  # the session before its days
    update_session_dates(session=session, starts_on=starts_on, ends_on=ends_on)
    session.programme = programme
    session.number = number
    session.title = title
    session.place = place
    session.starts_on = starts_on
    session.ends_on = ends_on
    session.objectives = objectives
    session.status = status
    session.preparation_half_days = preparation_half_days
    # What the form edits: the debrief, written elsewhere meanwhile, is kept.
    session.save(update_fields=[*SESSION_FIELDS, "version"])
    session.facilitators.set(facilitators)
    return session


@transaction.atomic
def save_debrief(*, session: Session, debrief: str, next_steps: str = "") -> Session:
    """What the session gave and what comes next, written once it has been held."""
    session.debrief = debrief
    session.next_steps = next_steps
    session.save(update_fields=["debrief", "next_steps"])
    return session


@transaction.atomic
def save_key_messages(*, session: Session, key_messages: str, version: int | None) -> Session:
    """The synthesis's "À retenir". ``version``: the one its form was read at (StaleVersion
    if the session was saved since); None for a tool's write."""
    if version is not None:
        claim(session, version)
    session.key_messages = key_messages
    session.save(update_fields=["key_messages", "version"])
    return session


@transaction.atomic
def update_session_dates(
    *, session: Session, starts_on: datetime.date, ends_on: datetime.date
) -> None:
    """Add days for new dates; remove days that fall outside, if they hold no block."""
    wanted = set(_dates(starts_on, ends_on))
    doomed = session.days.exclude(date__in=wanted)
    # Held until they are deleted: no block may be added to them meanwhile.
    doomed = Day.objects.filter(pk__in=_hold_days(doomed))
    if AgendaItem.objects.filter(day__in=doomed).exists():
        raise AgendaError(
            _("Some days outside the new dates still have blocks: move or delete them first.")
        )
    doomed.delete()
    existing = set(session.days.values_list("date", flat=True))
    Day.objects.bulk_create(Day(session=session, date=d) for d in sorted(wanted - existing))


def _item_spec(item: AgendaItem, subgroups: Iterable[AgendaItem] = ()) -> dict:
    spec = {field: getattr(item, field) for field in COPIED_FIELDS}
    spec["fixed_start"] = (
        item.fixed_start.isoformat(timespec="minutes") if item.fixed_start else None
    )
    subs = [_item_spec(sub) for sub in subgroups]
    if subs:
        spec["subgroups"] = subs
    return spec


@transaction.atomic
def save_as_template(*, session: Session, name: str, description: str = "") -> SessionTemplate:
    """Keep the session's days and blocks (not its people or dates) for reuse."""
    days = []
    for day in session.days.prefetch_related("items__subgroups"):
        top = [i for i in day.items.all() if i.parent_id is None]
        days.append(
            {
                "title": day.title,
                "starts_at": day.starts_at.isoformat(timespec="minutes"),
                "ends_at": day.ends_at.isoformat(timespec="minutes"),
                "items": [_item_spec(item, item.subgroups.all()) for item in top],
            }
        )
    return SessionTemplate.objects.create(name=name, description=description, days=days)


@transaction.atomic
def rename_template(*, template: SessionTemplate, name: str, description: str) -> SessionTemplate:
    """A template's name and description (its days are those of the session it was saved
    from)."""
    template.name = name
    template.description = description
    template.save(update_fields=["name", "description"])
    return template


@transaction.atomic
def delete_template(*, template: SessionTemplate) -> None:
    """Sessions made from it keep their agendas: a template is copied, never linked."""
    template.delete()


# The method library ---------------------------------------------------------


METHOD_FIELDS = (
    "name",
    "kind",
    "duration_minutes",
    "fixed_start",
    "instructions",
    "materials",
    "alternative_plan",
    "subgroups",
)
STEP_FIELDS = ("title", "kind", "duration_minutes", "fixed_start", "description")


@transaction.atomic
def save_method(*, method: Method | None, steps: Sequence[Mapping] = (), **fields) -> Method:
    """Create (``method`` None) or save a method of the library; ``steps``: its blocks in
    order, as plain values (none: the method gives one block). The steps are replaced."""
    if method is None:
        method = Method(**{name: fields[name] for name in METHOD_FIELDS})
        method.save()
    else:
        Method.objects.select_for_update().filter(pk=method.pk).first()
        for name in METHOD_FIELDS:
            setattr(method, name, fields[name])
        method.save(update_fields=[*METHOD_FIELDS, "updated_at"])
        method.steps.all().delete()
    MethodStep.objects.bulk_create(
        MethodStep(method=method, position=position, **{f: step[f] for f in STEP_FIELDS})
        for position, step in enumerate(steps)
    )
    return method


# Blocks --------------------------------------------------------------------


@transaction.atomic
def add_item(*, day: Day, position: int | None = None, **fields) -> AgendaItem:
    """Add a block at the end of the day (or at a position)."""
    day = _lock(day)
    items = _top_items(day)
    item = AgendaItem(day=day, **fields)
    at = len(items) if position is None else max(0, min(position, len(items)))
    items.insert(at, item)
    item.position = at
    item.save()
    _renumber(items)
    return item


@transaction.atomic
def add_from_method(*, day: Day, method: Method) -> list[AgendaItem]:
    """A method with steps fills the day with them; otherwise it gives one block, pinned at
    the method's time, with the method's parallel sub-groups (the stands of « Labo stands »)."""
    steps = list(method.steps.all())
    if not steps:
        item = add_item(
            day=day,
            title=method.name,
            kind=method.kind,
            duration_minutes=method.duration_minutes,
            fixed_start=method.fixed_start,
            description=method.instructions,
            materials=method.materials,
            alternative_plan=method.alternative_plan,
            method=method,
        )
        for position, title in enumerate(method.subgroup_titles()):
            AgendaItem.objects.create(  # one by one, as add_subgroup: the audit sees each
                day=item.day,
                parent=item,
                position=position,
                title=title[:200],
                kind=item.kind,
                duration_minutes=item.duration_minutes,
            )
        return [item]
    return [
        add_item(
            day=day,
            title=step.title,
            kind=step.kind,
            duration_minutes=step.duration_minutes,
            fixed_start=step.fixed_start,
            description=step.description,
            method=method,
        )
        for step in steps
    ]


@transaction.atomic
def add_subgroup(*, item: AgendaItem, title: str) -> AgendaItem:
    """A group working in parallel during the block, for the block's whole duration."""
    day, item = _lock_item(item, AgendaItem.objects)
    if item.parent_id is not None:
        raise AgendaError(_("A sub-group cannot have sub-groups of its own."))
    return AgendaItem.objects.create(
        day=day,
        parent=item,
        position=item.subgroups.count(),
        title=title,
        kind=item.kind,
        duration_minutes=item.duration_minutes,
    )


# What an edit of a block writes (save_item); its place is written by moves only.
EDITED_FIELDS = (
    "title",
    "kind",
    "duration_minutes",
    "fixed_start",
    "description",
    "materials",
    "alternative_plan",
)


@transaction.atomic
def save_item(
    *,
    item: AgendaItem,
    version: int,
    title: str,
    kind: ItemKind | str,
    duration_minutes: int,
    fixed_start: datetime.time | None,
    description: str,
    materials: str,
    alternative_plan: str,
    runners: Iterable[Person] | None = None,
) -> AgendaItem:
    """Save an edited block unless someone else saved it since it was loaded at ``version``;
    ``runners``: who runs it, None to leave them as they are (no query for them)."""
    # The day the block is in now (it may have been moved since it was read), before the
    # block: the order every move takes, and the day whose planner shows the change.
    item.day_id = _lock_current_day(item)
    if not AgendaItem.objects.filter(pk=item.pk, version=version).update(version=version + 1):
        raise StaleAgenda(
            _(
                "Someone changed this block while you were editing it. Your text is still "
                "in the form: check the block and save again to keep your version."
            )
        )
    item.version = version + 1
    item.title = title
    item.kind = kind
    item.duration_minutes = duration_minutes
    item.fixed_start = fixed_start
    item.description = description
    item.materials = materials
    item.alternative_plan = alternative_plan
    with signals.muted():  # the lock has moved the day's revision on already
        # Only what the form edits: the block's place (day, position) may have been moved by
        # someone else since it was read, and is theirs to keep.
        item.save(update_fields=[*EDITED_FIELDS, "version"])
        if runners is not None:
            item.facilitators.set(runners)
    return item


@transaction.atomic
def duplicate_item(*, item: AgendaItem) -> AgendaItem:
    """Copy a block (and its sub-groups) right after itself."""
    day, _fresh = _lock_item(item, AgendaItem.objects)
    items = _top_items(day)
    original = next(i for i in items if i.pk == item.pk)
    copy = AgendaItem(day=day, **{f: getattr(original, f) for f in COPIED_FIELDS})
    copy.title = _("%(title)s (copy)") % {"title": original.title}
    copy.fixed_start = None  # two blocks pinned to the same time would overlap at once
    items.insert(items.index(original) + 1, copy)
    copy.position = items.index(copy)
    copy.save()
    copy.facilitators.set(original.facilitators.all())
    for sub in original.subgroups.all():
        AgendaItem.objects.create(
            day=day,
            parent=copy,
            position=sub.position,
            **{f: getattr(sub, f) for f in COPIED_FIELDS},
        )
    _renumber(items)
    return copy


@transaction.atomic
def delete_item(*, item: AgendaItem) -> AgendaItem:
    """Put a block in the bin; it can be restored for a while."""
    day, _fresh = _lock_item(item, AgendaItem.objects)
    AgendaItem.objects.filter(pk=item.pk).update(deleted_at=timezone.now())
    _renumber(_top_items(day))
    return AgendaItem.all_objects.get(pk=item.pk)


@transaction.atomic
def restore_item(*, item: AgendaItem) -> AgendaItem:
    """Bring a deleted block back where it was, if the undo window is still open."""
    day, item = _lock_item(item)
    if item.deleted_at is None:
        return item
    if timezone.now() - item.deleted_at > UNDO_WINDOW:
        raise AgendaError(_("This block was deleted too long ago to be restored."))
    items = _top_items(day)
    items.insert(min(item.position, len(items)), item)
    item.deleted_at = None
    item.save(update_fields=["deleted_at"])
    _renumber(items)
    return item


@transaction.atomic
def move_item(*, item: AgendaItem, offset: int) -> tuple[AgendaItem, int]:
    """Move a block up (negative offset) or down within its day: the block at its new
    position, and how many blocks the day holds."""
    _lock_day(item.day_id)
    items = _top_items(item.day)
    current = next((i for i in items if i.pk == item.pk), None)
    if current is None:
        raise StaleAgenda(GONE)
    index = items.index(current)
    target = max(0, min(index + offset, len(items) - 1))
    items.insert(target, items.pop(index))
    _renumber(items)
    return current, len(items)


STALE_ORDER = gettext_lazy(
    "The agenda changed since you loaded it: here it is as it is now. Try again."
)


@transaction.atomic
def reorder_day(*, day: Day, order: Sequence[int], revision: int | None = None) -> None:
    """Apply a new order given as the list of the day's block ids, drawn from the day at
    ``revision`` (refused if the day changed since: someone else's order would be lost)."""
    day = _lock(day)
    # The lock moved the revision on by one: the day as the user saw it is one behind.
    if revision is not None and day.revision != revision + 1:
        raise StaleAgenda(STALE_ORDER)
    items = _top_items(day)
    by_pk = {item.pk: item for item in items}
    if sorted(order) != sorted(by_pk) or len(set(order)) != len(order):
        raise StaleAgenda(STALE_ORDER)
    _renumber([by_pk[pk] for pk in order])


@transaction.atomic
def move_to_day(*, item: AgendaItem, day: Day, position: int | None = None) -> AgendaItem:
    """Move a block to another day of the same session, at the end or at a position."""
    if day.session_id != item.day.session_id:
        raise AgendaError(_("A block can only move to a day of the same session."))
    if day.pk == item.day_id:
        return item
    # Both days, the lower id first, so that two opposite moves cannot deadlock.
    first, second = sorted([item.day, day], key=lambda d: d.pk)
    _lock_day(first.pk)
    _lock_day(second.pk)
    source = item.day
    moving = AgendaItem.objects.filter(pk=item.pk, day=source).first()
    if moving is None:
        raise StaleAgenda(GONE)
    if moving.parent_id is not None:
        # A sub-group runs during its block: it is in its block's day, and moves with it.
        raise AgendaError(_("A sub-group moves with its block: move the block."))
    items = _top_items(day)
    at = len(items) if position is None else max(0, min(position, len(items)))
    moving.day = day
    moving.position = at
    moving.save(update_fields=["day", "position"])
    AgendaItem.objects.filter(parent=moving).update(day=day)  # the parent before its children
    items.insert(at, moving)
    _renumber(items)
    _renumber(_top_items(source))
    return moving


@transaction.atomic
def update_day(
    *,
    day: Day,
    title: str,
    starts_at: datetime.time,
    ends_at: datetime.time,
    capacity: int | None,
    version: int | None = None,
) -> Day:
    """Save a day's settings (its revision moves on: sessions.signals), from a form read at
    ``version`` (StaleVersion if they were saved since; None for a tool's write)."""
    if version is not None:
        claim(day, version)
    day.title = title
    day.starts_at = starts_at
    day.ends_at = ends_at
    day.capacity = capacity
    day.save(update_fields=["title", "starts_at", "ends_at", "capacity", "version"])
    return day


@transaction.atomic
def record_attendance(
    *,
    day: Day,
    changes: Iterable[Attendance],
    removed: Iterable[Attendance],
    added: Iterable[Person],
    role: AttendanceRole | str,
    versions: Mapping[int, int] | None = None,
) -> None:
    """Save the day's attendance sheet in one go: ``changes``, the day's attendances with
    their new role and presence; ``removed``, those to take off; ``added``, people to add
    in ``role``. ``versions``: the version each changed or removed row was read at, by id
    (the sheet is a form read earlier): StaleVersion, and nothing saved, if one was saved
    since."""
    _hold_days(Day.objects.filter(pk=day.pk))
    removed = [a for a in removed if a.pk]
    removed_pks = [a.pk for a in removed]
    kept = [a for a in changes if a.pk not in removed_pks]
    if versions is not None:
        for attendance in sorted([*kept, *removed], key=lambda a: a.pk):  # rows by pk
            claim(attendance, versions.get(attendance.pk))
    Attendance.objects.filter(day=day, pk__in=removed_pks).delete()
    for attendance in sorted(kept, key=lambda a: a.pk):
        attendance.save(update_fields=["role", "present", "version"])
    Attendance.objects.bulk_create(
        [Attendance(day=day, person=person, role=role) for person in added],
        ignore_conflicts=True,
    )


# Run mode --------------------------------------------------------------------


class ConfirmationNeeded(AgendaError):
    """A run action that undoes what the room has seen: asked again, with ``confirm``."""


def run_topic(day_pk: int) -> str:
    """The events topic of a day's run mode (its projector follows it)."""
    return f"dayrun:{day_pk}"


@transaction.atomic
def run_action(
    *, day: Day, action: RunAction | str, rehearsal: bool = False, confirm: bool = False
) -> DayRun:
    """Start the day, add five minutes to the current block, go to the next block, or reset.

    Starting again a day that has started, or resetting it, needs ``confirm``. A rehearsal
    writes its own DayRun, never the real one. The day's revision moves on (``_lock``): it
    is the version the projector's stream sends (``sessions.views.day_run_stream``)."""
    day = _lock(day)
    run, _created = DayRun.objects.get_or_create(day=day, rehearsal=rehearsal)
    items = _top_items(day)
    now = timezone.now()
    if action in (RunAction.START, RunAction.RESET) and run.has_started and not confirm:
        raise ConfirmationNeeded(
            _("The day has started: confirm to start it again.")
            if action == RunAction.START
            else _("The day has started: confirm to reset it.")
        )
    if action in (RunAction.ADD_FIVE, RunAction.NEXT) and (run.finished or not run.has_started):
        raise AgendaError(
            _("The day is over.") if run.finished else _("The day has not started yet.")
        )
    if action == RunAction.START:
        run.current_item = items[0] if items else None
        run.started_at = run.item_started_at = now
        run.extra_minutes = 0
        run.finished = not items
    elif action == RunAction.ADD_FIVE:
        # A counter: one UPDATE adds to what is stored, whatever this copy read.
        DayRun.objects.filter(pk=run.pk).update(
            extra_minutes=Least(F("extra_minutes") + 5, MAX_EXTRA_MINUTES)
        )
        run.extra_minutes = min(run.extra_minutes + 5, MAX_EXTRA_MINUTES)
        events.publish(run_topic(day.pk))
        return run
    elif action == RunAction.NEXT:
        ids = [i.pk for i in items]
        index = ids.index(run.current_item_id) if run.current_item_id in ids else -1
        if index + 1 < len(items):
            run.current_item = items[index + 1]
        else:
            run.current_item = None
            run.finished = True
        run.item_started_at = now
        run.extra_minutes = 0
    elif action == RunAction.RESET:
        run.current_item, run.started_at, run.item_started_at = None, None, None
        run.extra_minutes, run.finished = 0, False
    else:
        raise AgendaError(_("Unknown action."))
    run.save(
        update_fields=[
            "current_item",
            "started_at",
            "item_started_at",
            "extra_minutes",
            "finished",
        ]
    )
    events.publish(run_topic(day.pk))
    return run
