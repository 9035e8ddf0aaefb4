from labo.roles import AMBASSADOR
from sessions.queries import is_member, sessions_of, visible_sessions
from tests import factories


def test_sessions_of_counts_attendance_and_facilitation(db):
    person = factories.PersonFactory()
    attended = factories.AttendanceFactory(person=person).day.session
    facilitated = factories.SessionFactory()
    facilitated.facilitators.add(person)
    factories.SessionFactory()

    assert set(sessions_of(person)) == {attended, facilitated}


def test_visible_sessions_for_an_ambassador_are_their_own(world):
    other = factories.SessionFactory()

    assert list(visible_sessions(world.member)) == [world.session]
    assert list(visible_sessions(world.outsider)) == []
    assert set(visible_sessions(world.management)) == {world.session, other}


def test_visible_sessions_of_a_user_without_profile_is_empty(db):
    user = factories.UserFactory(roles=[AMBASSADOR])

    assert list(visible_sessions(user)) == []
    assert is_member(user, factories.SessionFactory()) is False


def test_is_member_of_own_session_only(world):
    assert is_member(world.member, world.session) is True
    assert is_member(world.outsider, world.session) is False
