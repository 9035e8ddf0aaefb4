"""A button is shown exactly when its URL will accept the visitor: every link on the pages
each persona reaches in the demo lab answers, none with "Accès refusé" (403); and none of
those pages shows a leftover ("---------", "None", a time to the microsecond)."""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve, reverse

from ateliers.access import guest_token
from ateliers.models import Atelier, GuestLink, GuestPurpose
from labo.access import OBJECT_RULES, POLICY, access_for, may
from labo.models import Person
from tests import factories
from tests.html_checker import html_errors

# Streams never end under the test client; a day-run poll is the page itself.
STREAMS = {"ateliers:live-stream", "sessions:day-run-stream", "live:stream"}
# Enough of each kind of page to meet every button it draws, without drawing every PDF.
PER_VIEW = 3
PER_DOWNLOAD = 1
MAX_PAGES = 250


class _Links(HTMLParser):
    """Same-site GET targets (links, htmx GETs, GET forms) and what forms post to."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.posts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.found.append(a["href"] or "")
        get, post = (
            a.get("data-hx-get") or a.get("hx-get"),
            a.get("data-hx-post") or a.get("hx-post"),
        )
        if get:
            self.found.append(get)
        if tag == "form" and a.get("action"):
            method = (a.get("method") or "get").lower()
            (self.found if method == "get" else self.posts).append(a["action"] or "")
        if post:
            self.posts.append(post)
        if tag == "button" and a.get("formaction"):
            self.posts.append(a["formaction"] or "")


def _same_site(hrefs: list[str], base: str) -> list[str]:
    urls = []
    for href in hrefs:
        url = urlsplit(urljoin(base, href))
        if url.scheme not in ("http", "") or url.netloc not in ("", "testserver"):
            continue
        urls.append(url.path + (f"?{url.query}" if url.query else ""))
    return urls


def links_of(html: str, base: str) -> tuple[list[str], list[str]]:
    """The page's GET targets, and the addresses its forms post to."""
    parser = _Links()
    parser.feed(html)
    return _same_site(parser.found, base), _same_site(parser.posts, base)


def role_refuses(user, url: str) -> bool:
    """Whether the access policy's role part refuses a form's address (posting it would
    write: the policy is asked instead)."""
    try:
        name = resolve(urlsplit(url).path).view_name
    except Resolver404:
        return False
    access = access_for(name)
    return access is None or access.allows(user) is False


# What a page must never show: Django's blank choice, a machine time to the microsecond.
LEFTOVERS = {
    "a select's blank choice in dashes": re.compile(r">-{9}<"),
    "a time with microseconds": re.compile(r'datetime="[^"]*\.\d{6}'),
    "None": re.compile(r">\s*None\s*<|: None\b|None →|→ None"),
}


@dataclass
class Crawl:
    refused: dict[str, list[str]] = field(default_factory=dict)  # url: the pages linking it
    leftovers: dict[str, list[str]] = field(default_factory=dict)  # url: what it shows
    documents: dict[str, str] = field(default_factory=dict)  # url: a whole page's HTML
    pages: int = 0


def crawl(client: Client, user: User | AnonymousUser, starts: list[str]) -> Crawl:
    """Every page reached from ``starts`` by following links (a bounded number per kind of
    page): those that refused the visitor, with the pages that showed the link, and those
    that show a leftover."""
    seen: set[str] = set()
    per_view: Counter[str] = Counter()
    found = Crawl()
    refused = found.refused
    queue = deque((url, "(start)") for url in starts)
    while queue and len(seen) < MAX_PAGES:
        url, found_on = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith(("/static/", "/media/")):
            continue
        try:
            name = resolve(path).view_name
        except Resolver404:
            continue
        limit = PER_DOWNLOAD if name.endswith(("-pdf", "-docx", "-file", "-export")) else PER_VIEW
        if name in STREAMS or name == "labo:logout" or per_view[name] >= limit:
            continue
        seen.add(url)
        per_view[name] += 1
        response = client.get(url)
        if response.status_code == 403:
            refused.setdefault(url, []).append(found_on)
            continue
        found.pages += 1
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            html = response.content.decode()
            shown = [name for name, pattern in LEFTOVERS.items() if pattern.search(html)]
            if shown and not name.startswith("admin:"):  # Django's admin speaks its own way
                found.leftovers[url] = shown
            whole = html.lstrip()[:15].lower() == "<!doctype html>"
            if whole and response.status_code == 200 and not name.startswith("admin:"):
                found.documents[url] = html
            links, posts = links_of(html, url)
            queue.extend((link, url) for link in links)
            for post in posts:
                if role_refuses(user, post):
                    refused.setdefault(f"POST {post}", []).append(url)
    return found


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def _starts_for(user: User) -> list[str]:
    starts = [reverse("labo:home"), reverse("sessions:session-list")]
    starts.append(reverse("commandes:commande-board"))
    person = Person.objects.filter(user=user).first()
    if person is not None:  # the workshops they run, where the refused buttons were
        for atelier in Atelier.objects.filter(facilitators=person)[:2]:
            starts.append(reverse("ateliers:atelier-detail", args=[atelier.pk]))
    return starts


@pytest.mark.parametrize(
    "persona", ["animateur", "ambassadrice", "ambassadeur2", "direction", "admin", "guest"]
)
def test_no_link_a_persona_is_shown_answers_403_and_every_page_is_valid_html(
    demo, persona, tmp_path
):
    client = Client()
    user: User | AnonymousUser = AnonymousUser()
    if persona == "guest":
        atelier = Atelier.objects.filter(ideas_revealed=True).first()
        link = GuestLink.objects.create(atelier=atelier, purpose=GuestPurpose.VOTE)
        starts = [reverse("ateliers:guest", args=[guest_token(link)]), reverse("labo:home")]
    else:
        user = User.objects.get(username=persona)
        client.force_login(user)
        starts = _starts_for(user)

    found = crawl(client, user, starts)

    assert found.refused == {}
    assert found.leftovers == {}
    assert found.pages >= len(starts)
    assert html_errors(found.documents, tmp_path) == {}  # the W3C Nu Html Checker


def test_the_ambassador_running_a_workshop_is_not_offered_what_the_policy_refuses(demo):
    lea = User.objects.get(username="ambassadrice")
    atelier = Atelier.objects.filter(facilitators__user=lea).first()
    client = Client()
    client.force_login(lea)

    page = client.get(reverse("ateliers:atelier-detail", args=[atelier.pk])).content.decode()
    edit = client.get(reverse("ateliers:atelier-edit", args=[atelier.pk]))

    assert edit.status_code == 403
    assert reverse("ateliers:atelier-edit", args=[atelier.pk]) not in page
    assert reverse("ateliers:guest-link-create", args=[atelier.pk]) not in page


def test_the_facilitator_of_the_workshop_is_offered_its_buttons(demo):
    camille = User.objects.get(username="animateur")
    atelier = Atelier.objects.filter(facilitators__user=camille).first()
    client = Client()
    client.force_login(camille)

    page = client.get(reverse("ateliers:atelier-detail", args=[atelier.pk])).content.decode()

    assert reverse("ateliers:atelier-edit", args=[atelier.pk]) in page
    assert reverse("ateliers:guest-link-create", args=[atelier.pk]) in page
    assert client.get(reverse("ateliers:atelier-edit", args=[atelier.pk])).status_code == 200


def _request(user) -> object:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_may_asks_the_role_then_the_rule_of_the_object(world):
    other = factories.SessionFactory()
    facilitator = _request(world.facilitator)

    assert may(facilitator, "sessions:agenda", world.session) is True
    assert may(facilitator, "sessions:agenda", other) is False  # not their programme
    assert may(_request(world.member), "sessions:agenda", world.session) is False  # role
    assert may(_request(AnonymousUser()), "sessions:session-list") is False


def test_may_refuses_a_url_whose_rule_needs_an_object_when_given_none(world):
    assert may(_request(world.facilitator), "sessions:agenda") is False


def test_may_refuses_an_undeclared_url(world):
    assert may(_request(world.admin), "labo:no-such-page") is False


def test_may_asks_each_rule_of_an_object_once_per_request(world, django_assert_num_queries):
    request = _request(world.facilitator)
    may(request, "sessions:agenda", world.session)

    with django_assert_num_queries(0):
        for name in ("sessions:agenda", "sessions:session-history", "ateliers:atelier-create"):
            assert may(request, name, world.session) is True


def test_every_object_rule_is_for_a_declared_url():
    assert set(OBJECT_RULES) - set(POLICY) == set()


MENU = [
    "sessions:session-list",
    "sessions:method-list",
    "commandes:commande-board",
    "labo:person-list",
    "labo:dashboard",
    "labo:search",
    "labo:my-profile",
    "admin:index",
]


@pytest.mark.parametrize("persona", ["member", "facilitator", "management", "admin"])
def test_the_menu_shows_exactly_what_the_policy_lets_the_persona_reach(world, persona):
    user = getattr(world, persona)
    client = Client()
    client.force_login(user)

    page = client.get(reverse("labo:home")).content.decode()

    shown = {name for name in MENU if f'href="{reverse(name)}"' in page}
    assert shown == {name for name in MENU if access_for(name).allows(user)}
