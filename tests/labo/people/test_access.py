import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from labo.people.access import get_person_for, own_person
from tests import factories


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_get_person_for_gives_a_facilitator_anyone(world):
    person = factories.PersonFactory()

    assert get_person_for(request_of(world.facilitator), person.pk, write=True) == person


def test_get_person_for_gives_an_ambassador_themself_to_read_only(world):
    own = world.member.person

    assert get_person_for(request_of(world.member), own.pk) == own
    with pytest.raises(PermissionDenied):
        get_person_for(request_of(world.member), own.pk, write=True)


def test_get_person_for_hides_another_person_from_an_ambassador(world):
    with pytest.raises(Http404):
        get_person_for(request_of(world.member), world.outsider.person.pk)


def test_own_person_of_an_account_without_one_is_404(world):
    assert own_person(request_of(world.member)) == world.member.person
    with pytest.raises(Http404):
        own_person(request_of(world.admin))
