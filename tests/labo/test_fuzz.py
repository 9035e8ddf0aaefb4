"""Whatever is sent to any form or htmx endpoint, by any role: an answer, never a 500, and
nothing written when the answer is a refusal.

Every POST URL of the access matrix (which a test keeps complete: a new URL is fuzzed as
soon as it is declared) and the GET pages that read a form get random data (the field
names of every form of the project, found in the forms modules, prefixed as the pages
prefix them), with and without the htmx header. Values include texts up to 100 KB full of
control characters; afterwards no stored text holds one."""

import inspect

import pytest
from django import forms
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
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
from tests.trust.test_bad_input import writes

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


CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F)]
# Up to 100 KB: a short piece, maybe full of control characters, repeated.
hostile_text = st.builds(
    lambda piece, times: (piece * times)[:100_000],
    st.text(st.characters(codec="utf-8") | st.sampled_from(CONTROLS), min_size=1, max_size=12),
    st.integers(1, 20_000),
)
values = st.one_of(
    st.text(max_size=30),
    st.integers(-3, 10**6).map(str),
    st.sampled_from(["", "0", "1", "-1", "yes", "9999999999999999999", "2026-02-30", "12:61"]),
    hostile_text,
)


def stored_control_characters() -> list[str]:
    """Every text of the lab's models that holds a control character (tab and newline
    aside)."""
    found = []
    for config in apps.get_app_configs():
        if config.name not in ("labo", "sessions", "ateliers", "commandes"):
            continue
        for model in config.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField):
                    lookup = {f"{field.name}__regex": "[\x01-\x08\x0b-\x1f\x7f]"}
                    if model._default_manager.filter(**lookup).exists():
                        found.append(f"{model._meta.label}.{field.name}")
    return found


# Refused posts that write today, fixed by another part of issue 14 (the démarreur report
# is created empty when first asked for, even by a refused review or edit: helper
# "review"); the lead empties this list when the branches meet.
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
        with CaptureQueriesContext(connection) as queries:
            response = send(url, data, headers={"HX-Request": "true"} if htmx else None)
        assert response.status_code < 500, (name, data)
        if response.status_code >= 400:
            assert writes(queries) == [], (name, data)

    attempt()
    assert stored_control_characters() == []
