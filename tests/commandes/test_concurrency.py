"""Two people moving the same commande at once: one wins, the other is told (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from commandes.models import Commande, StatusChange, Task
from commandes.models import Status as S
from commandes.services import toggle_task
from commandes.workflow import Move, MoveRefused, move
from labo.roles import MANAGEMENT
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_gate_decisions_one_wins_and_history_says_which():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is tested on PostgreSQL (CI runs it with DATABASE_URL).")
    commande = factories.CommandeFactory(status=S.SUBMITTED)
    alice = factories.UserFactory(username="dg1", roles=[MANAGEMENT])
    bob = factories.UserFactory(username="dg2", roles=[MANAGEMENT])
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(user, to_status):
        try:
            barrier.wait()
            move(
                commande=Commande.objects.get(pk=commande.pk),
                move=Move(to_status=to_status, expected_status=S.SUBMITTED),
                user=user,
            )
            outcomes[user.username] = "won"
        except MoveRefused as error:
            outcomes[user.username] = str(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(alice, S.VALIDATED)),
        threading.Thread(target=decide, args=(bob, S.REFUSED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(v == "won" for v in outcomes.values()) == [False, True]
    [change] = StatusChange.objects.filter(commande=commande)
    winner = "dg1" if outcomes["dg1"] == "won" else "dg2"
    assert change.changed_by.username == winner
    assert Commande.objects.get(pk=commande.pk).status == change.to_status


def test_two_simultaneous_toggles_of_a_task_flip_it_twice():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is tested on PostgreSQL (CI runs it with DATABASE_URL).")
    task = Task.objects.create(commande=factories.CommandeFactory(), title="Relancer")
    barrier = threading.Barrier(2)

    def toggle():
        try:
            seen = Task.objects.get(pk=task.pk)  # both read "not done" before either writes
            barrier.wait()
            toggle_task(task=seen)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=toggle) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Task.objects.get(pk=task.pk).done is False
