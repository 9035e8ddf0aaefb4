import functools

import segno
from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ateliers.access import guest_token
from labo.idempotency import FIELD, new_key
from labo.lib.http import object_url

register = template.Library()


@register.simple_tag(takes_context=True)
def guest_url(context, link) -> str:

    path = reverse("ateliers:guest", args=[guest_token(link)])
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


@register.simple_tag
def result_delete_url(atelier_pk: int, kind: str, obj_pk: int) -> str:
    """The delete address of a result (a page lists hundreds: see labo.lib.http.object_url)."""
    return object_url("ateliers:result-delete", atelier_pk, kind, obj_pk)


@register.simple_tag
def submission_key() -> SafeString:
    """The key of a capture form sent without JavaScript (a double tap sends it twice and
    counts once); the capture client puts its own key in its place (labo.idempotency)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())


@register.simple_tag
@functools.lru_cache(maxsize=64)  # a projector draws the same code at every vote
def qr_data_uri(url: str) -> str:
    """A QR code as an SVG data URI: no file, no inline script or style."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


@register.simple_tag
def postits(ideas, can_log: bool, dots_left: int, can_run: bool = False) -> SafeString:
    """The post-it list's items. A workshop can hold hundreds of ideas and the list is drawn
    again after every idea and dot: Python writes it in one pass instead of a dozen
    template steps per idea. The markup is the template's own: see its test."""
    # Our own catalogue's words, written as they are (as {% translate %} writes them).
    anonymous, put, take_back = _("anonymous"), _("Put a dot"), _("Take a dot back")
    on_idea, dot, dots = _("on idea"), _("dot"), _("dots")
    delete = _("Delete")
    disabled = "" if dots_left else " disabled"
    items = []
    for idea in ideas:
        number = idea.number  # its place in the order ideas came, whatever the list's order
        theme = f"{escape(idea.theme.name)} · " if idea.theme else ""
        author = escape(idea.created_by.full_name) if idea.created_by else anonymous
        count = f"{idea.dots} {dots if idea.dots > 1 else dot}"
        items.append(
            f'<li class="postit" id="idea-{idea.pk}"><p class="multiline">{escape(idea.text)}'
            f'</p><p class="meta">{theme}{author} · {count}</p>'
        )
        if can_log:
            items.append(
                f'<button type="submit" name="idea" value="{idea.pk}" class="button small"'
                f'{disabled}>{put}<span class="visually-hidden"> {on_idea} {number}</span>'
                "</button>"
            )
            if idea.mine:
                items.append(
                    f'<button type="submit" name="remove" value="{idea.pk}" class="button '
                    f'small secondary">{take_back}<span class="visually-hidden"> {on_idea} '
                    f"{number}</span></button>"
                )
            if can_run:  # inside the vote form: the button posts to the delete URL
                url = object_url("ateliers:result-delete", idea.atelier_id, "idea", idea.pk)
                items.append(
                    f'<button type="submit" formaction="{url}" class="button '
                    f'small danger">{delete}<span class="visually-hidden"> {on_idea} {number}'
                    "</span></button>"
                )
        items.append("</li>")
    return mark_safe("".join(items))  # every text above is escaped; the words are ours
