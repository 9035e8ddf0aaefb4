from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaboConfig(AppConfig):
    name = "labo"
    verbose_name = _("Lab")

    def ready(self) -> None:
        from labo import audit, auth

        audit.register()
        auth.connect()
