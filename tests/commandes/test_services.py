import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commandes import services
from commandes.models import Deliverable, GateReview, StatusChange, Task, TeamMember, TeamRole
from commandes.models import Status as S
from labo.roles import FACILITATOR, MANAGEMENT
from tests import factories


@pytest.fixture
def commande(db):
    return factories.CommandeFactory()


def test_record_commande_is_received_with_its_first_title_and_history_line(db):
    programme = factories.ProgrammeFactory()
    commanditaire = factories.PersonFactory()
    user = factories.UserFactory(roles=[FACILITATOR])

    commande = services.record_commande(
        programme=programme,
        title="Occiborne",
        commanditaire=commanditaire,
        initial_wording="Une borne d'accueil",
        user=user,
    )

    assert (commande.status, commande.initial_title) == (S.RECEIVED, "Occiborne")
    [change] = commande.history.all()
    assert (change.from_status, change.to_status, change.changed_by) == ("", S.RECEIVED, user)


def test_add_team_member_puts_the_person_in_the_team(commande):
    person = factories.PersonFactory()

    member = services.add_team_member(commande=commande, person=person, role=TeamRole.PILOT)

    assert list(commande.team.values_list("person", "role")) == [(person.pk, TeamRole.PILOT)]
    assert member.commande == commande


def test_remove_team_member_takes_only_them_out(commande):
    leaving = factories.TeamMemberFactory(commande=commande)
    staying = factories.TeamMemberFactory(commande=commande)

    services.remove_team_member(member=leaving)

    assert list(TeamMember.objects.filter(commande=commande)) == [staying]


def test_add_task_belongs_to_the_commande(commande):
    owner = factories.PersonFactory()
    due = datetime.date(2026, 3, 2)

    task = services.add_task(commande=commande, title="Relancer", owner=owner, due_on=due)

    assert list(commande.tasks.values_list("title", "owner", "due_on", "done")) == [
        ("Relancer", owner.pk, due, False)
    ]
    assert task.commande == commande


def test_add_task_without_owner_or_date(commande):
    services.add_task(commande=commande, title="Relancer", owner=None, due_on=None)

    assert commande.tasks.get().owner is None


def test_toggle_task_ticks_it_off_then_reopens_it(commande):
    task = Task.objects.create(commande=commande, title="Relancer")

    services.toggle_task(task=task)
    after_one = Task.objects.get(pk=task.pk).done
    services.toggle_task(task=task)

    assert (after_one, Task.objects.get(pk=task.pk).done) == (True, False)


def test_toggle_task_flips_what_is_stored_not_what_was_read(commande):
    task = Task.objects.create(commande=commande, title="Relancer")
    Task.objects.filter(pk=task.pk).update(done=True)  # someone else ticked it meanwhile

    services.toggle_task(task=task)  # task.done is still False here

    assert Task.objects.get(pk=task.pk).done is False


def test_add_deliverable_with_a_link(commande):
    deliverable = services.add_deliverable(
        commande=commande, kind="recommendations", title="Livret", url="https://example.org/l"
    )

    assert (deliverable.commande, deliverable.url, bool(deliverable.file)) == (
        commande,
        "https://example.org/l",
        False,
    )


def test_add_deliverable_with_a_file(commande):
    upload = SimpleUploadedFile("q.txt", b"Questionnaire")

    services.add_deliverable(commande=commande, kind="questionnaire", title="Q", file=upload)

    stored = Deliverable.objects.get(commande=commande)
    assert (stored.url, stored.file.read()) == ("", b"Questionnaire")


def test_save_review_writes_then_changes_the_same_scorecard(commande):
    reviewer = factories.UserFactory(roles=[MANAGEMENT])
    scores = {"feasibility": 3, "alignment": 3, "urgency": 3}

    first = services.save_review(commande=commande, reviewer=reviewer, value=1, **scores)
    second = services.save_review(
        commande=commande, reviewer=reviewer, value=5, comment="Revu", **scores
    )

    [stored] = GateReview.objects.filter(commande=commande)
    assert (second.pk, stored.value, stored.comment) == (first.pk, 5, "Revu")


def test_save_review_keeps_one_scorecard_per_reviewer(commande):
    scores = {"value": 4, "feasibility": 4, "alignment": 4, "urgency": 4}
    for username in ("dg1", "dg2"):
        reviewer = factories.UserFactory(username=username, roles=[MANAGEMENT])
        services.save_review(commande=commande, reviewer=reviewer, **scores)

    assert GateReview.objects.filter(commande=commande).count() == 2


def test_rename_commande_keeps_the_title_it_came_with(commande):
    commande.initial_title = "Occiborne"
    commande.save()

    services.rename_commande(commande=commande, title="Occiguichet")
    services.rename_commande(commande=commande, title="Occiline")

    commande.refresh_from_db()
    assert (commande.title, commande.initial_title) == ("Occiline", "Occiborne")


def test_rename_commande_without_a_first_title_keeps_the_current_one(db):
    commande = factories.CommandeFactory(title="Occiborne", initial_title="")

    services.rename_commande(commande=commande, title="Occiline")

    commande.refresh_from_db()
    assert (commande.title, commande.initial_title) == ("Occiline", "Occiborne")


def test_backdate_history_dates_the_moves_in_their_order(commande):
    now = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    for status in (S.RECEIVED, S.CLARIFICATION, S.REFORMULATED):
        factories.StatusChangeFactory(commande=commande, to_status=status, changed_at=now)
    start = now - datetime.timedelta(days=30)

    services.backdate_history(
        commande=commande, first_at=start, interval=datetime.timedelta(days=10)
    )

    history = StatusChange.objects.filter(commande=commande).order_by("pk")
    assert [(c.to_status, c.changed_at) for c in history] == [
        (S.RECEIVED, start),
        (S.CLARIFICATION, start + datetime.timedelta(days=10)),
        (S.REFORMULATED, start + datetime.timedelta(days=20)),
    ]


@pytest.mark.parametrize(
    ("days_ago", "interval_days"), [(5, 10), (30, 0)], ids=["future", "no interval"]
)
def test_backdate_history_refuses_a_future_move_or_no_interval(commande, days_ago, interval_days):
    first = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for status in (S.RECEIVED, S.CLARIFICATION):
        factories.StatusChangeFactory(commande=commande, to_status=status, changed_at=first)

    with pytest.raises(ValueError):
        services.backdate_history(
            commande=commande,
            first_at=timezone.now() - datetime.timedelta(days=days_ago),
            interval=datetime.timedelta(days=interval_days),
        )

    assert set(StatusChange.objects.values_list("changed_at", flat=True)) == {first}
