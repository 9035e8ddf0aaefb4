"""The redirect flow against a real provider (tests/oidc/provider.js), through Django's
client: who gets in, and every refusal ending on the login page in French."""

import pytest
import requests
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from labo.models import Person, SignInIdentity
from labo.roles import FACILITATOR, MANAGEMENT, roles_of
from labo.sso.backend import OIDCBackend
from labo.sso.provider import forget_discovery
from tests import factories
from tests.oidc.server import (
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    SIGNED_CLIENT_ID,
    SIGNED_CLIENT_SECRET,
    sign_in_at_provider,
)

pytestmark = pytest.mark.django_db

LOGIN = reverse("labo:login")
LABO = "http://testserver"


def _at_provider(client: Client, login: str) -> str:
    start = client.get(reverse("labo:oidc-login"))
    assert start.status_code == 302
    return sign_in_at_provider(start["Location"], login, until=LABO).removeprefix(LABO)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_sign_in_new_agent_gets_in_without_role(sso):
    sso.set_accounts(
        {"zoe": {"email": "zoe@example.gouv.fr", "given_name": "Zoé", "family_name": "Martin"}}
    )
    client = Client()

    response = client.get(_at_provider(client, "zoe"))

    assert response.status_code == 302
    assert response["Location"] == reverse("labo:home")
    user = User.objects.get(email="zoe@example.gouv.fr")
    assert (user.person.first_name, user.person.last_name) == ("Zoé", "Martin")
    assert roles_of(user) == frozenset()
    assert user.has_usable_password() is False
    assert SignInIdentity.objects.get(user=user).subject == "zoe"


def test_sign_in_reads_signed_userinfo(sso, settings, monkeypatch):
    checked = []
    verify = OIDCBackend._verify_jws
    monkeypatch.setattr(
        OIDCBackend, "_verify_jws", lambda self, *a: checked.append(1) or verify(self, *a)
    )
    settings.OIDC_RP_CLIENT_ID = SIGNED_CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = SIGNED_CLIENT_SECRET
    sso.set_accounts(
        {
            "zoe": {
                "email": "zoe@example.gouv.fr",
                "usual_name": "Martin",
                "groups": ["labo-direction"],
            }
        }
    )
    client = Client()

    response = client.get(_at_provider(client, "zoe"))

    assert response["Location"] == reverse("labo:home")
    user = User.objects.get(email="zoe@example.gouv.fr")
    assert user.person.last_name == "Martin"
    assert roles_of(user) == frozenset({MANAGEMENT})
    assert len(checked) == 2  # the ID token, then the userinfo answer


def test_sign_in_links_existing_person_by_email_ignoring_case(sso):
    person = factories.PersonFactory(
        email="Lea.Dupont@Example.gouv.fr", user=factories.UserFactory()
    )
    sso.set_accounts(
        {"lea": {"email": "lea.dupont@example.gouv.fr", "groups": ["labo-animateurs"]}}
    )
    client = Client()

    client.get(_at_provider(client, "lea"))
    home = client.get(reverse("labo:home"))

    assert home.status_code == 200
    assert home.wsgi_request.user == person.user
    assert roles_of(User.objects.get(pk=person.user_id)) == frozenset({FACILITATOR})


def test_sign_in_refused_for_account_linked_to_another_subject(sso):
    user = factories.UserFactory()
    factories.PersonFactory(email="paul@example.gouv.fr", user=user)
    SignInIdentity.objects.create(user=user, issuer=sso.issuer, subject="paul-before")
    sso.set_accounts({"paul": {"email": "paul@example.gouv.fr"}})
    client = Client()

    response = client.get(_at_provider(client, "paul"))

    assert response["Location"] == LOGIN
    assert _messages(response) == [
        "Le compte Labo de paul@example.gouv.fr est déjà relié à un autre compte du service "
        "de connexion. Demandez à un animateur de le vérifier."
    ]
    assert client.get(reverse("labo:home")).status_code == 302


def test_sign_in_refused_without_email(sso):
    sso.set_accounts({"noemail": {"given_name": "Sans"}})
    client = Client()

    response = client.get(_at_provider(client, "noemail"))

    assert response["Location"] == LOGIN
    assert _messages(response)[0].startswith("Le service de connexion ne donne pas d'adresse")
    assert not Person.objects.filter(first_name="Sans").exists()


def test_callback_refused_with_tampered_state(sso):
    sso.set_accounts({"zoe": {"email": "zoe@example.gouv.fr"}})
    client = Client()
    callback = _at_provider(client, "zoe")

    response = client.get(callback.replace("state=", "state=x"))

    assert response["Location"] == LOGIN
    assert _messages(response) == [
        "Cette connexion ne correspond pas à ce navigateur (elle a déjà servi, ou elle a été "
        "commencée ailleurs). Connectez-vous à nouveau."
    ]
    assert not User.objects.filter(email="zoe@example.gouv.fr").exists()


def test_callback_refused_when_used_twice(sso):
    sso.set_accounts({"zoe": {"email": "zoe@example.gouv.fr"}})
    client = Client()
    callback = _at_provider(client, "zoe")
    client.get(callback)
    client.post(reverse("labo:logout"))

    response = client.get(callback)

    assert response["Location"] == LOGIN
    assert _messages(response)[0].startswith("Cette connexion ne correspond pas")


def test_callback_refused_when_token_is_expired(sso):
    sso.set_accounts({"zoe": {"email": "zoe@example.gouv.fr"}})
    client = Client()
    callback = _at_provider(client, "zoe")
    sso.set_clock(-2 * 3600)  # the provider's clock two hours behind: its ID token expired

    response = client.get(callback)

    assert response["Location"] == LOGIN
    assert _messages(response)[0].startswith("La connexion a expiré avant d'arriver à Labo")
    assert not User.objects.filter(email="zoe@example.gouv.fr").exists()


def test_callback_refused_when_token_is_for_another_client(sso, monkeypatch):
    sso.set_accounts({"zoe": {"email": "zoe@example.gouv.fr"}})
    client = Client()
    start = client.get(reverse("labo:oidc-login"))
    # The sign-in is made for another application of the administration, and its real token
    # (signed by the provider, for "other-app") reaches Labo's callback in place of Labo's.
    authorize = start["Location"].replace("client_id=labo&", f"client_id={OTHER_CLIENT_ID}&")
    callback = sign_in_at_provider(authorize, "zoe", until=LABO).removeprefix(LABO)

    def token_of_other_app(self, payload):
        payload = {**payload, "client_id": OTHER_CLIENT_ID, "client_secret": OTHER_CLIENT_SECRET}
        return requests.post(self.OIDC_OP_TOKEN_ENDPOINT, data=payload, timeout=10).json()

    monkeypatch.setattr(OIDCBackend, "get_token", token_of_other_app)

    response = client.get(callback)

    assert response["Location"] == LOGIN
    assert _messages(response) == [
        "Cette connexion n'a pas été délivrée pour Labo : elle est refusée. Connectez-vous à "
        "nouveau."
    ]
    assert not User.objects.filter(email="zoe@example.gouv.fr").exists()


def test_callback_refused_when_code_was_given_to_another_client(sso):
    sso.set_accounts({"zoe": {"email": "zoe@example.gouv.fr"}})
    client = Client()
    start = client.get(reverse("labo:oidc-login"))
    authorize = start["Location"].replace("client_id=labo&", f"client_id={OTHER_CLIENT_ID}&")
    callback = sign_in_at_provider(authorize, "zoe", until=LABO).removeprefix(LABO)

    response = client.get(callback)

    assert response["Location"] == LOGIN
    assert _messages(response) == [
        "Le service de connexion a refusé cette connexion. Connectez-vous à nouveau."
    ]


def test_start_refused_when_provider_is_down(sso, settings):
    settings.LABO_OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    forget_discovery()
    client = Client()

    response = client.get(reverse("labo:oidc-login"))

    assert response["Location"] == LOGIN
    assert (
        _messages(response)[0]
        == "Le service de connexion ne répond pas. Réessayez dans quelques minutes."
    )


def test_callback_with_provider_error_refused(sso):
    client = Client()
    client.get(reverse("labo:oidc-login"))

    response = client.get(reverse("labo:oidc-callback") + "?error=access_denied&state=x")

    assert response["Location"] == LOGIN
    assert _messages(response)[0].startswith("La connexion a été annulée ou refusée")


def test_logout_ends_session_at_provider(sso):
    sso.set_accounts({"zoe": {"email": "zoe@example.gouv.fr"}})
    client = Client()
    client.get(_at_provider(client, "zoe"))
    id_token = client.session["oidc_id_token"]

    response = client.post(reverse("labo:logout"))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{sso.issuer}/session/end?id_token_hint={id_token}&")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Flogin%2F" in response["Location"]
    assert client.get(reverse("labo:home")).status_code == 302


def test_oidc_urls_not_found_when_sso_off(settings):
    settings.LABO_OIDC_ISSUER = ""

    assert Client().get(reverse("labo:oidc-login")).status_code == 404
    assert Client().get(reverse("labo:oidc-callback")).status_code == 404


def test_login_page_offers_provider_before_password_form(sso):
    page = Client().get(LOGIN).content.decode()

    button = page.index("Se connecter avec votre compte de l’administration")
    assert page.index('href="/oidc/login/"') < button < page.index('name="password"')
    assert "autofocus" not in page  # the keyboard starts at the button, not past it


def test_login_page_names_configured_provider_and_keeps_next(sso, settings):
    settings.LABO_OIDC_PROVIDER_NAME = "ProConnect"

    page = Client().get(LOGIN + "?next=/people/").content.decode()

    assert 'href="/oidc/login/?next=/people/">Se connecter avec ProConnect</a>' in page


def test_login_page_without_sso_shows_password_form_only(settings):
    settings.LABO_OIDC_ISSUER = ""

    page = Client().get(LOGIN).content.decode()

    assert "/oidc/login/" not in page
    assert 'name="password"' in page
    assert "autofocus" in page


def test_login_page_without_password_login_shows_provider_only(sso, settings):
    settings.LABO_PASSWORD_LOGIN = False

    page = Client().get(LOGIN).content.decode()

    assert 'href="/oidc/login/"' in page
    assert 'name="password"' not in page


def test_password_post_refused_when_password_login_off(sso, settings):
    settings.LABO_PASSWORD_LOGIN = False
    factories.UserFactory(username="lea", password="un-mot-de-passe-solide")
    client = Client()

    response = client.post(LOGIN, {"username": "lea", "password": "un-mot-de-passe-solide"})

    assert response.status_code == 403
    assert _messages(response) == [
        "La connexion par mot de passe est désactivée : connectez-vous avec votre compte de "
        "l'administration."
    ]
    assert client.get(reverse("labo:home")).status_code == 302


def test_admin_password_post_refused_when_password_login_off(sso, settings):
    settings.LABO_PASSWORD_LOGIN = False
    factories.UserFactory(
        username="root", password="un-mot-de-passe-solide", is_staff=True, is_superuser=True
    )
    client = Client()

    response = client.post(
        reverse("admin:login"), {"username": "root", "password": "un-mot-de-passe-solide"}
    )

    assert response.status_code == 403
    assert _messages(response)[0].startswith("La connexion par mot de passe est désactivée")
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_login_sends_to_login_page_when_password_login_off(sso, settings):
    settings.LABO_PASSWORD_LOGIN = False

    response = Client().get(reverse("admin:login") + "?next=/admin/labo/person/")

    assert response["Location"] == "/login/?next=/admin/labo/person/"


def test_admin_password_login_works_when_password_login_on(sso):
    factories.UserFactory(
        username="root", password="un-mot-de-passe-solide", is_staff=True, is_superuser=True
    )
    client = Client()

    client.post(reverse("admin:login"), {"username": "root", "password": "un-mot-de-passe-solide"})

    assert client.get(reverse("admin:index")).status_code == 200


def test_password_login_fetches_no_discovery_document(sso, settings, monkeypatch):
    settings.LABO_OIDC_ISSUER = "http://127.0.0.1:9"  # down: a fetch would refuse the login
    forget_discovery()
    fetched = []
    monkeypatch.setattr("labo.sso.provider.requests.get", lambda *a, **k: fetched.append(a))
    factories.UserFactory(username="lea", password="un-mot-de-passe-solide")
    client = Client()

    response = client.post(LOGIN, {"username": "lea", "password": "un-mot-de-passe-solide"})

    assert response["Location"] == reverse("labo:home")
    assert fetched == []


def test_discovery_document_fetched_once_then_kept(sso, monkeypatch):
    real_get = requests.get
    fetched = []

    def counting_get(url, **kwargs):
        fetched.append(url)
        return real_get(url, **kwargs)

    monkeypatch.setattr("labo.sso.provider.requests.get", counting_get)

    Client().get(reverse("labo:oidc-login"))
    Client().get(reverse("labo:oidc-login"))

    assert fetched == [f"{sso.issuer}/.well-known/openid-configuration"]
