from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandesConfig(AppConfig):
    name = "commandes"
    verbose_name = _("Commandes")

    def ready(self) -> None:
        from commandes import models as m  # noqa: PLC0415 -- wiring once every app is loaded
        from labo.history import audit  # noqa: PLC0415 -- wiring once every app is loaded

        audit.track(m.Commande, scope=lambda o: {"commande": o.pk})
        audit.track(
            m.TeamMember,
            m.Task,
            m.Deliverable,
            m.GateReview,
            scope=lambda o: {"commande": o.commande_id},
        )
