import rules

from labo.roles import ALL_ROLES, roles_of
from tests import factories


def test_a_facilitator_sees_anyone_and_an_ambassador_only_themselves(world):
    other = factories.PersonFactory()
    me = world.member.person

    assert rules.test_rule("labo.view_person", world.facilitator, other) is True
    assert rules.test_rule("labo.view_person", world.member, me) is True
    assert rules.test_rule("labo.view_person", world.member, other) is False


def test_a_superuser_holds_every_role(world):
    assert roles_of(world.admin) == ALL_ROLES


def test_roles_ignore_groups_that_are_not_roles(db):
    user = factories.UserFactory(roles=["bookclub", "ambassador"])

    assert roles_of(user) == {"ambassador"}
