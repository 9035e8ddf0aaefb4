"""Several machines on one (issue #19): HAProxy on loopback in front of two app nodes, one
document worker, one PostgreSQL database and the machine's Redis; then fifty users for a
minute through HAProxy while one node is killed half way, and what they saw.

Each node is a uvicorn of two workers (ASGI, as deployed: the live streams need it) with a
``LABO_VAR_DIR`` of its own; the nodes and the worker share only the media folder, the
database and Redis (the shared cache and the sessions). Everything lives in
``var/cluster/`` (configuration, logs, the ledger of the run), left there to look at.

The checks, each printed with its verdict (the command fails if one fails):

- the live room: an action posted on node A reaches a stream held open on node B;
- a synthesis asked on node A, built by the worker into the shared media, is downloaded
  through node B with the same bytes as through node A and on disk;
- under load, node B killed (SIGKILL, its process group) at half time: the failures are
  only requests that node held at that moment (none before, none after a short window),
  no answer sends a user to the login page, and every idea the clients were told was saved
  is in the database, once.

Used by ``manage.py cluster`` (make cluster)."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from ateliers.models import Atelier, DebateQuestion, Idea
from labo.devtools.loadtest import (
    SPAWN_PER_SECOND,
    _free_port,
    scenario_ids,
    server_env,
    session_cookie,
)
from labo.devtools.volume import USERS
from labo.models import Document, DocumentStatus
from sessions.models import Session

NODES = ("node-a", "node-b")
WORKERS_PER_NODE = 2  # a 2-core machine: 4 app processes, the worker, locust, HAProxy
KILLED = "node-b"
# HAProxy checks /healthz every second and takes a node out after two failures: the window
# in which requests held by the killed node may fail, with room for a loaded machine.
CHECK_INTER_MS, CHECK_FALL, CHECK_RISE = 1000, 2, 2
FAILURE_WINDOW = 3.0  # seconds after the kill
SYNTHESIS_TIMEOUT = 300  # seconds for the worker to build the synthesis
LIVE_TIMEOUT = 10  # seconds for an event to cross nodes
HEALTH_HOST = "127.0.0.1"
PRODUCTION_CONFIG = Path(settings.BASE_DIR) / "deploy" / "haproxy.cfg"


# The HAProxy configuration ------------------------------------------------------------


def render_haproxy(
    *,
    bind: str,
    servers: Iterable[tuple[str, str]],
    health_host: str,
    tls_cert: str = "",
    stats_socket: str = "",
    check_inter_ms: int = CHECK_INTER_MS,
) -> str:
    """The configuration of HAProxy in front of Labo's nodes: ``make cluster`` runs it on
    loopback, ``deploy/haproxy.cfg`` is the same for production (with TLS)."""
    if tls_cert:
        front = (
            f"    bind {bind} ssl crt {tls_cert} alpn h2,http/1.1\n"
            f"    bind {bind.rsplit(':', 1)[0]}:80\n"
            "    http-request redirect scheme https code 301 unless { ssl_fc }\n"
            "    http-request set-header X-Forwarded-Proto https if { ssl_fc }\n"
        )
    else:
        front = f"    bind {bind}\n    http-request set-header X-Forwarded-Proto http\n"
    stats = f"    stats socket {stats_socket} mode 600 level admin\n" if stats_socket else ""
    lines = "".join(f"    server {name} {address} check\n" for name, address in servers)
    return f"""\
# HAProxy in front of Labo's app nodes (docs/deploy.md, "Several machines").
# Rendered by labo/devtools/cluster.py: `make cluster` runs it on loopback, and
# deploy/haproxy.cfg is its production form (a test keeps the two the same).
global
    maxconn 4000
{stats}
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    timeout http-keep-alive 10s
    timeout queue 10s
    # The live streams (server-sent events) stay open up to LABO_SSE_LIFETIME (an hour)
    # and send a comment every LABO_SSE_KEEPALIVE (15 s): once a stream's answer has
    # begun, the connection is a tunnel, held as long as that.
    timeout tunnel 1h
    timeout client-fin 5s
    timeout server-fin 5s
    # The visitor's address, appended to X-Forwarded-For: Labo reads it from the right,
    # trusting LABO_TRUSTED_PROXIES=1 hop (this one).
    option forwardfor
    # A request whose node dies is tried again, on another node (redispatch at each retry).
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend labo
{front}    default_backend nodes

backend nodes
    # leastconn: long-lived streams spread over the nodes instead of piling on one.
    balance leastconn
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {health_host}
    http-check expect status 200
    default-server inter {check_inter_ms}ms fall {CHECK_FALL} rise {CHECK_RISE}
    # A request that never reached a node (conn-failure) is always sent again. One that a
    # node may have begun (no answer, or too late) is sent again only if a second copy
    # cannot write twice: a GET or HEAD, or a POST carrying an Idempotency-Key (the capture
    # forms: labo/idempotency.py answers a repeat from the stored write). Any other POST
    # answers 502 and the person, or the page, decides.
    # A request can only be sent again if HAProxy still holds it whole: wait for its body
    # (up to tune.bufsize, 16 kB; a photo is streamed, and never sent again).
    option http-buffer-request
    acl replayable_post req.hdr(Idempotency-Key) -m reg ^[A-Za-z0-9_-]{{16,64}}$
    http-request disable-l7-retry if !METH_GET !replayable_post
{lines}"""


def production_haproxy() -> str:
    """deploy/haproxy.cfg: TLS on 443, two nodes on a private network."""
    return render_haproxy(
        bind=":443",
        servers=[("node-a", "10.0.0.11:8000"), ("node-b", "10.0.0.12:8000")],
        health_host="labo.example.gouv.fr",
        tls_cert="/etc/haproxy/certs/labo.pem",
        stats_socket="/run/haproxy/admin.sock",
        check_inter_ms=2000,
    )


# The run's schedule and its checks (pure: tested without a cluster) -----------------------


def kill_at(seconds: int) -> float:
    """When the node is killed, in seconds after the load starts: half way, once every
    user has arrived."""
    ramp = 50 / SPAWN_PER_SECOND
    if seconds < 2 * ramp:
        raise ValueError(f"A run of {seconds} s is too short: give at least {2 * ramp:g} s.")
    return seconds / 2


@dataclass
class Ledger:
    """What the simulated users noted (labo/devtools/locustfile.py, LABO_LOAD_LEDGER)."""

    saved: list[str] = field(default_factory=list)
    failures: list[tuple[float, str, str]] = field(default_factory=list)  # when, request, why
    logged_out: list[tuple[float, str]] = field(default_factory=list)  # when, request


def read_ledger(lines: Iterable[str]) -> Ledger:
    ledger = Ledger()
    for line in lines:
        kind, when, *rest = line.rstrip("\n").split("\t")
        if kind == "saved":
            ledger.saved.append(rest[0])
        elif kind == "failure":
            ledger.failures.append((float(when), rest[0], rest[1] if len(rest) > 1 else ""))
        elif kind == "loggedout":
            ledger.logged_out.append((float(when), rest[0]))
    return ledger


@dataclass
class Writes:
    told: int  # ideas the clients were told were saved
    lost: list[str]  # told saved, absent from the database
    doubled: list[str]  # stored more than once


def compare_writes(saved: Iterable[str], stored: Counter[str]) -> Writes:
    """What the clients were told was saved against what the database holds."""
    told = list(saved)
    return Writes(
        told=len(told),
        lost=[text for text in told if stored[text] == 0],
        doubled=sorted(text for text, n in stored.items() if n > 1),
    )


def failures_outside(
    failures: Iterable[tuple[float, str, str]], *, killed: float, window: float = FAILURE_WINDOW
) -> list[tuple[float, str, str]]:
    """Failures that cannot be requests held by the node when it was killed: before the
    kill, or later than ``window`` seconds after it."""
    return [f for f in failures if not killed <= f[0] <= killed + window]


# The processes ---------------------------------------------------------------------------


@dataclass
class Node:
    name: str
    port: int
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a process started in a session of its own, with everything it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _spawn(stack: ExitStack, command: list[str], *, env: dict, log: Path) -> subprocess.Popen:
    output = stack.enter_context(log.open("w"))
    process = subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its children with it: stopped (or killed) together
    )
    stack.callback(_stop, process)
    return process


def _get(port: int, path: str, *, cookie: str = "", timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _post(port: int, path: str, data: dict[str, str], *, cookie: str) -> http.client.HTTPResponse:
    return _post_raw(port, path, urlencode(data), cookie)


def _wait_for(port: int, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if _get(port, "/healthz", timeout=2)[0] == 200:
                return
        time.sleep(0.3)
    raise CommandError(f"Nothing answered /healthz on port {port} in {timeout:g} s.")


def _stats(stats_socket: Path) -> dict[str, dict[str, str]]:
    """The backend's rows (each node, and BACKEND) from HAProxy's stats socket."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(stats_socket))
        sock.sendall(b"show stat\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    rows = csv.DictReader(data.decode().lstrip("# ").splitlines())
    return {r["svname"]: r for r in rows if r["pxname"] == "nodes"}


def server_states(stats_socket: Path) -> dict[str, str]:
    """Each node's state as HAProxy sees it (UP, DOWN...)."""
    return {name: row["status"] for name, row in _stats(stats_socket).items() if name in NODES}


def ensure_haproxy() -> str:
    """The haproxy binary; installed from Debian's package if missing."""
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    if found:
        return found
    apt = ["apt-get", "install", "-y", "-q", "haproxy"]
    if os.geteuid() != 0:
        apt = ["sudo", "-n", *apt]
    subprocess.run(apt, check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("haproxy", path="/usr/sbin:/sbin:/usr/bin")
    if not found:
        raise CommandError("haproxy could not be installed (apt-get install haproxy).")
    return found


@dataclass
class Cluster:
    front: int
    nodes: dict[str, Node]
    stats_socket: Path
    root: Path


@contextmanager
def cluster(root: Path) -> Iterator[Cluster]:
    """HAProxy, two nodes and a worker on this process's database and Redis; all stopped
    at the end of the block, whatever ends it."""
    haproxy = ensure_haproxy()
    shutil.rmtree(root, ignore_errors=True)
    media = root / "media"
    media.mkdir(parents=True)
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    uvicorn = str(Path(sys.executable).with_name("uvicorn"))

    def env_of(name: str) -> dict[str, str]:
        var = root / name
        return {
            **server_env(str(var / "staticfiles")),
            "LABO_VAR_DIR": str(var),
            "MEDIA_ROOT": str(media),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "LABO_TRUSTED_PROXIES": "1",
            # As the live bench runs ASGI: no connection kept behind each request's thread,
            # a small pool per process instead (4 processes stay under max_connections).
            "CONN_MAX_AGE": "0",
            "DB_POOL_MAX_SIZE": "15",
        }

    with ExitStack() as stack:
        first = env_of(NODES[0])
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=first, check=True)
        nodes: dict[str, Node] = {}
        for name in NODES:
            (root / name).mkdir(exist_ok=True)
            if name != NODES[0]:  # each node its own copy, as on its own machine
                shutil.copytree(root / NODES[0] / "staticfiles", root / name / "staticfiles")
            port = _free_port()
            command = [uvicorn, "labo.asgi:application", "--host", "127.0.0.1"]
            command += ["--port", str(port), "--workers", str(WORKERS_PER_NODE)]
            command += ["--log-level", "warning", "--no-access-log"]
            command += ["--timeout-graceful-shutdown", "2"]  # streams end with the server
            process = _spawn(stack, command, env=env_of(name), log=root / f"{name}.log")
            nodes[name] = Node(name, port, process)
        (root / "worker").mkdir()
        worker = [*manage, "db_worker", "--interval", "0.5", "--no-startup-delay"]
        _spawn(stack, worker, env=env_of("worker"), log=root / "worker.log")
        front = _free_port()
        stats_socket = root / "haproxy.sock"
        config = root / "haproxy.cfg"
        config.write_text(
            render_haproxy(
                bind=f"127.0.0.1:{front}",
                servers=[(n.name, f"127.0.0.1:{n.port}") for n in nodes.values()],
                health_host=HEALTH_HOST,
                stats_socket=str(stats_socket),
            )
        )
        subprocess.run([haproxy, "-c", "-q", "-f", str(config)], check=True)
        _spawn(
            stack,
            [haproxy, "-db", "-f", str(config)],
            env=dict(os.environ),
            log=root / "haproxy.log",
        )
        for node in nodes.values():
            _wait_for(node.port)
        _wait_for(front)
        deadline = time.monotonic() + 30
        while set(server_states(stats_socket).values()) != {"UP"}:
            if time.monotonic() > deadline:
                raise CommandError(
                    f"HAProxy does not see both nodes up: {server_states(stats_socket)}"
                )
            time.sleep(0.3)
        yield Cluster(front, nodes, stats_socket, root)


# The checks ---------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{self.name:<10} {'ok' if self.ok else 'FAILED'}   {self.detail}"


def _stream_events(port: int, path: str, cookie: str, seen: list[tuple[float, int]]) -> None:
    """Read a server-sent events stream, noting when each event (its id) arrives, until it
    ends or stays silent past the keep-alive."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=LIVE_TIMEOUT + 20)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Accept": "text/event-stream"})
        response = conn.getresponse()
        if response.status != 200:
            return
        while line := response.readline():
            if line.startswith(b"id:"):
                seen.append((time.monotonic(), int(line[3:].strip())))
    except OSError:
        pass  # ended by the room closing or the node stopping: what was seen is kept
    finally:
        conn.close()


def check_live(a: Node, b: Node, *, cookie: str, atelier: Atelier) -> Check:
    """An action posted on node A moves the stream held open on node B."""
    for_atelier = [atelier.pk]
    opened = _post(a.port, reverse("ateliers:live-open", args=for_atelier), {}, cookie=cookie)
    if opened.status not in (200, 302):
        return Check("live room", False, f"opening the room on node A answered {opened.status}")
    seen: list[tuple[float, int]] = []
    stream = reverse("ateliers:live-stream", args=[atelier.pk, "console"])
    reader = threading.Thread(target=_stream_events, args=(b.port, stream, cookie, seen))
    reader.daemon = True
    reader.start()
    try:
        if not _until(lambda: bool(seen), LIVE_TIMEOUT):
            return Check("live room", False, "node B's stream sent nothing")
        first = seen[-1][1]
        sent = time.monotonic()
        action = reverse("ateliers:live-action", args=for_atelier)
        moved = _post(a.port, action, {"action": "next"}, cookie=cookie)
        if moved.status not in (200, 302):
            return Check("live room", False, f"the action on node A answered {moved.status}")
        if not _until(lambda: seen[-1][1] > first, LIVE_TIMEOUT):
            return Check("live room", False, f"no event on node B {LIVE_TIMEOUT} s after it")
        heard = next(t for t, version in seen if version > first)
        return Check(
            "live room",
            True,
            f"an action posted on node A reached the stream open on node B in "
            f"{(heard - sent) * 1000:.0f} ms (version {first} → {seen[-1][1]})",
        )
    finally:
        _post(a.port, reverse("ateliers:live-close", args=for_atelier), {}, cookie=cookie)
        reader.join(timeout=5)


def _until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def check_synthesis(a: Node, b: Node, *, cookie: str, session: Session, media: Path) -> Check:
    """A synthesis asked on node A, built by the worker, downloaded through node B."""
    ateliers = list(session.ateliers.values_list("pk", flat=True))
    body = urlencode({"action": "generate", "ateliers": ateliers}, doseq=True)
    asked = time.monotonic()
    response = _post_raw(
        a.port, reverse("sessions:session-synthesis", args=[session.pk]), body, cookie
    )
    found = re.search(r"#document-(\d+)", response.getheader("Location") or "")
    if response.status != 302 or found is None:
        return Check("synthesis", False, f"asking on node A answered {response.status}")
    pk = int(found.group(1))

    def built() -> bool:
        status = Document.objects.values_list("status", flat=True).get(pk=pk)
        return status in (DocumentStatus.READY, DocumentStatus.FAILED)

    if not _until(built, SYNTHESIS_TIMEOUT):
        return Check("synthesis", False, f"not built after {SYNTHESIS_TIMEOUT} s (worker.log)")
    document = Document.objects.get(pk=pk)
    took = time.monotonic() - asked
    if document.status != DocumentStatus.READY:
        return Check("synthesis", False, f"the worker failed: {document.error}")
    path = reverse("labo:document-file", args=[pk])
    status_b, from_b = _get(b.port, path, cookie=cookie, timeout=60)
    status_a, from_a = _get(a.port, path, cookie=cookie, timeout=60)
    on_disk = (media / document.file.name).read_bytes()
    same = from_b == from_a == on_disk and from_b.startswith(b"%PDF")
    digest = hashlib.sha256(from_b).hexdigest()[:12]
    return Check(
        "synthesis",
        status_b == status_a == 200 and same,
        f"asked on node A, built by the worker in {took:.1f} s, downloaded on node B: "
        f"{status_b}, {len(from_b):,} bytes (sha256 {digest}…), "
        f"{'the same bytes' if same else 'NOT the same bytes'} as node A's ({status_a}) "
        "and the shared media's",
    )


def _post_raw(port: int, path: str, body: str, cookie: str) -> http.client.HTTPResponse:
    """A plain form POST, with a CSRF secret of our own as a browser's page would hold."""
    csrf = "c" * 32
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@dataclass
class Load:
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    rows: list[dict]
    killed_after: float  # seconds after the load began
    down_after: float | None  # seconds after the kill until HAProxy took the node out
    retried: int  # HAProxy's retries on the same node (wretr)
    redispatched: int  # and to the other one (wredis)
    ledger: Ledger
    writes: Writes


def run_load(
    run: Cluster, *, users: int, seconds: int, ids: dict[str, object], prefix: str
) -> Load:
    """Locust through HAProxy; the node killed half way; what the users noted."""
    ledger_path = run.root / "ledger.tsv"
    ledger_path.touch()
    env = {**os.environ, **{f"LABO_LOAD_{k.upper()}": str(v) for k, v in ids.items()}}
    env.update(LABO_LOAD_LEDGER=str(ledger_path), LABO_LOAD_IDEA_PREFIX=prefix)
    locust = [str(Path(sys.executable).with_name("locust"))]
    locust += ["-f", str(Path(__file__).with_name("locustfile.py")), "--headless"]
    locust += ["--host", f"http://127.0.0.1:{run.front}", "-u", str(users)]
    locust += ["-r", str(SPAWN_PER_SECOND), "-t", f"{seconds}s", "--csv", str(run.root / "locust")]
    locust += ["--only-summary", "--loglevel", "WARNING"]
    when = kill_at(seconds)
    with ExitStack() as stack:
        process = _spawn(stack, locust, env=env, log=run.root / "locust.log")
        began = time.monotonic()
        time.sleep(max(0.0, began + when - time.monotonic()))
        victim = run.nodes[KILLED].process
        killed_wall, killed = time.time(), time.monotonic()
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
        down_after = None
        if _until(lambda: server_states(run.stats_socket)[KILLED].startswith("DOWN"), 30):
            down_after = time.monotonic() - killed
        process.wait(timeout=seconds + 120)
        backend = _stats(run.stats_socket)["BACKEND"]
    with open(run.root / "locust_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    ledger = read_ledger(ledger_path.read_text(encoding="utf-8").splitlines())
    stored = Counter(Idea.objects.filter(text__startswith=prefix).values_list("text", flat=True))
    # Times in the ledger are wall-clock (another process): the kill's too, for comparison.
    ledger.failures = [(t - killed_wall, name, why) for t, name, why in ledger.failures]
    ledger.logged_out = [(t - killed_wall, name) for t, name in ledger.logged_out]
    return Load(
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        p50_ms=float(total["50%"]),
        p95_ms=float(total["95%"]),
        rows=[r for r in rows if r["Name"] != "Aggregated"],
        killed_after=killed - began,
        down_after=down_after,
        retried=int(backend["wretr"] or 0),
        redispatched=int(backend["wredis"] or 0),
        ledger=ledger,
        writes=compare_writes(ledger.saved, stored),
    )


def load_checks(load: Load, *, users: int) -> list[Check]:
    outside = failures_outside(load.ledger.failures, killed=0.0)
    reasons = Counter(f"{name}: {why.split('(')[0]}" for _t, name, why in load.ledger.failures)
    said = "; ".join(f"{n}× {reason}" for reason, n in reasons.most_common(4)) or "none"
    held = f"within {FAILURE_WINDOW:g} s of the kill, at most one per user"
    errors_ok = (
        not outside and load.failures <= users and load.failures == len(load.ledger.failures)
    )
    w = load.writes
    return [
        Check(
            "errors",
            errors_ok,
            f"{load.failures} of {load.requests} requests ({held}: "
            f"{len(outside)} outside it) — {said}",
        ),
        Check(
            "sessions",
            not load.ledger.logged_out,
            f"{len(load.ledger.logged_out)} answers sent a user to the login page "
            f"({sum(1 for t, _n in load.ledger.logged_out if t >= 0)} after the kill)",
        ),
        Check(
            "writes",
            w.told > 0 and not w.lost and not w.doubled,
            f"{w.told} ideas answered as saved: {len(w.lost)} lost, {len(w.doubled)} "
            "stored twice (each text looked up in the database)",
        ),
    ]


# The command --------------------------------------------------------------------------


class ClusterCommand(BaseCommand):
    help = (
        "HAProxy in front of two app nodes, a document worker, PostgreSQL and Redis, on "
        "loopback, over the volume data (seed_volume); checks the live room and a synthesis "
        "across nodes, then runs the locust scenario through HAProxy and kills one node "
        "half way. Exits 1 if a check fails."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=60)

    def handle(self, *args, users: int, seconds: int, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The cluster needs PostgreSQL: set DATABASE_URL (make cluster).")
        if not os.environ.get("REDIS_URL"):
            raise CommandError("The cluster needs Redis: set REDIS_URL (make cluster).")
        try:
            kill_at(seconds)
        except ValueError as error:
            raise CommandError(str(error)) from error
        # The nodes run with DEBUG off, which wants a strong key; they share this one so
        # that the sessions made here are read there.
        with override_settings(SECRET_KEY=secrets.token_urlsafe(50)):
            self._run(users=users, seconds=seconds)

    def _run(self, *, users: int, seconds: int) -> None:
        scenario = scenario_ids()
        ids: dict[str, object] = dict(scenario)
        session = Session.objects.get(pk=scenario["session"])
        debate = DebateQuestion.objects.select_related("atelier").get(pk=scenario["question"])
        facilitator = session_cookie("vol-animateur")
        prefix = f"cluster-{int(time.time())}-"
        # SIGTERM unwinds as Ctrl-C does: every process started is stopped on the way out.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        root = Path(settings.VAR_DIR) / "cluster"
        with cluster(root) as run:
            a, b = run.nodes[NODES[0]], run.nodes[NODES[1]]
            self.stdout.write(
                f"HAProxy (port {run.front}) → {len(run.nodes)} nodes (uvicorn, "
                f"{WORKERS_PER_NODE} workers each, own LABO_VAR_DIR, shared MEDIA_ROOT), "
                f"1 document worker (db_worker), PostgreSQL {connection.settings_dict['NAME']}, "
                f"Redis {os.environ['REDIS_URL']}; files in {root}"
            )
            checks = [check_live(a, b, cookie=facilitator, atelier=debate.atelier)]
            self.stdout.write(checks[-1].line())
            checks.append(
                check_synthesis(a, b, cookie=facilitator, session=session, media=root / "media")
            )
            self.stdout.write(checks[-1].line())
            for username, role in USERS.items():
                ids[f"cookie_{role}"] = session_cookie(username)
            load = run_load(run, users=users, seconds=seconds, ids=ids, prefix=prefix)
        down = f"{load.down_after:.1f} s" if load.down_after is not None else "NEVER"
        self.stdout.write(
            f"\nlocust through HAProxy: {users} users for {seconds} s; {KILLED} killed "
            f"(SIGKILL) at {load.killed_after:.1f} s, taken out by HAProxy {down} later; "
            f"{load.redispatched} requests sent on to the other node after a failed attempt "
            f"(HAProxy's redispatches; {load.retried} retries on the same node)\n"
            f"{'request':<22} {'count':>7} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7}"
        )
        for row in load.rows:
            self.stdout.write(
                f"{row['Name']:<22} {row['Request Count']:>7} {row['Failure Count']:>5} "
                f"{row['50%']:>7} {row['95%']:>7}"
            )
        self.stdout.write(
            f"{'all':<22} {load.requests:>7} {load.failures:>5} {load.p50_ms:>7.0f} "
            f"{load.p95_ms:>7.0f}\n"
        )
        checks += load_checks(load, users=users)
        for check in checks[2:]:
            self.stdout.write(check.line())
        failed = [c.name for c in checks if not c.ok]
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)} (logs in {root}).")
        self.stdout.write(self.style.SUCCESS("All checks passed."))
