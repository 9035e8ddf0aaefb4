"""Fifty people using the lab at once: facilitators editing agendas, ambassadors logging
workshop results, management reading. Run by `manage.py loadtest` (make load), which
passes the ids of the objects to use and a logged-in session per role through LABO_LOAD_*
variables: the scenario is the use of the lab, not fifty password checks at once.

With LABO_LOAD_LEDGER (`manage.py cluster`), ambassadors also post ideas carrying unique
texts, and the ledger file gets one line per fact to check afterwards: each idea the server
said was saved, each failure, each answer that sent a user to the login page (redirects are
not followed then, so that one is seen)."""

import os
import secrets
import string
import time
import uuid

from locust import FastHttpUser, between, events, task

SESSION = os.environ.get("LABO_LOAD_SESSION", "1")
ITEM = os.environ.get("LABO_LOAD_ITEM", "1")
ATELIER = os.environ.get("LABO_LOAD_ATELIER", "1")
QUESTION = os.environ.get("LABO_LOAD_QUESTION", "1")
LEDGER = os.environ.get("LABO_LOAD_LEDGER", "")
# The texts of the ideas posted: the run checks each one answered as saved is stored.
IDEA_PREFIX = os.environ.get("LABO_LOAD_IDEA_PREFIX", "cluster-")


def note(kind: str, *fields: str) -> None:
    """One tab-separated line: kind, wall-clock time, fields (one line each)."""
    clean = (" ".join(f.split()) for f in fields)
    with open(LEDGER, "a", encoding="utf-8") as ledger:
        ledger.write("\t".join([kind, f"{time.time():.3f}", *clean]) + "\n")


if LEDGER:

    @events.request.add_listener
    def _noted(name, response=None, exception=None, **_kwargs) -> None:
        if exception is not None:
            note("failure", name, repr(exception)[:300])
        elif response is not None and response.status_code in (301, 302, 303):
            location = response.headers.get("Location", "")
            if "/login/" in location:
                note("loggedout", name, location)


class LaboUser(FastHttpUser):  # geventhttpclient: the load generator shares the CPUs
    abstract = True
    wait_time = between(0.5, 2.0)
    role = ""

    def on_start(self) -> None:
        # A CSRF secret of our own, sent as cookie and header, as a browser's page would.
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        session = os.environ[f"LABO_LOAD_COOKIE_{self.role.upper()}"]
        self.headers = {"Cookie": f"{session}; csrftoken={self.csrf}"}

    def get(self, url: str, name: str):
        return self.client.get(url, headers=self.headers, name=name, allow_redirects=not LEDGER)

    def htmx_post(self, url: str, data: dict, name: str, headers: dict | None = None):
        headers = {
            **self.headers,
            "HX-Request": "true",
            "X-CSRFToken": self.csrf,
            **(headers or {}),
        }
        return self.client.post(
            url, data=data, headers=headers, name=name, allow_redirects=not LEDGER
        )


class Facilitator(LaboUser):
    weight = 1
    role = "facilitator"

    @task(3)
    def agenda(self):
        self.get(f"/sessions/{SESSION}/agenda/", "agenda")

    @task(2)
    def move_block(self):
        for direction in ("down", "up"):
            self.htmx_post(
                f"/sessions/items/{ITEM}/move/", {"direction": direction}, "move a block"
            )

    @task(1)
    def session_page(self):
        self.get(f"/sessions/{SESSION}/", "session page")


class Ambassador(LaboUser):
    weight = 3
    role = "ambassador"

    @task(3)
    def workshop(self):
        self.get(f"/ateliers/{ATELIER}/", "workshop page")

    @task(3)
    def tap(self):
        self.htmx_post(
            f"/ateliers/questions/{QUESTION}/tap/", {"position": "yes", "delta": "1"}, "tap +1"
        )

    @task(1)
    def home(self):
        self.get("/", "home")

    if LEDGER:

        @task(2)
        def idea(self):
            # As static/js/capture.js sends it: with an Idempotency-Key, so that a proxy may
            # send it again to another node when the first one died with it in hand.
            text = f"{IDEA_PREFIX}{uuid.uuid4().hex}"
            key = {"Idempotency-Key": secrets.token_urlsafe(18)}
            response = self.htmx_post(
                f"/ateliers/{ATELIER}/add/idea/", {"idea-text": text}, "post an idea", key
            )
            if 200 <= response.status_code < 300:
                note("saved", text)


class Management(LaboUser):
    weight = 1
    role = "management"

    @task(2)
    def home(self):
        self.get("/", "home")

    @task(2)
    def dashboard(self):
        self.get("/dashboard/", "dashboard")

    @task(1)
    def board(self):
        self.get("/commandes/", "commande board")
