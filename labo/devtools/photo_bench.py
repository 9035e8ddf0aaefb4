"""Phone capture (#15): the time from choosing a 12-megapixel phone photo to seeing it in a
workshop's list, on an emulated phone network, with static/js/photo.js (the browser sends a
2,000 px JPEG) and as without JavaScript (the whole file), and the bytes each one sends.

Chromium (Playwright) talks to a server started here in a thread, on a scratch database.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from django.test.testcases import LiveServerThread
from django.urls import reverse
from PIL import Image, ImageChops, ImageDraw
from playwright.sync_api import Browser, sync_playwright

from ateliers.formats import Format
from ateliers.models import Atelier, Photo
from ateliers.services import create_atelier
from labo.devtools.scratch import facilitator_and_session
from labo.models import Programme

PROGRAMME = "Banc photo"
USERNAME = "animatrice-photo"
PASSWORD = "un-mot-de-passe-de-banc"  # a scratch database's only account
CHROMIUM = "/usr/bin/chromium"
# A 4G upload in a basement room, as the issue measured it.
PHONE_NETWORK = {
    "offline": False,
    "latency": 400,
    "uploadThroughput": 3_000_000 / 8,
    "downloadThroughput": 10_000_000 / 8,
}
PHONE_SCREEN: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
GOAL_S = 3.0


def phone_photo(
    path: Path, *, size: tuple[int, int] = (4000, 3000), orientation: int = 6, noise: int = 18
) -> Path:
    """A JPEG as a phone makes it: quality 95, sensor noise over gradients and a few
    post-its (so it weighs 5–8 MB at 12 MP), stored sideways with an EXIF orientation.
    A red square marks the stored picture's top-left corner: with orientation 6 (turn 90°
    clockwise to show it) it ends at the top right of the upright photo."""
    width, height = size

    def channel(gradient: Image.Image) -> Image.Image:
        return ImageChops.add(gradient.resize(size), Image.effect_noise(size, noise), 1, -128)

    base = Image.linear_gradient("L")
    image = Image.merge(
        "RGB", (channel(base), channel(base.rotate(90)), channel(Image.radial_gradient("L")))
    )
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x, y = (i % 4) * width // 4 + width // 20, (i // 4) * height // 3 + height // 12
        draw.rectangle((x, y, x + width // 6, y + height // 6), fill=(250, 220 - i * 8, 90))
    side = max(8, min(size) // 10)
    draw.rectangle((0, 0, side, side), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    image.save(path, "JPEG", quality=95, exif=exif)
    return path


class CountingHandler(StaticFilesHandler):
    """Static files as `runserver` serves them, and the size of every POST body received."""

    posted: ClassVar[list[int]] = []

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST":
            self.posted.append(int(environ.get("CONTENT_LENGTH") or 0))
        return super().__call__(environ, start_response)


@contextmanager
def live_server() -> Iterator[str]:
    """A threaded WSGI server on a free port of 127.0.0.1, as pytest-django's live_server."""
    thread = LiveServerThread("127.0.0.1", CountingHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()


def build_workshops(count: int) -> list[Atelier]:
    """A facilitator, a session and `count` empty workshops, through the users' services."""
    person, session = facilitator_and_session(
        first_name="Inès",
        username=USERNAME,
        password=PASSWORD,
        programme=PROGRAMME,
        title="Séance au sous-sol",
    )
    return [
        create_atelier(
            session=session,
            facilitators=[person],
            participants=[],
            title=f"Atelier photo {n}",
            format=Format.FREE,
        )
        for n in range(1, count + 1)
    ]


@dataclass
class Run:
    mode: str
    seconds: list[float] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)


def upload_once(browser: Browser, url: str, atelier: Atelier, photo: Path, *, js: bool) -> float:
    """Seconds from choosing the photo to its thumbnail received in the list."""
    context = browser.new_context(java_script_enabled=js, **PHONE_SCREEN)
    page = context.new_page()
    page.goto(f"{url}{reverse('labo:login')}")
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_url(f"{url}/")
    page.goto(f"{url}{reverse('ateliers:atelier-detail', args=[atelier.pk])}")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", PHONE_NETWORK)
    start = time.perf_counter()
    page.set_input_files("input[name=photo-image]", str(photo))
    # Until the thumbnail has arrived (a response waited for works without JavaScript too).
    with page.expect_response(lambda r: r.url.endswith("/thumb/"), timeout=120_000) as answer:
        page.click("form[data-photo-upload] [type=submit]")
    answer.value.finished()
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def measure(url: str, photo: Path, workshops: list[Atelier], *, js_runs: int) -> list[Run]:
    with_js, without = Run("with static/js/photo.js"), Run("without JavaScript (whole file)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        plan = [(with_js, True)] * js_runs + [(without, False)]
        for (run, js), atelier in zip(plan, workshops, strict=False):
            CountingHandler.posted.clear()
            run.seconds.append(upload_once(browser, url, atelier, photo, js=js))
            run.sent.append(CountingHandler.posted[-1])  # the photo's POST (after the login's)
        browser.close()
    return [with_js, without]


def table(runs: list[Run], photo: Path, stored: list[Photo]) -> str:
    with Image.open(photo) as image:
        width, height = image.size
    megabytes = photo.stat().st_size / 1_000_000
    lines = [
        f"Photo: {width} × {height} JPEG, {megabytes:.1f} MB, EXIF orientation 6; Chromium "
        "360×740, latency 400 ms, up 3 Mbit/s, down 10 Mbit/s; from choosing the file to "
        "the thumbnail received in the list.",
        "",
        f"| {'mode':<34} | {'bytes sent':>10} | {'time (s)':>8} | {'runs':>4} | goal |",
        f"|{'-' * 36}|{'-' * 12}|{'-' * 10}|{'-' * 6}|------|",
    ]
    for run in runs:
        seconds = statistics.median(run.seconds)
        goal = ("ok" if seconds <= GOAL_S else "MISSED") if run is runs[0] else "—"
        lines.append(
            f"| {run.mode:<34} | {int(statistics.median(run.sent)):>10,} | "
            f"{seconds:>8.1f} | {len(run.seconds):>4} | {goal:<4} |"
        )
    sizes = sorted({(p.width, p.height) for p in stored})
    lines += ["", f"Stored: {len(stored)} photos, {', '.join(f'{w} × {h}' for w, h in sizes)}."]
    return "\n".join(lines)


class PhotoBenchCommand(BaseCommand):
    help = "Time a 12-megapixel photo sent from a phone on a slow network, with and without JS."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=3, help="runs with JavaScript")

    def handle(self, *args, runs: int, **options) -> None:
        if Programme.objects.exists():
            raise CommandError(
                "This benchmark creates its own lab: run it on an empty, migrated database "
                "(make bench-photo)."
            )
        workshops = build_workshops(runs + 1)
        with tempfile.TemporaryDirectory() as folder, override_settings(MEDIA_ROOT=folder):
            photo = phone_photo(Path(folder) / "IMG_20261206_101500.jpg")
            with live_server() as url:
                measured = measure(url, photo, workshops, js_runs=runs)
            stored = list(Photo.objects.filter(atelier__in=workshops))
            self.stdout.write(table(measured, photo, stored))
