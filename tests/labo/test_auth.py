"""The visitor's account is read once, then from the shared cache until it changes."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from labo.auth import UserBackend, read_user
from labo.roles import ALL_ROLES, AMBASSADOR, FACILITATOR, MANAGEMENT
from tests import factories

pytestmark = pytest.mark.django_db

PEOPLE = reverse("labo:person-list")  # facilitators only


def _user_queries(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "auth_user"' in q["sql"]]
    return response.status_code, reads


@pytest.fixture
def alice() -> object:
    return factories.UserFactory(username="alice", roles=[FACILITATOR])


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def test_the_account_and_its_roles_are_read_in_one_query_then_kept(alice_client):
    first_status, first_reads = _user_queries(alice_client, PEOPLE)
    second_status, second_reads = _user_queries(alice_client, PEOPLE)

    assert (first_status, second_status) == (200, 200)
    assert len(first_reads) == 1 and "auth_group" in first_reads[0]  # roles in the same query
    assert second_reads == []


def test_roles_come_from_the_groups_and_a_superuser_holds_them_all():
    plain = factories.UserFactory(roles=[])
    both = factories.UserFactory(roles=[AMBASSADOR, MANAGEMENT])
    other_group = factories.UserFactory()
    other_group.groups.add(Group.objects.create(name="bénévoles"))
    root = factories.UserFactory(is_superuser=True)

    assert read_user(plain.pk)._labo_roles == frozenset()
    assert read_user(both.pk)._labo_roles == {AMBASSADOR, MANAGEMENT}
    assert read_user(other_group.pk)._labo_roles == frozenset()
    assert read_user(root.pk)._labo_roles == ALL_ROLES
    assert read_user(10**9) is None
    assert UserBackend().get_user("not a number") is None


def test_a_deactivated_account_is_refused_at_its_next_request(alice, alice_client):
    alice_client.get(PEOPLE)  # kept in the cache

    alice.is_active = False
    alice.save()
    response = alice_client.get(PEOPLE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("labo:login"))


def test_a_new_password_ends_the_other_sessions(alice, alice_client):
    alice_client.get(PEOPLE)

    alice.set_password("another-pass-456")
    alice.save()
    response = alice_client.get(PEOPLE)

    assert response.status_code == 302


def test_a_deleted_account_is_logged_out(alice, alice_client):
    alice_client.get(PEOPLE)

    alice.delete()

    assert alice_client.get(PEOPLE).status_code == 302


@pytest.mark.parametrize(
    "take_away",
    [
        lambda user, group: user.groups.remove(group),
        lambda user, group: user.groups.clear(),
        lambda user, group: group.user_set.remove(user),
        lambda user, group: group.user_set.clear(),
        lambda user, group: group.delete(),
    ],
    ids=["user.groups.remove", "user.groups.clear", "group.remove", "group.clear", "group.delete"],
)
def test_a_role_taken_away_counts_at_the_next_request(alice, alice_client, take_away):
    assert alice_client.get(PEOPLE).status_code == 200

    take_away(alice, Group.objects.get(name=FACILITATOR))

    assert alice_client.get(PEOPLE).status_code == 403


@pytest.mark.parametrize(
    "give",
    [
        lambda user, group: user.groups.add(group),
        lambda user, group: group.user_set.add(user),
    ],
    ids=["user.groups.add", "group.add"],
)
def test_a_role_given_counts_at_the_next_request(give):
    bob = factories.UserFactory(roles=[AMBASSADOR])
    client = Client()
    client.force_login(bob)
    assert client.get(PEOPLE).status_code == 403

    give(bob, Group.objects.get_or_create(name=FACILITATOR)[0])

    assert client.get(PEOPLE).status_code == 200


def test_a_renamed_group_counts_at_the_next_request(alice, alice_client):
    alice_client.get(PEOPLE)

    group = Group.objects.get(name=FACILITATOR)
    group.name = "anciens animateurs"
    group.save()

    assert alice_client.get(PEOPLE).status_code == 403


def test_logging_out_ends_the_session_for_every_worker(alice_client):
    """Sessions are read from the shared cache: logging out removes them there too."""
    session_key = alice_client.cookies["sessionid"].value
    alice_client.post(reverse("labo:logout"))

    replay = Client()
    replay.cookies["sessionid"] = session_key
    response = replay.get(PEOPLE)

    assert response.status_code == 302


def test_the_persons_id_is_kept_with_the_account_and_follows_a_move(alice):
    person = factories.PersonFactory(user=alice)
    kept = UserBackend().get_user(alice.pk)

    person.user = factories.UserFactory()
    person.save()
    after_move = UserBackend().get_user(alice.pk)

    assert kept.person_pk == person.pk
    assert after_move.person_pk is None
