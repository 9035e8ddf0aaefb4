import pytest
import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from labo.roles import FACILITATOR
from sessions.access import get_day_for, get_session_for
from sessions.queries import facilitates_programme
from sessions.rules import may_change_session
from tests import factories


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_get_session_for_gives_a_member_read_access_only(world):
    request = request_for(world.member)

    assert get_session_for(request, world.session.pk) == world.session
    with pytest.raises(PermissionDenied):
        get_session_for(request, world.session.pk, write=True)


def test_get_session_for_hides_the_session_from_an_outsider(world):
    with pytest.raises(Http404):
        get_session_for(request_for(world.outsider), world.session.pk)


def test_only_facilitators_of_the_programme_may_change_its_sessions(world):
    other = factories.UserFactory(roles=[FACILITATOR])
    factories.PersonFactory(user=other)

    assert get_session_for(request_for(world.facilitator), world.session.pk, write=True)
    with pytest.raises(PermissionDenied):
        get_session_for(request_for(other), world.session.pk, write=True)


def test_management_reads_but_does_not_change(world):
    assert rules.test_rule("sessions.view_session", world.management, world.session) is True
    assert rules.test_rule("sessions.change_session", world.management, world.session) is False


def test_the_facilitation_read_with_a_day_is_the_visitors_own(world):
    stranger = factories.UserFactory(roles=[FACILITATOR])
    factories.PersonFactory(user=stranger)  # facilitates no programme

    assert get_day_for(request_for(world.facilitator), world.day.pk, write=True) == world.day
    with pytest.raises(PermissionDenied):
        get_day_for(request_for(stranger), world.day.pk, write=True)
    assert not hasattr(world.session, "facilitated_by")  # nothing is left on the object


@pytest.mark.parametrize("persona", ["facilitator", "member", "outsider", "management", "admin"])
def test_the_rule_given_the_facilitation_agrees_with_the_rule_asking_for_it(world, persona):
    user = getattr(world, persona)
    facilitates = facilitates_programme(user, world.session)

    assert may_change_session(user, world.session, facilitates=facilitates) == rules.test_rule(
        "sessions.change_session", user, world.session
    )


def test_the_rule_decides_from_the_facilitation_it_is_given(world):
    assert not may_change_session(world.facilitator, world.session, facilitates=False)
    assert not may_change_session(world.member, world.session, facilitates=True)  # no role
    assert may_change_session(world.admin, world.session, facilitates=False)  # superuser
