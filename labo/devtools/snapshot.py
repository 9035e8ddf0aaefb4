#!/usr/bin/env python
"""Render every page of a Labo checkout and compare two renderings byte for byte.

`make snapshot BASE=<git ref>` does it all: the demo seeded by BASE, rendered by BASE and by
the working tree, compared. By hand, run this file with the project's interpreter FROM THE
CHECKOUT to test (its packages labo, sessions, ateliers, commandes are imported from the
current directory, so the file may belong to another checkout, e.g. an older one without it):

    cd /path/to/base-checkout
    .../bin/python /path/to/labo/devtools/snapshot.py seed /tmp/snap/demo.sqlite3
    .../bin/python /path/to/labo/devtools/snapshot.py render /tmp/snap/demo.sqlite3 /tmp/snap/b1
    cd /path/to/other-checkout
    .../bin/python /path/to/labo/devtools/snapshot.py render /tmp/snap/demo.sqlite3 /tmp/snap/m1
    .../bin/python /path/to/labo/devtools/snapshot.py compare /tmp/snap/b1 /tmp/snap/m1

seed OUT_DB       a fresh SQLite database: migrate, then seed_demo (fixed random seed).
render DB OUT_DIR every named URL of the namespaces labo, sessions, ateliers, commandes, its
                  arguments filled with every matching object of DB (at most --cap, spread
                  by pk), plus a few query strings; for every demo persona (anonymous,
                  animateur, ambassadrice, ambassadeur2, direction, admin), GET plain, then
                  again with `HX-Request: true` (not for a 200 download: PDF, XLSX, ICS,
                  CSV, JSON). Against a throw-away COPY of DB. One file per text response
                  (normalised, see NORMALISERS), OUT_DIR/index.tsv and OUT_DIR/summary.json
                  (statuses, URLs that could not be filled, 500s with their exception,
                  slowest requests). PDF/XLSX/images: status and content type only.
                  --raw keeps the bodies as served (to find what varies between runs).
compare A B       what differs between two renderings (missing, status, content type,
                  Location, HX-*/Content-Disposition headers, body with a short unified
                  diff of the first --diffs bodies); last line "N same, M different";
                  exit 1 if anything differs.

The process re-executes itself with PYTHONHASHSEED=0 and PYTHONDONTWRITEBYTECODE=1.

Nothing is written outside the temporary folders this script makes, OUT_DB and OUT_DIR:
the database, LABO_VAR_DIR (media), SHARED_CACHE_DIR all point to temporary folders.

Every request runs inside a transaction that is rolled back, so that a GET that writes
(e.g. the personal-data export records itself in the audit log) does not change what the
following pages show: each page is rendered against the seeded data, whatever the order.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import importlib
import json
import logging
import os
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar
from unittest import mock

# Django's own modules only: they read no setting on import, so they can be imported before
# the environment is set. The project's packages are not imported here but from the
# checkout under test (use_checkout_here), after the settings variables are set.
import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import connection, connections, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Settings variables (README, "Configuration") that would change what is rendered: the
# defaults are wanted, whatever the calling shell has exported.
SCRUBBED_ENV = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "LABO_VAR_DIR",
    "SHARED_CACHE_DIR",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "EMAIL_BACKEND",
    "DEFAULT_FROM_EMAIL",
    "TASKS_BACKEND",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_PROXY",
    "SECURE_COOKIES",
    "LOG_LEVEL",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "FILE_UPLOAD_MAX_MEMORY_SIZE",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "DJANGO_SETTINGS_MODULE",
]
SCRUBBED_PREFIXES = ("LABO_",)

T = TypeVar("T")
Kwargs = dict[str, Any]  # a URL's path arguments
Entry = dict[str, str]  # a row of index.tsv, by column
EntryKey = tuple[str, str, str, str]  # persona, method, path, htmx

PERSONAS = ["anonymous", "animateur", "ambassadrice", "ambassadeur2", "direction", "admin"]
CAP = 30  # most objects per URL name (spread over all of them, by primary key)
# Signed tokens in URLs (personal feed, guest links) are made with this clock, so that the
# same object gives the same path on every run.
TOKEN_TIME = 1_700_000_000
HTMX_HEADERS = {"HX-Request": "true"}

TEXT_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/javascript",
    "application/xhtml",
    "image/svg+xml",
)
EXTENSIONS = {
    "text/html": "html",
    "application/json": "json",
    "text/calendar": "ics",
    "text/csv": "csv",
    "text/plain": "txt",
    "application/xml": "xml",
    "image/svg+xml": "svg",
}
INDEX_COLUMNS = [
    "persona",
    "method",
    "path",
    "htmx",
    "status",
    "content_type",
    "sha256",
    "location",
    "headers",
    "file",
]


# --------------------------------------------------------------------------------------
# Process set-up
# --------------------------------------------------------------------------------------


def reexec_with_fixed_hash_seed() -> None:
    """str hashes (hence set order) the same on every run; and no __pycache__ written into
    the checkout under test."""
    if os.environ.get("PYTHONHASHSEED") != "0" or not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


def use_checkout_here() -> str:
    """Import the project from the current directory (a script's sys.path[0] is its own
    folder, not the current one), and make sure it is really this checkout."""
    here = os.getcwd()
    if not os.path.isfile(os.path.join(here, "manage.py")):
        sys.exit(f"snapshot: run me from a checkout (no manage.py in {here})")
    # Run as a file (maybe another checkout's), sys.path[0] is its folder, labo/devtools:
    # its modules (demo, bench...) must not be importable as top-level names.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    sys.path.insert(0, here)
    for package in ("labo", "sessions", "ateliers", "commandes"):
        module = importlib.import_module(package)
        found = os.path.dirname(os.path.abspath(module.__file__ or "?"))
        if found != os.path.join(here, package):
            sys.exit(f"snapshot: {package} imported from {found}, not from {here}")
    return here


def configure_env(database: str, workdir: str) -> None:
    for name in list(os.environ):
        if name in SCRUBBED_ENV or name.startswith(SCRUBBED_PREFIXES):
            del os.environ[name]
    var = os.path.join(workdir, "var")
    cache = os.path.join(workdir, "cache")
    os.makedirs(var, exist_ok=True)
    os.makedirs(cache, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "labo.settings"
    os.environ["DATABASE_URL"] = "sqlite:///" + os.path.abspath(database)
    os.environ["LABO_VAR_DIR"] = var
    os.environ["SHARED_CACHE_DIR"] = cache
    # Every page from one address within minutes: the guest rate limits would answer 429.
    for limit in (
        "LABO_GUEST_REQUESTS_PER_MINUTE",
        "LABO_GUEST_POSTS_PER_MINUTE",
        "LABO_FEED_REQUESTS_PER_MINUTE",
    ):
        os.environ[limit] = "1000000"


def setup_django() -> None:
    django.setup()
    # 403/404 are expected by the hundred: not worth a warning each. Errors are collected.
    for name in ("django.request", "django.security", "django.template"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


# --------------------------------------------------------------------------------------
# seed
# --------------------------------------------------------------------------------------


def cmd_seed(args: argparse.Namespace) -> int:
    out = os.path.abspath(args.out_db)
    use_checkout_here()
    os.makedirs(os.path.dirname(out), exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(out + suffix):
            os.remove(out + suffix)
    workdir = tempfile.mkdtemp(prefix="labo-snap-seed-")
    try:
        configure_env(out, workdir)
        random.seed(0)
        setup_django()
        call_command("migrate", interactive=False, verbosity=0)
        random.seed(0)
        call_command("seed_demo")
        media = settings.MEDIA_ROOT
        if os.path.isdir(media) and any(files for _, _, files in os.walk(media)):
            print(
                f"snapshot: warning: seed_demo wrote media files under {media}; "
                "they are not kept with the database",
                file=sys.stderr,
            )
        connection.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"seeded {out}")
    return 0


# --------------------------------------------------------------------------------------
# The URLs and how to fill them from the demo data
# --------------------------------------------------------------------------------------

NAMESPACES = ("labo", "sessions", "ateliers", "commandes")

# ateliers.views (baseline): which kinds of result each workshop format shows and accepts.
FORMAT_KINDS = {
    "debat_mouvant": {"question"},
    "tribunal": {"case"},
    "demarreur": {"role", "interview", "observation"},
    "labo_stands": {"stand", "feedback", "suggestion"},
    "retrospective": {"retro"},
}
COMMON_KINDS = {"action", "rating"}
IDEA_KINDS = {"idea", "theme"}
IDEA_FORMATS = {"free", "scenario_tables", "criteria_grid", "retrospective", "tribunal"}
# kind -> (model, path from the model to the workshop's id); ateliers.views.KINDS/_scoped
KIND_MODELS = {
    "question": ("ateliers.DebateQuestion", "atelier_id"),
    "case": ("ateliers.TribunalCase", "atelier_id"),
    "role": ("ateliers.DemarreurRole", "report__atelier_id"),
    "interview": ("ateliers.InterviewQuestion", "report__atelier_id"),
    "observation": ("ateliers.Observation", "report__atelier_id"),
    "stand": ("ateliers.Stand", "atelier_id"),
    "feedback": ("ateliers.StandFeedback", "stand__atelier_id"),
    "suggestion": ("ateliers.SuggestedOffer", "stand__atelier_id"),
    "retro": ("ateliers.RetroEntry", "atelier_id"),
    "idea": ("ateliers.Idea", "atelier_id"),
    "theme": ("ateliers.Theme", "atelier_id"),
    "action": ("ateliers.Action", "atelier_id"),
    "rating": ("ateliers.Rating", "atelier_id"),
}
EDITABLE_KINDS = ["question", "case", "stand", "action"]
PHOTO_SIZES = ["thumb", "full"]
REPORT_ACTIONS = ["review", "send"]
EXPORTS = [(what, fmt) for what in ("attendance", "results") for fmt in ("csv", "xlsx")]


def spread(items: Iterable[T], cap: int | None = None, keep: Iterable[T] = ()) -> list[T]:
    """At most `cap` of the items, evenly spread (first and last included), plus `keep`."""
    cap = max(2, cap or CAP)
    items = list(items)
    if len(items) <= cap:
        return items
    chosen = {round(i * (len(items) - 1) / (cap - 1)) for i in range(cap)}
    keep = list(keep)
    return [x for i, x in enumerate(items) if i in chosen or x in keep]


def walk(patterns: Iterable[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            local = pattern.name or pattern.lookup_str
            yield (f"{namespace}:{local}" if namespace else local), pattern


class Filler:
    """Path arguments for each URL name, from the objects of the (seeded) database."""

    def __init__(self) -> None:
        self.model = apps.get_model
        self.notes: list[str] = []

    def pks(self, label: str, manager: str = "_base_manager", **filters: Any) -> list[int]:
        model = self.model(label)
        qs = getattr(model, manager).filter(**filters).order_by("pk")
        return list(qs.values_list("pk", flat=True))

    def persona_people(self) -> list[int]:
        return self.pks("labo.Person", user__username__in=PERSONAS)

    def signed(self, value: object, salt: str) -> str:
        # django.core.signing reads the clock as time.time().
        with mock.patch.object(time, "time", return_value=TOKEN_TIME):
            return signing.dumps(value, salt=salt)

    def kinds_of(self, atelier_format: str) -> set[str]:
        kinds = COMMON_KINDS | FORMAT_KINDS.get(atelier_format, set())
        return kinds | IDEA_KINDS if atelier_format in IDEA_FORMATS else kinds

    def scoped(self, kinds: Iterable[str]) -> list[Kwargs]:
        """(workshop, kind, object) for every result of those kinds."""
        rows: list[Kwargs] = []
        for kind in kinds:
            label, to_atelier = KIND_MODELS[kind]
            model = self.model(label)
            for pk, atelier in model._base_manager.order_by(to_atelier, "pk").values_list(
                "pk", to_atelier
            ):
                rows.append({"pk": atelier, "kind": kind, "obj_pk": pk})
        return sorted(rows, key=lambda r: (r["pk"], r["kind"], r["obj_pk"]))

    def build(self) -> dict[str, list[Kwargs]]:
        """URL name -> list of kwargs (a list of one {} for a URL without arguments)."""
        session = self.pks("labo_sessions.Session")
        day = self.pks("labo_sessions.Day")
        item = self.pks("labo_sessions.AgendaItem")
        atelier = self.pks("ateliers.Atelier")
        commande = self.pks("commandes.Commande")
        person = self.pks("labo.Person")
        mine = self.persona_people()
        ateliers = list(
            self.model("ateliers.Atelier")._base_manager.order_by("pk").values_list("pk", "format")
        )
        log_deleted = self.pks("auditlog.LogEntry", action=2)  # LogEntry.Action.DELETE
        log_any = self.pks("auditlog.LogEntry")
        active_people = self.pks("labo.Person", is_active=True)

        def each(name: str, values: Iterable[int]) -> list[Kwargs]:
            return [{name: v} for v in values]

        by_pk = {
            "sessions:session-detail": session,
            "sessions:session-edit": session,
            "sessions:session-ics": session,
            "sessions:session-synthesis": session,
            "sessions:session-history": session,
            "sessions:agenda": session,
            "sessions:session-save-template": session,
            "commandes:commande-detail": commande,
            "commandes:commande-move": commande,
            "commandes:commande-pdf": commande,
            "commandes:commande-history": commande,
            "commandes:commande-review": commande,
            "commandes:team-add": commande,
            "commandes:team-remove": commande,
            "commandes:task-add": commande,
            "commandes:deliverable-add": commande,
            "commandes:task-toggle": self.pks("commandes.Task"),
            "commandes:deliverable-file": self.pks("commandes.Deliverable"),
            "labo:document-status": self.pks("labo.Document"),
            "labo:document-file": self.pks("labo.Document"),
            "labo:history-restore": log_deleted or spread(log_any),
            "ateliers:tap": self.pks("ateliers.DebateQuestion"),
            "ateliers:offer-adopt": self.pks("ateliers.SuggestedOffer"),
            "ateliers:guest-link-revoke": self.pks("ateliers.GuestLink"),
        }
        for name in ("person-detail", "person-export", "person-anonymise"):
            by_pk[f"labo:{name}"] = spread(person, keep=mine)
        for name in (
            "day-update",
            "item-create",
            "item-from-method",
            "day-reorder",
            "day-attendance",
            "day-agenda-pdf",
            "day-run",
            "day-run-action",
            "day-sign-in-pdf",
        ):
            by_pk[f"sessions:{name}"] = day
        for name in (
            "item-update",
            "item-edit",
            "item-duplicate",
            "item-delete",
            "item-restore",
            "item-move",
            "item-move-to-day",
            "item-add-subgroup",
        ):
            by_pk[f"sessions:{name}"] = spread(item)
        for name in (
            "atelier-detail",
            "atelier-edit",
            "report-update",
            "report-pdf",
            "reveal",
            "grid-update",
            "rotation",
            "photo-add",
            "guest-link-create",
            "vote",
            "action-toggle",
            "idea-classify",
        ):
            by_pk[f"ateliers:{name}"] = atelier

        specs = {name: each("pk", spread(pks)) for name, pks in by_pk.items()}
        specs["ateliers:atelier-create"] = each("session_pk", session)
        specs["sessions:session-export"] = [
            {"pk": s, "what": what, "fmt": fmt} for s in session for what, fmt in EXPORTS
        ]
        specs["sessions:personal-feed"] = [
            {"token": self.signed(p, "labo.calendar-feed")}
            for p in spread(active_people, keep=mine)
        ]
        specs["ateliers:guest"] = [
            {"token": self.signed(g, "labo.guest-link")} for g in self.pks("ateliers.GuestLink")
        ]
        specs["ateliers:photo-file"] = [
            {"pk": p, "size": size}
            for p in spread(self.pks("ateliers.Photo"))
            for size in PHOTO_SIZES
        ]
        specs["ateliers:result-add"] = spread(
            [
                {"pk": pk, "kind": kind}
                for pk, fmt in ateliers
                for kind in sorted(self.kinds_of(fmt))
            ]
        )
        specs["ateliers:result-update"] = spread(self.scoped(EDITABLE_KINDS))
        specs["ateliers:result-delete"] = spread(self.scoped(sorted(KIND_MODELS)))
        specs["ateliers:report-transition"] = [
            {"pk": pk, "action": action}
            for pk, fmt in ateliers
            if fmt == "demarreur"
            for action in REPORT_ACTIONS
        ]
        return specs

    def guess(self, name: str, params: list[str]) -> list[Kwargs] | None:
        """A URL the baseline does not have: fill a lone `pk` by its name, if it says."""
        if params != ["pk"]:
            return None
        namespace, _, local = name.partition(":")
        table = [
            ("sessions", "day-", "labo_sessions.Day"),
            ("sessions", "item-", "labo_sessions.AgendaItem"),
            ("sessions", "session-", "labo_sessions.Session"),
            ("sessions", "", "labo_sessions.Session"),
            ("commandes", "task-", "commandes.Task"),
            ("commandes", "deliverable-", "commandes.Deliverable"),
            ("commandes", "", "commandes.Commande"),
            ("ateliers", "", "ateliers.Atelier"),
            ("labo", "person-", "labo.Person"),
            ("labo", "document-", "labo.Document"),
        ]
        for ns, prefix, label in table:
            if namespace == ns and local.startswith(prefix):
                self.notes.append(f"{name}: not known to this tool, pk guessed as {label}")
                return [{"pk": pk} for pk in spread(self.pks(label))]
        return None


# Extra pages with a query string: the same views drawing something else.
def query_variants(specs: dict[str, list[Kwargs]]) -> list[tuple[str, Kwargs, str]]:
    def first(label: str, **filters: Any) -> int | None:
        return (
            apps.get_model(label)
            ._base_manager.filter(**filters)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )

    variants: list[tuple[str, Kwargs, str]] = [
        ("labo:search", {}, "q=labo"),
        ("labo:search", {}, "q=d%C3%A9marreur"),
        ("labo:search", {}, "q=x"),
        ("labo:person-list", {}, "q=fontaine"),
        ("labo:person-list", {}, "activity=newcomers"),
    ]
    Session = apps.get_model("labo_sessions.Session")
    span = Session._base_manager.aggregate(start=models.Min("starts_on"), end=models.Max("ends_on"))
    if span["start"] and span["end"]:  # every session, all programmes: from the data
        query = f"programme=&start={span['start']:%Y-%m-%d}&end={span['end']:%Y-%m-%d}"
        variants.append(("labo:dashboard", {}, query))
    direction = first("labo.Direction", acronym="DRU")
    if direction:
        variants.append(("commandes:commande-board", {}, f"direction={direction}"))
        variants.append(("commandes:commande-list", {}, f"direction={direction}"))
    skill = first("labo.Skill")
    for kwargs in specs.get("commandes:commande-detail", [])[:3]:
        if skill:
            variants.append(("commandes:commande-detail", kwargs, f"skills={skill}"))
    Day = apps.get_model("labo_sessions.Day")
    Item = apps.get_model("labo_sessions.AgendaItem")
    for kwargs in specs.get("sessions:agenda", []):
        day = Day._base_manager.filter(session=kwargs["pk"]).order_by("pk").first()
        if day is None:
            continue
        variants.append(("sessions:agenda", kwargs, f"settings={day.pk}"))
        item = Item._base_manager.filter(day=day).order_by("pk").first()
        if item is not None:
            variants.append(("sessions:agenda", kwargs, f"edit={item.pk}"))
    for kwargs in specs.get("sessions:day-run", [])[:2]:
        variants.append(("sessions:day-run", kwargs, "projector=1"))
    return variants


def build_targets(filler: Filler) -> tuple[list[tuple[str, str]], list[str]]:
    """[(url name, path)] in a fixed order, and the names that could not be filled."""
    specs = filler.build()
    targets: list[tuple[str, str]] = []
    unfilled: list[str] = []
    seen: set[str] = set()
    for name, pattern in walk(get_resolver().url_patterns):
        if name.split(":")[0] not in NAMESPACES or name in seen:
            continue
        seen.add(name)
        params = list(pattern.pattern.regex.groupindex)
        if not params:
            kwargs_list: list[Kwargs] | None = [{}]
        elif name in specs:
            kwargs_list = specs[name]
        else:
            kwargs_list = filler.guess(name, params)
            if kwargs_list is None:
                unfilled.append(f"{name} ({', '.join(params)}: unknown to this tool)")
                continue
        if not kwargs_list:
            unfilled.append(f"{name} ({', '.join(params)}: no such object in the demo)")
            continue
        for kwargs in kwargs_list:
            targets.append((name, reverse(name, kwargs=kwargs)))
    for name, kwargs, query in query_variants(specs):
        if name in seen:
            targets.append((name, reverse(name, kwargs=kwargs) + "?" + query))
    return targets, unfilled


# --------------------------------------------------------------------------------------
# Normalisation: what differs between two renderings of the same code and data
# --------------------------------------------------------------------------------------

CSRF = "{CSRF}"
# Found by rendering the baseline twice (--raw) and diffing; nothing else differed.
NORMALISERS = [
    # {% csrf_token %}: a new mask of the token on every response (every form).
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")'), r"\g<1>" + CSRF + r"\g<2>"),
    # base.html: <body hx-headers='{"X-CSRFToken": "..."}'> (base.html has no CSRF meta tag).
    (re.compile(r'("X-CSRFToken"\s*:\s*")[^"]*(")'), r"\g<1>" + CSRF + r"\g<2>"),
    # django.core.signing.dumps(): payload:timestamp:signature, the timestamp is the clock
    # (the personal calendar feed's address on "My profile"). The payload is kept.
    (
        re.compile(r"\b([A-Za-z0-9_-]+):[0-9A-Za-z]{5,7}:[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"),
        r"\1:{SIGNED-AT}:{SIGNATURE}",
    ),
    # iCalendar: DTSTAMP is the moment the file is made (sessions.calendar.build_calendar).
    (re.compile(r"^DTSTAMP:[0-9TZ]+(\r?)$", re.M), r"DTSTAMP:{NOW}\1"),
    # DEBUG's technical 404 page names the view that raised Http404 ("Raised by:
    # labo.views.my_profile"). Moving a view to another module changes that line only, which
    # is not a change of the page (without DEBUG, the plain 404 page names no view): the
    # module is masked, the view's own name kept.
    (
        re.compile(r'(<th scope="row">Raised by:</th>\s*<td>)[\w.]+\.(\w+</td>)'),
        r"\1{MODULE}.\2",
    ),
]


def is_text(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower().startswith(TEXT_TYPES)


def normalise(body: bytes) -> bytes:
    text = body.decode("utf-8", errors="surrogateescape")
    for pattern, replacement in NORMALISERS:
        text = pattern.sub(replacement, text)
    return text.encode("utf-8", errors="surrogateescape")


# --------------------------------------------------------------------------------------
# render
# --------------------------------------------------------------------------------------


def file_name(path: str, htmx: bool, ext: str) -> str:
    base, _, query = path.partition("?")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", base.strip("/")) or "_root"
    if query:
        slug += "__q_" + re.sub(r"[^A-Za-z0-9._-]+", "_", query)
    if len(slug) > 150:
        slug = slug[:120] + "_" + hashlib.sha256(path.encode()).hexdigest()[:12]
    if slug.endswith(f".{ext}") and not query:
        slug = slug[: -len(ext) - 1]
    return f"{slug}{'__htmx' if htmx else ''}.{ext}"


class Errors:
    """Exceptions raised by views (the test client turns them into 500 responses)."""

    def __init__(self) -> None:
        self.last: str | None = None

    def __call__(self, sender: object, request: object = None, **kwargs: object) -> None:
        error = sys.exc_info()[1]
        frames = traceback.extract_tb(error.__traceback__) if error else []
        where = [f"{f.name} ({os.path.basename(f.filename)}:{f.lineno})" for f in frames[-4:]]
        self.last = f"{type(error).__name__}: {error}\n  in " + " < ".join(reversed(where))


def cmd_render(args: argparse.Namespace) -> int:
    started = time.monotonic()
    source = os.path.abspath(args.db)
    out = os.path.abspath(args.out_dir)
    if not os.path.isfile(source):
        sys.exit(f"snapshot: no database at {source}")
    use_checkout_here()
    global CAP
    CAP = args.cap
    if os.path.isdir(out) and os.listdir(out):
        if not os.path.isfile(os.path.join(out, "index.tsv")):
            sys.exit(f"snapshot: {out} is not empty and holds no index.tsv: not touching it")
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)

    workdir = tempfile.mkdtemp(prefix="labo-snap-render-")
    database = os.path.join(workdir, "labo.sqlite3")
    shutil.copyfile(source, database)
    try:
        configure_env(database, workdir)
        setup_django()
        return render_all(out, started, workdir, raw=args.raw)
    finally:
        connections.close_all()
        shutil.rmtree(workdir, ignore_errors=True)


def render_all(out: str, started: float, workdir: str, raw: bool = False) -> int:
    assert settings.DEBUG, "DEBUG is expected on (the default)"
    assert str(settings.DATABASES["default"]["NAME"]).startswith(workdir)
    assert str(settings.MEDIA_ROOT).startswith(workdir)
    assert str(settings.CACHES["shared"]["LOCATION"]).startswith(workdir)

    filler = Filler()
    targets, unfilled = build_targets(filler)
    errors = Errors()
    got_request_exception.connect(errors)
    User = get_user_model()

    rows: list[list[str]] = []
    statuses: dict[str, int] = {}
    failures: list[str] = []
    slow: list[tuple[float, str, str, bool, str]] = []
    names_used: set[str] = set()
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            client.force_login(User.objects.get(username=persona))
        os.makedirs(os.path.join(out, persona), exist_ok=True)
        for name, path in targets:
            for htmx in (False, True):
                errors.last = None
                tick = time.monotonic()
                with transaction.atomic():
                    response = client.get(path, headers=HTMX_HEADERS if htmx else None)
                    body = response.getvalue()  # the content, or the stream joined
                    response.close()
                    transaction.set_rollback(True)
                slow.append((time.monotonic() - tick, persona, path, htmx, name))
                status = response.status_code
                content_type = response.get("Content-Type", "")
                location = response.get("Location", "")
                headers = {
                    key: value
                    for key, value in sorted(response.items())
                    if key.lower().startswith("hx-") or key.lower() == "content-disposition"
                }
                if status >= 500:
                    message = errors.last or "(no exception)"
                    failures.append(f"{persona} GET {path}{' [htmx]' if htmx else ''}: {message}")
                    # The debug 500 page shows the clock and memory addresses: keep the error.
                    body, content_type = message.encode(), "text/plain; snapshot=error"
                key = f"{status}"
                statuses[key] = statuses.get(key, 0) + 1
                if is_text(content_type):
                    if not raw:
                        body = normalise(body)
                    digest = hashlib.sha256(body).hexdigest()
                    ext = EXTENSIONS.get(content_type.split(";")[0].strip().lower(), "txt")
                    fname = file_name(path, htmx, ext)
                    rel = f"{persona}/{fname}"
                    if rel in names_used:
                        stem, _, ext2 = fname.rpartition(".")
                        tag = hashlib.sha256(path.encode()).hexdigest()[:8]
                        rel = f"{persona}/{stem}_{tag}.{ext2}"
                    names_used.add(rel)
                    with open(os.path.join(out, rel), "wb") as handle:
                        handle.write(body)
                else:
                    digest, rel = "skipped:binary", ""
                rows.append(
                    [
                        persona,
                        "GET",
                        path,
                        "1" if htmx else "0",
                        str(status),
                        content_type,
                        digest,
                        location,
                        json.dumps(headers, ensure_ascii=False, sort_keys=True) if headers else "",
                        rel,
                    ]
                )
                # A download (PDF, spreadsheet, calendar, CSV, JSON, image) does not read
                # the htmx header: only pages and errors are asked for again with it.
                if not htmx and status == 200 and not content_type.startswith("text/html"):
                    break
    with open(os.path.join(out, "index.tsv"), "w", encoding="utf-8") as handle:
        handle.write("\t".join(INDEX_COLUMNS) + "\n")
        for row in rows:
            handle.write("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row))
            handle.write("\n")

    elapsed = time.monotonic() - started
    by_name: dict[str, float] = {}
    for seconds, *_, name in slow:
        by_name[name] = round(by_name.get(name, 0) + seconds, 2)
    summary = {
        "entries": len(rows),
        "url_names_filled": len({n for n, _ in targets}),
        "paths": len(targets),
        "status": dict(sorted(statuses.items())),
        "unfilled": unfilled,
        "notes": filler.notes,
        "errors": failures,
        "seconds": round(elapsed, 1),
        "slowest": [
            f"{seconds:.2f}s {persona} {path}{' [htmx]' if htmx else ''}"
            for seconds, persona, path, htmx, _ in sorted(slow, reverse=True)[:15]
        ],
        "seconds_by_url_name": dict(
            sorted(by_name.items(), key=lambda kv: kv[1], reverse=True)[:15]
        ),
    }
    with open(os.path.join(out, "summary.json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, ensure_ascii=False, indent=2)
    print(
        f"{len(rows)} responses ({len(targets)} paths x {len(PERSONAS)} personas, "
        f"plain + htmx) in {elapsed:.0f}s -> {out}"
    )
    print("status: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    for line in unfilled:
        print(f"not filled: {line}")
    for line in filler.notes:
        print(f"note: {line}")
    for line in failures[:20]:
        print(f"ERROR {line}")
    if len(failures) > 20:
        print(f"... and {len(failures) - 20} more errors (summary.json)")
    return 0


# --------------------------------------------------------------------------------------
# compare
# --------------------------------------------------------------------------------------


def read_index(directory: str) -> dict[EntryKey, Entry]:
    path = os.path.join(directory, "index.tsv")
    if not os.path.isfile(path):
        sys.exit(f"snapshot: no index.tsv in {directory}")
    entries = {}
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
            entries[(row["persona"], row["method"], row["path"], row["htmx"])] = row
    return entries


def read_lines(path: str) -> list[str]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read().splitlines()


def compare(dir_a: str, dir_b: str, *, diffs: int = 5, lines: int = 40) -> int:
    """Print what differs between the renderings in dir_a and dir_b: 0 if nothing, else 1."""
    a, b = read_index(dir_a), read_index(dir_b)
    same = different = 0
    diffs_shown = 0
    for key in sorted(set(a) | set(b)):
        label = f"{key[0]} {key[1]} {key[2]}{' [htmx]' if key[3] == '1' else ''}"
        left, right = a.get(key), b.get(key)
        if left is None or right is None:
            different += 1
            print(f"MISSING in {'A' if left is None else 'B'}: {label}")
            continue
        problems = []
        for column in ("status", "content_type", "location", "headers", "sha256"):
            if left.get(column, "") != right.get(column, ""):
                if column == "sha256":
                    problems.append("body differs")
                else:
                    problems.append(f"{column}: {left.get(column)!r} -> {right.get(column)!r}")
        if not problems:
            same += 1
            continue
        different += 1
        print(f"DIFFERENT {label}: " + "; ".join(problems))
        shown = left["file"] and right["file"] and diffs_shown < diffs
        if "body differs" in problems and shown:
            diffs_shown += 1
            old = read_lines(os.path.join(dir_a, left["file"]))
            new = read_lines(os.path.join(dir_b, right["file"]))
            diff = list(
                difflib.unified_diff(
                    old, new, f"A/{left['file']}", f"B/{right['file']}", n=2, lineterm=""
                )
            )
            for line in diff[:lines]:
                print("    " + line[:300])
            if len(diff) > lines:
                print(f"    ... ({len(diff) - lines} more diff lines)")
    print(f"{same} same, {different} different")
    return 1 if different else 0


def cmd_compare(args: argparse.Namespace) -> int:
    return compare(args.dir_a, args.dir_b, diffs=args.diffs, lines=args.lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed", help="create OUT_DB: migrate and seed_demo")
    seed.add_argument("out_db")
    render = sub.add_parser("render", help="render every page against a copy of DB")
    render.add_argument("db")
    render.add_argument("out_dir")
    render.add_argument(
        "--cap", type=int, default=CAP, help=f"most objects per URL name (default {CAP})"
    )
    render.add_argument(
        "--raw", action="store_true", help="store the bodies as served (no normalisation)"
    )
    compare = sub.add_parser("compare", help="compare two renderings")
    compare.add_argument("dir_a")
    compare.add_argument("dir_b")
    compare.add_argument("--diffs", type=int, default=5, help="bodies to show a diff of")
    compare.add_argument("--lines", type=int, default=40, help="diff lines shown per body")
    args = parser.parse_args()
    if args.command == "compare":
        return cmd_compare(args)
    reexec_with_fixed_hash_seed()
    return {"seed": cmd_seed, "render": cmd_render}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
