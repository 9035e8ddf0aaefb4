import segno
from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def guest_url(context, link) -> str:
    from ateliers.views import guest_token

    path = reverse("ateliers:guest", args=[guest_token(link)])
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


@register.simple_tag
def qr_data_uri(url: str) -> str:
    """A QR code as an SVG data URI: no file, no inline script or style."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)
