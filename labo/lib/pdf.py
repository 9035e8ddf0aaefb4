"""PDF rendering with WeasyPrint, as PDF/UA-1 (tagged, with XMP metadata, a title and a
language), French typography applied. Nothing is fetched but the project's own static files."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import html as html_lib
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import weasyprint.svg
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.svg.utils import normalize
from weasyprint.urls import URLFetcher, URLFetcherResponse

from labo.lib.typography import french_text, is_french, typeset

MAX_FETCH_BYTES = 10 * 1024 * 1024

# Every document is PDF/UA-1 (ISO 14289-1): tagged, XMP metadata declaring it (pdfuaid:part),
# the title shown instead of the file name, the language of <html lang>.
PDF_VARIANT = "pdf/ua-1"
# Changes with the way a document is drawn from its HTML (variant, typography, finisher),
# so that a document drawn before is not reused (see stylesheet_digest).
DRAWING_VERSION = "pdf/ua-1, typography 1, figures as images, svg text in runs"
# A drawing written inline (<svg> in the HTML, as on pages) costs WeasyPrint an HTML element
# parsed, styled and laid out for each of its shapes and texts; the same drawing given as an
# image is read once by WeasyPrint's SVG reader. A synthesis's hundred charts draw in a
# quarter less time, their text still text. The document's drawings are served by its
# fetcher under FIGURE_SCHEME, never as data: URLs.
FIGURE_SCHEME = "labo-figure:"
_INLINE_SVG = re.compile(r"<svg\b([^>]*)>(.*?)</svg\s*>", re.DOTALL | re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.DOTALL | re.IGNORECASE)
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
PDF_SCOPES = {"col": "/Column", "row": "/Row", "colgroup": "/Column", "rowgroup": "/Row"}


# WeasyPrint's SVG reader (70) lays out and draws a <text> letter by letter, as it must when
# letters are placed one by one (several x or y, dx, dy, rotate, letter-spacing, textLength).
# Our charts place none: each text is one run, and laying it out once, with its kerning,
# halves the charts' text time (a synthesis has some 1,100 texts of 5,000 letters). The
# reader iterates the node's text to find its letters; _Run makes that one step.
_LETTER_BY_LETTER = ("dx", "dy", "rotate", "letter-spacing", "textLength")
_svg_text = weasyprint.svg.text


class _Run(str):
    """A text that WeasyPrint's SVG reader takes for a single letter."""

    def __iter__(self) -> Iterator[str]:
        yield str(self)


def _placed_once(value: str | None) -> bool:
    return len(normalize(value or "").split()) <= 1


def _svg_text_in_runs(svg, node, font_size) -> None:
    element = node._etree_node
    text = element.text
    if (
        text
        and len(text) > 1
        and not any(node.get(name) for name in _LETTER_BY_LETTER)
        and _placed_once(node.get("x"))
        and _placed_once(node.get("y"))
    ):
        element.text = _Run(text)
        try:
            return _svg_text(svg, node, font_size)
        finally:
            element.text = text
    return _svg_text(svg, node, font_size)


# The reader finds a text's drawing function by name (svg.text) and in its table (TAGS).
weasyprint.svg.text = weasyprint.svg.TAGS["text"] = weasyprint.svg.TAGS["tspan"] = _svg_text_in_runs


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
        self.figures: list[bytes] = []  # the document's own drawings, see figures_as_images

    def fetch(self, url: str, headers=None):
        if url.startswith(FIGURE_SCHEME):
            index = url.removeprefix(FIGURE_SCHEME)
            if index.isdigit() and int(index) < len(self.figures):  # ours, not fetched
                body = self.figures[int(index)]
                return URLFetcherResponse(url, body, {"Content-Type": "image/svg+xml"})
        elif url.startswith("file://"):
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


def figures_as_images(html: str, fetcher: StaticOnlyFetcher) -> str:
    """The HTML with each inline <svg> as an <img> of the same drawing, which the fetcher
    serves. Its text alternative (alt, the PDF's /Alt) is the drawing's <title>, else its
    aria-label; its class and width go to the image."""
    french = is_french(html)

    def image(match: re.Match) -> str:
        # Names as written (SVG is XML: viewBox, not viewbox), values as written (escaped).
        drawing = {name: a if a or not b else b for name, a, b in _ATTRIBUTE.findall(match[1])}
        html_only = {
            name.lower(): drawing.pop(name)
            for name in list(drawing)
            if name.lower() in ("width", "height", "class", "style")
        }
        title = _TITLE.search(match[2])
        if title is not None:
            alt = html_lib.unescape(title[1]).strip()
        else:
            alt = html_lib.unescape(drawing.get("aria-label", ""))
            alt = french_text(alt) if french else alt
        drawing.setdefault("xmlns", SVG_NAMESPACE)
        box = drawing.get("viewBox", "").replace(",", " ").split()
        if len(box) == 4:  # the drawing's own size, for the image to keep its proportions
            drawing["width"], drawing["height"] = box[2], box[3]
        opening = " ".join(f'{name}="{value}"' for name, value in drawing.items())
        fetcher.figures.append(f"<svg {opening}>{match[2]}</svg>".encode())
        width = html_only.get("width", "")
        style = f"width: {width}{'' if width.endswith('%') else 'px'}" if width else ""
        return (
            f'<img src="{FIGURE_SCHEME}{len(fetcher.figures) - 1}" alt="{html_lib.escape(alt)}"'
            f' class="{html_only.get("class", "")}" style="{style}">'
        )

    return _INLINE_SVG.sub(image, html)


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


# WeasyPrint makes millions of short-lived objects (boxes, styles, text layouts). At Python's
# default first threshold (700 new objects) the cycle collector ran so often over the
# growing heap that it took a fifth of a synthesis's drawing time. While documents are being
# drawn it runs a hundred times less often; the garbage is still collected (the bench
# watches the peak memory).
DRAWING_GC_THRESHOLD = 70_000


class _Drawing:
    """How many documents this process is drawing, and the threshold to put back after."""

    lock = threading.Lock()
    count = 0
    saved: tuple[int, int, int] = gc.get_threshold()


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's first threshold while at least one document is being drawn
    (threads of one process share it); put it back when the last one ends."""
    with _Drawing.lock:
        if _Drawing.count == 0:
            _Drawing.saved = gc.get_threshold()
            first, second, third = _Drawing.saved
            gc.set_threshold(max(first, DRAWING_GC_THRESHOLD), second, third)
        _Drawing.count += 1
    try:
        yield
    finally:
        with _Drawing.lock:
            _Drawing.count -= 1
            if _Drawing.count == 0:
                gc.set_threshold(*_Drawing.saved)


def html_to_pdf(
    html: str, *, stylesheet: str = "css/print.css", fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    """Draw HTML as a PDF/UA-1 document (headings become bookmarks), with French
    typography. Every resource goes through the fetcher: pass one to see what was asked for."""
    fetcher = fetcher or StaticOnlyFetcher()
    with fewer_collections():
        document = HTML(
            string=figures_as_images(typeset(html), fetcher),
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
