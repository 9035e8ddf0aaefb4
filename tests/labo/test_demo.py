import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models

from ateliers import models as m
from ateliers.models import Atelier, Format
from commandes.models import Commande, StatusChange
from labo.models import Person
from sessions.models import AgendaItem, Attendance, Day, Session
from sessions.queries import visible_sessions

MODELS = [
    Person,
    Session,
    Day,
    AgendaItem,
    Attendance,
    Atelier,
    Commande,
    StatusChange,
    m.DebateQuestion,
    m.TribunalCase,
    m.Stand,
    m.StandVisit,
    m.Idea,
    m.DemarreurRole,
    m.RetroEntry,
    m.Rating,
]


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_is_idempotent(demo):
    before = counts()

    call_command("seed_demo", verbosity=0)

    assert counts() == before


def test_demo_has_twenty_ambassadors_of_mixed_grades(demo):
    ambassadors = Person.objects.filter(domain_profile__isnull=False, joined_on__isnull=False)

    assert ambassadors.count() >= 20
    assert set(ambassadors.values_list("grade", flat=True)) == {"A", "B", "C"}


def test_demo_has_a_grand_atelier_planned_for_80_that_got_7_guests(demo):
    day = Day.objects.get(title="Le Grand Atelier")

    assert day.capacity == 80
    assert day.attendances.filter(role="guest").count() == 7
    assert day.session.days.count() == 3


def test_demo_grand_atelier_has_three_key_messages_for_its_synthesis(demo):
    session = Session.objects.get(number=9)

    messages = session.key_message_list()

    assert len(messages) == 3
    assert messages[0].startswith("7 invités sur 80 attendus")
    assert all(len(message) <= 200 for message in messages)


def test_demo_has_past_and_coming_sessions_with_agendas(demo):
    statuses = list(Session.objects.order_by("number").values_list("status", flat=True))

    assert statuses.count("held") >= 2
    assert "planned" in statuses
    assert all(day.items.exists() for day in Day.objects.all())


def test_demo_has_the_workshops_of_the_field_reports(demo):
    formats = set(Atelier.objects.values_list("format", flat=True))

    assert {
        Format.TRIBUNAL,
        Format.DEBAT_MOUVANT,
        Format.DEMARREUR,
        Format.LABO_STANDS,
        Format.CRITERIA_GRID,
        Format.SCENARIO_TABLES,
    } <= formats


def test_demo_has_the_commandes_with_their_history(demo):
    occiline = Commande.objects.get(title="Occiline")

    assert occiline.initial_title == "Occiborne"
    assert occiline.team.count() == 5
    assert list(occiline.history.values_list("to_status", flat=True))[-1] == occiline.status
    assert Commande.objects.count() == 6


def test_demo_logins_match_their_roles(demo):
    users = {u.username: u for u in get_user_model().objects.all()}

    assert users["admin"].is_superuser is True
    assert users["animateur"].check_password("demo") is True
    assert visible_sessions(users["ambassadrice"]).count() >= 3
    assert visible_sessions(users["ambassadeur2"]).count() == 0
    assert users["direction"].groups.filter(name="management").exists()


def test_demo_accounts_have_no_usable_password_when_debug_is_off(db, settings):
    settings.DEBUG = False

    call_command("seed_demo", verbosity=0)

    assert get_user_model().objects.get(username="animateur").has_usable_password() is False


def test_demo_results_follow_the_field_reports(demo):
    debate = m.DebateQuestion.objects.order_by("position")
    majority = [max(("yes", "no", "mixed"), key=lambda k: getattr(q, k)) for q in debate]
    startup = m.Stand.objects.get(name="Le labo d'accompagnement de projets")
    report = m.DemarreurReport.objects.get()

    assert majority == ["yes", "yes", "mixed", "mixed"]
    assert "Aide à l'adhésion au projet" in startup.offers.splitlines()
    assert (report.timebox_minutes, report.used_minutes) == (90, 60)
    assert report.roles.filter(role="observer").count() == 5
    assert m.TribunalCase.objects.filter(after_for__gt=models.F("before_for")).count() == 2
