"""PDF rendering with WeasyPrint. Nothing is fetched but the project's own static files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

MAX_FETCH_BYTES = 10 * 1024 * 1024


class StaticOnlyFetcher(URLFetcher):
    """Serve local files from the static folders and the processed photos only; refuse every
    other URL (http, https, data, any other file) and any file over MAX_FETCH_BYTES. Only
    file:// URLs are ever opened, so there is no redirect to follow."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
        roots.append(Path(settings.STATIC_ROOT).resolve())
        roots.append((Path(settings.MEDIA_ROOT) / "photos").resolve())
        self.roots = roots
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://")).resolve()
            allowed = any(path.is_relative_to(root) for root in self.roots)
            if allowed and path.is_file() and path.stat().st_size <= MAX_FETCH_BYTES:
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
