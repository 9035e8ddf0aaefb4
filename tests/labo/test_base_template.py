import re

from django.urls import reverse

PAGES = ["labo:home", "labo:person-list", "labo:my-profile", "sessions:session-list"]


def test_pages_send_a_strict_content_security_policy(world, facilitator_client):
    for name in PAGES:
        policy = facilitator_client.get(reverse(name))["Content-Security-Policy"]

        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_pages_have_no_inline_script_or_style(world, facilitator_client):
    for name in PAGES:
        content = facilitator_client.get(reverse(name)).content.decode()

        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", content) == []
        assert "<style" not in content
        assert " style=" not in content
        assert re.findall(r"\son[a-z]+=", content) == []


def test_base_template_is_french_with_skip_link_and_landmarks(world, facilitator_client):
    content = facilitator_client.get(reverse("labo:home")).content.decode()

    assert '<html lang="fr">' in content
    assert '<a class="skip-link" href="#main">Aller au contenu</a>' in content
    assert '<main id="main"' in content
    assert '<nav aria-label="Menu principal">' in content


def test_body_sends_the_csrf_token_to_htmx(world, facilitator_client):
    content = facilitator_client.get(reverse("labo:home")).content.decode()

    assert re.search(r'<body [^>]*hx-headers=\'\{"X-CSRFToken": "[^"]+"\}\'>', content)
    assert "/static/vendor/htmx/htmx.min.js" in content


def test_login_page_is_french(client, db):
    content = client.get(reverse("labo:login")).content.decode()

    assert "<h1>Connexion</h1>" in content
    assert "Nom d’utilisateur" in content
