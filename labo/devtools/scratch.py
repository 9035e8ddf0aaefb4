"""A facilitator and a session of today on a scratch database, made through the users'
services: what the benches that drive a real server start from (photo_bench, live_bench)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from labo.models import Person
from labo.people.services import create_account
from labo.roles import FACILITATOR
from sessions.models import Session
from sessions.services import create_programme, create_session


def facilitator_and_session(
    *, first_name: str, username: str, password: str, programme: str, title: str
) -> tuple[Person, Session]:
    person = Person.objects.create(
        first_name=first_name, last_name="Banc", email=f"{first_name.lower()}@example.org"
    )
    create_account(username=username, person=person, roles=[FACILITATOR], password=password)
    today = timezone.localdate()
    session = create_session(
        programme=create_programme(
            name=programme, organisation="Banc d'essai", starts_on=today, facilitators=[person]
        ),
        number=1,
        title=title,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        facilitators=[person],
    )
    return person, session
