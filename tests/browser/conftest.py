"""Browser tests drive Debian's Chromium through Playwright; no browser is downloaded."""

import datetime
import os
import shutil

import pytest
from django.utils import timezone

from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT
from tests import factories

CHROMIUM = os.environ.get("LABO_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "un-mot-de-passe-solide"


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs Chromium at {CHROMIUM}: apt-get install -y chromium")
    skip = pytest.mark.skip(reason=f"No Chromium at {CHROMIUM}: browser tests run in CI.")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The capture pages' service worker keeps fetching after a test is over (its files, the
    # page's copy) and the live server's threads meet a closed database: only the tests of
    # the offline capture (tests/browser/test_capture.py) let it run.
    return {**browser_context_args, "service_workers": "block"}


@pytest.fixture(scope="session", autouse=True)
def _sync_orm_beside_playwright():
    # Playwright's sync API keeps an event loop running in this thread until the session
    # ends; the ORM calls of the tests and of the database teardown are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def lab(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    programme = factories.ProgrammeFactory(name="La Transfo")
    session = factories.SessionFactory(
        programme=programme,
        number=9,
        title="Préparer le Grand Atelier",
        starts_on=timezone.localdate() + datetime.timedelta(days=5),
        status="held",
        debrief="Sept invités au lieu de quatre-vingts.",
    )
    day = factories.DayFactory(session=session, title="Le Grand Atelier", capacity=80)
    item = factories.AgendaItemFactory(day=day, title="Tribunal de l'innovation", kind="workshop")
    factories.AgendaItemFactory(
        day=day, title="Déjeuner", kind="meal", fixed_start=datetime.time(12, 30)
    )
    factories.AtelierFactory(
        session=session, agenda_item=item, format="tribunal", title="Le tribunal"
    )
    skill = factories.SkillFactory(name="Prototypage")
    users = {}
    for username, role in (
        ("animateur", FACILITATOR),
        ("ambassadrice", AMBASSADOR),
        ("direction", MANAGEMENT),
    ):
        user = factories.UserFactory(username=username, roles=[role], password=PASSWORD)
        person = factories.PersonFactory(
            user=user, first_name=username.capitalize(), joined_on=timezone.localdate()
        )
        person.skills.add(skill)
        users[username] = user
    factories.AttendanceFactory(day=day, person=users["ambassadrice"].person)
    programme.facilitators.add(users["animateur"].person)
    return session


@pytest.fixture
def ambassador_session(settings):
    """A session an ambassador (ambassadrice) attends, with nothing in it yet."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    session = factories.SessionFactory(title="Grand Atelier")
    day = factories.DayFactory(session=session)
    user = factories.UserFactory(username="ambassadrice", roles=[AMBASSADOR], password=PASSWORD)
    person = factories.PersonFactory(user=user, first_name="Léa")
    factories.AttendanceFactory(day=day, person=person)
    return session
