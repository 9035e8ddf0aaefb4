import pytest
from django.http import Http404
from django.utils import timezone

from ateliers.access import get_guest_link_by_token, get_result_in, guest_token
from ateliers.models import Action, GuestLink
from tests import factories


def test_get_result_in_finds_a_result_of_the_workshop(world):
    action = Action.objects.create(atelier=world.atelier, what="Relancer")

    assert get_result_in(world.atelier, "action", str(action.pk)) == action


@pytest.mark.parametrize("kind, pk", [("action", "foreign"), ("nothing", "mine"), ("action", "x")])
def test_get_result_in_is_404_for_another_workshop_an_unknown_kind_or_a_bad_id(world, kind, pk):
    mine = Action.objects.create(atelier=world.atelier, what="ici")
    foreign = Action.objects.create(atelier=factories.AtelierFactory(), what="ailleurs")
    ids = {"mine": mine.pk, "foreign": foreign.pk, "x": "x"}

    with pytest.raises(Http404):
        get_result_in(world.atelier, kind, ids[pk])


def test_a_guest_token_opens_its_link_until_it_is_revoked(world):
    link = GuestLink.objects.create(atelier=world.atelier, purpose="vote")
    token = guest_token(link)

    assert get_guest_link_by_token(token) == link
    GuestLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    with pytest.raises(Http404):
        get_guest_link_by_token(token)


def test_a_forged_guest_token_is_404(db):
    with pytest.raises(Http404):
        get_guest_link_by_token("1:forged")
