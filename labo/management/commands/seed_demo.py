from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from labo.devtools.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo lab (idempotent): people, sessions, agendas, workshops, commandes."

    def handle(self, *args, **options) -> None:
        seed_demo()
        self.stdout.write(self.style.SUCCESS(_("The demo lab is ready.")))
        if not settings.DEBUG:
            self.stdout.write(_("DEBUG is off: demo accounts have no usable password."))
            return
        self.stdout.write(_("Demo logins (password “%(password)s”):") % {"password": DEMO_PASSWORD})
        for username, role in (
            ("animateur", _("facilitator")),
            ("ambassadrice", _("ambassador, member of the sessions")),
            ("ambassadeur2", _("ambassador, member of none")),
            ("direction", _("management")),
            ("admin", _("superuser")),
        ):
            self.stdout.write(f"  {username:<14} {role}")
