"""Server-side timings of pages and htmx edits, measured through the whole Django stack."""

from __future__ import annotations

import functools
import io
import itertools
import os
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader
from weasyprint import CSS, HTML

from ateliers import models as atelier_models
from ateliers.formats import Format
from ateliers.models import Action, Atelier, DebateQuestion, Idea, Position, Rating, RetroKind
from ateliers.photos import process
from ateliers.services import add_photo
from labo.devtools.volume import PROGRAMME, seed_volume
from labo.documents import render_html
from labo.lib.pdf import html_to_pdf
from labo.models import Document, DocumentKind, Programme
from sessions.models import AgendaItem, Day, Session


@dataclass
class Measure:
    name: str
    samples_ms: list[float]
    size_bytes: int
    target_ms: float

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def ok(self) -> bool:
        return self.p95 <= self.target_ms


class Response(Protocol):
    """What a measure reads of the test client's answer."""

    status_code: int
    content: bytes


def measure(
    name: str, call: Callable[[], Response], *, runs: int, target_ms: float, warmup: int = 3
) -> Measure:
    """Time `call` (a request through the test client) `runs` times after a warm-up."""
    for _ in range(warmup):
        call()
    samples, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - start) * 1000)
        status = response.status_code
        if status >= 400:
            raise RuntimeError(f"{name}: HTTP {status}")
        size = len(response.content)
    return Measure(name, samples, size, target_ms)


def table(measures: list[Measure]) -> str:
    head = f"{'measure':<34} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'target':>8} {'bytes':>8}  ok"
    lines = [head, "-" * len(head)]
    for m in measures:
        lines.append(
            f"{m.name:<34} {len(m.samples_ms):>5} {m.p50:>8.1f} {m.p95:>8.1f} "
            f"{m.target_ms:>8.0f} {m.size_bytes:>8}  {'yes' if m.ok else 'NO'}"
        )
    return "\n".join(lines)


def logged_in_client(username: str) -> Client:

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


class HeldRows:
    """The rows a planner page holds ("pk:key"), as static/js/planner.js sends them with each
    move (``shown``) and keeps them up to date from each answer: a move is then answered with
    the rows that changed, not the whole day."""

    ROW = re.compile(r'data-id="(\d+)" data-key="([^"]+)"')

    def __init__(self, session: Session) -> None:
        self.session = session
        self.keys: dict[str, str] | None = None

    def move(self, client: Client, item: AgendaItem, direction: str):
        if self.keys is None:
            page = client.get(reverse("sessions:agenda", args=[self.session.pk]))
            self.keys = dict(self.ROW.findall(page.content.decode()))
        shown = ",".join(f"{pk}:{key}" for pk, key in self.keys.items())
        response = client.post(
            reverse("sessions:item-move", args=[item.pk]),
            {"direction": direction, "shown": shown},
            headers={"HX-Request": "true"},
        )
        self.keys.update(self.ROW.findall(response.content.decode()))
        return response


def board_photo(width: int = 4000, height: int = 3000) -> bytes:
    """A camera-like 12-megapixel JPEG: gradients and grain, about the size a phone makes."""

    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    grain = Image.frombytes("L", (width // 4, height // 4), os.urandom(width * height // 16))
    grain = grain.resize((width, height)).convert("RGB")
    image = Image.blend(base, grain, 0.25)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def photo_measure(*, runs: int, target_ms: float) -> Measure:

    data = board_photo()
    samples = []
    for _ in range(runs + 1):
        upload = SimpleUploadedFile("board.jpg", data, content_type="image/jpeg")
        start = time.perf_counter()
        process(upload)
        samples.append((time.perf_counter() - start) * 1000)
    return Measure("photo: 4000×3000 JPEG processed", samples[1:], len(data), target_ms)


# The session synthesis at scale ------------------------------------------------------


def scale_session(session, *, workshops: int, results: int, photos: int) -> None:
    """Bring a session to `workshops` workshops (every format), `results` results spread
    across them and `photos` phone photos through the real upload pipeline."""

    formats = itertools.cycle(
        [
            Format.DEBAT_MOUVANT,
            Format.TRIBUNAL,
            Format.LABO_STANDS,
            Format.CRITERIA_GRID,
            Format.FREE,
            Format.RETROSPECTIVE,
        ]
    )
    ateliers = list(session.ateliers.all())
    while len(ateliers) < workshops:
        n = len(ateliers) + 1
        ateliers.append(
            atelier_models.Atelier.objects.create(
                session=session, format=next(formats), title=f"Atelier {n}", ideas_revealed=True
            )
        )
    stands: dict[int, atelier_models.Stand] = {}
    for n in range(results):
        atelier = ateliers[n % len(ateliers)]
        text = f"Résultat {n} : une phrase comme en écrivent les ambassadeurs sur un post-it."
        if atelier.format == Format.DEBAT_MOUVANT:
            atelier_models.DebateQuestion.objects.create(
                atelier=atelier, text=text, yes=n % 9, no=3, mixed=2
            )
        elif atelier.format == Format.TRIBUNAL:
            atelier_models.TribunalCase.objects.create(
                atelier=atelier, question=text, before_for=3, before_against=8, after_for=9
            )
        elif atelier.format == Format.LABO_STANDS:
            stand = stands.get(atelier.pk) or atelier_models.Stand.objects.create(
                atelier=atelier, name=text[:60]
            )
            stands[atelier.pk] = stand
            atelier_models.StandFeedback.objects.create(
                stand=stand, understanding=4, interest=3, comment=text
            )
        elif atelier.format == Format.RETROSPECTIVE:
            atelier_models.RetroEntry.objects.create(
                atelier=atelier, kind=RetroKind.WORKED, text=text
            )
        elif atelier.collects_ideas:
            idea = atelier_models.Idea.objects.create(
                atelier=atelier, text=text, x=n % 100, y=(n * 7) % 100
            )
            atelier_models.Vote.objects.bulk_create(
                atelier_models.Vote(idea=idea, voter=f"v{v}") for v in range(n % 4)
            )
        else:
            atelier_models.Rating.objects.create(atelier=atelier, score=1 + n % 5, comment=text)
    data = board_photo()
    for n in range(photos):
        upload = SimpleUploadedFile(f"tableau-{n}.jpg", data, content_type="image/jpeg")
        add_photo(
            atelier=ateliers[n % len(ateliers)],
            upload=upload,
            caption=f"Tableau {n + 1}",
            author=None,
        )


class PeakMemory:
    """The process's peak resident memory while the block runs, sampled every 5 ms."""

    def __enter__(self):

        self._page = os.sysconf("SC_PAGE_SIZE")
        self.before = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _rss(self) -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self._page

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._rss())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


@dataclass
class PdfFigures:
    first_ms: float
    samples_ms: list[float]
    alone_ms: list[float]
    size_bytes: int
    peak_rss: int
    rss_before: int
    pages: int

    @property
    def overhead(self) -> float:
        """Our whole pipeline (queries, template, fetcher) over WeasyPrint alone, same HTML:
        the median over pairs of draws made one after the other (samples_ms[i] and
        alone_ms[i]), so that the machine slowing down between two series is not counted."""
        return statistics.median(
            (ours - alone) / alone
            for ours, alone in zip(self.samples_ms, self.alone_ms, strict=True)
        )

    def report(self) -> str:
        p95 = sorted(self.samples_ms)[
            min(len(self.samples_ms) - 1, round(0.95 * (len(self.samples_ms) - 1)))
        ]
        mb = 1024 * 1024
        rows = [
            (
                "synthesis: first draw (fresh process)",
                f"{self.first_ms / 1000:.2f} s",
                "≤ 3 s",
                self.first_ms <= 3000,
            ),
            (
                f"synthesis: p95 of {len(self.samples_ms)} later draws (p50 "
                f"{statistics.median(self.samples_ms) / 1000:.2f} s)",
                f"{p95 / 1000:.2f} s",
                "≤ 2.5 s",
                p95 <= 2500,
            ),
            (
                "synthesis: size",
                f"{self.size_bytes / mb:.1f} MB ({self.pages} pages)",
                "≤ 8 MB",
                self.size_bytes <= 8 * mb,
            ),
            (
                "synthesis: peak memory (process RSS)",
                f"{self.peak_rss / mb:.0f} MB (from {self.rss_before / mb:.0f})",
                "≤ 400 MB",
                self.peak_rss <= 400 * mb,
            ),
            (
                "synthesis: overhead over WeasyPrint alone",
                f"{self.overhead * 100:.1f} %",
                "≤ 15 %",
                self.overhead <= 0.15,
            ),
        ]
        head = f"{'measure':<44} {'value':>26} {'target':>9}  ok"
        lines = [head, "-" * len(head)]
        for name, value, target, ok in rows:
            lines.append(f"{name:<44} {value:>26} {target:>9}  {'yes' if ok else 'NO'}")
        return "\n".join(lines)


def synthesis_figures(session, *, runs: int) -> PdfFigures:

    document = Document.objects.create(
        kind=DocumentKind.SYNTHESIS, programme=session.programme, session=session, title="Bench"
    )

    def draw() -> bytes:
        return html_to_pdf(render_html(document))

    start = time.perf_counter()
    content = draw()
    first = (time.perf_counter() - start) * 1000
    html = render_html(document)
    stylesheet = CSS(filename=finders.find("css/print.css"))
    samples, alone = [], []
    for _ in range(runs):  # one of ours, then WeasyPrint alone: a pair under the same load
        start = time.perf_counter()
        draw()
        samples.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf(
            stylesheets=[stylesheet], pdf_tags=True
        )
        alone.append((time.perf_counter() - start) * 1000)
    with PeakMemory() as memory:
        draw()
    return PdfFigures(
        first_ms=first,
        samples_ms=samples,
        alone_ms=alone,
        size_bytes=len(content),
        peak_rss=memory.peak,
        rss_before=memory.before,
        pages=len(PdfReader(io.BytesIO(content)).pages),
    )


# Five years of a lab ----------------------------------------------------------------


# A tenth of five years, then the other nine tenths.
seed_scales = (0.1, 0.9)


def volume_allowed() -> bool:
    """The volume run seeds tens of thousands of rows: only on a scratch database."""

    return not Programme.objects.exclude(name=PROGRAMME).exists()


@dataclass
class Page:
    name: str
    username: str
    call: Callable  # (client) -> response
    target_ms: float
    queries: dict
    result: Measure | None = None


class VolumeRun:
    """The main pages and edits, with their SQL query counts at two volumes."""

    def __init__(self, *, runs: int) -> None:
        self.runs = runs
        self.pages: list[Page] = []
        self.clients: dict = {}

    def seed(self, scale: float) -> str:

        done = seed_volume(scale)

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would, after a bulk load
        if not self.pages:
            self.pages = self._pages()
        return f"{done.sessions} sessions, {done.workshops} workshops, {done.results} results"

    def _client(self, username: str) -> Client:
        if username not in self.clients:
            self.clients[username] = logged_in_client(username)
        return self.clients[username]

    def _pages(self) -> list[Page]:

        session = Session.objects.get(programme__name=PROGRAMME, number=1)
        day = session.days.order_by("date").first()
        assert day is not None, "the demo lab is seeded first"
        item = AgendaItem.objects.filter(day=day, parent__isnull=True).order_by("position")[1]
        atelier = Atelier.objects.filter(session=session, format=Format.FREE).first()
        assert atelier is not None, "the demo lab is seeded first"
        question = DebateQuestion.objects.filter(atelier__session=session).first()
        assert question is not None, "the demo lab is seeded first"
        directions = itertools.cycle(["up", "down"])
        held = HeldRows(session)
        period = {"start": "2021-09-01", "end": "2026-08-31"}
        htmx = {"HX-Request": "true"}

        def get(name, *args, query=None):
            return lambda client: client.get(reverse(name, args=args), query or {})

        versions = itertools.count(item.version)  # each save bumps the block's version

        def save_block(client):
            prefix = f"item{item.pk}"
            data = {
                f"{prefix}-title": item.title,
                f"{prefix}-kind": item.kind,
                f"{prefix}-duration_minutes": item.duration_minutes,
                f"{prefix}-version": next(versions),
            }
            return client.post(reverse("sessions:item-update", args=[item.pk]), data, headers=htmx)

        rows = [
            ("home: facilitator", "vol-animateur", get("labo:home"), 50),
            ("home: ambassador", "vol-ambassadeur", get("labo:home"), 50),
            ("home: management", "vol-direction", get("labo:home"), 50),
            ("session page", "vol-animateur", get("sessions:session-detail", session.pk), 50),
            ("agenda (2 days)", "vol-animateur", get("sessions:agenda", session.pk), 50),
            ("workshop page", "vol-animateur", get("ateliers:atelier-detail", atelier.pk), 50),
            ("commande board", "vol-direction", get("commandes:commande-board"), 50),
            ("dashboard (last 12 months)", "vol-direction", get("labo:dashboard"), 50),
            ("dashboard (5 years)", "vol-direction", get("labo:dashboard", query=period), 50),
            (
                "search (a word in every result)",
                "vol-direction",
                get("labo:search", query={"q": "ambassadeur"}),
                50,
            ),
            (
                "edit: move a block (htmx)",
                "vol-animateur",
                lambda client: held.move(client, item, next(directions)),
                30,
            ),
            ("edit: save a block (htmx)", "vol-animateur", save_block, 30),
            (
                "edit: tap +1 (htmx)",
                "vol-animateur",
                lambda client: client.post(
                    reverse("ateliers:tap", args=[question.pk]),
                    {"position": Position.YES, "delta": "1"},
                    headers=htmx,
                ),
                30,
            ),
        ]
        return [Page(name, user, call, target, {}) for name, user, call, target in rows]

    def count_queries(self, label: str) -> None:

        for page in self.pages:
            client = self._client(page.username)
            page.call(client)  # warm: sessions, caches
            with CaptureQueriesContext(connection) as captured:
                response = page.call(client)
            if response.status_code >= 400:
                raise RuntimeError(f"{page.name}: HTTP {response.status_code}")
            page.queries[label] = len(captured.captured_queries)

    def time_pages(self) -> None:
        for page in self.pages:
            client = self._client(page.username)
            page.result = measure(
                page.name,
                functools.partial(page.call, client),
                runs=self.runs,
                target_ms=page.target_ms,
            )

    def report(self) -> str:
        head = (
            f"{'page':<33} {'SQL 1x':>6} {'SQL 10x':>7} {'same':>5} {'p50 ms':>7} "
            f"{'p95 ms':>7} {'target':>6} {'bytes':>8}  ok"
        )
        lines = [head, "-" * len(head)]
        for p in self.pages:
            r = p.result
            assert r is not None, f"{p.name} was not timed"
            same = p.queries.get("1x") == p.queries.get("10x")
            ok = same and r.ok
            lines.append(
                f"{p.name:<33} {p.queries.get('1x', '?'):>6} {p.queries.get('10x', '?'):>7} "
                f"{'yes' if same else 'NO':>5} {r.p50:>7.1f} {r.p95:>7.1f} {r.target_ms:>6.0f} "
                f"{r.size_bytes:>8}  {'yes' if ok else 'NO'}"
            )
        return "\n".join(lines)


HTMX = {"HX-Request": "true"}


class BenchCommand(BaseCommand):
    help = "Print p50/p95 server time and response size of main pages and htmx edits."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "targets", nargs="*", help="what to measure: agenda, ateliers, pdf (default: all)"
        )
        parser.add_argument("--runs", type=int, default=100)

    def handle(self, *args, targets, runs, **options) -> None:

        known = {"agenda", "ateliers", "pdf", "volume"}
        unknown = set(targets) - known
        if unknown:
            raise CommandError(f"Unknown target(s): {', '.join(sorted(unknown))}")
        if "volume" in targets and not volume_allowed():
            raise CommandError(
                "The volume benchmark seeds 60,000 results: run it on a scratch database "
                "(make bench), not on one that holds a lab."
            )
        if not targets:
            targets = sorted(known - ({"volume"} if not volume_allowed() else set()))
        if "volume" in targets:
            self.stdout.write(self.volume(runs))
        if not Session.objects.filter(number=9, programme__name="La Transfo").exists():
            call_command("seed_demo", verbosity=0)
        measures = []
        if "agenda" in targets:
            measures += self.agenda(runs)
        if "ateliers" in targets:
            measures += self.ateliers(runs)
        if measures:
            self.stdout.write(table(measures))
        if "pdf" in targets:
            # 20 later draws at the default 100 runs: the p95 of 5 draws was their slowest.
            self.stdout.write(self.pdf(max(3, runs // 5)))

    def agenda(self, runs: int):
        session = Session.objects.get(number=9, programme__name="La Transfo")
        client = logged_in_client("animateur")
        day = session.days.order_by("date").first()
        assert day is not None, "the demo lab is seeded first"
        item = AgendaItem.objects.filter(day=day, parent__isnull=True).order_by("position")[1]
        order = ",".join(
            str(pk)
            for pk in AgendaItem.objects.filter(day=day, parent__isnull=True)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        directions = iter(["up", "down"] * (runs + 10))
        held = HeldRows(session)
        prefix = f"item{item.pk}"
        versions = itertools.count(item.version)  # each save bumps the block's version

        def edit():
            return {
                f"{prefix}-title": item.title,
                f"{prefix}-kind": item.kind,
                f"{prefix}-duration_minutes": item.duration_minutes,
                f"{prefix}-version": next(versions),
            }

        with transaction.atomic():
            results = [
                measure(
                    "agenda page (3 days)",
                    lambda: client.get(reverse("sessions:agenda", args=[session.pk])),
                    runs=runs,
                    target_ms=50,
                ),
                measure(
                    "edit: move a block (htmx)",
                    lambda: held.move(client, item, next(directions)),
                    runs=runs,
                    target_ms=30,
                ),
                measure(
                    "edit: save a block (htmx)",
                    lambda: client.post(
                        reverse("sessions:item-update", args=[item.pk]), edit(), headers=HTMX
                    ),
                    runs=runs,
                    target_ms=30,
                ),
                measure(
                    "edit: reorder a day (htmx)",
                    lambda: client.post(
                        reverse("sessions:day-reorder", args=[day.pk]),
                        # As the planner does: the order drawn from the day as it is now.
                        {"order": order, "revision": Day.objects.get(pk=day.pk).revision},
                        headers=HTMX,
                    ),
                    runs=runs,
                    target_ms=30,
                ),
                measure(
                    "session page (read-only)",
                    lambda: client.get(reverse("sessions:session-detail", args=[session.pk])),
                    runs=runs,
                    target_ms=50,
                ),
            ]
            transaction.set_rollback(True)  # the demo lab is left as it was
        return results

    def ateliers(self, runs: int):

        session = Session.objects.get(number=9, programme__name="La Transfo")
        client = logged_in_client("animateur")
        with transaction.atomic():
            atelier = Atelier.objects.create(
                session=session, format=Format.FREE, title="Bench", ideas_revealed=True
            )
            Idea.objects.bulk_create(
                Idea(atelier=atelier, text=f"Idée {n} " * 5) for n in range(300)
            )
            Action.objects.bulk_create(
                Action(atelier=atelier, what=f"Action {n}") for n in range(100)
            )
            Rating.objects.bulk_create(
                Rating(atelier=atelier, score=1 + n % 5, comment=f"Commentaire {n}")
                for n in range(100)
            )
            debate = Atelier.objects.create(
                session=session, format=Format.DEBAT_MOUVANT, title="Bench débat"
            )
            question = DebateQuestion.objects.create(atelier=debate, text="?")
            results = [
                measure(
                    "workshop page (500 results)",
                    lambda: client.get(reverse("ateliers:atelier-detail", args=[atelier.pk])),
                    runs=runs,
                    target_ms=50,
                ),
                measure(
                    "edit: tap +1 (htmx)",
                    lambda: client.post(
                        reverse("ateliers:tap", args=[question.pk]),
                        {"position": Position.YES, "delta": "1"},
                        headers=HTMX,
                    ),
                    runs=runs,
                    target_ms=30,
                ),
            ]
            transaction.set_rollback(True)
        results.append(photo_measure(runs=max(5, runs // 10), target_ms=400))
        return results

    def pdf(self, runs: int) -> str:
        """The synthesis of the demo's biggest session scaled to 12 workshops, 300 results
        and 30 phone photos; photos go to a scratch folder and the data is rolled back."""

        demo = Session.objects.filter(programme__name="La Transfo")
        session = demo.annotate(n=Count("ateliers")).order_by("-n", "pk").first()
        assert session is not None, "the demo lab is seeded first"
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media),
            transaction.atomic(),
        ):
            scale_session(session, workshops=12, results=300, photos=30)
            figures = synthesis_figures(session, runs=runs)
            transaction.set_rollback(True)
        return (
            f"Synthesis of session #{session.number} scaled to 12 workshops, 300 results, "
            f"30 photos ({runs} runs)\n" + figures.report()
        )

    def volume(self, runs: int) -> str:
        """Every main page at 1× (a tenth of five years) then 10× (five years): SQL queries
        must not change; time and size are measured at 10×."""

        small, rest = seed_scales
        run = VolumeRun(runs=runs)
        seeded_small = run.seed(small)
        run.count_queries("1x")
        seeded_rest = run.seed(rest)
        run.count_queries("10x")
        run.time_pages()
        return (
            f"Volume: {seeded_small} then {seeded_rest} more ({connection.vendor})\n" + run.report()
        )
