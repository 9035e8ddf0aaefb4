"""A person's data export and their anonymisation when they leave."""

import json

from auditlog.models import LogEntry
from django.urls import reverse

from ateliers import models as m
from labo.models import Person, SignInIdentity


def test_a_member_downloads_what_labo_holds_on_them(world, member_client):
    person = world.member.person
    person.grade = "B"
    person.save()
    m.Idea.objects.create(atelier=world.atelier, text="Mon idée", created_by=person)

    response = member_client.get(reverse("labo:my-data"))

    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["person"]["first_name"] == "Bob"
    assert data["person"]["grade"] == "B"
    assert data["ideas"] == ["Mon idée"]
    assert data["attendance"][0]["session"].endswith("Préparer le Grand Atelier")
    assert data["person"]["single_sign_on"] is None
    # Reading one's own data is a GET that writes nothing (docs/privacy.md).
    assert not LogEntry.objects.filter(additional_data__privacy="export").exists()


def test_the_data_export_names_the_single_sign_on_account(world, member_client):
    SignInIdentity.objects.create(
        user=world.member, issuer="https://auth.example.org", subject="agent-42"
    )

    data = json.loads(member_client.get(reverse("labo:my-data")).content)

    assert data["person"]["single_sign_on"] == {
        "issuer": "https://auth.example.org",
        "subject": "agent-42",
    }


def test_anonymising_erases_the_person_and_keeps_their_contributions(world, facilitator_client):
    person = world.member.person
    person.last_name, person.email, person.grade = "Durand", "bob.durand@example.org", "C"
    person.save()  # logged with the name
    idea = m.Idea.objects.create(atelier=world.atelier, text="Un guichet", created_by=person)

    response = facilitator_client.post(
        reverse("labo:person-anonymise", args=[person.pk]), {"confirm": "on"}, follow=True
    )

    person = Person.objects.get(pk=person.pk)
    assert response.status_code == 200
    assert person.full_name == "ancien membre"
    assert (person.email, person.grade, person.direction) == ("", "", None)
    assert not person.is_active and person.anonymised_on
    assert not person.user.is_active and not person.user.has_usable_password()
    idea.refresh_from_db()
    assert idea.created_by == person  # the idea stays, signed "former member"
    page = facilitator_client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk]))
    assert "Bob Durand" not in page.content.decode()
    # Nothing in the audit log names them any more; the anonymisation itself is recorded.
    everything = json.dumps(list(LogEntry.objects.values()), default=str)
    assert "Durand" not in everything and "bob.durand@example.org" not in everything
    assert LogEntry.objects.get(additional_data__privacy="anonymised").actor == world.facilitator


def test_anonymising_needs_a_confirmation(world, facilitator_client):
    person = world.member.person

    response = facilitator_client.post(reverse("labo:person-anonymise", args=[person.pk]), {})

    assert response.status_code == 422
    assert "Cochez la case pour confirmer" in response.content.decode()
    assert Person.objects.get(pk=person.pk).anonymised_on is None
