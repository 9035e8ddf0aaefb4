import datetime

from django.urls import reverse
from icalendar import Calendar

from sessions.calendar import feed_token, person_from_token
from tests import factories


def events(response):
    calendar = Calendar.from_ical(response.content)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_session_calendar_has_one_event_per_day_in_paris_time(world, member_client):
    factories.DayFactory(
        session=world.session, date=world.session.starts_on + datetime.timedelta(days=1)
    )

    response = member_client.get(reverse("sessions:session-ics", args=[world.session.pk]))

    calendar, found = events(response)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(found) == 2
    start = found[0].decoded("dtstart")
    assert (start.hour, str(start.tzinfo)) == (9, "Europe/Paris")
    assert found[0]["summary"].startswith("Session n° ")
    assert "09:00–09:30 Tribunal de l'innovation" in str(found[0]["description"])
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert calendar["method"] == "PUBLISH"


def test_event_ends_with_the_last_block_when_it_runs_late(world, member_client):
    world.item.duration_minutes = 600
    world.item.save()

    response = member_client.get(reverse("sessions:session-ics", args=[world.session.pk]))

    end = events(response)[1][0].decoded("dtend")
    assert (end.hour, end.minute) == (19, 0)


def test_personal_feed_lists_only_the_persons_sessions(world, client):
    factories.DayFactory()  # a day of a session Bob does not attend

    response = client.get(reverse("sessions:personal-feed", args=[feed_token(world.member.person)]))

    assert response.status_code == 200
    assert [e["uid"] for e in events(response)[1]] == [f"labo-day-{world.day.pk}@labo"]


def test_personal_feed_with_a_forged_token_is_404(world, client):
    token = feed_token(world.member.person)[:-2] + "xx"

    assert client.get(reverse("sessions:personal-feed", args=[token])).status_code == 404


def test_my_profile_shows_the_personal_feed_address(world, member_client):
    response = member_client.get(reverse("labo:my-profile"))

    # The token carries its signing time, so it is read back rather than compared.
    token = response.context["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert person_from_token(token) == world.member.person
