"""Who may see and act on commandes."""

import rules

from labo.queries import person_id_of
from labo.rules import is_facilitator, is_management


@rules.predicate
def is_in_team(user, commande) -> bool:
    person_id = person_id_of(user)
    return (
        commande is not None
        and person_id is not None
        and commande.team.filter(person=person_id).exists()
    )


@rules.predicate
def owns_task(user, task) -> bool:
    person_id = person_id_of(user)
    return task is not None and person_id is not None and task.owner_id == person_id


rules.add_rule("commandes.view_commande", is_facilitator | is_management | is_in_team)
rules.add_rule("commandes.change_commande", is_facilitator)
rules.add_rule("commandes.review_commande", is_management)
# A task's owner ticks it off, even without the right to change the rest of the commande.
rules.add_rule("commandes.change_task", is_facilitator | owns_task)
