from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    name = "sessions"
    # "sessions" belongs to django.contrib.sessions.
    label = "labo_sessions"
    verbose_name = _("Sessions")

    def ready(self) -> None:
        from sessions import signals

        signals.connect()
