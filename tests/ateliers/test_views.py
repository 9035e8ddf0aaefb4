import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ateliers.access import guest_token
from ateliers.models import Action, DebateQuestion, GuestLink, Idea, Photo, Rating, Stand
from labo.lib.typography import french_text
from tests import factories
from tests.ateliers.test_photos import image_bytes
from tests.conftest import client_for

HTMX = {"HX-Request": "true"}


def add(client, atelier, kind, data, **headers):
    return client.post(
        reverse("ateliers:result-add", args=[atelier.pk, kind]),
        {f"{kind}-{k}": v for k, v in data.items()},
        headers=headers or None,
    )


def page(client, atelier):
    return client.get(reverse("ateliers:atelier-detail", args=[atelier.pk])).content.decode()


def test_member_logs_an_idea_through_htmx_and_gets_the_results_fragment(world, member_client):
    response = add(member_client, world.atelier, "idea", {"text": "Un budget propre"}, **HTMX)

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="results"')
    assert Idea.objects.get().created_by == world.member.person


def test_hidden_ideas_never_reach_a_page_before_the_reveal(
    world, member_client, facilitator_client
):
    add(member_client, world.atelier, "idea", {"text": "Idée secrète"})

    for client in (member_client, facilitator_client, client_for(world, "management")):
        content = page(client, world.atelier)
        assert "Idée secrète" not in content
        assert "1 idée, cachée" in content

    facilitator_client.post(reverse("ateliers:reveal", args=[world.atelier.pk]))

    assert "Idée secrète" in page(member_client, world.atelier)


def test_anonymous_idea_never_shows_its_author_even_to_facilitators(
    world, member_client, facilitator_client
):
    world.member.person.first_name = "Bérénice"
    world.member.person.save()
    add(member_client, world.atelier, "idea", {"text": "Sans nom", "anonymous": "on"})
    facilitator_client.post(reverse("ateliers:reveal", args=[world.atelier.pk]))

    content = page(facilitator_client, world.atelier)

    assert "Sans nom" in content
    assert "Bérénice" not in content.split('id="ideas-title"')[1].split("</section>")[0]
    assert Idea.objects.get().created_by is None


def test_management_reads_but_cannot_log(world, client):
    client.force_login(world.management)

    assert (
        client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk])).status_code == 200
    )
    assert add(client, world.atelier, "idea", {"text": "x"}).status_code == 403
    assert Idea.objects.count() == 0


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(world, member_client):
    response = add(member_client, world.atelier, "rating", {"score": "9"}, **HTMX)

    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in response.content.decode() or (
        "inférieure ou égale à 5" in response.content.decode()
    )
    assert Rating.objects.count() == 0


def test_an_object_of_another_workshop_is_404(world, facilitator_client):
    other = factories.AtelierFactory(session=world.session)
    foreign = Action.objects.create(atelier=other, what="ailleurs")

    response = facilitator_client.post(
        reverse("ateliers:result-update", args=[world.atelier.pk, "action", foreign.pk]),
        {f"action{foreign.pk}-what": "piraté"},
    )

    assert response.status_code == 404
    assert Action.objects.get(pk=foreign.pk).what == "ailleurs"


def test_feedback_on_a_stand_of_another_workshop_is_refused(world, member_client):
    world.atelier.format = "labo_stands"
    world.atelier.save()
    foreign = Stand.objects.create(atelier=factories.AtelierFactory(), name="Ailleurs")

    response = add(
        member_client,
        world.atelier,
        "feedback",
        {"stand": foreign.pk, "understanding": 3, "interest": 3},
    )

    assert response.status_code == 422
    assert not foreign.feedback.exists()


def test_tap_returns_the_question_fragment(world, member_client):
    question = DebateQuestion.objects.create(atelier=world.atelier, text="Budget propre ?")

    response = member_client.post(
        reverse("ateliers:tap", args=[question.pk]),
        {"position": "mixed", "delta": "1"},
        headers=HTMX,
    )

    assert (
        response.content.decode()
        .lstrip()
        .startswith(f'<article class="card result question" id="question-{question.pk}"')
    )
    assert DebateQuestion.objects.get(pk=question.pk).mixed == 1


def test_photo_upload_is_processed_and_served_only_through_the_access_check(
    world, member_client, client
):
    upload = SimpleUploadedFile("tableau.png", image_bytes("PNG", size=(300, 200)))

    response = member_client.post(
        reverse("ateliers:photo-add", args=[world.atelier.pk]),
        {"photo-image": upload, "photo-caption": "Le mur"},
    )

    photo = Photo.objects.get()
    assert response.status_code == 302
    assert photo.image.name.endswith(".jpg")
    served = member_client.get(reverse("ateliers:photo-file", args=[photo.pk, "full"]))
    assert served["Content-Type"] == "image/jpeg"
    client.force_login(world.outsider)
    assert client.get(reverse("ateliers:photo-file", args=[photo.pk, "full"])).status_code == 404


def test_a_bad_photo_gets_a_french_message_next_to_the_field(world, member_client):
    upload = SimpleUploadedFile("tableau.svg", b"<svg><script>alert(1)</script></svg>")

    response = member_client.post(
        reverse("ateliers:photo-add", args=[world.atelier.pk]),
        {"photo-image": upload},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert french_text("n&#x27;est pas une photo JPEG, PNG ou WebP") in response.content.decode()
    assert Photo.objects.count() == 0


def test_the_photo_field_offers_the_gallery_too_not_only_the_camera(world, member_client):
    html = page(member_client, world.atelier)

    field = re.search(r'<input type="file" name="photo-image"[^>]*>', html)
    assert field is not None
    assert "capture" not in field.group(0)
    assert 'accept="image/jpeg,image/png,image/webp"' in field.group(0)


def test_the_photo_form_carries_photo_js_and_its_french_words(world, member_client):
    html = page(member_client, world.atelier)

    assert re.search(r'<script src="[^"]*js/photo\.js" defer>', html)
    assert 'data-done="Photo ajoutée"' in html
    assert "data-photo-cancel>Annuler</button>" in html


def test_guest_rates_through_a_link_then_the_link_is_revoked(world, client, facilitator_client):
    link = GuestLink.objects.create(atelier=world.atelier, purpose="rate")
    url = reverse("ateliers:guest", args=[guest_token(link)])

    response = client.post(url, {"rating-score": "4", "rating-comment": "Très vivant"})
    assert response.status_code == 302
    assert Rating.objects.get().score == 4

    facilitator_client.post(reverse("ateliers:guest-link-revoke", args=[link.pk]))
    assert client.get(url).status_code == 404


def test_guest_link_of_a_forged_token_is_404(world, client):
    assert client.get(reverse("ateliers:guest", args=["abc:def"])).status_code == 404


def test_guest_votes_with_a_limit_kept_across_requests(world, client):
    world.atelier.ideas_revealed = True
    world.atelier.votes_per_person = 2
    world.atelier.save()
    idea = Idea.objects.create(atelier=world.atelier, text="Une idée")
    link = GuestLink.objects.create(atelier=world.atelier, purpose="vote")
    url = reverse("ateliers:guest", args=[guest_token(link)])

    for _ in range(3):
        client.post(url, {"idea": idea.pk})

    assert idea.votes.count() == 2


def test_guest_cannot_vote_on_an_idea_of_another_workshop(world, client):
    foreign = Idea.objects.create(atelier=factories.AtelierFactory(ideas_revealed=True), text="x")
    link = GuestLink.objects.create(atelier=world.atelier, purpose="vote")

    response = client.post(
        reverse("ateliers:guest", args=[guest_token(link)]), {"idea": foreign.pk}
    )

    assert response.status_code == 404
    assert not foreign.votes.exists()


def test_guest_link_page_shows_a_qr_code(world, facilitator_client):
    facilitator_client.post(
        reverse("ateliers:guest-link-create", args=[world.atelier.pk]), {"guest-purpose": "observe"}
    )

    content = page(facilitator_client, world.atelier)

    assert 'src="data:image/svg+xml' in content


@pytest.mark.parametrize("count", [1, 100])
def test_workshop_page_query_count_is_constant(
    world, member_client, django_assert_num_queries, count
):
    world.atelier.ideas_revealed = True
    world.atelier.save()
    Idea.objects.bulk_create(Idea(atelier=world.atelier, text=f"Idée {n}") for n in range(count))
    Action.objects.bulk_create(Action(atelier=world.atelier, what=f"A{n}") for n in range(count))
    Rating.objects.bulk_create(Rating(atelier=world.atelier, score=4) for _ in range(count))

    with django_assert_num_queries(20):  # 18, the visitor's own rating, the word cloud
        response = member_client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk]))

    assert response.status_code == 200


def test_an_action_is_marked_done_then_reopened(world, member_client):
    action = Action.objects.create(atelier=world.atelier, what="Relancer les directions")
    url = reverse("ateliers:action-toggle", args=[world.atelier.pk])

    member_client.post(url, {"action": action.pk})
    assert Action.objects.get(pk=action.pk).done is True

    member_client.post(url, {"action": action.pk})
    assert Action.objects.get(pk=action.pk).done is False


def test_action_of_another_workshop_cannot_be_toggled(world, member_client):
    foreign = Action.objects.create(atelier=factories.AtelierFactory(), what="x")

    response = member_client.post(
        reverse("ateliers:action-toggle", args=[world.atelier.pk]), {"action": foreign.pk}
    )

    assert response.status_code == 404
    assert Action.objects.get(pk=foreign.pk).done is False


def test_member_puts_and_takes_back_a_dot(world, member_client):
    world.atelier.ideas_revealed = True
    world.atelier.save()
    idea = Idea.objects.create(atelier=world.atelier, text="Une idée")
    url = reverse("ateliers:vote", args=[world.atelier.pk])

    member_client.post(url, {"idea": idea.pk})
    member_client.post(url, {"idea": idea.pk})
    assert idea.votes.count() == 2

    member_client.post(url, {"remove": idea.pk})
    assert idea.votes.count() == 1


def test_a_statement_is_edited_in_place(world, member_client):
    world.atelier.format = "debat_mouvant"
    world.atelier.save()
    question = DebateQuestion.objects.create(atelier=world.atelier, text="Budget ?", yes=3)
    prefix = f"question{question.pk}"

    member_client.post(
        reverse("ateliers:result-update", args=[world.atelier.pk, "question", question.pk]),
        {
            f"{prefix}-text": "Budget propre ?",
            f"{prefix}-version": question.version,
            f"{prefix}-arguments": "Libère les initiatives",
        },
    )

    question.refresh_from_db()
    assert (question.text, question.yes, question.arguments) == (
        "Budget propre ?",
        3,
        "Libère les initiatives",
    )
    assert f'name="{prefix}-arguments"' in page(member_client, world.atelier)


def test_a_result_foreign_to_the_format_is_refused(world, member_client):
    response = add(member_client, world.atelier, "case", {"question": "Un procès ?"})

    assert response.status_code == 404


def test_classify_an_idea_with_a_theme_and_a_place(world, member_client):
    world.atelier.format = "criteria_grid"
    world.atelier.save()
    idea = Idea.objects.create(atelier=world.atelier, text="Permanence")
    theme = world.atelier.themes.create(name="Présence")

    response = member_client.post(
        reverse("ateliers:idea-classify", args=[world.atelier.pk]),
        {"idea": idea.pk, "theme": theme.pk, "x": 80, "y": 85},
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert (idea.theme, idea.x, idea.y) == (theme, 80, 85)


def test_classify_refuses_an_idea_of_another_workshop_or_off_the_grid(world, member_client):
    world.atelier.format = "criteria_grid"
    world.atelier.save()
    foreign = Idea.objects.create(atelier=factories.AtelierFactory(), text="x")
    mine = Idea.objects.create(atelier=world.atelier, text="y")
    url = reverse("ateliers:idea-classify", args=[world.atelier.pk])

    assert member_client.post(url, {"idea": foreign.pk, "x": 10}).status_code == 422
    assert member_client.post(url, {"idea": mine.pk, "x": 150}).status_code == 422
    assert Idea.objects.get(pk=mine.pk).x is None


def test_classify_keeps_no_place_where_the_format_has_no_grid(world, member_client):
    world.atelier.format = "free"
    world.atelier.save()
    idea = Idea.objects.create(atelier=world.atelier, text="Permanence")
    theme = world.atelier.themes.create(name="Présence")

    member_client.post(
        reverse("ateliers:idea-classify", args=[world.atelier.pk]),
        {"idea": idea.pk, "theme": theme.pk, "x": 80, "y": 85},
    )

    idea.refresh_from_db()
    assert (idea.theme, idea.x, idea.y) == (theme, None, None)


def test_facilitator_reviews_the_outbox_then_sends_the_report(
    world, facilitator_client, demarreur_report
):
    from django.core import mail

    url = reverse("ateliers:report-transition", args=[world.atelier.pk, "review"])

    facilitator_client.post(url)
    content = page(facilitator_client, world.atelier)
    assert "elue@region.example" in content
    assert "Un guichet numérique" in content
    assert mail.outbox == []

    facilitator_client.post(reverse("ateliers:report-transition", args=[world.atelier.pk, "send"]))
    assert mail.outbox[0].to == ["elue@region.example"]


def test_facilitator_creates_a_workshop_for_the_session(world, facilitator_client):
    response = facilitator_client.post(
        reverse("ateliers:atelier-create", args=[world.session.pk]),
        {
            "title": "Débat mouvant",
            "format": "debat_mouvant",
            "guest_count": 0,
            "votes_per_person": 3,
            "participants": [world.member.person.pk],
        },
    )

    atelier = world.session.ateliers.get(title="Débat mouvant")
    assert response.status_code == 302
    assert list(atelier.participants.all()) == [world.member.person]


def test_workshop_form_refuses_a_participant_who_is_not_in_the_session(world, facilitator_client):
    stranger = factories.PersonFactory()

    response = facilitator_client.post(
        reverse("ateliers:atelier-create", args=[world.session.pk]),
        {
            "title": "X",
            "format": "free",
            "guest_count": 0,
            "votes_per_person": 3,
            "participants": [stranger.pk],
        },
    )

    assert response.status_code == 422
    assert not world.session.ateliers.filter(title="X").exists()


def test_a_theme_twice_in_a_workshop_is_a_french_error_not_a_500(world, member_client):
    from ateliers.models import Theme

    world.atelier.format = "free"
    world.atelier.save()
    assert (
        add(member_client, world.atelier, "theme", {"name": "Accueil"}, **HTMX).status_code == 200
    )

    again = add(member_client, world.atelier, "theme", {"name": "Accueil"}, **HTMX)

    assert again.status_code == 422
    assert re.search(
        r'<p class="error" id="id_theme-name_error">[^<]*existe déjà', again.content.decode()
    )
    assert Theme.objects.count() == 1


def test_the_same_role_twice_in_a_report_is_a_french_error(world, facilitator_client):
    from ateliers.models import DemarreurRole

    world.atelier.format = "demarreur"
    world.atelier.save()
    data = {"role": "commanditaire", "person": world.member.person.pk}
    first = add(facilitator_client, world.atelier, "role", data, **HTMX)

    again = add(facilitator_client, world.atelier, "role", data, **HTMX)

    assert first.status_code == 200
    assert again.status_code == 422
    assert re.search(
        r'<p class="error" id="id_role-role_error">[^<]*existe déjà', again.content.decode()
    )
    assert DemarreurRole.objects.count() == 1


def test_a_twin_saved_meanwhile_is_refused_on_the_form(world, member_client, monkeypatch):
    from django import forms

    from ateliers import forms as f
    from ateliers.models import Theme

    world.atelier.format = "free"
    world.atelier.save()
    Theme.objects.create(atelier=world.atelier, name="Accueil")
    # As if the twin arrived between the form's check and the insert.
    monkeypatch.setattr(f.WithinParentForm, "validate_unique", forms.ModelForm.validate_unique)

    response = add(member_client, world.atelier, "theme", {"name": "Accueil"}, **HTMX)

    assert response.status_code == 422
    assert french_text("C’est déjà enregistré : rien n’a été ajouté.") in response.content.decode()
    assert Theme.objects.count() == 1


def test_an_action_is_owned_by_someone_of_the_session_not_the_whole_administration(
    world, member_client
):
    stranger = factories.PersonFactory(first_name="Zoé", last_name="Inconnue")

    page = member_client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk]))
    refused = add(
        member_client, world.atelier, "action", {"what": "x", "owner": stranger.pk}, **HTMX
    )
    kept = add(
        member_client,
        world.atelier,
        "action",
        {"what": "y", "owner": world.member.person.pk},
        **HTMX,
    )

    assert "Zoé Inconnue" not in page.content.decode()
    assert refused.status_code == 422
    assert kept.status_code == 200
    assert Action.objects.get().owner == world.member.person


def test_a_photo_seen_before_is_a_304_and_only_for_who_may_see_it(world, member_client):
    from ateliers.services import add_photo
    from tests.ateliers.test_photos import png_upload

    photo = add_photo(atelier=world.atelier, upload=png_upload(), caption="", author=None)
    url = reverse("ateliers:photo-file", args=[photo.pk, "thumb"])
    first = member_client.get(url)

    again = member_client.get(url, headers={"If-None-Match": first["ETag"]})
    outsider = client_for(world, "outsider").get(url, headers={"If-None-Match": first["ETag"]})

    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304
    assert outsider.status_code == 404


CHECKED_4 = re.compile(r'<input type="radio" name="rating-score" value="4"[^>]*\bchecked\b')


def test_the_rating_form_shows_ones_current_rating(world, member_client, client):
    member_client.post(
        reverse("ateliers:result-add", args=[world.atelier.pk, "rating"]),
        {"rating-score": "4", "rating-comment": "Très vivant"},
    )

    mine = page(member_client, world.atelier)
    someone_else = page(client_for(world, "facilitator"), world.atelier)

    assert french_text("Votre note actuelle : 4/5 — la noter à nouveau la remplace") in mine
    assert CHECKED_4.search(mine)
    assert re.search(r"<textarea[^>]*rating-comment[^>]*>\s*Très vivant</textarea>", mine)
    assert "Votre note actuelle" not in someone_else
    assert not CHECKED_4.search(someone_else)


def test_the_guest_rating_page_shows_the_guests_current_rating(world, client):
    link = GuestLink.objects.create(atelier=world.atelier, purpose="rate")
    url = reverse("ateliers:guest", args=[guest_token(link)])
    client.post(url, {"rating-score": "4", "rating-comment": "Très vivant"})

    mine = client.get(url).content.decode()
    another_guest = Client().get(url).content.decode()

    assert french_text("Votre note actuelle : 4/5 — la noter à nouveau la remplace") in mine
    assert CHECKED_4.search(mine)
    assert "Très vivant</textarea>" in mine
    assert "Votre note actuelle" not in another_guest


def _wall(world, texts):
    world.atelier.ideas_revealed = True
    world.atelier.votes_per_person = 5
    world.atelier.save()
    return [Idea.objects.create(atelier=world.atelier, text=text) for text in texts]


def _order(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="postit" id="idea-(\d+)"', html)]


def test_a_dot_never_moves_the_idea_voted_for(world, member_client):
    ideas = _wall(world, ["Première", "Deuxième", "Troisième"])
    vote = reverse("ateliers:vote", args=[world.atelier.pk])

    first = member_client.post(vote, {"idea": ideas[-1].pk}, HTTP_HX_REQUEST="true")
    second = member_client.post(vote, {"idea": ideas[-1].pk}, HTTP_HX_REQUEST="true")

    assert _order(first.content.decode()) == [idea.pk for idea in ideas]
    assert _order(second.content.decode()) == [idea.pk for idea in ideas]
    assert _order(page(member_client, world.atelier)) == [idea.pk for idea in ideas]


def test_the_wall_is_sorted_by_dots_only_when_asked_and_stays_so_after_a_vote(world, member_client):
    ideas = _wall(world, ["Première", "Deuxième", "Troisième"])
    vote = reverse("ateliers:vote", args=[world.atelier.pk])
    member_client.post(vote, {"idea": ideas[2].pk})
    url = reverse("ateliers:atelier-detail", args=[world.atelier.pk])

    plain = page(member_client, world.atelier)
    sorted_ = member_client.get(url, {"tri": "points"}).content.decode()
    # The vote form carries the choice (a plain POST); htmx also sends the page's address.
    by_field = member_client.post(
        vote, {"idea": ideas[1].pk, "tri": "points"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    by_address = member_client.post(
        vote,
        {"idea": ideas[1].pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{url}?tri=points",
    ).content.decode()
    without_js = member_client.post(vote, {"idea": ideas[0].pk, "tri": "points"})

    assert 'href="?tri=points#ideas-title"' in plain
    assert _order(sorted_) == [ideas[2].pk, ideas[0].pk, ideas[1].pk]
    assert '<input type="hidden" name="tri" value="points">' in sorted_
    assert _order(by_field) == [ideas[1].pk, ideas[2].pk, ideas[0].pk]  # 1 dot each: by age
    assert _order(by_address) == [ideas[1].pk, ideas[2].pk, ideas[0].pk]  # 2 dots first
    assert without_js.status_code == 302
    assert without_js["Location"] == f"{url}?tri=points#results"
