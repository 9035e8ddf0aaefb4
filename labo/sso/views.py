"""The login page, the provider's redirect flow (mozilla-django-oidc's views) and the logout."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from labo.auth import LoginForm
from labo.sso.provider import SignInRefused, discovery, enabled, endpoint, provider_name

# The session holds the account through this backend (the visitor read with their roles,
# cached), whichever way they signed in.
SESSION_BACKEND = "labo.auth.UserBackend"


def _login_context() -> dict[str, object]:
    return {
        "sso": enabled(),
        "sso_name": provider_name(),
        "password_login": settings.LABO_PASSWORD_LOGIN,
    }


def _password_refused(request: HttpRequest) -> HttpResponse:
    messages.error(
        request,
        _("Logging in with a password is turned off: sign in with %(provider)s.")
        % {"provider": provider_name()},
    )
    context = {**_login_context(), "next": request.GET.get("next", "")}
    return render(request, "registration/login.html", context, status=403)


def login(request: HttpRequest) -> HttpResponseBase:
    """The provider's button first (when on), then the password form (when on)."""
    if settings.LABO_PASSWORD_LOGIN:
        return LoginView.as_view(
            redirect_authenticated_user=True,
            authentication_form=LoginForm,
            extra_context=_login_context(),
        )(request)
    if request.method == "POST":
        return _password_refused(request)
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    context = {**_login_context(), "next": request.GET.get("next", "")}
    return render(request, "registration/login.html", context)


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin's login: Django's, or the lab's login page when passwords are off."""
    if settings.LABO_PASSWORD_LOGIN:
        return admin.AdminSite.login(admin.site, request, extra_context)
    if request.method == "POST":
        return _password_refused(request)
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), resolve_url(settings.LOGIN_URL)
    )


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect(settings.LOGIN_URL)


class OIDCStart(OIDCAuthenticationRequestView):
    """To the provider's sign-in page, its address read from the discovery document."""

    def __init__(self, *args, **kwargs) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("authorization_endpoint")
        except SignInRefused as exc:
            return _refused(request, exc.message)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OIDCCallback(OIDCAuthenticationCallbackView):
    """Back from the provider: signed in, or on the login page with why not, in French."""

    def get(self, request):
        if not enabled():
            raise Http404
        state = request.GET.get("state")
        if request.GET.get("error"):
            super().get(request)  # forgets the state
            return _refused(
                request,
                _("The sign-in was cancelled or refused at the sign-in service. Sign in again."),
            )
        if not state or state not in request.session.get("oidc_states", {}):
            return _refused(
                request,
                _(
                    "This sign-in could not be matched to this browser (it was already used, "
                    "or it was started elsewhere). Sign in again."
                ),
            )
        try:
            response = super().get(request)
        except SignInRefused as exc:
            return _refused(request, exc.message)
        if not request.user.is_authenticated:
            return _refused(request, _("The sign-in could not be completed. Sign in again."))
        return response

    def login_success(self):
        auth_login(self.request, self.user, backend=SESSION_BACKEND)
        return HttpResponseRedirect(self.success_url)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Out of Labo, then out of the provider when signed in there (RP-initiated logout)."""
    id_token = request.session.get("oidc_id_token")
    auth_logout(request)
    if id_token and enabled():
        try:
            end_session = discovery().get("end_session_endpoint")
        except SignInRefused:
            end_session = None  # the provider is down: out of Labo at least
        if end_session:
            query = urlencode(
                {
                    "id_token_hint": id_token,
                    "post_logout_redirect_uri": request.build_absolute_uri(reverse("labo:login")),
                    "client_id": settings.OIDC_RP_CLIENT_ID,
                }
            )
            return HttpResponseRedirect(f"{end_session}?{query}")
    return redirect(settings.LOGOUT_REDIRECT_URL)
