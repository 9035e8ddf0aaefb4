"""The backend's own part: what it reads of the provider's answers (no provider needed)."""

import pytest

from labo.roles import MANAGEMENT, roles_of
from labo.sso.backend import OIDCBackend
from labo.sso.provider import SignInRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend(settings, monkeypatch):
    settings.LABO_OIDC_ISSUER = "https://auth.example.gouv.fr"
    settings.LABO_OIDC_ROLES_CLAIM = "roles"
    settings.LABO_OIDC_ROLES = ["labo-direction:management"]
    return OIDCBackend()


def test_claims_of_id_token_and_userinfo_read_together(backend, monkeypatch):
    userinfo = {"sub": "s1", "email": "a@example.gouv.fr", "given_name": "Ana"}
    monkeypatch.setattr(OIDCBackend, "get_userinfo", lambda self, *a: userinfo)
    id_token = {"sub": "s1", "roles": ["labo-direction"], "email": "old@example.gouv.fr"}

    user = backend.get_or_create_user("access", "id", id_token)

    assert (user.email, user.person.first_name) == ("a@example.gouv.fr", "Ana")
    assert roles_of(user) == frozenset({MANAGEMENT})


def test_userinfo_of_another_subject_refused(backend, monkeypatch):
    userinfo = {"sub": "s2", "email": "a@example.gouv.fr"}
    monkeypatch.setattr(OIDCBackend, "get_userinfo", lambda self, *a: userinfo)

    with pytest.raises(SignInRefused, match="pas pu être vérifiée"):
        backend.get_or_create_user("access", "id", {"sub": "s1"})


def test_backend_ignores_requests_without_code(backend, rf):
    assert backend.authenticate(rf.get("/oidc/callback/"), username="a", password="b") is None
