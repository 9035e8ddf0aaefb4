"""What the capture pages' service worker keeps for use without network: the files every
capture page loads (cache first, under a name that changes with them), and the pages
themselves under /ateliers/ (network first, the last copy when the network is gone)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

ASSETS = (
    "css/labo.css",
    "vendor/htmx/htmx.min.js",
    "js/drafts.js",
    "js/capture.js",
    "js/grid.js",
    "js/photo.js",
    "js/menu.js",
)


def assets() -> list[str]:
    return [static(name) for name in ASSETS]


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ASSETS:
        digest.update(static(name).encode())
        path = finders.find(name)
        if isinstance(path, str):
            with open(path, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:16]


_cached_fingerprint = lru_cache(maxsize=1)(_fingerprint)


def worker_context() -> dict[str, str]:
    """The service worker's version (a new one replaces the files it kept) and file list.
    In development the files change under the same names: read them every time."""
    version = _fingerprint() if settings.DEBUG else _cached_fingerprint()
    return {"version": version, "assets": json.dumps(assets())}
