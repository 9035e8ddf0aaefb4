"""Which account a provider's claims sign in, and the roles they give (no provider needed)."""

import pytest
from django.contrib.auth.models import Group, User

from labo.models import Person, SignInIdentity
from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT, roles_of
from labo.sso.accounts import apply_roles, parse_role_map, roles_from_claims, sign_in
from labo.sso.provider import SignInRefused
from tests import factories

ISSUER = "https://auth.example.gouv.fr"
ROLE_MAP = {
    "labo-animateurs": FACILITATOR,
    "labo-ambassadeurs": AMBASSADOR,
    "labo-direction": MANAGEMENT,
}


def _sign_in(**claims) -> User:
    return sign_in(issuer=ISSUER, claims=claims, roles_claim="groups", role_map=ROLE_MAP)


def test_parse_role_map_reads_value_and_role():
    mapping = parse_role_map(["labo-animateurs:facilitator", "cn=dir,ou=labo:management"])

    assert mapping == {"labo-animateurs": FACILITATOR, "cn=dir,ou=labo": MANAGEMENT}


@pytest.mark.parametrize("entry", ["labo-animateurs", "labo:admin", ":facilitator"])
def test_parse_role_map_refuses_unknown_role_or_missing_value(entry):
    with pytest.raises(ValueError, match="LABO_OIDC_ROLES"):
        parse_role_map([entry])


def test_roles_from_claims_maps_list_and_ignores_others():
    claims = {"groups": ["labo-animateurs", "compta", "labo-direction"]}

    roles = roles_from_claims(claims, claim="groups", role_map=ROLE_MAP)

    assert roles == frozenset({FACILITATOR, MANAGEMENT})


def test_roles_from_claims_reads_single_string():
    roles = roles_from_claims({"role": "labo-ambassadeurs"}, claim="role", role_map=ROLE_MAP)

    assert roles == frozenset({AMBASSADOR})


@pytest.mark.parametrize("claims", [{}, {"groups": None}, {"groups": {"a": 1}}, {"groups": [3]}])
def test_roles_from_claims_empty_when_claim_missing_or_odd(claims):
    assert roles_from_claims(claims, claim="groups", role_map=ROLE_MAP) == frozenset()


def test_roles_from_claims_empty_without_configured_claim():
    claims = {"groups": ["labo-animateurs"]}

    assert roles_from_claims(claims, claim="", role_map=ROLE_MAP) == frozenset()


@pytest.mark.django_db
def test_apply_roles_adds_and_removes_mapped_roles_only():
    user = factories.UserFactory(roles=[AMBASSADOR, MANAGEMENT])
    role_map = {"labo-animateurs": FACILITATOR, "labo-ambassadeurs": AMBASSADOR}

    apply_roles(user, granted=frozenset({FACILITATOR}), role_map=role_map)

    # management is not mapped: granted in Labo, left alone.
    assert set(user.groups.values_list("name", flat=True)) == {FACILITATOR, MANAGEMENT}


@pytest.mark.django_db
def test_sign_in_creates_account_and_person_without_role():
    user = _sign_in(
        sub="s1", email="Zoe.Martin@Example.gouv.fr", given_name="Zoé", usual_name="Martin"
    )

    person = Person.objects.get(user=user)
    assert (person.first_name, person.last_name, person.email) == (
        "Zoé",
        "Martin",
        "Zoe.Martin@Example.gouv.fr",
    )
    assert user.username == "zoe.martin@example.gouv.fr"
    assert roles_of(User.objects.get(pk=user.pk)) == frozenset()


@pytest.mark.django_db
def test_sign_in_creates_account_with_mapped_roles():
    user = _sign_in(sub="s1", email="a@example.gouv.fr", groups=["labo-direction"])

    assert roles_of(User.objects.get(pk=user.pk)) == frozenset({MANAGEMENT})


@pytest.mark.django_db
def test_sign_in_links_person_without_account_by_email_ignoring_case():
    person = factories.PersonFactory(email="Lea@Example.gouv.fr", first_name="Léa")

    user = _sign_in(sub="s1", email="lea@example.gouv.fr", given_name="Autre")

    person.refresh_from_db()
    assert person.user == user
    assert person.first_name == "Léa"
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_sign_in_links_person_account_and_keeps_its_password():
    account = factories.UserFactory(username="lea")
    factories.PersonFactory(email="lea@example.gouv.fr", user=account)

    user = _sign_in(sub="s1", email="LEA@example.gouv.fr")

    assert user == account
    assert user.has_usable_password() is True
    assert SignInIdentity.objects.get(user=user).subject == "s1"


@pytest.mark.django_db
def test_sign_in_finds_account_by_subject_after_email_changed():
    first = _sign_in(sub="s1", email="old@example.gouv.fr")

    again = _sign_in(sub="s1", email="new@example.gouv.fr")

    assert again == first
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_sign_in_refuses_account_linked_to_another_subject():
    _sign_in(sub="s1", email="lea@example.gouv.fr")

    with pytest.raises(SignInRefused, match="déjà relié"):
        _sign_in(sub="s2", email="lea@example.gouv.fr")
    assert SignInIdentity.objects.filter(subject="s2").count() == 0


@pytest.mark.django_db
def test_sign_in_refuses_email_of_several_people():
    factories.PersonFactory(email="dup@example.gouv.fr")
    factories.PersonFactory(email="DUP@example.gouv.fr")

    with pytest.raises(SignInRefused, match="Plusieurs personnes"):
        _sign_in(sub="s1", email="dup@example.gouv.fr")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_sign_in_refuses_unverified_email_before_linking():
    factories.PersonFactory(email="lea@example.gouv.fr")

    with pytest.raises(SignInRefused, match="pas confirmée"):
        _sign_in(sub="s1", email="lea@example.gouv.fr", email_verified=False)
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_sign_in_refuses_missing_email_and_creates_nothing():
    with pytest.raises(SignInRefused, match="ne donne pas"):
        _sign_in(sub="s1", email="")
    assert (User.objects.count(), Person.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_sign_in_refuses_deactivated_account():
    account = factories.UserFactory(is_active=False)
    factories.PersonFactory(email="gone@example.gouv.fr", user=account)

    with pytest.raises(SignInRefused, match="désactivé"):
        _sign_in(sub="s1", email="gone@example.gouv.fr")
    assert SignInIdentity.objects.count() == 0


@pytest.mark.django_db
def test_sign_in_applies_roles_at_each_login():
    _sign_in(sub="s1", email="a@example.gouv.fr", groups=["labo-animateurs"])

    user = _sign_in(sub="s1", email="a@example.gouv.fr", groups=["labo-ambassadeurs"])

    assert set(user.groups.values_list("name", flat=True)) == {AMBASSADOR}
    assert Group.objects.filter(name=FACILITATOR).exists()


@pytest.mark.django_db
def test_sign_in_new_username_avoids_taken_one():
    factories.UserFactory(username="a@example.gouv.fr", email="other@example.gouv.fr")

    user = _sign_in(sub="s1", email="a@example.gouv.fr")

    assert user.username == "a@example.gouv.fr-2"


def test_a_role_map_that_cannot_be_read_stops_the_start_up(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.LABO_OIDC_ROLES = ["labo-animateurs:facilitateur"]

    with pytest.raises(SystemCheckError, match=r"labo\.E010"):
        call_command("check")
