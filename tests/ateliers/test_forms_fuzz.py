"""Whatever is typed into a result form: a saved result or a French message, never a 500,
never half a result; texts up to 100 KB with control characters are refused when too long
and saved without their control characters otherwise."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ateliers.formats import FORMATS, Format, Part
from ateliers.kinds import KINDS
from tests.labo.test_fuzz import hostile_text, stored_control_characters

HTMX = {"HX-Request": "true"}
values = st.one_of(st.text(max_size=40), st.integers(-5, 10).map(str), st.just(""), hostile_text)


def format_for(kind: str) -> Format:
    """The format made of the kind's part; a free one for ideas and what every workshop has."""
    part = KINDS[kind].part
    if part is None or part is Part.IDEAS:
        return Format.FREE
    return next(spec.format for spec in FORMATS.values() if part in spec.parts)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_result_forms_never_fail(world, member_client, kind):
    spec = KINDS[kind]
    fields = list(spec.form.base_fields)
    world.atelier.format = format_for(kind)
    world.atelier.save()

    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.fixed_dictionaries({name: values for name in fields}))
    def attempt(data):
        model = spec.model
        before = model.objects.count()
        response = member_client.post(
            reverse("ateliers:result-add", args=[world.atelier.pk, kind]),
            {f"{kind}-{name}": value for name, value in data.items()},
            headers=HTMX,
        )
        after = model.objects.count()
        assert response.status_code in (200, 422)
        if response.status_code == 422:
            assert after == before
            assert 'class="error"' in response.content.decode()
        else:  # a person rates once: rating again changes their rating
            assert after == (1 if kind == "rating" else before + 1)

    attempt()
    assert stored_control_characters() == []
