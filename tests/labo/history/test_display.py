import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from ateliers import services
from ateliers.models import Atelier, Photo
from labo.history import audit
from labo.history.display import describe
from sessions.models import AgendaItem, Attendance, AttendanceRole
from tests import factories
from tests.ateliers.test_photos import png_upload


def changes_on_page(client, session) -> list[str]:
    page = client.get(reverse("sessions:session-history", args=[session.pk])).content.decode()
    return [re.sub(r"\s+", " ", li) for li in re.findall(r"<ul class=\"changes\">(.*?)</ul>", page)]


def test_a_missing_value_is_a_dash_and_a_foreign_key_its_objects_name(world, facilitator_client):
    atelier = factories.AtelierFactory(session=world.session, agenda_item=None)
    atelier.agenda_item = factories.AgendaItemFactory(day=world.day, title="Jeu de rôles")
    atelier.save()

    changes = changes_on_page(facilitator_client, world.session)

    assert "<li>séquence : — → Jeu de rôles</li>" in changes[0]
    assert not any("None" in c for c in changes)


def test_a_foreign_key_whose_object_is_gone_says_so(world):
    atelier = factories.AtelierFactory(session=world.session, agenda_item=None)
    item = factories.AgendaItemFactory(day=world.day, title="Éphémère")
    atelier.agenda_item = item
    atelier.save()
    AgendaItem.all_objects.filter(pk=item.pk).delete()
    entry = LogEntry.objects.get_for_object(Atelier.objects.get(pk=atelier.pk)).filter(action=1)

    (shown,) = describe(list(entry))

    assert [(str(c.before.text), str(c.after.text)) for c in shown.changes] == [("—", "supprimé")]


def test_a_choice_shows_its_french_label(world, facilitator_client):
    attendance = Attendance.objects.get(day=world.day)
    attendance.role = AttendanceRole.GUEST
    attendance.save()

    changes = changes_on_page(facilitator_client, world.session)

    assert "<li>rôle : Ambassadeur → Invité</li>" in changes[0]


@pytest.fixture
def photo(world) -> Photo:
    return services.add_photo(atelier=world.atelier, upload=png_upload(), caption="", author=None)


def test_a_photo_is_shown_as_its_thumbnail_never_its_path(world, facilitator_client, photo):
    Photo.objects.filter(pk=photo.pk).update(caption="")
    photo.caption = "Le mur des idées"
    photo.save()

    page = facilitator_client.get(reverse("sessions:session-history", args=[world.session.pk]))

    html = page.content.decode()
    thumbnail = reverse("ateliers:photo-file", args=[photo.pk, "thumb"])
    assert f'src="{thumbnail}"' in html
    assert photo.image.name not in html
    assert "photos/20" not in html


def test_a_deleted_photo_without_caption_is_named_without_its_path(world, photo):
    photo.delete()
    entry = LogEntry.objects.filter(action=LogEntry.Action.DELETE).get()

    (shown,) = describe([entry])

    assert entry.object_repr == photo.image.name
    assert str(shown.what) == "(sans nom)"
    assert shown.thumbnail == ""


@pytest.mark.parametrize("count", [1, 30])
def test_history_page_query_count_is_constant(
    world, facilitator_client, django_assert_num_queries, count
):
    for n in range(count):
        atelier = factories.AtelierFactory(session=world.session, agenda_item=None)
        atelier.agenda_item = factories.AgendaItemFactory(day=world.day, title=f"Bloc {n}")
        atelier.save()
    assert audit.history(session=world.session.pk).count() > count

    with django_assert_num_queries(6):  # 5, and the blocks the changes name
        response = facilitator_client.get(
            reverse("sessions:session-history", args=[world.session.pk])
        )

    assert response.status_code == 200
