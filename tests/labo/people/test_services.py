import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labo.models import Direction, Person, SignInIdentity, Skill
from labo.people.services import (
    add_direction,
    add_skills,
    anonymise,
    check_import,
    create_account,
    export_personal_data,
    import_people,
    record_onboarding,
    update_profile,
)
from labo.roles import AMBASSADOR, FACILITATOR, roles_of
from tests import factories


def row(**values):
    base = {
        "last_name": "Martin",
        "first_name": "Anne",
        "email": "anne@x.fr",
        "grade": "",
        "direction": "",
        "job_title": "",
        "domain_profile": "",
        "skills": "",
        "appetites": "",
        "joined_on": "",
        "is_active": "",
    }
    base.update(values)
    return base


def test_import_creates_people_with_directions_and_skills(db):
    rows = [
        row(
            grade="cat. b",
            direction="DSI",
            skills="Prototypage; Vidéo",
            appetites="Enquête",
            joined_on="01/03/2026",
            is_active="oui",
        )
    ]

    result = import_people(rows=rows, lines=[2])

    person = Person.objects.get(email="anne@x.fr")
    assert result.ok is True
    assert person.grade == "B"
    assert person.direction.name == "DSI"
    assert sorted(s.name for s in person.skills.all()) == ["Prototypage", "Vidéo"]
    assert [s.name for s in person.appetites.all()] == ["Enquête"]
    assert person.joined_on == datetime.date(2026, 3, 1)


def test_import_updates_a_known_email_and_keeps_what_the_file_leaves_blank(db):
    known = factories.PersonFactory(email="anne@x.fr", grade="A", job_title="Cheffe")

    result = import_people(rows=[row(email="ANNE@x.fr", last_name="Martin-Roy")], lines=[2])

    known.refresh_from_db()
    assert result.updated_count == 1
    assert known.last_name == "Martin-Roy"
    assert known.grade == "A"
    assert known.job_title == "Cheffe"


def test_import_writes_nothing_when_one_row_is_wrong(db):
    rows = [row(), row(email="b@x.fr", grade="D", direction="Nouvelle direction")]

    result = import_people(rows=rows, lines=[2, 3])

    assert result.ok is False
    assert Person.objects.count() == 0
    assert Direction.objects.count() == 0
    assert result.rows[1].errors == ["grade : Le grade doit être A, B ou C."]


def test_check_import_reports_duplicate_emails_with_the_first_line(db):
    result = check_import(rows=[row(), row(first_name="Autre")], lines=[2, 7])

    assert result.rows[1].errors == ["courriel : anne@x.fr figure déjà à la ligne 2."]


def test_check_import_reports_each_invalid_field_in_french(db):
    result = check_import(
        rows=[
            row(
                email="pas-un-courriel", joined_on="31/02/2026", is_active="peut-être", last_name=""
            )
        ],
        lines=[4],
    )

    assert result.rows[0].errors == [
        "nom : Ce champ est obligatoire.",
        "courriel : Saisissez une adresse de courriel valide.",
        "date d'arrivée : Saisissez une date au format JJ/MM/AAAA.",
        "actif : Écrivez « oui » ou « non ».",
    ]


def test_check_import_lists_new_directions_and_skills(db):
    factories.DirectionFactory(name="DSI")
    Skill.objects.create(name="Vidéo")

    result = check_import(rows=[row(direction="DRH", skills="vidéo, Prototypage")], lines=[2])

    assert result.new_directions == ["DRH"]
    assert result.new_skills == ["Prototypage"]


def test_check_import_of_no_row_is_not_ok(db):
    assert check_import(rows=[], lines=[]).ok is False


text = st.text(max_size=60)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({name: text for name in row()}))
def test_any_row_is_either_imported_whole_or_refused_with_messages(db, values):
    result = import_people(rows=[values], lines=[2])

    if result.ok:
        assert Person.objects.filter(email=result.rows[0].form.cleaned_data["email"]).exists()
    else:
        assert result.rows[0].errors != []
        assert Person.objects.count() == 0
    Person.objects.all().delete()


def test_update_profile_sets_the_job_the_field_skills_and_appetites(db):
    person = factories.PersonFactory(job_title="Chargée d'études")
    person.skills.add(factories.SkillFactory(name="Vidéo"))
    skill = factories.SkillFactory(name="Prototypage")
    appetite = factories.SkillFactory(name="Enquête de terrain")

    update_profile(
        person=person,
        job_title="Cheffe de projet",
        domain_profile="Mobilité",
        skills=[skill],
        appetites=[appetite],
        version=person.version,
    )

    person = Person.objects.get(pk=person.pk)
    assert (person.job_title, person.domain_profile) == ("Cheffe de projet", "Mobilité")
    assert list(person.skills.all()) == [skill]
    assert list(person.appetites.all()) == [appetite]


def test_export_personal_data_records_the_export_and_counts_it(world):
    person = world.member.person

    data = export_personal_data(person=person, by=world.member)

    logged = LogEntry.objects.get(additional_data__privacy="export")
    assert logged.actor == world.member
    assert data["person"]["email"] == person.email
    assert data["changes_made"] == 1


def test_anonymise_erases_the_person_and_their_account(world):
    person = world.member.person
    person.grade = "B"
    person.save()

    anonymise(person=person, by=world.facilitator)

    person = Person.objects.select_related("user").get(pk=person.pk)
    assert (person.first_name, person.email, person.grade) == ("", "", "")
    assert person.user.username == f"ancien-membre-{person.pk}"
    assert not person.user.is_active
    assert LogEntry.objects.get(additional_data__privacy="anonymised").actor == world.facilitator


def test_anonymise_forgets_the_single_sign_on_identity(world):
    person = world.member.person
    SignInIdentity.objects.create(user=person.user, issuer="https://idp", subject="s1")

    anonymise(person=person, by=world.facilitator)

    assert SignInIdentity.objects.filter(subject="s1").exists() is False


def test_anonymising_twice_changes_nothing(world):
    person = factories.PersonFactory(last_name="Martin")
    anonymise(person=person, by=world.facilitator)
    first = LogEntry.objects.count()

    anonymise(person=person, by=world.facilitator)

    assert LogEntry.objects.count() == first


def test_add_direction_keeps_its_acronym_and_mailbox(db):
    direction = add_direction(name="Direction de la jeunesse", acronym="DJ", email="dj@x.fr")

    direction.refresh_from_db()
    assert (str(direction), direction.email) == ("DJ", "dj@x.fr")


def test_import_finds_a_direction_added_with_its_acronym(db):
    add_direction(name="Direction de la jeunesse", acronym="DJ")

    import_people(rows=[row(direction="direction de la jeunesse")], lines=[2])

    assert Direction.objects.get().acronym == "DJ"
    assert Person.objects.get().direction.acronym == "DJ"


def test_add_skills_creates_the_unknown_ones_in_order_and_finds_the_known(db):
    known = factories.SkillFactory(name="Prototypage")

    skills = add_skills(names=["Facilitation", "prototypage", "Rédaction"])

    assert [s.name for s in skills] == ["Facilitation", "Prototypage", "Rédaction"]
    assert skills[1] == known
    assert list(Skill.objects.order_by("pk").values_list("name", flat=True)) == [
        "Prototypage",
        "Facilitation",
        "Rédaction",
    ]


def test_record_onboarding_sets_the_welcome_day_and_the_mentor(db):
    mentor, newcomer = factories.PersonFactory(), factories.PersonFactory()

    record_onboarding(person=newcomer, welcome_day_on=datetime.date(2026, 3, 2), mentor=mentor)

    newcomer.refresh_from_db()
    assert (newcomer.welcome_day_on, newcomer.mentor) == (datetime.date(2026, 3, 2), mentor)


def test_record_onboarding_refuses_a_person_as_their_own_mentor(db):
    person = factories.PersonFactory()

    with pytest.raises(ValueError):
        record_onboarding(person=person, welcome_day_on=None, mentor=person)

    person.refresh_from_db()
    assert person.mentor is None


def test_create_account_for_a_person_takes_their_name_and_holds_the_roles(db):
    person = factories.PersonFactory(first_name="Léa", last_name="Fontaine", email="lea@x.fr")

    user = create_account(
        username="lea", person=person, roles=[AMBASSADOR, FACILITATOR], password="secret"
    )

    person.refresh_from_db()
    assert person.user == user
    assert (user.first_name, user.last_name, user.email) == ("Léa", "Fontaine", "lea@x.fr")
    assert roles_of(user) == {AMBASSADOR, FACILITATOR}
    assert user.check_password("secret") is True
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_create_account_without_a_password_cannot_log_in(db):
    user = create_account(username="admin", superuser=True)

    assert user.has_usable_password() is False
    assert (user.is_staff, user.is_superuser) == (True, True)


def test_create_account_refuses_an_unknown_role_or_a_second_account(db):
    person = factories.PersonFactory()
    create_account(username="first", person=person)

    with pytest.raises(ValueError):
        create_account(username="second", person=person)
    with pytest.raises(ValueError):
        create_account(username="third", roles=["wizard"])

    assert User.objects.count() == 1
