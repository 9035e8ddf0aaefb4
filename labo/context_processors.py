from django.http import HttpRequest

from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT, roles_of


def roles(request: HttpRequest) -> dict[str, bool]:
    # No user when a 400 is answered before authentication (a body Django cannot read).
    user = getattr(request, "user", None)
    held = roles_of(user) if user is not None else frozenset()
    return {
        "is_facilitator": FACILITATOR in held,
        "is_ambassador": AMBASSADOR in held,
        "is_management": MANAGEMENT in held,
    }
