import pytest
from django.core import mail

from ateliers import services
from ateliers.formats import Format
from ateliers.models import (
    Action,
    Atelier,
    CriteriaGrid,
    DebateQuestion,
    DemarreurReport,
    DemarreurRole,
    GuestLink,
    GuestPurpose,
    Idea,
    Observation,
    Rating,
    ReportStatus,
    Stand,
    StandFeedback,
    StandVisit,
    SuggestedOffer,
    Theme,
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


def test_create_atelier_keeps_its_facilitators_and_participants(db):
    session = factories.SessionFactory()
    alice, bob = factories.PersonFactory(), factories.PersonFactory()

    atelier = services.create_atelier(
        session=session,
        facilitators=[alice],
        participants=[alice, bob],
        title="Débat",
        format=Format.DEBAT_MOUVANT,
        guest_count=2,
    )

    atelier = Atelier.objects.get(pk=atelier.pk)
    assert (atelier.session, atelier.title, atelier.format) == (session, "Débat", "debat_mouvant")
    assert list(atelier.facilitators.all()) == [alice]
    assert set(atelier.participants.all()) == {alice, bob}


def test_update_atelier_replaces_its_fields_and_people(atelier):
    alice, bob = factories.PersonFactory(), factories.PersonFactory()
    atelier.participants.set([alice])

    services.update_atelier(
        atelier=atelier, facilitators=[bob], participants=[bob], title="Tribunal"
    )

    atelier = Atelier.objects.get(pk=atelier.pk)
    assert atelier.title == "Tribunal"
    assert list(atelier.facilitators.all()) == [bob]
    assert list(atelier.participants.all()) == [bob]


def test_report_of_never_creates_the_report(atelier):
    unsaved = services.report_of(atelier=atelier)
    assert unsaved.pk is None
    assert DemarreurReport.objects.count() == 0

    services.update_report(report=unsaved, fields={"hypotheses": "Un guichet"}, version=None)

    assert services.report_of(atelier=atelier).hypotheses == "Un guichet"
    assert DemarreurReport.objects.count() == 1


def test_add_result_hangs_it_on_the_workshop_with_its_author(atelier):
    author = factories.PersonFactory()

    action = services.add_result(
        atelier=atelier, kind="action", fields={"what": "Relancer", "done": False}, author=author
    )

    assert Action.objects.get(pk=action.pk).atelier == atelier
    assert Action.objects.get(pk=action.pk).created_by == author


def test_add_result_hangs_a_role_on_the_report_created_for_it(atelier):
    person = factories.PersonFactory()

    role = services.add_result(
        atelier=atelier,
        kind="role",
        fields={"role": "commanditaire", "person": person},
        author=None,
    )

    assert DemarreurRole.objects.get(pk=role.pk).report.atelier == atelier


def test_add_result_hangs_feedback_on_its_stand(atelier):
    stand = Stand.objects.create(atelier=atelier, name="Citoyen")

    services.add_result(
        atelier=atelier,
        kind="feedback",
        fields={"stand": stand, "understanding": 4, "interest": 5, "comment": ""},
        author=None,
    )

    assert StandFeedback.objects.get().stand == stand


def test_add_result_of_an_anonymous_idea_keeps_no_author(atelier):
    idea = services.add_result(
        atelier=atelier,
        kind="idea",
        fields={"text": "Un lieu", "x": None, "y": None, "anonymous": True},
        author=factories.PersonFactory(),
    )

    assert Idea.objects.get(pk=idea.pk).created_by is None


def test_add_result_of_a_rating_or_an_observation_from_a_guest(atelier):
    services.add_result(
        atelier=atelier, kind="rating", fields={"score": 4, "comment": ""}, author=None
    )
    services.add_result(
        atelier=atelier,
        kind="observation",
        fields={"observer": "Zoé", "phase": "Accueil", "note": "Calme"},
        author=None,
    )

    assert Rating.objects.get().atelier == atelier
    assert Observation.objects.get().report.atelier == atelier


def test_update_result_writes_the_fields(atelier):
    question = DebateQuestion.objects.create(atelier=atelier, text="?", yes=2)

    services.update_result(obj=question, fields={"text": "Budget ?"}, version=question.version)

    question.refresh_from_db()
    assert (question.text, question.yes, question.version) == ("Budget ?", 2, 1)


def test_delete_result_removes_it(atelier):
    theme = Theme.objects.create(atelier=atelier, name="Accueil")

    services.delete_result(obj=theme)

    assert not Theme.objects.exists()


def test_classify_idea_gives_a_theme_and_a_place(atelier):
    idea = Idea.objects.create(atelier=atelier, text="x")
    theme = Theme.objects.create(atelier=atelier, name="Présence")

    services.classify_idea(idea=idea, theme=theme, x=80, y=15)

    idea.refresh_from_db()
    assert (idea.theme, idea.x, idea.y, idea.cy) == (theme, 80, 15, 85)


def test_toggle_action_is_one_update_that_flips_the_stored_value(
    atelier, django_assert_num_queries
):
    action = Action.objects.create(atelier=atelier, what="Relancer")
    stale = Action.objects.get(pk=action.pk)
    Action.objects.filter(pk=action.pk).update(done=True)

    with django_assert_num_queries(1):
        services.toggle_action(action=stale)

    assert Action.objects.get(pk=action.pk).done is False


def test_save_grid_creates_then_updates_the_grid(atelier):
    axes = {"x_low": "Facile", "x_high": "Difficile", "y_low": "Faible", "y_high": "Fort"}

    services.save_grid(atelier=atelier, fields={**axes, "zones": ""})
    services.save_grid(atelier=atelier, fields={**axes, "zones": "En haut à gauche"}, version=1)

    assert CriteriaGrid.objects.get(atelier=atelier).zones == "En haut à gauche"


def test_update_report_writes_a_draft_but_never_a_sent_report(atelier):
    report = DemarreurReport.objects.create(atelier=atelier)

    report = services.update_report(report=report, fields={"hypotheses": "Un guichet"}, version=0)
    report.status = ReportStatus.SENT
    report.save()

    with pytest.raises(services.ResultError):
        services.update_report(report=report, fields={"hypotheses": "Autre chose"}, version=1)
    assert DemarreurReport.objects.get(pk=report.pk).hypotheses == "Un guichet"


def test_create_guest_link_is_active(atelier):
    user = factories.UserFactory()

    link = services.create_guest_link(atelier=atelier, purpose=GuestPurpose.RATE, created_by=user)

    assert GuestLink.objects.get(pk=link.pk).active
    assert link.created_by == user
