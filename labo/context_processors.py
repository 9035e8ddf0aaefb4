from django.http import HttpRequest

from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT, roles_of


def roles(request: HttpRequest) -> dict[str, bool]:
    held = roles_of(request.user)
    return {
        "is_facilitator": FACILITATOR in held,
        "is_ambassador": AMBASSADOR in held,
        "is_management": MANAGEMENT in held,
    }
