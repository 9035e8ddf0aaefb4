"""Creating a session as a facilitator expects it, the session templates' pages, and the
method library (#18)."""

import datetime
import re

import pytest
from django.urls import reverse

from ateliers.services import create_atelier
from labo.lib.typography import french_text
from sessions import services
from sessions.models import AgendaItem, Method, Session, SessionTemplate
from tests import factories
from tests.conftest import client_for


def titles(day):
    return list(
        AgendaItem.objects.filter(day=day, parent__isnull=True)
        .order_by("position")
        .values_list("title", flat=True)
    )


def new_session(world, **fields):
    data = {
        "programme": world.programme.pk,
        "title": "Trois jours",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-01",
    }
    return {**data, **fields}


# Creating a session ---------------------------------------------------------------------


def test_session_form_preselects_the_only_programme_the_next_number_and_its_creator(
    world, facilitator_client
):
    factories.SessionFactory(programme=world.programme, number=11)

    response = facilitator_client.get(reverse("sessions:session-create"))

    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["programme"] == world.programme.pk
    assert form.initial["number"] == world.session.number + 1
    assert form.initial["facilitators"] == [world.facilitator.person.pk]
    assert f'value="{world.facilitator.person.pk}" id="id_facilitators_0" checked' in (
        response.content.decode()
    )


def test_session_form_preselects_no_programme_among_several(world, facilitator_client):
    other = factories.ProgrammeFactory()
    other.facilitators.add(world.facilitator.person)

    response = facilitator_client.get(reverse("sessions:session-create"))

    form = response.context["form"]
    assert "programme" not in form.initial
    assert "number" not in form.initial
    assert form.fields["number"].help_text == (
        "Laissez vide pour le prochain numéro libre du programme "
        f"({world.programme.name} : {world.session.number + 1}, {other.name} : 1)."
    )


def test_session_created_without_a_number_takes_the_next_free_one(world, facilitator_client):
    factories.SessionFactory(programme=factories.ProgrammeFactory(), number=5_000)

    response = facilitator_client.post(reverse("sessions:session-create"), new_session(world))

    assert response.status_code == 302
    session = Session.objects.get(title="Trois jours")
    assert session.number == world.session.number + 1


def test_session_creator_ticked_is_a_facilitator_of_it(world, facilitator_client):
    person = world.facilitator.person

    facilitator_client.post(
        reverse("sessions:session-create"), new_session(world, facilitators=[person.pk])
    )

    assert list(Session.objects.get(title="Trois jours").facilitators.all()) == [person]


def test_session_number_taken_is_said_about_the_number(world, facilitator_client):
    factories.SessionFactory(programme=world.programme, number=9)
    taken_next = world.session.number + 1

    response = facilitator_client.post(
        reverse("sessions:session-create"), new_session(world, number=9)
    )

    content = response.content.decode()
    assert response.status_code == 422
    assert response.context["form"].errors["number"] == [
        f"Le numéro 9 est déjà pris dans ce programme : le prochain libre est {taken_next}."
    ]
    assert "existe déjà" not in content
    assert not Session.objects.filter(title="Trois jours").exists()


def test_session_edit_to_a_taken_number_is_said_about_the_number(world, facilitator_client):
    factories.SessionFactory(programme=world.programme, number=9)
    session = world.session

    response = facilitator_client.post(
        reverse("sessions:session-edit", args=[session.pk]),
        {
            "programme": world.programme.pk,
            "number": 9,
            "title": session.title,
            "starts_on": session.starts_on.isoformat(),
            "ends_on": session.ends_on.isoformat(),
            "status": session.status,
            "version": session.version,
        },
    )

    assert response.status_code == 422
    assert response.context["form"].errors["number"][0].startswith("Le numéro 9 est déjà pris")


# Applying a template of another length ---------------------------------------------------


@pytest.fixture
def three_day_template(world):
    return SessionTemplate.objects.create(
        name="Trois jours types",
        days=[
            {"title": f"Jour {n}", "starts_at": "09:00", "ends_at": "17:00",
             "items": [{"title": f"Bloc du jour {n}", "duration_minutes": 30}]}
            for n in (1, 2, 3)
        ],
    )  # fmt: skip


def test_template_longer_than_the_session_asks_which_days_and_creates_nothing(
    world, facilitator_client, three_day_template
):
    data = new_session(world, ends_on="2027-03-02", template=three_day_template.pk)

    response = facilitator_client.post(reverse("sessions:session-create"), data)

    content = response.content.decode()
    assert response.status_code == 200
    assert (
        french_text(
            "Le modèle « Trois jours types » a 3 jours et la session 2 : choisissez le jour du "
            "modèle que prend chaque jour de la session. Rien n'est créé avant votre confirmation."
        )
        in content
    )
    assert not Session.objects.filter(title="Trois jours").exists()
    assert response.context["days_form"].initial == {}
    assert [f.initial for f in response.context["days_form"]] == ["0", "1"]


def test_template_days_chosen_are_applied_once_confirmed(
    world, facilitator_client, three_day_template
):
    data = new_session(world, ends_on="2027-03-02", template=three_day_template.pk)
    asked = f"{three_day_template.pk}:2027-03-01:2027-03-02"

    response = facilitator_client.post(
        reverse("sessions:session-create"),
        {**data, "tpl-asked": asked, "tpl-day0": "0", "tpl-day1": "2"},
    )

    assert response.status_code == 302
    days = list(Session.objects.get(title="Trois jours").days.order_by("date"))
    assert [titles(day) for day in days] == [["Bloc du jour 1"], ["Bloc du jour 3"]]
    assert [day.title for day in days] == ["Jour 1", "Jour 3"]


def test_template_shorter_than_the_session_can_leave_a_day_empty(
    world, facilitator_client, three_day_template
):
    data = new_session(world, ends_on="2027-03-04", template=three_day_template.pk)
    asked = f"{three_day_template.pk}:2027-03-01:2027-03-04"
    choice = {"tpl-day0": "", "tpl-day1": "0", "tpl-day2": "1", "tpl-day3": "2"}

    facilitator_client.post(
        reverse("sessions:session-create"), {**data, "tpl-asked": asked, **choice}
    )

    days = Session.objects.get(title="Trois jours").days.order_by("date")
    assert [titles(day) for day in days] == [
        [],
        ["Bloc du jour 1"],
        ["Bloc du jour 2"],
        ["Bloc du jour 3"],
    ]


def test_template_answer_for_other_dates_is_asked_again(
    world, facilitator_client, three_day_template
):
    data = new_session(world, ends_on="2027-03-02", template=three_day_template.pk)

    response = facilitator_client.post(
        reverse("sessions:session-create"),
        {**data, "tpl-asked": f"{three_day_template.pk}:2027-02-01:2027-02-02", "tpl-day0": "2"},
    )

    assert response.status_code == 200
    assert not Session.objects.filter(title="Trois jours").exists()


def test_template_day_out_of_range_is_refused_in_french(
    world, facilitator_client, three_day_template
):
    data = new_session(world, ends_on="2027-03-02", template=three_day_template.pk)
    asked = f"{three_day_template.pk}:2027-03-01:2027-03-02"

    response = facilitator_client.post(
        reverse("sessions:session-create"),
        {**data, "tpl-asked": asked, "tpl-day0": "7", "tpl-day1": "0"},
    )

    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in response.context["days_form"].errors["day0"][0]
    assert not Session.objects.filter(title="Trois jours").exists()


def test_template_of_the_same_length_is_applied_without_asking(
    world, facilitator_client, three_day_template
):
    data = new_session(world, ends_on="2027-03-03", template=three_day_template.pk)

    response = facilitator_client.post(reverse("sessions:session-create"), data)

    assert response.status_code == 302
    days = Session.objects.get(title="Trois jours").days.order_by("date")
    assert [titles(day) for day in days] == [[f"Bloc du jour {n}"] for n in (1, 2, 3)]


# The templates' pages ---------------------------------------------------------------------


def test_template_list_reads_the_same_queries_for_one_or_many(
    world, facilitator_client, django_assert_num_queries
):
    url = reverse("sessions:template-list")
    services.save_as_template(session=world.session, name="Un")
    facilitator_client.get(url)  # the session and the visitor's roles, read once

    with django_assert_num_queries(1):
        one = facilitator_client.get(url)
    for n in range(5):
        services.save_as_template(session=world.session, name=f"Modèle {n}")
    with django_assert_num_queries(1):
        many = facilitator_client.get(url)

    assert one.status_code == many.status_code == 200
    assert len(re.findall(r'href="/sessions/library/templates/\d+/"', many.content.decode())) == 6


def test_template_preview_shows_its_days_and_blocks(world, facilitator_client):
    template = services.save_as_template(session=world.session, name="Aperçu")

    response = facilitator_client.get(reverse("sessions:template-detail", args=[template.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert french_text("Tribunal de l&#x27;innovation") in content
    assert "Jour 1" in content


def test_template_renamed(world, facilitator_client):
    template = services.save_as_template(session=world.session, name="Ancien nom")

    response = facilitator_client.post(
        reverse("sessions:template-edit", args=[template.pk]),
        {"name": "Nouveau nom", "description": "Trois jours"},
    )

    template.refresh_from_db()
    assert response.status_code == 302
    assert (template.name, template.description) == ("Nouveau nom", "Trois jours")


def test_template_renamed_to_a_taken_name_is_said_about_the_name(world, facilitator_client):
    services.save_as_template(session=world.session, name="Pris")
    template = services.save_as_template(session=world.session, name="Libre")

    response = facilitator_client.post(
        reverse("sessions:template-edit", args=[template.pk]), {"name": "pris"}
    )

    assert response.status_code == 422
    assert response.context["form"].errors["name"] == [
        "Le nom « pris » est déjà utilisé : choisissez-en un autre."
    ]


def test_template_saved_from_the_planner_under_a_taken_name_is_said_about_the_name(
    world, facilitator_client
):
    services.save_as_template(session=world.session, name="Pris")

    response = facilitator_client.post(
        reverse("sessions:session-save-template", args=[world.session.pk]), {"name": "Pris"}
    )

    assert response.status_code == 422
    assert french_text("Le nom « Pris » est déjà utilisé : choisissez-en un autre.") in (
        response.content.decode()
    )
    assert SessionTemplate.objects.count() == 1


def test_template_deleted_leaves_the_sessions_made_from_it(world, facilitator_client):
    template = services.save_as_template(session=world.session, name="À jeter")

    response = facilitator_client.post(
        reverse("sessions:template-delete", args=[template.pk]), {"confirm": "on"}
    )

    assert response.status_code == 302
    assert not SessionTemplate.objects.exists()
    assert titles(world.day) == ["Tribunal de l'innovation"]


def test_template_delete_unconfirmed_is_asked_again_in_french(world, facilitator_client):
    template = services.save_as_template(session=world.session, name="Gardé")

    response = facilitator_client.post(reverse("sessions:template-delete", args=[template.pk]))

    assert response.status_code == 422
    assert response.context["delete_form"].errors["confirm"] == [
        "Cochez la case pour confirmer la suppression."
    ]
    assert SessionTemplate.objects.filter(pk=template.pk).exists()


def test_template_delete_writes_nothing_on_get(world, facilitator_client):
    template = services.save_as_template(session=world.session, name="Gardé")

    response = facilitator_client.get(reverse("sessions:template-delete", args=[template.pk]))

    assert response.status_code == 405
    assert SessionTemplate.objects.filter(pk=template.pk).exists()


# The method library ---------------------------------------------------------------------


def method_data(**fields):
    data = {
        "name": "Marché aux idées",
        "kind": "workshop",
        "duration_minutes": "45",
        "fixed_start": "",
        "instructions": "",
        "materials": "",
        "alternative_plan": "",
        "subgroups": "",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
    }
    return {**data, **fields}


def method_values(**fields):
    return {
        "kind": "workshop",
        "duration_minutes": 45,
        "fixed_start": None,
        "instructions": "",
        "materials": "",
        "alternative_plan": "",
        "subgroups": "",
        **fields,
    }


def test_library_defaults_pin_lunch_at_half_past_twelve(db):
    lunch = Method.objects.get(name="Déjeuner")

    assert lunch.fixed_start == datetime.time(12, 30)


def test_method_list_reads_the_same_queries_for_one_or_many(
    world, facilitator_client, django_assert_num_queries
):
    url = reverse("sessions:method-list")
    facilitator_client.get(url)

    with django_assert_num_queries(1):
        before = facilitator_client.get(url)
    for n in range(5):
        services.save_method(method=None, **method_values(name=f"Méthode {n}"))
    with django_assert_num_queries(1):
        after = facilitator_client.get(url)

    assert before.status_code == after.status_code == 200
    assert after.content.decode().count("Méthode ") == 5
    assert "Un bloc, 3 sous-groupes en parallèle" in after.content.decode()


def test_method_added_by_a_facilitator_as_one_block(world, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:method-create"),
        method_data(fixed_start="10:15", alternative_plan="À deux tables."),
    )

    method = Method.objects.get(name="Marché aux idées")
    assert response.status_code == 302
    assert (method.duration_minutes, method.fixed_start) == (45, datetime.time(10, 15))
    assert method.alternative_plan == "À deux tables."
    assert method.steps.count() == 0


def test_method_added_as_a_whole_day_keeps_its_steps_in_order(world, facilitator_client):
    steps = {
        "steps-TOTAL_FORMS": "3",
        "steps-0-title": "Accueil",
        "steps-0-kind": "coffee",
        "steps-0-duration_minutes": "15",
        "steps-1-title": "Déjeuner",
        "steps-1-kind": "meal",
        "steps-1-duration_minutes": "60",
        "steps-1-fixed_start": "12:30",
        # An empty row, as a browser sends it: its defaults, no title.
        "steps-2-kind": "free",
        "steps-2-duration_minutes": "30",
    }

    response = facilitator_client.post(
        reverse("sessions:method-create"), method_data(whole_day="on", **steps)
    )

    method = Method.objects.get(name="Marché aux idées")
    assert response.status_code == 302
    assert list(method.steps.values_list("title", "position", "fixed_start")) == [
        ("Accueil", 0, None),
        ("Déjeuner", 1, datetime.time(12, 30)),
    ]


def test_method_whole_day_without_steps_is_refused_next_to_the_box(world, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:method-create"), method_data(whole_day="on")
    )

    assert response.status_code == 422
    assert response.context["form"].errors["whole_day"] == [
        "Donnez au moins une étape à la méthode d'une journée, ci-dessous."
    ]
    assert not Method.objects.filter(name="Marché aux idées").exists()


def test_method_with_steps_but_not_a_whole_day_is_refused_and_nothing_lost(
    world, facilitator_client
):
    response = facilitator_client.post(
        reverse("sessions:method-create"),
        method_data(
            **{
                "steps-TOTAL_FORMS": "1",
                "steps-0-title": "Accueil",
                "steps-0-kind": "coffee",
                "steps-0-duration_minutes": "15",
            }
        ),
    )

    assert response.status_code == 422
    assert "whole_day" in response.context["form"].errors
    assert 'value="Accueil"' in response.content.decode()


def test_method_name_taken_is_said_about_the_name(world, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:method-create"), method_data(name="déjeuner")
    )

    assert response.status_code == 422
    assert response.context["form"].errors["name"] == [
        "Le nom « déjeuner » est déjà utilisé : choisissez-en un autre."
    ]


def test_method_edited_keeps_its_name_and_replaces_its_steps(world, facilitator_client):
    method = Method.objects.get(name="Journée démarreur bienveillant")
    data = method_data(
        name=method.name,
        kind="workshop",
        duration_minutes="330",
        whole_day="on",
        **{
            "steps-TOTAL_FORMS": "1",
            "steps-0-title": "Tout en un",
            "steps-0-kind": "workshop",
            "steps-0-duration_minutes": "300",
        },
    )

    response = facilitator_client.post(reverse("sessions:method-edit", args=[method.pk]), data)

    assert response.status_code == 302
    assert list(method.steps.values_list("title", flat=True)) == ["Tout en un"]


def test_method_edit_form_shows_the_whole_day_box_ticked_for_a_day_method(
    world, facilitator_client
):
    method = Method.objects.get(name="Journée démarreur bienveillant")

    response = facilitator_client.get(reverse("sessions:method-edit", args=[method.pk]))

    assert response.context["form"].initial["whole_day"] is True
    assert response.context["steps"].total_form_count() == method.steps.count() + 3


def test_lunch_from_the_library_is_pinned_at_half_past_twelve(world):
    items = services.add_from_method(day=world.day, method=Method.objects.get(name="Déjeuner"))

    assert items[0].fixed_start == datetime.time(12, 30)


def test_labo_stands_block_comes_with_its_stands_as_sub_groups(world):
    [block] = services.add_from_method(day=world.day, method=Method.objects.get(name="Labo stands"))

    subgroups = AgendaItem.objects.filter(parent=block).order_by("position")
    assert list(subgroups.values_list("title", flat=True)) == ["Stand 1", "Stand 2", "Stand 3"]
    assert block.method.name == "Labo stands"


def test_workshop_made_from_a_labo_stands_block_gets_its_stands(world):
    [block] = services.add_from_method(day=world.day, method=Method.objects.get(name="Labo stands"))
    AgendaItem.objects.filter(parent=block, title="Stand 1").update(title="Le labo citoyen")

    atelier = create_atelier(
        session=world.session,
        facilitators=[],
        participants=[],
        title="Trois stands",
        format="labo_stands",
        agenda_item=block,
    )

    assert list(atelier.stands.values_list("name", flat=True)) == [
        "Le labo citoyen",
        "Stand 2",
        "Stand 3",
    ]


def test_workshop_of_a_block_made_by_hand_gets_no_stand(world):
    block = services.add_item(day=world.day, title="Stands", duration_minutes=60)
    services.add_subgroup(item=block, title="Stand A")

    atelier = create_atelier(
        session=world.session,
        facilitators=[],
        participants=[],
        title="Stands",
        format="labo_stands",
        agenda_item=block,
    )

    assert atelier.stands.count() == 0


# Who sees the library -----------------------------------------------------------------------


LIBRARY_PAGES = ["sessions:method-list", "sessions:method-create", "sessions:template-list"]


@pytest.mark.parametrize("name", LIBRARY_PAGES)
def test_library_opens_to_an_admin(world, name):
    response = client_for(world, "admin").get(reverse(name))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("facilitator", True), ("admin", True), ("member", False), ("management", False)],
)
def test_library_link_is_offered_to_whom_the_policy_allows(world, persona, shown):
    response = client_for(world, persona).get(reverse("labo:home"))

    assert (reverse("sessions:method-list") in response.content.decode()) is shown
