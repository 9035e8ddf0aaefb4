"""The real OpenID provider of the single sign-on tests (tests/oidc/provider.js, panva's
oidc-provider on the machine's Node.js), started and stopped by the tests' fixtures."""

from __future__ import annotations

import json
import os
import re
import select
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID, CLIENT_SECRET = "labo", "labo-secret"
OTHER_CLIENT_ID, OTHER_CLIENT_SECRET = "other-app", "other-secret"
SIGNED_CLIENT_ID, SIGNED_CLIENT_SECRET = "labo-signed", "labo-signed-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Provider:
    def __init__(self, process: subprocess.Popen, issuer: str) -> None:
        self.process, self.issuer = process, issuer

    def set_accounts(self, accounts: dict[str, dict]) -> None:
        """Who can sign in there: login name -> claims (email, given_name, groups...)."""
        requests.post(f"{self.issuer}/_test/accounts", data=json.dumps(accounts), timeout=5)

    def set_clock(self, offset_seconds: int) -> None:
        requests.post(
            f"{self.issuer}/_test/clock", data=json.dumps({"offset": offset_seconds}), timeout=5
        )


@contextmanager
def running_provider(*rp_bases: str) -> Iterator[Provider]:
    """The provider, with Labo's callback and login page registered at each of these bases."""
    if not (HERE / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "RP_BASES": ",".join(rp_bases)}
    process = subprocess.Popen(
        ["node", "provider.js"],
        cwd=HERE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        ready, _w, _x = select.select([process.stdout], [], [], 20)
        line = process.stdout.readline() if ready and process.stdout else ""
        if not line.startswith("ready"):
            raise RuntimeError(f"The test OpenID provider did not start: {line!r}")
        yield Provider(process, f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(10)


def sign_in_at_provider(authorize_url: str, login: str, *, until: str) -> str:
    """What a browser does at the provider: follow the authorization request, type the login
    name, and stop at the first redirect to ``until`` (Labo's address), returned."""
    session = requests.Session()
    url, method, data = authorize_url, "GET", None
    for _step in range(10):
        response = session.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url, method, data = urljoin(url, response.headers["Location"]), "GET", None
            if url.startswith(until):
                return url
            continue
        form = re.search(r'<form method="post" action="([^"]+)"', response.text)
        if not form:
            raise AssertionError(f"No sign-in form at the provider: {response.text[:300]}")
        url, method, data = urljoin(url, form.group(1)), "POST", {"login": login}
        time.sleep(0)
    raise AssertionError("The provider never sent the browser back to Labo.")
