"""`{% may %}`: a template shows a button exactly when its URL will accept the visitor, by
asking the access policy (labo.access.may) what the view will ask."""

from __future__ import annotations

from typing import Any

from django import template

from labo import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: template.Context, view_name: str, obj: Any = None) -> bool:
    """`{% may "ateliers:atelier-edit" atelier as can_edit %}`: whether the visitor may reach
    the URL named, for this object (the one its view checks: the session, the workshop...)."""
    request = context.get("request")
    return request is not None and access.may(request, view_name, obj)
