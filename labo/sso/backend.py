"""mozilla-django-oidc's backend, with the endpoints of the discovery document, the ID
token checked whole (the library checks its signature and nonce only), and the account
linked and given its roles by labo.sso.accounts."""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from labo.auth import UserBackend
from labo.sso.accounts import parse_role_map, sign_in
from labo.sso.provider import SignInRefused, enabled, endpoint, unavailable

logger = logging.getLogger(__name__)


def _not_checked() -> SignInRefused:
    return SignInRefused(
        _("The answer of the sign-in service could not be checked. Sign in again.")
    )


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in from the provider's callback only; does nothing while single sign-on is off."""

    # Read when used, not when Django builds the backend (at every password login too):
    # the discovery document is fetched only by a single sign-on.
    def __init__(self, *args, **kwargs) -> None:
        self.UserModel = User

    # The library's attribute names, read when used: the endpoints from the discovery
    # document, the client from the settings as they are now.
    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return endpoint("token_endpoint")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:
        return endpoint("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return endpoint("jwks_uri")

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:
        return settings.OIDC_RP_SIGN_ALGO

    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "code" not in request.GET:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as exc:
            logger.warning("single sign-on: the provider refused: %s", exc)
            raise SignInRefused(
                _("The sign-in service refused this sign-in. Sign in again.")
            ) from exc
        except requests.RequestException as exc:
            raise unavailable() from exc
        except (SuspiciousOperation, jwt.InvalidTokenError, KeyError) as exc:
            logger.warning("single sign-on: unchecked answer: %s", exc)
            raise _not_checked() from exc

    def _verify_jws(self, payload, key):
        """The signature, and what the library leaves out: the token is for this client,
        from this issuer, and current (with LABO_OIDC_LEEWAY_SECONDS for clocks apart)."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise _not_checked()
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.LABO_OIDC_ISSUER,
                leeway=settings.LABO_OIDC_LEEWAY_SECONDS,
                # A signed userinfo answer carries iss and aud, not always its dates (OIDC
                # Core §5.3.2); an ID token carries them all (§2).
                options={
                    "require": ["aud", "iss", "sub"] + ([] if self._userinfo else ["exp", "iat"])
                },
            )
        except jwt.ExpiredSignatureError as exc:
            raise SignInRefused(
                _(
                    "The sign-in has expired before reaching Labo (the clocks of the sign-in "
                    "service and of Labo may differ). Sign in again."
                )
            ) from exc
        except (jwt.InvalidAudienceError, jwt.InvalidIssuerError) as exc:
            raise SignInRefused(
                _("This sign-in was not issued for Labo: it is refused. Sign in again.")
            ) from exc
        except jwt.InvalidTokenError as exc:
            logger.warning("single sign-on: invalid ID token: %s", exc)
            raise _not_checked() from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SignInRefused(
                _("This sign-in was not issued for Labo: it is refused. Sign in again.")
            )
        return claims

    _userinfo = False

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo answer, JSON or signed (ProConnect signs it)."""
        self._userinfo = True
        try:
            return super().get_userinfo(access_token, id_token, payload)
        finally:
            self._userinfo = False

    def get_or_create_user(self, access_token, id_token, payload: dict[str, Any]):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):  # OpenID Connect Core §5.3.2
            raise _not_checked()
        # The ID token's claims under the userinfo's: Entra ID gives the roles in the ID token
        # only, ProConnect the names in the userinfo only.
        return sign_in(
            issuer=settings.LABO_OIDC_ISSUER,
            claims={**payload, **userinfo},
            roles_claim=settings.LABO_OIDC_ROLES_CLAIM,
            role_map=parse_role_map(settings.LABO_OIDC_ROLES),
        )

    def get_user(self, user_id):
        return UserBackend().get_user(user_id)
