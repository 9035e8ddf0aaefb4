"""Load on a real server: gunicorn on loopback, with the settings of production.

``throughput`` compares the agenda page's requests per second with /healthz's (same server,
same run); ``run_locust`` drives fifty simulated users for a minute and reads back locust's
figures. Used by ``manage.py loadtest`` (make load)."""

from __future__ import annotations

import csv
import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import override_settings
from django.utils.crypto import get_random_string

from ateliers.formats import Format
from ateliers.models import Atelier, DebateQuestion
from labo.devtools.bench import logged_in_client
from labo.devtools.volume import PROGRAMME, USERS
from sessions.models import AgendaItem, Session

WORKERS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(static_root: str) -> dict:
    """Production settings, but plain HTTP on loopback and this process's secret key (so
    that the sessions made here are valid there)."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": static_root,
        "AXES_FAILURE_LIMIT": "1000",
    }


@contextmanager
def gunicorn():
    """A server for the block; yields its base URL."""
    with tempfile.TemporaryDirectory() as static_root:
        env = server_env(static_root)
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
        port = _free_port()
        gunicorn_bin = Path(sys.executable).with_name("gunicorn")
        process = subprocess.Popen(
            [
                str(gunicorn_bin),
                "labo.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        try:
            _wait_until_up(port)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def session_cookie(username: str) -> str:
    """A logged-in session for the user, kept where the server reads it."""

    session = logged_in_client(username).cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session}"


def requests_per_second(
    base: str, path: str, *, cookie: str = "", seconds: float = 5, clients: int = 8
) -> float:
    host, port = base.removeprefix("http://").split(":")
    done, errors = [0] * clients, [0] * clients
    stop = time.monotonic() + seconds

    headers = {}
    if cookie:  # with a CSRF cookie, as a browser holds one after its first page
        headers["Cookie"] = f"{cookie}; {settings.CSRF_COOKIE_NAME}={get_random_string(32)}"

    def hammer(i: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.monotonic() < stop:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                done[i] += 1
            else:
                errors[i] += 1

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if sum(errors):
        raise RuntimeError(f"{path}: {sum(errors)} answers were not 200")
    return sum(done) / seconds


@dataclass
class LocustFigures:
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    rps: float
    rows: list


SPAWN_PER_SECOND = 10


def run_locust(base: str, *, users: int, seconds: int, ids: dict) -> LocustFigures:
    """Everyone arrives (ramp), then the figures are kept for ``seconds``."""
    ramp = -(-users // SPAWN_PER_SECOND)
    locustfile = Path(__file__).with_name("locustfile.py")
    locust_bin = Path(sys.executable).with_name("locust")
    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, **{f"LABO_LOAD_{k.upper()}": str(v) for k, v in ids.items()}}
        subprocess.run(
            [
                str(locust_bin),
                "-f",
                str(locustfile),
                "--headless",
                "--host",
                base,
                "-u",
                str(users),
                "-r",
                str(SPAWN_PER_SECOND),
                "-t",
                f"{seconds + ramp}s",
                "--csv",
                f"{out}/run",
                "--only-summary",
                "--reset-stats",  # the figures of the minute when everyone is in
                "--loglevel",
                "WARNING",
            ],
            env=env,
            check=False,
            timeout=seconds + 120,
        )
        with open(f"{out}/run_stats.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return LocustFigures(
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        p50_ms=float(total["50%"]),
        p95_ms=float(total["95%"]),
        rps=float(total["Requests/s"]),
        rows=[r for r in rows if r["Name"] != "Aggregated"],
    )


def scenario_ids() -> dict[str, int]:
    """The objects the locust scenario uses, in the volume data's first session."""
    session = Session.objects.filter(programme__name=PROGRAMME, number=1).first()
    if session is None:
        raise CommandError("No volume data: run seed_volume first (on a scratch database).")
    day = session.days.order_by("date").first()
    return {
        "session": session.pk,
        "item": AgendaItem.objects.filter(day=day, parent__isnull=True).order_by("position")[1].pk,
        "atelier": Atelier.objects.filter(session=session, format=Format.FREE).order_by("pk")[0].pk,
        "question": DebateQuestion.objects.filter(atelier__session=session).order_by("pk")[0].pk,
    }


class LoadtestCommand(BaseCommand):
    help = (
        "Run gunicorn on loopback with production settings over the volume data (seed_volume): "
        "the agenda page's throughput against /healthz's, then a locust run of 50 users."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--no-locust", action="store_true")

    def handle(self, *args, **options) -> None:
        # The server runs with DEBUG off, which refuses the development key; it shares this
        # one so that the sessions made here are read there.
        with override_settings(SECRET_KEY=secrets.token_urlsafe(50)):
            self._run(**options)

    def _run(self, *, users: int, seconds: int, no_locust: bool, **options) -> None:
        ids: dict[str, object] = dict(scenario_ids())
        agenda = f"/sessions/{ids['session']}/agenda/"
        with gunicorn() as base:
            cookie = session_cookie("vol-animateur")
            health = requests_per_second(base, "/healthz")
            pages = requests_per_second(base, agenda, cookie=cookie)
            ratio = pages / health
            verdict = "yes" if ratio >= 1 / 3 else "NO"
            self.stdout.write(
                f"gunicorn ({WORKERS} workers, DEBUG off, {connection.vendor}), "
                "8 clients, 5 s each\n"
                f"/healthz            {health:8.0f} req/s\n"
                f"agenda page         {pages:8.0f} req/s\n"
                f"ratio               {ratio:8.2f}   (target ≥ 0.33)  {verdict}"
            )
            if no_locust:
                return
            for username, role in USERS.items():
                ids[f"cookie_{role}"] = session_cookie(username)
            figures = run_locust(base, users=users, seconds=seconds, ids=ids)
        ok = figures.p95_ms <= 200 and figures.failures == 0
        self.stdout.write(
            f"\nlocust: {users} users for {seconds} s (facilitators editing, ambassadors logging, "
            f"management reading)\n"
            f"{'request':<22} {'count':>7} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7}"
        )
        for row in figures.rows:
            self.stdout.write(
                f"{row['Name']:<22} {row['Request Count']:>7} {row['Failure Count']:>5} "
                f"{row['50%']:>7} {row['95%']:>7}"
            )
        self.stdout.write(
            f"{'all':<22} {figures.requests:>7} {figures.failures:>5} {figures.p50_ms:>7.0f} "
            f"{figures.p95_ms:>7.0f}   {figures.rps:.0f} req/s   "
            f"(target p95 ≤ 200 ms, 0 errors)  {'yes' if ok else 'NO'}"
        )
