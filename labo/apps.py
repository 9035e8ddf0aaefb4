from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaboConfig(AppConfig):
    name = "labo"
    verbose_name = _("Lab")

    def ready(self) -> None:
        # Wiring at start-up: the lab-wide features sit above the apps, so they are
        # imported here, once every app is loaded, not by the base's modules.
        from labo import auth, documents  # noqa: PLC0415 -- wiring once every app is loaded
        from labo.history import audit  # noqa: PLC0415 -- wiring once every app is loaded
        from labo.lib import lookups  # noqa: PLC0415 -- wiring once every app is loaded
        from labo.models import DocumentKind, Person  # noqa: PLC0415 -- wiring once every app is loaded
        from labo.restitutions import review  # noqa: PLC0415 -- wiring once every app is loaded
        from labo.sso import accounts  # noqa: PLC0415,F401 -- registers its start-up check

        lookups.register()
        audit.track(Person, scope=lambda o: {"person": o.pk})
        auth.connect()
        documents.register(
            DocumentKind.REVIEW, context=review.document_context, template="labo/pdf/review.html"
        )
