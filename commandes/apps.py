from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandesConfig(AppConfig):
    name = "commandes"
    verbose_name = _("Commandes")
