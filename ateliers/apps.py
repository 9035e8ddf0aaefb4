from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AteliersConfig(AppConfig):
    name = "ateliers"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        # What the workshops give to the session's synthesis, exports and history.
        from ateliers import exports, signals, synthesis  # noqa: PLC0415 -- wiring once every app is loaded
        from ateliers import models as m  # noqa: PLC0415 -- wiring once every app is loaded
        from labo.history import audit  # noqa: PLC0415 -- wiring once every app is loaded
        from sessions import exports as session_exports  # noqa: PLC0415 -- wiring once every app is loaded
        from sessions import synthesis as session_synthesis  # noqa: PLC0415 -- wiring once every app is loaded

        signals.connect()
        session_synthesis.register_workshops(
            session_synthesis.WorkshopsSource(
                choices=synthesis.choices_of, parts=synthesis.parts_of
            )
        )
        session_exports.register_result_rows(exports.result_rows)
        audit.track(m.Atelier, scope=lambda o: audit.in_atelier(o.pk, o.session_id))
        audit.track(m.CriteriaGrid, m.DemarreurReport, m.GuestLink, scope=_of_result)
        audit.track(
            m.DebateQuestion,
            m.TribunalCase,
            m.Stand,
            m.RetroEntry,
            m.Theme,
            m.Idea,
            m.Photo,
            m.Action,
            scope=_of_result,
            restorable=True,
        )
        audit.track(m.StandFeedback, m.SuggestedOffer, scope=_of_stand, restorable=True)
        audit.track(m.StandVisit, scope=_of_stand)
        audit.track(
            m.DemarreurRole, m.InterviewQuestion, m.Observation, scope=_of_report, restorable=True
        )


def _of_result(result) -> dict:
    return {"session": result.atelier.session_id, "atelier": result.atelier_id}


def _of_stand(obj) -> dict:
    return {"session": obj.stand.atelier.session_id, "atelier": obj.stand.atelier_id}


def _of_report(obj) -> dict:
    return {"session": obj.report.atelier.session_id, "atelier": obj.report.atelier_id}
