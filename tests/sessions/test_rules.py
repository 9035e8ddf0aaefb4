import pytest
import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from labo.roles import FACILITATOR
from sessions.access import get_session_for
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


def test_a_facilitation_read_with_the_session_serves_its_visitor_only(world):
    stranger = factories.UserFactory(roles=[FACILITATOR])
    factories.PersonFactory(user=stranger)  # facilitates no programme
    world.session.facilitated_by = (stranger.pk, False)  # as read for the stranger

    assert rules.test_rule("sessions.change_session", world.facilitator, world.session)
    assert not rules.test_rule("sessions.change_session", stranger, world.session)
    world.session.facilitated_by = (world.facilitator.pk, False)  # read before a change
    assert not rules.test_rule("sessions.change_session", world.facilitator, world.session)
