"""Whatever is sent to any form or htmx endpoint, by any role: an answer, never a 500.

Every POST URL of the access matrix and the GET pages that read a form get random data
(the field names of every form of the project, prefixed as the pages prefix them, with
random values), with and without the htmx header."""

import inspect

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ateliers import forms as atelier_forms
from ateliers.kinds import KINDS
from commandes import forms as commande_forms
from labo.people import forms as people_forms
from labo.restitutions import forms as restitution_forms
from sessions import forms as session_forms
from tests.conftest import client_for
from tests.labo.test_access import MATRIX, url_kwargs

FORM_MODULES = (people_forms, restitution_forms, session_forms, atelier_forms, commande_forms)
GET_FORMS = ("labo:dashboard", "labo:search", "labo:person-list", "commandes:commande-list")


def field_names(world) -> list[str]:
    names = set()
    for module in FORM_MODULES:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                names.update(cls.base_fields)
    prefixes = [*KINDS, "report", "grid", "photo", f"item{world.item.pk}", "item", "day"]
    prefixed = {f"{prefix}-{name}" for prefix in prefixes for name in names}
    return sorted(names | prefixed | {"action", "idea", "remove", "order", "direction"})


values = st.one_of(
    st.text(max_size=30),
    st.integers(-3, 10**6).map(str),
    st.sampled_from(["", "0", "1", "-1", "yes", "9999999999999999999", "2026-02-30", "12:61"]),
)

POSTS = sorted(name for name, (method, _statuses) in MATRIX.items() if method == "post")


@pytest.mark.parametrize("persona", ["facilitator", "member", "management"])
@pytest.mark.parametrize("name", POSTS + list(GET_FORMS))
def test_no_input_makes_a_500(world, name, persona):
    client = client_for(world, persona)
    url = reverse(name, kwargs=url_kwargs(name, world))
    names = field_names(world)
    send = client.get if name in GET_FORMS else client.post

    @settings(
        max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        data=st.dictionaries(st.sampled_from(names), values, max_size=8),
        htmx=st.booleans(),
    )
    def attempt(data, htmx):
        response = send(url, data, headers={"HX-Request": "true"} if htmx else None)
        assert response.status_code < 500, (name, data)

    attempt()
