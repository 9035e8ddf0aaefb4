"""Sessions and the shared cache in the machine's Redis (REDIS_URL), as on several
processes or machines. CI's PostgreSQL pass runs the whole suite with REDIS_URL set."""

import os

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from tests.labo.test_views import shared_cache_at

URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def on_redis(settings):
    shared_cache_at(settings, URL)
    server = redis.Redis.from_url(URL)
    server.flushdb()
    yield server
    server.flushdb()


def test_a_login_session_lives_in_redis_and_is_read_by_another_process(world, on_redis):
    client = Client()
    client.post(reverse("labo:login"), {"username": "bob", "password": "secret-pass-123"})
    key = client.cookies["sessionid"].value

    stored = [name.decode() for name in on_redis.keys("*")]
    assert any(key in name for name in stored)
    # Another node: its own memory, the same Redis; the session reads from Redis first.
    caches["default"].clear()
    assert client.get(reverse("labo:home")).status_code == 200


@pytest.mark.skipif("REDIS_URL" not in os.environ, reason="CI's Redis pass sets REDIS_URL")
def test_the_redis_pass_really_uses_redis():
    from django.conf import settings

    shared = settings.CACHES[settings.SHARED_CACHE]
    assert shared["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.SESSION_CACHE_ALIAS == settings.SHARED_CACHE
    caches[settings.SHARED_CACHE].set("labo-ci-pass", "yes")
    assert redis.Redis.from_url(os.environ["REDIS_URL"]).keys("*labo-ci-pass*")
