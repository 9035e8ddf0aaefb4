"""Calendar invitations (iCalendar) for a session, and a personal feed per person."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from labo.lib.text import clean_text, one_line
from labo.models import Person
from sessions.queries import DayAgenda

FEED_SALT = "labo.calendar-feed"


def feed_token(person: Person) -> str:
    """The signed part of the person's feed address: their id and their current calendar
    key (the id alone while they never asked for a new address)."""
    payload = [person.pk, person.calendar_key] if person.calendar_key else person.pk
    return signing.dumps(payload, salt=FEED_SALT)


def person_from_token(token: str) -> Person | None:
    """The active person whose current address this is; None for a forged or revoked one."""
    try:
        payload = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
    if isinstance(payload, int):
        pk, key = payload, ""
    elif (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], int)
        and isinstance(payload[1], str)
        and payload[1]
    ):
        pk, key = payload
    else:
        return None
    return Person.objects.filter(pk=pk, calendar_key=key, is_active=True).first()


def build_calendar(agenda: Iterable[DayAgenda], *, name: str) -> bytes:
    """One event per day, from its start to the end of its last block, agenda in the notes."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Labo//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Properties are one line each: a line end or a control character in a stored title
    # must not break the file (nor the feeds that hold it).
    calendar.add("x-wr-calname", one_line(name))
    stamp = timezone.now()
    for entry in agenda:
        day = entry.day
        session = day.session
        end = max(entry.ends_at, day.ends_at) if entry.slots else day.ends_at
        event = Event()
        event.add("uid", f"labo-day-{day.pk}@labo")
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.datetime.combine(day.date, day.starts_at, tzinfo=zone))
        event.add("dtend", datetime.datetime.combine(day.date, end, tzinfo=zone))
        summary = _("Session #%(number)s: %(title)s") % {
            "number": session.number,
            "title": session.title,
        }
        if day.title:
            summary = f"{summary} — {day.title}"
        event.add("summary", one_line(summary))
        if session.place:
            event.add("location", one_line(session.place))
        lines = [f"{s.start:%H:%M}–{s.end:%H:%M} {one_line(s.item.title)}" for s in entry.slots]
        event.add("description", clean_text("\n".join(lines)))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
