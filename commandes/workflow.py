"""The commande pipeline: which move is allowed, to whom, with what, in one place."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commandes.models import Commande, StatusChange
from commandes.models import Status as S
from labo.roles import FACILITATOR, MANAGEMENT, roles_of

AnyUser = User | AnonymousUser

# from → the statuses it may go to
TRANSITIONS: dict[S, tuple[S, ...]] = {
    S.RECEIVED: (S.CLARIFICATION, S.ABANDONED),
    S.CLARIFICATION: (S.REFORMULATED, S.ABANDONED),
    S.REFORMULATED: (S.SUBMITTED, S.CLARIFICATION, S.ABANDONED),
    S.SUBMITTED: (S.VALIDATED, S.SHELVED, S.REFUSED, S.REFORMULATED),
    S.SHELVED: (S.SUBMITTED, S.ABANDONED),
    S.VALIDATED: (S.IN_PROGRESS, S.ABANDONED),
    S.IN_PROGRESS: (S.PROTOTYPE, S.ABANDONED),
    S.PROTOTYPE: (S.DELIVERED, S.IN_PROGRESS, S.ABANDONED),
    S.DELIVERED: (S.CLOSED,),
    S.REFUSED: (),
    S.CLOSED: (),
    S.ABANDONED: (),
}
# Management alone decides at the gate; facilitators move everything else.
GATE = frozenset({S.VALIDATED, S.SHELVED, S.REFUSED})
MIN_TEAM = 1


class MoveRefused(Exception):
    """The move is refused; the message (French) says why. Nothing changed."""


@dataclass
class Move:
    to_status: S
    comment: str = ""
    # The status the user saw when they chose the move: every move posted carries it
    # (commandes.forms.MoveForm); None only for tools (the demo lab).
    expected_status: S | None = None
    reformulated_wording: str = ""
    shelved_until: datetime.date | None = None
    abandon_reason: str = ""


def role_for(to_status: S) -> str:
    return MANAGEMENT if to_status in GATE else FACILITATOR


# What a move to a status asks for besides a comment (the move form offers only these).
ASKS = {
    S.REFORMULATED: "reformulated_wording",
    S.SHELVED: "shelved_until",
    S.ABANDONED: "abandon_reason",
}


def asked_by(moves: list[S]) -> set[str]:
    """The move form's fields that one of these moves uses."""
    return {ASKS[s] for s in moves if s in ASKS}


def allowed_moves(commande: Commande, user: AnyUser) -> list[S]:
    held = roles_of(user)
    return [s for s in TRANSITIONS[S(commande.status)] if role_for(s) in held]


def _check(commande: Commande, move: Move, user: AnyUser) -> None:
    status = S(commande.status)
    if move.expected_status and move.expected_status != status:
        raise MoveRefused(
            _("Someone else moved this commande to “%(status)s” meanwhile: check it and try again.")
            % {"status": status.label}
        )
    if move.to_status not in TRANSITIONS[status]:
        raise MoveRefused(
            _("A commande cannot go from “%(from)s” to “%(to)s”.")
            % {"from": status.label, "to": dict(S.choices).get(move.to_status, move.to_status)}
        )
    if role_for(move.to_status) not in roles_of(user):
        if move.to_status in GATE:
            raise MoveRefused(_("Only management validates, shelves or refuses a commande."))
        raise MoveRefused(_("Only facilitators move commandes through the pipeline."))
    if move.to_status == S.REFORMULATED and not (
        move.reformulated_wording.strip() or commande.reformulated_wording.strip()
    ):
        raise MoveRefused(_("Write the reformulated request before moving to “reformulated”."))
    if (
        move.to_status != S.REFORMULATED
        and move.reformulated_wording.strip()
        and _lines(move.reformulated_wording) != _lines(commande.reformulated_wording)
    ):
        # Written by the move to "reformulated" only, where the history records it: at the
        # gate, management decides on the wording it was given.
        raise MoveRefused(_("The reformulated request changes only with a move to “reformulated”."))
    if move.to_status == S.SHELVED:
        if move.shelved_until is None:
            raise MoveRefused(_("Give the date to look at it again."))
        if move.shelved_until <= timezone.localdate():
            raise MoveRefused(_("The date to look at it again must be in the future."))
    if move.to_status == S.ABANDONED and not move.abandon_reason.strip():
        raise MoveRefused(_("Say why the commande is abandoned."))
    if move.to_status == S.IN_PROGRESS and commande.team.count() < MIN_TEAM:
        raise MoveRefused(_("Build the team before starting the work."))


def _lines(text: str) -> list[str]:
    """A text as its lines, stripped: a browser sends a textarea's lines ending in CRLF."""
    return [line.rstrip() for line in text.strip().splitlines()]


@transaction.atomic
def move(*, commande: Commande, move: Move, user: User) -> StatusChange:
    """Apply one move under a row lock: of two simultaneous moves, the second is refused."""
    commande = Commande.objects.select_for_update().get(pk=commande.pk)
    _check(commande, move, user)
    change = StatusChange.objects.create(
        commande=commande,
        from_status=commande.status,
        to_status=move.to_status,
        changed_by=user,
        changed_at=timezone.now(),
        comment=move.comment,
    )
    commande.status = move.to_status
    fields = ["status", "updated_at"]
    if move.to_status == S.REFORMULATED and move.reformulated_wording.strip():
        commande.reformulated_wording = move.reformulated_wording.strip()
        fields.append("reformulated_wording")
    if move.to_status == S.SHELVED:
        commande.shelved_until = move.shelved_until
        fields.append("shelved_until")
    if move.to_status == S.ABANDONED:
        commande.abandon_reason = move.abandon_reason.strip()
        fields.append("abandon_reason")
    commande.save(update_fields=fields)
    return change
