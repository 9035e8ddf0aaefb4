import datetime

import pytest
from django.utils import timezone

from commandes.models import Commande, StatusChange
from commandes.models import Status as S
from commandes.workflow import GATE, TRANSITIONS, Move, MoveRefused, allowed_moves, move
from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT
from tests import factories

ROLES = {"facilitator": FACILITATOR, "management": MANAGEMENT, "ambassador": AMBASSADOR}


@pytest.fixture
def users(db):
    return {
        name: factories.UserFactory(username=name, roles=[role]) for name, role in ROLES.items()
    }


def ready(status: str) -> Commande:
    """A commande in a status with everything any move out of it may require."""
    commande = factories.CommandeFactory(status=status, reformulated_wording="Nouvelle formulation")
    factories.TeamMemberFactory(commande=commande, role="pilot")
    return commande


def complete(to_status: str, **extra) -> Move:
    return Move(
        to_status=to_status,
        abandon_reason="Plus de porteur",
        shelved_until=timezone.localdate() + datetime.timedelta(days=90),
        **extra,
    )


CASES = [(f, t, r) for f in S.values for t in S.values for r in ROLES]


@pytest.mark.parametrize(("from_status", "to_status", "role"), CASES)
def test_every_move_for_every_role(users, from_status, to_status, role):
    commande = ready(from_status)
    expected = to_status in TRANSITIONS[from_status] and (
        (to_status in GATE and role == "management")
        or (to_status not in GATE and role == "facilitator")
    )

    if expected:
        move(commande=commande, move=complete(to_status), user=users[role])
        assert Commande.objects.get(pk=commande.pk).status == to_status
        assert StatusChange.objects.get(commande=commande).changed_by == users[role]
    else:
        with pytest.raises(MoveRefused):
            move(commande=commande, move=complete(to_status), user=users[role])
        assert Commande.objects.get(pk=commande.pk).status == from_status
        assert not StatusChange.objects.filter(commande=commande).exists()


def test_only_management_decides_at_the_gate(users):
    commande = ready(S.SUBMITTED)

    with pytest.raises(MoveRefused) as error:
        move(commande=commande, move=complete(S.VALIDATED), user=users["facilitator"])

    assert "Seule la direction" in str(error.value)
    assert allowed_moves(commande, users["management"]) == [S.VALIDATED, S.SHELVED, S.REFUSED]
    assert allowed_moves(commande, users["facilitator"]) == [S.REFORMULATED]


@pytest.mark.parametrize(
    ("status", "to_status", "fields", "message"),
    [
        (S.CLARIFICATION, S.REFORMULATED, {"reformulated_wording": ""}, "demande reformulée"),
        (S.SUBMITTED, S.SHELVED, {"shelved_until": None}, "date"),
        (S.RECEIVED, S.ABANDONED, {"abandon_reason": " "}, "pourquoi"),
        (S.VALIDATED, S.IN_PROGRESS, {"team": False}, "équipe"),
    ],
)
def test_required_fields(users, status, to_status, fields, message):
    commande = factories.CommandeFactory(status=status)
    role = "management" if to_status in GATE else "facilitator"
    data = {"abandon_reason": "x", "shelved_until": timezone.localdate() + datetime.timedelta(1)}
    data.update({k: v for k, v in fields.items() if k != "team"})

    with pytest.raises(MoveRefused) as error:
        move(commande=commande, move=Move(to_status=to_status, **data), user=users[role])

    assert message in str(error.value)
    assert Commande.objects.get(pk=commande.pk).status == status


def test_reformulation_keeps_the_first_wording_beside_the_new_one(users):
    commande = factories.CommandeFactory(
        status=S.CLARIFICATION,
        initial_wording="Une borne",
        title="Occiline",
        initial_title="Occiborne",
    )

    move(
        commande=commande,
        move=Move(to_status=S.REFORMULATED, reformulated_wording="Un guichet numérique"),
        user=users["facilitator"],
    )

    commande.refresh_from_db()
    assert (commande.initial_wording, commande.reformulated_wording) == (
        "Une borne",
        "Un guichet numérique",
    )


def test_a_stale_move_is_refused_with_who_won(users):
    commande = ready(S.SUBMITTED)
    move(commande=commande, move=complete(S.VALIDATED), user=users["management"])

    with pytest.raises(MoveRefused) as error:
        move(
            commande=commande,
            move=complete(S.SHELVED, expected_status=S.SUBMITTED),
            user=users["management"],
        )

    assert "Validée" in str(error.value)
    assert StatusChange.objects.filter(commande=commande).count() == 1
