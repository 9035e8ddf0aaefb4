import datetime

import pytest
from django.urls import reverse

from labo.lib.typography import french_text
from labo.models import Document
from sessions.models import AgendaItem, Day, Session
from tests import factories


def add_sessions(world, count):
    for number in range(count):
        session = factories.SessionFactory(programme=world.programme, number=100 + number)
        factories.AttendanceFactory(
            day=factories.DayFactory(session=session), person=world.member.person
        )


@pytest.mark.parametrize("extra", [0, 30])
def test_session_list_query_count_is_constant(
    world, member_client, django_assert_num_queries, extra
):
    add_sessions(world, extra)

    with django_assert_num_queries(3):
        response = member_client.get(reverse("sessions:session-list"))

    assert response.status_code == 200
    assert len(response.context["sessions"]) == 1 + extra


def test_session_list_hides_sessions_of_others(world, client):
    client.force_login(world.outsider)

    response = client.get(reverse("sessions:session-list"))

    assert list(response.context["sessions"]) == []


def add_items(day: Day, count: int, facilitator) -> None:
    for _ in range(count):
        item = factories.AgendaItemFactory(day=day)
        item.facilitators.add(facilitator)
        factories.AgendaItemFactory(day=day, parent=item)


@pytest.mark.parametrize("extra", [0, 50])
def test_session_detail_query_count_is_constant(
    world, facilitator_client, django_assert_num_queries, extra
):
    second_day = factories.DayFactory(
        session=world.session, date=world.session.starts_on + datetime.timedelta(days=1)
    )
    add_items(second_day, extra, world.facilitator.person)
    factories.AtelierFactory.create_batch(extra // 10, session=world.session)

    with django_assert_num_queries(10):
        response = facilitator_client.get(
            reverse("sessions:session-detail", args=[world.session.pk])
        )

    assert response.status_code == 200


def test_session_detail_shows_cascaded_times_and_warnings(world, facilitator_client):
    AgendaItem.objects.filter(pk=world.item.pk).update(duration_minutes=240)
    factories.AgendaItemFactory(
        day=world.day, title="Déjeuner", duration_minutes=60, fixed_start=datetime.time(12, 30)
    )

    response = facilitator_client.get(reverse("sessions:session-detail", args=[world.session.pk]))

    content = response.content.decode()
    assert "09:00–13:00" in content
    assert "12:30–13:30" in content
    assert "Le bloc précédent déborde sur cet horaire fixe." in content
    assert "5 h prévues" in content  # hours and minutes, as in the planner
    assert ", 4 h)" in content  # the block of 240 minutes
    assert "minutes prévues" not in content


def test_session_detail_lists_days_by_date_whatever_order_they_were_added(
    world, facilitator_client
):
    later = factories.DayFactory(session=world.session, date=datetime.date(2030, 3, 5))
    earlier = factories.DayFactory(session=world.session, date=datetime.date(2030, 3, 4))

    response = facilitator_client.get(reverse("sessions:session-detail", args=[world.session.pk]))

    content = response.content.decode()
    assert content.index(f'id="day-{earlier.pk}"') < content.index(f'id="day-{later.pk}"')


def test_session_detail_of_unknown_session_is_404(facilitator_client):
    assert facilitator_client.get(reverse("sessions:session-detail", args=[999])).status_code == 404


def test_session_ordering_is_newest_first(db):
    old = factories.SessionFactory(starts_on=datetime.date(2025, 1, 1))
    new = factories.SessionFactory(starts_on=datetime.date(2026, 1, 1))

    assert list(Session.objects.all()) == [new, old]


# The synthesis: preview, choose, generate -------------------------------------------


def _synthesis_world(world):
    from ateliers.models import TribunalCase
    from ateliers.services import add_photo
    from tests.ateliers.test_photos import png_upload

    tribunal = factories.AtelierFactory(
        session=world.session, format="tribunal", title="Le tribunal"
    )
    TribunalCase.objects.create(atelier=tribunal, question="L'innovation bouscule-t-elle ?")
    photo = add_photo(atelier=world.atelier, upload=png_upload(), caption="Le mur", author=None)
    return tribunal, photo


def test_synthesis_preview_shows_everything_ticked_at_first(world, facilitator_client):
    _tribunal, photo = _synthesis_world(world)

    response = facilitator_client.get(
        reverse("sessions:session-synthesis", args=[world.session.pk])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('name="ateliers"') == page.count('name="ateliers" value') == 2
    assert page.count("checked") == 3  # two workshops and one photo
    assert french_text("L&#x27;innovation bouscule-t-elle ?") in page
    assert reverse("ateliers:photo-file", args=[photo.pk, "thumb"]) in page


def test_synthesis_preview_follows_the_choice(world, facilitator_client):
    _synthesis_world(world)  # a tribunal and a photo

    response = facilitator_client.post(
        reverse("sessions:session-synthesis", args=[world.session.pk]),
        {"action": "preview", "ateliers": [world.atelier.pk]},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="synthesis-preview"')
    assert "L&#x27;innovation bouscule-t-elle ?" not in page
    assert not Document.objects.exists()


def test_generate_stores_the_choice_and_lists_the_document(world, facilitator_client):
    from django.test import TestCase

    _tribunal, photo = _synthesis_world(world)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = facilitator_client.post(
            reverse("sessions:session-synthesis", args=[world.session.pk]),
            {"action": "generate", "ateliers": [world.atelier.pk], "photos": [photo.pk]},
            headers={"HX-Request": "true"},
        )

    document = Document.objects.get()
    assert response.status_code == 200
    assert document.options == {"ateliers": [world.atelier.pk], "photos": [photo.pk]}
    # The list shows it being drawn (the task runs once the request has committed).
    assert f'id="document-{document.pk}"' in response.content.decode()
    assert document.status == "ready"


def test_a_photo_of_another_session_is_refused_next_to_the_field(world, facilitator_client):
    from ateliers.services import add_photo
    from tests.ateliers.test_photos import png_upload

    elsewhere = add_photo(
        atelier=factories.AtelierFactory(), upload=png_upload(), caption="", author=None
    )

    response = facilitator_client.post(
        reverse("sessions:session-synthesis", args=[world.session.pk]),
        {"action": "generate", "photos": [elsewhere.pk]},
    )

    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Document.objects.exists()


def test_too_many_photos_are_refused(world, facilitator_client, settings):
    settings.LABO_SYNTHESIS_MAX_PHOTOS = 0
    _tribunal, photo = _synthesis_world(world)

    response = facilitator_client.post(
        reverse("sessions:session-synthesis", args=[world.session.pk]),
        {"action": "generate", "photos": [photo.pk]},
    )

    assert response.status_code == 422
    assert "La synthèse peut contenir au plus 0 photos." in response.content.decode()


def test_the_session_page_offers_its_ready_synthesis(world):
    from tests.conftest import client_for

    management_client = client_for(world, "management")
    from tests.labo.test_access import synthesis_document

    document = synthesis_document(world)

    page = management_client.get(reverse("sessions:session-detail", args=[world.session.pk]))

    assert reverse("labo:document-file", args=[document.pk]) in page.content.decode()
