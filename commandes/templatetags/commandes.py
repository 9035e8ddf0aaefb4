from django import template

from commandes.models import Status

register = template.Library()
LABELS = dict(Status.choices)


@register.filter
def status_label(value: str) -> str:
    return LABELS.get(value, value)
