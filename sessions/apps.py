from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    name = "sessions"
    # "sessions" belongs to django.contrib.sessions.
    label = "labo_sessions"
    verbose_name = _("Sessions")

    def ready(self) -> None:
        from labo import documents  # noqa: PLC0415 -- wiring once every app is loaded
        from labo.history import archive, audit  # noqa: PLC0415 -- wiring once every app is loaded
        from labo.models import DocumentKind  # noqa: PLC0415 -- wiring once every app is loaded
        from sessions import models as m  # noqa: PLC0415 -- wiring once every app is loaded
        from sessions import signals, synthesis  # noqa: PLC0415 -- wiring once every app is loaded

        signals.connect()
        archive.while_importing(signals.muted)  # an imported lab keeps the revisions it reads
        audit.track(m.Session, scope=lambda o: {"session": o.pk})
        audit.track(m.Day, scope=lambda o: {"session": o.session_id})
        audit.track(m.AgendaItem, m.Attendance, scope=lambda o: {"session": o.day.session_id})
        documents.register(
            DocumentKind.SYNTHESIS,
            context=synthesis.document_context,
            template="sessions/pdf/synthesis.html",
        )
