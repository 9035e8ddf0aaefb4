import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from commandes.access import (
    get_commande_for,
    get_deliverable_for,
    get_task_for,
    get_team_member_for,
    visible_commandes,
)
from commandes.models import Deliverable, Task, TeamMember
from tests import factories


def request_of(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


@pytest.fixture
def in_team(world):
    """The member ambassador is in the team of the world's commande."""
    return TeamMember.objects.create(commande=world.commande, person=world.member.person)


def test_get_commande_for_hides_a_commande_outside_the_team(world):
    with pytest.raises(Http404):
        get_commande_for(request_of(world.outsider), world.commande.pk)


def test_get_commande_for_lets_the_team_read_but_not_change(world, in_team):
    request = request_of(world.member)

    assert get_commande_for(request, world.commande.pk) == world.commande
    with pytest.raises(PermissionDenied):
        get_commande_for(request, world.commande.pk, write=True)


def test_get_commande_for_leaves_the_review_to_management(world):
    assert get_commande_for(request_of(world.management), world.commande.pk, review=True)
    with pytest.raises(PermissionDenied):
        get_commande_for(request_of(world.facilitator), world.commande.pk, review=True)


def test_get_task_for_lets_its_owner_tick_it_off(world, in_team):
    task = Task.objects.create(commande=world.commande, title="T", owner=world.member.person)

    assert get_task_for(request_of(world.member), task.pk, write=True) == task


def test_get_task_for_refuses_a_team_member_who_does_not_own_it(world, in_team):
    task = Task.objects.create(commande=world.commande, title="T")

    with pytest.raises(PermissionDenied):
        get_task_for(request_of(world.member), task.pk, write=True)


def test_get_task_for_hides_the_task_of_a_commande_outside_the_team(world):
    task = Task.objects.create(commande=world.commande, title="T", owner=world.outsider.person)

    with pytest.raises(Http404):
        get_task_for(request_of(world.outsider), task.pk, write=True)


def test_get_deliverable_for_follows_its_commande(world, in_team):
    deliverable = Deliverable.objects.create(
        commande=world.commande, kind="other", title="D", url="https://example.org"
    )

    assert get_deliverable_for(request_of(world.member), deliverable.pk) == deliverable
    with pytest.raises(PermissionDenied):
        get_deliverable_for(request_of(world.member), deliverable.pk, write=True)
    with pytest.raises(Http404):
        get_deliverable_for(request_of(world.outsider), deliverable.pk)


def test_get_team_member_for_refuses_a_member_of_another_commande(world):
    elsewhere = factories.TeamMemberFactory()

    with pytest.raises(Http404):
        get_team_member_for(
            request_of(world.facilitator), elsewhere.pk, commande_pk=world.commande.pk, write=True
        )


def test_get_team_member_for_checks_the_commande_before_the_member(world, in_team):
    with pytest.raises(PermissionDenied):
        get_team_member_for(request_of(world.member), 0, commande_pk=world.commande.pk, write=True)


def test_visible_commandes_are_those_of_the_team_for_an_ambassador(world, in_team):
    factories.CommandeFactory()

    assert list(visible_commandes(world.member)) == [world.commande]
    assert visible_commandes(world.management).count() == 2
    assert list(visible_commandes(AnonymousUser())) == []
