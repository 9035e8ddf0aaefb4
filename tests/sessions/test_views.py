import datetime

import pytest
from django.urls import reverse

from sessions.models import AgendaItem, Day, Session
from tests import factories


def add_sessions(world, count):
    for number in range(count):
        session = factories.SessionFactory(programme=world.programme, number=100 + number)
        factories.AttendanceFactory(
            day=factories.DayFactory(session=session), person=world.member.person
        )


@pytest.mark.parametrize("extra", [0, 30])
def test_session_list_query_count_is_constant(
    world, member_client, django_assert_num_queries, extra
):
    add_sessions(world, extra)

    with django_assert_num_queries(5):
        response = member_client.get(reverse("sessions:session-list"))

    assert response.status_code == 200
    assert len(response.context["sessions"]) == 1 + extra


def test_session_list_hides_sessions_of_others(world, client):
    client.force_login(world.outsider)

    response = client.get(reverse("sessions:session-list"))

    assert list(response.context["sessions"]) == []


def add_items(day: Day, count: int, facilitator) -> None:
    for _ in range(count):
        item = factories.AgendaItemFactory(day=day)
        item.facilitators.add(facilitator)
        factories.AgendaItemFactory(day=day, parent=item)


@pytest.mark.parametrize("extra", [0, 50])
def test_session_detail_query_count_is_constant(
    world, facilitator_client, django_assert_num_queries, extra
):
    second_day = factories.DayFactory(
        session=world.session, date=world.session.starts_on + datetime.timedelta(days=1)
    )
    add_items(second_day, extra, world.facilitator.person)
    factories.AtelierFactory.create_batch(extra // 10, session=world.session)

    with django_assert_num_queries(12):
        response = facilitator_client.get(
            reverse("sessions:session-detail", args=[world.session.pk])
        )

    assert response.status_code == 200


def test_session_detail_shows_cascaded_times_and_warnings(world, facilitator_client):
    AgendaItem.objects.filter(pk=world.item.pk).update(duration_minutes=240)
    factories.AgendaItemFactory(
        day=world.day, title="Déjeuner", duration_minutes=60, fixed_start=datetime.time(12, 30)
    )

    response = facilitator_client.get(reverse("sessions:session-detail", args=[world.session.pk]))

    content = response.content.decode()
    assert "09:00–13:00" in content
    assert "12:30–13:30" in content
    assert "Le bloc précédent déborde sur cet horaire fixe." in content


def test_session_detail_of_unknown_session_is_404(facilitator_client):
    assert facilitator_client.get(reverse("sessions:session-detail", args=[999])).status_code == 404


def test_session_ordering_is_newest_first(db):
    old = factories.SessionFactory(starts_on=datetime.date(2025, 1, 1))
    new = factories.SessionFactory(starts_on=datetime.date(2026, 1, 1))

    assert list(Session.objects.all()) == [new, old]
