import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ateliers.models import Atelier, Format
from commandes.models import Commande, StatusChange, TeamMember
from labo.models import Direction, Person, Programme, Skill
from sessions.models import AgendaItem, Attendance, Day, Session


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in extracted))


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Direction {n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Compétence {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    email = factory.Sequence(lambda n: f"personne{n}@example.org")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    organisation = "Région"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    programme = factory.SubFactory(ProgrammeFactory)
    # Far from the numbers tests choose themselves (1, 9, 100 + n…): they never collide.
    number = factory.Sequence(lambda n: n + 10_000)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_on = datetime.date(2026, 6, 24)
    ends_on = factory.LazyAttribute(lambda s: s.starts_on)


class DayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Day

    session = factory.SubFactory(SessionFactory)
    date = factory.LazyAttribute(lambda d: d.session.starts_on)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    day = factory.SubFactory(DayFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Séquence {n}")
    duration_minutes = 30


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    day = factory.SubFactory(DayFactory)
    person = factory.SubFactory(PersonFactory)


class AtelierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Atelier

    session = factory.SubFactory(SessionFactory)
    format = Format.FREE
    title = factory.Sequence(lambda n: f"Atelier {n}")


class CommandeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commande

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Commande {n}")
    commanditaire = factory.SubFactory(PersonFactory)
    initial_wording = "Une demande."


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    commande = factory.SubFactory(CommandeFactory)
    person = factory.SubFactory(PersonFactory)


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    commande = factory.SubFactory(CommandeFactory)
    to_status = "received"
    changed_at = factory.LazyFunction(lambda: datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
