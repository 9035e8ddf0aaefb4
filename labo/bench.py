"""Server-side timings of pages and htmx edits, measured through the whole Django stack."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client


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


def measure(
    name: str, call: Callable[[], object], *, runs: int, target_ms: float, warmup: int = 3
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
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def board_photo(width: int = 4000, height: int = 3000) -> bytes:
    """A camera-like 12-megapixel JPEG: gradients and grain, about the size a phone makes."""
    import io
    import os

    from PIL import Image

    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    grain = Image.frombytes("L", (width // 4, height // 4), os.urandom(width * height // 16))
    grain = grain.resize((width, height)).convert("RGB")
    image = Image.blend(base, grain, 0.25)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def photo_measure(*, runs: int, target_ms: float) -> Measure:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ateliers.photos import process

    data = board_photo()
    samples = []
    for _ in range(runs + 1):
        upload = SimpleUploadedFile("board.jpg", data, content_type="image/jpeg")
        start = time.perf_counter()
        process(upload)
        samples.append((time.perf_counter() - start) * 1000)
    return Measure("photo: 4000×3000 JPEG processed", samples[1:], len(data), target_ms)
