"""The provider: on or off, its discovery document, and why a sign-in was refused."""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _

_discovered: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


class SignInRefused(Exception):
    """A sign-in that ends on the login page with this (French) message, never a 500.

    Not a PermissionDenied: django.contrib.auth.authenticate would swallow it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def enabled() -> bool:
    return bool(settings.LABO_OIDC_ISSUER)


def provider_name() -> str:
    return settings.LABO_OIDC_PROVIDER_NAME or _("your administration account")


def unavailable() -> SignInRefused:
    return SignInRefused(_("The sign-in service does not answer. Try again in a few minutes."))


def discovery() -> dict[str, Any]:
    """The issuer's discovery document, fetched on first need and kept
    LABO_OIDC_DISCOVERY_SECONDS (one fetch per process and period, never at import)."""
    issuer = settings.LABO_OIDC_ISSUER
    now = time.monotonic()
    with _lock:
        cached = _discovered.get(issuer)
        if cached and now - cached[0] < settings.LABO_OIDC_DISCOVERY_SECONDS:
            return cached[1]
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise unavailable() from exc
    # A document for another issuer is a misconfiguration or a substitution (RFC 8414 §3.3).
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer:
        raise unavailable()
    with _lock:
        _discovered[issuer] = (now, document)
    return document


def endpoint(name: str) -> str:
    """One endpoint of the discovery document ("authorization_endpoint", "jwks_uri"...)."""
    value = discovery().get(name)
    if not value:
        raise unavailable()
    return str(value)


def forget_discovery() -> None:
    """Fetch the document again at its next need (tests, a provider that moved)."""
    with _lock:
        _discovered.clear()
