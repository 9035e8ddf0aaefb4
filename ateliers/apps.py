from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AteliersConfig(AppConfig):
    name = "ateliers"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        # What the workshops give to the session's synthesis, exports, printed agenda and history.
        from ateliers import exports, history, queries, signals, synthesis  # noqa: PLC0415 -- wiring once every app is loaded
        from sessions import exports as session_exports  # noqa: PLC0415 -- wiring once every app is loaded
        from sessions import queries as session_queries  # noqa: PLC0415 -- wiring once every app is loaded
        from sessions import synthesis as session_synthesis  # noqa: PLC0415 -- wiring once every app is loaded

        signals.connect()
        session_synthesis.register_workshops(
            session_synthesis.WorkshopsSource(
                choices=synthesis.choices_of, parts=synthesis.parts_of
            )
        )
        session_exports.register_result_rows(exports.result_rows)
        session_queries.register_workshop_plans(queries.agenda_plans)
        history.track()
