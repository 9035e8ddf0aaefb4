"""A five-year lab at full volume, for benchmarks: 150 sessions, 1,500 workshops, 60,000
results, 600 ambassadors, 300 commandes (at scale 1). Bulk inserts only; additive, so that
a lab seeded at 0.1 can be topped up to 1 and measured again.

The data are shaped like the real ones (two-day sessions of eight blocks, ten workshops of
every format, forty results each) but they are filler: the demo lab tells the stories.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from ateliers import models as a
from ateliers.formats import Format
from commandes import models as c
from labo.models import Direction, Person, Programme, Skill
from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT
from sessions import models as s

PROGRAMME = "Cinq ans de Labo"
SESSIONS = 150
WORKSHOPS_PER_SESSION = 10
RESULTS_PER_WORKSHOP = 40
AMBASSADORS = 600
COMMANDES = 300
FORMATS = list(Format)
# After five years most commandes have ended; a few dozen are under way.
ENDED = (c.Status.CLOSED, c.Status.ABANDONED, c.Status.REFUSED)
STATUSES = (
    [c.Status.CLOSED] * 12
    + [c.Status.ABANDONED] * 3
    + [c.Status.REFUSED] * 2
    + [st for st in c.Status if st not in ENDED]
)
START = datetime.date(2021, 9, 1)
USERS = {"vol-animateur": FACILITATOR, "vol-ambassadeur": AMBASSADOR, "vol-direction": MANAGEMENT}


@dataclass
class Seeded:
    sessions: int = 0
    workshops: int = 0
    results: int = 0
    people: int = 0
    commandes: int = 0


def _users(programme: Programme, people: list[Person]) -> None:
    User = get_user_model()
    for username, role in USERS.items():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password("demo")
            user.save()
            user.groups.add(Group.objects.get(name=role))
            person = people.pop()
            person.user = user
            person.save(update_fields=["user"])
            if role == FACILITATOR:
                programme.facilitators.add(person)


@transaction.atomic
def seed_volume(scale: float = 1.0, *, seed: int = 5) -> Seeded:
    rnd = random.Random(seed)
    done = Seeded()
    directions = list(Direction.objects.all()) or Direction.objects.bulk_create(
        Direction(name=f"Direction {n}", acronym=f"D{n}") for n in range(25)
    )
    Skill.objects.bulk_create(
        [Skill(name=f"Compétence {n}") for n in range(15)], ignore_conflicts=True
    )
    programme, _created = Programme.objects.get_or_create(
        name=PROGRAMME, defaults={"organisation": "Volume", "starts_on": START}
    )
    known = Person.objects.count()
    people = Person.objects.bulk_create(
        Person(
            first_name=f"Prénom{known + n}",
            last_name=f"Nom{known + n}",
            grade=rnd.choice("AABBC"),
            direction=rnd.choice(directions),
            joined_on=START + datetime.timedelta(days=rnd.randrange(1800)),
        )
        for n in range(round(AMBASSADORS * scale))
    )
    done.people = len(people)
    _users(programme, list(people))
    number = (
        s.Session.objects.filter(programme=programme)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    )
    sessions = s.Session.objects.bulk_create(
        s.Session(
            programme=programme,
            number=number + n + 1,
            title=f"Session {number + n + 1}",
            place="Salle du conseil",
            starts_on=START + datetime.timedelta(days=12 * (number + n)),
            ends_on=START + datetime.timedelta(days=12 * (number + n) + 1),
            status=s.SessionStatus.HELD,
            preparation_half_days=rnd.choice([2, 3, 4]),
            debrief="Débrief de la session : ce qui a marché, ce qui n'a pas marché.",
        )
        for n in range(round(SESSIONS * scale))
    )
    done.sessions = len(sessions)
    days = s.Day.objects.bulk_create(
        s.Day(session=session, date=session.starts_on + datetime.timedelta(days=d), capacity=30)
        for session in sessions
        for d in range(2)
    )
    s.AgendaItem.objects.bulk_create(
        s.AgendaItem(
            day=day,
            position=p,
            duration_minutes=rnd.choice([15, 30, 45, 60, 90]),
            kind=s.ItemKind.WORKSHOP,
            title=f"Séquence {p + 1}",
        )
        for day in days
        for p in range(8)
    )
    everyone = list(Person.objects.values_list("pk", flat=True))
    s.Attendance.objects.bulk_create(
        s.Attendance(day=day, person_id=pk, present=rnd.random() < 0.9)
        for day in days
        for pk in rnd.sample(everyone, min(25, len(everyone)))
    )
    ambassador = Person.objects.filter(user__username="vol-ambassadeur").first()
    if ambassador:
        s.Attendance.objects.bulk_create(
            (s.Attendance(day=day, person=ambassador) for day in days[::2]), ignore_conflicts=True
        )
    ateliers = a.Atelier.objects.bulk_create(
        a.Atelier(
            session=session,
            format=FORMATS[n % len(FORMATS)],
            title=f"Atelier {n + 1}",
            summary="Ce que l'atelier a produit.",
            ideas_revealed=True,
        )
        for session in sessions
        for n in range(WORKSHOPS_PER_SESSION)
    )
    done.workshops = len(ateliers)
    done.results = _results(ateliers, rnd)
    done.commandes = _commandes(programme, everyone, round(COMMANDES * scale), rnd)
    return done


def _results(ateliers, rnd) -> int:
    """Forty results per workshop, shaped by its format."""
    per = RESULTS_PER_WORKSHOP
    text = "Une phrase comme en écrivent les ambassadeurs sur un post-it, numéro {}."
    ideas, questions, cases, retro, actions, ratings, stands = [], [], [], [], [], [], []
    for atelier in ateliers:
        fmt = atelier.format
        for n in range(per):
            if fmt == Format.DEBAT_MOUVANT and n < 10:
                questions.append(
                    a.DebateQuestion(
                        atelier=atelier,
                        position=n,
                        text=text.format(n),
                        yes=rnd.randrange(20),
                        no=rnd.randrange(20),
                        mixed=rnd.randrange(10),
                    )
                )
            elif fmt == Format.TRIBUNAL and n < 4:
                cases.append(
                    a.TribunalCase(
                        atelier=atelier,
                        question=text.format(n),
                        before_for=3,
                        before_against=9,
                        after_for=8,
                        after_against=4,
                    )
                )
            elif fmt == Format.RETROSPECTIVE and n < 30:
                retro.append(
                    a.RetroEntry(
                        atelier=atelier,
                        kind=rnd.choice(list(a.RetroKind)),
                        text=text.format(n),
                    )
                )
            elif fmt == Format.LABO_STANDS and n < 3:
                stands.append(
                    a.Stand(atelier=atelier, name=f"Stand {n + 1}", offers="Offre 1\nOffre 2")
                )
            elif n < 30:
                ideas.append(
                    a.Idea(
                        atelier=atelier,
                        text=text.format(n),
                        x=rnd.randrange(101),
                        y=rnd.randrange(101),
                    )
                )
            elif n < 35:
                actions.append(a.Action(atelier=atelier, what=text.format(n)))
            else:
                ratings.append(
                    a.Rating(atelier=atelier, score=rnd.randrange(1, 6), comment=text.format(n))
                )
    a.DebateQuestion.objects.bulk_create(questions, batch_size=2000)
    a.TribunalCase.objects.bulk_create(cases, batch_size=2000)
    a.RetroEntry.objects.bulk_create(retro, batch_size=2000)
    a.Action.objects.bulk_create(actions, batch_size=2000)
    a.Rating.objects.bulk_create(ratings, batch_size=2000)
    ideas = a.Idea.objects.bulk_create(ideas, batch_size=2000)
    stands = a.Stand.objects.bulk_create(stands)
    feedback = [
        a.StandFeedback(
            stand=stand,
            understanding=rnd.randrange(1, 6),
            interest=rnd.randrange(1, 6),
            comment=text.format(n),
        )
        for stand in stands
        for n in range(12)
    ]
    a.StandFeedback.objects.bulk_create(feedback, batch_size=2000)
    votes = [a.Vote(idea=idea, voter=f"v{n}") for idea in ideas for n in range(rnd.randrange(3))]
    a.Vote.objects.bulk_create(votes, batch_size=5000)
    return (
        len(ideas)
        + len(questions)
        + len(cases)
        + len(retro)
        + len(actions)
        + len(ratings)
        + len(stands)
        + len(feedback)
    )


def _commandes(programme, everyone, count, rnd) -> int:
    commandes = c.Commande.objects.bulk_create(
        c.Commande(
            programme=programme,
            title=f"Commande {n}",
            commanditaire_id=rnd.choice(everyone),
            initial_wording="Une demande d'élu ou de directeur, telle que formulée.",
            status=rnd.choice(STATUSES),
        )
        for n in range(count)
    )
    c.TeamMember.objects.bulk_create(
        (
            c.TeamMember(commande=commande, person_id=pk, role=c.TeamRole.MEMBER)
            for commande in commandes
            for pk in rnd.sample(everyone, 3)
        ),
        ignore_conflicts=True,
    )
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    c.StatusChange.objects.bulk_create(
        c.StatusChange(commande=commande, from_status=prev, to_status=nxt, changed_at=now)
        for commande in commandes
        for prev, nxt in itertools.pairwise(
            ["", c.Status.RECEIVED, c.Status.CLARIFICATION, commande.status]
        )
    )
    return len(commandes)
