"""A request body over the limit is refused before anything reads it."""

from django.urls import reverse

from ateliers.models import Photo
from tests.ateliers.test_photos import png_upload


def test_a_body_over_the_limit_is_refused_before_it_is_read(world, member_client, settings):
    settings.LABO_MAX_REQUEST_BYTES = 1024
    url = reverse("ateliers:photo-add", args=[world.atelier.pk])

    response = member_client.post(url, {"photo-image": png_upload(), "photo-caption": "x" * 2000})

    assert response.status_code == 413
    assert "dépasse 0 Mo" in response.content.decode()  # the limit, in whole MB
    assert "nothing was saved" not in response.content.decode()
    assert "rien n’a été enregistré" in response.content.decode()
    assert Photo.objects.count() == 0
