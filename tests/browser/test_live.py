"""A live room as the room sees it: a projector, three phones (a guest who types the code,
an ambassador logged in, a guest on a slow network). Each vote reaches the projector within
a second without a reload; a second vote changes the answer; a closed code no longer works;
axe finds nothing on the join page, the phone page and the console.

The streams need an ASGI server: the test serves the app with uvicorn in a subprocess, on
a free loopback port, against a SQLite file it prepares (pytest-django's test database is
not visible to another process; on SQLite the events stay in that one process, as the
streams do)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_roles import WCAG_AA

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "un-mot-de-passe-solide"
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "has_touch": True,
    "is_mobile": True,
    "service_workers": "block",
}
LAPTOP = {"viewport": {"width": 1366, "height": 800}, "service_workers": "block"}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "service_workers": "block"}
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
WITHIN = 1.0  # seconds, from a phone's tap to the projector's change

# Run in the server's database by `manage.py shell`: a session, its facilitator (of the
# programme), an ambassador who attends it, a débat mouvant with one statement.
WORLD = f"""
import json
from labo.roles import AMBASSADOR, FACILITATOR
from ateliers import models as m
from tests import factories
programme = factories.ProgrammeFactory(name="La Transfo")
session = factories.SessionFactory(programme=programme, title="Le Grand Atelier")
day = factories.DayFactory(session=session)
people = {{}}
for username, role in (("animateur", FACILITATOR), ("ambassadrice", AMBASSADOR)):
    user = factories.UserFactory(username=username, roles=[role], password={PASSWORD!r})
    people[username] = factories.PersonFactory(user=user, first_name=username.capitalize())
programme.facilitators.add(people["animateur"])
factories.AttendanceFactory(day=day, person=people["ambassadrice"])
atelier = factories.AtelierFactory(session=session, format="debat_mouvant", title="Le débat")
question = m.DebateQuestion.objects.create(atelier=atelier, text="Le Labo est-il un catalyseur ?")
print(json.dumps({{"atelier": atelier.pk, "question": question.pk}}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app served by uvicorn on a world of its own: its address and the world's keys."""
    where = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{where / 'labo.sqlite3'}",
        "SHARED_CACHE_DIR": str(where / "cache"),
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    _manage(env, "migrate", "-v0")
    world = json.loads(_manage(env, "shell", "-v0", "-c", WORLD).strip().splitlines()[-1])
    port = _free_port()
    log = (where / "uvicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "labo.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"{url}/login/", timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (where / "uvicorn.log").read_text()
                time.sleep(0.1)
        else:
            pytest.fail("uvicorn did not answer in 10 s")
        yield {"url": url, **world}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def log_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}/")


def assert_accessible(page) -> None:
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def _answered(projector) -> int:
    """The first number of the projector's count line ("3 réponses · 3 connectés")."""
    text = projector.evaluate(
        "() => (document.querySelector('#projector .projector-count') || {}).textContent || ''"
    )
    found = re.search(r"\d+", text)
    return int(found.group()) if found else -1


def _bars(projector) -> list[int]:
    return projector.evaluate(
        "() => Array.from(document.querySelectorAll('#projector .live-bars .live-number'))"
        ".map(n => Number(n.textContent.trim()))"
    )


def _vote_reaches_projector(phone, projector, value: str, expected: list[int]) -> float:
    """Tap an answer on the phone; the seconds until the projector's bars show `expected`."""
    button = phone.locator(f'#live-step button[name="live-value"][value="{value}"]')
    expect(button).to_be_enabled()
    started = time.monotonic()
    button.tap()
    while _bars(projector) != expected:
        elapsed = time.monotonic() - started
        assert elapsed < WITHIN, (
            f"{value}: the projector shows {_bars(projector)} after {elapsed:.2f} s"
        )
        time.sleep(0.01)
    return time.monotonic() - started


def _act(console, action: str, step: str = "") -> None:
    if step:
        console.locator(f'#live-controls button[name="step"][value="{step}"]').click()
    else:
        console.locator(f'#live-controls button[name="action"][value="{action}"]').click()


def test_three_phones_vote_and_the_projector_follows(browser, site):
    url, atelier = site["url"], site["atelier"]
    step = f"debate-{site['question']}"

    # The facilitator opens the room and puts the projector on the wall.
    console = browser.new_context(**LAPTOP).new_page()
    log_in(console, url, "animateur")
    console.goto(f"{url}/ateliers/{atelier}/live/")
    console.locator(f'form[action="/ateliers/{atelier}/live/open/"] button[type=submit]').click()
    code = console.locator(".live-console-join .live-code").inner_text().strip()
    assert re.fullmatch(r"[ABCDEFGHJKMNPQRTUVWXY346789]{6}", code), code
    assert_accessible(console)
    projector = console.context.new_page()
    projector.set_viewport_size(PROJECTOR["viewport"])
    projector.goto(f"{url}/ateliers/{atelier}/live/projector/")
    expect(projector.locator("#projector .live-code")).to_have_text(code)
    expect(projector.locator("#projector")).to_have_attribute("data-live-state", "live")

    # A guest types the code; the ambassador and a slow guest open the room's address.
    guest = browser.new_context(**PHONE).new_page()
    guest.goto(f"{url}/live/")
    assert_accessible(guest)
    guest.locator("input[name=code]").fill(code.lower())
    guest.locator("main form button[type=submit]").tap()
    guest.wait_for_url(f"{url}/live/{code}/")
    ambassador = browser.new_context(**PHONE).new_page()
    log_in(ambassador, url, "ambassadrice")
    ambassador.goto(f"{url}/live/{code}/")
    slow = browser.new_context(**PHONE).new_page()
    network = slow.context.new_cdp_session(slow)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", SLOW)
    slow.goto(f"{url}/live/{code}/", timeout=30_000)
    phones = (guest, ambassador, slow)
    for phone in phones:
        expect(phone.locator("#live")).to_have_attribute("data-live-state", "live")
    # A browser without EventSource asks every two seconds instead.
    poller = browser.new_context(**PHONE).new_page()
    poller.add_init_script("delete window.EventSource")
    poller.goto(f"{url}/live/{code}/")
    expect(poller.locator("#live")).to_have_attribute("data-live-state", "polling")
    expect(projector.locator("#projector .projector-count")).to_contain_text("4")

    # The statement on the screen: every phone shows its three answers, no reload.
    _act(console, "go", step)
    for phone in (*phones, poller):
        expect(phone.locator('#live-step button[name="live-value"]')).to_have_count(3)
    # Positions stay hidden until the facilitator reveals them (nobody answers after
    # seeing how the room answered); then they move with every vote.
    expect(projector.locator("#projector .live-hidden")).to_be_visible()
    expect(projector.locator("#projector .live-bars")).to_have_count(0)
    _act(console, "show")
    expect(projector.locator("#projector .live-bars .live-number")).to_have_count(3)
    assert _bars(projector) == [0, 0, 0]
    assert_accessible(guest)

    # Oui, Non, Mitigé: each within a second on the projector.
    times = [
        _vote_reaches_projector(guest, projector, "yes", [1, 0, 0]),
        _vote_reaches_projector(ambassador, projector, "no", [1, 1, 0]),
        _vote_reaches_projector(slow, projector, "mixed", [1, 1, 1]),
    ]
    assert _answered(projector) == 3
    print("vote to projector (s):", ", ".join(f"{t:.3f}" for t in times))
    # Chromium's emulation holds the answer, not the request: the slow phone's own
    # confirmation comes after the projector's, and it comes.
    expect(slow.locator('#live-step [aria-pressed="true"]')).to_have_attribute("value", "mixed")

    # The guest changes their mind: the answer moves, nothing is counted twice.
    expect(guest.locator('#live-step [aria-pressed="true"]')).to_have_attribute("value", "yes")
    _vote_reaches_projector(guest, projector, "no", [0, 2, 1])
    assert _answered(projector) == 3
    expect(guest.locator('#live-step [aria-pressed="true"]')).to_have_attribute("value", "no")
    projector.wait_for_timeout(300)
    assert _bars(projector) == [0, 2, 1]
    assert_accessible(ambassador)

    # The facilitator closes the room: the phones hear it, the code no longer opens it.
    console.locator(".live-close summary").click()  # closing asks first
    console.locator(f'form[action="/ateliers/{atelier}/live/close/"] button[type=submit]').click()
    expect(projector.locator("#projector .projector-closed")).to_be_visible()
    for phone in phones:
        expect(phone.locator("#live-step form")).to_have_count(0)
    late = browser.new_context(**PHONE).new_page()
    answer = late.goto(f"{url}/live/{code}/")
    assert answer.status == 404
    late.goto(f"{url}/live/")
    late.locator("input[name=code]").fill(code)
    late.locator("main form button[type=submit]").tap()
    expect(late.locator("main .field-error .error")).to_have_count(1)
    assert late.url == f"{url}/live/"
