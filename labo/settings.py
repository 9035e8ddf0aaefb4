"""Labo settings: one file, configured by environment variables with working defaults."""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from labo.lib.observability import init_sentry, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
VAR_DIR = Path(env_str("LABO_VAR_DIR", str(BASE_DIR / "var")))
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
# Fail closed: signed guest links, calendar feeds and sessions are only as strong as the key.
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise RuntimeError(
        "SECRET_KEY is too weak for production: give at least 50 random characters, not the "
        "development key (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "auditlog",
    "labo",
    "sessions.apps.SessionsConfig",
    "ateliers",
    "commandes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "labo.lib.http.ResponseHeadersMiddleware",  # sees every response, errors included
    "labo.lib.typography.FrenchTypographyMiddleware",  # every page drawn, errors included
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "labo.limits.RequestSizeLimitMiddleware",  # before anything reads the body
    "labo.lib.http.CleanInputMiddleware",  # before any form or view reads the input
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "auditlog.middleware.AuditlogMiddleware",  # who made each change
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "labo.views.MethodNotAllowedPageMiddleware",  # after htmx: an htmx 405 stays bare
    "labo.access.AccessPolicyMiddleware",
    "labo.limits.RateLimitMiddleware",  # after the policy: counts only who may reach the URL
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "labo.urls"
WSGI_APPLICATION = "labo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "labo.context_processors.roles",
            ],
        },
    },
]

# Widgets render with the project's template engine, so templates/django/forms/ can override.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if not os.environ.get("DATABASE_URL"):
    # The default SQLite file lives in var/, absent from a fresh clone: `manage.py migrate`
    # must work there without `make`.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'labo.sqlite3'}"),
        # Reuse a worker's connection for a minute (checked before reuse): opening one per
        # request costs PostgreSQL more than most pages' queries.
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Every select of a form reads its choices through QuerySet.iterator(), which on
    # PostgreSQL opens a cursor on the server (three more round trips each); nothing here
    # reads more rows than fit in memory at once.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # A pool of connections per process (psycopg_pool), off by default: under an ASGI
    # server each request runs in a thread of its own, and a room of phones answering at
    # once would open as many connections as requests (docs/benchmarks.md, live room).
    if env_int("DB_POOL_MAX_SIZE", 0) > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them instead
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # the pool checks them
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN_SIZE", 2),
            "max_size": env_int("DB_POOL_MAX_SIZE", 0),
            "timeout": env_int("DB_POOL_TIMEOUT", 20),
        }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a writer instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SERIALIZATION_MODULES = {"labo_json": "labo.lib.serializers"}  # the lab archive (labo/archive.py)

# Two caches. "default" is each worker's memory: the planner's pages, days and blocks, kept
# under the version of what they show, so a stale copy is never served (not under the
# templates' version: keep it per process, a new deploy starts empty). "shared" is seen by every
# worker of the machine (files, readable by this account only): the sessions and each
# visitor's account for a minute (labo/auth.py), removed there as soon as they change. With
# more than one machine, point "shared" at one Redis or Memcached for all of them.
SHARED_CACHE = "shared"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5_000},
    },
    SHARED_CACHE: {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("SHARED_CACHE_DIR", str(VAR_DIR / "cache")),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}
# The cache shared by every process (sessions, rate limits, the live room's presence, the
# planner's HTML) in Redis when REDIS_URL is set (Django's own Redis backend): a folder of
# files lists itself at every write past a few thousand entries, and lives on one machine.
if os.environ.get("REDIS_URL"):
    CACHES[SHARED_CACHE] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": env_str("REDIS_KEY_PREFIX", "labo"),
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # read from "shared"
SESSION_CACHE_ALIAS = SHARED_CACHE

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the others
    "labo.auth.LoginDelayBackend",  # then an account that must still wait (labo/auth.py)
    "rules.permissions.ObjectPermissionBackend",
    "labo.auth.UserBackend",  # ModelBackend reading the user with their roles, kept a minute
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "labo:login"
LOGIN_REDIRECT_URL = "labo:home"
LOGOUT_REDIRECT_URL = "labo:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development, serve static files straight from the finders (no collectstatic needed).
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# Mail: printed on the console until EMAIL_HOST names an SMTP server (then sent through it).
# EMAIL_USE_TLS is STARTTLS (port 587), EMAIL_USE_SSL implicit TLS (port 465): one or none.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise RuntimeError("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL (implicit TLS), not both.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)  # seconds: a server that hangs is a server down
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "labo@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# A send that fails (server down, refusing) is tried again after each of these delays
# (seconds), then given up: nothing is marked sent and the user is told.
LABO_MAIL_RETRY_DELAYS = [float(d) for d in env_list("LABO_MAIL_RETRY_DELAYS", ["1", "4"])]
# The address of the site, for links in e-mails (no trailing slash).
LABO_SITE_URL = env_str("LABO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# In process by default; production sets TASKS_BACKEND=django_tasks_db.DatabaseBackend and
# runs `manage.py db_worker` beside the web server.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# Brute force on the login (labo/auth.py): an address that failed AXES_FAILURE_LIMIT times,
# whatever the usernames, waits AXES_COOLOFF_MINUTES; each account's own failures only bring
# short, growing delays, so nobody else's mistakes lock its owner out. The address is the
# visitor's (LABO_TRUSTED_PROXIES), never a reverse proxy's shared one.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_LOCKOUT_CALLABLE = "labo.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "labo.lib.http.client_address"
# A success from the address must not wipe its failures (an attacker with an account would).
AXES_RESET_ON_SUCCESS = False

# Uploads: the HR list and, later, photos. Larger bodies are refused before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
# No request body may announce more than this (the largest photo plus its form).
LABO_MAX_REQUEST_BYTES = env_int("LABO_MAX_REQUEST_BYTES", 20 * 1024 * 1024)
LABO_IMPORT_MAX_BYTES = env_int("LABO_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
LABO_IMPORT_MAX_ROWS = env_int("LABO_IMPORT_MAX_ROWS", 5000)
# A person who joined fewer days ago than this is shown as a newcomer with onboarding steps.
LABO_NEWCOMER_DAYS = env_int("LABO_NEWCOMER_DAYS", 180)
# Aggregates over fewer people than this are masked (grade is HR data).
LABO_MIN_GROUP_SIZE = env_int("LABO_MIN_GROUP_SIZE", 5)
# A synthesis holds at most this many photos (each is drawn at print size).
LABO_SYNTHESIS_MAX_PHOTOS = env_int("LABO_SYNTHESIS_MAX_PHOTOS", 60)
# The planner keeps its HTML drawn (sessions/planner_cache.py); off only to measure without it.
LABO_PLANNER_CACHE = env_bool("LABO_PLANNER_CACHE", True)
# Endpoints reached without an account (labo/limits.py RATE_LIMITS): requests a minute per
# visitor's address (a whole room may share one) and posts a minute per guest.
LABO_GUEST_REQUESTS_PER_MINUTE = env_int("LABO_GUEST_REQUESTS_PER_MINUTE", 300)
LABO_GUEST_POSTS_PER_MINUTE = env_int("LABO_GUEST_POSTS_PER_MINUTE", 12)
LABO_FEED_REQUESTS_PER_MINUTE = env_int("LABO_FEED_REQUESTS_PER_MINUTE", 60)
# A live room (ateliers/live): a room of 80 behind one address answers many times a minute;
# each device (guest cookie or account) is held to its own limit.
LABO_LIVE_REQUESTS_PER_MINUTE = env_int("LABO_LIVE_REQUESTS_PER_MINUTE", 6000)
LABO_LIVE_POSTS_PER_MINUTE = env_int("LABO_LIVE_POSTS_PER_MINUTE", 60)
# A live room closes at the end of its workshop's block today, else this many hours after
# it opened.
LABO_LIVE_HOURS = env_int("LABO_LIVE_HOURS", 4)
# A deleted photo can be brought back for this long; then its files are removed
# (ateliers.services.purge_deleted_photos, `manage.py purge_deleted_photos` from cron).
LABO_PHOTO_UNDO_HOURS = env_int("LABO_PHOTO_UNDO_HOURS", 24)
# A submission's key answers its repeats for this long (labo/idempotency.py): an outbox
# that comes back online later than that sends it as new.
LABO_SUBMISSION_KEY_DAYS = env_int("LABO_SUBMISSION_KEY_DAYS", 7)
# A waiting or running document not heard from for this long is taken as failed (its worker
# died) and can be asked again (labo/documents.py).
LABO_DOCUMENT_LEASE_SECONDS = env_int("LABO_DOCUMENT_LEASE_SECONDS", 600)
# A team member already in this many active commandes is flagged when a team is built.
LABO_MAX_ACTIVE_COMMANDES = env_int("LABO_MAX_ACTIVE_COMMANDES", 2)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Off only for load tests over plain HTTP on loopback (SECURE_COOKIES=0).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Browser features no page uses are turned off for every response (labo.lib.http).
LABO_PERMISSIONS_POLICY = env_str(
    "LABO_PERMISSIONS_POLICY",
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()",
)
# How many reverse proxies stand in front of Labo (0: none). Only then is X-Forwarded-For
# read, from the right, to find the visitor's address (login cool-off, guest rate limits).
LABO_TRUSTED_PROXIES = env_int("LABO_TRUSTED_PROXIES", 0)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# Logs to the console (systemd's journal); LOG_FORMAT=json writes one JSON object a line.
LOGGING = logging_config(
    log_format=env_str("LOG_FORMAT", "text"), level=env_str("LOG_LEVEL", "WARNING")
)
# Errors to Sentry when SENTRY_DSN is set (the optional extra labo[sentry]).
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    init_sentry(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# --- Single sign-on (OpenID Connect, labo/sso/, docs/deploy.md) ------------------------------
# Off until LABO_OIDC_ISSUER names the provider (e.g. https://auth.agentconnect.gouv.fr/api/v2):
# its endpoints are read from its discovery document (<issuer>/.well-known/openid-configuration)
# when first needed, then kept LABO_OIDC_DISCOVERY_SECONDS. mozilla-django-oidc does the
# redirect flow; labo/sso/ supplies the endpoints, checks the ID token's issuer, audience and
# dates, links the account and maps the roles.
LABO_OIDC_ISSUER = env_str("LABO_OIDC_ISSUER", "").rstrip("/")
LABO_OIDC_PROVIDER_NAME = env_str("LABO_OIDC_PROVIDER_NAME", "")  # "" : a neutral label
LABO_OIDC_DISCOVERY_SECONDS = env_int("LABO_OIDC_DISCOVERY_SECONDS", 3600)
LABO_OIDC_LEEWAY_SECONDS = env_int("LABO_OIDC_LEEWAY_SECONDS", 60)  # clocks a little apart
# The claim listing the agent's groups at the provider, and which of them give which role
# ("value:role", role one of facilitator, ambassador, management). Roles not named here are
# never touched by a login; those named are added or removed at each login.
LABO_OIDC_ROLES_CLAIM = env_str("LABO_OIDC_ROLES_CLAIM", "")
LABO_OIDC_ROLES = env_list("LABO_OIDC_ROLES", [])
# Off: the password form is not shown and a password login is refused (the admin's too).
LABO_PASSWORD_LOGIN = env_bool("LABO_PASSWORD_LOGIN", True)
if not LABO_PASSWORD_LOGIN and not LABO_OIDC_ISSUER:
    raise RuntimeError("LABO_PASSWORD_LOGIN=false needs LABO_OIDC_ISSUER: nobody could log in.")
OIDC_RP_CLIENT_ID = env_str("LABO_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("LABO_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = env_str("LABO_OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env_str("LABO_OIDC_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = env_bool("LABO_OIDC_USE_PKCE", True)
OIDC_TIMEOUT = env_int("LABO_OIDC_TIMEOUT", 10)  # seconds: a provider that hangs is down
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the logout at the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "labo:oidc-callback"
OIDC_CREATE_USER = True
AUTHENTICATION_BACKENDS.append("labo.sso.backend.OIDCBackend")  # does nothing while off
if LABO_OIDC_ISSUER:
    # The logout button's form ends at the provider (its end_session_endpoint, on the issuer's
    # origin): browsers hold a form's redirects to the page's form-action.
    _issuer = urlsplit(LABO_OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_issuer.scheme}://{_issuer.netloc}"
    )
# --- end of single sign-on ---------------------------------------------------------------------
