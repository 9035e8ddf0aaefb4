"""The base's own pages: the health check and the login cool-off."""

import datetime

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories


def test_healthz_answers_ok(client, db):
    response = client.get(reverse("labo:healthz"))

    assert response.json() == {"status": "ok"}


def test_login_cools_an_address_off_after_repeated_failures_then_lets_it_in(db, settings):
    factories.UserFactory(username="lina", password="le-bon-mot-de-passe")
    client = Client()
    url = reverse("labo:login")

    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": f"agent{number}", "password": "faux"})
    locked = client.post(url, {"username": "lina", "password": "le-bon-mot-de-passe"})

    assert locked.status_code == 429
    assert "Attendez 15 minutes" in locked.content.decode()
    # Another address is not cooled off.
    elsewhere = Client(REMOTE_ADDR="198.51.100.4")
    assert elsewhere.post(url, {"username": "autre", "password": "x"}).status_code == 200
    # The cool-off passes: the right password gets in.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert (
        client.post(url, {"username": "lina", "password": "le-bon-mot-de-passe"}).status_code == 302
    )


def shared_cache_at(settings, location: str) -> None:
    settings.CACHES = {
        **settings.CACHES,
        settings.SHARED_CACHE: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
        },
    }


def test_readyz_answers_200_with_the_shared_cache_on_redis(db, client, settings):
    shared_cache_at(settings, "redis://127.0.0.1:6379/15")

    response = client.get(reverse("labo:readyz"))

    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_answers_503_naming_a_redis_that_is_down(db, client, settings):
    from tests.smtp import free_port

    shared_cache_at(settings, f"redis://127.0.0.1:{free_port()}/0")  # nobody listens

    response = client.get(reverse("labo:readyz"))

    assert response.status_code == 503
    assert list(response.json()["failing"]) == ["cache"]


def test_readyz_answers_503_naming_a_storage_that_does_not_answer(db, client, settings):
    from unittest import mock

    with mock.patch("labo.views.default_storage.exists", side_effect=OSError("unmounted")):
        response = client.get(reverse("labo:readyz"))

    assert response.status_code == 503
    assert response.json()["failing"] == {"storage": "OSError"}
