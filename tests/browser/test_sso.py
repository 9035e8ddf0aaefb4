"""Single sign-on in Chromium: the whole redirect flow against a real provider
(tests/oidc/provider.js), Labo served by the live server."""

import copy

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User

from labo.models import Person, SignInIdentity
from labo.roles import FACILITATOR, MANAGEMENT, roles_of
from labo.sso.provider import forget_discovery
from tests.oidc.server import CLIENT_ID, CLIENT_SECRET, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
ROLE_MAP = ["labo-animateurs:facilitator", "labo-direction:management"]


@pytest.fixture(scope="module")
def provider(live_server):
    with running_provider(live_server.url) as running:
        yield running


@pytest.fixture
def sso(settings, provider):
    settings.LABO_OIDC_ISSUER = provider.issuer
    settings.LABO_OIDC_PROVIDER_NAME = "ProConnect"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.LABO_OIDC_ROLES_CLAIM = "groups"
    settings.LABO_OIDC_ROLES = ROLE_MAP
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)  # as settings.py does for the issuer
    csp["DIRECTIVES"]["form-action"].append(provider.issuer)
    settings.CONTENT_SECURITY_POLICY = csp
    forget_discovery()
    yield provider
    forget_discovery()


def sign_in(page, live_server, login):
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Se connecter avec ProConnect").click()
    page.get_by_label("Login").fill(login)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_sign_in_links_person_by_email_and_maps_roles(page, live_server, lab, sso):
    animateur = User.objects.get(username="animateur")
    sso.set_accounts(
        {
            "c.animateur": {
                "email": animateur.person.email.upper(),
                "groups": ["labo-animateurs", "labo-direction", "compta"],
            }
        }
    )

    sign_in(page, live_server, "c.animateur")

    assert page.get_by_role("button", name="Se déconnecter (animateur)").is_visible()
    assert page.get_by_role("heading", name="Sessions à venir").is_visible()
    assert SignInIdentity.objects.get(subject="c.animateur").user == animateur
    assert roles_of(User.objects.get(pk=animateur.pk)) == frozenset({FACILITATOR, MANAGEMENT})
    assert page.goto(f"{live_server.url}/dashboard/").status == 200


def test_sign_in_new_agent_has_no_role(page, live_server, lab, sso):
    sso.set_accounts(
        {"nouvelle": {"email": "ines.nouvelle@example.gouv.fr", "name": "Inès Nouvelle"}}
    )

    sign_in(page, live_server, "nouvelle")

    person = Person.objects.get(email="ines.nouvelle@example.gouv.fr")
    assert (person.first_name, person.last_name) == ("Inès", "Nouvelle")
    assert roles_of(User.objects.get(pk=person.user_id)) == frozenset()
    response = page.goto(f"{live_server.url}/sessions/")
    assert response.status == 403


def test_logout_ends_session_at_provider(page, live_server, lab, sso):
    sso.set_accounts({"nouvelle": {"email": "ines.nouvelle@example.gouv.fr"}})
    sign_in(page, live_server, "nouvelle")
    # While signed in at the provider, a new sign-in to Labo asks nothing there.
    page.context.clear_cookies(domain="localhost")
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Se connecter avec ProConnect").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/login/")
    page.get_by_role("link", name="Se connecter avec ProConnect").click()

    assert page.get_by_label("Login").is_visible()
    assert page.url.startswith(f"{sso.issuer}/interaction/")


@pytest.mark.parametrize("width", [360, 1366])
def test_login_page_with_provider_is_accessible(page, live_server, lab, sso, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/login/")
    button = page.get_by_role("link", name="Se connecter avec ProConnect")

    for _tab in range(10):  # the skip link and the header come first
        page.keyboard.press("Tab")
        if button.evaluate("el => el === document.activeElement"):
            break
    assert button.evaluate("el => el === document.activeElement")

    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
    assert button.bounding_box()["x"] + button.bounding_box()["width"] <= width
