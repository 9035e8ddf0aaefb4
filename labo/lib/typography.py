"""French typography, applied once to the text of rendered HTML (pages and documents) rather
than sentence by sentence in templates and translations.

Only text between tags changes: never a tag or an attribute, never the inside of <script>,
<style>, <pre>, <textarea> or <code>, never an HTML entity, a URL or an e-mail address; a
colon, semicolon, question or exclamation mark with no space on either side (10:30,
?page=2, a:b) stays as it is. Output only: what people type is stored as they typed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

# Imprimerie nationale: a non-breaking space before a colon, a narrow one before ; ! ? and
# inside « ».
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"

# What is passed over whole: comments, the elements whose content is code or typed text,
# and every other tag (its attributes with it).
_SKIPPED = re.compile(
    r"(<!--.*?-->"
    r"|<(script|style|pre|textarea|code)\b[^>]*>.*?</\2\s*>"
    r"|<[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)
# Inside text: entities (&amp; ends with a semicolon), URLs and e-mail addresses.
_KEPT = re.compile(
    r"(&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"
    r"|\b(?:https?|ftp|mailto):[^\s<]+"
    r"|\bwww\.[^\s<]+"
    r"|[\w.+'-]+@[\w-]+(?:\.[\w-]+)+)"
)
# What every kept piece contains: a text without any of these keeps nothing.
_MAYBE_KEPT = re.compile(r"[&@]|www\.|(?:https?|ftp|mailto):")
_APOSTROPHE_ENTITY = re.compile(r"(?<=[^\W\d_])&#(?:x27|39|X27);(?=[^\W\d_])")
_LETTER = r"[^\W\d_]"
_APOSTROPHE = re.compile(rf"(?<={_LETTER})'(?={_LETTER})")
# After the mark: a space, the end of the text or more punctuation, so "10:30", "a:b" and
# "?page=2" are not sentences.
_AFTER = r"(?=\s|$|[!?.,;:)»\]\"'’…])"
_SPACED_COLON = re.compile(rf"[ \t\r\n{NARROW_NBSP}]+:{_AFTER}")
_SPACED_MARK = re.compile(rf"[ \t\r\n{NBSP}]+([;!?]){_AFTER}")
_BARE_COLON = re.compile(rf"(?<={_LETTER}|[)»]):(?=\s)")
_BARE_MARK = re.compile(rf"(?<=\w|[)»])([;!?]){_AFTER}")
_OPENING_QUOTE = re.compile(rf"«[ \t\r\n{NBSP}{NARROW_NBSP}]*")
_CLOSING_QUOTE = re.compile(rf"[ \t\r\n{NBSP}{NARROW_NBSP}]*»")
# A piece of text without any of these has nothing to change (most are the blanks between
# tags): skip the substitutions.
_ANY_MARK = re.compile(r"[':;!?«»]|&#")
_FRENCH_DOCUMENT = re.compile(r"<html\b[^>]*\blang=[\"']?fr\b", re.IGNORECASE)


def _plain(text: str) -> str:
    # Each rule runs only where its mark is (a plain "in" costs far less than a search).
    if "'" in text:
        text = _APOSTROPHE.sub("’", text)
    if ":" in text:
        text = _SPACED_COLON.sub(NBSP + ":", text)
        text = _BARE_COLON.sub(NBSP + ":", text)
    if ";" in text or "!" in text or "?" in text:
        text = _SPACED_MARK.sub(NARROW_NBSP + r"\1", text)
        text = _BARE_MARK.sub(NARROW_NBSP + r"\1", text)
    if "«" in text:
        text = _OPENING_QUOTE.sub("«" + NARROW_NBSP, text)
    if "»" in text:
        text = _CLOSING_QUOTE.sub(NARROW_NBSP + "»", text)
    return text


def _text(text: str) -> str:
    if "&#" in text:
        text = _APOSTROPHE_ENTITY.sub("’", text)
    if _MAYBE_KEPT.search(text) is None:
        return _plain(text)
    parts = _KEPT.split(text)
    # split() with one group: plain text at even places, what is kept at odd ones.
    return "".join(part if i % 2 else _plain(part) for i, part in enumerate(parts))


def french_text(text: str) -> str:
    """French typography on plain text (no markup), e.g. an expected string in a test."""
    return _text(text)


def french_html(html: str) -> str:
    """French typography on the text of an HTML document or fragment."""
    # split() with two groups: text, the skipped piece, the element name (or None), text...
    # Written as slices rather than a loop: a long page has some 20,000 pieces.
    pieces = _SKIPPED.split(html)
    search = _ANY_MARK.search
    pieces[0::3] = [_text(text) if search(text) else text for text in pieces[0::3]]
    pieces[2::3] = [""] * len(pieces[2::3])  # the element names
    return "".join(pieces)


def is_french(html: str) -> bool:
    """Whether the document says it is in French (<html lang="fr">); a fragment (htmx) does
    not say, and is taken as French, the language of the interface."""
    head = html[:2000]
    if "<html" not in head.lower():
        return True
    return _FRENCH_DOCUMENT.search(head) is not None


def typeset(html: str) -> str:
    """The HTML with French typography if it is in French, unchanged otherwise."""
    return french_html(html) if is_french(html) else html


class FrenchTypographyMiddleware:
    """French typography on every HTML response drawn whole (not a streamed one, not a
    compressed one): one place for the whole interface."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            not isinstance(response, HttpResponse)  # a stream, a file
            or not response.get("Content-Type", "").startswith("text/html")
            or response.has_header("Content-Encoding")
        ):
            return response
        charset = response.charset or "utf-8"
        html = response.content.decode(charset, errors="replace")
        typeset_html = typeset(html)
        if typeset_html != html:
            response.content = typeset_html.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
