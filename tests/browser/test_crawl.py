"""Every page each persona reaches in the demo lab, in Chromium on a 360-pixel phone: nothing
wider than the screen, no Content-Security-Policy error in the console, and axe finds
nothing (WCAG 2.1 AA and its best practices)."""

from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}
PERSONAS = ["animateur", "ambassadrice", "ambassadeur2", "direction"]
PER_VIEW = 2  # pages of each kind: enough to meet every template
MAX_PAGES = 45
# Not pages: files, streams, leaving.
SKIPPED = ("-pdf", "-docx", "-ics", "-export", "-stream", "logout", "personal-feed", "admin:")


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", verbosity=0)
    for user in User.objects.filter(username__in=PERSONAS):  # without DEBUG they have none
        user.set_password("demo")
        user.save()


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{base}/")


def _view_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_fits_a_phone_breaks_no_policy_and_passes_axe(page, live_server, demo, persona):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, persona)

    seen, per_view, problems = set(), Counter(), {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        name = _view_name(path)
        if path in seen or name is None or name.endswith(SKIPPED) or name.startswith("admin:"):
            continue
        if per_view[name] >= PER_VIEW:
            continue
        seen.add(path)
        per_view[name] += 1
        console.clear()
        try:
            page.goto(f"{live_server.url}{path}")
        except PlaywrightError as error:  # a file, not a page
            if "Download is starting" in str(error):
                continue
            raise
        found = []
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            found.append(f"{width} px wide")
        violations = Axe().run(page, options=AXE)
        if violations.violations_count:
            found.append(violations.generate_report())
        csp = [text for text in console if "Content Security Policy" in text]
        found += csp
        if found:
            problems[path] = found
        hrefs = page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        queue.extend(href for href in hrefs if href.startswith("/") and href not in seen)

    assert problems == {}
    assert len(seen) > 5
