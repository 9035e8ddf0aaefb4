"""PDF rendering with WeasyPrint, as PDF/UA-1 (tagged, with XMP metadata, a title and a
language), French typography applied. Nothing is fetched but the project's own static files."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from labo.lib.typography import typeset

MAX_FETCH_BYTES = 10 * 1024 * 1024

# Every document is PDF/UA-1 (ISO 14289-1): tagged, XMP metadata declaring it (pdfuaid:part),
# the title shown instead of the file name, the language of <html lang>.
PDF_VARIANT = "pdf/ua-1"
# Changes with the way a document is drawn from its HTML (variant, typography, finisher),
# so that a document drawn before is not reused (see stylesheet_digest).
DRAWING_VERSION = "pdf/ua-1, typography 1, svg titles"
# WeasyPrint takes a figure's /Alt from an <svg>'s <title> only: an <svg> described by its
# aria-label (as on pages) gets the label as its title.
_LABELLED_SVG = re.compile(
    r"(<svg\b[^>]*?\baria-label=\"([^\"]*)\"[^>]*>)(?!\s*<title\b)", re.IGNORECASE
)
PDF_SCOPES = {"col": "/Column", "row": "/Row", "colgroup": "/Column", "rowgroup": "/Row"}


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
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://")).resolve()
            allowed = any(path.is_relative_to(root) for root in self.roots)
            if allowed and path.is_file() and path.stat().st_size <= MAX_FETCH_BYTES:
                self.fetched.append(url)
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"Refused to fetch {url!r}: only static files are allowed.")


def _static_file(name: str) -> str:
    found = finders.find(name)
    if found is None:
        raise FileNotFoundError(f"No static file {name!r}.")
    return found


def _stylesheet(name: str, fetcher: URLFetcher) -> CSS:
    return CSS(filename=_static_file(name), url_fetcher=fetcher)


def stylesheet_digest(name: str = "css/print.css") -> str:
    """Part of a document's fingerprint: a new stylesheet means a new drawing."""
    digest = hashlib.sha256(Path(_static_file(name)).read_bytes())
    digest.update(DRAWING_VERSION.encode())
    return digest.hexdigest()


def described_figures(html: str) -> str:
    """The HTML with a <title> in every <svg> that has an aria-label but no title."""
    return _LABELLED_SVG.sub(r"\1<title>\2</title>", html)


def _header_scopes(document, pdf) -> None:
    """Give each table header cell (TH) the /Scope of its HTML scope attribute: WeasyPrint
    links data cells to their headers (/Headers) but does not write the scope itself. A
    header without one stays without, for the tests to find."""
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            stack.extend(getattr(box, "children", ()))
            mark = getattr(box, "mark", None)
            element = getattr(box, "element", None)
            if box.element_tag != "th" or element is None or not isinstance(mark, dict):
                continue
            scope = PDF_SCOPES.get((element.get("scope") or "").lower())
            attributes = mark.get("A")
            if scope and attributes is not None:
                attributes["Scope"] = scope


def html_to_pdf(
    html: str, *, stylesheet: str = "css/print.css", fetcher: URLFetcher | None = None
) -> bytes:
    """Draw HTML as a PDF/UA-1 document (headings become bookmarks), with French
    typography. Every resource goes through the fetcher: pass one to see what was asked for."""
    fetcher = fetcher or StaticOnlyFetcher()
    document = HTML(
        string=typeset(described_figures(html)),
        base_url=str(settings.BASE_DIR / "static"),
        url_fetcher=fetcher,
    )
    return document.write_pdf(
        stylesheets=[_stylesheet(stylesheet, fetcher)],
        pdf_variant=PDF_VARIANT,
        finisher=_header_scopes,
    )


def render_pdf(template: str, context: dict, *, stylesheet: str = "css/print.css") -> bytes:
    return html_to_pdf(render_to_string(template, context), stylesheet=stylesheet)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
