from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def hours_minutes(minutes: int) -> str:
    """A length of time as it is said aloud: "1 h 22 min", "2 h", "45 min" (sign dropped)."""
    hours, rest = divmod(abs(int(minutes)), 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": rest}


@register.filter
def clock(seconds: int) -> str:
    """Time left as a countdown shows it ("29:05", "1:02:00"; "+4:10" once over), the same
    as static/js/run.js draws it each second."""
    value = int(seconds)
    hours, rest = divmod(abs(value), 3600)
    minutes, secs = divmod(rest, 60)
    sign = "+" if value < 0 else ""
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"
