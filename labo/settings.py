"""Labo settings: one file, configured by environment variables with working defaults."""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

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
    "labo.access.AccessPolicyMiddleware",
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
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # read from "shared"
SESSION_CACHE_ALIAS = SHARED_CACHE

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the others
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

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "labo@localhost")

# In process by default; production sets TASKS_BACKEND=django_tasks_db.DatabaseBackend and
# runs `manage.py db_worker` beside the web server.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# Brute force on the login: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair waits AXES_COOLOFF_MINUTES (never a permanent lock).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "labo.views.locked_out"
AXES_RESET_ON_SUCCESS = True

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
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
