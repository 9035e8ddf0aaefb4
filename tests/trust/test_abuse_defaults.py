"""Issue 14, section 6: abuse and defaults. Guests rate once, guest endpoints are rate
limited, facilitators delete any result; the login never locks the right password out;
a dead worker's document can be asked again; production fails closed."""

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from labo import auth
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
RIGHT = "le-bon-mot-de-passe"


def _env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.pop("DATABASE_URL", None)
    env.update(changes)
    return env


# Fresh clone: migrate without make ------------------------------------------------------


def test_migrate_works_on_a_fresh_clone_without_var(tmp_path):
    var = tmp_path / "clone" / "var"  # neither var/ nor its parent exist, as in a fresh clone

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=_env(LABO_VAR_DIR=str(var)),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert (var / "labo.sqlite3").exists()


def test_migrate_works_in_a_copy_of_the_repository_without_var(tmp_path):
    clone = tmp_path / "labo"
    shutil.copytree(
        ROOT,
        clone,
        ignore=shutil.ignore_patterns(".git", ".venv", "var", "__pycache__", "node_modules"),
    )
    env = _env()
    env.pop("LABO_VAR_DIR", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert (clone / "var" / "labo.sqlite3").exists()


# Production refuses a weak SECRET_KEY -----------------------------------------------------


def _import_settings(env: dict) -> subprocess.CompletedProcess:
    """Labo's settings read in a fresh interpreter with this environment."""
    return subprocess.run(
        [sys.executable, "-c", "import labo.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "key",
    [
        "dev-only-insecure-secret-key-change-me-in-production-0123456789abcdef",
        "short-but-not-empty",
        "x" * 49,
    ],
)
def test_production_refuses_a_short_or_development_secret_key(tmp_path, key):
    env = _env(DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="labo.example.org")
    env["LABO_VAR_DIR"] = str(tmp_path)

    result = _import_settings(env)

    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr


def test_production_accepts_a_long_random_secret_key(tmp_path):
    env = _env(
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-9f3a$random-enough-for-the-check-7Q2",
        LABO_VAR_DIR=str(tmp_path),
    )

    result = _import_settings(env)

    assert result.returncode == 0, result.stderr


# Headers: Permissions-Policy everywhere, no-store on personal downloads -------------------


@pytest.mark.parametrize("url", ["/login/", "/healthz", "/nowhere/", "/me/"])
def test_every_response_sends_a_permissions_policy(db, url):
    response = Client().get(url)

    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_personal_data_export_is_not_stored_by_caches(world, facilitator_client):
    client = Client()
    client.force_login(world.member)

    own = client.get(reverse("labo:my-data"))
    other = facilitator_client.post(reverse("labo:person-export", args=[world.member.person.pk]))

    assert [own.status_code, other.status_code] == [200, 200]
    assert [own["Cache-Control"], other["Cache-Control"]] == ["private, no-store"] * 2


def test_sign_in_sheet_export_and_ics_are_not_stored_by_caches(world, facilitator_client):
    urls = [
        reverse("sessions:day-sign-in-pdf", args=[world.day.pk]),
        reverse("sessions:session-export", args=[world.session.pk, "attendance", "csv"]),
        reverse("sessions:session-ics", args=[world.session.pk]),
    ]

    responses = [facilitator_client.get(url) for url in urls]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r["Cache-Control"] for r in responses] == ["private, no-store"] * 3


def test_personal_calendar_feed_is_not_stored_by_caches(world):
    from sessions.calendar import feed_token

    response = Client().get(
        reverse("sessions:personal-feed", args=[feed_token(world.member.person)])
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


# Login throttling --------------------------------------------------------------------------


def _login(client: Client, username: str, password: str, **extra: str):
    return client.post(reverse("labo:login"), {"username": username, "password": password}, **extra)


def test_right_password_gets_in_after_five_wrong_ones_from_the_same_address(db):
    factories.UserFactory(username="direction", password=RIGHT)
    client = Client()

    for _ in range(5):
        assert _login(client, "direction", "faux").status_code == 200

    assert _login(client, "direction", RIGHT).status_code == 302


def test_wrong_passwords_for_an_account_bring_growing_delays_not_a_lockout(db, monkeypatch):
    factories.UserFactory(username="direction", password=RIGHT)
    client = Client()
    now = [1_000_000.0]
    monkeypatch.setattr(auth.time, "time", lambda: now[0])
    for _ in range(8):
        now[0] += 61  # a guesser who waits out each delay
        _login(client, "direction", "faux")

    waiting = _login(client, "direction", RIGHT)
    delays = [auth.login_delay("direction")]
    now[0] += 5  # 8 failures: 4 seconds
    entering = _login(client, "direction", RIGHT)

    assert waiting.status_code == 200
    assert "attendez 4 secondes" in waiting.content.decode()
    assert delays == [4]
    assert entering.status_code == 302
    assert auth.login_delay("direction") == 0


def test_a_failing_address_cools_off_but_not_the_users_of_other_addresses(db, settings):
    settings.LABO_TRUSTED_PROXIES = 1
    factories.UserFactory(username="direction", password=RIGHT)
    attacker, owner = Client(), Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, f"agent{number}", "faux", HTTP_X_FORWARDED_FOR="203.0.113.7")

    refused = _login(attacker, "direction", RIGHT, HTTP_X_FORWARDED_FOR="203.0.113.7")
    # Behind the reverse proxy every request comes from 127.0.0.1; the owner's is another.
    welcomed = _login(owner, "direction", RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.4")

    assert refused.status_code == 429
    assert welcomed.status_code == 302


def test_forwarded_address_is_ignored_without_trusted_proxies(db, settings):
    from django.test import RequestFactory

    from labo.lib.http import client_address

    settings.LABO_TRUSTED_PROXIES = 0
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.1")

    assert client_address(request) == "10.0.0.1"


def test_forwarded_address_is_read_from_the_right_for_the_trusted_proxies(settings):
    from django.test import RequestFactory

    from labo.lib.http import client_address

    factory = RequestFactory()
    forged = "1.2.3.4, 203.0.113.7, 10.0.0.2"  # the client wrote 1.2.3.4 itself
    request = factory.get("/", HTTP_X_FORWARDED_FOR=forged, REMOTE_ADDR="10.0.0.1")

    settings.LABO_TRUSTED_PROXIES = 2
    two = client_address(request)
    settings.LABO_TRUSTED_PROXIES = 1
    one = client_address(request)

    assert (two, one) == ("203.0.113.7", "10.0.0.2")


# Background documents: a lease --------------------------------------------------------------


def _dead_worker_document(world, status, progress):
    """A document whose worker died: it says running at 40 % and nothing moves it on."""
    from django.utils import timezone

    from labo.models import Document

    return Document.objects.create(
        kind="synthesis",
        programme=world.programme,
        session=world.session,
        title="Synthèse",
        options={},
        status=status,
        progress=progress,
        lease_until=timezone.now() - datetime.timedelta(seconds=1),
    )


@pytest.mark.parametrize(("status", "progress"), [("running", 40), ("queued", 0)])
def test_document_whose_worker_died_fails_and_can_be_asked_again(world, settings, status, progress):
    from django.test import TestCase

    from labo import documents
    from labo.models import Document, DocumentStatus

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    dead = _dead_worker_document(world, status, progress)

    with TestCase.captureOnCommitCallbacks(execute=True):
        again = documents.request_document(
            kind="synthesis",
            programme=world.programme,
            session=world.session,
            title="Synthèse",
            options={},
            user=world.facilitator,
        )

    dead.refresh_from_db()
    assert again.pk != dead.pk
    assert dead.status == DocumentStatus.FAILED
    assert again.status == DocumentStatus.QUEUED
    assert again.lease_until > dead.lease_until
    assert Document.objects.count() == 2


def test_document_page_shows_a_dead_workers_document_as_failed_and_stops_polling(
    world, facilitator_client
):
    dead = _dead_worker_document(world, "running", 40)

    response = facilitator_client.get(reverse("labo:document-status", args=[dead.pk]))

    page = response.content.decode()
    assert "hx-trigger" not in page
    assert "Demandez-le à nouveau" in page
    dead.refresh_from_db()
    assert dead.status == "running"  # a GET never writes


def test_document_lease_is_renewed_at_each_step(world, settings):
    from labo import documents
    from labo.models import DocumentStatus

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    document = _dead_worker_document(world, "queued", 0)
    document.lease_until = None
    document.save()

    documents._step(document, 10, "Étape", status=DocumentStatus.RUNNING)

    document.refresh_from_db()
    assert document.lease_until is not None
    assert not document.stalled


# Guests: one rating each, rate limits ---------------------------------------------------------


def _guest_url(world, purpose: str) -> str:
    from ateliers.access import guest_token
    from ateliers.models import GuestLink

    link = GuestLink.objects.create(atelier=world.atelier, purpose=purpose)
    return reverse("ateliers:guest", args=[guest_token(link)])


def test_a_guest_rating_forty_times_through_one_link_counts_once(world, settings):
    from ateliers.models import Rating

    settings.LABO_GUEST_POSTS_PER_MINUTE = 100  # the rate limit is not what is tested here
    url = _guest_url(world, "rate")
    guest = Client()

    for score in [1, 2, 3, 4, 5] * 8:
        guest.post(url, {"rating-score": str(score), "rating-comment": ""})

    assert list(Rating.objects.values_list("score", flat=True)) == [5]


def test_two_guests_rate_once_each_and_a_second_link_does_not_give_another(world):
    from ateliers.models import Rating

    first, second = Client(), Client()
    first.post(_guest_url(world, "rate"), {"rating-score": "2", "rating-comment": ""})
    second.post(_guest_url(world, "rate"), {"rating-score": "4", "rating-comment": ""})
    again = first.post(_guest_url(world, "rate"), {"rating-score": "5", "rating-comment": "Mieux"})

    assert again.status_code == 302
    assert sorted(Rating.objects.values_list("score", flat=True)) == [4, 5]


def test_a_person_rates_a_workshop_once_and_rating_again_changes_it(world, member_client):
    from ateliers.models import Rating

    url = reverse("ateliers:result-add", args=[world.atelier.pk, "rating"])
    member_client.post(url, {"rating-score": "2", "rating-comment": ""})
    member_client.post(url, {"rating-score": "3", "rating-comment": "Bien"})

    assert list(Rating.objects.values_list("score", "comment")) == [(3, "Bien")]
    assert "bob" not in Rating.objects.get().rater  # a keyed hash, not a name


def test_the_database_refuses_a_second_rating_from_the_same_rater(world):
    from django.db import IntegrityError, transaction

    from ateliers.models import Rating

    Rating.objects.create(atelier=world.atelier, score=3, rater="r1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(atelier=world.atelier, score=4, rater="r1")


def test_guest_posts_are_rate_limited_per_guest(world, settings):
    settings.LABO_GUEST_POSTS_PER_MINUTE = 3
    url = _guest_url(world, "observe")
    guest = Client()
    guest.get(url)  # the cookie that tells this guest apart

    codes = [guest.post(url, {"observation-text": f"Vu {n}"}).status_code for n in range(5)]
    other = Client().post(url, {"observation-text": "Un autre invité"})

    assert codes[3:] == [429, 429]
    assert other.status_code != 429


def test_guest_endpoints_are_rate_limited_per_address(world, settings):
    from sessions.calendar import feed_token

    settings.LABO_GUEST_REQUESTS_PER_MINUTE = 4
    settings.LABO_FEED_REQUESTS_PER_MINUTE = 2
    guest_url = _guest_url(world, "vote")
    feed_url = reverse("sessions:personal-feed", args=[feed_token(world.member.person)])

    guest_codes = [Client().get(guest_url).status_code for _ in range(6)]
    feed_codes = [Client().get(feed_url).status_code for _ in range(3)]
    elsewhere = Client(REMOTE_ADDR="198.51.100.4").get(guest_url)

    assert guest_codes == [200] * 4 + [429] * 2
    assert feed_codes == [200, 200, 429]
    assert elsewhere.status_code == 200


# The personal calendar address can be renewed by its owner -------------------------------------


def test_owner_renews_the_calendar_address_and_the_old_one_is_404(world, member_client):
    from sessions.calendar import feed_token

    person = world.member.person
    old = reverse("sessions:personal-feed", args=[feed_token(person)])
    assert Client().get(old).status_code == 200

    response = member_client.post(reverse("labo:calendar-renew"))
    person.refresh_from_db()
    new = reverse("sessions:personal-feed", args=[feed_token(person)])

    assert response.status_code == 302
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert new in member_client.get(reverse("labo:my-profile")).content.decode()


def test_renewing_twice_revokes_the_second_address_too(world, member_client):
    from sessions.calendar import feed_token

    person = world.member.person
    member_client.post(reverse("labo:calendar-renew"))
    person.refresh_from_db()
    second = reverse("sessions:personal-feed", args=[feed_token(person)])
    member_client.post(reverse("labo:calendar-renew"))

    assert Client().get(second).status_code == 404


def test_renewing_the_calendar_address_is_a_post_of_the_owner_only(world, member_client):
    person = world.member.person
    before = person.calendar_key

    get = member_client.get(reverse("labo:calendar-renew"))
    anonymous = Client().post(reverse("labo:calendar-renew"))
    person.refresh_from_db()

    assert get.status_code == 405
    assert anonymous.status_code == 302  # to the login page
    assert person.calendar_key == before


# Facilitators delete any result, photos included; files purged after the undo window ----------


def _photo(world, facilitator_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ateliers.models import Photo
    from tests.ateliers.test_photos import image_bytes

    upload = SimpleUploadedFile("tableau.png", image_bytes("PNG", size=(300, 200)))
    facilitator_client.post(
        reverse("ateliers:photo-add", args=[world.atelier.pk]),
        {"photo-image": upload, "photo-caption": "Le mur"},
    )
    return Photo.objects.get()


def test_facilitator_deletes_a_photo_and_can_undo_it(world, facilitator_client):
    from ateliers.models import Photo

    photo = _photo(world, facilitator_client)
    page = facilitator_client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk]))
    delete = reverse("ateliers:result-delete", args=[world.atelier.pk, "photo", photo.pk])
    assert delete in page.content.decode()

    deleted = facilitator_client.post(delete, follow=True)
    undo = deleted.context["undo"]
    back = facilitator_client.post(
        reverse("labo:history-restore", args=[undo.pk]),
        {"next": reverse("ateliers:atelier-detail", args=[world.atelier.pk])},
    )

    assert "Annuler" in deleted.content.decode()
    assert back.status_code == 302
    assert back["Location"] == reverse("ateliers:atelier-detail", args=[world.atelier.pk])
    restored = Photo.objects.get(pk=photo.pk)
    assert (
        facilitator_client.get(
            reverse("ateliers:photo-file", args=[restored.pk, "full"])
        ).status_code
        == 200
    )


def test_deleted_photo_files_are_purged_after_the_undo_window_then_it_cannot_come_back(
    world, facilitator_client, settings
):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from ateliers import services
    from ateliers.models import Photo
    from ateliers.photos import print_name
    from labo.history import audit

    photo = _photo(world, facilitator_client)
    names = [photo.image.name, print_name(photo.image.name), photo.thumbnail.name]
    storage = photo.image.storage
    entry = services.delete_result(obj=photo)

    within = services.purge_deleted_photos()
    kept = [storage.exists(n) for n in names]
    later = timezone.now() + dt.timedelta(hours=settings.LABO_PHOTO_UNDO_HOURS, minutes=1)
    purged = services.purge_deleted_photos(now=later)

    assert (within, kept) == (0, [True, True, True])
    assert purged == 3  # the photo, its print copy and its thumbnail
    assert [storage.exists(n) for n in names] == [False, False, False]
    with pytest.raises(audit.RestoreRefused):
        audit.restore(entry)
    assert not Photo.objects.exists()
    call_command("purge_deleted_photos")  # the command runs (nothing left to remove)


def test_a_restored_photo_keeps_its_files_after_the_window(world, facilitator_client, settings):
    import datetime as dt

    from django.utils import timezone

    from ateliers import services
    from labo.history import audit

    photo = _photo(world, facilitator_client)
    entry = services.delete_result(obj=photo)
    audit.restore(entry)

    later = timezone.now() + dt.timedelta(hours=settings.LABO_PHOTO_UNDO_HOURS + 1)

    assert services.purge_deleted_photos(now=later) == 0
    assert photo.image.storage.exists(photo.image.name)


def _result(kind: str, atelier):
    from ateliers import models as m

    makers = {
        "idea": lambda: m.Idea.objects.create(atelier=atelier, text="Post-it"),
        "retro": lambda: m.RetroEntry.objects.create(atelier=atelier, kind="worked", text="Oui"),
        "action": lambda: m.Action.objects.create(atelier=atelier, what="Relancer"),
        "rating": lambda: m.Rating.objects.create(atelier=atelier, score=1, comment="Bof"),
    }
    return makers[kind]()


@pytest.mark.parametrize("kind", ["idea", "retro", "action", "rating"])
def test_facilitator_deletes_any_result_from_the_workshop_page(world, facilitator_client, kind):
    from ateliers.services import reveal_ideas

    world.atelier.format = "retrospective"
    world.atelier.save()
    obj = _result(kind, world.atelier)
    reveal_ideas(atelier=world.atelier)
    delete = reverse("ateliers:result-delete", args=[world.atelier.pk, kind, obj.pk])
    page = facilitator_client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk]))

    response = facilitator_client.post(delete)

    assert delete in page.content.decode()
    assert response.status_code == 302
    assert not type(obj).objects.filter(pk=obj.pk).exists()


def test_an_ambassador_cannot_delete_a_photo(world, facilitator_client, member_client):
    from ateliers.models import Photo

    photo = _photo(world, facilitator_client)

    response = member_client.post(
        reverse("ateliers:result-delete", args=[world.atelier.pk, "photo", photo.pk])
    )

    assert response.status_code == 403
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_a_person_who_also_opens_the_guest_link_still_rates_once(world, member_client):
    from ateliers.models import Rating

    member_client.post(
        reverse("ateliers:result-add", args=[world.atelier.pk, "rating"]),
        {"rating-score": "2", "rating-comment": ""},
    )
    member_client.post(_guest_url(world, "rate"), {"rating-score": "5", "rating-comment": ""})

    assert list(Rating.objects.values_list("score", flat=True)) == [5]
