"""The live room under load (#16): N simulated phones vote on one débat mouvant statement
while the projector's stream is open, against uvicorn started here as a subprocess.

What it prints, for one app process, then for two behind the same database (phones post
to process A, the projector's stream is held on process B: a vote must cross processes),
then for two workers sharing one port as the application is deployed on two cores (each
request taken by whichever worker is free):

- vote-to-projector latency: for each acknowledged vote, from sending it to the first
  projector event whose ``id`` (the room's version) is at least the ``Labo-Live-Version``
  its answer carried; its 95th percentile apart for the votes sent while phones were still
  arriving (each loading the page: the peak of a room);
- votes sent, acknowledged, refused, in error; repeats (the same request sent again with
  the same ``Idempotency-Key``) and how many were answered as replays;
- lost and doubled, counted: each phone's last acknowledged answer against the
  ``LiveAnswer`` rows of the step, and the keys acknowledged against the ``Submission``
  rows stored;
- the server's memory per open stream: its RSS with K more phone streams open, less its
  RSS without, divided by K.

Every phone comes from 127.0.0.1: the servers run with the live rate limits raised
(``RATE_ENV``). Used by ``manage.py bench_live`` (``make bench-live``).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import HttpRequest
from django.test import override_settings
from django.urls import reverse
from yarl import URL

from ateliers.formats import Format
from ateliers.guests import COOKIE as GUEST_COOKIE
from ateliers.guests import COOKIE_SALT
from ateliers.live.services import device_key
from ateliers.models import Atelier, DebateQuestion, LiveAnswer, LiveRoom
from ateliers.services import add_result, create_atelier
from labo.devtools.loadtest import _free_port, _wait_until_up, server_env, session_cookie
from labo.devtools.scratch import facilitator_and_session
from labo.models import Programme, Submission

USERNAME = "animatrice-live"
PASSWORD = "un-mot-de-passe-de-banc"  # a scratch database's only account
CHOICES = ("yes", "no", "mixed")
GOAL_PHONES, GOAL_P95_MS = 300, 500
RATE_ENV = {"LABO_LIVE_REQUESTS_PER_MINUTE": "1000000", "LABO_LIVE_POSTS_PER_MINUTE": "1000000"}
# Under ASGI Django runs each request's sync code in a thread of its own: a connection kept
# for a minute (the WSGI default here) stays open behind every finished request, and a
# hundred phones use up PostgreSQL's max_connections. Persistent connections off.
ASGI_ENV = {
    "CONN_MAX_AGE": "0",
    "DB_POOL_MAX_SIZE": "40",  # per process; two processes stay under max_connections (100)
    "REDIS_URL": "redis://127.0.0.1:6379/7",  # the shared cache (rate limits, presence)
}
DEPLOYED_WORKERS = 2  # one per core of the machine the goal is set for
REQUEST_TIMEOUT = 10  # seconds; a vote not answered by then is sent again, same key
SETTLE = 3.0  # seconds the projector is still watched after the last vote
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# The lab: a facilitator, a session, one débat mouvant workshop per run ---------------------


def build_lab(runs: int) -> list[tuple[Atelier, DebateQuestion]]:
    """A facilitator and ``runs`` débat mouvant workshops of one statement each, through the
    users' services."""
    person, session = facilitator_and_session(
        first_name="Léa",
        username=USERNAME,
        password=PASSWORD,
        programme="Banc live",
        title="Séance en amphithéâtre",
    )
    lab = []
    for n in range(1, runs + 1):
        atelier = create_atelier(
            session=session,
            facilitators=[person],
            participants=[],
            title=f"Débat mouvant {n}",
            format=Format.DEBAT_MOUVANT,
        )
        question = add_result(
            atelier=atelier,
            kind="question",
            fields={"position": 0, "text": "Le Labo doit-il rester ouvert le samedi ?"},
            author=None,
        )
        assert isinstance(question, DebateQuestion)
        lab.append((atelier, question))
    return lab


# The servers ---------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path  # its output; the errors it logged are counted in the report

    def errors_logged(self) -> Counter:
        """The server's logged errors, by their last line (the exception)."""
        found: Counter = Counter()
        lines = self.log.read_text(errors="replace").splitlines()
        for index, line in enumerate(lines):
            if line.startswith(("Internal Server Error", "ERROR:")):
                last = next(
                    (
                        later
                        for later in lines[index + 1 :]
                        if later
                        and not later[0].isspace()
                        and not later.startswith(("Traceback", "The above", "During handling"))
                    ),
                    line,
                )
                found[last[:110]] += 1
        return found

    def rss_kb(self) -> int:
        """The process's resident memory (Linux), in kB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]


@contextmanager
def servers(
    count: int, *, dev: bool, extra_env: dict[str, str], workers: int = 1
) -> Iterator[list[Server]]:
    """``count`` uvicorn servers of ``workers`` processes each on free loopback ports, on
    this process's database, with production settings (``dev``: DEBUG on, no
    collectstatic)."""
    with ExitStack() as stack:
        static_root = stack.enter_context(tempfile.TemporaryDirectory())
        cache_dir = stack.enter_context(tempfile.TemporaryDirectory())  # their shared cache
        env = {**server_env(static_root), **RATE_ENV, "SHARED_CACHE_DIR": cache_dir}
        env.update({**ASGI_ENV, **extra_env})
        # Their own keys in Redis: a user's roles or a rate counter cached by another run
        # (another database, the same ids) must not answer for this one's.
        env.setdefault("REDIS_KEY_PREFIX", f"labo-bench-{secrets.token_hex(4)}")
        if dev:
            env["DEBUG"] = "1"
            env.pop("REDIS_URL", None)  # the test: a folder of its own, no Redis needed
        else:
            manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
            subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
        started: list[Server] = []
        uvicorn = Path(sys.executable).with_name("uvicorn")
        for index in range(count):
            port = _free_port()
            log = Path(settings.VAR_DIR) / f"bench-live-{'AB'[index]}.log"
            output = stack.enter_context(log.open("w"))
            process = subprocess.Popen(
                [
                    *(str(uvicorn), "labo.asgi:application", "--host", "127.0.0.1"),
                    *("--port", str(port), "--log-level", "warning", "--no-access-log"),
                    *("--timeout-graceful-shutdown", "2"),  # streams end with the server
                    *("--workers", str(workers)),
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its workers with it, stopped together
            )
            stack.callback(_stop, process)
            started.append(Server(f"http://127.0.0.1:{port}", process, log))
        for server in started:
            _wait_until_up(int(server.url.rsplit(":", 1)[1]))
        yield started


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and its workers (a session of their own: none is left behind)."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    with contextlib.suppress(ProcessLookupError):  # a worker still shutting down
        os.killpg(process.pid, signal.SIGKILL)


# The run -------------------------------------------------------------------------------


@dataclass
class Phone:
    index: int
    guest: str = ""  # the guest id its cookie carries
    value: str = ""  # its last acknowledged answer
    answered: bool = False
    unsure: bool = False  # a vote never answered: its fate is not known here


@dataclass
class Tally:
    sent: int = 0  # votes, each with its own key (repeats apart)
    acknowledged: int = 0
    refused: Counter = field(default_factory=Counter)  # by status
    errors: Counter = field(default_factory=Counter)  # by status or exception
    retries: int = 0  # a vote sent again after an error, same key
    repeats: int = 0  # an acknowledged vote sent again on purpose, same key
    replayed: int = 0  # answers marked Labo-Replay: 1
    acks: list[tuple[float, int]] = field(default_factory=list)  # (sent at, version)
    answer_ms: list[float] = field(default_factory=list)  # sending to answer, acknowledged
    keys: set[str] = field(default_factory=set)  # acknowledged (or replayed) keys
    events: list[tuple[float, int]] = field(default_factory=list)  # projector (at, id)
    started: float = 0.0  # when the phones set off (the loop's clock)
    projector_reconnects: int = 0


@dataclass
class Config:
    phones: int
    seconds: float
    # A room: people scan the code over the first seconds, answer, and change their mind
    # now and then (--every 1-4 --join 4 is a stress test: a phone tapping non-stop).
    interval: tuple[float, float] = (10.0, 30.0)  # between two votes of a phone
    join: float = 20.0  # phones arrive over this many seconds
    change: float = 0.3  # a vote changes the phone's answer
    repeat: float = 0.1  # an acknowledged vote is sent again with its key
    seed: int = 16


async def _projector(
    session: aiohttp.ClientSession, url: str, tally: Tally, ready: asyncio.Event
) -> None:
    """Read the projector's stream; note when each event (its id) arrives. Reconnect as an
    EventSource does (after a second, with ``Last-Event-ID``) if the stream breaks."""
    loop = asyncio.get_running_loop()
    last = ""
    while True:
        headers = {"Last-Event-ID": last} if last else {}
        try:
            async with session.get(
                url, headers=headers, timeout=aiohttp.ClientTimeout(total=None)
            ) as response:
                if response.status != 200:
                    raise aiohttp.ClientResponseError(
                        response.request_info, (), status=response.status
                    )
                version: int | None = None
                async for raw in response.content:
                    line = raw.decode().rstrip("\r\n")
                    if line.startswith("id:"):
                        version = int(line[3:].strip())
                    elif line == "" and version is not None:
                        tally.events.append((loop.time(), version))
                        last, version = str(version), None
                        ready.set()
        except (TimeoutError, aiohttp.ClientError) as error:
            tally.errors[f"projector {type(error).__name__}"] += 1
        tally.projector_reconnects += 1
        await asyncio.sleep(1)


def _token(html: str) -> str:
    match = TOKEN.search(html)
    if match is None:
        raise RuntimeError("The phone's page has no CSRF token.")
    return match.group(1)


async def _phone(
    phone: Phone,
    *,
    base: str,
    code: str,
    step: str,
    config: Config,
    deadline: float,
    connector: aiohttp.BaseConnector,
    tally: Tally,
) -> None:
    rng = random.Random(config.seed * 100_003 + phone.index)
    loop = asyncio.get_running_loop()
    path = reverse("live:room", args=[code])
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(
        base,
        connector=connector,
        connector_owner=False,
        # Cookies of 127.0.0.1, the guest's "Secure" one (DEBUG off) over plain HTTP.
        cookie_jar=aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[base]),
        timeout=timeout,
    ) as session:
        # They do not all arrive at once (over the first quarter of a short run).
        await asyncio.sleep(rng.uniform(0, min(config.join, config.seconds / 3)))
        token = ""
        while not token:  # the page, again until it comes
            if loop.time() > deadline:
                return
            try:
                async with session.get(path) as response:
                    if response.status == 200:
                        token = _token(await response.text())
                    else:
                        tally.errors[f"page {response.status}"] += 1
            except (TimeoutError, aiohttp.ClientError) as error:
                tally.errors[f"page {type(error).__name__}"] += 1
            if not token:
                await asyncio.sleep(1)
        cookie = session.cookie_jar.filter_cookies(URL(base)).get(GUEST_COOKIE)
        phone.guest = cookie.value if cookie else ""

        async def post(value: str, key: str) -> tuple[int, str, bool]:
            """(status, version, replay) of one POST; status 0 for no answer at all."""
            try:
                async with session.post(
                    path,
                    data={"csrfmiddlewaretoken": token, "step": step, "live-value": value},
                    # As the capture client sends it (static/js/capture.js): the answer is
                    # the phone's step only, not the whole page.
                    headers={
                        "Idempotency-Key": key,
                        "HX-Request": "true",
                        "Origin": base,
                        "Referer": base + path,
                    },
                ) as response:
                    await response.read()
                    return (
                        response.status,
                        response.headers.get("Labo-Live-Version", ""),
                        response.headers.get("Labo-Replay") == "1",
                    )
            except (TimeoutError, aiohttp.ClientError) as error:
                tally.errors[type(error).__name__] += 1
                return 0, "", False

        value = rng.choice(CHOICES)
        while loop.time() < deadline:
            if phone.answered and rng.random() < config.change:
                value = rng.choice([choice for choice in CHOICES if choice != value])
            key = secrets.token_urlsafe(18)
            tally.sent += 1
            twice = rng.random() < config.repeat / 2  # sent twice at once (a double tap)
            started = loop.time()
            if twice:
                tally.repeats += 1
                answers = list(await asyncio.gather(post(value, key), post(value, key)))
                # The one that took the vote is the vote; the other is the repeat.
                answers.sort(key=lambda a: (a[0] != 200, a[2]))
                (status, version, replay), other = answers
                tally.replayed += other[0] == 200 and other[2]
            else:
                status, version, replay = await post(value, key)
            while status == 0 or status >= 500:  # as the capture client: again, same key
                if status:
                    tally.errors[status] += 1
                if loop.time() > deadline + REQUEST_TIMEOUT:
                    phone.unsure = True
                    return
                await asyncio.sleep(0.5)
                tally.retries += 1
                status, version, replay = await post(value, key)
            if status != 200:
                tally.refused[status] += 1
            else:
                tally.keys.add(key)
                phone.value, phone.answered = value, True
                if replay:  # a retry after an error found its vote already taken
                    tally.replayed += 1
                else:
                    tally.acknowledged += 1
                    tally.acks.append((started, int(version)))
                    tally.answer_ms.append((loop.time() - started) * 1000)
                if not twice and rng.random() < config.repeat / 2:  # again, after its answer
                    tally.repeats += 1
                    again, _version, replay = await post(value, key)
                    if again == 200 and replay:
                        tally.replayed += 1
            await asyncio.sleep(rng.uniform(*config.interval))


async def _drive(
    *, phone_base: str, projector_url: str, cookie: str, code: str, step: str, config: Config
) -> tuple[Tally, list[Phone]]:
    tally = Tally()
    phones = [Phone(index) for index in range(config.phones)]
    loop = asyncio.get_running_loop()
    name, _sep, value = cookie.partition("=")
    async with aiohttp.ClientSession(
        cookies={name: value}, cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as facilitator:
        ready = asyncio.Event()
        watcher = asyncio.create_task(_projector(facilitator, projector_url, tally, ready))
        await asyncio.wait_for(ready.wait(), 30)
        tally.started = loop.time()
        deadline = tally.started + config.seconds
        connector = aiohttp.TCPConnector(limit=config.phones, force_close=False)
        try:
            await asyncio.gather(
                *(
                    _phone(
                        phone,
                        base=phone_base,
                        code=code,
                        step=step,
                        config=config,
                        deadline=deadline,
                        connector=connector,
                        tally=tally,
                    )
                    for phone in phones
                )
            )
            await asyncio.sleep(min(SETTLE, max(1.0, config.seconds / 3)))
        finally:
            await connector.close()
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
    return tally, phones


async def _open_streams(base: str, path: str, count: int) -> tuple[list, aiohttp.ClientSession]:
    """``count`` idle phone streams, each once it has received its first event."""
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=None)
    )
    opened = []

    async def one() -> None:
        response = await session.get(base + path)
        if response.status != 200:
            response.close()
            return
        async for raw in response.content:
            if raw.startswith(b"id:"):
                opened.append(response)
                return
        response.close()

    await asyncio.wait_for(
        asyncio.gather(*(one() for _index in range(count)), return_exceptions=True), 120
    )
    return opened, session


async def _memory_per_stream(server: Server, path: str, count: int) -> tuple[int, int, int]:
    """RSS without, RSS with ``count`` more streams asked for (kB), and how many opened."""
    await asyncio.sleep(1)
    before = server.rss_kb()
    opened, session = await _open_streams(server.url, path, count)
    try:
        await asyncio.sleep(1)
        after = server.rss_kb()
    finally:
        for response in opened:
            response.close()
        await session.close()
    return before, after, len(opened)


# Reading the run back ------------------------------------------------------------------


@dataclass
class Result:
    label: str
    config: Config
    tally: Tally
    latencies_ms: list[float]
    arriving_ms: list[float]  # of the votes sent while phones were still arriving
    settled_ms: list[float]  # of the votes sent after
    unseen: int  # acknowledged votes the projector never showed
    rows: int
    lost: int  # phones whose last acknowledged answer is not the one stored
    doubled: int  # rows with no phone, or more than one row for a phone
    unsure: int
    keys_stored: int
    by_value: dict[str, tuple[int, int]]  # value: (phones, rows)
    memory: tuple[int, int, int] | None = None
    streams_asked: int = 0
    server_errors: Counter = field(default_factory=Counter)

    def percentile(self, share: float) -> float:
        return percentile(self.latencies_ms, share)

    @property
    def goal_met(self) -> bool:
        return (
            self.config.phones >= GOAL_PHONES
            and self.percentile(0.95) <= GOAL_P95_MS
            and self.lost == 0
            and self.doubled == 0
            and self.unseen == 0
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latencies(tally: Tally) -> tuple[list[tuple[float, float]], int]:
    """For each acknowledged vote, (sent at, ms to the first projector event at or past its
    version); and how many never reached the projector."""
    times = [at for at, _version in tally.events]
    reached, top = [], -1
    for _at, version in tally.events:
        top = max(top, version)
        reached.append(top)
    found, unseen = [], 0
    for sent, version in tally.acks:
        index = bisect.bisect_left(reached, version)
        if index == len(reached):
            unseen += 1
        else:
            found.append((sent, max(0.0, times[index] - sent) * 1000))
    return found, unseen


def check(
    label: str,
    config: Config,
    atelier: Atelier,
    step: str,
    code: str,
    tally: Tally,
    phones: list[Phone],
) -> Result:
    """The run against the database: each phone's last acknowledged answer is the one
    stored, once."""
    stored = dict(
        LiveAnswer.objects.filter(atelier=atelier, step=step).values_list("device", "value")
    )
    rows = LiveAnswer.objects.filter(atelier=atelier, step=step).count()
    lost, mine, unsure = 0, set(), 0
    for phone in phones:
        unsure += phone.unsure
        if not phone.answered or phone.unsure:
            continue
        device = _device(atelier, phone)
        mine.add(device)
        lost += stored.get(device) != phone.value
    doubled = (rows - len(stored)) + len(set(stored) - mine - _unsure_devices(phones, atelier))
    counted = Counter(phone.value for phone in phones if phone.answered and not phone.unsure)
    in_db = Counter(stored.values())
    found, unseen = latencies(tally)
    arrived = tally.started + min(config.join, config.seconds / 3)
    return Result(
        label=label,
        config=config,
        tally=tally,
        latencies_ms=[ms for _sent, ms in found],
        arriving_ms=[ms for sent, ms in found if sent < arrived],
        settled_ms=[ms for sent, ms in found if sent >= arrived],
        unseen=unseen,
        rows=rows,
        lost=lost,
        doubled=doubled,
        unsure=unsure,
        keys_stored=Submission.objects.filter(path=reverse("live:room", args=[code])).count(),
        by_value={value: (counted[value], in_db[value]) for value in CHOICES},
    )


def _device(atelier: Atelier, phone: Phone) -> str:
    """The device key the server stored the phone's answers under (its guest cookie read as
    the server reads it)."""
    request = HttpRequest()
    request.COOKIES[GUEST_COOKIE] = phone.guest
    guest = request.get_signed_cookie(GUEST_COOKIE, salt=COOKIE_SALT)
    return device_key(atelier=atelier, identity=f"g{guest}")


def _unsure_devices(phones: list[Phone], atelier: Atelier) -> set[str]:
    return {_device(atelier, phone) for phone in phones if phone.unsure and phone.guest}


def report(result: Result) -> str:
    t, c = result.tally, result.config
    p50, p95 = result.percentile(0.5), result.percentile(0.95)
    worst = max(result.latencies_ms, default=float("nan"))
    refused = ", ".join(f"{n}×{status}" for status, n in sorted(t.refused.items())) or "0"
    errors = ", ".join(f"{n}×{kind}" for kind, n in sorted(t.errors.items(), key=str)) or "0"
    per_value = ", ".join(
        f"{value} {phones}/{rows}" for value, (phones, rows) in result.by_value.items()
    )
    duration = c.seconds
    lines = [
        f"{result.label}: {c.phones} phones, {c.seconds:.0f} s, a vote every "
        f"{c.interval[0]:g}–{c.interval[1]:g} s, arriving over {min(c.join, c.seconds / 3):g} s",
        f"  votes sent          {t.sent:>7}   ({t.sent / duration:.0f}/s; keys acknowledged "
        f"{len(t.keys)}, stored {result.keys_stored})",
        f"  acknowledged        {t.acknowledged:>7}",
        f"  refused             {sum(t.refused.values()):>7}   ({refused})",
        f"  errors              {sum(t.errors.values()):>7}   ({errors}; sent again, same key: "
        f"{t.retries})",
        f"  repeats             {t.repeats:>7}   (same key sent again; answers marked replay: "
        f"{t.replayed})",
        f"  answer to the phone p50 {percentile(t.answer_ms, 0.5):.0f} ms, p95 "
        f"{percentile(t.answer_ms, 0.95):.0f} ms (sending to its answer, acknowledged votes)",
        f"  vote → projector    p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {worst:.0f} ms "
        f"({len(result.latencies_ms)} votes, {result.unseen} never shown; "
        f"{len(t.events)} projector events, {t.projector_reconnects} reconnections)",
        f"                      p95 {percentile(result.arriving_ms, 0.95):.0f} ms while phones "
        f"arrive ({len(result.arriving_ms)} votes), "
        f"{percentile(result.settled_ms, 0.95):.0f} ms after",
        f"  in the database     {result.rows} answers for {c.phones} phones; last answer per "
        f"phone/rows: {per_value}",
        f"  {result.lost} lost, {result.doubled} doubled"
        + (f", {result.unsure} phones unsure (a vote never answered)" if result.unsure else "")
        + f"   goal (≥ {GOAL_PHONES} phones, p95 ≤ {GOAL_P95_MS} ms, 0 lost): "
        + ("met" if result.goal_met else "MISSED"),
    ]
    for error, count in result.server_errors.most_common(3):
        lines.append(f"  server log          {count:>7} × {error}")
    if result.memory:
        before, after, opened = result.memory
        per = (after - before) / opened if opened else float("nan")
        lines.append(
            f"  memory              {before / 1024:.0f} MB, {after / 1024:.0f} MB with "
            f"{opened} more phone streams open (of {result.streams_asked}): "
            f"{per:.0f} kB per stream"
        )
    return "\n".join(lines)


# One run -------------------------------------------------------------------------------


def _facilitator_setup(base: str, cookie: str, atelier: Atelier, question: DebateQuestion) -> None:
    """Open the room and show the statement, as the console does (plain POSTs)."""

    async def go() -> None:
        name, _sep, value = cookie.partition("=")
        async with aiohttp.ClientSession(
            base, cookies={name: value}, cookie_jar=aiohttp.CookieJar(unsafe=True)
        ) as session:
            async with session.get(reverse("ateliers:live-console", args=[atelier.pk])) as page:
                page.raise_for_status()
                token = _token(await page.text())
            headers = {"Origin": base, "X-CSRFToken": token}
            posts = [
                ("ateliers:live-open", {"prompt": ""}),
                ("ateliers:live-action", {"action": "next"}),
                ("ateliers:live-action", {"action": "go", "step": f"debate-{question.pk}"}),
            ]
            for name_, data in posts:
                url = reverse(name_, args=[atelier.pk])
                async with session.post(url, data=data, headers=headers) as response:
                    response.raise_for_status()

    asyncio.run(go())


def run_once(
    label: str,
    *,
    phone_server: Server,
    projector_server: Server,
    atelier: Atelier,
    question: DebateQuestion,
    config: Config,
    memory_streams: int = 0,
) -> Result:
    cookie = session_cookie(USERNAME)
    _facilitator_setup(phone_server.url, cookie, atelier, question)
    room = LiveRoom.objects.get(atelier=atelier, closed_at=None)
    step = f"debate-{question.pk}"
    if room.step != step or not room.accepting:
        raise CommandError(f"The room did not reach its step ({room.step!r}).")
    projector = reverse("ateliers:live-stream", args=[atelier.pk, "projector"])

    async def everything() -> tuple[Tally, list[Phone], tuple[int, int, int] | None]:
        tally, phones = await _drive(
            phone_base=phone_server.url,
            projector_url=projector_server.url + projector,
            cookie=cookie,
            code=room.code,
            step=step,
            config=config,
        )
        memory = None
        if memory_streams:
            stream = reverse("live:stream", args=[room.code])
            memory = await _memory_per_stream(phone_server, stream, memory_streams)
        return tally, phones, memory

    connection.close()  # the servers write meanwhile; read afresh afterwards
    hard_deadline = config.seconds + SETTLE + 2 * REQUEST_TIMEOUT + 180
    tally, phones, memory = asyncio.run(asyncio.wait_for(everything(), hard_deadline))
    result = check(label, config, atelier, step, room.code, tally, phones)
    result.memory, result.streams_asked = memory, memory_streams
    for server in {phone_server.url: phone_server, projector_server.url: projector_server}.values():
        result.server_errors.update(server.errors_logged())
    return result


class LiveBenchCommand(BaseCommand):
    help = (
        "Simulated phones vote in a live room served by uvicorn while the projector's stream "
        "is open: latency to the projector, lost and doubled votes, memory per stream; with "
        "one app process, then two, then two workers on one port (make bench-live, on a "
        "scratch PostgreSQL database)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--phones", type=int, default=300)
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument("--streams", type=int, default=300, help="idle streams for memory")
        parser.add_argument("--single", action="store_true", help="one process only")
        parser.add_argument(
            "--every",
            default="10-30",
            metavar="MIN-MAX",
            help="seconds between two votes of a phone (default 10-30; 1-4 to stress)",
        )
        parser.add_argument(
            "--join", type=float, default=20, help="phones arrive over this many seconds"
        )
        parser.add_argument(
            "--server-env",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a setting of the servers' environment (repeatable), e.g. CONN_MAX_AGE=0",
        )
        parser.add_argument(
            "--dev", action="store_true", help="servers with DEBUG on, no collectstatic (tests)"
        )

    def handle(
        self,
        *args,
        phones: int,
        seconds: float,
        streams: int,
        single: bool,
        dev: bool,
        server_env: list[str],
        every: str,
        join: float,
        **options,
    ) -> None:
        try:
            low, high = (float(part) for part in every.split("-", 1))
        except ValueError as error:
            raise CommandError("--every takes MIN-MAX seconds, e.g. 10-30.") from error
        extra_env = dict(item.split("=", 1) for item in server_env)
        if Programme.objects.exists():
            raise CommandError(
                "This benchmark creates its own lab: run it on an empty, migrated database "
                "(make bench-live)."
            )
        # The servers run with DEBUG off, which wants a strong key; they share this one so
        # that this process's session and the guests' signed cookies are read alike.
        with override_settings(SECRET_KEY=secrets.token_urlsafe(50)):
            self._run(
                phones=phones,
                seconds=seconds,
                streams=streams,
                single=single,
                dev=dev,
                extra_env=extra_env,
                interval=(low, high),
                join=join,
            )

    def _run(
        self,
        *,
        phones: int,
        seconds: float,
        streams: int,
        single: bool,
        dev: bool,
        extra_env: dict[str, str],
        interval: tuple[float, float],
        join: float,
    ) -> None:
        pair = not single and connection.vendor == "postgresql"
        lab = build_lab(3 if pair else 1)
        config = Config(phones=phones, seconds=seconds, interval=interval, join=join)
        limits = ", ".join(f"{name}={value}" for name, value in RATE_ENV.items())
        asgi = ", ".join(f"{name}={value}" for name, value in {**ASGI_ENV, **extra_env}.items())
        self.stdout.write(
            f"Live room under load, {connection.vendor}, uvicorn, "
            f"{os.cpu_count()} CPUs; the phones run in this process.\n"
            f"Rate limits raised for the run (every phone is 127.0.0.1): {limits}.\n"
            f"Servers' settings: {asgi}, DEBUG {'on' if dev else 'off'}.\n"
        )
        with servers(1, dev=dev, extra_env=extra_env) as (one,):
            result = run_once(
                "One process",
                phone_server=one,
                projector_server=one,
                atelier=lab[0][0],
                question=lab[0][1],
                config=config,
                memory_streams=streams,
            )
        self.stdout.write(report(result) + "\n")
        if not pair:
            if not single:
                self.stdout.write("Two processes: skipped (events cross processes on PostgreSQL).")
            return
        with servers(2, dev=dev, extra_env=extra_env) as (a, b):
            result = run_once(
                "Two processes (phones → A, projector ← B)",
                phone_server=a,
                projector_server=b,
                atelier=lab[1][0],
                question=lab[1][1],
                config=config,
            )
        self.stdout.write(report(result) + "\n")
        # As it is served on a machine of two cores: one port, a worker per core, each
        # request (phone or projector) taken by whichever worker is free.
        with servers(1, dev=dev, extra_env=extra_env, workers=DEPLOYED_WORKERS) as (both,):
            result = run_once(
                f"As deployed (one port, uvicorn --workers {DEPLOYED_WORKERS})",
                phone_server=both,
                projector_server=both,
                atelier=lab[2][0],
                question=lab[2][1],
                config=config,
            )
        self.stdout.write(report(result))
