import pytest
from django.core import mail

from ateliers import services
from ateliers.models import (
    DebateQuestion,
    DemarreurReport,
    DemarreurRole,
    Idea,
    Stand,
    StandVisit,
    SuggestedOffer,
    Vote,
)
from tests import factories


@pytest.fixture
def atelier(db):
    return factories.AtelierFactory(format="free")


def test_tap_counts_up_and_down_but_never_below_zero(atelier):
    question = DebateQuestion.objects.create(atelier=atelier, text="Le Labo est-il un catalyseur ?")

    services.tap(question=question, position="yes", delta=1)
    services.tap(question=question, position="yes", delta=1)
    services.tap(question=question, position="no", delta=-1)

    assert (question.yes, question.no, question.mixed) == (2, 0, 0)


def test_tap_refuses_an_unknown_position(atelier):
    question = DebateQuestion.objects.create(atelier=atelier, text="?")

    with pytest.raises(services.ResultError):
        services.tap(question=question, position="maybe", delta=1)


def test_anonymous_idea_keeps_no_author(atelier):
    author = factories.PersonFactory()

    idea = services.add_idea(
        atelier=atelier, text="Un budget propre", author=author, anonymous=True
    )

    assert Idea.objects.get(pk=idea.pk).created_by is None


def test_signed_idea_keeps_its_author(atelier):
    author = factories.PersonFactory()

    idea = services.add_idea(atelier=atelier, text="Un lieu", author=author, anonymous=False)

    assert idea.created_by == author


def test_votes_wait_for_the_reveal_then_stop_at_the_limit(atelier):
    idea = Idea.objects.create(atelier=atelier, text="x")
    with pytest.raises(services.ResultError):
        services.vote(idea=idea, voter="p1")

    services.reveal_ideas(atelier=atelier)
    left = [services.vote(idea=idea, voter="p1") for _ in range(atelier.votes_per_person)]

    assert left == [2, 1, 0]
    with pytest.raises(services.ResultError):
        services.vote(idea=idea, voter="p1")
    assert services.vote(idea=idea, voter="p2") == 2
    services.unvote(idea=idea, voter="p1")
    assert Vote.objects.filter(voter="p1").count() == 2


def test_rotation_sends_each_group_to_each_stand_once(atelier):
    stands = [
        Stand.objects.create(atelier=atelier, name=n)
        for n in ("Citoyen", "Démarrage de projets", "Interne")
    ]

    services.plan_rotation(atelier=atelier, groups=["G1", "G2", "G3"])

    visits = StandVisit.objects.all()
    assert visits.count() == 9
    for group in ("G1", "G2", "G3"):
        assert sorted(v.stand_id for v in visits.filter(group=group)) == sorted(
            s.pk for s in stands
        )
    for round_ in (1, 2, 3):
        assert visits.filter(round=round_).values("stand").distinct().count() == 3


def test_rotation_refuses_more_groups_than_stands(atelier):
    Stand.objects.create(atelier=atelier, name="Seul")

    with pytest.raises(services.ResultError):
        services.plan_rotation(atelier=atelier, groups=["G1", "G2"])


def test_adopting_a_suggested_offer_adds_it_once(atelier):
    stand = Stand.objects.create(atelier=atelier, name="Démarrage", offers="Suivi de projet")
    suggestion = SuggestedOffer.objects.create(stand=stand, text="Aide à l'adhésion au projet")

    services.adopt_offer(suggestion=suggestion)
    services.adopt_offer(suggestion=suggestion)

    stand.refresh_from_db()
    assert stand.offers.splitlines() == ["Suivi de projet", "Aide à l'adhésion au projet"]


def make_report(atelier):
    report = DemarreurReport.objects.create(atelier=atelier, reformulated_request="Occiline")
    direction = factories.DirectionFactory(name="DRU", email="dru@region.example")
    elue = factories.PersonFactory(email="elue@region.example", direction=direction)
    naive = factories.PersonFactory(email="naif@region.example")
    DemarreurRole.objects.create(report=report, role="commanditaire", person=elue)
    DemarreurRole.objects.create(report=report, role="naive", person=naive)
    return report


def test_report_goes_draft_reviewed_sent_and_mails_people_and_directions(atelier):
    report = make_report(atelier)

    with pytest.raises(services.ResultError):
        services.send_report(report=report)
    services.review_report(report=report, reviewer=None)
    count = services.send_report(report=report)

    assert count == 3
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == [
        "dru@region.example",
        "elue@region.example",
        "naif@region.example",
    ]
    assert "Occiline" in mail.outbox[0].body
    assert DemarreurReport.objects.get(pk=report.pk).status == "sent"
    with pytest.raises(services.ResultError):
        services.send_report(report=report)
    assert len(mail.outbox) == 1


def test_report_without_reformulation_cannot_be_reviewed(atelier):
    report = DemarreurReport.objects.create(atelier=atelier)

    with pytest.raises(services.ResultError):
        services.review_report(report=report, reviewer=None)
