"""Every document of a lab drawn to PNG pages, for a person to look at (`make documents`).

The synthesis of each session and the programme review are drawn as the task draws them
(labo.documents.render_html, then html_to_pdf); the agenda (each version), the sign-in
sheet of each day, the démarreur reports and the commande files are asked of their views
through the test client, as a facilitator would ask for them, so what is drawn here is what
a person downloads. Each PDF is kept next to its pages: OUT/<name>.pdf, OUT/<name>/page-N.png.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify

from ateliers.models import DemarreurReport
from commandes.models import Commande
from labo.documents import render_html
from labo.lib.pdf import html_to_pdf
from labo.models import Document, DocumentKind, Programme
from sessions.models import Day, Session

# The demo's facilitator, who may ask for every document.
USERNAME = "animateur"
# The agenda's versions: (name, URL name, query string). A version whose URL name does not
# exist is skipped; versions drawn identically are kept once, as "deroule".
AGENDA_VERSIONS = [
    ("participants", "sessions:day-agenda-pdf", ""),
    ("facilitators", "sessions:day-agenda-facilitators-pdf", ""),
]


@dataclass
class Drawn:
    name: str
    pdf: Path
    pages: list[Path]
    seconds: float


def _client(username: str) -> Client:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No account {username!r}: seed the demo lab first (seed_demo).")
    client = Client()
    client.force_login(user)
    return client


def _from_view(client: Client, url: str) -> bytes | None:
    response = client.get(url)
    if response.status_code != 200 or response["Content-Type"] != "application/pdf":
        return None
    return response.content


def _synthesis(session: Session) -> bytes:
    document = Document(
        kind=DocumentKind.SYNTHESIS, session=session, programme=session.programme, options={}
    )
    return html_to_pdf(render_html(document))


def _review(programme: Programme) -> bytes | None:
    dates = Day.objects.filter(session__programme=programme).order_by("date")
    first, last = dates.first(), dates.last()
    if first is None or last is None:
        return None
    options = {"start": first.date.isoformat(), "end": last.date.isoformat()}
    document = Document(kind=DocumentKind.REVIEW, programme=programme, options=options)
    return html_to_pdf(render_html(document))


def _documents(client: Client) -> Iterator[tuple[str, bytes | None]]:
    """(file name, PDF or None when the lab has nothing to draw there), in reading order."""
    for session in Session.objects.select_related("programme").order_by("starts_on", "pk"):
        yield f"session-{session.number}-synthese", _synthesis(session)
        for day in session.days.order_by("date"):
            stem = f"session-{session.number}-{day.date:%Y-%m-%d}"
            versions: dict[bytes, str] = {}
            for version, url_name, query in AGENDA_VERSIONS:
                try:
                    url = reverse(url_name, args=[day.pk]) + query
                except NoReverseMatch:
                    continue
                content = _from_view(client, url)
                if content is not None:
                    versions.setdefault(content, version)
            for content, version in versions.items():
                # One version only: the view draws the same agenda for everyone.
                suffix = f"-{version}" if len(versions) > 1 else ""
                yield f"{stem}-deroule{suffix}", content
            url = reverse("sessions:day-sign-in-pdf", args=[day.pk])
            yield f"{stem}-emargement", _from_view(client, url)
    for report in DemarreurReport.objects.select_related("atelier").order_by("atelier_id"):
        url = reverse("ateliers:report-pdf", args=[report.atelier_id])
        yield (
            f"demarreur-{report.atelier_id}-{slugify(report.atelier.title)[:40]}",
            _from_view(client, url),
        )
    for commande in Commande.objects.order_by("pk"):
        url = reverse("commandes:commande-pdf", args=[commande.pk])
        yield f"commande-{commande.pk}-{slugify(commande.title)[:40]}", _from_view(client, url)
    for programme in Programme.objects.order_by("pk"):
        yield f"bilan-{slugify(programme.name)[:40]}", _review(programme)


def to_png(pdf: Path, *, dpi: int) -> list[Path]:
    """The PDF's pages as PNG files in a folder named after it."""
    folder = pdf.with_suffix("")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


def draw_all(out: Path, *, dpi: int = 60, username: str = USERNAME) -> list[Drawn]:
    """Every document of the lab in this database, as PDF and PNG pages under out, asked
    for by this facilitator."""
    if shutil.which("pdftoppm") is None:
        raise CommandError("pdftoppm is missing (poppler-utils).")
    out.mkdir(parents=True, exist_ok=True)
    drawn = []
    # The test client speaks as "testserver"; the views' own access rules still apply.
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client = _client(username)
        documents = _documents(client)
        while True:
            start = time.perf_counter()
            try:
                name, content = next(documents)
            except StopIteration:
                break
            if content is None:
                continue
            seconds = time.perf_counter() - start
            pdf = out / f"{name}.pdf"
            pdf.write_bytes(content)
            drawn.append(Drawn(name, pdf, to_png(pdf, dpi=dpi), seconds))
    return drawn


class DocumentPagesCommand(BaseCommand):
    help = "Draw every document of the lab (syntheses, agendas, sign-in sheets, démarreur "
    "reports, commande files, reviews) to PNG pages, for a person to look at."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", default="var/documents", help="folder (emptied first)")
        parser.add_argument("--dpi", type=int, default=60, help="resolution of the pages")

    def handle(self, *args, **options) -> None:
        out = Path(options["out"])
        shutil.rmtree(out, ignore_errors=True)
        started = datetime.datetime.now()
        drawn = draw_all(out, dpi=options["dpi"])
        for item in drawn:
            pages = len(item.pages)
            self.stdout.write(f"{item.name}: {pages} page(s), {item.seconds:.2f} s")
        elapsed = (datetime.datetime.now() - started).total_seconds()
        total = sum(len(item.pages) for item in drawn)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(drawn)} documents, {total} pages in {out}/ ({elapsed:.0f} s): look at them."
            )
        )
