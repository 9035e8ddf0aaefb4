"""What operations see of a running Labo: its logs (text, or one JSON object a line for a
log collector) and, when SENTRY_DSN is set, its errors in Sentry (sentry-sdk, an optional
extra: `pip install "labo[sentry]"`). Called from the settings."""

from __future__ import annotations

from typing import Any

LOG_FORMATS = ("text", "json")
_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


def logging_config(*, log_format: str, level: str) -> dict:
    """Django's LOGGING: everything to the console (systemd's journal), as text or JSON."""
    if log_format not in LOG_FORMATS:
        raise RuntimeError(f"LOG_FORMAT is {log_format!r}: choose one of {', '.join(LOG_FORMATS)}.")
    formatters = {
        "text": {"format": _FIELDS},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": _FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {log_format: formatters[log_format]},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
    }


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Errors (and, if asked, a share of requests' timings) to Sentry. No personal data: the
    user, the request's cookies, body and headers, and the values of SQL queries are removed
    from every event (tested)."""
    try:
        import sentry_sdk  # noqa: PLC0415 -- an optional extra, imported only when configured
        from sentry_sdk.integrations.django import (  # noqa: PLC0415 -- the same extra
            DjangoIntegration,
        )
    except ImportError as error:
        raise RuntimeError(
            'SENTRY_DSN is set but sentry-sdk is not installed: pip install "labo[sentry]".'
        ) from error
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        before_send=without_personal_data,
        before_breadcrumb=without_query_values,
    )


def without_personal_data(event: Any, hint: dict[str, Any]) -> Any:  # sentry_sdk's Event
    """Whatever the SDK's defaults (they changed between releases): no user, no cookies,
    no request body or headers, no query string."""
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "headers", "query_string", "env"):
            request.pop(key, None)
    return event


def without_query_values(crumb: Any, hint: dict[str, Any]) -> Any:  # sentry_sdk's Breadcrumb
    """SQL breadcrumbs keep the statement, never its values (names, e-mails, sessions)."""
    data = crumb.get("data")
    if isinstance(data, dict):
        data.pop("db.params", None)
    return crumb
