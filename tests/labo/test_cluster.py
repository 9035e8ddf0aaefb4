"""The pieces of `make cluster` that stand without a cluster: the HAProxy configuration
(rendered, accepted by haproxy, and its retry policy run against two fake nodes), the
kill's schedule, the ledger and the lost-writes comparison."""

import http.client
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from labo.devtools.cluster import (
    FAILURE_WINDOW,
    compare_writes,
    failures_outside,
    kill_at,
    production_haproxy,
    read_ledger,
    render_haproxy,
)

HAPROXY = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
needs_haproxy = pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed")


def _lines(config: str) -> set[str]:
    return {line.strip() for line in config.splitlines()}


def test_haproxy_config_checks_health_and_retries_when_rendered():
    config = render_haproxy(
        bind="127.0.0.1:8000",
        servers=[("node-a", "127.0.0.1:8001"), ("node-b", "127.0.0.1:8002")],
        health_host="127.0.0.1",
    )

    expected = {
        "bind 127.0.0.1:8000",
        "http-request set-header X-Forwarded-Proto http",
        "option forwardfor",
        "option httpchk",
        "http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1",
        "http-check expect status 200",
        "retries 3",
        "option redispatch 1",
        "retry-on conn-failure empty-response response-timeout",
        "option http-buffer-request",
        "http-request disable-l7-retry if !METH_GET !replayable_post",
        "timeout tunnel 1h",
        "server node-a 127.0.0.1:8001 check",
        "server node-b 127.0.0.1:8002 check",
    }
    assert expected - _lines(config) == set()
    assert "ssl" not in config


def test_haproxy_config_sends_https_behind_tls_when_rendered_with_a_certificate():
    config = production_haproxy()

    lines = _lines(config)
    assert "bind :443 ssl crt /etc/haproxy/certs/labo.pem alpn h2,http/1.1" in lines
    assert "http-request set-header X-Forwarded-Proto https if { ssl_fc }" in lines
    assert "http-request redirect scheme https code 301 unless { ssl_fc }" in lines


def test_deploy_config_is_the_rendered_production_config():
    copy = Path(settings.BASE_DIR) / "deploy" / "haproxy.cfg"

    assert copy.read_text() == production_haproxy()


@needs_haproxy
def test_haproxy_config_is_accepted_by_haproxy_when_rendered(tmp_path):
    config = tmp_path / "haproxy.cfg"
    config.write_text(
        render_haproxy(
            bind="127.0.0.1:8000",
            servers=[("node-a", "127.0.0.1:8001"), ("node-b", "127.0.0.1:8002")],
            health_host="127.0.0.1",
            stats_socket=str(tmp_path / "haproxy.sock"),
        )
    )

    checked = subprocess.run([HAPROXY, "-c", "-f", str(config)], capture_output=True, text=True)

    assert checked.returncode == 0, checked.stderr


# The retry policy, run: one node answers its health checks but dies with every other
# request in hand (no answer), the other answers.


class _Node(BaseHTTPRequestHandler):
    dies = False
    seen: Counter  # request line → how many times this node received it

    def _handle(self) -> None:
        if self.path == "/healthz":
            self._answer(b"ok")
            return
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen[f"{self.command} {self.path}"] += 1
        if self.dies:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)  # held, then gone: no answer
            return
        self._answer(b"saved")

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _handle

    def log_message(self, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # the dying node's socket, shut under the handler's feet


def _node(dies: bool) -> tuple[ThreadingHTTPServer, Counter]:
    seen: Counter = Counter()
    handler = type("Node", (_Node,), {"dies": dies, "seen": seen})
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def proxy(tmp_path):
    """HAProxy in front of a dying node and a healthy one; yields its port and what each
    node received."""
    dying, dying_seen = _node(dies=True)
    healthy, healthy_seen = _node(dies=False)
    port = _free_port()
    config = tmp_path / "haproxy.cfg"
    config.write_text(
        render_haproxy(
            bind=f"127.0.0.1:{port}",
            servers=[
                ("dying", f"127.0.0.1:{dying.server_address[1]}"),
                ("healthy", f"127.0.0.1:{healthy.server_address[1]}"),
            ],
            health_host="127.0.0.1",
        )
    )
    process = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        time.sleep(0.5)  # the first health checks
        yield port, dying_seen, healthy_seen
    finally:
        process.terminate()
        process.wait(timeout=10)
        dying.shutdown()
        healthy.shutdown()


def _send(port: int, method: str, path: str, headers: dict | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=b"x=1" if method == "POST" else None, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@needs_haproxy
def test_haproxy_sends_a_get_again_to_the_other_node_when_one_dies_with_it(proxy):
    port, dying_seen, healthy_seen = proxy

    statuses = [_send(port, "GET", f"/page/{n}") for n in range(8)]

    assert statuses == [200] * 8
    assert sum(dying_seen.values()) >= 1  # the dying node did get some of them
    assert sorted(healthy_seen) == sorted(f"GET /page/{n}" for n in range(8))


@needs_haproxy
def test_haproxy_sends_a_post_with_an_idempotency_key_again_when_one_dies_with_it(proxy):
    port, dying_seen, healthy_seen = proxy
    key = {"Idempotency-Key": "a-key-of-sixteen-or-more"}

    statuses = [_send(port, "POST", f"/idea/{n}", key) for n in range(8)]

    assert statuses == [200] * 8
    assert sum(dying_seen.values()) >= 1
    assert sorted(healthy_seen) == sorted(f"POST /idea/{n}" for n in range(8))


@needs_haproxy
def test_haproxy_never_sends_a_post_without_a_key_twice_when_one_dies_with_it(proxy):
    port, dying_seen, healthy_seen = proxy

    statuses = [_send(port, "POST", f"/move/{n}") for n in range(8)]

    failed = [f"POST /move/{n}" for n, status in enumerate(statuses) if status != 200]
    assert {statuses[n] for n in range(8) if statuses[n] != 200} <= {502}
    assert sorted(dying_seen) == sorted(failed)  # each 502 is a POST the dying node held
    assert set(dying_seen) & set(healthy_seen) == set()  # none was sent to both
    assert len(failed) >= 1


# The run's schedule and its checks


def test_kill_at_is_half_way_through_the_run():
    assert kill_at(60) == 30
    assert kill_at(20) == 10


def test_kill_at_refuses_a_run_too_short_for_everyone_to_arrive():
    with pytest.raises(ValueError, match="too short"):
        kill_at(8)


def test_read_ledger_reads_each_kind_of_line():
    lines = [
        "saved\t100.000\tcluster-1-abc",
        "failure\t101.500\ttap +1\tRemoteDisconnected('Remote end closed connection')",
        "loggedout\t102.250\thome\t/login/?next=/",
        "saved\t103.000\tcluster-1-def",
    ]

    ledger = read_ledger(lines)

    assert ledger.saved == ["cluster-1-abc", "cluster-1-def"]
    assert ledger.failures == [
        (101.5, "tap +1", "RemoteDisconnected('Remote end closed connection')")
    ]
    assert ledger.logged_out == [(102.25, "home")]


def test_compare_writes_finds_nothing_lost_when_every_saved_text_is_stored():
    writes = compare_writes(["a", "b"], Counter({"a": 1, "b": 1, "c": 1}))

    assert (writes.told, writes.lost, writes.doubled) == (2, [], [])


def test_compare_writes_counts_lost_and_doubled_texts_when_they_differ():
    writes = compare_writes(["a", "b", "c"], Counter({"a": 1, "c": 2}))

    assert (writes.told, writes.lost, writes.doubled) == (3, ["b"], ["c"])


def test_failures_outside_keeps_those_before_the_kill_or_after_its_window():
    failures = [
        (-0.1, "home", "before"),
        (0.0, "tap +1", "at the kill"),
        (FAILURE_WINDOW, "move a block", "at the window's end"),
        (FAILURE_WINDOW + 0.1, "agenda", "after"),
    ]

    outside = failures_outside(failures, killed=0.0)

    assert [why for _t, _name, why in outside] == ["before", "after"]
