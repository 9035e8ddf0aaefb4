"""Fifty people using the lab at once: facilitators editing agendas, ambassadors logging
workshop results, management reading. Run by `manage.py loadtest` (make load), which
passes the ids of the objects to use and a logged-in session per role through LABO_LOAD_*
variables: the scenario is the use of the lab, not fifty password checks at once."""

import os
import secrets
import string

from locust import FastHttpUser, between, task

SESSION = os.environ.get("LABO_LOAD_SESSION", "1")
ITEM = os.environ.get("LABO_LOAD_ITEM", "1")
ATELIER = os.environ.get("LABO_LOAD_ATELIER", "1")
QUESTION = os.environ.get("LABO_LOAD_QUESTION", "1")


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
        return self.client.get(url, headers=self.headers, name=name)

    def htmx_post(self, url: str, data: dict, name: str):
        headers = {**self.headers, "HX-Request": "true", "X-CSRFToken": self.csrf}
        return self.client.post(url, data=data, headers=headers, name=name)


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
