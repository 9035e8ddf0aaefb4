"""PDF rendering with WeasyPrint. Nothing is fetched but the project's own static files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher


class StaticOnlyFetcher(URLFetcher):
    """Serve files from the static folders only; refuse every other URL (http, file, data)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
        roots.append(Path(settings.STATIC_ROOT).resolve())
        self.roots = roots
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://")).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"Refused to fetch {url!r}: only static files are allowed.")


def _stylesheet(name: str) -> CSS:
    path = finders.find(name)
    return CSS(filename=path, url_fetcher=StaticOnlyFetcher())


def render_pdf(template: str, context: dict, *, stylesheet: str = "css/print.css") -> bytes:
    html = render_to_string(template, context)
    document = HTML(
        string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=StaticOnlyFetcher()
    )
    return document.write_pdf(stylesheets=[_stylesheet(stylesheet)], pdf_tags=True)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
