import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from labo.lib.sse import State, format_event
from labo.lib.typography import (
    NARROW_NBSP,
    NBSP,
    FrenchTypographyMiddleware,
    french_html,
    french_text,
    typeset,
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Commande : Occiline", f"Commande{NBSP}: Occiline"),
        ("Commande: Occiline", f"Commande{NBSP}: Occiline"),
        ("Pourquoi ? Parce que", f"Pourquoi{NARROW_NBSP}? Parce que"),
        ("Attention!", f"Attention{NARROW_NBSP}!"),
        ("un ; deux", f"un{NARROW_NBSP}; deux"),
        ("« Café »", f"«{NARROW_NBSP}Café{NARROW_NBSP}»"),
        ("«Café»", f"«{NARROW_NBSP}Café{NARROW_NBSP}»"),
        ("l'atelier", "l’atelier"),
        ("l&#x27;atelier", "l’atelier"),
        ("aujourd&#39;hui", "aujourd’hui"),
        (f"Déjà{NBSP}? ok", f"Déjà{NARROW_NBSP}? ok"),
        (f"Nom{NARROW_NBSP}: x", f"Nom{NBSP}: x"),
    ],
)
def test_french_text_sets_spaces_and_apostrophes(before, after):
    assert french_text(before) == after


@pytest.mark.parametrize(
    "unchanged",
    [
        "de 10:30 à 12:00",
        "09:00–09:30",
        "a&amp;b &lt;c&gt; &quot;d&quot;",
        "https://labo.example.org/sessions/?page=2;x=1",
        "mailto:jean.o'neil@example.org",
        "écrire à jean.o'neil@example.org",
        "www.example.org/a:b",
        "id:42",
        "l’atelier déjà typographié",
        "'entre guillemets droits'",
        "L'",
        "",
    ],
)
def test_french_text_leaves_times_entities_urls_and_addresses(unchanged):
    assert french_text(unchanged) == unchanged


@pytest.mark.parametrize(
    "markup",
    [
        '<a href="/x?a=1" title="l\'atelier : oui ?">',
        '<input value="Nom : Léa" placeholder="l\'idée !">',
        "<script>const a = b ? c : d; if (x!) {}</script>",
        '<script type="application/json">{"a": "l\'x : y"}</script>',
        "<style>a:hover { color: red; }</style>",
        "<pre>Nom : l'atelier ?</pre>",
        "<textarea name=t>Nom : l'atelier ?</textarea>",
        "<code>key: value; l'x ?</code>",
        "<!-- note : l'atelier ? -->",
    ],
)
def test_french_html_never_changes_tags_attributes_code_or_typed_text(markup):
    assert french_html(markup) == markup


def test_french_html_changes_the_text_around_what_it_keeps():
    html = '<p title="a : b">Nom : <b>l\'atelier</b> ?</p><pre>x : y</pre> « fin »'

    assert french_html(html) == (
        f'<p title="a : b">Nom{NBSP}: <b>l’atelier</b>{NARROW_NBSP}?</p><pre>x : y</pre> '
        f"«{NARROW_NBSP}fin{NARROW_NBSP}»"
    )


def test_french_html_is_idempotent():
    html = "<p>Nom : l'atelier ? « oui » ; 10:30</p>"

    assert french_html(french_html(html)) == french_html(html)


def test_typeset_leaves_a_document_in_another_language():
    english = '<!doctype html><html lang="en"><body><p>Name : it\'s ?</p></body></html>'
    french = '<!doctype html><html lang="fr"><body><p>Nom : c\'est ?</p></body></html>'

    assert typeset(english) == english
    assert typeset(french) == french.replace(" :", f"{NBSP}:").replace(
        "c'est ?", f"c’est{NARROW_NBSP}?"
    )


def _middleware(response):
    return FrenchTypographyMiddleware(lambda request: response)(RequestFactory().get("/"))


def test_middleware_typesets_html_and_fixes_its_length():
    response = HttpResponse("<p>Nom : Léa</p>", content_type="text/html; charset=utf-8")
    response["Content-Length"] = str(len(response.content))

    result = _middleware(response)

    assert result.content.decode() == f"<p>Nom{NBSP}: Léa</p>"
    assert result["Content-Length"] == str(len(result.content))


@pytest.mark.parametrize(
    "response",
    [
        HttpResponse('{"a": "Nom : l\'x"}', content_type="application/json"),
        HttpResponse("Nom : l'x", content_type="text/plain"),
        HttpResponse("Nom : l'x", content_type="text/csv"),
    ],
)
def test_middleware_leaves_other_content_types(response):
    before = response.content

    assert _middleware(response).content == before


def test_middleware_leaves_streams_and_compressed_bodies():
    stream = StreamingHttpResponse(iter(["<p>Nom : x</p>"]), content_type="text/html")
    compressed = HttpResponse(b"\x1f\x8b<p>Nom : x</p>", content_type="text/html")
    compressed["Content-Encoding"] = "gzip"

    assert b"".join(_middleware(stream).streaming_content) == b"<p>Nom : x</p>"
    assert _middleware(compressed).content == b"\x1f\x8b<p>Nom : x</p>"


def test_a_page_is_typeset(world, facilitator_client):
    response = facilitator_client.get(reverse("sessions:session-detail", args=[world.session.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert french_text("Tribunal de l&#x27;innovation") in page
    assert "Tribunal de l’innovation" in page
    assert "Tribunal de l&#x27;innovation" not in page


def test_a_live_stream_event_is_typeset_as_its_page():
    event = format_event(State(version=3, data="<p>Le direct est terminé. Merci !</p>"))

    assert (
        event
        == f"id: 3\nevent: message\ndata: <p>Le direct est terminé. Merci{NARROW_NBSP}!</p>\n\n"
    )
