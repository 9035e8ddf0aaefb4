"""Logs as JSON lines when asked, and errors to Sentry when SENTRY_DSN is set, received by a
Sentry-like HTTP server started by the test."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from labo.lib.observability import init_sentry, logging_config


def test_log_format_json_writes_one_json_object_a_line():
    script = "import logging; logging.getLogger('labo.essai').warning('Atelier « %s »', 'Tri')"
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "labo.settings"}

    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    [line] = [line for line in done.stderr.splitlines() if "labo.essai" in line]
    record = json.loads(line)
    assert (record["level"], record["logger"]) == ("WARNING", "labo.essai")
    assert record["message"] == "Atelier « Tri »"
    assert "time" in record


def test_an_unknown_log_format_is_refused_by_name():
    with pytest.raises(RuntimeError, match="LOG_FORMAT is 'xml'"):
        logging_config(log_format="xml", level="INFO")


class Ingest(BaseHTTPRequestHandler):
    """What Sentry's ingest would receive: each envelope's items."""

    received: list[dict] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        for line in body.splitlines():
            try:
                self.received.append(json.loads(line))
            except ValueError:
                continue
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def sentry():
    import sentry_sdk

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Ingest.received = []
    init_sentry(
        dsn=f"http://publickey@127.0.0.1:{server.server_port}/1",
        environment="test",
        traces_sample_rate=0,
    )
    yield Ingest.received
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: nothing sent by the other tests
    server.shutdown()


def test_an_error_in_a_view_reaches_sentry_without_personal_data(world, sentry):
    import sentry_sdk

    client = Client(raise_request_exception=False)
    client.force_login(world.member)
    with mock.patch("labo.views.JsonResponse", side_effect=RuntimeError("boom")):
        response = client.get(reverse("labo:healthz"), HTTP_COOKIE="x=1")
    sentry_sdk.flush(timeout=5)

    assert response.status_code == 500
    [event] = [item for item in sentry if item.get("exception")]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["environment"] == "test"
    sent = json.dumps(event)
    assert world.member.username not in sent
    assert "x=1" not in sent


def test_sentry_without_its_extra_says_how_to_install_it():
    with (
        mock.patch.dict(sys.modules, {"sentry_sdk": None}),
        pytest.raises(RuntimeError, match=r'pip install "labo\[sentry\]"'),
    ):
        init_sentry(dsn="http://k@127.0.0.1:9/1", environment="t", traces_sample_rate=0)


def test_the_scrubbers_remove_personal_data_whatever_the_sdk_sends():
    from labo.lib.observability import without_personal_data, without_query_values

    event = {
        "user": {"username": "bob"},
        "request": {"url": "/healthz", "cookies": {"sessionid": "s"}, "data": {"p": "x"}},
    }
    crumb = {"category": "query", "data": {"db.params": ["bob"], "db.paramstyle": "format"}}

    assert without_personal_data(event, {}) == {"request": {"url": "/healthz"}}
    assert without_query_values(crumb, {}) == {
        "category": "query",
        "data": {"db.paramstyle": "format"},
    }
