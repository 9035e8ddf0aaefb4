"""Personas (a facilitator, a member ambassador, an outsider ambassador, management,
anonymous) around one session of one programme."""

import os
import shutil
import tempfile
from dataclasses import dataclass

import pytest
from django.test import Client

from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT
from tests import factories

PERSONAS = ["anonymous", "outsider", "member", "facilitator", "management"]


@dataclass
class World:
    programme: object
    session: object
    day: object
    item: object
    atelier: object
    commande: object
    facilitator: object
    member: object
    outsider: object
    management: object
    admin: object


def pytest_configure(config) -> None:
    """The shared cache of this run in a folder of its own (Django reads the setting when
    the cache is first used), so that two runs at once, or a running server, never clear
    each other's entries."""
    from django.conf import settings

    shared = settings.CACHES[settings.SHARED_CACHE]
    if shared["BACKEND"].endswith("FileBasedCache"):  # with REDIS_URL: that Redis database
        shared["LOCATION"] = config._labo_cache_dir = tempfile.mkdtemp(prefix="labo-test-cache-")


def pytest_unconfigure(config) -> None:
    shutil.rmtree(getattr(config, "_labo_cache_dir", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Ids come back after a test's rollback: nothing cached may outlive its test."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Uploaded photos and generated documents go to a folder of the test run."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def world(db) -> World:
    programme = factories.ProgrammeFactory()
    session = factories.SessionFactory(programme=programme, title="Préparer le Grand Atelier")
    day = factories.DayFactory(session=session)
    item = factories.AgendaItemFactory(day=day, title="Tribunal de l'innovation")
    facilitator_user = factories.UserFactory(username="alice", roles=[FACILITATOR])
    member_user = factories.UserFactory(username="bob", roles=[AMBASSADOR])
    outsider_user = factories.UserFactory(username="charlie", roles=[AMBASSADOR])
    management_user = factories.UserFactory(username="diane", roles=[MANAGEMENT])
    admin_user = factories.UserFactory(username="root")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    facilitator = factories.PersonFactory(user=facilitator_user, first_name="Alice")
    member = factories.PersonFactory(user=member_user, first_name="Bob")
    factories.PersonFactory(user=outsider_user, first_name="Charlie")
    factories.PersonFactory(user=management_user, first_name="Diane")
    programme.facilitators.add(facilitator)
    session.facilitators.add(facilitator)
    factories.AttendanceFactory(day=day, person=member)
    atelier = factories.AtelierFactory(session=session, agenda_item=item)
    atelier.participants.add(member)
    commande = factories.CommandeFactory(programme=programme)
    return World(
        programme=programme,
        session=session,
        day=day,
        item=item,
        atelier=atelier,
        commande=commande,
        facilitator=facilitator_user,
        member=member_user,
        outsider=outsider_user,
        management=management_user,
        admin=admin_user,
    )


def client_for(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


@pytest.fixture
def facilitator_client(world) -> Client:
    return client_for(world, "facilitator")


@pytest.fixture
def member_client(world) -> Client:
    return client_for(world, "member")


@pytest.fixture
def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")
