"""The home page, the directory, a person's page, one's profile and the HR import."""

import datetime

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from labo.lib.typography import french_text
from labo.models import Person
from labo.people.forms import IMPORT_SALT
from tests import factories


def test_home_of_a_facilitator_lists_coming_sessions(world, facilitator_client):
    coming = factories.SessionFactory(
        programme=world.programme,
        title="Session à venir",
        starts_on=timezone.localdate() + datetime.timedelta(days=3),
    )

    response = facilitator_client.get(reverse("labo:home"))

    assert list(response.context["coming_sessions"]) == [coming]
    assert "Sessions à venir" in response.content.decode()


def test_home_of_an_ambassador_lists_their_sessions_and_workshops(world, member_client):
    response = member_client.get(reverse("labo:home"))

    assert list(response.context["my_sessions"]) == [world.session]
    assert list(response.context["my_ateliers"]) == [world.atelier]


def test_home_of_an_ambassador_lists_every_workshop_of_their_sessions(world, member_client):
    named_elsewhere = factories.AtelierFactory(session=world.session, title="Sans moi nommé")
    other_session = factories.AtelierFactory(title="Une autre session")

    response = member_client.get(reverse("labo:home"))

    listed = list(response.context["my_ateliers"])
    assert named_elsewhere in listed
    assert other_session not in listed
    assert response.content.decode().count("Sans moi nommé") == 1


def test_home_of_a_long_standing_ambassador_shows_the_newest_and_links_the_rest(world):
    from tests.conftest import client_for

    add_history(world, 12)
    client = client_for(world, "member")

    response = client.get(reverse("labo:home"))

    shown = list(response.context["my_sessions"])
    assert len(shown) == 6
    assert [s.number for s in shown] == [211, 210, 209, 208, 207, 206]  # the newest first
    assert len(response.context["my_ateliers"]) == 10
    page = french_text(response.content.decode())
    assert french_text("Toutes mes sessions (13)") in page
    assert reverse("sessions:session-list") in page
    assert french_text("Les 10 plus récents sur 13 ; les autres") in page


def test_home_of_management_lists_held_sessions_and_the_gate(world, client):
    world.session.status = "held"
    world.session.save()
    world.commande.status = "submitted"
    world.commande.save()
    client.force_login(world.management)

    response = client.get(reverse("labo:home"))

    assert list(response.context["latest_syntheses"]) == [world.session]
    assert list(response.context["at_gate"]) == [world.commande]


def make_people(count):
    direction = factories.DirectionFactory(name="DSI")
    skill = factories.SkillFactory(name="Prototypage")
    for index in range(count):
        person = factories.PersonFactory(grade="B", direction=direction)
        person.skills.add(skill)
        if index % 2:
            person.appetites.add(skill)


@pytest.mark.parametrize("count", [1, 40])
def test_person_list_query_count_is_constant(
    world, facilitator_client, django_assert_num_queries, count
):
    make_people(count)

    with django_assert_num_queries(5):
        response = facilitator_client.get(reverse("labo:person-list"))

    assert response.status_code == 200


def test_person_list_filters_by_direction_skill_appetite(world, facilitator_client):
    make_people(4)
    direction = factories.DirectionFactory(name="DSI")
    skill = factories.SkillFactory(name="Prototypage")
    factories.PersonFactory(direction=direction)
    query = {"direction": direction.pk, "skill": skill.pk, "appetite": skill.pk}

    response = facilitator_client.get(reverse("labo:person-list"), query)

    assert len(response.context["people"]) == 2


def test_person_list_filters_newcomers_and_inactive(world, facilitator_client):
    newcomer = factories.PersonFactory(joined_on=timezone.localdate() - datetime.timedelta(days=10))
    retired = factories.PersonFactory(is_active=False)

    newcomers = facilitator_client.get(reverse("labo:person-list"), {"activity": "newcomers"})
    inactive = facilitator_client.get(reverse("labo:person-list"), {"activity": "inactive"})

    assert list(newcomers.context["people"]) == [newcomer]
    assert list(inactive.context["people"]) == [retired]


def test_person_list_searches_names(world, facilitator_client):
    wanted = factories.PersonFactory(first_name="Hélène", last_name="Marchand")

    response = facilitator_client.get(reverse("labo:person-list"), {"q": "hélène march"})

    assert list(response.context["people"]) == [wanted]


def test_person_list_htmx_returns_only_the_results_fragment(world, facilitator_client):
    response = facilitator_client.get(reverse("labo:person-list"), headers={"HX-Request": "true"})

    content = response.content.decode()
    assert content.lstrip().startswith('<div id="people-results"')
    assert "<html" not in content


def test_person_list_with_an_unknown_filter_value_shows_the_error(world, facilitator_client):
    response = facilitator_client.get(reverse("labo:person-list"), {"activity": "Z"})

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_person_detail_shows_onboarding_of_a_newcomer(world, facilitator_client):
    mentor = factories.PersonFactory(first_name="Léa", last_name="Fontaine")
    person = world.member.person
    person.joined_on = timezone.localdate() - datetime.timedelta(days=30)
    person.mentor = mentor
    person.save()
    world.atelier.format = "tribunal"
    world.atelier.save()

    response = facilitator_client.get(reverse("labo:person-detail", args=[person.pk]))

    onboarding = response.context["onboarding"]
    assert onboarding.mentor == mentor
    assert onboarding.welcome_day_done is False
    assert onboarding.methods_tried == ["Tribunal de l'innovation"]
    assert french_text("Mentor : Léa Fontaine") in response.content.decode()


def test_person_detail_of_a_long_time_member_has_no_onboarding(world, facilitator_client):
    person = world.member.person
    person.joined_on = timezone.localdate() - datetime.timedelta(days=900)
    person.save()

    response = facilitator_client.get(reverse("labo:person-detail", args=[person.pk]))

    assert "onboarding" not in response.context


def test_person_detail_lists_sessions_workshops_and_commandes(world, facilitator_client):
    factories.TeamMemberFactory(commande=world.commande, person=world.member.person)

    response = facilitator_client.get(reverse("labo:person-detail", args=[world.member.person.pk]))

    history = response.context["history"]
    assert list(history.sessions) == [world.session]
    assert list(history.ateliers) == [world.atelier]
    assert list(history.commandes) == [world.commande]


def test_my_profile_saves_skills_and_appetites(world, member_client):
    skill = factories.SkillFactory(name="Prototypage")
    appetite = factories.SkillFactory(name="Enquête de terrain")

    response = member_client.post(
        reverse("labo:my-profile"),
        {
            "job_title": "Chargé de mission",
            "domain_profile": "Mobilité",
            "skills": [skill.pk],
            "appetites": [appetite.pk],
            "version": Person.objects.get(user=world.member).version,
        },
    )

    person = Person.objects.get(user=world.member)
    assert response.status_code == 302
    assert list(person.skills.all()) == [skill]
    assert list(person.appetites.all()) == [appetite]


def test_my_profile_refuses_an_unknown_skill_next_to_the_field(world, member_client):
    response = member_client.post(reverse("labo:my-profile"), {"skills": [9999]})

    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_my_profile_without_a_person_is_404(world, client):
    client.force_login(world.admin)

    assert client.get(reverse("labo:my-profile")).status_code == 404


CSV = "nom;prénom;email;grade;direction\nMartin;Anne;anne@x.fr;B;DSI\nRoy;Paul;paul@x.fr;C;DRH\n"


def upload(client, content: str, name="rh.csv"):
    file = SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("labo:person-import"), {"file": file})


def test_import_preview_writes_nothing_and_offers_confirmation(world, facilitator_client):
    before = Person.objects.count()

    response = upload(facilitator_client, CSV)

    assert response.status_code == 200
    assert response.context["check"].created_count == 2
    assert response.context["confirm"] is not None
    assert Person.objects.count() == before


def test_import_confirm_writes_every_row(world, facilitator_client):
    preview = upload(facilitator_client, CSV)
    payload = preview.context["confirm"].initial["payload"]

    response = facilitator_client.post(reverse("labo:person-import"), {"payload": payload})

    assert response.status_code == 302
    assert set(
        Person.objects.filter(email__in=["anne@x.fr", "paul@x.fr"]).values_list("grade", flat=True)
    ) == {"B", "C"}


def test_import_preview_with_a_wrong_row_shows_it_and_offers_no_confirmation(
    world, facilitator_client
):
    response = upload(facilitator_client, CSV + "Faux;Ligne;pas-un-courriel;Z;\n")

    content = response.content.decode()
    assert response.status_code == 422
    assert response.context["confirm"] is None
    assert "Saisissez une adresse de courriel valide." in content
    assert "Le grade doit être A, B ou C." in content


def test_import_refuses_a_tampered_payload(world, facilitator_client):
    response = facilitator_client.post(reverse("labo:person-import"), {"payload": "abc:def"})

    assert response.status_code == 422
    assert "La prévisualisation a expiré ou a été modifiée" in response.content.decode()


def test_import_confirm_rechecks_rows_written_meanwhile(world, facilitator_client):
    payload = signing.dumps(
        {"rows": [{"last_name": "", "first_name": "A", "email": "a@x.fr"}], "lines": [2]},
        salt=IMPORT_SALT,
        compress=True,
    )

    response = facilitator_client.post(reverse("labo:person-import"), {"payload": payload})

    assert response.status_code == 422
    assert not Person.objects.filter(email="a@x.fr").exists()


def test_import_refuses_an_unsupported_file_next_to_the_field(world, facilitator_client):
    response = upload(facilitator_client, "hello", name="rh.pdf")

    assert response.status_code == 422
    assert "Type de fichier non pris en charge" in response.content.decode()


def test_import_refuses_a_file_larger_than_the_limit(world, facilitator_client, settings):
    settings.LABO_IMPORT_MAX_BYTES = 10

    response = upload(facilitator_client, CSV)

    assert response.status_code == 422
    assert "Le fichier est trop volumineux" in response.content.decode()


def test_person_list_is_in_alphabetical_order(world, facilitator_client):
    factories.PersonFactory(first_name="Zoé", last_name="Abadie")
    factories.PersonFactory(first_name="Anne", last_name="Zidane")

    response = facilitator_client.get(reverse("labo:person-list"))

    names = [p.last_name for p in response.context["people"]]
    assert names == sorted(names)
    assert names[0] == "Abadie"


def add_history(world, count):
    person = world.member.person
    for number in range(count):
        session = factories.SessionFactory(
            programme=world.programme,
            number=200 + number,
            status="held",
            starts_on=timezone.localdate() + datetime.timedelta(days=number),
        )
        factories.AttendanceFactory(day=factories.DayFactory(session=session), person=person)
        factories.AtelierFactory(session=session).participants.add(person)
        factories.CommandeFactory(programme=world.programme, status="submitted")


@pytest.mark.parametrize(
    ("persona", "queries"), [("facilitator", 2), ("member", 8), ("management", 4)]
)
@pytest.mark.parametrize("count", [1, 30])
def test_home_query_count_is_constant(world, django_assert_num_queries, persona, queries, count):
    from tests.conftest import client_for

    add_history(world, count)
    client = client_for(world, persona)

    with django_assert_num_queries(queries):
        response = client.get(reverse("labo:home"))

    assert response.status_code == 200


def test_management_home_links_the_newest_synthesis_of_a_held_session(world):
    from tests.conftest import client_for
    from tests.labo.test_access import synthesis_document

    world.session.status = "held"
    world.session.save()
    synthesis_document(world)
    newest = synthesis_document(world)

    page = client_for(world, "management").get(reverse("labo:home")).content.decode()

    assert reverse("labo:document-file", args=[newest.pk]) in page
    assert "Lire la synthèse (PDF)" in page
