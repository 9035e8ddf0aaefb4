import pytest

from labo.sso.provider import forget_discovery
from tests.oidc.server import CLIENT_ID, CLIENT_SECRET, running_provider

ROLE_MAP = [
    "labo-animateurs:facilitator",
    "labo-ambassadeurs:ambassador",
    "labo-direction:management",
]


@pytest.fixture(scope="module")
def provider():
    with running_provider("http://testserver") as running:
        yield running


@pytest.fixture
def sso(settings, provider):
    """Labo configured for the test provider, as by its environment."""
    settings.LABO_OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.LABO_OIDC_ROLES_CLAIM = "groups"
    settings.LABO_OIDC_ROLES = ROLE_MAP
    settings.LABO_OIDC_LEEWAY_SECONDS = 60
    forget_discovery()
    provider.set_clock(0)
    yield provider
    provider.set_clock(0)
    forget_discovery()
