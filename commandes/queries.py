"""Reusable reads about commandes."""

from django.db.models import QuerySet

from commandes.models import Commande, Status


def waiting_at_gate() -> QuerySet[Commande]:
    """Commandes submitted to management and not yet decided."""
    return (
        Commande.objects.filter(status=Status.SUBMITTED)
        .select_related("commanditaire", "programme")
        .order_by("updated_at")
    )
